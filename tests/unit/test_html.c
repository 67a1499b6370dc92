#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "fed_html.h"
#include "tap.h"

#define REL " rel=\"nofollow noopener noreferrer\" target=\"_blank\""

struct tcase {
	const char *in;
	const char *want;
	const char *what;
};

static char got[8192];
static char shown[8192]; /* got on one line, for the TAP comment */
static int rc;

static const char *
show(const char *s)
{
	size_t i, n = 0;

	for (i = 0; s[i] != '\0' && n + 3 < sizeof(shown); i++) {
		if (s[i] == '\n') {
			shown[n++] = '\\';
			shown[n++] = 'n';
		} else
			shown[n++] = s[i];
	}
	shown[n] = '\0';
	return shown;
}

static const char *
run(int (*fn)(const char *, size_t, struct buf *), const char *in, size_t len)
{
	struct buf b;

	buf_init(&b, 0);
	rc = fn(in, len, &b);
	snprintf(got, sizeof(got), "%s", b.data != NULL ? b.data : "");
	buf_free(&b);
	return show(got);
}

static void
check(int (*fn)(const char *, size_t, struct buf *), const struct tcase *c,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		run(fn, c[i].in, strlen(c[i].in));
		ok(rc == 0 && !strcmp(got, c[i].want), "%s: %s", c[i].what,
		    shown);
	}
}

/* A NUL-terminated string of n copies of s, between pre and post. */
static char *
repeat(const char *pre, const char *s, size_t n, const char *post)
{
	size_t len = strlen(s), i;
	char *r, *p;

	if ((r = malloc(strlen(pre) + n * len + strlen(post) + 1)) == NULL)
		abort();
	p = r + strlen(strcpy(r, pre));
	for (i = 0; i < n; i++, p += len)
		memcpy(p, s, len);
	strcpy(p, post);
	return r;
}

static double
seconds(clock_t t0)
{
	return (double)(clock() - t0) / CLOCKS_PER_SEC;
}

static const struct tcase kept[] = {
	{ "<p>Hi <a href=\"https://m.example/@ann\" class=\"u-url mention\">"
	  "@<span>ann</span></a> <a href=\"https://m.example/tags/news\" "
	  "class=\"mention hashtag\" rel=\"tag\">#<span>news</span></a></p>",
	    "<p>Hi <a href=\"https://m.example/@ann\" class=\"u-url "
	    "mention\"" REL
	    ">@<span>ann</span></a> <a href=\"https://m.example/tags/news\" "
	    "class=\"mention hashtag\"" REL ">#<span>news</span></a></p>",
	    "Mastodon mention and hashtag" },
	{ "<p>a<br>b</p><p>c</p>", "<p>a<br>b</p><p>c</p>", "p and br" },
	{ "<p><em>a</em><strong>b</strong><b>c</b><i>d</i><u>e</u><del>f</del>"
	  "<code>g</code><s>h</s><sup>i</sup></p>",
	    "<p><em>a</em><strong>b</strong><b>c</b><i>d</i><u>e</u><del>f</"
	    "del>"
	    "<code>g</code>hi</p>",
	    "inline elements, s and sup unwrapped" },
	{ "<blockquote><p>q</p></blockquote><pre><code>x = 1;\n  "
	  "y</code></pre>",
	    "<blockquote><p>q</p></blockquote><pre><code>x = 1;\n  y</code>"
	    "</pre>",
	    "blockquote and pre, white space kept" },
	{ "<h2>Title</h2><h6>t</h6>",
	    "<p><strong>Title</strong></p><p><strong>t</strong></p>",
	    "headings become p strong" },
	{ "<ul><li>a<ol start=\"2\" reversed=\"x\"><li value=\"007\">b</li>"
	  "<li>c<ul><li>d</li></ul></li></ol></li><li>e</li></ul>",
	    "<ul><li>a<ol start=\"2\" reversed><li value=\"7\">b</li>"
	    "<li>c<ul><li>d</li></ul></li></ol></li><li>e</li></ul>",
	    "nested lists with start, reversed, value" },
	{ "<ol start=\"-1\"><li value=\"1e3\">a</li><li value=\"1234567890\">b"
	  "</li><li value=\"3a\">c</li><li value=\" 4\">d</li></ol>",
	    "<ol><li>a</li><li>b</li><li>c</li><li>d</li></ol>",
	    "bad start and value dropped" },
	{ "a < b & \"c\" 'd' > e",
	    "a &lt; b &amp; &quot;c&quot; &#39;d&#39; "
	    "&gt; e",
	    "text escaped" },
	{ "&eacute;&amp;lt;&#x1F600;&#0;",
	    "\xc3\xa9&amp;lt;\xf0\x9f\x98\x80"
	    "\xef\xbf\xbd",
	    "entities decoded, then escaped" },
	{ "\xff\xfeok", "\xef\xbf\xbd\xef\xbf\xbdok",
	    "invalid UTF-8 replaced" },
};

