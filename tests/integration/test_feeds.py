"""RSS 2.0 and Atom feeds of members, communities and tags, read with
Debian's python3-feedparser (and a strict XML parser): well-formed
whatever the posts hold, newest first, only public posts (never
followers-only, direct, private-community or deleted ones), remote notes
in tag feeds, 404/410 where the actor URL says so, ETag and 304, and the
<link rel="alternate"> of the HTML pages.

feedparser comes from Debian (setup.sh installs python3-feedparser) into
/usr/lib/python3/dist-packages, which only Debian's own /usr/bin/python3
reads. The suite runs "python3" from PATH, which may be another Python
(pyenv, a venv): then this test runs itself again with /usr/bin/python3,
rather than mixing Debian's modules into another interpreter. The rest
of the harness is standard library only, so it runs on either."""
import os
import sys

try:
    import feedparser
except ImportError:
    feedparser = None
    if (os.path.exists("/usr/bin/python3") and
            os.path.realpath(sys.executable) !=
            os.path.realpath("/usr/bin/python3")):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)

import html.parser  # noqa: E402
import re  # noqa: E402
import time  # noqa: E402
import xml.etree.ElementTree as ET  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
from hubtest import Hub, PUBLIC, done, ok, stop_and_check  # noqa: E402
from test_follow import Player, wait_for  # noqa: E402
from test_group_forms import delivered  # noqa: E402
from test_social import accepted, handle  # noqa: E402

RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
HTML = "text/html"


def fetch(h, path, headers=None):
    return h.get(path, accept="application/rss+xml, application/atom+xml",
                 headers=headers)


def parse(h, path):
    """GET a feed: (response, feedparser result or None). The HTML is
    left as served (sanitize_html=False) so the checks see it."""
    r = fetch(h, path)
    if r.status != 200:
        return r, None
    return r, feedparser.parse(r.body, sanitize_html=False,
                               resolve_relative_uris=False)


def strict_xml(body):
    try:
        ET.fromstring(body)
        return True
    except ET.ParseError:
        return False


def content_of(e):
    if e.get("content"):
        return e.content[0].value
    return e.get("summary", "")


class Tags(html.parser.HTMLParser):
    """The start tags of a document: (name, attrs dict)."""

    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags_of(text):
    p = Tags()
    p.feed(text)
    return p.tags


def well_formed(h, path, kind):
    """The feed parses (feedparser and strict XML) with the right
    content type; returns the parsed feed."""
    r, f = parse(h, path)
    ok(r.status == 200 and r.header("Content-Type") ==
       (RSS if kind == "rss" else ATOM),
       "%s: 200 %s (%d %s)" % (path, kind, r.status,
                              r.header("Content-Type")))
    ok(f is not None and f.bozo == 0 and strict_xml(r.body) and
       f.version == ("rss20" if kind == "rss" else "atom10"),
       "%s is well-formed %s (bozo %s %s)" %
       (path, kind, f and f.bozo, f and f.get("bozo_exception")))
    return r, f


def self_link(f):
    return [lk.get("href") for lk in f.feed.get("links", [])
            if lk.get("rel") == "self"]


