"""WebFinger, actors, NodeInfo, notes, outbox paging, ETags, 404/410,
content negotiation and the member API, against a real hubd."""
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from hubtest import AS_TYPE, PUBLIC, Hub, diag, done, ok  # noqa: E402

MASTODON_ACTOR_FIELDS = [
    "id", "type", "preferredUsername", "name", "summary", "url", "inbox",
    "outbox", "followers", "following", "featured", "endpoints",
    "publicKey", "manuallyApprovesFollowers", "discoverable", "published"]


def webfinger(h, resource):
    return h.get("/.well-known/webfinger?resource=" +
                 urllib.parse.quote(resource, safe=""), accept=None)


def test_webfinger(h):
    r = webfinger(h, "acct:alice@" + h.host)
    j = r.json() or {}
    ok(r.status == 200 and
       r.header("Content-Type").startswith("application/jrd+json"),
       "WebFinger answers application/jrd+json")
    ok(j.get("subject") == "acct:alice@" + h.host, "subject is the acct")
    links = {l.get("rel"): l for l in j.get("links", [])}
    ok(links.get("self", {}).get("href") == h.base + "/users/alice" and
       links["self"].get("type") == AS_TYPE, "rel=self to the actor")
    ok("http://webfinger.net/rel/profile-page" in links,
       "rel=profile-page present")
    ok(r.header("Access-Control-Allow-Origin") == "*",
       "WebFinger may be read from any origin")
    r = webfinger(h, h.base + "/users/alice")
    ok(r.status == 200 and r.json()["subject"] == "acct:alice@" + h.host,
       "the actor URL works as resource")
    r = webfinger(h, "acct:sepsis@" + h.host)
    ok(r.status == 200 and r.json()["links"][0]["href"] ==
       h.base + "/c/sepsis", "communities resolve through WebFinger too")
    ok(webfinger(h, "acct:nobody@" + h.host).status == 404, "unknown: 404")
    ok(webfinger(h, "acct:alice@elsewhere.example").status == 404,
       "other host: 404")
    r = webfinger(h, "acct:al ice@@")
    ok(r.status == 400 and "error" in (r.json() or {}),
       "malformed: 400 with a JSON error")
    r = h.get("/.well-known/webfinger", accept=None)
    ok(r.status == 400, "missing resource: 400")
    ok(webfinger(h, "acct:gone@" + h.host).status == 410,
       "deleted member: 410")
    i = h.get("/actor").json() or {}
    r = webfinger(h, "acct:%s@%s" % (i.get("preferredUsername"), h.host))
    j = r.json() or {}
    ok(r.status == 200 and j.get("subject") == "acct:%s@%s" %
       (h.host, h.host) and j["links"][0]["href"] == h.base + "/actor",
       "the instance actor's preferredUsername@host WebFingers back to it")


def test_actor(h):
    r = h.get("/users/alice")
    a = r.json() or {}
    ok(r.status == 200 and r.header("Content-Type").startswith(AS_TYPE),
       "actor served as application/activity+json")
    missing = [f for f in MASTODON_ACTOR_FIELDS if f not in a]
    ok(not missing, "actor has every field Mastodon reads %s" % missing)
    ok(a.get("type") == "Person" and a.get("preferredUsername") == "alice",
       "Person with preferredUsername")
    ok(a.get("name") == "Alice Nurse", "display name as name")
    ok(a.get("endpoints", {}).get("sharedInbox") == h.base + "/inbox",
       "endpoints.sharedInbox")
    pk = a.get("publicKey", {})
    ok(pk.get("id") == h.base + "/users/alice#main-key" and
       pk.get("owner") == h.base + "/users/alice" and
       pk.get("publicKeyPem", "").startswith("-----BEGIN PUBLIC KEY-----"),
       "publicKey with keyId <actor>#main-key and a PEM")
    ok("https://www.w3.org/ns/activitystreams" in a.get("@context", []) and
       "https://w3id.org/security/v1" in a.get("@context", []),
       "@context has ActivityStreams and security")
    ok(a.get("manuallyApprovesFollowers") is False, "not locked")
    r = h.get("/users/alice",
              accept='application/ld+json; profile="https://www.w3.org/'
                     'ns/activitystreams"')
    ok(r.status == 200 and r.json() is not None,
       "application/ld+json Accept gets the JSON too")
    r = h.get("/users/alice", accept="text/html,application/xhtml+xml,*/*")
    ok(r.status == 200 and r.header("Content-Type").startswith("text/html")
       and "Alice Nurse" in r.text, "a browser gets a readable page")
    ok("default-src 'none'" in (r.header("Content-Security-Policy") or ""),
       "pages carry a strict Content-Security-Policy")
    ok(r.header("Vary") == "Accept", "Vary: Accept")
    g = h.get("/c/sepsis").json() or {}
    ok(g.get("type") == "Group" and g.get("name") == "Sepsis learning" and
       g.get("attributedTo") == h.base + "/c/sepsis/moderators",
       "community is a Group with its moderators collection")
    i = h.get("/actor").json() or {}
    ok(i.get("type") == "Application" and "publicKey" in i and
       i.get("inbox"), "instance actor is an Application at /actor")
    ok(h.get("/users/sepsis").status == 404 and
       h.get("/c/alice").status == 404, "kinds do not cross paths")
    r = h.get("/@alice", accept=None)
    ok(r.status == 301 and r.header("Location") == h.base + "/users/alice",
       "/@name redirects to the actor")


