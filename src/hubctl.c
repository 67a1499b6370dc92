/* hubctl: the hub's admin tool. Opens the same LMDB environment as a
 * running hubd; LMDB serialises the two processes' writes. */
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "block.h"
#include "featured.h"
#include "buf.h"
#include "config.h"
#include "err.h"
#include "fed_as2.h"
#include "fed_deliver.h"
#include "fed_fetch.h"
#include "fed_html.h"
#include "fed_group.h"
#include "fed_key.h"
#include "group.h"
#include "anon.h"
#include "group_view.h"
#include "hub.h"
#include "learning.h"
#include "log.h"
#include "profile.h"
#include "review.h"
#include "st_actor.h"
#include "st_check.h"
#include "st_block.h"
#include "st_featured.h"
#include "st_db.h"
#include "st_follow.h"
#include "st_instance.h"
#include "st_object.h"
#include "st_review.h"
#include "st_social.h"
#include "text.h"
#include "topics.h"

/* Exit codes (also in --help and hubctl(8)). */
enum {
	EX_OK = 0,
	EX_FAIL = 1,	 /* the command failed */
	EX_USAGE = 2,	 /* wrong arguments */
	EX_NOTFOUND = 3, /* no such member, community or note */
	EX_CONFLICT = 4, /* the name is taken / already done */
	EX_NODATA = 5,	 /* no hub data, or a newer schema */
	EX_INVALID = 6,	 /* the input was refused (bad name, text) */
};

static const char usage_text[] =
    "usage: hubctl [-c FILE] COMMAND [ARGS]\n"
    "\n"
    "  init                         create the data directory and the\n"
    "                               instance actor (safe to run again)\n"
    "  user add NAME [--password-file F] [--role ROLE]\n"
    "           [--display-name TEXT] [--summary TEXT] [--locked]\n"
    "                               add a member; prints a generated\n"
    "                               password unless --password-file\n"
    "  user list                    list members and communities\n"
    "  user show NAME               show one member\n"
    "  user disable NAME | user enable NAME\n"
    "  user role NAME ROLE          ROLE: member moderator editor admin\n"
    "  user set NAME [--display-name S] [--summary S] [--avatar URL]\n"
    "       [--locked | --unlocked]  change a profile (sends Update)\n"
    "  user delete NAME             delete a member and their notes\n"
    "  user approve NAME            let a member who signed up (and\n"
    "                               waits for approval) sign in\n"
    "  group create NAME [--title TEXT] [--summary TEXT] [--locked]\n"
    "           [--moderated] [--restricted] [--private]\n"
    "                               --locked: joining needs approval;\n"
    "                               --moderated: posts wait for a\n"
    "                               moderator; --restricted: only\n"
    "                               moderators start threads;\n"
    "                               --private: members only (locked)\n"
    "  group list                   the communities, with their members\n"
    "  group joined NAME            the communities member NAME joined\n"
    "  group timeline GROUP         the community's posts, newest first\n"
    "  group mod add|remove GROUP MEMBER\n"
    "  group ban add|remove GROUP ACTOR-URL|MEMBER|HOST\n"
    "                               a community's moderators and bans\n"
    "  group remove GROUP URL       a moderator takes a post out of it\n"
    "  group pending GROUP          posts waiting for review (moderated)\n"
    "  group accept|reject GROUP URL\n"
    "                               announce a waiting post, or drop it\n"
    "                               from the queue\n"
    "  group reports GROUP          reports about the community's posts\n"
    "  post NAME TEXT [--visibility public|unlisted|followers|direct]\n"
    "           [--cw TEXT] [--reply-to URL] [--group COMMUNITY]\n"
    "           [--anonymous]\n"
    "                               publish a note (TEXT - reads stdin);\n"
    "                               @name and @user@host mention people;\n"
    "                               --anonymous with --group: the post\n"
    "                               waits for a moderator, then is the\n"
    "                               community's; prints its handle\n"
    "  post NAME --learning FILE [--visibility V] [--group COMMUNITY]\n"
    "                               publish a learning post from a JSON\n"
    "                               file of its fields (FILE - reads\n"
    "                               stdin); field errors are printed as\n"
    "                               \"field: message\" (exit 6)\n"
    "  anon list NAME               NAME's anonymous posts and states\n"
    "  anon edit NAME HANDLE TEXT | anon delete NAME HANDLE\n"
    "                               change or delete (withdraw) one\n"
    "  edit NAME URL TEXT [--cw TEXT]\n"
    "                               change the text of NAME's note\n"
    "  delete URL                   delete a note by its URL\n"
    "  like NAME URL | unlike NAME URL\n"
    "  boost NAME URL | unboost NAME URL\n"
    "                               NAME likes or boosts a note known here\n"
    "  approve NAME URL | reject NAME URL\n"
    "                               answer a follow request to NAME (a\n"
    "                               locked account) from the actor URL\n"
    "  notifications NAME           NAME's notifications, newest first\n"
    "  reports                      reports (Flag) sent to this hub\n"
    "  token NAME                   make an API token for a member\n"
    "  backup DIR                   hot, compacted copy of the data\n"
    "  check                        verify schema and data, print counts\n"
    "  resolve @NAME@HOST | URL     fetch a remote actor (WebFinger, then\n"
    "                               a signed GET), check and store it\n"
    "  follow NAME @WHO@HOST | URL  NAME follows a remote actor; hubd\n"
    "                               delivers the Follow\n"
    "  unfollow NAME @WHO@HOST | URL\n"
    "  followers NAME | following NAME\n"
    "                               list them, pending ones marked\n"
    "  timeline NAME                NAME's home timeline, newest first\n"
    "  queue                        pending deliveries and health per host\n"
    "  queue retry HOST             make HOST's deliveries due now and\n"
    "                               forget its failures (revives it)\n"
    "  instances                    remote instances known: what form of\n"
    "                               community posts each reads, health\n"
    "  block HOST [--reason TEXT]   defederate from a server: refuse its\n"
    "                               activities, send and fetch nothing,\n"
    "                               end its follows with members here\n"
    "  unblock HOST | blocks        lift a block; list the blocks\n"
    "  feature add URL | feature remove URL\n"
    "                               feature a public note (local or\n"
    "                               remote) on the home page, or stop\n"
    "  feature list                 the featured notes, newest first\n"
    "  review-types [set TYPE...]   the content types of learning posts\n"
    "                               the editors review before they are\n"
    "                               published (default: tool)\n"
    "  review-by DRAFT DATE|none    when the editors look again at a\n"
    "                               reviewed post (YYYY-MM-DD)\n"
    "  topics                       the patient-safety topics: slug,\n"
    "                               hashtag, label, group (tab-separated)\n"
    "\n"
    "The configuration comes from -c FILE, else $HUB_CONF, else the\n"
    "embedded default (data in ./var).\n"
    "\n"
    "exit status: 0 done; 1 failed; 2 usage; 3 not found; 4 name taken;\n"
    "5 no hub data or newer schema; 6 input refused\n";

static int
code_exit(int rc)
{
	switch (rc) {
	case 0: return EX_OK;
	case ST_NOTFOUND:
	case ST_GONE: return EX_NOTFOUND;
	case ST_EXISTS:
	case HUB_REVIEW:
	case HUB_TAKEN: return EX_CONFLICT;
	case ST_NOINIT:
	case ST_SCHEMA: return EX_NODATA;
	case HUB_INVALID:
	case ST_INVAL:
	case HUB_FORBIDDEN:
	case HUB_PII: return EX_INVALID;
	default: return EX_FAIL;
	}
}