def member_feeds(a, posts, hidden):
    alice = a.base + "/users/alice"
    want = [posts[k] for k in ("unlisted", "group", "cw", "hostile",
                               "first")]
    for kind in ("rss", "atom"):
        path = "/users/alice/feed." + kind
        r, f = well_formed(a, path, kind)
        if f is None:
            continue
        ok("Alice Example" in f.feed.get("title", "") and
           f.feed.get("link") == alice and
           self_link(f) == [a.base + path] and
           f.feed.get("language", "en") == "en" and
           f.feed.get("updated_parsed") is not None,
           "%s: title, link to the profile, self link, updated: %s %s %s"
           % (kind, f.feed.get("title"), f.feed.get("link"), self_link(f)))
        ok("Ward nurse" in f.feed.get("subtitle", f.feed.get(
            "description", "")), "%s: description from the profile" % kind)
        ids = [e.get("id") for e in f.entries]
        ok(ids == want, "%s: alice's public and unlisted notes, newest "
           "first: %s" % (kind, ids))
        times = [time.mktime(e.published_parsed) for e in f.entries
                 if e.get("published_parsed")]
        ok(len(times) == len(ids) and times == sorted(times, reverse=True),
           "%s: each published, in order" % kind)
        ok(all(e.get("link") == e.get("id") and e.get("author") ==
               "Alice Example" and e.get("updated_parsed") is not None
               for e in f.entries),
           "%s: each with its link, author and updated" % kind)
        if kind == "atom":
            ok(all(e.get("author_detail", {}).get("href") == alice
                   for e in f.entries), "atom: the author's profile URL")
        by = {e.get("id"): e for e in f.entries}
        e = by.get(posts["cw"], {})
        ok(e.get("title") == "Dose <b>error</b> & recovery",
           "%s: the content warning is the title: %r" %
           (kind, e.get("title")))
        e = by.get(posts["first"], {})
        ok(e.get("title") == "First lesson about lactate #Sepsis" and
           "First lesson about lactate" in content_of(e) and
           [t.get("term") for t in e.get("tags", [])] == ["sepsis"],
           "%s: else the start of the text is; content and category: %r %r"
           % (kind, e.get("title"), e.get("tags")))
        e = by.get(posts["hostile"], {})
        c = content_of(e)
        ok("&lt;script&gt;" in c and "]]&gt;" in c and "&amp;" in c and
           "\U0001F600" in c and
           not any(t == "script" for t, _ in tags_of(c)),
           "%s: hostile text is text, no script element: %r" % (kind, c))
        ok(e.get("title", "").startswith("Beware <script>alert(1)"),
           "%s: and its title reads as typed: %r" % (kind, e.get("title")))
        ok(not any(s in r.text for s in hidden),
           "%s: no followers-only, direct, private or deleted post" % kind)


def community_feeds(a, posts):
    group = a.base + "/c/safety"
    for kind in ("rss", "atom"):
        path = "/c/safety/feed." + kind
        r, f = well_formed(a, path, kind)
        if f is None:
            continue
        ids = [e.get("id") for e in f.entries]
        ok(f.feed.get("title") == "Safety" and
           f.feed.get("link") == group and self_link(f) == [a.base + path],
           "%s: the community's title and links" % kind)
        ok(ids == [posts["anon"], posts["group"]],
           "%s: the posts published in it, newest first: %s" % (kind, ids))
        authors = [e.get("author") for e in f.entries]
        ok(authors == ["Safety", "Alice Example"],
           "%s: the anonymous post is the community's own: %s"
           % (kind, authors))
    r = fetch(a, "/c/quiet/feed.rss")
    ok(r.status == 404, "a private community has no feed (%d)" % r.status)
    r = fetch(a, "/c/quiet/feed.atom")
    ok(r.status == 404 and b"Members only" not in r.body,
       "nor Atom (%d)" % r.status)


def tag_feeds(a, posts, remote, hidden):
    for kind in ("rss", "atom"):
        path = "/tags/sepsis/feed." + kind
        r, f = well_formed(a, path, kind)
        if f is None:
            continue
        ids = [e.get("id") for e in f.entries]
        want = [remote, posts["anon"], posts["group"], posts["hostile"],
                posts["first"]]
        ok(ids == want, "%s: public notes tagged #sepsis, local and "
           "remote, newest first: %s" % (kind, ids))
        ok(f.feed.get("link") == a.base + "/tags/sepsis" and
           self_link(f) == [a.base + path] and
           "#sepsis" in f.feed.get("title", ""),
           "%s: the tag's title and links" % kind)
        e = {e.get("id"): e for e in f.entries}.get(remote, {})
        c = content_of(e)
        # HTML parsing on ingest may have made the BEL a U+FFFD.
        title = e.get("title", "").replace("\ufffd", "")
        ok(e.get("author") == "eve" and
           e.get("link") == remote.replace("/notes/", "/@eve/") and
           title == "Remote CW with <angle> & amp",
           "%s: the remote note, its author, url and title: %r %r %r"
           % (kind, e.get("author"), e.get("link"), e.get("title")))
        ok("Remote learning" in c and "\x01" not in c and
           "\U0001F600" in c and
           not any(t == "script" for t, _ in tags_of(c)),
           "%s: its sanitized content, control characters left out: %r"
           % (kind, c))
        ok(not any(s in r.text for s in hidden + ["unlisted words",
                                                 "Deleted remote"]),
           "%s: no unlisted, followers-only, private or deleted post"
           % kind)
    r, f = parse(a, "/tags/SePsIs/feed.rss")
    ok(f is not None and len(f.entries) == 5,
       "the tag is case-insensitive")


