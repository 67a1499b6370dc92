"""The pages people land on, from a browser: the home page for visitors
(latest public learning) and members (their timeline, across two hubs),
the directory of communities, a community's page with Join and Leave
(CSRF checked) and its threads newest first or most active, a private
community's threads hidden, tag pages, search (local names, tags,
words; @user@host of another hub), and hostile HTML rendered inert."""
import os
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from hubtest import Hub, done, ok, stop_and_check  # noqa: E402
from webtest import Web  # noqa: E402
from test_social import accepted, api_get, handle  # noqa: E402
from test_follow import Player, wait_for  # noqa: E402

HOSTILE = ('<p>Remote learning #safety <script>alert(1)</script>'
           '<img src="x" onerror="alert(2)"></p>')


def articles(text):
    return re.findall(r"<article>.*?</article>", text, re.S)


def visitor_home(a, w):
    r = w.get("/")
    ok(r.status == 200 and "Latest learning" in r.text,
       "a visitor's home page: %d" % r.status)
    ok("Public audit of hand hygiene" in r.text and
       "Only for followers" not in r.text and
       "Secret ward round" not in r.text,
       "shows the latest public posts, not followers-only or private "
       "ones")
    ok("Sepsis" in r.text and 'href="/communities"' in r.text and
       "Nothing is featured here yet" in r.text,
       "with links to communities and an empty featured section")
    ok("&lt;script&gt;alert(0)" in r.text and
       "<script>alert(0)" not in r.text,
       "a local post's HTML is escaped")
    ok("Remote learning" in r.text and "<script>" not in r.text and
       "onerror" not in r.text,
       "a remote post's script and handlers are gone")
    arts = articles(r.text)
    ok(len(arts) == 20 and 'rel="next"' in r.text,
       "20 posts a page, with an Older link: %d" % len(arts))
    nxt = re.search(r'rel="next" href="([^"]*)"', r.text)
    r2 = w.get(nxt.group(1).replace("&amp;", "&") if nxt else "/")
    ok(r2.status == 200 and articles(r2.text) and
       articles(r2.text)[0] not in arts,
       "the Older page goes on from there")
    ok(re.search(r'<details><summary>Graphic</summary>', r.text + r2.text),
       "a content warning is a <details>")


def member_home(w):
    r = w.get("/")
    ok(r.status == 200 and "Your home" in r.text and
       'href="/write"' in r.text, "a member's home: %d" % r.status)
    ok("Bob on B says hello" in r.text,
       "shows the post of bob, followed on the second hub")
    ok(re.search(r'<article><p class="meta"><a href="/profile\?id=[^"]*">'
                 r'Bob Builder</a>', r.text),
       "its author's display name links to his profile here")


def directory(w):
    r = w.get("/communities")
    ok(r.status == 200 and "<h1>Communities</h1>" in r.text,
       "the directory of communities: %d" % r.status)
    m = re.search(r"Sepsis</a>.*?</li>", r.text, re.S)
    ok(m and "Learning about sepsis" in m.group(0) and
       "member" in m.group(0) and re.search(r"\d+ posts", m.group(0)) and
       ">open<" in m.group(0),
       "with title, summary, counts and a badge: %s" %
       (m.group(0)[:300] if m else r.text[:300]))
    ok(">closed<" in r.text and ">private<" in r.text,
       "closed and private communities are badged")


def joined(a, tok):
    r = api_get(a, tok, "/api/hub/communities/joined")
    return {i["name"]: i["state"] for i in r.json().get("items", [])}


