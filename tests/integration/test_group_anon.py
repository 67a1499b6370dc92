"""Anonymous sharing in a community, across two hubs and a scripted remote
follower: a member of A's community submits a post anonymously; it waits
for a moderator, who sees "anonymous member"; once accepted it is the
community's own post and reaches members on A and B and the remote
follower. The author alone can list, edit and delete it. Then every byte
the test was served by A (but the author's own API answers), every body
delivered to the remote follower and both hubs' logs are searched for
the author's name, actor id and key id."""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from hubtest import Hub, done, ok, stop_and_check  # noqa: E402
from test_social import accepted, handle, timeline  # noqa: E402
from test_follow import Eve, Player, wait_for  # noqa: E402
from test_group_forms import delivered  # noqa: E402

SERVED = []  # (what, bytes) of every response not for the author


def keep(what, r):
    SERVED.append((what, r.body))
    return r


def call(h, token, method, path, doc=None, mine=False):
    heads = {"Authorization": "Bearer " + token}
    body = None
    if doc is not None:
        body = json.dumps(doc)
        heads["Content-Type"] = "application/json"
    r = h.request(method, path, body=body, headers=heads)
    if not mine:
        keep("%s %s" % (method, path), r)
    return r


def fetch(h, path, accept="application/activity+json"):
    return keep("GET " + path, h.get(path, accept=accept))


def local_posts(a):
    return fetch(a, "/nodeinfo/2.1", None).json()["usage"]["localPosts"]


def bad_input(a, alice, zed):
    """Refusals: clear 4xx (API) or a message and an exit code (hubctl),
    nothing stored."""
    cases = [
        ("no community", alice, {"anonymous": True, "text": "x"}, 422,
         "community"),
        ("unknown community", alice, {"anonymous": True, "text": "x",
                                      "community": "nosuch"}, 404,
         "no community"),
        ("a non-member", zed, {"anonymous": True, "text": "x",
                               "community": "safety"}, 403, "members"),
        ("empty text", alice, {"anonymous": True, "text": "  ",
                               "community": "safety"}, 422, "empty"),
        ("oversized text", alice, {"anonymous": True, "text": "y" * 5001,
                                   "community": "safety"}, 422, "limit"),
        ("a mention", alice, {"anonymous": True, "text": "hi @dave",
                              "community": "safety"}, 422, "mention"),
        ("direct", alice, {"anonymous": True, "text": "x",
                           "community": "safety",
                           "visibility": "direct"}, 422, "public or"),
        ("a reply", alice, {"anonymous": True, "text": "x",
                            "community": "safety",
                            "in_reply_to": a.base + "/c/safety"}, 422,
         "replies"),
        ("anonymous as text", alice, {"anonymous": "yes", "text": "x",
                                      "community": "safety"}, 422,
         "must be true"),
    ]
    for what, tok, doc, want, says in cases:
        r = call(a, tok, "POST", "/api/hub/notes", doc, mine=True)
        err = r.json().get("error", "") if r.status >= 400 else ""
        ok(r.status == want and says in err,
           "API refuses %s: %d %s" % (what, r.status, err))
    r = a.ctl("post", "alice", "x", "--anonymous")
    ok(r.returncode != 0 and "community" in r.stderr,
       "hubctl: --anonymous needs --group: %s" % r.stderr.strip())
    r = a.ctl("post", "zed", "x", "--group", "safety", "--anonymous")
    ok(r.returncode != 0 and "members" in r.stderr,
       "hubctl: a non-member is refused: %s" % r.stderr.strip())
    r = a.ctl("post", "alice", "", "--group", "safety", "--anonymous")
    ok(r.returncode != 0 and "empty" in r.stderr,
       "hubctl: empty text is refused: %s" % r.stderr.strip())
    ok("no anonymous posts" in a.ctl("anon", "list", "alice").stdout,
       "nothing was stored")
    ok("no posts are waiting" in a.ctl("group", "pending",
                                       "safety").stdout,
       "nothing waits")


