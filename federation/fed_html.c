/* fed_html.c: remote HTML through gumbo, then an allowlist walk modelled on
 * Mastodon's Sanitize::Config::MASTODON_STRICT
 * (app/lib/sanitize_ext/sanitize_config.rb). */
#include "fed_html.h"

#include <gumbo.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "buf.h"

/* Output nesting: allowed elements deeper than this lose their tags and
 * keep their text. */
#define MAX_DEPTH 64
/* gumbo 0.10.1 has no depth limit and scans the stack of open elements
 * for most tags, so its time is quadratic in the nesting depth: 1 MiB of
 * nested <dl><dd> would take a minute. A parse gets this much CPU time;
 * 1 MiB of ordinary post HTML needs about 40 ms. */
#define MAX_CPU_NS (500 * 1000000LL)
/* Memory gumbo may hold for one parse, headers included. The
 * reconstruction of the active formatting elements (HTML 13.2.4.3) clones
 * every open <b id=N> for each new paragraph: 18 KB of input ask for
 * 370 MB without this cap. */
#define MAX_MEM ((size_t)64 * 1024 * 1024)

#define WS " \t\n\f\r" /* ASCII white space (HTML "ASCII whitespace") */

/* Rules by tag (HTML namespace only). */
#define R_DROP	0x01  /* drop the element with everything in it */
#define R_BLOCK 0x02  /* line break in text; a space when the tags go */
#define R_CELL	0x04  /* a space between table cells */
#define R_VOID	0x08  /* no end tag */
#define R_HEAD	0x10  /* h1-h6: <p><strong> */
#define R_LINK	0x20  /* <a>: href checked, rel and target forced */
#define R_PRE	0x40  /* white space kept */
#define R_BR	0x80  /* a hard line break in text */
#define R_FLOW	0x100 /* not inside a <p>, which HTML would close first */

struct rule {
	const char *name; /* kept as <name>; NULL: tags dropped, text kept */
	unsigned short flags;
};