static int
fail(int rc, const struct err *e)
{
	fprintf(stderr, "hubctl: %s\n", e->msg);
	return code_exit(rc);
}

static int usage_error(const char *msg);

/* hubctl topics: the vocabulary hubd would serve; needs no hub data. */
static int
cmd_topics(const struct config *cfg)
{
	struct topics *t;
	struct err e;
	size_t i;

	if ((t = topics_load(cfg->topics_file, &e)) == NULL) {
		fprintf(stderr, "hubctl: %s\n", e.msg);
		return 1;
	}
	for (i = 0; i < t->n; i++)
		printf("%s\t%s\t%s\t%s\n", t->v[i].slug, t->v[i].hashtag,
		    t->v[i].label, t->v[i].group);
	topics_free(t);
	return 0;
}

static int
usage_error(const char *msg)
{
	fprintf(stderr, "hubctl: %s\n\n%s", msg, usage_text);
	return EX_USAGE;
}

/* --key VALUE options after the positional arguments. */
struct opts {
	const char *password_file, *role, *display_name, *summary, *title;
	const char *visibility, *cw, *reply_to, *group, *avatar, *learning;
	int locked, moderated, restricted, private_, anonymous, unlocked;
};

static int
parse_opts(int argc, char **argv, struct opts *o, char *bad, size_t cap)
{
	static const char *const keys[] = { "--password-file", "--role",
		"--display-name", "--summary", "--title", "--visibility",
		"--cw", "--reply-to", "--group", "--avatar", "--learning",
		NULL };
	const char **dst[] = { &o->password_file, &o->role, &o->display_name,
		&o->summary, &o->title, &o->visibility, &o->cw, &o->reply_to,
		&o->group, &o->avatar, &o->learning };
	static const char *const flags[] = { "--locked", "--moderated",
		"--restricted", "--private", "--anonymous", "--unlocked",
		NULL };
	int *on[] = { &o->locked, &o->moderated, &o->restricted, &o->private_,
		&o->anonymous, &o->unlocked };
	int i, k;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < argc; i++) {
		for (k = 0; flags[k] != NULL; k++)
			if (!strcmp(argv[i], flags[k]))
				break;
		if (flags[k] != NULL) {
			*on[k] = 1;
			continue;
		}
		for (k = 0; keys[k] != NULL; k++)
			if (!strcmp(argv[i], keys[k]))
				break;
		if (keys[k] == NULL || i + 1 >= argc) {
			snprintf(bad, cap,
			    "unknown option or missing value: "
			    "%s",
			    argv[i]);
			return -1;
		}
		*dst[k] = argv[++i];
	}
	return 0;
}

static char *
read_all(FILE *f, size_t max)
{
	struct buf b;
	char chunk[4096];
	size_t n;

	buf_init(&b, max);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(&b, chunk, n) < 0)
			break;
	return buf_steal(&b, NULL);
}

/* A password from a file (or - for stdin), read into one fixed buffer:
 * no reallocation leaves copies of it behind. */
static char *
read_password(const char *path, struct err *e)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char buf[4097], *pw;
	size_t n;

	if (f == NULL) {
		err_set(e, "cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	n = fread(buf, 1, sizeof(buf), f);
	if (f != stdin)
		fclose(f);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	if (n >= sizeof(buf) - 1 || memchr(buf, '\0', n) != NULL) {
		OPENSSL_cleanse(buf, sizeof(buf));
		err_set(e,
		    "%s does not hold a password of at most 4096 "
		    "bytes on one line",
		    path);
		return NULL;
	}
	buf[n] = '\0';
	pw = strdup(buf);
	OPENSSL_cleanse(buf, sizeof(buf));
	if (pw == NULL)
		err_set(e, "out of memory");
	return pw;
}

static int
cmd_actor_add(struct hub *h, int kind, int argc, char **argv)
{
	struct hub_actor_new in = { 0 };
	char pw[HUB_PASSWORD_LEN + 1] = "", bad[200], *given = NULL;
	struct opts o;
	struct err e = { { 0 } };
	int rc;

	if (argc < 1 ||
	    parse_opts(argc - 1, argv + 1, &o, bad, sizeof(bad)) < 0)
		return usage_error(argc < 1 ? "which name?" : bad);
	in.kind = kind;
	in.name = argv[0];
	in.display_name = kind == HUB_GROUP ? o.title : o.display_name;
	in.summary = o.summary;
	in.locked = o.locked;
	in.moderated = o.moderated;
	in.restricted = o.restricted;
	in.private_ = o.private_;
	if (kind != HUB_GROUP && (o.moderated || o.restricted || o.private_))
		return usage_error(
		    "--moderated, --restricted and --private are "
		    "for communities (group create)");
	if (o.role != NULL && (in.role = hub_role_parse(o.role)) < 0)
		return usage_error("ROLE must be member, moderator, editor "
				   "or admin");
	if (kind == HUB_PERSON && o.password_file != NULL) {
		if ((given = read_password(o.password_file, &e)) == NULL)
			return fail(ST_INVAL, &e);
		in.password = given;
	}
	rc = hub_actor_create(h, &in, pw, sizeof(pw), &e);
	fed_secret_free(given);
	if (rc != 0)
		return fail(rc, &e);
	if (pw[0] != '\0')
		printf("added %s; password: %s\n", argv[0], pw);
	else
		printf("added %s\n", argv[0]);
	OPENSSL_cleanse(pw, sizeof(pw));
	return EX_OK;
}

static const char *
kind_name(int k)
{
	return k == ST_AK_GROUP ? "community"
	    : k == ST_AK_PERSON ? "member"
				: "instance";
}

static void
flags_text(const struct st_actor *a, char *out, size_t cap)
{
	snprintf(out, cap, "%s%s%s%s%s%s",
	    (a->flags & ST_AF_DELETED) ? " deleted" : "",
	    (a->flags & ST_AF_DISABLED) ? " disabled" : "",
	    (a->flags & ST_AF_LOCKED) ? " locked" : "",
	    (a->flags & ST_AF_MODERATED) ? " moderated" : "",
	    (a->flags & ST_AF_RESTRICTED) ? " restricted" : "",
	    (a->flags & ST_AF_PRIVATE) ? " private" : "");
}

static int
list_each(void *ctx, const char *name, uint64_t id)
{
	struct st_actor a;
	char fl[64];

	if (st_actor_get(ctx, id, &a) != 0) {
		printf("%-30s (unreadable)\n", name);
		return 0;
	}
	flags_text(&a, fl, sizeof(fl));
	printf("%-30s %-9s %-9s %6llu posts%s\n", name, kind_name(a.kind),
	    a.kind == ST_AK_PERSON ? hub_role_name(a.role) : "-",
	    (unsigned long long)a.posts, fl);
	st_actor_clear(&a);
	return 0;
}

static void print_remote(const char *prefix, const char *s);

/* One line of the directory: name, members, posts, title and flags. */
static void
print_dir_item(const json_t *it)
{
	static const char *const flags[] = { "locked", "moderated",
		"restricted", "private" };
	size_t i;

	printf("%-24s %8lld %8lld  %s",
	    json_string_value(json_object_get(it, "name")),
	    (long long)json_integer_value(json_object_get(it, "members")),
	    (long long)json_integer_value(json_object_get(it, "posts")),
	    json_string_value(json_object_get(it, "title")));
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (json_is_true(json_object_get(it, flags[i])))
			printf(" %s", flags[i]);
	printf("\n");
}

/* The community directory (hub_group_directory, as the API's), in name
 * order: members, posts and flags of each. */
static int
cmd_group_list(struct hub *h)
{
	struct err e = { { 0 } };
	char after[64] = "";
	const json_t *it;
	json_t *doc;
	size_t i;
	int rc;

	printf("%-24s %8s %8s  %s\n", "NAME", "MEMBERS", "POSTS", "TITLE");
	do {
		doc = hub_group_directory(
		    h, 1, after[0] ? after : NULL, HUB_PAGE_MAX, &rc, &e);
		if (doc == NULL)
			return fail(rc, &e);
		json_array_foreach(json_object_get(doc, "items"), i, it)
		{
			print_dir_item(it);
		}
		after[0] = '\0';
		if (json_string_value(json_object_get(doc, "next")) != NULL)
			snprintf(after, sizeof(after), "%s",
			    json_string_value(json_object_get(doc, "next")));
		json_decref(doc);
	} while (after[0]);
	return EX_OK;
}

/* hubctl group joined NAME: the communities the member NAME joined. */
static int
cmd_group_joined(struct hub *h, const char *name)
{
	struct err e = { { 0 } };
	const json_t *it;
	json_t *doc;
	size_t i;
	int rc;

	if ((doc = hub_group_joined(h, name, &rc, &e)) == NULL)
		return fail(rc, &e);
	json_array_foreach(json_object_get(doc, "items"), i, it)
	{
		printf("%-40s %-9s %s\n",
		    json_string_value(json_object_get(it, "handle")),
		    json_string_value(json_object_get(it, "state")),
		    json_string_value(json_object_get(it, "id")));
	}
	if (json_array_size(json_object_get(doc, "items")) == 0)
		printf("%s has not joined any community\n", name);
	json_decref(doc);
	return EX_OK;
}

/* hubctl group timeline GROUP: the community's posts, newest first. */
static int
cmd_group_timeline(struct hub *h, const char *group)
{
	struct err e = { { 0 } };
	const json_t *it;
	json_t *doc;
	size_t i;
	int rc;

	if ((doc = hub_group_timeline(h, group, NULL, 0, 50, &rc, &e)) == NULL)
		return fail(rc, &e);
	json_array_foreach(json_object_get(doc, "items"), i, it)
	{
		printf("%s  %s  %s  %lld replies\n",
		    json_string_value(
			json_object_get(json_object_get(it, "author"), "id")),
		    json_string_value(json_object_get(it, "published")),
		    json_string_value(json_object_get(it, "id")),
		    (long long)json_integer_value(
			json_object_get(it, "replies_count")));
		print_remote(
		    "  ", json_string_value(json_object_get(it, "excerpt")));
		printf("\n");
	}
	if (json_array_size(json_object_get(doc, "items")) == 0)
		printf("no posts in %s yet\n", group);
	json_decref(doc);
	return EX_OK;
}

static int
cmd_user_list(struct hub *h)
{
	struct st_txn *t;
	int rc;

	if ((rc = st_read_begin(h->db, &t)) != 0)
		return code_exit(rc);
	printf("%-30s %-9s %-9s %12s\n", "NAME", "KIND", "ROLE", "");
	rc = st_name_each(t, list_each, t);
	st_read_end(t);
	return code_exit(rc);
}

static int
cmd_user_show(struct hub *h, const char *name)
{
	struct st_actor a;
	struct st_txn *t;
	char when[32], fl[64];
	uint64_t id;
	int rc;

	if ((rc = st_read_begin(h->db, &t)) != 0)
		return code_exit(rc);
	rc = st_name_get(t, name, &id);
	if (rc == 0)
		rc = st_actor_get(t, id, &a);
	st_read_end(t);
	if (rc != 0) {
		fprintf(stderr,
		    "hubctl: there is no member or community "
		    "called \"%s\"\n",
		    name);
		return code_exit(rc);
	}
	flags_text(&a, fl, sizeof(fl));
	printf("name:         %s\nkind:         %s\nrole:         %s\n"
	       "display name: %s\nactor:        %s\nposts:        %llu\n",
	    a.name, kind_name(a.kind), hub_role_name(a.role), a.display_name,
	    a.iri, (unsigned long long)a.posts);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%SZ",
	    gmtime(&(time_t){ (time_t)a.created }));
	printf(
	    "created:      %s\nflags:       %s\n", when, fl[0] ? fl : " none");
	st_actor_clear(&a);
	return EX_OK;
}

