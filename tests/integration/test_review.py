"""Editorial review across roles, with two real hubs: A (alice, a member;
ed, an editor; ann, an admin; mo, a member who is not an editor) and B
(bob, who follows alice).

1. alice submits a "tool" from the Share learning form: it is a draft,
   not on the home page, not in her outbox, not delivered to bob, not
   served as ActivityPub; the API's tool answers 202 submitted, and
   publishes nothing.
2. mo (not an editor) gets 403 on /review, its items and its actions.
3. ed sees it in /review, comments, starts the review, must write
   feedback to return it, returns it; alice sees the feedback in /drafts
   and a notification, edits the draft and resubmits it.
4. ed cannot approve his own tool; he approves alice's with a review-by
   date: published, its page says "Reviewed by the editors on", its
   learning object has "reviewed", bob on B receives it, alice is told.
5. A plain experience post publishes directly; once ann ticks "opinion"
   at /admin, an opinion waits for review.
6. A note with an NHS number is refused; "Ask an editor" holds it; ed
   sees where and what kind; publishing it needs a reason (empty: error
   next to the field); with one it is published, the history shows the
   reason, and the log never holds the number.
7. hubctl review-by with a past date flags the post "due for re-review".
8. Bad input: an unknown draft is 404; approving a published draft
   again is refused and changes nothing."""
import html
import json
import os
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from hubtest import Hub, done, ok, stop_and_check  # noqa: E402
from test_follow import wait_for  # noqa: E402
from test_social import accepted  # noqa: E402
from webtest import Web, csrf_of, field_error  # noqa: E402

NHS = "4770168314"  # tests/data/pii/corpus.tsv
TOOL = {"title": "A falls risk checklist",
        "what_happened": "Falls at night were missed at handover.",
        "what_we_learned": "A checklist at the bedside helps.",
        "setting": "Acute hospital", "content_type": "tool",
        "licence": "cc-by-4.0", "audience-staff": "1",
        "topic-medication-safety": "1", "visibility": "public",
        "community": ""}


def api(h, tok, doc):
    return h.request("POST", "/api/hub/notes", body=json.dumps(doc),
                     headers={"Content-Type": "application/json",
                              "Authorization": "Bearer " + tok})


def outbox_total(a):
    return a.get("/users/alice/outbox").json()["totalItems"]


def page(w, path):
    r = w.get(path)
    return r, html.unescape(r.text)


def draft_ids(text):
    return [int(x) for x in re.findall(r"/review/item\?id=(\d+)", text)]


def act(w, draft, action, **fields):
    f = {"id": str(draft), "action": action}
    f.update(fields)
    return w.submit("/review/item?id=%d" % draft, "/review/act", f)


def setup(a, b):
    pws = {n: a.add_user(n, *role) for n, role in
           (("alice", ()), ("ed", ("--role", "editor")),
            ("ann", ("--role", "admin")), ("mo", ()))}
    b.add_user("bob")
    a.start()
    b.start()
    b.ctl("follow", "bob", "@alice@" + a.host)
    ok(wait_for(lambda: accepted(b, "bob", a.base + "/users/alice")),
       "bob on B follows alice")
    web = {}
    for n, pw in pws.items():
        web[n] = Web(a)
        web[n].signin(n, pw)
    return web, a.ctl("token", "alice").stdout.strip()


def submitted(a, b, web, tok):
    w = web["alice"]
    before = outbox_total(a)
    r, t = page(w, "/learn/new")
    ok("checked by the editors before they are published" in t and
       "Tool" in t and 'name="save"' in t,
       "the form says which kinds the editors check, and offers Save draft")
    r = w.submit("/learn/new", "/learn/new", TOOL)
    ok(r.status == 303 and r.header("Location") ==
       "/drafts?done=submitted", "Publish of a tool submits it (%d %s)"
       % (r.status, r.header("Location")))
    r, t = page(w, "/drafts")
    ok(TOOL["title"] in t and "Submitted: waits for an editor" in t,
       "/drafts lists it as submitted")
    ok(outbox_total(a) == before and TOOL["title"] not in
       a.get("/users/alice/outbox?page=true").text,
       "not in alice's outbox (nothing served as ActivityPub)")
    ok(TOOL["title"] not in a.get("/", accept="text/html").text,
       "not on the home page")
    r = api(a, tok, {"learning": {"title": "An API tool",
                                  "what_happened": "A.",
                                  "what_we_learned": "B.",
                                  "content_type": "tool"}})
    doc = r.json() if r.status == 202 else {}
    ok(r.status == 202 and doc.get("state") == "submitted" and
       doc.get("draft", "").isdigit() and "editors" in doc.get("message", ""),
       "the API's tool: 202 submitted (%d %s)" % (r.status, r.text[:120]))
    ok(outbox_total(a) == before, "and nothing is published")
    _, q = page(web["ed"], "/review")
    ids = draft_ids(q)
    ok(len(ids) == 2 and TOOL["title"] in q,
       "ed's queue has both, oldest first")
    ok('href="/review"' in q and 'href="/drafts"' in q and
       'href="/review"' not in t and 'href="/drafts"' in t,
       "Review is in an editor's navigation, not a member's; Drafts in both")
    return ids[0], int(doc.get("draft", "0"))


