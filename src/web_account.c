#include "web_account.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "account.h"
#include "buf.h"
#include "config.h"
#include "err.h"
#include "fed_deliver.h"
#include "fed_webfinger.h"
#include "http.h"
#include "hub.h"
#include "log.h"
#include "page.h"
#include "st_actor.h"
#include "st_db.h"
#include "web.h"
#include "worker.h"

/* ---- the forms ---- */

/* What a form shows: the member's values and the problems found. */
struct shown {
	const json_t *form; /* or NULL */
	json_t *errors;	    /* {"field": "message"}, or NULL */
	const char *csrf;
	const char *next;
};

static const char *
err_of(const struct shown *s, const char *field)
{
	return json_string_value(json_object_get(s->errors, field));
}

static void
signin_form(struct buf *b, const struct config *cfg, const struct shown *s)
{
	page_begin(b, cfg, NULL, "Sign in", NULL);
	buf_adds(b, "<h1>Sign in</h1>");
	page_error_summary(b, s->errors);
	page_form_begin(b, "/signin", s->csrf);
	page_field(b,
	    &(struct page_field){
		.name = "next", .type = "hidden", .value = s->next });
	page_field(b,
	    &(struct page_field){ .name = "name",
		.label = "Your name on this hub",
		.type = "text",
		.value = web_field(s->form, "name"),
		.error = err_of(s, "name"),
		.autocomplete = "username",
		.required = 1,
		.maxlength = 64 });
	page_field(b,
	    &(struct page_field){ .name = "password",
		.label = "Password",
		.type = "password",
		.error = err_of(s, "password"),
		.autocomplete = "current-password",
		.required = 1,
		.maxlength = 256 });
	page_form_end(b, "Sign in");
	if (cfg->registrations != REG_CLOSED)
		buf_adds(b,
		    "<p>New here? <a href=\"/signup\">Create an "
		    "account</a>.</p>");
	page_end(b);
}

static void
signup_form(struct buf *b, const struct config *cfg, const struct shown *s)
{
	page_begin(b, cfg, NULL, "Sign up", NULL);
	buf_adds(b, "<h1>Create an account</h1>");
	if (cfg->registrations == REG_APPROVAL)
		buf_adds(b,
		    "<p class=\"notice\">An admin of this hub looks "
		    "at each new account before it can be used.</p>");
	page_error_summary(b, s->errors);
	page_form_begin(b, "/signup", s->csrf);
	page_field(b,
	    &(struct page_field){ .name = "name",
		.label = "Name",
		.type = "text",
		.hint = "1 to 30 letters a-z, digits or _. Others will see it "
			"as @name; it cannot be changed later.",
		.value = web_field(s->form, "name"),
		.error = err_of(s, "name"),
		.autocomplete = "username",
		.required = 1,
		.maxlength = 30 });
	page_field(b,
	    &(struct page_field){ .name = "display_name",
		.label = "Display name (optional)",
		.type = "text",
		.hint = "How your name is shown, e.g. \"Sam Jones, ward "
			"sister\".",
		.value = web_field(s->form, "display_name"),
		.error = err_of(s, "display_name"),
		.autocomplete = "name",
		.maxlength = 100 });
	page_field(b,
	    &(struct page_field){ .name = "password",
		.label = "Password",
		.type = "password",
		.hint = "At least 10 characters.",
		.error = err_of(s, "password"),
		.autocomplete = "new-password",
		.required = 1,
		.maxlength = 256 });
	page_field(b,
	    &(struct page_field){ .name = "password2",
		.label = "Password again",
		.type = "password",
		.error = err_of(s, "password2"),
		.autocomplete = "new-password",
		.required = 1,
		.maxlength = 256 });
	page_form_end(b, "Create account");
	buf_adds(b,
	    "<p>Already have an account? <a href=\"/signin\">Sign "
	    "in</a>.</p>");
	page_end(b);
}