static const struct tcase dropped[] = {
	{ "<script>alert(1)</script><style>p{}</style>hi"
	  "<iframe src=x>f</iframe>",
	    "hi", "script, style, iframe with content" },
	{ "<p>a<noscript>n</noscript><template>t</template><object>o</object>"
	  "<embed src=x><svg><a href=\"https://x\">s</a></svg>"
	  "<math><mi>m</mi></math>b</p>",
	    "<p>ab</p>", "noscript, template, object, embed, svg, math" },
	{ "<title>t</title><meta charset=x><p>body</p>", "<p>body</p>",
	    "head content" },
	{ "<form><textarea>t</textarea><select><option>o</select>"
	  "<button>b</button><input value=v>z</form>",
	    "z", "form controls" },
	{ "<img src=x onerror=alert(1)>hi", "hi", "img dropped" },
	{ "<p style=\"x\" id=\"y\" onclick=\"z\" data-a=\"1\">t</p>",
	    "<p>t</p>", "style, id, on*, data-* dropped" },
	{ "<span class=\"h-card\" translate=\"no\" style=\"x\">a</span>"
	  "<span translate=\"yes\" class=\"evil\">b</span>"
	  "<p class=\"mention\" translate=\"no\">c</p>",
	    "<span class=\"h-card\" translate=\"no\">a</span><span>b</span>"
	    "<p>c</p>",
	    "class and translate filtered" },
	{ "<a href=\"https://x\" class=\"u-url mention evil h-card\">m</a>"
	  "<span class=\"invisible\">https://</span>"
	  "<span class=\"ellipsis x\">y</span>",
	    "<a href=\"https://x\" class=\"u-url mention h-card\"" REL ">m</a>"
	    "<span class=\"invisible\">https://</span>"
	    "<span class=\"ellipsis\">y</span>",
	    "class allowlist" },
	{ "a<!-- x -->b<![CDATA[c]]>", "ab", "comments dropped" },
	{ "<div>a</div>\n<div>b</div><table><tr><td>c<td>d</table>e",
	    "a b c d e", "dropped blocks separate words" },
	{ "<b>a</b> <i>b</i>", "<b>a</b> <i>b</i>", "space between inlines" },
};

static const struct tcase links[] = {
	{ "<a href=\"javascript:alert(1)\">a</a>", "a", "javascript:" },
	{ "<a href=\" javascript:x\">a</a>", "a", "leading space" },
	{ "<a href=\"JaVaScRiPt:x\">a</a>", "a", "mixed case" },
	{ "<a href=\"java\tscript:x\">a</a>", "a", "tab inside" },
	{ "<a href=\"java&#x0A;script:x\">a</a>", "a", "encoded newline" },
	{ "<a href=\"&#106;avascript:x\">a</a>", "a", "&#106;avascript:" },
	{ "<a href=\" &#1;javascript:x\">a</a>", "a", "control prefix" },
	{ "<a href=\"data:text/html,<b>\">a</a>", "a", "data:" },
	{ "<a href=\"vbscript:x\">a</a>", "a", "vbscript:" },
	{ "<a href=\"/rel\">a</a><a href=\"//evil.example\">b</a><a>c</a>",
	    "abc", "relative and missing hrefs" },
	{ "<a href=\"ftp://x\">a</a><a href=\"http\">b</a>", "ab",
	    "other schemes" },
	{ "<a href=\"HTTPS://x\" rel=\"me\" target=\"_self\" title=\"t\">a</a>",
	    "<a href=\"HTTPS://x\"" REL ">a</a>", "rel and target forced" },
	{ "<a href=\"gemini://g\">1</a><a href=\"magnet:?xt=1\">2</a>",
	    "<a href=\"gemini://g\"" REL ">1</a><a href=\"magnet:?xt=1\"" REL
	    ">2</a>",
	    "gemini and magnet" },
	{ "<a href=\"  https://x/a  \">t</a>",
	    "<a href=\"https://x/a\"" REL ">t</a>", "href trimmed" },
	{ "<a href='https://x/\"><script>'>q</a>",
	    "<a href=\"https://x/&quot;&gt;&lt;script&gt;\"" REL ">q</a>",
	    "href escaped" },
	{ "<a href=\"https://a\"><a href=\"https://b\">z</a></a>",
	    "<a href=\"https://a\"" REL "></a><a href=\"https://b\"" REL
	    ">z</a>",
	    "nested a split by the parser" },
};

