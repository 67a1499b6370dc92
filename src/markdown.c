#include "markdown.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fed_html.h"
#include "text.h"

#define MD_OPTS                                                                \
	(CMARK_OPT_SAFE | CMARK_OPT_HARDBREAKS | CMARK_OPT_VALIDATE_UTF8)

/* Whether node sits inside a link (whose text must not get links of its
 * own: no <a> in <a>). */
static int
in_link(cmark_node *node)
{
	for (node = cmark_node_parent(node); node != NULL;
	     node = cmark_node_parent(node))
		if (cmark_node_get_type(node) == CMARK_NODE_LINK ||
		    cmark_node_get_type(node) == CMARK_NODE_IMAGE)
			return 1;
	return 0;
}

/* The text nodes of root, in document order (malloc'd; *n of them). The
 * inline parser splits text at '_', '*', '[' and the like: a run of
 * text nodes is merged into its first, so "#patient_safety" and URLs
 * come whole. */
static cmark_node **
text_nodes(cmark_node *root, size_t *n)
{
	cmark_iter *it = cmark_iter_new(root);
	cmark_node **a = NULL, **na, *node;
	size_t cap = 0;

	*n = 0;
	while (cmark_iter_next(it) != CMARK_EVENT_DONE) {
		node = cmark_iter_get_node(it);
		if (cmark_node_get_type(node) != CMARK_NODE_TEXT)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((na = realloc(a, cap * sizeof(*a))) == NULL) {
				free(a);
				a = NULL;
				break;
			}
			a = na;
		}
		a[(*n)++] = node;
	}
	cmark_iter_free(it);
	return a;
}

/* Merge the text nodes following a[*i] into it; frees them. */
static int
merge_run(cmark_node **a, size_t n, size_t *i)
{
	struct buf b;
	int rc = 0;

	if (*i + 1 >= n || cmark_node_next(a[*i]) != a[*i + 1])
		return 0;
	buf_init(&b, 0);
	buf_adds(&b, cmark_node_get_literal(a[*i]));
	while (*i + 1 < n && cmark_node_next(a[*i]) == a[*i + 1]) {
		buf_adds(&b, cmark_node_get_literal(a[*i + 1]));
		cmark_node_free(a[*i + 1]); /* unlinks it */
		a[*i + 1] = a[*i];
		(*i)++;
	}
	buf_addc(&b, '\0');
	if (b.failed || !cmark_node_set_literal(a[*i], b.data))
		rc = -1;
	buf_free(&b);
	return rc;
}

/* Replace the text node by its linked HTML when it has links. */
static int
link_text(cmark_node *node, const char *base_url, const struct text_mention *m,
    int nm)
{
	const char *lit = cmark_node_get_literal(node);
	cmark_node *html;
	struct buf b, esc;
	int same, rc = 0;

	buf_init(&b, 0);
	buf_init(&esc, 0);
	text_inline_html(lit, base_url, m, nm, &b);
	buf_add_html(&esc, lit, strlen(lit));
	if (b.failed || esc.failed) {
		rc = -1;
		goto out;
	}
	same = b.len == esc.len &&
	    (b.len == 0 || !memcmp(b.data, esc.data, b.len));
	if (same)
		goto out;
	buf_addc(&b, '\0');
	/* Custom nodes are written as they are, also in safe mode: the
	 * HTML is the hub's own, every byte of the text escaped. */
	if ((html = cmark_node_new(CMARK_NODE_CUSTOM_INLINE)) == NULL ||
	    !cmark_node_set_on_enter(html, b.data) ||
	    !cmark_node_replace(node, html)) {
		if (html != NULL)
			cmark_node_free(html);
		rc = -1;
		goto out;
	}
	cmark_node_free(node);
out:
	buf_free(&b);
	buf_free(&esc);
	return rc;
}

/* A text node (or, for a block, a paragraph holding one) with node's
 * literal, in node's place; frees node. */
static int
as_text(cmark_node *node)
{
	int block = cmark_node_get_type(node) == CMARK_NODE_HTML_BLOCK;
	const char *lit = cmark_node_get_literal(node);
	cmark_node *t = cmark_node_new(CMARK_NODE_TEXT), *p = t;
	char *s = strdup(lit ? lit : "");
	size_t n = s ? strlen(s) : 0;
	int ok;

	while (n > 0 && s[n - 1] == '\n')
		s[--n] = '\0';
	if (block && t != NULL) {
		p = cmark_node_new(CMARK_NODE_PARAGRAPH);
		if (p == NULL || !cmark_node_append_child(p, t)) {
			cmark_node_free(p ? p : t);
			free(s);
			return -1;
		}
	}
	ok = s != NULL && t != NULL && cmark_node_set_literal(t, s) &&
	    cmark_node_replace(node, p);
	free(s);
	if (!ok) {
		cmark_node_free(p);
		return -1;
	}
	cmark_node_free(node);
	return 0;
}

/* HTML typed into a post is shown as the text it is, not dropped (what
 * CMARK_OPT_SAFE would do) nor obeyed: "<b>" or "<script>" in a lesson
 * about a form's input reads as typed, as on Mastodon. */
static int
html_as_text(cmark_node *root)
{
	cmark_iter *it = cmark_iter_new(root);
	cmark_node **a = NULL, **na, *node;
	size_t n = 0, cap = 0, i;
	int rc = 0, type;

	while (cmark_iter_next(it) != CMARK_EVENT_DONE) {
		node = cmark_iter_get_node(it);
		type = cmark_node_get_type(node);
		if (type != CMARK_NODE_HTML_INLINE &&
		    type != CMARK_NODE_HTML_BLOCK)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((na = realloc(a, cap * sizeof(*a))) == NULL) {
				rc = -1;
				break;
			}
			a = na;
		}
		a[n++] = node;
	}
	cmark_iter_free(it);
	for (i = 0; i < n && rc == 0; i++)
		rc = as_text(a[i]);
	free(a);
	return rc;
}

/* Link hashtags, URLs and mentions in the text of root. */
static int
link_all(cmark_node *root, const char *base_url, const struct text_mention *m,
    int nm)
{
	cmark_node **a;
	size_t n, i;
	int rc = 0;

	if ((a = text_nodes(root, &n)) == NULL)
		return n == 0 ? 0 : -1;
	for (i = 0; i < n && rc == 0; i++) {
		if ((rc = merge_run(a, n, &i)) != 0)
			break;
		if (!in_link(a[i]))
			rc = link_text(a[i], base_url, m, nm);
	}
	free(a);
	return rc;
}

int
markdown_to_html(const char *text, const char *base_url,
    const struct text_mention *m, int nm, struct buf *out)
{
	cmark_node *root;
	char *html;
	int rc = -1;

	root = cmark_parse_document(text, strlen(text), MD_OPTS);
	if (root == NULL)
		return -1;
	if (html_as_text(root) == 0 && link_all(root, base_url, m, nm) == 0 &&
	    (html = cmark_render_html(root, MD_OPTS)) != NULL) {
		buf_adds(out, html);
		free(html);
		rc = out->failed ? -1 : 0;
	}
	cmark_node_free(root);
	return rc;
}

int
markdown_to_safe_html(const char *text, const char *base_url,
    const struct text_mention *m, int nm, struct buf *out)
{
	struct buf raw;
	int rc;

	buf_init(&raw, 0);
	rc = markdown_to_html(text, base_url, m, nm, &raw);
	if (rc == 0)
		rc = fed_html_sanitize(raw.data ? raw.data : "", raw.len, out);
	buf_free(&raw);
	return rc;
}