static void
password_form(struct buf *b, const struct config *cfg,
    const struct page_viewer *v, const struct shown *s)
{
	page_begin(b, cfg, v, "Change your password", NULL);
	buf_adds(b, "<h1>Change your password</h1>");
	page_error_summary(b, s->errors);
	page_form_begin(b, "/settings/password", s->csrf);
	page_field(b,
	    &(struct page_field){ .name = "current",
		.label = "Current password",
		.type = "password",
		.error = err_of(s, "current"),
		.autocomplete = "current-password",
		.required = 1,
		.maxlength = 256 });
	page_field(b,
	    &(struct page_field){ .name = "password",
		.label = "New password",
		.type = "password",
		.hint = "At least 10 characters. You stay signed in here; "
			"everywhere else you will be signed out.",
		.error = err_of(s, "password"),
		.autocomplete = "new-password",
		.required = 1,
		.maxlength = 256 });
	page_field(b,
	    &(struct page_field){ .name = "password2",
		.label = "New password again",
		.type = "password",
		.error = err_of(s, "password2"),
		.autocomplete = "new-password",
		.required = 1,
		.maxlength = 256 });
	page_form_end(b, "Change password");
	page_end(b);
}

/* ---- work on the worker (password hashing, RSA keys, commits) ---- */

enum job_kind { J_SIGNIN, J_SIGNUP, J_SIGNOUT, J_PASSWORD };

struct job {
	struct http_req *r;
	struct hub *hub;
	int kind;
	json_t *form;
	char csrf[65];
	char token[ACCOUNT_TOKEN_LEN + 1];
	char limit_key[64];
	struct page_viewer v;
	uint64_t actor;
};

static void
job_free(struct job *j)
{
	json_decref(j->form);
	OPENSSL_cleanse(j->token, sizeof(j->token));
	free(j);
}

/* Show the form again with one problem. */
static void
again(struct job *j, unsigned status, const char *field, const char *msg)
{
	const struct config *cfg = j->r->srv->cfg;
	struct shown s = { j->form, json_object(), j->csrf,
		web_field(j->form, "next") };
	struct buf b;

	json_object_set_new(s.errors, field, json_string(msg));
	buf_init(&b, 0);
	if (j->kind == J_SIGNIN)
		signin_form(&b, cfg, &s);
	else if (j->kind == J_SIGNUP)
		signup_form(&b, cfg, &s);
	else
		password_form(&b, cfg, &j->v, &s);
	json_decref(s.errors);
	web_resume_page(j->r, status, &b, NULL);
}

static void
signed_in(struct job *j, uint64_t actor, const char *to)
{
	char cookie[200];
	struct err e = { { 0 } };

	if (account_session_new(j->hub, actor, j->token, &e) != 0) {
		again(j, 503, "_", "the hub could not sign you in: try again");
		return;
	}
	web_session_cookie(j->r, j->token, cookie, sizeof(cookie));
	web_resume_redirect(
	    j->r, to, (const char *const[]){ "Set-Cookie", cookie, NULL });
	OPENSSL_cleanse(cookie, sizeof(cookie));
}

static void
signin_job(struct job *j)
{
	struct account_who w;
	struct err e = { { 0 } };
	const char *next = web_field(j->form, "next");
	int rc;

	rc = account_login(j->hub, web_field(j->form, "name"),
	    web_field(j->form, "password"), &w, &e);
	if (rc == ACCOUNT_BAD)
		web_limit_fail(j->r, j->limit_key);
	if (rc != 0) {
		again(j, rc == ACCOUNT_BAD ? 401 : 403, "name", e.msg);
		return;
	}
	log_msg(LOG_INFO, "%s signed in", w.name);
	signed_in(j, w.id, web_local_path(next) ? next : "/");
}