def submit(a, alice, dave, maya, admin):
    """Submission: nothing public moves; moderators see no author."""
    posts = local_posts(a)
    outbox = a.get("/users/alice/outbox").json().get("totalItems")
    r = call(a, alice, "POST", "/api/hub/notes",
             {"anonymous": True, "community": "safety",
              "text": "I gave the wrong dose because two vials look "
                      "alike. #MedicationSafety"}, mine=True)
    ok(r.status == 201 and len(r.json().get("handle", "")) == 32,
       "the API takes an anonymous post: %d %s" % (r.status, r.text))
    first = r.json().get("handle", "")
    r = a.ctl("post", "alice", "Handover notes got lost twice",
              "--group", "safety", "--anonymous")
    second = r.stdout.strip()
    ok(r.returncode == 0 and len(second) == 32 and second != first,
       "hubctl takes one too (%s)" % r.stderr.strip())
    ok(local_posts(a) == posts, "NodeInfo localPosts did not move")
    ok(a.get("/users/alice/outbox").json().get("totalItems") == outbox,
       "alice's outbox did not move")
    r = call(a, maya, "GET", "/api/hub/communities/safety/pending")
    items = r.json().get("items", [])
    ok(r.status == 200 and len(items) == 2 and
       all(i.get("author") == "anonymous member" and i.get("anonymous")
           and i.get("object", "").startswith("anonymous:")
           and i.get("held", "").endswith("T00:00:00Z") for i in items),
       "the moderator sees two posts by \"anonymous member\": %s" %
       r.text[:400])
    out = a.ctl("group", "pending", "safety").stdout
    keep("hubctl group pending", type("R", (), {"body": out.encode()}))
    ok("by anonymous member" in out and "two vials" in out,
       "so does hubctl: %s" % out)
    r = call(a, dave, "GET", "/api/hub/communities/safety/pending")
    ok(r.status == 403, "a member may not read the queue (%d)" % r.status)
    mine = call(a, alice, "GET", "/api/hub/anonymous", mine=True).json()
    ok(sorted(i["handle"] for i in mine["items"]) == sorted(
        [first, second]) and all(i["state"] == "waiting"
                                 for i in mine["items"]),
       "alice lists hers, waiting: %s" % mine)
    for who, tok in (("another member", dave), ("a moderator", maya),
                     ("an admin", admin)):
        for path, doc in (("/api/hub/anonymous/edit",
                           {"handle": first, "text": "hijacked"}),
                          ("/api/hub/anonymous/delete", {"handle": first})):
            r = call(a, tok, "POST", path, doc)
            ok(r.status == 404, "%s gets 404 from %s with alice's handle "
               "(%d)" % (who, path, r.status))
    r = call(a, alice, "POST", "/api/hub/anonymous/delete",
             {"handle": "0" * 32}, mine=True)
    r2 = call(a, dave, "POST", "/api/hub/anonymous/delete",
              {"handle": first})
    ok(r.status == 404 and r.json() == r2.json(),
       "the same 404 as for a handle that does not exist: %s" % r.text)
    lst = call(a, dave, "GET", "/api/hub/anonymous").json()
    ok(lst.get("items") == [], "dave's list does not show it")
    by = {i["excerpt"][:6]: i["object"] for i in items}
    return first, second, by


def publish(a, b, m, alice, maya, first, by):
    """The moderator accepts one (and rejects the other): it is the
    community's post, published at the approval time."""
    group = a.base + "/c/safety"
    time.sleep(1.1)
    before = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    r = call(a, maya, "POST", "/api/hub/communities/safety/accept",
             {"object": by["I gave"]})
    ok(r.status == 200, "the moderator accepts (%d %s)" % (r.status,
                                                           r.text))
    r = a.ctl("group", "reject", "safety", by["Handov"])
    ok(r.returncode == 0, "and rejects the other (%s)" % r.stderr.strip())
    ok("no posts are waiting" in a.ctl("group", "pending",
                                       "safety").stdout,
       "the queue is empty")
    mine = {i["handle"]: i for i in call(a, alice, "GET",
                                         "/api/hub/anonymous",
                                         mine=True).json()["items"]}
    url = mine[first].get("url", "")
    ok(mine[first]["state"] == "published" and
       url.startswith(group + "/posts/"),
       "alice sees it published at %s" % url)
    ok([i["state"] for i in mine.values() if i["handle"] != first] ==
       ["rejected"], "and the other rejected")
    note = fetch(a, url).json()
    ok(note.get("attributedTo") == group and note.get("audience") == group
       and "https://www.w3.org/ns/activitystreams#Public" in note.get(
           "to", []) and group + "/followers" in note.get("cc", []),
       "the note is the community's, to Public, cc its followers: %s" %
       json.dumps(note)[:400])
    ok(note.get("published", "") >= before,
       "published at the approval time (%s >= %s)" %
       (note.get("published"), before))
    ok(wait_for(lambda: "two vials" in timeline(a, "dave")),
       "it reaches a member's home timeline on A")
    ok(wait_for(lambda: "two vials" in timeline(b, "bob")),
       "and on B")
    ok(wait_for(lambda: any(d.get("object", {}).get("id") == url
                            for d in delivered("Create")) and
                any(isinstance(d.get("object"), dict) and
                    d["object"].get("object", {}).get("id") == url
                    for d in delivered("Announce"))),
       "the remote follower gets the community's Create and the "
       "Announce of it (its software is not known)")
    items = fetch(a, "/c/safety/outbox?page=true").json().get(
        "orderedItems", [])
    ok(any(i.get("type") == "Create" and i.get("actor") == group and
           i.get("object", {}).get("id") == url for i in items),
       "its Create is in the community's outbox")
    return url


