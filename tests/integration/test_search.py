"""Full-text search (/search and GET /api/hub/search) on a real hubd:
posts made through the API and received from another server (a signed
Create) are found by a word of the body, of the title and of a tag;
filters (author, community, topic, content type, dates) narrow; a
private community's posts are found only by its members; followers-only
and direct posts never; an edited post by its new words only; a deleted
one no more; members and communities by name and profile; bad input is a
400 with a message; and after kill -9 the same searches give the same
answers without any rebuild of the index."""
import json
import os
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from hubtest import Hub, PUBLIC, done, ok, stop_and_check  # noqa: E402
from test_follow import Player, wait_for  # noqa: E402
from test_group_forms import delivered  # noqa: E402
from test_social import accepted, handle  # noqa: E402

HTML = "text/html"


def api(h, params, token=None):
    """GET /api/hub/search: (status, JSON)."""
    hd = {"Authorization": "Bearer " + token} if token else {}
    r = h.request("GET", "/api/hub/search?" + urllib.parse.urlencode(params),
                  headers=hd)
    return r.status, r.json()


def ids(h, params, token=None):
    st, doc = api(h, params, token)
    return [x["id"] for x in doc.get("results", [])] if st == 200 else None


def post(h, token, text, **extra):
    doc = {"text": text}
    doc.update(extra)
    r = h.api_post(token, doc)
    if r.status != 201:
        raise RuntimeError("post: %d %s" % (r.status, r.text))
    return r.json()["id"]


def setup(h):
    h.add_user("alice", "--display-name", "Alice Ward", "--summary",
               "Infection prevention nurse in theatres")
    for n in ("bob", "mia", "otto"):
        h.add_user(n)
    h.ctl("group", "create", "sepsis", "--title", "Sepsis learning",
          "--summary", "Spotting deterioration early")
    h.ctl("group", "create", "safe", "--private", "--title", "Safe room")
    h.start()
    tok = {n: h.ctl("token", n).stdout.strip()
           for n in ("alice", "bob", "mia", "otto")}
    for n, g in (("alice", "sepsis"), ("mia", "safe"), ("otto", "safe")):
        h.ctl("follow", n, handle(h, g))
    ok(wait_for(lambda: accepted(h, "alice", h.base + "/c/sepsis")),
       "alice joins sepsis")
    ok(wait_for(lambda: h.base + "/users/mia" in
                h.ctl("followers", "safe").stdout), "mia asks to join safe")
    h.ctl("approve", "safe", h.base + "/users/mia")
    ok(wait_for(lambda: accepted(h, "mia", h.base + "/c/safe")),
       "mia is a member of the private community; otto waits")
    return tok


def local_posts(h, tok):
    notes = {
        "audit": post(h, tok["alice"], "Our hand hygiene audit on ward "
                      "nine #HandHygiene"),
        "sepsis": post(h, tok["alice"], "Lactate taken late on the "
                       "children's ward #DeteriorationAndSepsis",
                       community="sepsis"),
        "bob": post(h, tok["bob"], "A hygiene checklist for porters"),
        "followers": post(h, tok["bob"], "followers hygiene zanzibar",
                          visibility="followers"),
        "direct": post(h, tok["bob"], "direct hygiene zanzibar @alice",
                       visibility="direct"),
        "private": post(h, tok["mia"], "I felt burnout after the night "
                        "shift", community="safe"),
    }
    r = h.request("POST", "/api/hub/notes", body=json.dumps({"learning": {
        "title": "Bed rails and night falls",
        "what_happened": "Two patients climbed over bed rails at night.",
        "what_we_learned": "Low beds beat rails for confused patients.",
        "content_type": "case-study", "audience": ["staff"],
        "licence": "cc-by-4.0", "topics": ["falls"]}}),
        headers={"Content-Type": "application/json",
                 "Authorization": "Bearer " + tok["alice"]})
    ok(r.status == 201, "a learning post (%d %s)" % (r.status, r.text[:200]))
    notes["learning"] = r.json().get("id") if r.status == 201 else None
    return notes


def remote_posts(h, eve):
    h.ctl("follow", "alice", eve.iri)
    ok(wait_for(lambda: any(d.get("object") == eve.iri
                            for d in delivered("Follow"))),
       "eve's server gets alice's Follow")
    follow = [d for d in delivered("Follow")
              if d.get("object") == eve.iri][-1]
    st, _ = eve.post(h.base + "/inbox", eve.activity("Accept", follow))
    ok(st == 202 and wait_for(lambda: accepted(h, "alice", eve.iri)),
       "eve accepts")
    art = {"id": eve.iri + "/articles/1", "type": "Article",
           "attributedTo": eve.iri, "name": "Insulin pen mix-ups",
           "summary": "What a pharmacy team changed",
           "content": "<h2>What happened</h2><p>Two pens looked "
                      "alike.</p>",
           "published": "2025-06-01T10:00:00Z",
           "to": [PUBLIC], "cc": [eve.iri + "/followers"],
           "tag": [{"type": "Hashtag", "name": "#MedicationSafety",
                    "href": eve.iri + "/tags/medicationsafety"}]}
    st, body = eve.post(h.base + "/inbox", eve.activity(
        "Create", art, to=[PUBLIC]))
    ok(st == 202, "eve's Article is taken (%s)" % body)
    ok(wait_for(lambda: ids(h, {"q": "insulin"}) == [art["id"]]),
       "a received Article is found by a word of its title")
    return art["id"]


