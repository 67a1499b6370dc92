#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "markdown.h"
#include "tap.h"
#include "text.h"

static char out[8192];

static const char *
md(const char *in, int safe)
{
	struct text_mention m[2] = {
		{ .user = "ann", .host = "", .href = "https://h/users/ann" },
		{ .user = "bo",
		    .host = "far.example",
		    .href = "https://far.example/users/bo" },
	};
	struct buf b;

	buf_init(&b, 0);
	if (safe)
		markdown_to_safe_html(in, "https://h", m, 2, &b);
	else
		markdown_to_html(in, "https://h", m, 2, &b);
	snprintf(out, sizeof(out), "%s", b.data ? b.data : "");
	buf_free(&b);
	return out;
}

int
main(void)
{
	ok(strstr(md("# Title\n\n## Sub", 0), "<h1>Title</h1>") != NULL &&
		strstr(out, "<h2>Sub</h2>") != NULL,
	    "headings: %s", out);
	ok(strstr(md("*a* **b** _c_", 0),
	       "<em>a</em> <strong>b</strong> "
	       "<em>c</em>") != NULL,
	    "emphasis: %s", out);
	ok(strstr(md("- one\n- two\n\n1. x\n2. y", 0),
	       "<ul>\n<li>one</li>\n<li>two</li>\n</ul>") != NULL &&
		strstr(out, "<ol>") != NULL,
	    "lists: %s", out);
	ok(strstr(md("[the guide](https://ex.org/g)", 0),
	       "<a href=\"https://ex.org/g\">the guide</a>") != NULL,
	    "link: %s", out);
	ok(strstr(md("use `x < 1` and\n\n    code #tag\n", 0),
	       "<code>x &lt; 1</code>") != NULL &&
		strstr(out, "<pre><code>code #tag\n</code></pre>") != NULL,
	    "code span and block: %s", out);
	ok(strstr(md("hi <script>alert(1)</script> there\n\n<div "
		     "onclick=x>block</div>",
		      0),
	       "<p>hi &lt;script&gt;alert(1)&lt;/script&gt; there</p>") !=
		    NULL &&
		strstr(out, "<p>&lt;div onclick=x&gt;block&lt;/div&gt;</p>") !=
		    NULL &&
		strstr(out, "<script") == NULL && strstr(out, "<div") == NULL,
	    "raw HTML shows as the text typed, never as markup: %s", out);
	ok(strstr(md("[x](javascript:alert(1)) [y](JAVASCRIPT:z) "
		     "<javascript:q>",
		      0),
	       "href=\"javascript") == NULL &&
		strstr(out, "href=\"JAVASCRIPT") == NULL &&
		strstr(out, "<a href=\"\">x</a>") != NULL,
	    "javascript: links dropped: %s", out);
	ok(strstr(md("hi @ann and @bo@far.example", 0),
	       "<a href=\"https://h/users/ann\"") != NULL &&
		strstr(out, "https://far.example/users/bo") != NULL,
	    "mentions linked: %s", out);
	ok(strstr(md("learn #patient_safety now", 0),
	       "href=\"https://h/tags/patient_safety\" class=\"mention "
	       "hashtag\" rel=\"tag\">#<span>patient_safety</span></a> "
	       "now") != NULL,
	    "hashtag with _ linked whole: %s", out);
	ok(strstr(md("`#notatag @ann`", 0), "<code>#notatag @ann</code>") !=
		    NULL &&
		strstr(out, "href") == NULL,
	    "nothing linked in code: %s", out);
	ok(strstr(md("[read #tag](https://ex.org/)", 0), "tags/") == NULL,
	    "no link inside a link: %s", out);
	ok(strstr(md("see https://ex.org/a_b_c.", 0),
	       "<a href=\"https://ex.org/a_b_c\"") != NULL,
	    "bare URL linked: %s", out);
	ok(!strcmp(md("a\nb\n\nc", 1), "<p>a<br>\nb</p>\n<p>c</p>\n") ||
		!strcmp(out, "<p>a<br>b</p><p>c</p>"),
	    "plain text: paragraphs and line breaks: %s", out);
	ok(strstr(md("# T\n\n**b** #tag @ann [l](https://x.example/)", 1),
	       "<strong>b</strong>") != NULL &&
		strstr(out, "class=\"mention hashtag\"") != NULL &&
		strstr(out, "https://h/users/ann") != NULL &&
		strstr(out, "https://x.example/") != NULL,
	    "sanitized: kept what Markdown made: %s", out);
	ok(strstr(md("a & b < c", 1), "a &amp; b &lt; c") != NULL,
	    "escaped: %s", out);
	return done_testing();
}
