#include <string.h>

#include "buf.h"
#include "tap.h"

static char out[4096];

/* s (n bytes) through buf_add_xml, as a C string in out. */
static const char *
xml(const char *s, size_t n)
{
	struct buf b;

	buf_init(&b, 0);
	buf_add_xml(&b, s, n);
	snprintf(out, sizeof(out), "%s", b.data ? b.data : "");
	buf_free(&b);
	return out;
}

#define XML(lit) xml(lit, sizeof(lit) - 1)

int
main(void)
{
	struct buf b;

	ok(!strcmp(XML("plain text"), "plain text"), "plain text as it is");
	ok(!strcmp(XML("<a href=\"x\">&'</a>"),
	       "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;"),
	    "markup characters escaped: %s", out);
	ok(!strcmp(XML("]]><![CDATA[x"), "]]&gt;&lt;![CDATA[x"),
	    "a CDATA end is harmless: %s", out);
	ok(!strcmp(XML("&amp;"), "&amp;amp;"), "entities are escaped again");
	ok(!strcmp(XML("a\tb\nc\rd"), "a\tb\nc\rd"),
	    "tab, newline and carriage return stay");
	ok(!strcmp(XML("a\x01\x08\x0b\x0c\x1b\x1f\x7f"
		       "b"),
	       "ab"),
	    "other control characters are left out: %s", out);
	ok(!strcmp(xml("a\0b", 3), "ab"), "so is NUL");
	ok(!strcmp(XML("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
	       "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
	    "UTF-8 (accents, euro sign, emoji) stays");
	ok(!strcmp(XML("x\xef\xbf\xbey\xef\xbf\xbfz"), "xyz"),
	    "U+FFFE and U+FFFF are left out");
	ok(!strcmp(XML("a\xff"
		       "b\xc3"),
	       "a\xef\xbf\xbd"
	       "b\xef\xbf\xbd"),
	    "invalid bytes become U+FFFD: %s", out);
	ok(!strcmp(XML("\xc0\xaf|\xed\xa0\x80|\xf4\x90\x80\x80"),
	       "\xef\xbf\xbd\xef\xbf\xbd|"
	       "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|"
	       "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"),
	    "overlong forms, surrogates and values past U+10FFFF too");
	ok(!strcmp(XML("\xe2\x82"), "\xef\xbf\xbd\xef\xbf\xbd"),
	    "a sequence cut short at the end too");
	ok(!strcmp(XML(""), ""), "empty input");
	buf_init(&b, 8);
	ok(buf_add_xml(&b, "<<<", 3) < 0 && b.failed,
	    "the cap holds when escaping grows the text");
	buf_free(&b);
	return done_testing();
}