static const struct rule rules[GUMBO_TAG_LAST] = {
	[GUMBO_TAG_P] = { "p", R_BLOCK | R_FLOW },
	[GUMBO_TAG_BR] = { "br", R_BLOCK | R_VOID | R_BR },
	[GUMBO_TAG_SPAN] = { "span", 0 },
	[GUMBO_TAG_A] = { "a", R_LINK },
	[GUMBO_TAG_DEL] = { "del", 0 },
	[GUMBO_TAG_PRE] = { "pre", R_BLOCK | R_PRE | R_FLOW },
	[GUMBO_TAG_CODE] = { "code", 0 },
	[GUMBO_TAG_EM] = { "em", 0 },
	[GUMBO_TAG_STRONG] = { "strong", 0 },
	[GUMBO_TAG_B] = { "b", 0 },
	[GUMBO_TAG_I] = { "i", 0 },
	[GUMBO_TAG_U] = { "u", 0 },
	[GUMBO_TAG_UL] = { "ul", R_BLOCK | R_FLOW },
	[GUMBO_TAG_OL] = { "ol", R_BLOCK | R_FLOW },
	[GUMBO_TAG_LI] = { "li", R_BLOCK | R_FLOW },
	[GUMBO_TAG_BLOCKQUOTE] = { "blockquote", R_BLOCK | R_FLOW },
	[GUMBO_TAG_H1] = { "strong", R_BLOCK | R_HEAD },
	[GUMBO_TAG_H2] = { "strong", R_BLOCK | R_HEAD },
	[GUMBO_TAG_H3] = { "strong", R_BLOCK | R_HEAD },
	[GUMBO_TAG_H4] = { "strong", R_BLOCK | R_HEAD },
	[GUMBO_TAG_H5] = { "strong", R_BLOCK | R_HEAD },
	[GUMBO_TAG_H6] = { "strong", R_BLOCK | R_HEAD },
	/* Tags dropped, but they separate words. */
	[GUMBO_TAG_DIV] = { NULL, R_BLOCK },
	[GUMBO_TAG_ARTICLE] = { NULL, R_BLOCK },
	[GUMBO_TAG_SECTION] = { NULL, R_BLOCK },
	[GUMBO_TAG_NAV] = { NULL, R_BLOCK },
	[GUMBO_TAG_ASIDE] = { NULL, R_BLOCK },
	[GUMBO_TAG_HGROUP] = { NULL, R_BLOCK },
	[GUMBO_TAG_HEADER] = { NULL, R_BLOCK },
	[GUMBO_TAG_FOOTER] = { NULL, R_BLOCK },
	[GUMBO_TAG_ADDRESS] = { NULL, R_BLOCK },
	[GUMBO_TAG_HR] = { NULL, R_BLOCK },
	[GUMBO_TAG_DL] = { NULL, R_BLOCK },
	[GUMBO_TAG_DT] = { NULL, R_BLOCK },
	[GUMBO_TAG_DD] = { NULL, R_BLOCK },
	[GUMBO_TAG_FIGURE] = { NULL, R_BLOCK },
	[GUMBO_TAG_FIGCAPTION] = { NULL, R_BLOCK },
	[GUMBO_TAG_MAIN] = { NULL, R_BLOCK },
	[GUMBO_TAG_TABLE] = { NULL, R_BLOCK },
	[GUMBO_TAG_CAPTION] = { NULL, R_BLOCK },
	[GUMBO_TAG_TR] = { NULL, R_BLOCK },
	[GUMBO_TAG_TD] = { NULL, R_CELL },
	[GUMBO_TAG_TH] = { NULL, R_CELL },
	[GUMBO_TAG_FORM] = { NULL, R_BLOCK },
	[GUMBO_TAG_FIELDSET] = { NULL, R_BLOCK },
	[GUMBO_TAG_LEGEND] = { NULL, R_BLOCK },
	[GUMBO_TAG_DETAILS] = { NULL, R_BLOCK },
	[GUMBO_TAG_SUMMARY] = { NULL, R_BLOCK },
	[GUMBO_TAG_MENU] = { NULL, R_BLOCK },
	[GUMBO_TAG_DIR] = { NULL, R_BLOCK },
	[GUMBO_TAG_CENTER] = { NULL, R_BLOCK },
	[GUMBO_TAG_LISTING] = { NULL, R_BLOCK | R_PRE },
	/* Content that is code, metadata, a widget or a fallback. */
	[GUMBO_TAG_HEAD] = { NULL, R_DROP },
	[GUMBO_TAG_TITLE] = { NULL, R_DROP },
	[GUMBO_TAG_STYLE] = { NULL, R_DROP },
	[GUMBO_TAG_SCRIPT] = { NULL, R_DROP },
	[GUMBO_TAG_NOSCRIPT] = { NULL, R_DROP },
	[GUMBO_TAG_TEMPLATE] = { NULL, R_DROP },
	[GUMBO_TAG_IFRAME] = { NULL, R_DROP },
	[GUMBO_TAG_FRAME] = { NULL, R_DROP },
	[GUMBO_TAG_FRAMESET] = { NULL, R_DROP },
	[GUMBO_TAG_NOFRAMES] = { NULL, R_DROP },
	[GUMBO_TAG_NOEMBED] = { NULL, R_DROP },
	[GUMBO_TAG_EMBED] = { NULL, R_DROP },
	[GUMBO_TAG_OBJECT] = { NULL, R_DROP },
	[GUMBO_TAG_APPLET] = { NULL, R_DROP },
	[GUMBO_TAG_AUDIO] = { NULL, R_DROP },
	[GUMBO_TAG_VIDEO] = { NULL, R_DROP },
	[GUMBO_TAG_CANVAS] = { NULL, R_DROP },
	[GUMBO_TAG_SVG] = { NULL, R_DROP },
	[GUMBO_TAG_MATH] = { NULL, R_DROP },
	[GUMBO_TAG_TEXTAREA] = { NULL, R_DROP },
	[GUMBO_TAG_SELECT] = { NULL, R_DROP },
	[GUMBO_TAG_OPTION] = { NULL, R_DROP },
	[GUMBO_TAG_OPTGROUP] = { NULL, R_DROP },
	[GUMBO_TAG_DATALIST] = { NULL, R_DROP },
	[GUMBO_TAG_BUTTON] = { NULL, R_DROP },
	[GUMBO_TAG_INPUT] = { NULL, R_DROP },
	[GUMBO_TAG_KEYGEN] = { NULL, R_DROP },
	[GUMBO_TAG_XMP] = { NULL, R_DROP },
	[GUMBO_TAG_PLAINTEXT] = { NULL, R_DROP },
};