def edit_delete(a, b, alice, url, first):
    r = call(a, alice, "POST", "/api/hub/anonymous/edit",
             {"handle": first, "text": "Two vials look alike: we now "
                                       "store them apart."}, mine=True)
    ok(r.status == 200, "the author edits it (%d %s)" % (r.status, r.text))
    ok(wait_for(lambda: "store them apart" in timeline(b, "bob")),
       "the Update reaches B")
    ok(wait_for(lambda: any(d.get("actor") == a.base + "/c/safety"
                            for d in delivered("Update"))),
       "the remote follower gets the community's Update")
    fetch(a, url)
    fetch(a, url, "text/html")
    r = a.ctl("anon", "delete", "alice", first)
    ok(r.returncode == 0, "the author deletes it (%s)" % r.stderr.strip())
    ok(fetch(a, url).status == 410, "the note is gone (410)")
    ok(wait_for(lambda: "store them apart" not in timeline(b, "bob")),
       "the Delete reaches B")
    ok(wait_for(lambda: any(d.get("actor") == a.base + "/c/safety"
                            for d in delivered("Delete"))),
       "and the remote follower")
    r = a.ctl("anon", "edit", "alice", first, "again")
    ok(r.returncode != 0 and "no anonymous post" in r.stderr,
       "it is forgotten: %s" % r.stderr.strip())


def moderator_removal(a, b, alice, maya):
    """Moderators remove an anonymous post like any other."""
    a.ctl("post", "alice", "Alarms were silenced on ward 3", "--group",
          "safety", "--anonymous")
    items = call(a, maya, "GET",
                 "/api/hub/communities/safety/pending").json()["items"]
    a.ctl("group", "accept", "safety", items[0]["object"])
    url = [i for i in call(a, alice, "GET", "/api/hub/anonymous",
                           mine=True).json()["items"]
           if i["state"] == "published"][0]["url"]
    ok(wait_for(lambda: "silenced on ward 3" in timeline(b, "bob")),
       "another anonymous post reaches B")
    r = a.ctl("group", "remove", "safety", url)
    ok(r.returncode == 0, "a moderator removes it (%s)" % r.stderr.strip())
    ok(fetch(a, url).status == 410, "it is gone")
    ok(wait_for(lambda: "silenced on ward 3" not in timeline(b, "bob")),
       "from B too")
    mine = call(a, alice, "GET", "/api/hub/anonymous", mine=True).json()
    ok(any(i["state"] == "removed" for i in mine["items"]),
       "alice sees it removed")


def no_trace(a, b, secrets):
    """Not one served byte, delivered body or log line names alice."""
    for path in ("/c/safety", "/c/safety/outbox", "/c/safety/followers",
                 "/c/safety/moderators", "/users/maya", "/users/dave",
                 "/users/maya/outbox", "/tags/medicationsafety"):
        fetch(a, path)
    fetch(a, "/c/safety", "text/html")
    fetch(a, "/tags/medicationsafety", "text/html")
    bodies = SERVED + [("delivered to the remote follower", body)
                       for _, _, body in list(Eve.inbox)]
    # The test itself read alice's public outbox (to see it did not
    # move): those access-log lines are its own, not the hub's words.
    own = "GET /users/alice/outbox "
    log_a = "\n".join(line for line in a.read_log().splitlines()
                       if own not in line)
    bodies += [("hubd log of A", log_a.encode()),
               ("hubd log of B", b.read_log().encode())]
    leaks = [(what, s) for what, body in bodies for s in secrets
             if s.encode() in body]
    ok(not leaks, "%d responses, bodies and logs searched; none names "
       "the author: %s" % (len(bodies), leaks[:5]))
    ok(len(SERVED) > 30 and len(Eve.inbox) > 3,
       "the search covered %d responses and %d deliveries" %
       (len(SERVED), len(Eve.inbox)))


def main():
    with Hub() as a, Hub() as b:
        a.add_user("ada", "--role", "admin")
        for name in ("maya", "dave", "alice", "zed"):
            a.add_user(name)
        b.add_user("bob")
        tok = {n: a.ctl("token", n).stdout.strip()
               for n in ("ada", "maya", "dave", "alice", "zed")}
        a.ctl("group", "create", "safety", "--title", "Safety")
        a.start()
        b.start()
        group = a.base + "/c/safety"
        m = Player("rita")
        st, _ = m.post(group + "/inbox", m.activity("Follow", group))
        ok(st == 202, "a remote actor follows the community")
        for h, name in ((a, "maya"), (a, "dave"), (a, "alice"),
                        (b, "bob")):
            h.ctl("follow", name, handle(a, "safety"))
        ok(wait_for(lambda: accepted(b, "bob", group) and
                    accepted(a, "alice", group) and
                    accepted(a, "dave", group)),
           "members join it from A and B")
        a.ctl("group", "mod", "add", "safety", "maya")
        bad_input(a, tok["alice"], tok["zed"])
        first, second, by = submit(a, tok["alice"], tok["dave"],
                                   tok["maya"], tok["ada"])
        url = publish(a, b, m, tok["alice"], tok["maya"], first, by)
        for who in ("dave", "maya"):
            call(a, tok[who], "GET", "/api/hub/timeline")
            call(a, tok[who], "GET", "/api/hub/notifications")
        fetch(a, url, "text/html")
        edit_delete(a, b, tok["alice"], url, first)
        moderator_removal(a, b, tok["alice"], tok["maya"])
        alice = a.base + "/users/alice"
        no_trace(a, b, ["alice", alice, alice + "#main-key"])
        stop_and_check(a, b)


if __name__ == "__main__":
    main()
    done()