/* user set NAME --display-name ... : the same change as the settings
 * page, with its Update{Person} queued to the member's followers. */
static int
cmd_user_set(struct hub *h, const char *name, int argc, char **argv)
{
	struct hub_profile p = { .locked = -1 };
	struct err e = { { 0 } };
	char bad[200];
	struct opts o;
	int rc, queued = 0;

	if (parse_opts(argc, argv, &o, bad, sizeof(bad)) < 0)
		return usage_error(bad);
	if (o.locked && o.unlocked)
		return usage_error("give --locked or --unlocked, not both");
	p.display_name = o.display_name;
	p.summary = o.summary;
	p.avatar = o.avatar;
	if (o.locked || o.unlocked)
		p.locked = o.locked;
	if ((rc = hub_profile_set(h, name, &p, &queued, &e)) != 0)
		return fail(rc, &e);
	printf("%s: done (%d deliveries queued)\n", name, queued);
	return EX_OK;
}

static int
cmd_user(struct hub *h, int argc, char **argv)
{
	struct err e = { { 0 } };
	int rc, role;

	if (argc < 1)
		return usage_error("user needs a subcommand");
	if (!strcmp(argv[0], "add"))
		return cmd_actor_add(h, HUB_PERSON, argc - 1, argv + 1);
	if (!strcmp(argv[0], "list") && argc == 1)
		return cmd_user_list(h);
	if (!strcmp(argv[0], "set") && argc >= 2)
		return cmd_user_set(h, argv[1], argc - 2, argv + 2);
	if (argc != 2 && !(argc == 3 && !strcmp(argv[0], "role")))
		return usage_error("wrong number of arguments for user");
	if (!strcmp(argv[0], "show"))
		return cmd_user_show(h, argv[1]);
	if (!strcmp(argv[0], "disable") || !strcmp(argv[0], "enable"))
		rc = hub_user_set_disabled(
		    h, argv[1], !strcmp(argv[0], "disable"), &e);
	else if (!strcmp(argv[0], "delete"))
		rc = hub_user_delete(h, argv[1], &e);
	else if (!strcmp(argv[0], "approve"))
		rc = hub_user_approve(h, argv[1], &e);
	else if (!strcmp(argv[0], "role") && argc == 3) {
		if ((role = hub_role_parse(argv[2])) < 0)
			return usage_error("ROLE must be member, moderator, "
					   "editor or admin");
		rc = hub_user_set_role(h, argv[1], role, &e);
	} else
		return usage_error("unknown user subcommand");
	if (rc != 0)
		return fail(rc, &e);
	printf("%s: done\n", argv[1]);
	return EX_OK;
}

/* post NAME TEXT --group COMMUNITY --anonymous: EX_OK, or a negative
 * code with e set. */
