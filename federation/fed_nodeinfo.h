/* fed_nodeinfo.h: which software a remote instance runs, from its
 * NodeInfo (/.well-known/nodeinfo, then the 2.x document it links), and
 * what that software makes of a community's posts: the Announce of the
 * Create (FEP-1b12) or the Announce of the note's id (a boost). */
#ifndef HUB_FED_NODEINFO_H
#define HUB_FED_NODEINFO_H

#include <stddef.h>

struct err;
struct fed_fetch_cfg;
struct st_txn;

/* ST_GROUPS_* for a NodeInfo software name (any case):
 * ST_GROUPS_WRAPPED for software known to read FEP-1b12 communities,
 * ST_GROUPS_BOOST for microblog software known not to, ST_GROUPS_ASKED
 * for any other. */
int fed_nodeinfo_groups(const char *software);

/* The software name the instance at origin ("https://host[:port]") gives
 * in its NodeInfo, into name. Returns 0, or -1 with e set. */
int fed_nodeinfo_software(const struct fed_fetch_cfg *c, const char *origin,
    char *name, size_t cap, struct err *e);

/* st_write_fn recording what host's software makes of communities
 * (arg: struct fed_nodeinfo_learnt), its delivery health kept. */
struct fed_nodeinfo_learnt {
	const char *host;
	int groups; /* ST_GROUPS_* */
};
int fed_nodeinfo_apply(struct st_txn *t, void *arg, struct err *e);

#endif