static void
signup_job(struct job *j)
{
	const struct config *cfg = j->r->srv->cfg;
	const char *dn = web_field(j->form, "display_name");
	struct hub_actor_new in = { .kind = HUB_PERSON,
		.name = web_field(j->form, "name"),
		.display_name = dn[0] ? dn : NULL,
		.role = ST_ROLE_MEMBER,
		.password = web_field(j->form, "password"),
		.pending = cfg->registrations == REG_APPROVAL };
	struct account_who w;
	struct err e = { { 0 } };
	struct buf b;
	int rc;

	rc = hub_actor_create(j->hub, &in, NULL, 0, &e);
	if (rc == HUB_TAKEN || rc == HUB_INVALID) {
		again(j, 422, rc == HUB_TAKEN ? "name" : "display_name",
		    rc == HUB_TAKEN && strstr(e.msg, "reserved") == NULL
			? "that name is taken: choose another"
			: e.msg);
		return;
	}
	if (rc != 0) {
		again(j, 503, "_",
		    "the hub could not create the account: "
		    "try again");
		return;
	}
	if (in.pending) {
		buf_init(&b, 0);
		page_begin(&b, cfg, NULL, "Thank you", NULL);
		buf_adds(&b,
		    "<h1>Thank you for signing up</h1><p>An admin "
		    "of this hub will look at your account soon. "
		    "Once it is approved you can <a "
		    "href=\"/signin\">sign in</a> with the name "
		    "and password you chose.</p>");
		page_end(&b);
		web_resume_page(j->r, 201, &b, NULL);
		return;
	}
	if (account_login(j->hub, in.name, in.password, &w, &e) != 0) {
		again(j, 503, "_", e.msg);
		return;
	}
	signed_in(j, w.id, "/");
}

static void
password_job(struct job *j)
{
	struct err e = { { 0 } };
	struct buf b;
	int rc;

	rc = account_password_change(j->hub, j->actor,
	    web_field(j->form, "current"), web_field(j->form, "password"),
	    j->token, &e);
	if (rc != 0) {
		again(j,
		    rc == HUB_INVALID	    ? 422
			: rc == ACCOUNT_BAD ? 401
					    : 503,
		    rc == HUB_INVALID ? "password" : "current", e.msg);
		return;
	}
	buf_init(&b, 0);
	page_begin(&b, j->r->srv->cfg, &j->v, "Password changed", NULL);
	buf_adds(&b,
	    "<h1>Your password is changed</h1><p>You are still "
	    "signed in here, and signed out everywhere else.</p>"
	    "<p><a href=\"/\">Go to the home page</a></p>");
	page_end(&b);
	web_resume_page(j->r, 200, &b, NULL);
}

static void
job_run(void *arg)
{
	struct job *j = arg;
	char cookie[200];

	switch (j->kind) {
	case J_SIGNIN: signin_job(j); break;
	case J_SIGNUP: signup_job(j); break;
	case J_PASSWORD: password_job(j); break;
	default:
		account_session_end(j->hub, j->token);
		web_session_cookie(j->r, NULL, cookie, sizeof(cookie));
		web_resume_redirect(j->r, "/",
		    (const char *const[]){ "Set-Cookie", cookie, NULL });
	}
	job_free(j);
}

static void
job_drop(void *j)
{
	job_free(j);
}

/* Hand j (with its form) to the worker; the request waits suspended. */
static int
defer(struct http_req *r, struct job *j)
{
	j->r = r;
	j->hub = r->srv->hub;
	return web_defer(r, r->srv->hub->api_worker, job_run, j, job_drop);
}

static struct job *
job_new(int kind, json_t *form, const char *csrf)
{
	struct job *j = calloc(1, sizeof(*j));

	if (j == NULL) {
		json_decref(form);
		return NULL;
	}
	j->kind = kind;
	j->form = form;
	snprintf(j->csrf, sizeof(j->csrf), "%s", csrf ? csrf : "");
	return j;
}

/* ---- routes ---- */

/* Show a visitor's form (with its CSRF cookie when new). */
static int
visitor_page(
    struct http_req *r, int signup, const struct shown *base, unsigned status)
{
	char cookie[200];
	const char *const h[] = { "Set-Cookie", cookie, "Cache-Control",
		"no-store", NULL };
	struct shown s = *base;
	struct buf b;

	s.csrf = web_visitor_csrf(r, cookie, sizeof(cookie));
	buf_init(&b, 0);
	if (signup)
		signup_form(&b, r->srv->cfg, &s);
	else
		signin_form(&b, r->srv->cfg, &s);
	return web_send(r, status, &b, cookie[0] ? h : h + 2);
}