static int
cmd_anon_post(struct hub *h, const char *name, const char *text,
    const struct opts *o, int vis, struct err *e)
{
	char handle[HUB_ANON_HANDLE_LEN];
	int rc;

	if (o->reply_to != NULL || o->cw != NULL)
		return err_set(e,
			   "anonymous posts cannot be replies or carry a "
			   "content warning yet: leave out --reply-to and "
			   "--cw"),
		       HUB_INVALID;
	if ((rc = hub_anon_submit(h, name, o->group, text, vis, handle, e)) !=
	    0)
		return rc;
	printf("%s\n", handle);
	fprintf(stderr,
	    "hubctl: waiting for a moderator of %s; keep the handle above: "
	    "\"hubctl anon list %s\" shows its state\n",
	    o->group, name);
	return EX_OK;
}

static void print_remote(const char *prefix, const char *s);

/* hubctl anon list NAME | anon edit NAME HANDLE TEXT | anon delete NAME
 * HANDLE */
static int
cmd_anon(struct hub *h, int argc, char **argv)
{
	struct err e = { { 0 } };
	const json_t *it;
	json_t *doc;
	size_t i;
	int rc;

	if (argc == 2 && !strcmp(argv[0], "list")) {
		if ((doc = hub_anon_list(h, argv[1], &rc, &e)) == NULL)
			return fail(rc, &e);
		json_array_foreach(json_object_get(doc, "items"), i, it)
		{
			printf("%s  %s  %s\n",
			    json_string_value(json_object_get(it, "handle")),
			    json_string_value(json_object_get(it, "state")),
			    json_string_value(
				json_object_get(it, "community")));
			if (json_object_get(it, "url") != NULL)
				printf("  %s\n",
				    json_string_value(
					json_object_get(it, "url")));
			print_remote("  ",
			    json_string_value(json_object_get(it, "text")));
			printf("\n");
		}
		if (json_array_size(json_object_get(doc, "items")) == 0)
			printf("%s has no anonymous posts\n", argv[1]);
		json_decref(doc);
		return EX_OK;
	}
	if ((argc == 4 && !strcmp(argv[0], "edit")) ||
	    (argc == 3 && !strcmp(argv[0], "delete"))) {
		if ((rc = hub_anon_change(h, argv[1], argv[2],
			 argc == 4 ? argv[3] : NULL, NULL, &e)) != 0)
			return fail(rc, &e);
		printf("%s %s\n", argc == 4 ? "edited" : "deleted", argv[2]);
		return EX_OK;
	}
	return usage_error("anon needs list NAME, edit NAME HANDLE TEXT or "
			   "delete NAME HANDLE");
}

/* A learning post of a type the editors review: a submitted draft. */
static int
submit_learning(struct hub *h, const char *name, json_t *v,
    const struct hub_post_opts *po, struct err *e)
{
	uint64_t id = 0;
	int rc;

	rc = review_save_learning(h, name, 0, v, hub_vis_name(po->vis),
	    po->group, ST_DRAFT_SUBMITTED, &id, e);
	if (rc != 0)
		return fail(rc, e);
	printf("draft %llu waits for review by the editors: it is published "
	       "when one approves it\n",
	    (unsigned long long)id);
	return EX_OK;
}

/* post/edit NAME [URL] --learning FILE: a learning post from a JSON
 * file in the API shape (learning.h); "-" reads stdin. Field errors
 * are printed one a line as "field: message". */
static int
post_learning(struct hub *h, char **argv, const struct opts *o,
    struct hub_post_opts *po, int edit)
{
	struct learning_error le[LEARNING_ERRORS_MAX];
	struct topics *topics;
	struct learning l = { 0 };
	struct err e = { { 0 } };
	json_error_t je;
	json_t *v;
	char iri[700];
	int rc, n, i;

	v = strcmp(o->learning, "-") ? json_load_file(o->learning, 0, &je)
				     : json_loadf(stdin, 0, &je);
	if (v == NULL) {
		fprintf(stderr, "hubctl: %s:%d:%d: %s\n", o->learning, je.line,
		    je.column, je.text);
		return EX_INVALID;
	}
	if ((topics = topics_load(h->cfg->topics_file, &e)) == NULL) {
		json_decref(v);
		fprintf(stderr, "hubctl: %s\n", e.msg);
		return EX_FAIL;
	}
	h->topics = topics;
	po->learning = v;
	po->edit = edit ? argv[1] : NULL;
	rc = hub_post_publish(h, argv[0], NULL, po, iri, sizeof(iri), &e);
	if (rc == HUB_REVIEW && !edit)
		rc = submit_learning(h, argv[0], v, po, &e);
	else if (rc == HUB_INVALID &&
	    (n = learning_parse(v, topics, &l, le, LEARNING_ERRORS_MAX)) > 0) {
		for (i = 0; i < n && i < LEARNING_ERRORS_MAX; i++)
			fprintf(stderr, "%s: %s\n", le[i].field, le[i].msg);
		rc = code_exit(rc);
	} else if (rc != 0)
		rc = fail(rc, &e);
	else
		printf("%s\n", iri);
	learning_clear(&l);
	h->topics = NULL;
	topics_free(topics);
	json_decref(v);
	return rc;
}

/* review-types [set TYPE...]: the content types the editors review. */
static int
cmd_review_types(struct hub *h, int argc, char **argv)
{
	char list[REVIEW_TYPES_MAX] = "";
	struct err e = { { 0 } };
	struct st_txn *t;
	size_t n = 0;
	int i, rc;

	if (argc >= 2 && !strcmp(argv[1], "set")) {
		for (i = 2; i < argc; i++)
			n += (size_t)snprintf(list + n,
			    n < sizeof(list) ? sizeof(list) - n : 0, "%s%s",
			    n ? " " : "", argv[i]);
		if (n >= sizeof(list))
			return usage_error("too many content types");
		if ((rc = review_types_set(h, list, &e)) != 0)
			return fail(rc, &e);
	} else if (argc != 1)
		return usage_error("review-types [set TYPE...]");
	if (st_read_begin(h->db, &t) != 0)
		return fail(ST_EIO, &e);
	review_types(t, list, sizeof(list));
	st_read_end(t);
	printf("%s\n", list[0] ? list : "(none)");
	return EX_OK;
}

/* review-by ID DATE|none: when editors look at a published post again. */
static int
cmd_review_by(struct hub *h, const char *id, const char *date)
{
	struct err e = { { 0 } };
	uint64_t when = 0;
	char *end;
	unsigned long long n = strtoull(id, &end, 10);
	int rc;

	if (*end != '\0' || n == 0)
		return usage_error("review-by needs a draft number");
	if (strcmp(date, "none") && text_date_parse(date, &when) != 0)
		return usage_error("the date is YYYY-MM-DD (or none)");
	if ((rc = review_act(h, n, NULL, ST_RA_REVIEW_BY, NULL, when, &e)))
		return fail(rc, &e);
	printf("draft %llu: review by %s\n", n, date);
	return EX_OK;
}

/* Whether one of the argc arguments in argv is want. */
static int
has_arg(int argc, char **argv, const char *want)
{
	int i;

	for (i = 0; i < argc; i++)
		if (!strcmp(argv[i], want))
			return 1;
	return 0;
}