def forbidden(a, web, draft):
    w = web["mo"]
    ok(w.get("/review").status == 403 and
       w.get("/review/item?id=%d" % draft).status == 403,
       "mo (a member) gets 403 on /review and its items")
    token = csrf_of(w.get("/drafts").text) or \
        csrf_of(w.get("/write").text, "/write")
    r = w.post("/review/act", {"id": str(draft), "action": "approve",
                               "csrf": token})
    ok(r.status == 403 and "editors" in r.text,
       "and on its actions (%d)" % r.status)
    ok(a.get("/review", accept="text/html").status in (302, 303),
       "a visitor is sent to sign in")


def returned(a, web, draft):
    ed = web["ed"]
    r = act(ed, draft, "comment", comment="Is the checklist dated?")
    ok(r.status == 303, "ed comments (%d)" % r.status)
    r = act(ed, draft, "start")
    _, t = page(ed, "/review")
    ok(r.status == 303 and "taken by ed" in t, "ed starts the review")
    r = act(ed, draft, "return", feedback="  ")
    ok(r.status == 422 and "feedback" in (field_error(r.text, "feedback")
                                          or ""),
       "returning needs feedback, shown next to the field (%d)" % r.status)
    r = act(ed, draft, "return", feedback="Please add the checklist's date.")
    ok(r.status == 303, "ed returns it with feedback (%d)" % r.status)
    w = web["alice"]
    _, t = page(w, "/drafts")
    ok("Returned to the author with feedback" in t and
       "Please add the checklist's date." in t and
       "Is the checklist dated?" in t, "alice sees the feedback in /drafts")
    _, t = page(w, "/notifications")
    ok("returned your draft with feedback" in t,
       "and a notification (returned)")
    r, t = page(w, "/drafts/edit?id=%d" % draft)
    ok(r.status == 200 and 'name="draft" value="%d"' % draft in r.text and
       TOOL["title"] in t and "Submit for review" in t,
       "the draft opens in the form, with Submit for review")
    f = dict(TOOL, draft=str(draft),
             what_we_learned="A dated checklist at the bedside helps.")
    r = w.submit("/drafts/edit?id=%d" % draft, "/learn/new", f)
    ok(r.status == 303 and "submitted" in r.header("Location"),
       "alice edits and resubmits it (%d)" % r.status)
    ok(draft in draft_ids(page(ed, "/review")[1]),
       "it is back in the queue")


def own(a, web):
    ed = web["ed"]
    r = ed.submit("/learn/new", "/learn/new", dict(TOOL, title="Ed's tool"))
    ok(r.status == 303, "ed submits a tool of his own")
    mine = [i for i in draft_ids(page(ed, "/review")[1])
            if "Ed&#39;s tool" in ed.get("/review/item?id=%d" % i).text
            or "Ed's tool" in page(ed, "/review/item?id=%d" % i)[1]]
    r = act(ed, mine[0], "approve") if mine else None
    ok(r is not None and r.status == 403 and
       "another editor" in html.unescape(r.text),
       "he cannot approve it himself (%s)" % (r and r.status))


def approved(a, b, web, tok, draft):
    ed = web["ed"]
    before = outbox_total(a)
    r = act(ed, draft, "approve", review_by="31 Jan")
    ok(r.status == 422 and "2027-01-31" in (field_error(r.text, "review_by")
                                            or ""),
       "a review-by that is not a date: error next to the field")
    r = act(ed, draft, "approve", review_by="2099-01-31")
    ok(r.status == 303, "ed approves it with a review-by date (%d %s)"
       % (r.status, r.text[:200]))
    ok(outbox_total(a) == before + 1, "published: in alice's outbox")
    items = a.request("GET", "/api/hub/timeline",
                      headers={"Authorization": "Bearer " + tok}).json()
    got = [i for i in items.get("items", [])
           if i.get("name") == TOOL["title"]]
    iri = got[0]["id"] if got else ""
    art = a.get(iri).json() if iri else {}
    day = art.get("learning", {}).get("reviewed", "")
    ok(re.match(r"^\d{4}-\d\d-\d\d$", day) and
       art["learning"].get("contentType") == "tool" and
       "dated checklist" in art.get("content", ""),
       "its Article's learning object says when it was reviewed (%s)" % day)
    path = "/notes?id=" + urllib.parse.quote(iri, safe="")
    t = html.unescape(a.get(path, accept="text/html").text)
    ok("Reviewed by the editors on <time>%s</time>" % day in t,
       "its page says: Reviewed by the editors on %s" % day)
    ok(wait_for(lambda: b.get(path, accept="text/html").status == 200),
       "bob's hub B receives it")
    tb = html.unescape(b.get(path, accept="text/html").text)
    ok("Reviewed by the editors on" in tb, "and shows it reviewed")
    _, t = page(web["alice"], "/notifications")
    ok("approved and published your post" in t, "alice is told")
    _, t = page(web["alice"], "/drafts")
    ok("Published" in t, "her draft shows Published")
    r = act(ed, draft, "approve")
    ok(r.status in (409, 422) and "cannot be published" in
       html.unescape(r.text) and outbox_total(a) == before + 1,
       "approving it again is refused, nothing changes (%d)" % r.status)
    return iri


