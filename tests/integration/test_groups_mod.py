"""Community moderation across two hubs and a scripted remote actor:
moderated communities hold members' posts for review, restricted ones
take new threads from moderators only, admins create communities through
the API, moderators are announced with Add and Remove, and reports about
a community's posts reach its moderators."""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from hubtest import Hub, done, ok, stop_and_check  # noqa: E402
from test_social import (accepted, api, api_get, handle,  # noqa: E402
                         timeline)
from test_follow import Eve, Player, wait_for  # noqa: E402


def delivered(type_, obj):
    """Activities of type_ about obj that reached the scripted actor."""
    out = []
    for _, _, body in list(Eve.inbox):
        try:
            doc = json.loads(body)
        except ValueError:
            continue
        if doc.get("type") == type_ and doc.get("object") == obj:
            out.append(doc)
    return out


def creation(a, admin, dave):
    """Communities made with hubctl and through the API."""
    r = a.ctl("group", "create", "quality", "--title", "Quality",
              "--moderated")
    ok(r.returncode == 0, "a moderated community (%s)" % r.stderr.strip())
    r = a.ctl("group", "create", "news", "--restricted")
    ok(r.returncode == 0, "a restricted one (%s)" % r.stderr.strip())
    r = a.ctl("group", "create", "secret", "--private")
    ok(r.returncode == 0, "a private one (%s)" % r.stderr.strip())
    r = a.ctl("user", "add", "zed", "--moderated")
    ok(r.returncode == 2, "--moderated is for communities only")
    out = a.ctl("group", "list").stdout
    ok("moderated" in out and "restricted" in out and
       "locked private" in out,
       "the directory shows the flags: %s" % out)
    tests = [
        ("a member", dave, {"name": "wards"}, 403, "admins"),
        ("a bad name", admin, {"name": "Bad Name!"}, 422, "valid name"),
        ("a name a member has", admin, {"name": "dave"}, 409, "taken"),
        ("a number as name", admin, {"name": 5}, 422, "must be a string"),
        ("locked as text", admin, {"name": "w2", "locked": "yes"}, 422,
         "true or false"),
        ("private as a number", admin, {"name": "w3", "private": 1}, 422,
         "true or false"),
        ("no name", admin, {"title": "x"}, 422, "\"name\""),
    ]
    for what, tok, doc, want, says in tests:
        r = api(a, tok, "/api/hub/communities", doc)
        err = r.json().get("error", "") if r.status != 201 else ""
        ok(r.status == want and says in err,
           "API: %s -> %d %s" % (what, r.status, err))
    r = api(a, admin, "/api/hub/communities",
            {"name": "wards", "title": "Wards", "summary": "Ward safety",
             "moderated": True, "locked": False})
    ok(r.status == 201 and r.json().get("id") == a.base + "/c/wards",
       "an admin creates one through the API (%d %s)" % (r.status,
                                                         r.text[:200]))
    r = api(a, admin, "/api/hub/communities", {"name": "wards"})
    ok(r.status == 409, "its name is then taken (%d)" % r.status)
    r = api(a, admin, "/api/hub/communities",
            {"name": "hidden", "private": True})
    ok(r.status == 201 and
       a.get("/c/hidden").json().get("manuallyApprovesFollowers") is True,
       "and a private one, closed to joiners (%d)" % r.status)
    out = a.ctl("group", "list").stdout
    ok("wards" in out and "w2" not in out and "w3" not in out and
       "zed" not in a.ctl("user", "list").stdout,
       "refused ones stored nothing")
    doc = a.get("/c/quality").json()
    ok(doc.get("postingRestrictedToMods") is False and
       doc.get("attributedTo") == a.base + "/c/quality/moderators" and
       doc.get("manuallyApprovesFollowers") is False,
       "the moderated Group: open, not restricted, its moderators named")
    ok(a.get("/c/news").json().get("postingRestrictedToMods") is True,
       "the restricted Group says postingRestrictedToMods")