/* post NAME TEXT [opts], or with edit: edit NAME URL TEXT [opts]. */
static int
cmd_post(struct hub *h, int argc, char **argv, int edit)
{
	char iri[700], bad[200], *text;
	struct hub_post_opts po = { .may_fetch = 1 };
	struct opts o;
	struct err e = { { 0 } };
	int rc, n = edit ? 3 : 2, no_text = 0;

	/* A learning post has --learning FILE where a note has TEXT (a
	 * note's text may itself start with "--"). */
	if (argc >= n && !strncmp(argv[n - 1], "--", 2) &&
	    has_arg(argc - (n - 1), argv + n - 1, "--learning")) {
		n--;
		no_text = 1;
	}
	if (argc < n ||
	    parse_opts(argc - n, argv + n, &o, bad, sizeof(bad)) < 0)
		return usage_error(argc < n
			? (edit ? "edit needs NAME, URL "
				  "and TEXT"
				: "post needs NAME and TEXT")
			: bad);
	if (o.visibility && (po.vis = hub_vis_parse(o.visibility)) < 0)
		return usage_error("--visibility must be public, unlisted, "
				   "followers or direct");
	po.group = o.group;
	if (o.learning != NULL)
		return o.anonymous || o.cw || o.reply_to
		    ? usage_error("--learning goes with --visibility and "
				  "--group only")
		    : post_learning(h, argv, &o, &po, edit);
	if (no_text)
		return usage_error(edit
			? "edit needs NAME, URL and TEXT (or --learning FILE)"
			: "post needs NAME and TEXT (or --learning FILE)");
	text = strcmp(argv[n - 1], "-") ? strdup(argv[n - 1])
					: read_all(stdin, 1 << 20);
	if (text == NULL) {
		err_set(&e, "the text is too large");
		return fail(HUB_INVALID, &e);
	}
	if (o.anonymous) {
		rc = edit ? (err_set(&e,
				 "edit an anonymous post with \"hubctl anon "
				 "edit NAME HANDLE TEXT\""),
				HUB_INVALID)
			  : cmd_anon_post(h, argv[0], text, &o, po.vis, &e);
		free(text);
		return rc < 0 ? fail(rc, &e) : rc;
	}
	po.cw = o.cw;
	po.in_reply_to = o.reply_to;
	po.group = o.group;
	po.edit = edit ? argv[1] : NULL;
	rc = hub_post_publish(h, argv[0], text, &po, iri, sizeof(iri), &e);
	free(text);
	if (rc != 0)
		return fail(rc, &e);
	printf("%s\n", iri);
	return EX_OK;
}

/* Print " " and s (from another server) with control characters as '?',
 * so no escape sequence reaches the admin's terminal. */