def join_leave(a, w, tok):
    r = w.get("/c/quality")
    ok(r.status == 200 and "Ask to join" in r.text,
       "a closed community offers to ask to join: %d" % r.status)
    r = w.post("/join", {"community": "quality"})
    ok(r.status == 403 and "quality" not in joined(a, tok),
       "a join without the CSRF token gets 403: %d" % r.status)
    r = w.post("/join", {"community": "quality", "csrf": "0" * 64})
    ok(r.status == 403 and "quality" not in joined(a, tok),
       "a wrong token too: %d" % r.status)
    r = w.submit("/c/quality", "/join", {"community": "quality"})
    ok(r.status == 303 and r.header("Location") == "/c/quality",
       "joining answers 303 back to the community: %d" % r.status)
    ok(joined(a, tok).get("quality") == "pending",
       "the request waits: %s" % joined(a, tok))
    r = w.get("/c/quality")
    ok("Requested" in r.text and "Cancel request" in r.text,
       "the page says Requested")
    r = w.submit("/c/news", "/join", {"community": "news"})
    ok(r.status == 303 and
       wait_for(lambda: joined(a, tok).get("news") == "accepted"),
       "joining an open one: %s" % joined(a, tok))
    r = w.get("/c/news")
    ok("You are a member" in r.text and ">Leave<" in r.text,
       "then it offers to leave")
    r = w.post("/leave", {"community": "news"})
    ok(r.status == 403 and "news" in joined(a, tok),
       "leaving without the token gets 403: %d" % r.status)
    r = w.submit("/c/news", "/leave", {"community": "news"})
    ok(r.status == 303 and wait_for(lambda: "news" not in joined(a, tok)),
       "leaving works: %s" % joined(a, tok))
    r = w.submit("/c/news", "/join", {"community": "nosuch"})
    ok(r.status == 404, "an unknown community gets 404: %d" % r.status)
    r = Web(a).post("/join", {"community": "news"})
    ok(r.status == 303 and "/signin" in (r.header("Location") or ""),
       "a visitor is sent to sign in: %d" % r.status)


def community_sort(w):
    r = w.get("/c/sepsis")
    t = r.text
    ok(r.status == 200 and "<h2>Moderators</h2>" in t and
       "Learning about sepsis" in t and 'aria-current="page">Newest' in t,
       "the community page: about, moderators, newest first: %d" %
       r.status)
    i1, i2 = t.find("Lactate thread"), t.find("Screening thread")
    ok(0 <= i1 < i2, "the newest thread first (%d %d)" % (i1, i2))
    ok("We do that too" not in t, "replies are not threads of their own")
    r = w.get("/c/sepsis?sort=active")
    t = r.text
    i1, i2 = t.find("Lactate thread"), t.find("Screening thread")
    ok(0 <= i2 < i1 and "2 replies" in t,
       "most active first: the thread with replies (%d %d)" % (i1, i2))
    r = w.get("/c/sepsis?sort=size")
    ok(r.status == 400, "an unknown sort gets 400: %d" % r.status)


def private(a, ann, visitor):
    r = visitor.get("/c/secret")
    ok(r.status == 200 and "members only" in r.text and
       "Secret ward round" not in r.text,
       "a private community's threads are hidden from visitors")
    r = ann.get("/c/secret")
    ok("members only" in r.text and "Secret ward round" not in r.text,
       "and from members who have not joined")
    dave = Web(a)
    dave.signin("dave", a.dave_pw)
    r = dave.get("/c/secret")
    ok("Secret ward round" in r.text and "members only" not in r.text,
       "its members read them")
    ok("moderation page" not in ann.get("/c/sepsis").text and
       "moderation page" in dave.get("/c/sepsis").text,
       "a community's moderator, and only they, find its moderation")


def tag_page(w):
    r = w.get("/tags/Safety")
    ok(r.status == 200 and "<h1>#safety</h1>" in r.text and
       "Public audit" in r.text,
       "the tag page lists a tagged post: %d" % r.status)
    ok("Remote learning" in r.text,
       "and a remote post with the tag, passed on by the community")
    ok("<script>" not in r.text and "onerror" not in r.text,
       "hostile HTML stays inert there")
    r = w.get("/tags/nothingatall")
    ok(r.status == 200 and "Nothing has been shared" in r.text,
       "an unused tag says so")


def search(a, b, w):
    def q(s):
        return w.get("/search?q=" + urllib.parse.quote(s))
    r = w.get("/search")
    ok(r.status == 200 and '<label for="q">Search</label>' in r.text and
       'method="get"' in r.text, "a labelled search box")
    r = q("annie")
    ok("Annie Nurse</a>" in r.text, "finds a member by display name")
    r = q("seps")
    ok(re.search(r"Sepsis</a> <span class=\"meta\">@sepsis · community",
                 r.text), "finds a community by name")
    r = q("#safety")
    ok('href="/tags/safety"' in r.text, "finds a tag")
    r = q("HYGIENE audit")
    ok("Public audit of hand hygiene" in r.text and
       "Only for followers" not in r.text,
       "finds a post by its words, any case")
    r = q(handle(b, "bob"))
    ok(r.status == 200 and "Bob Builder</a>" in r.text and
       "/profile?id=" in r.text,
       "resolves @bob@B of the second hub: %d %s" % (r.status,
                                                     r.text[-600:]))
    r = q('<script>alert("q")</script>')
    ok(r.status == 200 and "&lt;script&gt;alert(&quot;q&quot;)" in
       r.text and '<script>alert("q")' not in r.text,
       "a query with HTML is escaped on the results page")
    r = q("x" * 201)
    ok(r.status == 400 and "too long" in r.text and "x" * 201 in r.text,
       "an over-long query is refused kindly, kept: %d" % r.status)
    r = q("   ")
    ok(r.status == 200 and "Type what you are looking for" in r.text,
       "an empty one asks kindly")


