"""Writing and reading posts from a browser: compose in Markdown with a
preview, publish (it federates), reply to a post from another hub, like
and boost, edit and delete one's own posts, and a note's page with its
thread. Hostile HTML, in a remote note or typed here, renders inert."""
import os
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from hubtest import Hub, done, ok, stop_and_check  # noqa: E402
from test_follow import Player, follows, wait_for  # noqa: E402
from webtest import Web, csrf_of, field_error, field_value  # noqa: E402

MD = ("# Handover checklist\n\nWhat **we learned**:\n\n- check the "
      "*drug chart*\n- read back\n\nSee [the guide](https://example.org/"
      "guide) #Handover")


def q(s):
    return urllib.parse.quote(s, safe="")


def path_of(h, iri):
    return iri[len(h.base):] if iri.startswith(h.base) else \
        "/notes?id=" + q(iri)


def compose(w, a):
    r = Web(a).get("/write")
    ok(r.status == 303 and (r.header("Location") or "").startswith(
        "/signin?next="), "a visitor is sent to sign in: %d %s" %
       (r.status, r.header("Location")))
    r = w.get("/write")
    ok(r.status == 200 and '<label for="text">' in r.text and
       "Markdown" in r.text and '<label for="visibility">' in r.text and
       '<label for="community">' in r.text and '<label for="cw">' in r.text,
       "the compose page has labelled fields and a Markdown hint")
    r = w.post("/write", {"csrf": "forged", "text": "CSRF marker"})
    ok(r.status == 403, "a forged CSRF token is refused: %d" % r.status)
    r = w.submit("/write", "/write", {"text": "   ", "visibility": "public",
                                      "community": ""})
    ok(r.status == 422 and field_error(r.text, "text"),
       "an empty post: 422, the problem next to the field: %s" %
       field_error(r.text, "text"))
    r = w.submit("/write", "/write", {"text": "x" * 5001 + " kept",
                                      "visibility": "public"})
    ok(r.status == 422 and "5000" in (field_error(r.text, "text") or "") and
       (field_value(r.text, "text") or "").endswith(" kept"),
       "too long: 422, the text kept")
    r = w.submit("/write", "/write", {"text": "hello", "visibility": "public",
                                      "community": "nosuch"})
    ok(r.status == 422 and "community" in (field_error(r.text, "community")
                                           or ""),
       "an unknown community: shown next to its field: %s" %
       field_error(r.text, "community"))
    r = w.submit("/write", "/write", {"text": MD, "visibility": "public",
                                      "community": "", "preview": "1"})
    ok(r.status == 200 and "<strong>we learned</strong>" in r.text and
       "<li>check the <em>drug chart</em></li>" in r.text and
       field_value(r.text, "text") == MD,
       "Preview shows the rendered Markdown, the text kept")
    r = w.get("/users/alice")
    ok("Handover checklist" not in r.text, "and publishes nothing")
    r = w.submit("/write", "/write", {"text": MD, "visibility": "public",
                                      "community": "", "cw": ""})
    loc = r.header("Location") or ""
    ok(r.status == 303 and "/users/alice/statuses/" in loc,
       "Publish: 303 to the new note's page: %s" % loc)
    return a.base + loc


def post_page(w, a, b, iri):
    r = w.get(path_of(a, iri))
    t = r.text
    ok(r.status == 200 and "<strong>we learned</strong>" in t and
       "<ul>" in t and '<a href="https://example.org/guide"' in t and
       "<strong>Handover checklist</strong>" in t and "/tags/handover" in t,
       "the post page shows the Markdown rendered")
    ok('rel="author">alice</a>' in t and "@alice@" + a.host in t and
       "0 likes" in t and "0 boosts" in t and ">Reply</a>" in t and
       ">Edit</a>" in t and ">Delete</a>" in t,
       "with its author, counts and the author's buttons")
    ok(wait_for(lambda: "<strong>we learned</strong>" in
                Web(b).get("/notes?id=" + q(iri)).text),
       "it federates to the other hub with its HTML")


def reply_remote(w, a, b):
    url = b.post("bob", "A question from hub B about handover")
    ok(wait_for(lambda: Web(a).get("/notes?id=" + q(url)).status == 200),
       "bob's post arrives and has a page here: /notes?id=")
    ok('href="/write?reply_to=%s">Reply</a>' % q(url) in
       w.get("/notes?id=" + q(url)).text, "its page links to Reply")
    r = w.get("/write?reply_to=" + q(url))
    ok(r.status == 200 and "A question from hub B" in r.text,
       "the compose page shows the post being answered")
    r = w.submit("/write?reply_to=" + q(url), "/write",
                 {"text": "An answer from hub A", "visibility": "public",
                  "community": "", "reply_to": url})
    ok(r.status == 303, "the reply is published: %d" % r.status)
    ok(wait_for(lambda: "An answer from hub A" in
                Web(b).get(path_of(b, url)).text),
       "the reply reaches hub B and shows under bob's post there")
    r = w.get("/notes?id=" + q(url))
    ok('class="replies"' in r.text and "An answer from hub A" in r.text,
       "and under it here, as a nested list")
    return url


def reactions(w, a, iri):
    page = path_of(a, iri)
    r = w.post("/like", {"csrf": "forged", "id": iri})
    ok(r.status == 403, "Like with a forged token: 403")
    r = w.submit(page, "/like", {"id": iri})
    ok(r.status == 303 and r.header("Location") == page,
       "Like: 303 back to the post")
    t = w.get(page).text
    ok("1 like," in t and ">Unlike</button>" in t, "1 like, and Unlike")
    r = w.submit(page, "/boost", {"id": iri})
    t = w.get(page).text
    ok("1 boost" in t and ">Unboost</button>" in t, "Boost: 1 boost")
    w.submit(page, "/unlike", {"id": iri})
    w.submit(page, "/unboost", {"id": iri})
    t = w.get(page).text
    ok("0 likes" in t and "0 boosts" in t, "Unlike and Unboost: back to 0")