int
web_signin_get(struct http_req *r)
{
	const char *next = http_query(r, "next");
	struct shown s = { NULL, NULL, NULL,
		web_local_path(next) ? next : "/" };

	if (web_viewer(r) != NULL)
		return web_redirect(r, s.next, NULL);
	return visitor_page(r, 0, &s, 200);
}

static int
form_again(struct http_req *r, int signup, json_t *form, json_t *errors,
    unsigned status)
{
	struct shown s = { form, errors, NULL, web_field(form, "next") };
	int rc = visitor_page(r, signup, &s, status);

	json_decref(errors);
	json_decref(form);
	return rc;
}

int
web_signin_post(struct http_req *r)
{
	char norm[32], msg[160];
	json_t *form, *errors = json_object();
	struct job *j;
	unsigned wait;
	int rc;

	r->want_html = 1;
	if ((form = web_checked_form(r, &rc)) == NULL)
		return json_decref(errors), rc;
	if (web_field(form, "name")[0] == '\0')
		json_object_set_new(errors, "name",
		    json_string("enter the name you signed up with"));
	if (web_field(form, "password")[0] == '\0')
		json_object_set_new(
		    errors, "password", json_string("enter your password"));
	if (json_object_size(errors) > 0)
		return form_again(r, 0, form, errors, 422);
	if (fed_name_normalize(web_field(form, "name"), norm, sizeof(norm)) < 0)
		snprintf(norm, sizeof(norm), "?");
	if ((wait = web_limit_check(r, norm)) > 0) {
		snprintf(msg, sizeof(msg),
		    "too many attempts to sign in: wait %u minute%s and try "
		    "again",
		    (wait + 59) / 60, (wait + 59) / 60 == 1 ? "" : "s");
		json_object_set_new(errors, "name", json_string(msg));
		return form_again(r, 0, form, errors, 429);
	}
	json_decref(errors);
	if ((j = job_new(J_SIGNIN, form, web_visitor_csrf(r, NULL, 0))) == NULL)
		return http_error(r, 503, "the hub is out of memory");
	snprintf(j->limit_key, sizeof(j->limit_key), "%s", norm);
	return defer(r, j);
}

int
web_signout_post(struct http_req *r)
{
	const char *tok = web_session_token(r);
	json_t *form;
	struct job *j;
	int rc;

	r->want_html = 1;
	if ((form = web_checked_form(r, &rc)) == NULL)
		return rc;
	if (tok == NULL || (j = job_new(J_SIGNOUT, form, NULL)) == NULL) {
		if (tok == NULL)
			json_decref(form);
		return web_redirect(r, "/", NULL);
	}
	snprintf(j->token, sizeof(j->token), "%s", tok);
	return defer(r, j);
}

int
web_signup_get(struct http_req *r)
{
	struct shown s = { NULL, NULL, NULL, "/" };

	if (web_viewer(r) != NULL)
		return web_redirect(r, "/", NULL);
	if (r->srv->cfg->registrations == REG_CLOSED)
		return http_error(r, 403,
		    "this hub is not taking new accounts. Ask its admins "
		    "for one.");
	return visitor_page(r, 1, &s, 200);
}

/* The sign-up form's own rules, checked before any work is done. */
static void
signup_check(const json_t *form, json_t *errors)
{
	const char *name = web_field(form, "name");
	const char *pw = web_field(form, "password");
	char norm[32];
	struct err e;

	if (name[0] == '\0')
		json_object_set_new(
		    errors, "name", json_string("choose a name"));
	else if (fed_name_normalize(name, norm, sizeof(norm)) < 0 ||
	    strcmp(norm, name) != 0)
		json_object_set_new(errors, "name",
		    json_string("use only 1 to 30 letters a-z, digits or _"));
	else if (fed_name_reserved(norm))
		json_object_set_new(errors, "name",
		    json_string("that name is reserved: choose another"));
	if (strlen(web_field(form, "display_name")) > 100)
		json_object_set_new(errors, "display_name",
		    json_string("use at most 100 characters"));
	if (account_password_rules(name, pw, &e) != 0)
		json_object_set_new(errors, "password", json_string(e.msg));
	else if (strcmp(pw, web_field(form, "password2")) != 0)
		json_object_set_new(errors, "password2",
		    json_string("the two passwords are not the same"));
}