def review(a, b, maya, dave):
    """Posts held for review, and the moderators' answers."""
    group = a.base + "/c/quality"
    r = b.ctl("post", "bob", "%s hand hygiene audit results" %
              handle(a, "quality"))
    bobs = r.stdout.strip()
    r = a.ctl("post", "dave", "Falls on night shifts", "--group",
              "quality")
    daves = r.stdout.strip()
    ok(r.returncode == 0, "dave posts into it (%s)" % r.stderr.strip())
    ok(wait_for(lambda: bobs in a.ctl("group", "pending",
                                      "quality").stdout),
       "bob's post from B waits for review")
    out = a.ctl("group", "pending", "quality").stdout
    ok(daves in out and "hand hygiene audit" in out and
       b.base + "/users/bob" in out, "so does dave's: %s" % out)
    r = a.ctl("post", "maya", "Moderator note: welcome", "--group",
              "quality")
    mayas = r.stdout.strip()
    ok(wait_for(lambda: mayas in timeline(b, "bob")),
       "a moderator's post is announced at once")
    time.sleep(1)
    ok(bobs not in timeline(a, "dave") and daves not in timeline(b, "bob"),
       "the held posts are not announced")
    r = api_get(a, dave, "/api/hub/communities/quality/pending")
    ok(r.status == 403 and "moderators" in r.json().get("error", ""),
       "a member may not read the queue: %s" % r.text[:200])
    r = api_get(a, maya, "/api/hub/communities/nosuch/pending")
    ok(r.status == 404 and "no community" in r.json().get("error", ""),
       "an unknown community: %s" % r.text[:200])
    r = api_get(a, maya, "/api/hub/communities/quality/pending")
    items = r.json().get("items", []) if r.status == 200 else []
    ok(sorted(i.get("object") for i in items) == sorted([bobs, daves]) and
       all(i.get("excerpt") and i.get("author") for i in items),
       "a moderator reads it through the API: %s" %
       r.text[:300])
    r = api(a, dave, "/api/hub/communities/quality/accept",
            {"object": bobs})
    ok(r.status == 403, "a member may not accept (%d)" % r.status)
    r = api(a, maya, "/api/hub/communities/quality/accept",
            {"object": 7})
    ok(r.status == 422, "object must be a URL (%d)" % r.status)
    r = api(a, maya, "/api/hub/communities/quality/accept",
            {"object": bobs})
    ok(r.status == 200, "the moderator accepts bob's (%d %s)" %
       (r.status, r.text[:200]))
    ok(wait_for(lambda: bobs in timeline(a, "dave")),
       "the community announces it to its members")
    items = a.get("/c/quality/outbox?page=true").json().get(
        "orderedItems", [])
    ok(any(i.get("type") == "Announce" and i.get("object") == bobs and
           i.get("actor") == group for i in items),
       "its Announce is in the outbox")
    r = a.ctl("group", "reject", "quality", daves)
    ok(r.returncode == 0, "dave's is rejected (%s)" % r.stderr.strip())
    ok("no posts are waiting" in a.ctl("group", "pending",
                                       "quality").stdout,
       "the queue is empty")
    ok(a.get(daves).status == 200, "dave's note itself stays his")
    time.sleep(1)
    ok(daves not in timeline(b, "bob"), "and it was not announced")
    r = a.ctl("group", "accept", "quality", daves)
    ok(r.returncode == 3 and "not waiting" in r.stderr,
       "accepting it now: %s" % r.stderr.strip())
    r = a.ctl("group", "pending", "nosuch")
    ok(r.returncode == 3 and "no community" in r.stderr,
       "hubctl: an unknown community: %s" % r.stderr.strip())
    r = a.ctl("post", "dave", "My thread", "--group", "news")
    ok(r.returncode != 0 and "only the moderators" in r.stderr,
       "a member cannot start a thread in the restricted one: %s" %
       r.stderr.strip())
    return bobs, mayas