def errors(a):
    for path in ("/users/nobody/feed.rss", "/users/nobody/feed.atom",
                 "/c/nobody/feed.rss", "/c/alice/feed.rss",
                 "/users/safety/feed.atom", "/tags/nothing/feed.rss",
                 "/tags/nothing/feed.atom", "/users/dave/feed.rss"):
        r = fetch(a, path)
        ok(r.status == 404, "%s: 404 (%d)" % (path, r.status))
    r = a.get("/users/nobody/feed.rss", accept=HTML)
    ok(r.status == 404 and "<html" in r.text and
       "could not find" in r.text, "a friendly page for browsers")
    r = fetch(a, "/users/zed/feed.atom")
    ok(r.status == 410, "a deleted member's feed: 410 (%d)" % r.status)


def caching(a):
    r = fetch(a, "/users/alice/feed.rss")
    etag = r.header("ETag")
    ok(etag and "public" in (r.header("Cache-Control") or ""),
       "an ETag and Cache-Control: %s %s" % (etag, r.header(
           "Cache-Control")))
    r2 = fetch(a, "/users/alice/feed.rss", {"If-None-Match": etag})
    ok(r2.status == 304 and r2.body == b"" and r2.header("ETag") == etag,
       "If-None-Match: 304 (%d)" % r2.status)
    other = fetch(a, "/users/alice/feed.atom").header("ETag")
    ok(other and other != etag, "Atom has its own ETag")
    a.post("alice", "One more lesson")
    r3 = fetch(a, "/users/alice/feed.rss", {"If-None-Match": etag})
    ok(r3.status == 200 and r3.header("ETag") != etag and
       b"One more lesson" in r3.body, "a new post changes it: 200")


def page_links(a):
    for path, base in (("/users/alice", a.base + "/users/alice/feed"),
                       ("/c/safety", a.base + "/c/safety/feed"),
                       ("/tags/sepsis", a.base + "/tags/sepsis/feed")):
        r = a.get(path, accept=HTML)
        head = r.text.split("</head>")[0]
        links = {(d.get("type"), d.get("href")) for t, d in tags_of(head)
                 if t == "link" and d.get("rel") == "alternate" and
                 d.get("title")}
        ok(r.status == 200 and
           ("application/rss+xml", base + ".rss") in links and
           ("application/atom+xml", base + ".atom") in links,
           "%s links to its feeds in <head>: %s" % (path, links))
        anchors = {d.get("href") for t, d in tags_of(r.text) if t == "a"}
        ok({base + ".rss", base + ".atom"} <= anchors,
           "%s shows RSS and Atom links" % path)
    for path in ("/c/quiet", "/users/dave"):
        r = a.get(path, accept=HTML)
        ok(r.status == 200 and "application/rss+xml" not in r.text,
           "%s (private, disabled) does not" % path)


def remote_notes(a, eve):
    """eve, on another server, whom alice follows, posts a public note
    tagged #Sepsis (and one she deletes)."""
    r = a.ctl("follow", "alice", eve.iri)
    ok(r.returncode == 0, "alice follows eve (%s)" % r.stderr.strip())
    ok(wait_for(lambda: any(d.get("object") == eve.iri
                            for d in delivered("Follow"))),
       "eve's server gets the Follow")
    follow = [d for d in delivered("Follow") if d.get("object") ==
              eve.iri][-1]
    st, _ = eve.post(a.base + "/inbox", eve.activity("Accept", follow))
    ok(st == 202 and wait_for(lambda: accepted(a, "alice", eve.iri)),
       "eve accepts")
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    tag = [{"type": "Hashtag", "name": "#Sepsis",
            "href": eve.iri + "/tags/sepsis"}]
    ids = []
    for n, text, cw in ((1, "Deleted remote note", None),
                        (2, "<p>Remote learning \x01\x02\x1b &amp; "
                         "<script>alert(1)</script> \U0001F600 "
                         "#Sepsis</p>", "Remote CW \x07with &lt;angle&gt; &amp; amp")):
        note = {"id": "%s/notes/%d" % (eve.iri, n), "type": "Note",
                "attributedTo": eve.iri, "content": text, "summary": cw,
                "url": "%s/@eve/%d" % (eve.iri, n),
                "to": [PUBLIC], "cc": [eve.iri + "/followers"],
                "published": now, "tag": tag}
        st, body = eve.post(a.base + "/inbox", eve.activity(
            "Create", note, to=[PUBLIC]))
        ok(st == 202, "eve's public note %d is taken (%s)" % (n, body))
        ids.append(note["id"])
    st, _ = eve.post(a.base + "/inbox", eve.activity(
        "Delete", {"id": ids[0], "type": "Tombstone"}))
    ok(st == 202, "and she deletes the first")
    return ids[1]