def test_nodeinfo(h, posts):
    r = h.get("/.well-known/nodeinfo", accept=None)
    links = {l["rel"]: l["href"] for l in (r.json() or {}).get("links", [])}
    ok(links.get("http://nodeinfo.diaspora.software/ns/schema/2.1") ==
       h.base + "/nodeinfo/2.1" and
       "http://nodeinfo.diaspora.software/ns/schema/2.0" in links,
       "nodeinfo index links 2.0 and 2.1")
    for v in ("2.0", "2.1"):
        r = h.get("/nodeinfo/" + v, accept=None)
        n = r.json() or {}
        ok(r.header("Content-Type") ==
           'application/json; profile="http://nodeinfo.diaspora.software/'
           'ns/schema/%s#"' % v, "nodeinfo %s content type" % v)
        u = n.get("usage", {})
        ok(n.get("version") == v and n.get("protocols") == ["activitypub"]
           and u.get("users", {}).get("total") == 1 and
           u.get("users", {}).get("activeMonth") == 1 and
           u.get("users", {}).get("activeHalfyear") == 1 and
           u.get("localPosts") == posts and
           n.get("openRegistrations") is False,
           "nodeinfo %s real counts (1 member; the deleted one and the community do not count; posts %d): %s" %
           (v, posts, u))


def test_notes(h):
    url = h.post("alice", "Learning from a near miss #Sepsis #NEWS2 "
                 "https://example.org/report")
    r = h.get(url)   # written by hubctl while hubd runs: served at once
    n = r.json() or {}
    ok(r.status == 200 and n.get("type") == "Note" and n.get("id") == url,
       "a note posted by hubctl is served at once")
    for f in ("id", "url", "attributedTo", "published", "to", "cc",
              "content", "tag"):
        if f not in n:
            diag("missing " + f)
    ok(all(f in n for f in ("id", "url", "attributedTo", "published", "to",
                            "cc", "content", "tag")),
       "Note has id, url, attributedTo, published, to, cc, content, tag")
    tags = sorted(t["name"] for t in n.get("tag", [])
                  if t.get("type") == "Hashtag")
    ok(tags == ["#news2", "#sepsis"] and
       n["tag"][0]["href"].startswith(h.base + "/tags/"),
       "Hashtag entries: %s" % tags)
    ok(n.get("to") == [PUBLIC] and
       n.get("cc") == [h.base + "/users/alice/followers"],
       "public addressing")
    ok('<a href="https://example.org/report"' in n.get("content", ""),
       "links made into anchors")
    c = h.get(url + "/activity").json() or {}
    ok(c.get("type") == "Create" and c.get("object", {}).get("id") == url
       and c.get("actor") == h.base + "/users/alice",
       "Create activity served at /activity")
    r = h.get(url)
    etag = r.header("ETag")
    ok(etag is not None and r.header("Cache-Control"), "ETag present")
    r2 = h.get(url, headers={"If-None-Match": etag})
    ok(r2.status == 304 and r2.body == b"", "If-None-Match: 304")
    r3 = h.get(url, accept="text/html")
    ok(r3.status == 200 and r3.header("ETag") != etag and
       "Learning from a near miss" in r3.text,
       "HTML variant has its own ETag and shows the text")
    r = h.request("HEAD", url[len(h.base):], headers={"Accept": AS_TYPE})
    ok(r.status == 200 and r.body == b"", "HEAD works")
    return url


def test_visibility(h):
    fo = h.post("alice", "for my followers only", "--visibility",
                "followers")
    un = h.post("alice", "quietly public", "--visibility", "unlisted")
    ok(h.get(fo).status == 404, "followers-only note is not served "
       "to an unsigned request")
    u = h.get(un).json() or {}
    ok(u.get("to") == [h.base + "/users/alice/followers"] and
       u.get("cc") == [PUBLIC], "unlisted: Public in cc")
    return fo, un


