"""Replies, mentions and direct notes, likes, boosts, edits, notifications
and reports, across three real hubs (A, B, C) and a scripted remote actor
("mallory", served by the test_follow players) for what hubs do not send
themselves (Flag, actor Delete)."""
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from hubtest import Hub, diag, done, ok  # noqa: E402
from test_follow import Eve, Player, wait_for  # noqa: E402


def handle(h, name):
    return "@%s@%s" % (name, h.host)


def api(h, token, path, doc):
    body = json.dumps(doc)
    return h.request("POST", path, body=body, headers={
        "Content-Type": "application/json",
        "Authorization": "Bearer " + token})


def api_get(h, token, path):
    return h.request("GET", path, headers={"Authorization": "Bearer " +
                                           token})


def timeline(h, name):
    return h.ctl("timeline", name).stdout


def notes_of(h, name):
    return h.ctl("notifications", name).stdout


def follow(h, name, other, other_name):
    r = h.ctl("follow", name, handle(other, other_name))
    ok(r.returncode == 0, "%s follows %s (%s)" % (name, other_name,
                                                 r.stderr.strip()))


def accepted(h, name, target):
    """name follows target, accepted (not "(pending)")."""
    return any(line.split()[:1] == [target] and "pending" not in line
               for line in h.ctl("following", name).stdout.splitlines())


def total(h, url):
    r = h.get(url)
    return r.json().get("totalItems") if r.status == 200 else None