def found(h, notes, art):
    ok(ids(h, {"q": "hygiene audit"}) == [notes["audit"]],
       "a local post by words of its body, both needed")
    got = ids(h, {"q": "HYGIENE"})
    ok(got is not None and notes["audit"] in got and notes["bob"] in got,
       "any case, and by several authors")
    ok(notes["followers"] not in got and notes["direct"] not in got and
       ids(h, {"q": "zanzibar"}) == [] and
       ids(h, {"q": "zanzibar"}, TOK["alice"]) == [],
       "followers-only and direct posts are never found")
    ok(ids(h, {"q": "handhygiene"}) == [notes["audit"]],
       "by a word of a tag")
    ok(ids(h, {"q": "alike"}) == [art] and ids(h, {"q": "pharmacy"}) ==
       [art], "the received Article by its body and its summary")
    st, doc = api(h, {"q": "insulin"})
    r = doc["results"][0] if st == 200 and doc["results"] else {}
    ok(r.get("type") == "note" and r.get("title") == "Insulin pen mix-ups"
       and r.get("excerpt", "").startswith("What happened") and
       r.get("author", {}).get("handle", "").startswith("@eve@") and
       r.get("published") == "2025-06-01T10:00:00Z" and
       r.get("url") == art and r.get("local") is False and
       r.get("community") is None and "next" in doc,
       "the JSON result: %s" % json.dumps(r)[:400])
    st, doc = api(h, {"q": "lactate"})
    r = doc["results"][0] if st == 200 and doc["results"] else {}
    ok(r.get("community", {}).get("name") == "Sepsis learning" and
       r.get("local") is True, "a post names its community")


def filters(h, notes, art):
    ok(ids(h, {"q": "hygiene", "author": "bob"}) == [notes["bob"]] and
       ids(h, {"q": "hygiene", "author": "@alice@" + h.host}) ==
       [notes["audit"]], "author: a local name or @name@host")
    ok(ids(h, {"q": "insulin", "author": art.rsplit("/", 2)[0]}) == [art],
       "author: a remote actor's address")
    ok(ids(h, {"q": "ward", "community": "sepsis"}) == [notes["sepsis"]],
       "community narrows")
    ok(ids(h, {"topic": "deterioration-and-sepsis"}) == [notes["sepsis"]]
       and ids(h, {"q": "insulin", "topic": "medication-safety"}) == [art]
       and ids(h, {"q": "insulin", "topic": "falls"}) == [],
       "topic: the topic's hashtag, with or without words")
    ok(ids(h, {"q": "insulin", "to": "2025-06-01"}) == [art] and
       ids(h, {"q": "insulin", "from": "2025-06-02"}) == [] and
       ids(h, {"q": "ward", "from": "2025-06-02"}) ==
       [notes["sepsis"], notes["audit"]],
       "dates: the received Article by when it was published")
    ok(ids(h, {"q": "insulin", "type": "case-study"}) == [] and
       ids(h, {"q": "rail", "type": "case-study"}) == [notes["learning"]]
       and ids(h, {"q": "rail", "type": "tool"}) == [] and
       ids(h, {"type": "case-study"}) == [notes["learning"]],
       "content type: only learning posts of that type")
    ok(ids(h, {"q": "confused"}) == [notes["learning"]] and
       ids(h, {"topic": "falls"}) == [notes["learning"]],
       "a learning post by a word of a section, and by its topic")
    st, doc = api(h, {"q": "rails"})
    r = doc["results"][0] if st == 200 and doc["results"] else {}
    ok(r.get("type") == "learning" and r.get("content_type") ==
       "case-study" and r.get("title") == "Bed rails and night falls",
       "its JSON result: %s" % json.dumps(r)[:300])


def private(h, notes):
    ok(ids(h, {"q": "burnout"}) == [], "a private community's post: not "
       "for visitors")
    ok(ids(h, {"q": "burnout"}, TOK["otto"]) == [],
       "nor for one waiting to join")
    ok(ids(h, {"q": "burnout"}, TOK["mia"]) == [notes["private"]],
       "found by a member (bearer token)")
    r = h.get("/search?q=burnout", accept=HTML)
    ok(r.status == 200 and "night shift" not in r.text,
       "the page hides it from visitors")


