"""Communities (FEP-1b12), first slice: members on three hubs join a
community on hub A; what a member posts into it, from any hub, the
community announces to all its members; non-members' posts are not
announced."""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from hubtest import Hub, done, ok  # noqa: E402
from test_social import accepted, handle, timeline, total  # noqa: E402
from test_follow import wait_for  # noqa: E402


def main():
    with Hub() as a, Hub() as b, Hub() as c:
        a.add_user("alice")
        a.add_user("dave")
        b.add_user("bob")
        b.add_user("erin")
        c.add_user("carol")
        r = a.ctl("group", "create", "sepsis", "--title", "Sepsis")
        ok(r.returncode == 0, "a community on A (%s)" % r.stderr.strip())
        for h in (a, b, c):
            h.start()
        group = a.base + "/c/sepsis"
        for h, name in ((a, "alice"), (b, "bob"), (c, "carol")):
            r = h.ctl("follow", name, handle(a, "sepsis"))
            ok(r.returncode == 0, "%s joins it (%s)" % (name,
                                                       r.stderr.strip()))
        ok(wait_for(lambda: accepted(b, "bob", group) and
                    accepted(c, "carol", group) and
                    accepted(a, "alice", group)),
           "the community accepts them, on A and from B and C")
        doc = a.get(group).json()
        ok(doc.get("type") == "Group" and
           a.get(group + "/followers").json().get("totalItems") == 3,
           "the Group counts three members")

        # A member on B posts into it by mentioning it.
        r = b.ctl("post", "bob", "%s our sepsis screen now runs at triage"
                  % handle(a, "sepsis"))
        ok(r.returncode == 0, "bob posts into the community from B")
        note = r.stdout.strip()
        ok(b.get(note).json().get("cc", []).count(group) == 1,
           "his note addresses the community")
        ok(wait_for(lambda: note in timeline(c, "carol")),
           "carol on C gets it through the community's Announce")
        ok(wait_for(lambda: note in timeline(a, "alice")),
           "and alice on A")
        items = a.get("/c/sepsis/outbox?page=true").json().get(
            "orderedItems", [])
        ok(any(i.get("type") == "Announce" and i.get("object") == note and
               i.get("actor") == group for i in items),
           "the Announce is in the community's outbox")
        ok(wait_for(lambda: total(b, note + "/shares") == 1),
           "and B counts it as a boost of bob's note")

        # A moderator takes a post out of the community.
        r = b.ctl("post", "bob", "%s off-topic: selling shoes" %
                  handle(a, "sepsis"))
        shoes = r.stdout.strip()
        ok(wait_for(lambda: shoes in timeline(c, "carol") and
                    shoes in timeline(a, "alice")),
           "an off-topic post reaches the members")
        r = a.ctl("group", "remove", "sepsis", shoes)
        ok(r.returncode == 0, "a moderator removes it (%s)" %
           r.stderr.strip())
        ok(wait_for(lambda: shoes not in timeline(c, "carol")),
           "it disappears from carol's timeline on C")
        ok(shoes not in timeline(a, "alice"),
           "and from alice's on A")
        items = a.get("/c/sepsis/outbox?page=true").json().get(
            "orderedItems", [])
        ok(not any(i.get("object") == shoes for i in items) and
           note in [i.get("object") for i in items],
           "the community's outbox no longer lists it (the rest stays)")
        ok(wait_for(lambda: total(b, shoes + "/shares") == 0),
           "B no longer counts the community's boost of it")
        ok(shoes in timeline(b, "bob") and b.get(shoes).status == 200,
           "bob's note itself stays his")
        r = a.ctl("group", "remove", "sepsis", shoes)
        ok(r.returncode != 0 and "not in the community" in r.stderr,
           "removing it twice: %s" % r.stderr.strip())

        # A local member posts into it directly.
        r = a.ctl("post", "alice", "Sepsis huddle notes", "--group",
                  "sepsis")
        ok(r.returncode == 0, "alice posts into it on A (%s)" %
           r.stderr.strip())
        mine = r.stdout.strip()
        ok(a.get(mine).json().get("audience") == group,
           "her note's audience is the community")
        ok(wait_for(lambda: mine in timeline(b, "bob") and
                    mine in timeline(c, "carol")),
           "it reaches bob on B and carol on C")
        r = c.ctl("post", "carol", "We tried that too", "--reply-to", mine)
        reply = r.stdout.strip()
        ok(r.returncode == 0 and "sepsis" not in json.dumps(
            c.get(reply).json().get("cc", [])),
           "carol replies from C without naming the community")
        ok(wait_for(lambda: reply in timeline(b, "bob")),
           "the reply is in the community's thread: bob on B gets it")
        ok(reply in a.get(mine + "/replies?page=true").json().get(
            "orderedItems", []), "and A lists it in the thread")

        # Outsiders are not announced.
        r = a.ctl("post", "dave", "let me in", "--group", "sepsis")
        ok(r.returncode != 0 and "join" in r.stderr,
           "dave, not a member, cannot post into it: %s" %
           r.stderr.strip())
        r = b.ctl("post", "erin", "%s buy my course" % handle(a,
                                                                "sepsis"))
        spam = r.stdout.strip()
        time.sleep(3)
        ok(spam not in timeline(c, "carol") and
           spam not in timeline(a, "alice"),
           "erin on B, not a member, is not announced")
        # Moderators and bans.
        r = a.ctl("group", "mod", "add", "sepsis", "alice")
        mods = a.get("/c/sepsis/moderators").json()
        ok(r.returncode == 0 and mods.get("orderedItems") ==
           [a.base + "/users/alice"] and mods.get("totalItems") == 1,
           "alice is made a moderator: the moderators collection lists "
           "her (%s)" % mods)
        ok(doc.get("attributedTo") == group + "/moderators",
           "the Group points at it")
        bob = b.base + "/users/bob"
        r = a.ctl("group", "ban", "add", "sepsis", bob)
        ok(r.returncode == 0 and
           a.get(group + "/followers").json().get("totalItems") == 2,
           "bob is banned: no longer a member (%s)" % r.stderr.strip())
        r = b.ctl("post", "bob", "%s still here?" % handle(a, "sepsis"))
        banned = r.stdout.strip()
        b.ctl("unfollow", "bob", handle(a, "sepsis"))
        b.ctl("follow", "bob", handle(a, "sepsis"))
        time.sleep(3)
        ok(banned not in timeline(c, "carol") and
           banned not in timeline(a, "alice"),
           "his posts are no longer announced")
        ok(not accepted(b, "bob", group),
           "and his Follow is refused: he cannot join again")
        r = a.ctl("group", "ban", "add", "sepsis", c.host)
        ok(r.returncode == 0, "carol's whole server is banned")
        r = c.ctl("post", "carol", "%s from C" % handle(a, "sepsis"))
        fromc = r.stdout.strip()
        time.sleep(3)
        ok(fromc not in timeline(a, "alice"),
           "posts from that server are not announced")
        r = a.ctl("group", "ban", "remove", "sepsis", c.host)
        r = c.ctl("post", "carol", "%s and now?" % handle(a, "sepsis"))
        again = r.stdout.strip()
        ok(wait_for(lambda: again in timeline(a, "alice")),
           "once the ban is lifted they are again")
        # A closed community: join requests wait for approval.
        r = a.ctl("group", "create", "maternity", "--locked")
        ok(r.returncode == 0, "a closed community on A")
        closed = a.base + "/c/maternity"
        ok(a.get(closed).json().get("manuallyApprovesFollowers") is True,
           "its Group says so")
        c.ctl("follow", "carol", handle(a, "maternity"))
        ok(wait_for(lambda: "(pending)" in a.ctl("followers",
                                                 "maternity").stdout),
           "carol's request waits")
        r = a.ctl("approve", "maternity", c.base + "/users/carol")
        ok(r.returncode == 0, "it is approved (%s)" % r.stderr.strip())
        ok(wait_for(lambda: accepted(c, "carol", closed)),
           "the Accept reaches C: carol is a member")
        out = a.ctl("group", "list").stdout
        rows = {ln.split()[0]: ln.split()[1:3] for ln in
                out.splitlines()[1:] if ln.strip()}
        ok(rows.get("maternity") == ["1", "0"] and "sepsis" in rows,
           "the directory lists both, with members and posts: %s" % rows)
        r = a.ctl("post", "alice", "x", "--group", "nosuch")
        ok(r.returncode != 0 and "no community" in r.stderr,
           "posting into a community that does not exist: %s" %
           r.stderr.strip())
        for h in (a, b, c):
            ok(h.stop() == 0, "hub stops cleanly")
            r = h.ctl("check")
            ok(r.returncode == 0, "and its data checks out %s" %
               (r.stdout + r.stderr)[-300:])


if __name__ == "__main__":
    main()
    done()