def main():
    with Hub() as a, Hub() as b, Hub() as c:
        a.add_user("alice")
        b.add_user("bob")
        c.add_user("carol")
        for h in (a, b, c):
            h.start()
        alice = a.base + "/users/alice"
        bob = b.base + "/users/bob"
        carol = c.base + "/users/carol"
        tb = b.ctl("token", "bob").stdout.strip()
        ta = a.ctl("token", "alice").stdout.strip()

        # Who follows whom: bob and carol follow alice; carol follows bob.
        follow(b, "bob", a, "alice")
        follow(c, "carol", a, "alice")
        follow(c, "carol", b, "bob")
        ok(wait_for(lambda: accepted(b, "bob", alice) and
                    accepted(c, "carol", alice) and
                    accepted(c, "carol", bob)),
           "the follows are accepted")
        ok(wait_for(lambda: "follow" in notes_of(a, "alice") and
                    carol in notes_of(a, "alice")),
           "alice is told of her new followers: %s" % notes_of(a, "alice"))

        # A note, a reply from another hub, a reply to that from a third.
        note = a.post("alice", "What we learned from a missed #sepsis "
                      "screen")
        ok(wait_for(lambda: note in timeline(b, "bob") and
                    note in timeline(c, "carol")),
           "alice's note reaches B and C")
        r = api(b, tb, "/api/hub/notes", {
            "text": "%s we now screen at triage" % handle(a, "alice"),
            "in_reply_to": note})
        ok(r.status == 201, "bob replies through the API (%d %s)" %
           (r.status, r.body[:200]))
        reply = r.json().get("id", "")
        doc = b.get(reply).json()
        ok(doc.get("inReplyTo") == note, "the reply points at the note")
        ok(alice in doc.get("cc", []) and
           any(t.get("type") == "Mention" and t.get("href") == alice
               for t in doc.get("tag", [])),
           "the author replied to is addressed and mentioned: %s %s" %
           (doc.get("cc"), doc.get("tag")))
        ok('class="u-url mention"' in doc.get("content", ""),
           "the mention is linked in the content")
        ok(wait_for(lambda: "reply" in notes_of(a, "alice")),
           "alice is told of the reply: %s" % notes_of(a, "alice"))
        replies = a.get(note + "/replies?page=true").json()
        ok(replies.get("orderedItems") == [reply],
           "the note's replies collection on A lists bob's reply: %s" %
           replies)
        ok(total(a, note + "/replies") == 1, "and counts it")
        ok(wait_for(lambda: reply in timeline(c, "carol")),
           "carol, who follows bob, gets the reply")
        deep = c.post("carol", "%s agreed, and we audit it weekly" %
                      handle(b, "bob"), "--reply-to", reply)
        ok(wait_for(lambda: "reply" in notes_of(b, "bob") and
                    deep in notes_of(b, "bob")),
           "bob is told of carol's reply: %s" % notes_of(b, "bob"))
        ok(wait_for(lambda: b.get(reply + "/replies?page=true").json()
                    .get("orderedItems") == [deep]),
           "the thread continues on B: the reply's replies list carol's")
        r = b.ctl("post", "bob", "hello", "--reply-to",
                  a.base + "/users/alice/statuses/1")
        ok(r.returncode != 0 and "not known" in r.stderr,
           "a reply to a note not known here is refused: %s" % r.stderr)

        # A direct note: only the one mentioned gets it.
        r = a.ctl("post", "alice", "%s can we talk about the case?" %
                  handle(b, "bob"), "--visibility", "direct")
        ok(r.returncode == 0, "alice sends bob a direct note (%s)" %
           r.stderr.strip())
        dm = r.stdout.strip()
        dmdoc = a.ctl("timeline", "alice").stdout
        ok(dm in dmdoc, "it is in alice's own timeline")
        ok(wait_for(lambda: dm in timeline(b, "bob") and
                    "mention" in notes_of(b, "bob")),
           "bob gets it, with a mention notification")
        time.sleep(0.5)
        ok(dm not in timeline(c, "carol"),
           "carol, a follower of alice, does not get it")
        ok(a.get(dm).status == 404, "and it is not served to anyone "
           "unsigned")
        r = a.ctl("post", "alice", "nobody to tell", "--visibility",
                  "direct")
        ok(r.returncode != 0 and "mention" in r.stderr,
           "a direct note with nobody mentioned is refused: %s" %
           r.stderr.strip())

        # Likes and boosts, with their undo.
        r = api(b, tb, "/api/hub/like", {"id": note})
        ok(r.status == 200 and r.json().get("changed") is True,
           "bob likes alice's note (%d %s)" % (r.status, r.body[:200]))
        ok(wait_for(lambda: total(a, note + "/likes") == 1),
           "A counts the like")
        ok("like" in notes_of(a, "alice"), "alice is told of the like")
        r = api(b, tb, "/api/hub/like", {"id": note})
        ok(r.status == 200 and r.json().get("changed") is False,
           "liking twice changes nothing")
        r = c.ctl("boost", "carol", note)
        ok(r.returncode == 0, "carol boosts it (%s)" % r.stderr.strip())
        ok(wait_for(lambda: total(a, note + "/shares") == 1),
           "A counts the boost")
        ok("boost" in notes_of(a, "alice"), "alice is told of the boost")
        outbox = c.get("/users/carol/outbox?page=true").json()
        ok(any(i.get("type") == "Announce" and i.get("object") == note
               for i in outbox.get("orderedItems", [])),
           "the boost is in carol's outbox")
        r = api(b, tb, "/api/hub/unlike", {"id": note})
        ok(r.status == 200, "bob takes his like back")
        ok(wait_for(lambda: total(a, note + "/likes") == 0),
           "A no longer counts it")
        r = c.ctl("unboost", "carol", note)
        ok(r.returncode == 0 and
           wait_for(lambda: total(a, note + "/shares") == 0),
           "carol's boost is undone on A too")
        # A boost of a note the booster's followers' hub has never seen:
        # that hub fetches it (signed) from its author's hub.
        a.add_user("erin")
        follow(c, "carol", a, "erin")
        follow(b, "bob", c, "carol")
        ok(wait_for(lambda: accepted(c, "carol", a.base + "/users/erin")
                    and accepted(b, "bob", carol)),
           "carol follows erin, bob follows carol")
        fresh = a.post("erin", "Handover checklists cut our errors")
        ok(wait_for(lambda: fresh in timeline(c, "carol")),
           "erin's note reaches carol")
        ok(fresh not in timeline(b, "bob"), "B has not seen it")
        r = c.ctl("boost", "carol", fresh)
        ok(r.returncode == 0 and wait_for(lambda: fresh in timeline(b, "bob")),
           "carol boosts it: B fetches it and bob sees it (%s)" %
           r.stderr.strip())
        ok(wait_for(lambda: total(a, fresh + "/shares") == 1),
           "A counts the boost")
        # A reply whose thread a hub has never seen: that hub fetches
        # the thread upwards (here two notes) from where it lives.
        c.add_user("finn")
        follow(a, "alice", c, "finn")
        ok(wait_for(lambda: accepted(a, "alice", c.base + "/users/finn")),
           "alice follows finn on C")
        top = c.post("finn", "Our falls audit, part 1")
        mid = c.post("finn", "Part 2: what changed", "--reply-to", top)
        ok(wait_for(lambda: mid in timeline(a, "alice")),
           "finn's thread reaches A")
        r = api(b, tb, "/api/hub/like", {"id": top})
        ok(r.status == 404, "B does not know finn's thread yet (%d)" %
           r.status)
        ans = a.post("alice", "@finn@%s thank you" % c.host, "--reply-to",
                     mid)
        ok(wait_for(lambda: ans in timeline(b, "bob")),
           "alice's answer reaches bob on B")
        ok(wait_for(lambda: api(b, tb, "/api/hub/like", {"id": top})
                    .status == 200),
           "B fetched the thread up to its first note: bob can like it")
        r = api(b, tb, "/api/hub/like", {"id": mid})
        ok(r.status == 200, "and the note between (%d)" % r.status)
        r = api(b, tb, "/api/hub/boost", {"id": dm})
        ok(r.status == 403, "a direct note cannot be boosted (%d)" %
           r.status)
        r = a.ctl("delete", dm)
        ok(r.returncode == 0 and
           wait_for(lambda: dm not in timeline(b, "bob")),
           "alice deletes her direct note: the Delete reaches bob too")
        r = api(b, tb, "/api/hub/like", {"id": "http://127.0.0.1:9/x"})
        ok(r.status == 404, "liking an unknown note: 404 (%d %s)" %
           (r.status, r.body[:120]))

        # An edit reaches those who got the note.
        r = api(a, ta, "/api/hub/edit", {
            "id": note, "text": "What we learned from a missed #sepsis "
            "screen (corrected)"})
        ok(r.status == 201, "alice edits her note (%d %s)" %
           (r.status, r.body[:200]))
        doc = a.get(note).json()
        ok("corrected" in doc.get("content", "") and "updated" in doc,
           "the note carries its new text and \"updated\"")
        ok(wait_for(lambda: "corrected" in timeline(b, "bob") and
                    "corrected" in timeline(c, "carol")),
           "the edit reaches B and C")
        r = api(b, tb, "/api/hub/edit", {"id": note, "text": "mine now"})
        ok(r.status == 403, "bob cannot edit alice's note (%d)" % r.status)

        # Follow and unfollow through the API.
        r = api(a, ta, "/api/hub/follow", {"account": handle(c, "carol")})
        ok(r.status == 200, "alice follows carol through the API (%d %s)"
           % (r.status, r.body[:200]))
        ok(wait_for(lambda: accepted(a, "alice", carol)),
           "and carol's hub accepts")
        r = api(a, ta, "/api/hub/unfollow", {"account": carol})
        ok(r.status == 200 and
           wait_for(lambda: "alice" not in c.ctl("followers",
                                                  "carol").stdout),
           "alice unfollows carol: C drops the follower")
        r = api_get(a, ta, "/api/hub/notifications")
        kinds = [n.get("type") for n in r.json().get("items", [])]
        ok(r.status == 200 and {"follow", "reply", "like", "boost"} <=
           set(kinds), "alice's notifications through the API: %s" % kinds)
        r = api(a, ta, "/api/hub/like", {"nope": 1})
        ok(r.status == 422, "an API call without its field: 422")
        r = api(a, ta, "/api/hub/frobnicate", {"id": note})
        ok(r.status == 404, "an unknown API call: 404")

        reports_and_deletion(a, ta, note)
        for h in (a, b, c):
            ok(h.stop() == 0, "hub stops cleanly")
            r = h.ctl("check")
            ok(r.returncode == 0, "and its data checks out %s" %
               (r.stdout + r.stderr)[-600:])