static const struct tcase broken[] = {
	{ "<p><b>x", "<p><b>x</b></p>", "unclosed" },
	{ "<p><b>a <i>b</b>c</i>", "<p><b>a <i>b</i></b><i>c</i></p>",
	    "misnested" },
	{ "<p>one<p>two", "<p>one</p><p>two</p>", "implied end tags" },
	{ "<p><table><tr><td><h1>x</h1></td></tr></table>",
	    "<p><strong>x</strong></p>", "no p inside p" },
	{ "<li>stray</li></ul></b>", "<li>stray</li>", "stray end tags" },
	{ "<body onload=x><p>b</p></body><html><p>c</p>", "<p>b</p><p>c</p>",
	    "body and html tags" },
	{ "<plaintext><b>x</b>", "", "plaintext" },
	{ "", "", "empty" },
};

/* Output that HTML would parse into another tree, or read differently. */
static const struct tcase stable[] = {
	{ "<p><table><tr><td><ul><li>x</ul>y</table>", "<p>x y</p>",
	    "no list inside p" },
	{ "<h1>T<pre>x</pre></h1>", "<p><strong>T x</strong></p>",
	    "no pre inside a heading" },
	{ "<ul><li>a<table><td><li>b</table></ul>", "<ul><li>a b</li></ul>",
	    "no li directly in li" },
	{ "<pre>\n\nx</pre>", "<pre>\n\nx</pre>", "pre keeps its first line" },
	{ "<pre><a>\nx</a></pre>", "<pre>\n\nx</pre>",
	    "pre first line under a dropped tag" },
	{ "a&#1;b&#x7f;c&#x9d;d&#xFDD0;e&#xFFFF;f&#x1FFFE;g&#x10FFFF;h",
	    "abcdefgh", "controls and noncharacters dropped" },
	{ "x&#x5A6999999;y", "xy", "no invalid UTF-8 from huge references" },
	{ "a&#13;b&#12;c", "a\nb c", "CR and form feed" },
	{ "<span class=\"h-&#1;x p-&#x9d; u-ok\">z</span>",
	    "<span class=\"u-ok\">z</span>", "class with a control dropped" },
	{ "<a href=\"https://x/&#x9d;\">l</a>", "l", "href with a control" },
};

static const struct tcase text[] = {
	{ "<p>Hello <b>you</b> &amp; &lt;me&gt;</p><p>two</p>",
	    "Hello you & <me>\ntwo", "paragraphs, entities not escaped" },
	{ "  <p>  a  \n\t b  </p>  ", "a b", "white space collapsed, trimmed" },
	{ "a<br>b<br><br><br><br>c", "a\nb\n\nc", "at most one blank line" },
	{ "<p>a</p><br><p>b</p>", "a\n\nb", "br between paragraphs" },
	{ "<script>x</script><style>y</style><p>z<iframe>w</iframe></p>", "z",
	    "script and style dropped" },
	{ "<ul><li>a</li><li>b</li></ul><h1>T</h1><div>d</div>", "a\nb\nT\nd",
	    "lists, headings, divs" },
	{ "<pre>x\n\n\n\ny</pre>", "x\n\ny", "pre line breaks" },
	{ "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>",
	    "a b\nc", "table cells" },
	{ "<a href=\"javascript:x\">link</a> text", "link text", "links" },
	{ "\"quoted\" 'single'", "\"quoted\" 'single'", "no escaping" },
	{ "a&#1;b&#x9d;c\xff", "abc\xef\xbf\xbd", "controls dropped" },
};

/* Sanitized output sanitizes to itself. */
static void
check_stable(const struct tcase *c, size_t n)
{
	char first[sizeof(got)];
	size_t i, bad = 0;

	for (i = 0; i < n; i++) {
		run(fed_html_sanitize, c[i].in, strlen(c[i].in));
		memcpy(first, got, sizeof(got));
		run(fed_html_sanitize, first, strlen(first));
		if (rc != 0 || strcmp(first, got) != 0)
			bad++;
	}
	ok(bad == 0, "sanitizing again changes nothing (%zu of %zu differ)",
	    bad, n);
}

