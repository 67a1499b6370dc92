/* feed.h: RSS 2.0 and Atom 1.0 feeds of the newest public posts of a
 * member, a community or a hashtag, for feed readers (issue 5). Every
 * piece of text, the stored sanitized HTML of notes included, is written
 * through buf_add_xml, so a feed is well-formed XML whatever the posts
 * hold. */
#ifndef HUB_FEED_H
#define HUB_FEED_H

#include <stdint.h>

struct buf;
struct st_txn;

#define FEED_ITEMS 20 /* items in a feed, at most */

enum feed_format { FEED_RSS, FEED_ATOM };

struct feed {
	int format;		 /* enum feed_format */
	const char *title;	 /* of the channel (borrowed, like the rest) */
	const char *link;	 /* its HTML page */
	const char *self;	 /* the feed's own URL */
	const char *description; /* plain text */
	uint64_t since;		 /* updated when there are no items (s) */
	uint64_t notes[FEED_ITEMS]; /* note ids, newest first */
	int n;
};

/* Fill f->notes with the newest public and unlisted notes of the local
 * actor's outbox: only the actor's own when own_only (a member: not
 * what they boosted), else all (a community: what it passed on and its
 * own anonymous posts). Followers-only, direct and deleted notes are
 * never taken. Returns the count (f->n). */
int feed_outbox(struct st_txn *t, struct feed *f, uint64_t actor, int own_only);
/* The same for the public notes, local and remote, tagged tag
 * (lowercase, without '#'); unlisted ones stay out of discovery. */
int feed_tag(struct st_txn *t, struct feed *f, const char *tag);

/* Write the feed f as XML (f->format) into out, reading its notes and
 * their authors in t. out->failed says when it did not fit. */
void feed_write(struct st_txn *t, const struct feed *f, struct buf *out);

/* The content type of the format, with its charset. */
const char *feed_type(int format);

#endif