def reports_and_deletion(a, ta, note):
    """A scripted remote actor reports a note, then deletes itself."""
    m = Player("mallory")
    inbox = a.base + "/inbox"
    alice = a.base + "/users/alice"
    # Eight requests at once from an actor not known yet: one fetch of
    # her document serves them all (coalesced key fetches).
    docs = [m.activity("Like", note) for _ in range(8)]
    gets, results = Eve.gets, []
    threads = [threading.Thread(target=lambda d=d: results.append(
        m.post(inbox, d))) for d in docs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    bodies = [r[1][:100] for r in results if r[0] != 202]
    results = [r[0] for r in results]
    ok(results == [202] * 8 and Eve.gets - gets == 1,
       "8 requests from a new actor at once: all taken, her document "
       "fetched once (%s, %d fetches) %s" % (results, Eve.gets - gets,
                                            bodies[:1]))
    for d in docs:
        m.post(inbox, m.activity("Undo", d))
    st, body = m.post(inbox, m.activity("Flag", [alice, note],
                                        content="<b>spam</b> please look"))
    ok(st == 202, "a Flag is taken (%d %s)" % (st, body[:200]))
    out = a.ctl("reports").stdout
    ok(alice in out and note in out and m.iri in out and
       "spam please look" in out, "the report is kept for moderators: %s"
       % out)
    st, body = m.post(inbox, m.activity("Flag", "http://127.0.0.1:9/x"))
    ok(st == 202 and a.ctl("reports").stdout.count("from") == 1,
       "a Flag about nobody here is not kept")
    st, body = m.post(inbox, m.activity(
        "Flag", [alice, "http://x.example/\u001b[2Jwiped"],
        content="\u001b]0;owned\u0007"))
    out = a.ctl("reports").stdout
    ok(st == 202 and "\x1b" not in out and "\x07" not in out and
       "?[2Jwiped" in out,
       "control characters in a report never reach the terminal")
    st, body = m.post(inbox, m.activity("Like", note))
    ok(st == 202 and total(a, note + "/likes") == 1,
       "a remote Like is counted")
    like = m.activity("Like", note)
    st, _ = m.post(inbox, like)
    ok(st == 202 and total(a, note + "/likes") == 1,
       "a second Like by the same actor is not")
    st, body = m.post(inbox, m.activity("Undo", {"id": like["id"],
                                                 "type": "Like",
                                                 "actor": m.iri + "x",
                                                 "object": note}))
    ok(st == 403, "an Undo of someone else's Like is refused (%d)" % st)
    # Hostile input aimed at the new handlers: refused, nothing stored.
    def stored():
        """hubctl check's counts, but the ids of activities seen (a
        taken, ignored activity is remembered as seen)."""
        return [w for w in a.ctl("check").stdout.splitlines()
                if not w.strip().startswith("seen")]
    before = stored()
    shell = json.dumps(m.activity("Create", "@"))
    deep = shell.replace('"@"', '{"type": "Note", "object": ' * 3000 +
                         '"x"' + "}" * 3000).encode()
    for what, doc, want in [
        ("a Delete of alice's note", m.activity(
            "Delete", note), (403,)),
        ("an Update of alice's note", m.activity("Update", {
            "id": note, "type": "Note", "attributedTo": alice,
            "content": "mine"}), (202, 403, 422)),
        ("a Create attributed to alice", m.activity("Create", {
            "id": m.iri + "/statuses/9", "type": "Note",
            "attributedTo": alice, "content": "x"}), (422,)),
        ("a Like with an object list", m.activity("Like", [note, note]),
         (202, 422)),
        ("3,000 nested objects", deep, (400, 422)),
        ("a body over 1 MiB", json.dumps(m.activity("Create", {
            "id": m.iri + "/statuses/10", "type": "Note",
            "attributedTo": m.iri, "content": "x" * (1 << 20)})).encode(),
         (413,)),
    ]:
        st, body = m.post(inbox, doc)
        ok(st in want, "%s: %s (got %d %s)" % (what, want, st, body[:120]))
    ok(a.get(note).json().get("content", "").startswith("<p>What"),
       "alice's note is untouched")
    ok(stored() == before, "nothing was stored")
    st, body = m.post(a.base + "/users/alice/inbox",
                      m.activity("Follow", alice))
    ok(st == 202, "mallory follows alice")
    me = {"id": m.iri, "type": "Person", "preferredUsername": "mal",
          "name": "Mal", "inbox": m.iri + "/inbox",
          "publicKey": {"id": m.iri + "#main-key", "owner": m.iri,
                        "publicKeyPem": Eve.pems["mallory"]}}
    st, body = m.post(inbox, m.activity("Update", me))
    ok(st == 202, "mallory updates her profile (%d %s)" % (st, body[:200]))
    r = api_get(a, ta, "/api/hub/notifications")
    names = [n.get("account", {}).get("preferredUsername")
             for n in r.json().get("items", [])
             if n.get("account", {}).get("id") == m.iri]
    ok(names and set(names) == {"mal"},
       "the hub keeps her new profile: %s" % names)
    st, body = m.post(inbox, m.activity("Update", dict(me, id=alice)))
    doc = a.get(alice).json()
    ok(doc.get("preferredUsername") == "alice" and "inbox" in doc and
       doc["inbox"].startswith(a.base),
       "an Update of someone else's actor is not applied (%d %s)" %
       (st, body[:120]))
    st, body = m.post(inbox, m.activity("Delete", m.iri,
                                        to=["https://www.w3.org/ns/"
                                            "activitystreams#Public"]))
    ok(st == 202, "mallory deletes herself (%d %s)" % (st, body[:200]))
    ok(m.iri not in a.ctl("followers", "alice").stdout,
       "and no longer follows alice")
    st, body = m.post(inbox, m.activity("Like", note))
    ok(st == 403, "nothing more is taken from a deleted actor (%d)" % st)
    diag("mallory done")
    del Eve.pems["mallory"]


if __name__ == "__main__":
    main()
    Player.srv.shutdown()
    done()