def remote_post(a, group):
    mira = Player("mira")
    st, _ = mira.post(group + "/inbox", mira.activity("Follow", group))
    ok(st == 202, "a remote player joins sepsis")
    note = {"id": mira.iri + "/notes/1", "type": "Note",
            "attributedTo": mira.iri, "content": HOSTILE,
            "published": "2026-01-01T00:00:00Z",
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "cc": [group], "audience": group,
            "tag": [{"type": "Hashtag", "name": "#safety",
                     "href": "http://x.example/tags/safety"}]}
    wait_for(lambda: False, 1.0)
    st, body = mira.post(group + "/inbox", mira.activity(
        "Create", note, to=note["to"], cc=note["cc"]))
    ok(st == 202, "and posts hostile HTML into it: %d %s" % (st, body))
    ok(wait_for(lambda: "Remote learning" in
                Web(a).get("/c/sepsis").text),
       "the community passes it on")


def main():
    with Hub() as a, Hub() as b:
        a.add_user("ada", "--role", "admin")
        pw = a.add_user("ann", "--display-name", "Annie Nurse")
        a.dave_pw = a.add_user("dave")
        b.add_user("bob", "--display-name", "Bob Builder")
        a.ctl("group", "create", "sepsis", "--title", "Sepsis",
              "--summary", "Learning about sepsis")
        a.ctl("group", "create", "quality", "--locked")
        a.ctl("group", "create", "news")
        a.ctl("group", "create", "secret", "--private")
        tok = a.ctl("token", "ann").stdout.strip()
        a.start()
        b.start()
        group = a.base + "/c/sepsis"
        a.ctl("follow", "dave", handle(a, "sepsis"))
        a.ctl("follow", "dave", handle(a, "secret"))
        a.ctl("follow", "ann", handle(b, "bob"))
        ok(wait_for(lambda: a.base + "/users/dave" in
                    a.ctl("followers", "secret").stdout),
           "dave asks to join the private community")
        a.ctl("approve", "secret", a.base + "/users/dave")
        ok(wait_for(lambda: accepted(a, "ann", b.base + "/users/bob") and
                    accepted(a, "dave", group) and
                    accepted(a, "dave", a.base + "/c/secret")),
           "ann follows bob on B; dave joins sepsis and secret")
        screening = a.post("dave", "Screening thread", "--group", "sepsis")
        a.post("dave", "Lactate thread", "--group", "sepsis")
        a.post("dave", "Secret ward round", "--group", "secret")
        a.ctl("group", "mod", "add", "sepsis", "dave")
        a.post("ann", "Only for followers", "--visibility", "followers")
        a.post("ann", "Dark details", "--cw", "Graphic")
        for i in range(18):
            a.post("dave", "Filler post %d" % i)
        a.post("ann", "Public audit of hand hygiene #safety")
        a.post("ann", "Look <script>alert(0)</script>")
        remote_post(a, group)
        # Replies make the older thread the most active.
        a.post("ann", "We do that too", "--reply-to", screening)
        a.post("dave", "Us as well", "--reply-to", screening)
        b.post("bob", "Bob on B says hello")
        visitor = Web(a)
        visitor_home(a, visitor)
        ann = Web(a)
        r = ann.signin("ann", pw)
        ok(r.status == 303, "ann signs in: %d" % r.status)
        ok(wait_for(lambda: "Bob on B" in ann.get("/").text),
           "bob's post reaches ann's timeline")
        member_home(ann)
        directory(ann)
        join_leave(a, ann, tok)
        community_sort(ann)
        private(a, ann, visitor)
        tag_page(visitor)
        search(a, b, ann)
        stop_and_check(a, b)


if __name__ == "__main__":
    main()
    done()