static void
test_limits(void)
{
	char *in;
	clock_t t0;
	int i, n;

	in = repeat("", "<div>", 10000, "x");
	t0 = clock();
	run(fed_html_sanitize, in, strlen(in));
	ok(rc == 0 && !strcmp(got, "x") && seconds(t0) < 2,
	    "10,000 nested divs: %s in %.2fs", shown, seconds(t0));
	t0 = clock();
	run(fed_html_text, in, strlen(in));
	ok(rc == 0 && !strcmp(got, "x"), "10,000 nested divs as text");
	free(in);
	in = repeat("", "<b>", 10000, "x");
	run(fed_html_sanitize, in, strlen(in));
	for (i = n = 0; got[i] != '\0'; i++)
		n += !strncmp(got + i, "<b>", 3);
	ok(rc == 0 && n == 64 && strstr(got, ">x</b>") != NULL,
	    "nesting capped at 64 (%d)", n);
	free(in);
	/* Quadratic in gumbo: the parse gives up on its CPU budget. */
	in = repeat("", "<dl><dd>", 100000, "");
	t0 = clock();
	run(fed_html_sanitize, in, strlen(in));
	ok(rc == -1 && seconds(t0) < 5, "100,000 nested dl dd refused in %.2fs",
	    seconds(t0));
	free(in);
}

static void
test_bomb(void)
{
	char *b, *in;
	size_t i, len;
	clock_t t0;

	/* Every paragraph reopens a thousand distinct <b>: a memory bomb. */
	if ((b = malloc(1000 * 16 + 4)) == NULL)
		abort();
	len = (size_t)sprintf(b, "<p>");
	for (i = 0; i < 1000; i++)
		len += (size_t)sprintf(b + len, "<b id=%zu>", i);
	in = repeat(b, "</p><p>x", 20000, "");
	t0 = clock();
	run(fed_html_sanitize, in, strlen(in));
	ok(rc == -1 && seconds(t0) < 5, "formatting bomb refused in %.2fs",
	    seconds(t0));
	free(in);
	free(b);
}

static void
test_buffer(void)
{
	const char *in = "<p>a long enough paragraph for a small buffer</p>";
	struct buf b;

	buf_init(&b, 16);
	ok(fed_html_sanitize(in, strlen(in), &b) == -1 && b.failed,
	    "small cap: -1");
	buf_free(&b);
	buf_init(&b, 16);
	ok(fed_html_text(in, strlen(in), &b) == -1, "small cap, text: -1");
	buf_free(&b);
	buf_init(&b, 0);
	buf_adds(&b, "x\n");
	rc = fed_html_sanitize("<b>y</b>", 8, &b);
	ok(rc == 0 && !strcmp(b.data, "x\n<b>y</b>"), "appends: %s",
	    show(b.data));
	rc = fed_html_text("<p> y </p>", 10, &b);
	ok(rc == 0 && !strcmp(b.data, "x\n<b>y</b>y"),
	    "text appends without a leading space: %s", show(b.data));
	b.failed = 1;
	ok(fed_html_sanitize("z", 1, &b) == -1 &&
		!strcmp(b.data, "x\n<b>y</b>y"),
	    "a failed buffer stays failed");
	buf_free(&b);
	run(fed_html_sanitize, "a\0<b>b</b>", 10);
	ok(rc == 0 && !strcmp(got, "a<b>b</b>"), "NUL byte: %s", shown);
}

int
main(void)
{
	check(fed_html_sanitize, kept, sizeof(kept) / sizeof(kept[0]));
	check(fed_html_sanitize, dropped, sizeof(dropped) / sizeof(dropped[0]));
	check(fed_html_sanitize, links, sizeof(links) / sizeof(links[0]));
	check(fed_html_sanitize, broken, sizeof(broken) / sizeof(broken[0]));
	check(fed_html_sanitize, stable, sizeof(stable) / sizeof(stable[0]));
	check_stable(kept, sizeof(kept) / sizeof(kept[0]));
	check_stable(dropped, sizeof(dropped) / sizeof(dropped[0]));
	check_stable(links, sizeof(links) / sizeof(links[0]));
	check_stable(broken, sizeof(broken) / sizeof(broken[0]));
	check_stable(stable, sizeof(stable) / sizeof(stable[0]));
	check(fed_html_text, text, sizeof(text) / sizeof(text[0]));
	test_limits();
	test_bomb();
	test_buffer();
	return done_testing();
}