def page(h, notes, art):
    r = h.get("/search?q=insulin", accept=HTML)
    ok(r.status == 200 and "Insulin pen mix-ups</a></h3>" in r.text and
       "/notes?id=" in r.text, "the page lists the result, linked")
    ok('<label for="topic">Topic</label>' in r.text and
       '<label for="from">' in r.text and 'name="type"' in r.text,
       "with labelled filters")
    r = h.get("/search?q=ward&from=2025-13-01", accept=HTML)
    ok(r.status == 400 and 'id="from-error"' in r.text and
       "year-month-day" in r.text and "There is a problem" in r.text,
       "a bad date: 400, the message next to the field (%d)" % r.status)
    r = h.get("/search?q=ward&topic=nonsense", accept=HTML)
    ok(r.status == 400 and 'id="topic-error"' in r.text,
       "an unknown topic: 400 with its message")
    r = h.get("/search?q=theatres", accept=HTML)
    ok("Alice Ward</a>" in r.text, "a member found by a word of her bio")
    r = h.get("/search?q=deterioration", accept=HTML)
    ok("Sepsis learning</a>" in r.text,
       "a community found by a word of its description")
    st, doc = api(h, {"q": "infection nurse", "kind": "people"})
    r = doc["results"][0] if st == 200 and doc["results"] else {}
    ok(r.get("type") == "member" and r.get("title") == "Alice Ward" and
       r.get("handle") == "@alice@" + h.host,
       "the JSON endpoint finds members: %s" % json.dumps(r)[:300])


def bad_input(h):
    for params, field in (({"q": "x" * 201}, "q"),
                          ({"q": "ward", "from": "yesterday"}, "from"),
                          ({"q": "ward", "to": "2025-02-30"}, "to"),
                          ({"q": "ward", "from": "2025-03-01",
                            "to": "2025-02-01"}, "to"),
                          ({"q": "ward", "topic": "nope"}, "topic"),
                          ({"q": "ward", "type": "nope"}, "type"),
                          ({"q": "ward", "author": "nobody"}, "author"),
                          ({"q": "ward", "community": "bob"}, "community"),
                          ({"q": "a b c d e f g h i j k l m n o p q r s "
                            "t u v w x y z ward nurse audit hand sepsis "
                            "lactate pump insulin fall"}, "q"),
                          ({"q": "ward", "limit": "500"}, "limit"),
                          ({"q": "ward", "offset": "x"}, "offset"),
                          ({"q": "ward", "kind": "x"}, "kind"),
                          ({}, "q")):
        st, doc = api(h, params)
        ok(st == 400 and doc.get("field") == field and doc.get("error"),
           "400 for %s: %s" % (field, doc.get("error")))
    r = h.request("GET", "/api/hub/search?q=ward",
                  headers={"Authorization": "Bearer nonsense"})
    ok(r.status == 401, "a bad token: 401")


def edit_delete(h, notes):
    r = h.request("POST", "/api/hub/edit", body=json.dumps(
        {"id": notes["bob"], "text": "A tidy checklist for porters"}),
        headers={"Content-Type": "application/json",
                 "Authorization": "Bearer " + TOK["bob"]})
    ok(r.status in (200, 201), "bob edits his post (%d)" % r.status)
    ok(ids(h, {"q": "tidy"}) == [notes["bob"]] and
       notes["bob"] not in ids(h, {"q": "hygiene"}),
       "found by its new words, not the old")
    r = h.ctl("delete", notes["audit"])
    ok(r.returncode == 0, "alice's audit post deleted (%s)" % r.stderr)
    ok(ids(h, {"q": "audit"}) == [] and
       ids(h, {"q": "handhygiene"}) == [],
       "a deleted post is found no more")


def restart(h):
    queries = [{"q": "ward"}, {"q": "insulin"}, {"q": "tidy porter"},
               {"topic": "deterioration-and-sepsis"},
               {"q": "theatres", "kind": "people"}]
    before = [api(h, q)[1] for q in queries]
    member = ids(h, {"q": "burnout"}, TOK["mia"])
    h.kill9()
    t0 = time.time()
    h.start()
    after = [api(h, q)[1] for q in queries]
    ok(after == before and all(b["results"] for b in before),
       "after kill -9 the same searches give the same results")
    ok(ids(h, {"q": "burnout"}, TOK["mia"]) == member and member,
       "and members-only ones too")
    ok(time.time() - t0 < 10 and "backfill" not in h.read_log().lower(),
       "no rebuild: answered %.2f s after the start" % (time.time() - t0))


TOK = {}


def main():
    eve = Player("eve")
    with Hub() as h:
        TOK.update(setup(h))
        notes = local_posts(h, TOK)
        art = remote_posts(h, eve)
        found(h, notes, art)
        filters(h, notes, art)
        private(h, notes)
        page(h, notes, art)
        bad_input(h)
        edit_delete(h, notes)
        restart(h)
        stop_and_check(h)
    done()


if __name__ == "__main__":
    main()