def setup(a):
    """Posts of every kind; returns (urls by name, texts never shown)."""
    posts = {}
    group = a.base + "/c/safety"
    for name in ("alice", "dave"):
        a.ctl("follow", name, handle(a, "safety"))
    a.ctl("follow", "alice", handle(a, "quiet"))
    ok(wait_for(lambda: "(pending)" in a.ctl("followers", "quiet").stdout),
       "alice asks to join the private community")
    a.ctl("approve", "quiet", a.base + "/users/alice")
    ok(wait_for(lambda: accepted(a, "alice", group) and
                accepted(a, "dave", group) and
                accepted(a, "alice", a.base + "/c/quiet")),
       "alice and dave join the communities")
    posts["first"] = a.post("alice", "First lesson about lactate #Sepsis")
    a.post("alice", "Followers only secret #Sepsis", "--visibility",
           "followers")
    a.post("alice", "@dave Direct secret #Sepsis", "--visibility", "direct")
    posts["hostile"] = a.post(
        "alice", 'Beware <script>alert(1)</script> ]]> & "quotes" '
        "\U0001F600 #Sepsis")
    posts["cw"] = a.post("alice", "What we learned after the event",
                         "--cw", "Dose <b>error</b> & recovery")
    posts["group"] = a.post("alice", "Shared in the community #Sepsis",
                            "--group", "safety")
    posts["members"] = a.post("alice", "Members only secret #Sepsis",
                              "--group", "quiet")
    gone = a.post("alice", "Deleted secret #Sepsis")
    ok(a.ctl("delete", gone).returncode == 0, "alice deletes a post")
    posts["unlisted"] = a.post("alice", "Quiet unlisted words #Sepsis",
                               "--visibility", "unlisted")
    a.ctl("boost", "dave", posts["first"])
    a.ctl("post", "dave", "Anonymous learning #Sepsis", "--group",
          "safety", "--anonymous")
    held = re.findall(r"anonymous:[0-9a-f]+",
                      a.ctl("group", "pending", "safety").stdout)
    r = a.ctl("group", "accept", "safety", held[0] if held else "none")
    ok(r.returncode == 0, "a moderator publishes an anonymous post (%s)"
       % r.stderr.strip())
    def outbox():
        return a.get("/c/safety/outbox?page=true").json() or {}
    ok(wait_for(lambda: len(outbox().get("orderedItems", [])) == 2),
       "the community published two posts")
    items = outbox().get("orderedItems", [])
    posts["anon"] = items[0].get("object", {}) if items else None
    if isinstance(posts["anon"], dict):
        posts["anon"] = posts["anon"].get("id")
    return posts, ["secret"]


def main():
    if feedparser is None:
        ok(False, "python3-feedparser is installed (./setup.sh installs "
           "it; apt-get install python3-feedparser)")
        done()
    eve = Player("eve")
    with Hub() as a:
        a.add_user("alice", "--display-name", "Alice Example",
                   "--summary", "Ward nurse")
        a.add_user("dave")
        a.add_user("zed")
        a.ctl("group", "create", "safety", "--title", "Safety")
        a.ctl("group", "create", "quiet", "--private", "--title", "Quiet")
        a.start()
        posts, hidden = setup(a)
        remote = remote_notes(a, eve)
        ok(a.ctl("user", "disable", "dave").returncode == 0 and
           a.ctl("user", "delete", "zed").returncode == 0,
           "dave is disabled, zed deleted")
        member_feeds(a, posts, hidden)
        community_feeds(a, posts)
        tag_feeds(a, posts, remote, hidden)
        errors(a)
        page_links(a)
        caching(a)
        stop_and_check(a)
    done()


if __name__ == "__main__":
    main()