def kinds(a, web, tok):
    before = outbox_total(a)
    w = web["alice"]
    r = w.submit("/learn/new", "/learn/new",
                 dict(TOOL, title="Night shift reflection",
                      content_type="experience"))
    ok(r.status == 303 and r.header("Location").startswith("/users/alice/")
       and outbox_total(a) == before + 1,
       "an experience publishes directly (%d)" % r.status)
    ok(web["mo"].get("/admin").status == 403, "only admins see /admin")
    r, t = page(web["ann"], "/admin")
    ok("Editorial review" in t and 'name="type-tool" value="1" checked'
       in r.text, "ann's /admin has Editorial review, tool ticked")
    r = web["ann"].submit("/admin", "/review/types",
                          {"type-tool": "1", "type-opinion": "1"})
    ok(r.status == 303, "ann ticks opinion too (%d)" % r.status)
    ok(a.ctl("review-types").stdout.strip() == "tool opinion",
       "hubctl review-types shows tool opinion")
    r = api(a, tok, {"learning": {"title": "My view", "what_happened": "A.",
                                  "what_we_learned": "B.",
                                  "content_type": "opinion"}})
    ok(r.status == 202 and outbox_total(a) == before + 1,
       "then an opinion waits for review (%d)" % r.status)
    r = a.ctl("review-types", "set", "tool", "poem")
    ok(r.returncode != 0 and "poem" in r.stderr,
       "hubctl refuses an unknown kind")


def held(a, web):
    w = web["alice"]
    before = outbox_total(a)
    text = "Patient NHS number %s was on the wrong wristband" % NHS
    r = w.submit("/write", "/write", {"text": text, "visibility": "public"})
    t = html.unescape(r.text)
    ok(r.status == 422 and "Ask an editor to check it" in t and
       csrf_of(r.text, "/drafts/hold"), "the guard stops the note and "
       "offers to ask an editor (%d)" % r.status)
    r = w.post("/drafts/hold", {"csrf": csrf_of(r.text, "/drafts/hold"),
                                "text": text, "visibility": "public",
                                "cw": "", "community": ""})
    ok(r.status == 303 and "held" in r.header("Location"),
       "Ask an editor holds it (%d)" % r.status)
    r = w.post("/drafts/hold", {"csrf": csrf_of(w.get("/write").text,
                                                "/write"),
                                "text": "Nothing identifying here",
                                "visibility": "public"})
    ok(r.status == 422, "a post the guard would pass is not held")
    ed = web["ed"]
    _, q = page(ed, "/review")
    part = q.split("Held by the patient-identifier check")[1]
    ids = draft_ids(part.split("</section>")[0])
    ok(len(ids) == 1, "ed's queue lists it as held")
    r, t = page(ed, "/review/item?id=%d" % ids[0])
    ok("Text, line 1, column 20: nhs" in t and NHS in t,
       "ed sees where and what kind (and the text, in the draft)")
    r = act(ed, ids[0], "override", reason="")
    ok(r.status == 422 and "reason" in (field_error(r.text, "reason") or ""),
       "publishing it needs a reason, shown next to the field")
    ok(outbox_total(a) == before, "nothing published yet")
    reason = "Test range number from a training scenario"
    r = act(ed, ids[0], "override", reason=reason)
    ok(r.status == 303 and outbox_total(a) == before + 1,
       "with a reason it is published (%d)" % r.status)
    _, t = page(ed, "/review/item?id=%d" % ids[0])
    ok("override: <q>%s</q>" % reason in t,
       "the history shows the reason")
    log = a.read_log()
    ok("pii override by ed for draft %d: reason recorded" % ids[0] in log
       and NHS not in log and reason not in log,
       "the log records the override, never the number nor the reason")
    return ids[0]


def due(a, web, draft):
    r = a.ctl("review-by", str(draft), "2020-01-01")
    ok(r.returncode == 0, "hubctl review-by sets a past date (%s)"
       % r.stderr.strip())
    _, t = page(web["ed"], "/review")
    part = t.split("Due for re-review")[1]
    ok(draft in draft_ids(part) and "due for re-review" in part,
       "the queue flags it due for re-review")
    r = a.ctl("review-by", "99999", "2020-01-01")
    ok(r.returncode != 0, "hubctl review-by of an unknown draft fails")
    ok(web["ed"].get("/review/item?id=99999").status == 404 and
       web["ed"].get("/review/item?id=x").status == 404,
       "an unknown draft is a 404 page")


def main():
    with Hub() as a, Hub() as b:
        web, tok = setup(a, b)
        draft, _ = submitted(a, b, web, tok)
        forbidden(a, web, draft)
        returned(a, web, draft)
        own(a, web)
        approved(a, b, web, tok, draft)
        kinds(a, web, tok)
        held(a, web)
        due(a, web, draft)
        stop_and_check(a, b)
    done()


if __name__ == "__main__":
    main()