static void
print_remote(const char *prefix, const char *s)
{
	fputs(prefix, stdout);
	for (; s != NULL && *s; s++)
		putchar((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
}

/* A read transaction and the id of the member name; an exit code. */
static int
member_txn(struct hub *h, const char *name, struct st_txn **t, uint64_t *me)
{
	int rc;

	if ((rc = st_read_begin(h->db, t)) != 0)
		return code_exit(rc);
	if ((rc = st_name_get(*t, name, me)) != 0) {
		st_read_end(*t);
		fprintf(
		    stderr, "hubctl: there is no member called \"%s\"\n", name);
		return code_exit(rc);
	}
	return EX_OK;
}

/* like/unlike/boost/unboost NAME URL */
static int
cmd_react(struct hub *h, const char *cmd, const char *name, const char *iri)
{
	int like = strstr(cmd, "like") != NULL, undo = cmd[0] == 'u', already;
	struct err e = { { 0 } };
	int rc = hub_react(h, name, iri,
	    like ? ST_REACT_LIKE : ST_REACT_ANNOUNCE, undo, &already, NULL, &e);

	if (rc != 0)
		return fail(rc, &e);
	printf("%s%s\n", already ? "nothing to do: " : "", iri);
	return EX_OK;
}

static int
cmd_notifications(struct hub *h, const char *name)
{
	struct st_notification n[50];
	struct st_actor a;
	struct st_obj o;
	struct st_txn *t;
	const char *js;
	uint64_t me;
	size_t len;
	char when[32];
	json_t *note;
	int k, i, more, rc;

	if ((rc = member_txn(h, name, &t, &me)) != EX_OK)
		return rc;
	k = st_notify_page(t, me, 0, n, 50, &more);
	for (i = 0; i < k; i++) {
		fed_as2_time((time_t)n[i].time, when, sizeof(when));
		printf("%s  %-14s", when, st_notify_name(n[i].type));
		if (st_actor_get(t, n[i].actor, &a) == 0) {
			print_remote(" ", a.iri);
			st_actor_clear(&a);
		}
		if (n[i].object &&
		    st_object_peek(t, n[i].object, &o, &js, &len) == 0 &&
		    (note = json_loadb(js, len, 0, NULL)) != NULL) {
			print_remote(" ",
			    json_string_value(json_object_get(note, "id")));
			json_decref(note);
		}
		printf("\n");
	}
	if (k == 0)
		printf("no notifications\n");
	st_read_end(t);
	return EX_OK;
}

/* Print the reports in items (fed_report_json's). */
static void
print_reports(const json_t *items)
{
	const json_t *r, *v;
	size_t i, j;

	json_array_foreach(items, i, r)
	{
		printf("%s  from",
		    json_string_value(json_object_get(r, "created_at")));
		print_remote(
		    " ", json_string_value(json_object_get(r, "reporter")));
		printf("\n  about");
		print_remote(
		    " ", json_string_value(json_object_get(r, "target")));
		if (json_object_get(r, "community") != NULL)
			print_remote("\n  in community ",
			    json_string_value(json_object_get(r, "community")));
		json_array_foreach(json_object_get(r, "objects"), j, v)
		    print_remote("\n    ", json_string_value(v));
		print_remote("\n  says: ",
		    json_string_value(json_object_get(r, "comment")));
		printf("\n");
	}
	if (json_array_size(items) == 0)
		printf("no reports\n");
}

/* The hub's reports (group NULL) or one community's, newest first. */
static int
cmd_reports(struct hub *h, const char *group)
{
	struct err e = { { 0 } };
	struct st_report r[50];
	struct st_txn *t;
	json_t *doc;
	int k, i, more, rc;

	if (group != NULL) {
		if ((doc = hub_group_reports(h, group, NULL, &rc, &e)) == NULL)
			return fail(rc, &e);
	} else {
		if ((rc = st_read_begin(h->db, &t)) != 0)
			return code_exit(rc);
		doc = json_pack("{s:[]}", "items");
		k = st_report_page(t, 0, r, 50, &more);
		for (i = 0; i < k; i++)
			json_array_append_new(json_object_get(doc, "items"),
			    fed_report_json(t, &r[i]));
		st_read_end(t);
	}
	print_reports(json_object_get(doc, "items"));
	json_decref(doc);
	return EX_OK;
}

/* A community's posts held for review, oldest first. */
static int
cmd_pending(struct hub *h, const char *group)
{
	struct err e = { { 0 } };
	const json_t *it;
	json_t *doc;
	size_t i;
	int rc;

	if ((doc = hub_group_pending(h, group, NULL, &rc, &e)) == NULL)
		return fail(rc, &e);
	json_array_foreach(json_object_get(doc, "items"), i, it)
	{
		print_remote(
		    "", json_string_value(json_object_get(it, "object")));
		print_remote("\n  by ",
		    json_string_value(json_object_get(it, "author")));
		printf(", held %s%s",
		    json_string_value(json_object_get(it, "held")),
		    json_object_get(it, "deleted") ? " (deleted since)" : "");
		print_remote(
		    "\n  ", json_string_value(json_object_get(it, "excerpt")));
		printf("\n");
	}
	if (json_array_size(json_object_get(doc, "items")) == 0)
		printf("no posts are waiting for review in %s\n", group);
	json_decref(doc);
	return EX_OK;
}

/* hubctl group accept|reject GROUP URL */
static int
cmd_review(struct hub *h, const char *how, const char *group, const char *iri)
{
	struct err e = { { 0 } };
	int rc, accept = !strcmp(how, "accept");

	if ((rc = hub_group_review(h, group, iri, accept, NULL, NULL, &e)) != 0)
		return fail(rc, &e);
	printf("%s %s\n", accept ? "accepted" : "rejected", iri);
	return EX_OK;
}

static void
print_count(void *ctx, const char *name, size_t n)
{
	(void)ctx;
	printf("  %-10s %zu\n", name, n);
}

static void
print_problem(void *ctx, const char *msg)
{
	(void)ctx;
	printf("problem: %s\n", msg);
}

static int
cmd_check(struct hub *h)
{
	unsigned ver = 0;
	int n;

	if (st_db_schema(h->db, &ver) != 0) {
		fprintf(stderr, "hubctl: cannot read the schema version\n");
		return EX_FAIL;
	}
	printf("data:   %s\nschema: %u (this hubctl knows up to %d)\n"
	       "entries:\n",
	    h->cfg->data_dir, ver, ST_SCHEMA_VERSION);
	st_db_stat(h->db, print_count, NULL);
	if ((n = st_check(h->db, print_problem, NULL)) < 0) {
		fprintf(stderr, "hubctl: check failed: %s\n", st_strerror(n));
		return EX_FAIL;
	}
	if (n > 0) {
		printf("%d problem%s found\n", n, n == 1 ? "" : "s");
		return EX_FAIL;
	}
	printf("ok\n");
	return EX_OK;
}

static int
cmd_resolve(struct hub *h, const char *what)
{
	struct err e = { { 0 } };
	struct st_actor a;
	const char *host;
	int rc;

	if ((rc = hub_resolve(h, what, &a, &e)) != 0)
		return fail(rc, &e);
	host = strstr(a.iri, "://") + 3;
	printf("actor:        %s\nkind:         %s\nhandle:       @%s@%.*s\n"
	       "display name: %s\ninbox:        %s\nshared inbox: %s\n"
	       "key:          %s%s\n",
	    a.iri, kind_name(a.kind), a.name, (int)strcspn(host, "/"), host,
	    a.display_name, a.inbox, a.shared_inbox[0] ? a.shared_inbox : "-",
	    a.key_id, (a.flags & ST_AF_LOCKED) ? "\nlocked:       yes" : "");
	st_actor_clear(&a);
	return EX_OK;
}

static int
cmd_follow(struct hub *h, const char *name, const char *what, int undo)
{
	struct err e = { { 0 } };
	int rc, already;

	if ((rc = hub_follow(h, name, what, undo, &already, &e)) != 0)
		return fail(rc, &e);
	if (already)
		printf(undo ? "%s was not following %s\n"
			    : "%s already follows %s\n",
		    name, what);
	else
		printf(undo ? "%s stops following %s (hubd sends the Undo)\n"
			    : "%s asked to follow %s (hubd sends the Follow)\n",
		    name, what);
	return EX_OK;
}

static int
cmd_follows(struct hub *h, const char *name, int followers)
{
	uint64_t ids[200], id, after = 0;
	struct st_actor a;
	struct st_txn *t;
	int n, i, state, rc;

	if ((rc = st_read_begin(h->db, &t)) != 0)
		return code_exit(rc);
	if ((rc = st_name_get(t, name, &id)) != 0) {
		st_read_end(t);
		fprintf(
		    stderr, "hubctl: there is no member called \"%s\"\n", name);
		return code_exit(rc);
	}
	do {
		n = st_follow_list(t, id, followers, -1, after, ids, 200);
		for (i = 0; i < n; i++) {
			after = ids[i];
			if (st_actor_get(t, ids[i], &a) != 0)
				continue;
			if (followers)
				st_follow_get(t, ids[i], id, &state, NULL);
			else
				st_follow_get(t, id, ids[i], &state, NULL);
			printf("%s%s\n", a.iri,
			    state == ST_FOLLOW_PENDING ? " (pending)" : "");
			st_actor_clear(&a);
		}
	} while (n == 200);
	st_read_end(t);
	return EX_OK;
}

/* Pending deliveries and health per host. */
struct host_count {
	char host[256];
	unsigned long n;
	uint64_t next;
	uint32_t tries;
	struct st_instance in;
};

struct queue_view {
	struct host_count h[256];
	int nh;
	const char *retry; /* host to make due now, or NULL */
	struct st_job *move;
	int nmove, cap;
	int revived, was_unavailable;
};

static struct host_count *
view_host(struct queue_view *v, const char *host)
{
	int i;

	for (i = 0; i < v->nh && strcmp(v->h[i].host, host); i++)
		;
	if (i == v->nh) {
		if (v->nh == 256)
			return NULL;
		memset(&v->h[i], 0, sizeof(v->h[i]));
		snprintf(v->h[i].host, sizeof(v->h[i].host), "%s", host);
		v->nh++;
	}
	return &v->h[i];
}

static int
queue_each(void *ctx, const struct st_job *j)
{
	struct queue_view *v = ctx;
	struct host_count *c;
	char host[256];

	fed_url_host(j->inbox, host, sizeof(host));
	if (v->retry != NULL) {
		if (!strcmp(host, v->retry) && v->nmove < v->cap)
			v->move[v->nmove++] = *j;
		return 0;
	}
	if ((c = view_host(v, host)) == NULL)
		return 0;
	if (c->n++ == 0)
		c->next = j->due;
	if (j->tries > c->tries) /* the most tries of the host's jobs */
		c->tries = j->tries;
	return 0;
}

static int
instance_each(void *ctx, const char *host, const struct st_instance *in)
{
	struct host_count *c;

	if (in->failures == 0 && !in->unavailable)
		return 0; /* healthy hosts with nothing queued: not shown */
	if ((c = view_host(ctx, host)) != NULL)
		c->in = *in;
	return 0;
}

static int
queue_retry_apply(struct st_txn *t, void *arg, struct err *e)
{
	struct queue_view *v = arg;
	int i, rc;

	(void)e;
	rc = fed_deliver_revive_txn(t, v->retry, &v->was_unavailable);
	v->revived = rc == 0;
	rc = rc == ST_NOTFOUND ? 0 : rc;
	for (i = 0; i < v->nmove && rc == 0; i++) {
		v->move[i].tries =
		    v->move[i].tries > 0 ? v->move[i].tries - 1 : 0;
		rc = st_queue_retry(t, &v->move[i], (uint64_t)time(NULL));
	}
	return rc;
}

/* "12s", "5m", "3h", "2d": how long ago t was. */
static const char *
ago(uint64_t t, time_t now, char *out, size_t cap)
{
	long long s = (long long)now - (long long)t;

	if (t == 0)
		return "-";
	if (s < 120)
		snprintf(out, cap, "%llds", s < 0 ? 0 : s);
	else if (s < 7200)
		snprintf(out, cap, "%lldm", s / 60);
	else if (s < 2 * 86400)
		snprintf(out, cap, "%lldh", s / 3600);
	else
		snprintf(out, cap, "%lldd", s / 86400);
	return out;
}

static void
queue_print(const struct queue_view *v, time_t now)
{
	char next[32], tries[16], since[32];
	const struct host_count *c;
	int i;

	printf("%-32s %7s %8s %5s %8s %s\n", "HOST", "PENDING", "NEXT_IN",
	    "TRIES", "FAILING", "STATE");
	for (i = 0; i < v->nh; i++) {
		c = &v->h[i];
		snprintf(next, sizeof(next), c->n ? "%llds" : "-",
		    (long long)c->next - (long long)now);
		snprintf(tries, sizeof(tries), c->n ? "%u" : "-", c->tries);
		printf("%-32s %7lu %8s %5s %8s %s\n", c->host, c->n, next,
		    tries, ago(c->in.first_failure, now, since, sizeof(since)),
		    c->in.unavailable	     ? "unavailable"
			: c->in.failures > 0 ? "failing"
					     : "ok");
	}
	if (v->nh == 0)
		printf("no deliveries pending\n");
}

static int
queue_retry(struct hub *h, struct queue_view *v)
{
	struct err e = { { 0 } };
	int rc = st_write(h->db, queue_retry_apply, v, &e);

	free(v->move);
	if (rc != 0)
		return fail(rc, &e);
	printf("%d deliveries to %s are due now (hubd sends them)\n", v->nmove,
	    v->retry);
	if (v->revived)
		printf("%s: failures forgotten%s\n", v->retry,
		    v->was_unavailable ? "; it is available again" : "");
	return EX_OK;
}

static int
cmd_queue(struct hub *h, const char *retry)
{
	static struct queue_view v;
	static char host[256];
	struct st_txn *t;
	int rc;

	memset(&v, 0, sizeof(v));
	if (retry != NULL) { /* hosts are kept lowercase */
		fed_url_host(retry, host, sizeof(host));
		v.retry = host;
		if ((v.move = calloc(10000, sizeof(*v.move))) == NULL)
			return EX_FAIL;
		v.cap = 10000;
	}
	if ((rc = st_read_begin(h->db, &t)) != 0) {
		free(v.move);
		return code_exit(rc);
	}
	st_queue_each(t, queue_each, &v);
	if (retry == NULL)
		st_instance_each(t, instance_each, &v);
	st_read_end(t);
	if (retry != NULL)
		return queue_retry(h, &v);
	queue_print(&v, time(NULL));
	return EX_OK;
}

static int
instance_line(void *ctx, const char *host, const struct st_instance *in)
{
	static const char *const forms[] = { "not asked yet",
		"FEP-1b12 (Announce of the Create)",
		"microblog (Announce of the note, a boost)",
		"not known (both forms)" };

	(void)ctx;
	printf("%-32s %s; %s\n", host, forms[in->groups & 3],
	    in->unavailable    ? "unavailable"
		: in->failures ? "failing"
			       : "healthy");
	return 0;
}

/* Each remote instance on record, with the form of a community's posts
 * its software reads and its delivery health. */
static int
cmd_instances(struct hub *h)
{
	struct st_txn *t;
	int rc;

	if ((rc = st_read_begin(h->db, &t)) != 0)
		return code_exit(rc);
	rc = st_instance_each(t, instance_line, NULL);
	st_read_end(t);
	return rc == 0 ? EX_OK : code_exit(rc);
}

static int
block_line(void *ctx, const char *host, const struct st_block *b)
{
	char when[32];

	(void)ctx;
	text_date_format(b->since, when);
	printf("%-32s %s  %s\n", host, when, b->reason);
	return 0;
}

/* hubctl block HOST [--reason TEXT], unblock HOST, blocks. */
static int
cmd_block(struct hub *h, int argc, char **argv)
{
	struct err e = { { 0 } };
	struct st_txn *t;
	char host[256];
	int rc, dropped = 0, ended = 0;

	if (!strcmp(argv[0], "blocks")) {
		if ((rc = st_read_begin(h->db, &t)) != 0)
			return code_exit(rc);
		rc = st_block_each(t, block_line, NULL);
		st_read_end(t);
		return code_exit(rc);
	}
	if (hub_block_host(argv[1], host, sizeof(host), &e) != 0)
		return fail(HUB_INVALID, &e);
	if (!strcmp(argv[0], "unblock")) {
		if ((rc = hub_unblock(h, host, &e)) != 0)
			return fail(rc, &e);
		printf("%s: unblocked\n", host);
		return EX_OK;
	}
	if ((rc = hub_block(h, host, argc == 4 ? argv[3] : NULL, &dropped,
		 &ended, &e)) != 0)
		return fail(rc, &e);
	printf("%s: blocked; %d deliveries dropped, %d follows ended\n", host,
	    dropped, ended);
	return EX_OK;
}

static int
feature_line(void *ctx, const struct st_featured *f, const struct st_obj *o,
    const char *js, size_t len)
{
	json_t *note = json_loadb(js, len, 0, NULL);
	const char *iri = json_string_value(json_object_get(note, "id"));
	char when[32];

	(void)ctx;
	(void)o;
	text_date_format(f->since, when);
	printf("%s  %s\n", when, iri ? iri : "?");
	json_decref(note);
	return 0;
}

/* hubctl feature add URL, feature remove URL, feature list. */
static int
cmd_feature(struct hub *h, int argc, char **argv)
{
	struct err e = { { 0 } };
	struct st_txn *t;
	int rc, on;

	if (argc == 2 && !strcmp(argv[1], "list")) {
		if ((rc = st_read_begin(h->db, &t)) != 0)
			return code_exit(rc);
		rc = hub_featured_each(t, ST_FEATURED_MAX, feature_line, NULL);
		st_read_end(t);
		return code_exit(rc);
	}
	if (argc != 3 ||
	    (strcmp(argv[1], "add") != 0 && strcmp(argv[1], "remove") != 0))
		return usage_error("feature needs add URL, remove URL or list");
	on = !strcmp(argv[1], "add");
	if ((rc = hub_feature(h, NULL, argv[2], on, &e)) != 0)
		return fail(rc, &e);
	printf("%s %s\n", on ? "featured" : "no longer featured", argv[2]);
	return EX_OK;
}

/* The home timeline of name, newest first, as text. */
static int
cmd_timeline(struct hub *h, const char *name)
{
	uint64_t ids[50], me;
	struct st_actor a;
	struct st_txn *t;
	struct st_obj o;
	struct buf b;
	const char *js;
	json_t *note;
	size_t len;
	int n, i, more, rc;

	if ((rc = member_txn(h, name, &t, &me)) != EX_OK)
		return rc;
	n = st_timeline_page(t, me, 0, ids, 50, &more);
	for (i = 0; i < n; i++) {
		if (st_object_peek(t, ids[i], &o, &js, &len) != 0 ||
		    o.kind != ST_K_NOTE ||
		    (note = json_loadb(js, len, 0, NULL)) == NULL)
			continue;
		buf_init(&b, 0);
		const char *html =
		    json_string_value(json_object_get(note, "content"));
		if (html != NULL)
			fed_html_text(html, strlen(html), &b);
		if (st_actor_get(t, o.owner, &a) == 0) {
			printf("%s  %s  %s\n", a.iri,
			    json_string_value(
				json_object_get(note, "published")),
			    json_string_value(json_object_get(note, "id")));
			st_actor_clear(&a);
		}
		printf("  %s\n", b.data ? b.data : "");
		buf_free(&b);
		json_decref(note);
	}
	st_read_end(t);
	return EX_OK;
}

static int
run(struct hub *h, int argc, char **argv)
{
	const char *cmd = argv[0];
	char token[65];
	struct err e = { { 0 } };
	int rc;

	if (!strcmp(cmd, "init")) {
		if ((rc = hub_init(h, &e)) != 0)
			return fail(rc, &e);
		printf("hub data ready in %s\n", h->cfg->data_dir);
		return EX_OK;
	}
	if (!strcmp(cmd, "user"))
		return cmd_user(h, argc - 1, argv + 1);
	if (!strcmp(cmd, "group") && argc >= 2 && !strcmp(argv[1], "create"))
		return cmd_actor_add(h, HUB_GROUP, argc - 2, argv + 2);
	if (!strcmp(cmd, "group") && argc == 2 && !strcmp(argv[1], "list"))
		return cmd_group_list(h);
	if (!strcmp(cmd, "group") && argc == 3 && !strcmp(argv[1], "joined"))
		return cmd_group_joined(h, argv[2]);
	if (!strcmp(cmd, "group") && argc == 3 && !strcmp(argv[1], "timeline"))
		return cmd_group_timeline(h, argv[2]);
	if (!strcmp(cmd, "group") && argc == 3 && !strcmp(argv[1], "pending"))
		return cmd_pending(h, argv[2]);
	if (!strcmp(cmd, "group") && argc == 3 && !strcmp(argv[1], "reports"))
		return cmd_reports(h, argv[2]);
	if (!strcmp(cmd, "group") && argc == 4 &&
	    (!strcmp(argv[1], "accept") || !strcmp(argv[1], "reject")))
		return cmd_review(h, argv[1], argv[2], argv[3]);
	if (!strcmp(cmd, "group") && argc == 4 && !strcmp(argv[1], "remove")) {
		if ((rc = hub_group_remove(h, argv[2], argv[3], NULL, &e)) != 0)
			return fail(rc, &e);
		printf("removed %s from %s\n", argv[3], argv[2]);
		return EX_OK;
	}
	if (!strcmp(cmd, "group") && argc == 5 &&
	    (!strcmp(argv[1], "mod") || !strcmp(argv[1], "ban")) &&
	    (!strcmp(argv[2], "add") || !strcmp(argv[2], "remove"))) {
		int kind = argv[1][0] == 'm' ? ST_GL_MOD
		    : strchr(argv[4], '/') || strchr(argv[4], '@') ||
			!strchr(argv[4], '.')
		    ? ST_GL_BAN_ACTOR
		    : ST_GL_BAN_HOST;

		if ((rc = hub_group_list(h, argv[3], kind, argv[4],
			 argv[2][0] == 'a', NULL, &e)) != 0)
			return fail(rc, &e);
		printf("%s: done\n", argv[3]);
		return EX_OK;
	}
	if (!strcmp(cmd, "post"))
		return cmd_post(h, argc - 1, argv + 1, 0);
	if (!strcmp(cmd, "anon"))
		return cmd_anon(h, argc - 1, argv + 1);
	if (!strcmp(cmd, "edit"))
		return cmd_post(h, argc - 1, argv + 1, 1);
	if ((!strcmp(cmd, "like") || !strcmp(cmd, "unlike") ||
		!strcmp(cmd, "boost") || !strcmp(cmd, "unboost")) &&
	    argc == 3)
		return cmd_react(h, cmd, argv[1], argv[2]);
	if ((!strcmp(cmd, "approve") || !strcmp(cmd, "reject")) && argc == 3) {
		if ((rc = hub_follow_answer(
			 h, argv[1], argv[2], cmd[0] == 'a', NULL, &e)) != 0)
			return fail(rc, &e);
		printf("%s %s\n", cmd[0] == 'a' ? "approved" : "rejected",
		    argv[2]);
		return EX_OK;
	}
	if (!strcmp(cmd, "notifications") && argc == 2)
		return cmd_notifications(h, argv[1]);
	if (!strcmp(cmd, "reports") && argc == 1)
		return cmd_reports(h, NULL);
	if (!strcmp(cmd, "delete") && argc == 2) {
		if ((rc = hub_post_delete(h, argv[1], 0, &e)) != 0)
			return fail(rc, &e);
		printf("deleted %s\n", argv[1]);
		return EX_OK;
	}
	if (!strcmp(cmd, "token") && argc == 2) {
		if ((rc = hub_token_create(h, argv[1], token, &e)) != 0)
			return fail(rc, &e);
		printf("%s\n", token);
		OPENSSL_cleanse(token, sizeof(token));
		return EX_OK;
	}
	if (!strcmp(cmd, "backup") && argc == 2) {
		if ((rc = st_db_backup(h->db, argv[1], &e)) != 0)
			return fail(rc, &e);
		printf("backed up to %s/data.mdb\n", argv[1]);
		return EX_OK;
	}
	if (!strcmp(cmd, "check") && argc == 1)
		return cmd_check(h);
	if (!strcmp(cmd, "resolve") && argc == 2)
		return cmd_resolve(h, argv[1]);
	if ((!strcmp(cmd, "follow") || !strcmp(cmd, "unfollow")) && argc == 3)
		return cmd_follow(h, argv[1], argv[2], cmd[0] == 'u');
	if (!strcmp(cmd, "queue") &&
	    (argc == 1 || (argc == 3 && !strcmp(argv[1], "retry"))))
		return cmd_queue(h, argc == 3 ? argv[2] : NULL);
	if (!strcmp(cmd, "instances") && argc == 1)
		return cmd_instances(h);
	if ((!strcmp(cmd, "blocks") && argc == 1) ||
	    (!strcmp(cmd, "unblock") && argc == 2) ||
	    (!strcmp(cmd, "block") &&
		(argc == 2 || (argc == 4 && !strcmp(argv[2], "--reason")))))
		return cmd_block(h, argc, argv);
	if (!strcmp(cmd, "timeline") && argc == 2)
		return cmd_timeline(h, argv[1]);
	if (!strcmp(cmd, "feature"))
		return cmd_feature(h, argc, argv);
	if (!strcmp(cmd, "review-types"))
		return cmd_review_types(h, argc, argv);
	if (!strcmp(cmd, "review-by") && argc == 3)
		return cmd_review_by(h, argv[1], argv[2]);
	if ((!strcmp(cmd, "followers") || !strcmp(cmd, "following")) &&
	    argc == 2)
		return cmd_follows(h, argv[1], !strcmp(cmd, "followers"));
	return usage_error("unknown command or wrong arguments");
}

int
main(int argc, char **argv)
{
	const char *path = getenv("HUB_CONF");
	struct config cfg;
	struct hub h = { 0 };
	struct err e = { { 0 } };
	int opt, rc;

	if (argc > 1 && !strcmp(argv[1], "--help")) {
		fputs(usage_text, stdout);
		return EX_OK;
	}
	while ((opt = getopt(argc, argv, "+c:h")) != -1) {
		switch (opt) {
		case 'c': path = optarg; break;
		case 'h': fputs(usage_text, stdout); return EX_OK;
		default: fputs(usage_text, stderr); return EX_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		return usage_error("which command?");
	if (!strcmp(argv[0], "help") || !strcmp(argv[0], "--help")) {
		fputs(usage_text, stdout);
		return EX_OK;
	}
	if (path != NULL && *path == '\0')
		path = NULL;
	/* hubctl reports on stdout/stderr itself; events are hubd's log. */
	log_set_level(LOG_WARN);
	if (config_load(&cfg, path, &e) < 0) {
		fprintf(stderr, "hubctl: %s\n", e.msg);
		return EX_USAGE;
	}
	if (!strcmp(argv[0], "topics"))
		return argc == 1 ? cmd_topics(&cfg)
				 : usage_error("topics takes no arguments");
	if ((rc = hub_open(&h, &cfg, !strcmp(argv[0], "init"), &e)) != 0)
		return fail(rc, &e);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = run(&h, argc, argv);
	hub_close(&h);
	curl_global_cleanup();
	return rc;
}