def test_outbox(h, fo, un, total):
    r = h.get("/users/alice/outbox")
    o = r.json() or {}
    ok(o.get("type") == "OrderedCollection" and
       o.get("totalItems") == total and
       o.get("first") == h.base + "/users/alice/outbox?page=true",
       "outbox is an OrderedCollection (totalItems %s)" %
       o.get("totalItems"))
    p1 = h.get(o.get("first", "/")).json() or {}
    items = p1.get("orderedItems", [])
    ok(p1.get("type") == "OrderedCollectionPage" and len(items) == 20 and
       "next" in p1, "first page holds 20 items and a next link")
    ids = [i["object"]["id"] for i in items]
    ok(ids[0] == un and fo not in ids, "newest first, followers-only "
       "left out")
    published = [int(i.split("/")[-1]) for i in ids]
    ok(published == sorted(published, reverse=True), "ordered newest first")
    p2 = h.get(p1["next"]).json() or {}
    ids2 = [i["object"]["id"] for i in p2.get("orderedItems", [])]
    ok(len(ids2) == total - 1 - 20 and "next" not in p2 and
       not set(ids) & set(ids2), "second page holds the rest (%d), "
       "no next" % len(ids2))
    ok(h.get("/users/alice/outbox?page=true&max_id=zzz").status == 400,
       "bad max_id: 400")
    for c in ("followers", "following", "collections/featured"):
        j = h.get("/users/alice/" + c).json() or {}
        ok(j.get("type") == "OrderedCollection" and
           j.get("totalItems") == 0, "%s collection served" % c)


def test_delete(h, url):
    r = h.ctl("delete", url)
    ok(r.returncode == 0, "hubctl delete")
    r = h.get(url)
    t = r.json() or {}
    ok(r.status == 410 and t.get("type") == "Tombstone" and
       t.get("id") == url and t.get("formerType") == "Note",
       "a deleted note answers 410 with a Tombstone")
    ok(h.get(url + "/activity").status == 410, "its Create is gone too")
    r = h.get(url, accept="text/html")
    ok(r.status == 410 and "deleted" in r.text, "browsers get a 410 page")
    page = h.get("/users/alice/outbox?page=true").json()
    ok(all(i["object"]["id"] != url for i in page["orderedItems"]),
       "deleted note left the outbox")


def test_api(h):
    tok = h.ctl("token", "alice").stdout.strip()
    ok(len(tok) == 64, "hubctl token prints a token")
    r = h.api_post(tok, {"text": "Posted through the API #api",
                         "visibility": "public"})
    j = r.json() or {}
    ok(r.status == 201 and j.get("id", "").startswith(h.base +
       "/users/alice/statuses/") and r.header("Location") == j.get("id"),
       "POST /api/hub/notes: 201 with the note's id")
    ok(h.get(j.get("id", "/x")).status == 200, "and the note is served")
    ok(h.api_post(None, {"text": "x"}).status == 401, "no token: 401")
    ok(h.api_post("0" * 64, {"text": "x"}).status == 401, "bad token: 401")
    return tok


def test_tags_and_pages(h):
    url = h.post("alice", "Medication safety #Insulin")
    r = h.get("/tags/insulin", accept="text/html")
    ok(r.status == 200 and "Medication safety" in r.text,
       "the tag page lists the tagged note")
    j = h.get("/tags/Insulin").json() or {}
    ok(j.get("orderedItems", [{}])[0].get("id") == url,
       "and answers ActivityPub clients with a collection")
    m = h.get("/c/sepsis/moderators").json() or {}
    ok(m.get("type") == "OrderedCollection",
       "the community's moderators collection is served")
    page = h.get("/users/alice", accept="text/html")
    h.post("alice", "A newer note")
    r = h.get("/users/alice", accept="text/html",
              headers={"If-None-Match": page.header("ETag")})
    ok(r.status == 200 and "A newer note" in r.text,
       "the actor page's ETag changes with a new post")


def main():
    with Hub() as h:
        h.add_user("alice", "--display-name", "Alice Nurse")
        h.add_user("gone")
        h.ctl("group", "create", "sepsis", "--title", "Sepsis learning")
        h.ctl("user", "delete", "gone")
        h.start()
        test_webfinger(h)
        test_actor(h)
        for i in range(20):
            h.post("alice", "note %d" % i)
        url = test_notes(h)
        fo, un = test_visibility(h)
        test_outbox(h, fo, un, 23)
        test_nodeinfo(h, 23)
        test_delete(h, url)
        test_nodeinfo(h, 22)
        test_api(h)
        test_tags_and_pages(h)
        r = h.get("/no/such/page", accept=None)
        ok(r.status == 404 and "error" in (r.json() or {}),
           "unknown path: 404 JSON for API clients")
        r = h.get("/no/such/page", accept="text/html")
        ok(r.status == 404 and "<html" in r.text, "and a page for browsers")
        r = h.get("/", accept="text/html")
        ok(r.status == 200 and "Alice Nurse" in r.text and
           "Sepsis learning" in r.text, "home page lists members and "
           "communities")
        ok(h.stop() == 0, "hubd stops cleanly on SIGTERM")
        log = h.read_log()
        ok("PRIVATE KEY" not in log and "Bearer" not in log,
           "no secret in the log")
        ok(log.count("GET /users/alice ") >= 3, "one log line per request")
        ok("prewarmed " in log, "the data was prewarmed at start")
        ok("note published by alice (public): " + h.base in log,
           "the event of a note published through the API is logged")
    done()


main()