def others(a, pm, iri):
    m = Web(a)
    m.signin("mallory", pm)
    r = m.get("/edit?id=" + q(iri))
    ok(r.status == 403, "another member cannot edit: %d" % r.status)
    r = m.get("/delete?id=" + q(iri))
    ok(r.status == 403, "nor open the delete page: %d" % r.status)
    tok = csrf_of(m.get("/write").text, "/write")
    r = m.post("/delete", {"csrf": tok, "id": iri})
    ok(r.status == 403, "nor delete: %d" % r.status)
    r = m.post("/edit", {"csrf": tok, "id": iri, "text": "mine now"})
    ok(r.status == 403, "nor save an edit: %d" % r.status)
    r = m.get(path_of(a, iri))
    ok(">Edit</a>" not in r.text and ">Like</button>" in r.text,
       "and sees no Edit button, but can like")


def edit_delete(w, a, iri):
    r = w.get("/edit?id=" + q(iri))
    ok(r.status == 200 and field_value(r.text, "text") == MD,
       "the edit form shows the Markdown source")
    r = w.post("/edit", {"csrf": "forged", "id": iri, "text": "x"})
    ok(r.status == 403, "edit with a forged token: 403")
    r = w.submit("/edit?id=" + q(iri), "/edit",
                 {"id": iri, "text": "", "cw": ""})
    ok(r.status == 422 and field_error(r.text, "text"),
       "an empty edit: 422")
    r = w.submit("/edit?id=" + q(iri), "/edit",
                 {"id": iri, "text": "Edited *text*", "cw": ""})
    ok(r.status == 303, "the edit is saved: %d" % r.status)
    t = w.get(path_of(a, iri)).text
    ok("Edited <em>text</em>" in t and "(edited)" in t and
       "we learned" not in t, "the page shows the new text")
    r = w.get("/delete?id=" + q(iri))
    ok(r.status == 200 and "Delete this post?" in r.text,
       "delete asks first")
    r = w.post("/delete", {"csrf": "forged", "id": iri})
    ok(r.status == 403, "delete with a forged token: 403")
    r = w.submit("/delete?id=" + q(iri), "/delete", {"id": iri})
    ok(r.status == 303, "the post is deleted: %d" % r.status)
    r = w.get(path_of(a, iri))
    ok(r.status == 410, "its page: 410 gone (%d)" % r.status)


def hostile(w, a, eve):
    alice = a.base + "/users/alice"
    evil = {"id": eve.iri + "/notes/evil", "type": "Note",
            "attributedTo": eve.iri,
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "cc": [alice], "published": "2026-11-26T10:00:00Z",
            "content": '<p onclick="steal()">Evil <script>alert(1)</script>'
            '<a href="javascript:alert(2)">here</a>'
            '<img src=x onerror=alert(3)></p>',
            "summary": "<b>cw</b>"}
    st, body = eve.post(a.base + "/inbox",
                        eve.activity("Create", evil, to=evil["to"]))
    ok(st == 202, "a remote note with hostile HTML is taken: %d" % st)
    r = w.get("/notes?id=" + q(evil["id"]))
    t = r.text
    main = t[t.find('<article class="note main">'):]
    main = main[:main.find("</article>")]
    ok(r.status == 200 and "Evil" in main and "<script" not in t and
       "onerror" not in t and "onclick" not in t and
       "javascript:" not in t and "<b>cw" not in t and
       "<summary>" in main,
       "its page shows it inert (%d): %s" % (r.status, main))
    r = w.submit("/write", "/write", {
        "text": "Typed <script>alert(1)</script> "
                "[x](javascript:alert(1)) <img src=x onerror=alert(2)>",
        "visibility": "public", "community": ""})
    t = w.get(r.header("Location") or "/").text
    ok(r.status == 303 and "Typed" in t and "alert(1)</script>" not in t
       and 'href="javascript' not in t and "<img src=x" not in t and
       "Typed &lt;script&gt;alert(1)&lt;/script&gt;" in t and
       "&lt;img src=x onerror=alert(2)&gt;" in t,
       "HTML typed in a local post shows as the text typed, inert")
    r = w.get("/notes?id=" + q(a.base + "/nothing"))
    ok(r.status == 404, "an unknown note: 404 (%d)" % r.status)


def main():
    eve = Player("evepost")
    with Hub() as a, Hub() as b:
        pw = a.add_user("alice")
        pm = a.add_user("mallory")
        b.add_user("bob")
        a.start()
        b.start()
        a.ctl("follow", "alice", "@bob@" + b.host)
        b.ctl("follow", "bob", "@alice@" + a.host)
        ok(wait_for(lambda: follows(b, "followers", "bob") and
                    follows(a, "followers", "alice")),
           "alice and bob follow each other")
        w = Web(a)
        w.signin("alice", pw)
        iri = compose(w, a)
        post_page(w, a, b, iri)
        reply_remote(w, a, b)
        reactions(w, a, iri)
        others(a, pm, iri)
        edit_delete(w, a, iri)
        hostile(w, a, eve)
        stop_and_check(a, b)
    eve.srv.shutdown()
    done()


if __name__ == "__main__":
    main()