int
web_signup_post(struct http_req *r)
{
	json_t *form, *errors;
	struct job *j;
	unsigned wait;
	char msg[120];
	int rc;

	r->want_html = 1;
	if (r->srv->cfg->registrations == REG_CLOSED)
		return http_error(r, 403,
		    "this hub is not taking new accounts. Ask its admins "
		    "for one.");
	if ((form = web_checked_form(r, &rc)) == NULL)
		return rc;
	errors = json_object();
	signup_check(form, errors);
	if (json_object_size(errors) > 0)
		return form_again(r, 1, form, errors, 422);
	if ((wait = web_limit_signup(r)) > 0) {
		snprintf(msg, sizeof(msg),
		    "too many new accounts from your network: try again in "
		    "%u minutes",
		    (wait + 59) / 60);
		json_object_set_new(errors, "name", json_string(msg));
		return form_again(r, 1, form, errors, 429);
	}
	json_decref(errors);
	if ((j = job_new(J_SIGNUP, form, web_visitor_csrf(r, NULL, 0))) == NULL)
		return http_error(r, 503, "the hub is out of memory");
	return defer(r, j);
}

int
web_password_get(struct http_req *r)
{
	const struct page_viewer *v;
	struct shown s = { NULL, NULL, NULL, NULL };
	struct buf b;
	int rc;

	if ((v = web_member(r, &rc)) == NULL)
		return rc;
	s.csrf = v->csrf;
	buf_init(&b, 0);
	password_form(&b, r->srv->cfg, v, &s);
	return web_send(r, 200, &b, NULL);
}

int
web_password_post(struct http_req *r)
{
	const struct page_viewer *v;
	json_t *form, *errors;
	struct shown s = { NULL, NULL, NULL, NULL };
	struct job *j;
	struct err e;
	struct buf b;
	char msg[120];
	unsigned wait;
	uint64_t id;
	int rc;

	if ((v = web_member(r, &rc)) == NULL)
		return rc;
	if ((form = web_checked_form(r, &rc)) == NULL)
		return rc;
	errors = json_object();
	if (web_field(form, "current")[0] == '\0')
		json_object_set_new(errors, "current",
		    json_string("enter your current password"));
	if (account_password_rules(v->name, web_field(form, "password"), &e) !=
	    0)
		json_object_set_new(errors, "password", json_string(e.msg));
	else if (strcmp(web_field(form, "password"),
		     web_field(form, "password2")) != 0)
		json_object_set_new(errors, "password2",
		    json_string("the two passwords are not the same"));
	if (json_object_size(errors) > 0 ||
	    hub_member_id(r->srv->hub, v->name, &id) != 0) {
		s.form = form;
		s.errors = errors;
		s.csrf = v->csrf;
		buf_init(&b, 0);
		password_form(&b, r->srv->cfg, v, &s);
		json_decref(errors);
		json_decref(form);
		return web_send(r, 422, &b, NULL);
	}
	if ((wait = web_limit_check(r, v->name)) > 0) {
		snprintf(msg, sizeof(msg),
		    "too many wrong passwords: wait %u minutes and try again",
		    (wait + 59) / 60);
		json_object_set_new(errors, "current", json_string(msg));
		s.form = form;
		s.errors = errors;
		s.csrf = v->csrf;
		buf_init(&b, 0);
		password_form(&b, r->srv->cfg, v, &s);
		json_decref(errors);
		json_decref(form);
		return web_send(r, 429, &b, NULL);
	}
	json_decref(errors);
	if ((j = job_new(J_PASSWORD, form, v->csrf)) == NULL)
		return http_error(r, 503, "the hub is out of memory");
	snprintf(j->limit_key, sizeof(j->limit_key), "%s", v->name);
	j->v = *v;
	j->actor = id;
	snprintf(j->token, sizeof(j->token), "%s", web_session_token(r));
	return defer(r, j);
}
