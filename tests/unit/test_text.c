#include <string.h>

#include "buf.h"
#include "tap.h"
#include "text.h"

static char out[4096];

static const char *
html(const char *in)
{
	struct buf b;

	buf_init(&b, 0);
	text_to_html(in, "https://h", &b);
	snprintf(out, sizeof(out), "%s", b.data ? b.data : "");
	buf_free(&b);
	return out;
}

int
main(void)
{
	char tags[TEXT_MAX_TAGS][TEXT_TAG_MAX + 1];
	int n;

	ok(!strcmp(html("hello"), "<p>hello</p>"), "one paragraph");
	ok(!strcmp(html("a\nb"), "<p>a<br>b</p>"), "line break");
	ok(!strcmp(html("a\n\nb\n"), "<p>a</p><p>b</p>"), "two paragraphs");
	ok(!strcmp(
	       html("<script>&\"'"), "<p>&lt;script&gt;&amp;&quot;&#39;</p>"),
	    "escaped: %s", out);
	ok(strstr(html("learn #Sepsis now"),
	       "href=\"https://h/tags/sepsis\" "
	       "class=\"mention hashtag\" "
	       "rel=\"tag\">#<span>Sepsis</span></a>") != NULL,
	    "hashtag linked: %s", out);
	ok(strstr(html("see https://example.org/a?b=1&c=2."),
	       "<a href=\"https://example.org/a?b=1&amp;c=2\"") != NULL &&
		strstr(out, "</a>.</p>") != NULL,
	    "URL linked, full stop kept "
	    "out: %s",
	    out);
	ok(strstr(html("x#notatag"), "<a") == NULL, "# inside a word");
	ok(strstr(html("#123"), "<a") == NULL, "digits only is no tag");
	n = text_hashtags("#Sepsis #sepsis #NEWS2 and #Falls_prevention, "
			  "#123 a#b",
	    tags, TEXT_MAX_TAGS);
	ok(n == 3 && !strcmp(tags[0], "sepsis") && !strcmp(tags[1], "news2") &&
		!strcmp(tags[2], "falls_prevention"),
	    "tags deduplicated, "
	    "lowercased (%d)",
	    n);
	n = text_hashtags("#caf\xc3\xa9", tags, TEXT_MAX_TAGS);
	ok(n == 1 && !strcmp(tags[0], "caf\xc3\xa9"), "UTF-8 tag");
	ok(text_utf8_valid("caf\xc3\xa9\n\t", 7), "valid UTF-8");
	ok(!text_utf8_valid("\xc3", 1), "truncated");
	ok(!text_utf8_valid("\xc0\xaf", 2), "overlong");
	ok(!text_utf8_valid("\xed\xa0\x80", 3), "surrogate");
	ok(!text_utf8_valid("a\x01", 2), "control character");
	ok(!text_utf8_valid("a\0b", 3), "NUL");
	ok(text_utf8_chars("caf\xc3\xa9") == 4,
	    "four characters in five bytes");
	{
		uint64_t secs = 1;
		char day[TEXT_DATE_LEN + 1];

		ok(text_date_parse("2027-02-28", &secs) == 0 &&
			secs == 1803772800,
		    "2027-02-28 is UTC midnight");
		text_date_format(secs, day);
		ok(!strcmp(day, "2027-02-28"), "formatted back: %s", day);
		ok(text_date_parse("2027-02-31", &secs) != 0,
		    "2027-02-31 is refused, not rolled over to March");
		ok(text_date_parse("2028-02-29", &secs) == 0 &&
			text_date_parse("2027-02-29", &secs) != 0,
		    "29 February only in a leap year");
		ok(text_date_parse("2027-13-01", &secs) != 0 &&
			text_date_parse("2027-1-01", &secs) != 0 &&
			text_date_parse("2027-01-01x", &secs) != 0 &&
			text_date_parse(NULL, &secs) != 0,
		    "month 13, a short month, trailing text, NULL refused");
	}

	/* mentions */
	{
		struct text_mention m[TEXT_MAX_MENTIONS];
		struct buf b;

		n = text_mentions("hi @alice and @Bob@hub.example.org, "
				  "@bob@HUB.example.org. mail a@b.c "
				  "@carol@127.0.0.1:8080 @x@ @dave.",
		    m, TEXT_MAX_MENTIONS);
		ok(n == 4, "four distinct mentions (%d)", n);
		ok(n == 4 && !strcmp(m[0].user, "alice") && !m[0].host[0],
		    "local mention");
		ok(n == 4 && !strcmp(m[1].user, "Bob") &&
			!strcmp(m[1].host, "hub.example.org"),
		    "remote mention, trailing comma left out");
		ok(n == 4 && !strcmp(m[2].host, "127.0.0.1:8080"),
		    "host with a port: %s", n == 4 ? m[2].host : "");
		ok(n == 4 && !strcmp(m[3].user, "dave"),
		    "trailing full stop left out");
		m[1].href = "https://hub.example.org/users/bob";
		buf_init(&b, 0);
		text_to_html_m("to @bob@hub.example.org: <hi> @alice",
		    "https://h", m, n, &b);
		ok(b.data &&
			strstr(b.data,
			    "<span class=\"h-card\" translate=\"no\"><a "
			    "href=\"https://hub.example.org/users/bob\" "
			    "class=\"u-url mention\">@<span>bob</span>"
			    "</a></span>: &lt;hi&gt; @alice</p>"),
		    "mention linked, unresolved one left as text: %s",
		    b.data ? b.data : "");
		buf_free(&b);
		ok(text_mentions("e@mail.org @@x x@y", m, 4) == 0,
		    "no mention in addresses or doubled @");
	}
	return done_testing();
}