def reports(a, m, maya, dave, bobs, mayas):
    """Reports reach the moderators of the community they concern."""
    inbox = a.base + "/inbox"
    st, _ = m.post(inbox, m.activity("Flag", [bobs],
                                     content="off-topic advert"))
    ok(st == 202, "a remote server reports bob's post in the community")
    out = a.ctl("group", "reports", "quality").stdout
    ok(bobs in out and "off-topic advert" in out and m.iri in out,
       "it is in the community's reports: %s" % out)
    ok("off-topic advert" in a.ctl("reports").stdout,
       "and in the hub's")
    r = api(a, dave, "/api/hub/report", {"object": mayas,
                                         "comment": "rude"})
    ok(r.status == 200, "dave reports maya's post (%d %s)" %
       (r.status, r.text[:200]))
    r = api(a, dave, "/api/hub/report", {"object": a.base + "/nothing"})
    ok(r.status == 404 and "not known" in r.json().get("error", ""),
       "a report about nothing known: %s" % r.text[:200])
    r = api_get(a, maya, "/api/hub/communities/quality/reports")
    items = r.json().get("items", []) if r.status == 200 else []
    ok(len(items) == 2 and items[0].get("comment") == "rude" and
       items[0].get("objects") == [mayas] and
       items[1].get("objects") == [bobs],
       "moderators read both through the API: %s" % r.text[:400])
    r = api_get(a, dave, "/api/hub/communities/quality/reports")
    ok(r.status == 403, "a member may not (%d)" % r.status)
    ok("no reports" in a.ctl("group", "reports", "news").stdout,
       "another community's list is empty")


def main():
    with Hub() as a, Hub() as b:
        a.add_user("ada", "--role", "admin")
        for name in ("maya", "dave"):
            a.add_user(name)
        b.add_user("bob")
        admin = a.ctl("token", "ada").stdout.strip()
        dave = a.ctl("token", "dave").stdout.strip()
        maya = a.ctl("token", "maya").stdout.strip()
        a.start()
        b.start()
        creation(a, admin, dave)
        group = a.base + "/c/quality"
        m = Player("mira")
        st, _ = m.post(group + "/inbox", m.activity("Follow", group))
        ok(st == 202, "a remote actor joins the community")
        for h, name in ((a, "maya"), (a, "dave"), (b, "bob")):
            h.ctl("follow", name, handle(a, "quality"))
        a.ctl("follow", "dave", handle(a, "news"))
        ok(wait_for(lambda: accepted(b, "bob", group) and
                    accepted(a, "dave", group) and
                    accepted(a, "maya", group)),
           "members join it from A and B")
        maya_iri = a.base + "/users/maya"
        r = a.ctl("group", "mod", "add", "quality", "maya")
        ok(r.returncode == 0, "maya is made a moderator")
        ok(wait_for(lambda: any(d.get("target") == group + "/moderators"
                                and d.get("actor") == group
                                for d in delivered("Add", maya_iri))),
           "the community sends Add{maya, target: moderators} to its "
           "followers")
        bobs, mayas = review(a, b, maya, dave)
        reports(a, m, maya, dave, bobs, mayas)
        a.ctl("group", "mod", "add", "quality", "maya")
        ok(len(delivered("Add", maya_iri)) == 1,
           "adding her again sends nothing")
        r = a.ctl("group", "mod", "remove", "quality", "maya")
        ok(wait_for(lambda: any(d.get("target") == group + "/moderators"
                                for d in delivered("Remove", maya_iri))),
           "removing her sends Remove")
        r = api_get(a, maya, "/api/hub/communities/quality/pending")
        ok(r.status == 403, "and she may no longer moderate (%d)" %
           r.status)
        stop_and_check(a, b)


if __name__ == "__main__":
    main()
    done()