static const struct rule drop_rule = { NULL, R_DROP };
static const struct rule text_rule = { NULL, 0 };

/* The rule of an element, text_rule for other nodes. Elements outside the
 * HTML namespace (inside <svg> and <math>) are dropped. */
static const struct rule *
rule_of(const GumboNode *n)
{
	if (n->type == GUMBO_NODE_TEMPLATE)
		return &drop_rule;
	if (n->type != GUMBO_NODE_ELEMENT)
		return &text_rule;
	if (n->v.element.tag_namespace != GUMBO_NAMESPACE_HTML ||
	    (unsigned)n->v.element.tag >= GUMBO_TAG_LAST)
		return &drop_rule;
	return &rules[n->v.element.tag];
}

static int
is_ws(char c)
{
	return c != '\0' && strchr(WS, c) != NULL;
}

/* The length of the UTF-8 sequence at u, or 0 when it is not one. */
static int
utf8_len(const unsigned char *u)
{
	int n, i;

	if (u[0] >= 0xc2 && u[0] <= 0xdf)
		n = 2;
	else if (u[0] >= 0xe0 && u[0] <= 0xef)
		n = 3;
	else if (u[0] >= 0xf0 && u[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((u[i] & 0xc0) != 0x80)
			return 0;
	if ((u[0] == 0xe0 && u[1] < 0xa0) || (u[0] == 0xed && u[1] > 0x9f) ||
	    (u[0] == 0xf0 && u[1] < 0x90) || (u[0] == 0xf4 && u[1] > 0x8f))
		return 0; /* overlong, surrogate, past U+10FFFF */
	return n;
}

/*
 * The length of the character at t (NUL-terminated), 0 at the end, or the
 * negated length of what must not reach the output: bytes that are not
 * UTF-8 (gumbo 0.10.1 makes some from huge numeric references), and what
 * HTML would read back as U+FFFD (13.2.3.5): controls other than white
 * space, C1 controls and noncharacters, which gumbo lets through when they
 * come as references.
 */
static int
char_len(const char *t)
{
	const unsigned char *u = (const unsigned char *)t;
	int n;

	if (u[0] == 0)
		return 0;
	if (u[0] < 0x80)
		return (u[0] < 0x20 && !is_ws(t[0])) || u[0] == 0x7f ? -1 : 1;
	if ((n = utf8_len(u)) == 0)
		return -1;
	if ((n == 2 && u[0] == 0xc2 && u[1] <= 0x9f) ||
	    (n == 3 && u[0] == 0xef && u[1] == 0xb7 && u[2] >= 0x90 &&
		u[2] <= 0xaf) ||
	    (n == 3 && u[0] == 0xef && u[1] == 0xbf && u[2] >= 0xbe) ||
	    (n == 4 && (u[1] & 0x0f) == 0x0f && u[2] == 0xbf && u[3] >= 0xbe))
		return -n;
	return n;
}

/*
 * Memory for gumbo: every block on one list, the total capped. gumbo does
 * not check its allocations, so going over the cap jumps back to parse()
 * and the list frees whatever the parser held.
 */
struct blk {
	struct blk *prev, *next;
	size_t size;
};

union hdr {
	struct blk b;
	max_align_t align; /* what follows is aligned for anything */
};

struct pool {
	struct blk *head;
	size_t used;
	unsigned long calls;
	long long deadline; /* CPU time of this thread, ns */
	jmp_buf fail;
};

static long long
cpu_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return 0;
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void *
pool_alloc(void *ud, size_t size)
{
	struct pool *p = ud;
	union hdr *h;

	/* Every tag allocates, so the clock is read often enough. */
	if (size > MAX_MEM || sizeof(*h) + size > MAX_MEM - p->used ||
	    (++p->calls % 256 == 0 && cpu_ns() > p->deadline) ||
	    (h = malloc(sizeof(*h) + size)) == NULL)
		longjmp(p->fail, 1);
	h->b.size = sizeof(*h) + size;
	p->used += h->b.size;
	h->b.prev = NULL;
	h->b.next = p->head;
	if (p->head != NULL)
		p->head->prev = &h->b;
	p->head = &h->b;
	return h + 1;
}

static void
pool_free(void *ud, void *ptr)
{
	struct pool *p = ud;
	struct blk *b;

	if (ptr == NULL)
		return;
	b = &((union hdr *)ptr - 1)->b;
	if (b->prev != NULL)
		b->prev->next = b->next;
	else
		p->head = b->next;
	if (b->next != NULL)
		b->next->prev = b->prev;
	p->used -= b->size;
	free(b);
}

/* Frees the whole tree without gumbo_destroy_output(), which recurses
 * once per level of nesting. */
static void
pool_drain(struct pool *p)
{
	struct blk *b;

	while ((b = p->head) != NULL) {
		p->head = b->next;
		free(b);
	}
	p->used = 0;
}

/* The document node of html, or NULL when the parse ran out of memory or
 * time; the caller drains the pool either way. */
static GumboNode *
parse(struct pool *p, const char *html, size_t len)
{
	GumboOptions opt = kGumboDefaultOptions;
	GumboOutput *out;

	p->deadline = cpu_ns() + MAX_CPU_NS;
	opt.allocator = pool_alloc;
	opt.deallocator = pool_free;
	opt.userdata = p;
	opt.max_errors = 0; /* keep no parse errors */
	if (setjmp(p->fail) != 0)
		return NULL;
	out = gumbo_parse_with_options(&opt, html, len);
	return out != NULL ? out->document : NULL;
}

/*
 * Iterative walk: the tree is as deep as the input is hostile, so follow
 * the parent links rather than recurse. enter() returns 1 to visit the
 * children; leave() is called once for every node entered.
 */
struct walker {
	int (*enter)(void *ctx, const GumboNode *n);
	void (*leave)(void *ctx, const GumboNode *n);
};

static const GumboVector *
children(const GumboNode *n)
{
	if (n->type == GUMBO_NODE_DOCUMENT)
		return &n->v.document.children;
	if (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE)
		return &n->v.element.children;
	return NULL;
}

/* The next sibling of n, or NULL. */
static const GumboNode *
next_sibling(const GumboNode *n)
{
	const GumboVector *v = children(n->parent);
	size_t i = n->index_within_parent;
	int at;

	if (i >= v->length || v->data[i] != n) {
		if ((at = gumbo_vector_index_of((GumboVector *)v, n)) < 0)
			return NULL;
		i = (size_t)at;
	}
	return i + 1 < v->length ? v->data[i + 1] : NULL;
}

static void
walk(const GumboNode *root, const struct walker *w, void *ctx)
{
	const GumboNode *n = root, *next;
	const GumboVector *v;

	for (;;) {
		v = children(n);
		if (w->enter(ctx, n) && v != NULL && v->length > 0) {
			n = v->data[0];
			continue;
		}
		for (;;) {
			w->leave(ctx, n);
			if (n == root || n->parent == NULL)
				return;
			if ((next = next_sibling(n)) != NULL)
				break;
			n = n->parent;
		}
		n = next;
	}
}

/* Parse, walk and free; 0, or -1 when gumbo gave up or out is full. */
static int
run(const char *html, size_t len, const struct walker *w, void *ctx,
    struct buf *out)
{
	struct pool p;
	GumboNode *doc;

	if (out->failed)
		return -1;
	if (html == NULL || len == 0)
		return 0;
	memset(&p, 0, sizeof(p));
	doc = parse(&p, html, len);
	if (doc != NULL)
		walk(doc, w, ctx);
	pool_drain(&p);
	return doc == NULL || out->failed ? -1 : 0;
}

/*
 * Sanitizing.
 */
struct open {
	const GumboNode *node;
	const char *name;
	int wrap; /* a heading: </p> after </strong> */
};

struct san {
	struct buf *out;
	struct open stack[MAX_DEPTH];
	int depth;     /* entries in stack */
	int tags;      /* tags open in the output: a heading has two */
	int pre;       /* inside a <pre> written out */
	size_t pre_at; /* out->len just after "<pre>" */
	int blk;       /* just after a block tag, or at the start */
	int sep;       /* a space is due before the next text */
};

static const char *const link_schemes[] = {
	"http",
	"https",
	"dat",
	"dweb",
	"ipfs",
	"ipns",
	"ssb",
	"gopher",
	"xmpp",
	"magnet",
	"gemini",
	NULL,
};

/* C0 controls and space, which URL parsers strip from both ends. */
static int
url_ws(unsigned char c)
{
	return c <= 0x20;
}

/* 1 when v, trimmed to *start and *n, is an absolute URL with an allowed
 * scheme and no control character anywhere. */
static int
href_ok(const char *v, const char **start, size_t *n)
{
	size_t len = strlen(v), i, k;

	while (len > 0 && url_ws((unsigned char)v[len - 1]))
		len--;
	while (len > 0 && url_ws((unsigned char)*v))
		v++, len--;
	for (i = 0; i < len; i++)
		if ((unsigned char)v[i] < 0x20 || char_len(v + i) < 0)
			return 0;
	for (i = 0; i < len && v[i] != ':'; i++)
		;
	if (i == len)
		return 0; /* relative */
	for (k = 0; link_schemes[k] != NULL; k++)
		if (strlen(link_schemes[k]) == i &&
		    !strncasecmp(v, link_schemes[k], i))
			break;
	if (link_schemes[k] == NULL)
		return 0;
	*start = v;
	*n = len;
	return 1;
}

static const char *
attr(const GumboNode *n, const char *name)
{
	GumboAttribute *a;

	a = gumbo_get_attribute(&n->v.element.attributes, name);
	return a != NULL ? a->value : NULL;
}

/* Mastodon's CLASS_WHITELIST_TRANSFORMER: microformats, mention, hashtag
 * and the link formatting classes. */
static int
class_ok(const char *c, size_t n)
{
	static const char *const names[] = { "mention", "hashtag", "ellipsis",
		"invisible", NULL };
	static const char *const prefixes[] = { "h-", "p-", "u-", "dt-", "e-",
		NULL };
	size_t k;
	int i, len;

	for (k = 0; k < n; k += (size_t)len) /* the class goes out as it is */
		if ((len = char_len(c + k)) <= 0)
			return 0;
	for (i = 0; prefixes[i] != NULL; i++)
		if (n >= strlen(prefixes[i]) &&
		    !strncmp(c, prefixes[i], strlen(prefixes[i])))
			return 1;
	for (i = 0; names[i] != NULL; i++)
		if (n == strlen(names[i]) && !strncmp(c, names[i], n))
			return 1;
	return 0;
}

static void
attr_class(struct buf *out, const char *name, const char *v)
{
	size_t n;
	int kept = 0;

	for (; *v != '\0'; v += n) {
		v += strspn(v, WS);
		n = strcspn(v, WS);
		if (n == 0 || !class_ok(v, n))
			continue;
		buf_adds(out, kept++ ? " " : " class=\"");
		buf_add_html(out, v, n);
	}
	if (kept)
		buf_addc(out, '"');
}

static void
attr_translate(struct buf *out, const char *name, const char *v)
{
	if (!strcmp(v, "no"))
		buf_adds(out, " translate=\"no\"");
}

/* ol start, li value: plain digits, at most nine. */
static void
attr_number(struct buf *out, const char *name, const char *v)
{
	size_t n = strspn(v, "0123456789");

	if (n == 0 || n > 9 || v[n] != '\0')
		return;
	buf_printf(out, " %s=\"%ld\"", name, strtol(v, NULL, 10));
}

static void
attr_bare(struct buf *out, const char *name, const char *v)
{
	buf_printf(out, " %s", name);
}

static const struct attr_rule {
	GumboTag tag;
	const char *name;
	void (*emit)(struct buf *out, const char *name, const char *v);
} attr_rules[] = {
	{ GUMBO_TAG_A, "class", attr_class },
	{ GUMBO_TAG_A, "translate", attr_translate },
	{ GUMBO_TAG_SPAN, "class", attr_class },
	{ GUMBO_TAG_SPAN, "translate", attr_translate },
	{ GUMBO_TAG_OL, "start", attr_number },
	{ GUMBO_TAG_OL, "reversed", attr_bare },
	{ GUMBO_TAG_LI, "value", attr_number },
};

static void
emit_attrs(struct buf *out, const GumboNode *n)
{
	const struct attr_rule *r;
	const char *v;
	size_t i;

	for (i = 0; i < sizeof(attr_rules) / sizeof(attr_rules[0]); i++) {
		r = &attr_rules[i];
		if (r->tag == n->v.element.tag &&
		    (v = attr(n, r->name)) != NULL)
			r->emit(out, r->name, v);
	}
}

static int
open_has(const struct san *s, GumboTag tag)
{
	int i;

	for (i = 0; i < s->depth; i++)
		if (s->stack[i].node->v.element.tag == tag ||
		    (tag == GUMBO_TAG_P && s->stack[i].wrap))
			return 1;
	return 0;
}

/* Whether n may be written as a tag where it is, such that the output
 * parses back to the same tree: HTML closes an open <p> before the R_FLOW
 * elements, and an <li> before another <li> that is not in a list. */
static int
nests(const struct san *s, const GumboNode *n, const struct rule *r)
{
	GumboTag t;
	int i;

	if ((r->flags & R_FLOW) && open_has(s, GUMBO_TAG_P))
		return 0;
	if (n->v.element.tag != GUMBO_TAG_LI)
		return 1;
	for (i = s->depth - 1; i >= 0; i--) {
		t = s->stack[i].node->v.element.tag;
		if (t == GUMBO_TAG_UL || t == GUMBO_TAG_OL)
			return 1;
		if (t == GUMBO_TAG_LI)
			return 0;
	}
	return 1;
}

/* A space owed to a dropped block goes out before inline content. */
static void
flush_sep(struct san *s)
{
	if (s->sep && !s->blk)
		buf_addc(s->out, ' ');
	s->sep = 0;
	s->blk = 0;
}

static void
mark_block(struct san *s, const struct rule *r)
{
	if (r->flags & R_BLOCK) {
		s->blk = 1;
		s->sep = 0;
	}
}

/* <a> only with a good href, and not inside another <a>. */
static int
open_link(struct san *s, const GumboNode *n)
{
	const char *href, *url;
	size_t len;

	if (open_has(s, GUMBO_TAG_A) || (href = attr(n, "href")) == NULL ||
	    !href_ok(href, &url, &len))
		return 0;
	flush_sep(s);
	buf_adds(s->out, "<a href=\"");
	buf_add_html(s->out, url, len);
	buf_addc(s->out, '"');
	emit_attrs(s->out, n);
	buf_adds(s->out,
	    " rel=\"nofollow noopener noreferrer\" "
	    "target=\"_blank\">");
	return 1;
}

/* Writes the start tag of an allowed element; 0 when it is left out. */
static int
open_tag(struct san *s, const GumboNode *n, const struct rule *r, int *wrap)
{
	*wrap = 0;
	if (r->flags & R_VOID) { /* <br> adds no nesting */
		mark_block(s, r);
		buf_printf(s->out, "<%s>", r->name);
		return 1;
	}
	*wrap = (r->flags & R_HEAD) && !open_has(s, GUMBO_TAG_P);
	if (s->tags + 1 + *wrap > MAX_DEPTH)
		return 0;
	if (r->flags & R_LINK)
		return open_link(s, n);
	if (!nests(s, n, r))
		return 0;
	if (r->flags & R_BLOCK)
		mark_block(s, r);
	else
		flush_sep(s);
	if (*wrap)
		buf_adds(s->out, "<p>");
	buf_printf(s->out, "<%s", r->name);
	emit_attrs(s->out, n);
	buf_addc(s->out, '>');
	if (r->flags & R_PRE)
		s->pre_at = s->out->len;
	return 1;
}

/* t past white space and control characters. */
static const char *
skip_blank(const char *t)
{
	int k;

	for (;;) {
		if (is_ws(*t))
			t++;
		else if ((k = char_len(t)) < 0)
			t -= k;
		else
			return t;
	}
}

/* Text, escaped. A CR would come back as LF; a form feed is a space that
 * some consumers of the output refuse. */
static void
add_text(struct buf *out, const char *t)
{
	size_t n;
	int k = 0;

	while (*t != '\0') {
		for (n = 0;
		     t[n] != '\r' && t[n] != '\f' && (k = char_len(t + n)) > 0;
		     n += k)
			;
		buf_add_html(out, t, n);
		t += n;
		if (*t == '\r' || *t == '\f') {
			buf_addc(out, *t == '\r' ? '\n' : ' ');
			t++;
		} else
			t -= k;
	}
}

static void
san_text(struct san *s, const char *t)
{
	int k;

	if (!s->pre && *skip_blank(t) == '\0') {
		if (!s->blk)
			s->sep = 1;
		return;
	}
	if (s->blk && !s->pre)
		t = skip_blank(t); /* not rendered after a block tag */
	flush_sep(s);
	if (s->out->len == s->pre_at) {
		while ((k = char_len(t)) < 0)
			t -= k;
		if (*t == '\n' || *t == '\r')
			buf_addc(s->out, '\n'); /* HTML drops the first one */
	}
	add_text(s->out, t);
}

static int
san_enter(void *ctx, const GumboNode *n)
{
	struct san *s = ctx;
	const struct rule *r = rule_of(n);
	int wrap;

	if (n->type == GUMBO_NODE_DOCUMENT)
		return 1;
	if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
	    n->type == GUMBO_NODE_CDATA)
		san_text(s, n->v.text.text);
	if (n->type != GUMBO_NODE_ELEMENT || (r->flags & R_DROP))
		return 0;
	if (r->name != NULL && open_tag(s, n, r, &wrap)) {
		if (r->flags & R_VOID)
			return 1;
		if (r->flags & R_PRE)
			s->pre++;
		s->stack[s->depth].node = n;
		s->stack[s->depth].name = r->name;
		s->stack[s->depth++].wrap = wrap;
		s->tags += 1 + wrap;
	} else if (r->flags & (R_BLOCK | R_CELL))
		s->sep = 1;
	return 1;
}

static void
san_leave(void *ctx, const GumboNode *n)
{
	struct san *s = ctx;
	const struct rule *r = rule_of(n);
	struct open *o;

	if (n->type != GUMBO_NODE_ELEMENT || (r->flags & (R_DROP | R_VOID)))
		return;
	o = s->depth > 0 ? &s->stack[s->depth - 1] : NULL;
	if (o != NULL && o->node == n) {
		buf_printf(s->out, "</%s>%s", o->name, o->wrap ? "</p>" : "");
		s->depth--;
		s->tags -= 1 + o->wrap;
		if (r->flags & R_PRE)
			s->pre--;
		mark_block(s, r);
	} else if (r->flags & (R_BLOCK | R_CELL))
		s->sep = 1;
}

int
fed_html_sanitize(const char *html, size_t len, struct buf *out)
{
	static const struct walker w = { san_enter, san_leave };
	struct san s;

	memset(&s, 0, sizeof(s));
	s.out = out;
	s.blk = 1;
	s.pre_at = SIZE_MAX;
	return run(html, len, &w, &s, out);
}

/*
 * Plain text.
 */
struct txt {
	struct buf *out;
	size_t start; /* out->len on entry: nothing is owed before it */
	int pre;
	int space; /* white space seen */
	int nl;	   /* line breaks due, at most 2 */
};

static void
txt_flush(struct txt *t)
{
	if (t->out->len > t->start) {
		if (t->nl > 0)
			buf_add(t->out, "\n\n", (size_t)t->nl);
		else if (t->space)
			buf_addc(t->out, ' ');
	}
	t->nl = 0;
	t->space = 0;
}

static void
txt_break(struct txt *t, int hard)
{
	if (hard)
		t->nl = t->nl < 2 ? t->nl + 1 : 2;
	else if (t->nl == 0)
		t->nl = 1;
}

static void
txt_text(struct txt *t, const char *s)
{
	size_t n;
	int k = 0;

	while (*s != '\0') {
		for (n = 0; !is_ws(s[n]) && (k = char_len(s + n)) > 0; n += k)
			;
		if (n > 0) {
			txt_flush(t);
			buf_add(t->out, s, n);
			s += n;
		} else if (k < 0)
			s -= k;
		else {
			if (t->pre && *s == '\n')
				txt_break(t, 1);
			else
				t->space = 1;
			s++;
		}
	}
}

static int
txt_enter(void *ctx, const GumboNode *n)
{
	struct txt *t = ctx;
	const struct rule *r = rule_of(n);

	if (n->type == GUMBO_NODE_DOCUMENT)
		return 1;
	if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
	    n->type == GUMBO_NODE_CDATA)
		txt_text(t, n->v.text.text);
	if (n->type != GUMBO_NODE_ELEMENT || (r->flags & R_DROP))
		return 0;
	if (r->flags & R_PRE)
		t->pre++;
	if (r->flags & R_BR)
		txt_break(t, 1);
	else if (r->flags & R_BLOCK)
		txt_break(t, 0);
	else if (r->flags & R_CELL)
		t->space = 1;
	return 1;
}

static void
txt_leave(void *ctx, const GumboNode *n)
{
	struct txt *t = ctx;
	const struct rule *r = rule_of(n);

	if (n->type != GUMBO_NODE_ELEMENT || (r->flags & R_DROP))
		return;
	if (r->flags & R_PRE)
		t->pre--;
	if ((r->flags & R_BLOCK) && !(r->flags & R_BR))
		txt_break(t, 0);
	else if (r->flags & R_CELL)
		t->space = 1;
}

int
fed_html_text(const char *html, size_t len, struct buf *out)
{
	static const struct walker w = { txt_enter, txt_leave };
	struct txt t;

	memset(&t, 0, sizeof(t));
	t.out = out;
	t.start = out->len;
	return run(html, len, &w, &t, out);
}
