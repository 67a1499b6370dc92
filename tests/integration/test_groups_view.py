"""Communities as members see them, and their moderation through the API,
across three hubs: the directory, the communities a member joined, a
community's timeline; removal, bans, moderators and join requests for
moderators and admins; a removal reaching hubs as Announce{Delete} and
an edit passed on as Announce{Update}; bad input refused kindly."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from hubtest import Hub, done, ok, stop_and_check  # noqa: E402
from test_social import accepted, api, api_get, handle  # noqa: E402
from test_social import timeline  # noqa: E402
from test_follow import Eve, Player, wait_for  # noqa: E402
from test_group_forms import delivered  # noqa: E402


def err(r):
    doc = r.json()
    return doc.get("error", "") if isinstance(doc, dict) else ""


def forms(h, host):
    return "".join(line for line in h.ctl("instances").stdout.splitlines()
                   if line.split()[:1] == [host])


def directory(a, dave):
    r = api_get(a, dave, "/api/hub/communities")
    items = r.json().get("items", []) if r.status == 200 else []
    ok([i.get("name") for i in items] == ["news", "quality", "sepsis"],
       "the directory lists the communities newest first: %s" %
       r.text[:300])
    sep = [i for i in items if i.get("name") == "sepsis"]
    ok(sep and sep[0].get("id") == a.base + "/c/sepsis" and
       sep[0].get("title") == "Sepsis" and
       sep[0].get("summary") == "Learning about sepsis" and
       sep[0].get("members") == 5 and sep[0].get("locked") is False,
       "with id, title, summary and accepted members: %s" % sep)
    flags = {i.get("name"): (i.get("locked"), i.get("moderated"),
                             i.get("restricted")) for i in items}
    ok(flags.get("quality") == (True, False, False) and
       flags.get("news") == (False, False, True),
       "and the flags of each: %s" % flags)
    r = api_get(a, dave, "/api/hub/communities?order=name&limit=2")
    page = r.json() if r.status == 200 else {}
    names = [i.get("name") for i in page.get("items", [])]
    ok(names == ["news", "quality"] and page.get("next"),
       "by name, two at a time: %s" % r.text[:300])
    r = api_get(a, dave, page.get("next", "/"))
    page = r.json() if r.status == 200 else {}
    ok([i.get("name") for i in page.get("items", [])] == ["sepsis"] and
       "next" not in page, "the next page ends it: %s" % r.text[:300])
    r = api_get(a, dave, "/api/hub/communities?limit=1&after=news")
    ok(r.status == 200 and [i.get("name") for i in r.json()["items"]] ==
       ["quality"], "newest first, after one (%s)" % r.text[:200])
    for q, says in (("limit=0", "limit"), ("limit=abc", "limit"),
                    ("limit=101", "limit"), ("order=size", "order"),
                    ("after=nosuch", "next")):
        r = api_get(a, dave, "/api/hub/communities?" + q)
        ok(r.status == 400 and says in err(r),
           "?%s is refused: %d %s" % (q, r.status, err(r)))
    r = a.request("GET", "/api/hub/communities")
    ok(r.status == 401 and "sign in" in err(r),
       "without a token: %d %s" % (r.status, err(r)))
    out = a.ctl("group", "list").stdout.splitlines()
    rows = {line.split()[0]: line.split()[1] for line in out[1:]}
    ok(rows == {"news": "0", "quality": "0", "sepsis": "5"} and
       "locked" in out[2] and "restricted" in out[1],
       "hubctl group list shows the same: %s" % out)


def joined(a, b, dave, bobt):
    r = api_get(b, bobt, "/api/hub/communities/joined")
    items = r.json().get("items", []) if r.status == 200 else []
    ok(len(items) == 1 and items[0].get("id") == a.base + "/c/sepsis" and
       items[0].get("state") == "accepted" and
       items[0].get("local") is False and
       items[0].get("handle") == handle(a, "sepsis"),
       "bob on B has joined sepsis on A: %s" % r.text[:300])
    a.ctl("follow", "dave", handle(a, "quality"))
    r = api_get(a, dave, "/api/hub/communities/joined")
    states = {i.get("name"): i.get("state")
              for i in r.json().get("items", [])}
    ok(states == {"sepsis": "accepted", "quality": "pending"},
       "dave's joins, one waiting for approval: %s" % states)
    out = a.ctl("group", "joined", "dave").stdout
    ok(handle(a, "quality") in out and "pending" in out and
       "accepted" in out, "hubctl group joined: %s" % out)
    r = a.ctl("group", "joined", "nobody")
    ok(r.returncode == 3 and "no member" in r.stderr,
       "of someone unknown: %s" % r.stderr.strip())


def posts(a, b, c, dave, bobt):
    """Posts into sepsis from A and B; a reply from C."""
    r = b.ctl("post", "bob", "%s screening at triage" %
              handle(a, "sepsis"))
    bobs = r.stdout.strip()
    ok(wait_for(lambda: bobs in timeline(a, "dave")),
       "bob posts into it from B")
    r = a.ctl("post", "dave", "Lactate within the hour", "--group",
              "sepsis")
    daves = r.stdout.strip()
    ok(wait_for(lambda: bobs in timeline(c, "carol") and
                daves in timeline(c, "carol") and
                daves in timeline(b, "bob")),
       "the community passes both on to B and C")
    r = c.ctl("post", "carol", "We do that too", "--reply-to", daves)
    reply = r.stdout.strip()
    ok(wait_for(lambda: reply in timeline(a, "dave")),
       "carol replies from C")
    r = api_get(a, dave, "/api/hub/communities/sepsis/timeline")
    items = r.json().get("items", []) if r.status == 200 else []
    ok([i.get("id") for i in items] == [reply, daves, bobs],
       "the community's timeline, newest first, the reply in its "
       "thread too: %s" % r.text[:400])
    it = items[1] if len(items) > 1 else {}
    ok(it.get("author", {}).get("id") == a.base + "/users/dave" and
       it.get("published") and "Lactate" in it.get("content", "") and
       it.get("excerpt") == "Lactate within the hour" and
       it.get("replies_count") == 1,
       "each with author, time, content, excerpt, replies: %s" % it)
    r = api_get(a, dave, "/api/hub/communities/sepsis/timeline?limit=2")
    nxt = r.json().get("next", "/") if r.status == 200 else "/"
    r = api_get(a, dave, nxt)
    ok(r.status == 200 and [i.get("id") for i in r.json()["items"]] ==
       [bobs] and "next" not in r.json(),
       "paged: %s -> %s" % (nxt, r.text[:200]))
    r = api_get(b, bobt, "/api/hub/communities/sepsis/timeline")
    ok(r.status == 404 and "no community" in err(r),
       "a community of another hub: %d %s" % (r.status, err(r)))
    for path, want in (("/api/hub/communities/nosuch/timeline", 404),
                       ("/api/hub/communities/dave/timeline", 404),
                       ("/api/hub/communities/sepsis/timeline?max_id=x",
                        400)):
        r = api_get(a, dave, path)
        ok(r.status == want and err(r), "%s: %d %s" % (path, r.status,
                                                      err(r)))
    out = a.ctl("group", "timeline", "sepsis").stdout
    ok(-1 < out.find(reply) < out.find(daves) < out.find(bobs) and
       "1 replies" in out and
       "Lactate within the hour" in out,
       "hubctl group timeline: %s" % out)
    return bobs, daves


def moderators(a, admin, maya, dave):
    cases = [
        ("a member adds a moderator", dave, "sepsis", {"add": "maya"},
         403, "admins"),
        ("no key", admin, "sepsis", {}, 422, "\"add\""),
        ("both keys", admin, "sepsis", {"add": "maya", "remove": "dave"},
         422, "\"remove\""),
        ("a number", admin, "sepsis", {"add": 3}, 422, "a member"),
        ("someone unknown", admin, "sepsis", {"add": "nobody"}, 404,
         "no one called"),
        ("an unknown community", admin, "nosuch", {"add": "maya"}, 404,
         "no community"),
    ]
    for what, tok, g, doc, want, says in cases:
        r = api(a, tok, "/api/hub/communities/%s/mods" % g, doc)
        ok(r.status == want and says in err(r),
           "mods: %s -> %d %s" % (what, r.status, err(r)))
    r = api(a, admin, "/api/hub/communities/sepsis/mods", {"add": "maya"})
    ok(r.status == 200 and r.json().get("community") == "sepsis",
       "an admin makes maya a moderator (%d %s)" % (r.status, r.text))
    ok(a.get("/c/sepsis/moderators").json().get("orderedItems") ==
       [a.base + "/users/maya"], "she is listed")
    r = api(a, maya, "/api/hub/communities/sepsis/mods", {"add": "dave"})
    ok(r.status == 403 and "admins" in err(r),
       "a moderator may not choose moderators (%d)" % r.status)
    r = a.request("POST", "/api/hub/communities/sepsis/ban",
                  body="{not json", headers={
                      "Content-Type": "application/json",
                      "Authorization": "Bearer " + maya})
    ok(r.status == 400 and "not valid JSON" in err(r),
       "a body that is not JSON: %s" % err(r))
    r = api(a, maya, "/api/hub/communities/sepsis/ban", ["x"])
    ok(r.status == 422 and "JSON object" in err(r),
       "a body that is not an object: %s" % err(r))
    r = a.request("POST", "/api/hub/communities/sepsis/ban", body="{}",
                  headers={"Content-Type": "text/plain",
                           "Authorization": "Bearer " + maya})
    ok(r.status == 415, "not sent as JSON (%d)" % r.status)


def removal(a, b, c, maya, dave, daves, bobs):
    ok(wait_for(lambda: "FEP-1b12" in forms(a, b.host) and
                "FEP-1b12" in forms(a, c.host)),
       "A knows B and C as hubs: %s" % forms(a, b.host))
    ok("microblog" in forms(a, Eve.base.split("/")[2]),
       "and the scripted server as Mastodon-like: %s" %
       forms(a, Eve.base.split("/")[2]))
    for what, tok, g, doc, want, says in [
            ("a member", dave, "sepsis", {"object": daves}, 403,
             "moderators"),
            ("no object", maya, "sepsis", {"obj": daves}, 422, "object"),
            ("a list", maya, "sepsis", {"object": [daves]}, 422, "URL"),
            ("a post not in it", maya, "sepsis",
             {"object": a.base + "/users/dave"}, 404, "not in"),
            ("an unknown community", maya, "nosuch", {"object": daves},
             404, "no community")]:
        r = api(a, tok, "/api/hub/communities/%s/remove" % g, doc)
        ok(r.status == want and says in err(r),
           "remove: %s -> %d %s" % (what, r.status, err(r)))
    ok(daves in timeline(b, "bob") and daves in timeline(c, "carol"),
       "refused removals changed nothing")
    r = api(a, maya, "/api/hub/communities/sepsis/remove",
            {"object": daves})
    ok(r.status == 200 and r.json().get("done") == "removed",
       "the moderator removes dave's post (%d %s)" % (r.status, r.text))
    ok(wait_for(lambda: daves not in timeline(b, "bob") and
                daves not in timeline(c, "carol")),
       "it leaves the timelines on B and C (Announce{Delete})")
    group = a.base + "/c/sepsis"
    ok(wait_for(lambda: any(
        u.get("actor") == group and
        u.get("object", {}).get("object") == daves
        for u in delivered("Undo"))),
       "the Mastodon-like server gets the Undo of the boost")
    time.sleep(1)
    dels = [d for d in delivered("Announce")
            if isinstance(d.get("object"), dict) and
            d["object"].get("type") == "Delete"]
    ok(not dels, "and not the Announce{Delete}: %s" % dels)
    sent = a.get("/c/sepsis/outbox?page=true").json().get(
        "orderedItems", [])
    ok(daves not in [i.get("object") for i in sent] and
       bobs in [i.get("object") for i in sent],
       "and the community's outbox")
    ok(daves not in a.ctl("group", "timeline", "sepsis").stdout,
       "and its timeline")
    ok(a.get(daves).status == 200 and daves in timeline(a, "dave"),
       "the note stays dave's")


def bans(a, c, maya, dave, admin):
    carol = c.base + "/users/carol"
    for what, doc, want, says in [
            ("both", {"actor": carol, "host": c.host}, 422, "\"host\""),
            ("a bad host", {"host": "a/b"}, 422, "server's name"),
            ("an empty actor", {"actor": ""}, 422, "\"actor\""),
            ("someone unknown", {"actor": "nobody"}, 404, "no one"),
            ("an unknown URL", {"actor": c.base + "/users/zed"}, 404,
             "no one")]:
        r = api(a, maya, "/api/hub/communities/sepsis/ban", doc)
        ok(r.status == want and says in err(r),
           "ban: %s -> %d %s" % (what, r.status, err(r)))
    r = api(a, dave, "/api/hub/communities/sepsis/ban", {"actor": carol})
    ok(r.status == 403, "a member may not ban (%d)" % r.status)
    ok(carol in a.get("/c/sepsis/followers?page=true").text,
       "refused bans stored nothing: carol is still a member")
    r = api(a, maya, "/api/hub/communities/sepsis/ban",
            {"actor": handle(c, "carol")})
    ok(r.status == 200, "a moderator bans @carol@C (%d %s)" %
       (r.status, r.text))
    ok(carol not in a.get("/c/sepsis/followers?page=true").text,
       "which ends her membership")
    r = api(a, maya, "/api/hub/communities/sepsis/ban", {"host": c.host})
    ok(r.status == 200, "and bans C (%d %s)" % (r.status, r.text))
    for doc in ({"actor": carol}, {"host": c.host}):
        r = api(a, admin, "/api/hub/communities/sepsis/unban", doc)
        ok(r.status == 200 and r.json().get("done") == "unbanned",
           "an admin lifts it (%d %s)" % (r.status, r.text))


def approvals(a, maya, admin, dave):
    dave_iri = a.base + "/users/dave"
    r = api(a, maya, "/api/hub/communities/quality/approve",
            {"actor": dave_iri})
    ok(r.status == 403, "maya does not moderate quality (%d)" % r.status)
    r = api(a, admin, "/api/hub/communities/quality/deny",
            {"actor": a.base + "/users/maya"})
    ok(r.status == 404 and "no follow request" in err(r),
       "no request to deny: %s" % err(r))
    r = api(a, admin, "/api/hub/communities/quality/approve",
            {"account": dave_iri})
    ok(r.status == 422 and "\"actor\"" in err(r), "a wrong key: %s" % err(r))
    r = api(a, admin, "/api/hub/communities/quality/approve",
            {"actor": dave_iri})
    ok(r.status == 200, "an admin approves dave (%d %s)" % (r.status,
                                                            r.text))
    ok(wait_for(lambda: accepted(a, "dave", a.base + "/c/quality")),
       "and he is a member")
    r = api(a, admin, "/api/hub/communities/quality/nosuch", {"x": 1})
    ok(r.status == 404, "an unknown call (%d)" % r.status)


def edits(a, b, c, bobs):
    r = b.ctl("edit", "bob", bobs, "%s screening at triage and on wards"
              % handle(a, "sepsis"))
    ok(r.returncode == 0, "bob edits his post on B (%s)" % r.stderr.strip())
    ok(wait_for(lambda: "and on wards" in timeline(c, "carol")),
       "carol on C, who does not follow bob, sees the new text")
    ok("and on wards" in a.ctl("group", "timeline", "sepsis").stdout,
       "so does the community's timeline on A")
    r = a.ctl("post", "maya", "Antibiotics first", "--group", "sepsis")
    mayas = r.stdout.strip()
    ok(wait_for(lambda: mayas in timeline(c, "carol")),
       "maya posts into it on A")
    a.ctl("edit", "maya", mayas, "Antibiotics within the hour")
    ok(wait_for(lambda: "within the hour" in timeline(c, "carol") and
                "within the hour" in timeline(b, "bob")),
       "her edit reaches B and C through the community")
    time.sleep(1)
    ups = [d for d in delivered("Announce")
           if isinstance(d.get("object"), dict)]
    ok(not ups, "the Mastodon-like server gets no Announce{Update}: %s" %
       ups)
    r = a.ctl("group", "ban", "add", "sepsis", b.base + "/users/bob")
    ok(r.returncode == 0, "bob is banned (%s)" % r.stderr.strip())
    b.ctl("edit", "bob", bobs, "%s buy my shoes" % handle(a, "sepsis"))
    ok(not wait_for(lambda: "shoes" in timeline(c, "carol"), 3),
       "a banned author's edit is not passed on")
    r = a.ctl("group", "ban", "remove", "sepsis", b.base + "/users/bob")
    ok(r.returncode == 0, "and he is unbanned again")


def main():
    with Hub() as a, Hub() as b, Hub() as c:
        a.add_user("ada", "--role", "admin")
        for name in ("maya", "dave"):
            a.add_user(name)
        b.add_user("bob")
        c.add_user("carol")
        a.ctl("group", "create", "sepsis", "--title", "Sepsis",
              "--summary", "Learning about sepsis")
        a.ctl("group", "create", "quality", "--locked")
        a.ctl("group", "create", "news", "--restricted")
        admin = a.ctl("token", "ada").stdout.strip()
        dave = a.ctl("token", "dave").stdout.strip()
        maya = a.ctl("token", "maya").stdout.strip()
        bobt = b.ctl("token", "bob").stdout.strip()
        for h in (a, b, c):
            h.start()
        group = a.base + "/c/sepsis"
        for h, name in ((a, "maya"), (a, "dave"), (b, "bob"),
                        (c, "carol")):
            h.ctl("follow", name, handle(a, "sepsis"))
        ok(wait_for(lambda: accepted(b, "bob", group) and
                    accepted(c, "carol", group) and
                    accepted(a, "dave", group) and
                    accepted(a, "maya", group)),
           "four members join sepsis on A from A, B and C")
        Eve.software = "mastodon"
        mira = Player("mira")
        st, _ = mira.post(group + "/inbox", mira.activity("Follow", group))
        ok(st == 202, "so does a user of a Mastodon-like server")
        directory(a, dave)
        joined(a, b, dave, bobt)
        bobs, daves = posts(a, b, c, dave, bobt)
        moderators(a, admin, maya, dave)
        removal(a, b, c, maya, dave, daves, bobs)
        edits(a, b, c, bobs)
        bans(a, c, maya, dave, admin)
        approvals(a, maya, admin, dave)
        stop_and_check(a, b, c)


if __name__ == "__main__":
    main()
    done()
