"""Notes across hubs: a member's posts reach followers on another hub
(one delivery per shared inbox), land on their home timelines, and go when
deleted; remote HTML is sanitized on the way in."""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from hubtest import Hub, done, ok  # noqa: E402
from test_follow import Player, follows, wait_for  # noqa: E402


def timeline(h, tok):
    r = h.request("GET", "/api/hub/timeline",
                  headers={"Authorization": "Bearer " + tok})
    return (r.json() or {}).get("items", []) if r.status == 200 else None


def contents(h, tok):
    return [i.get("content", "") for i in timeline(h, tok) or []]


def between_hubs(a, b, tok):
    bob = b.base + "/users/bob"
    for name in ("alice", "dave"):
        a.ctl("follow", name, "@bob@" + b.host)
    ok(wait_for(lambda: len(follows(b, "followers", "bob")) == 2),
       "alice and dave follow bob")
    delivered = b.read_log().count("delivered to %s/inbox " % a.base)
    url = b.post("bob", "Hello from B: check lactate early #Sepsis")
    ok(wait_for(lambda: any("check lactate early" in c
                            for c in contents(a, tok))),
       "bob's post reaches alice's home timeline")
    item = timeline(a, tok)[0]
    ok(item.get("id") == url and item.get("author", {}).get("id") == bob and
       'href="%s/tags/sepsis"' % b.base in item.get("content", ""),
       "with its id, author and hashtag link")
    ok(wait_for(lambda: "check lactate early" in a.ctl("timeline",
                                                       "dave").stdout),
       "and dave's, from the same delivery")
    time.sleep(0.5)
    ok(b.read_log().count("delivered to %s/inbox " % a.base) ==
       delivered + 1, "one delivery to A's shared inbox for two followers")
    b.post("bob", "For followers only", "--visibility", "followers")
    ok(wait_for(lambda: any("For followers only" in c
                            for c in contents(a, tok))),
       "a followers-only post reaches followers")
    ok(b.ctl("delete", url).returncode == 0, "bob deletes his post")
    ok(wait_for(lambda: not any("check lactate early" in c
                                for c in contents(a, tok))),
       "the Delete reaches A: gone from alice's timeline")
    ok("check lactate early" not in a.ctl("timeline", "dave").stdout,
       "and from dave's")


def hostile(a, eve, tok):
    alice = a.base + "/users/alice"
    inbox = a.base + "/inbox"

    def note(content, **extra):
        eve.n += 1
        n = {"id": "%s/notes/%d" % (eve.iri, eve.n), "type": "Note",
             "attributedTo": eve.iri, "content": content, "to": [alice],
             "published": "2026-11-26T10:00:00Z"}
        n.update(extra)
        return n
    evil = note('<p onclick="steal()">Look <script>alert(1)</script>'
                '<a href="javascript:alert(2)">here</a> '
                '<a href="https://example.org/x" class="evil mention">ok'
                '</a><img src=x onerror=alert(3)><iframe src="//x">'
                'hidden</iframe></p>')
    st, body = eve.post(inbox, eve.activity("Create", evil, to=[alice]))
    ok(st == 202, "a Create addressed to alice is taken (%s)" % body)
    got = [i for i in timeline(a, tok) if i.get("id") == evil["id"]]
    c = got[0].get("content", "") if got else ""
    ok(got and "Look" in c and "<script" not in c and "onclick" not in c
       and "javascript:" not in c and "<img" not in c and "<iframe" not
       in c and "hidden" not in c,
       "its HTML is sanitized on the way in: %s" % c)
    ok('href="https://example.org/x"' in c and 'class="mention"' in c and
       'rel="nofollow noopener noreferrer"' in c,
       "safe links stay, with rel forced and classes filtered")
    fixed = dict(evil, content="<p>Corrected</p>")
    st, body = eve.post(inbox, eve.activity("Update", fixed))
    ok(st == 202 and any(i.get("content") == "<p>Corrected</p>"
                         for i in timeline(a, tok)),
       "an Update from the author replaces the content")
    lonely = note("<p>Nobody asked</p>", to=[
        "https://www.w3.org/ns/activitystreams#Public"])
    st, body = eve.post(inbox, eve.activity("Create", lonely))
    ok(st == 202 and not any("Nobody asked" in x
                             for x in contents(a, tok)),
       "an unsolicited note is taken and not kept")
    forged = note("<p>Forged</p>", attributedTo=alice)
    st, body = eve.post(inbox, eve.activity("Create", forged))
    ok(st == 422, "a note attributed to someone else: 422 (%s)" % body)
    other = note("<p>x</p>")
    other["id"] = "http://elsewhere.example/notes/1"
    st, body = eve.post(inbox, eve.activity("Create", other))
    ok(st == 422, "a note with an id on another host: 422")
    st, body = eve.post(inbox, eve.activity("Create", "%s/notes/77" %
                                             eve.iri))
    ok(st == 422, "a Create that does not embed its note: 422")
    st, body = eve.post(inbox, eve.activity(
        "Delete", {"id": evil["id"], "type": "Tombstone"}))
    ok(st == 202 and not any(i.get("id") == evil["id"]
                             for i in timeline(a, tok)),
       "the author's Delete removes it")
    ok(a.ctl("check").returncode == 0, "A is consistent")


def main():
    eve = Player()
    with Hub() as a, Hub() as b:
        for n in ("alice", "dave"):
            a.add_user(n)
        b.add_user("bob")
        a.start()
        b.start()
        tok = a.ctl("token", "alice").stdout.strip()
        between_hubs(a, b, tok)
        hostile(a, eve, tok)
        ok(a.stop() == 0 and b.stop() == 0, "both hubs stop cleanly")
    eve.srv.shutdown()
    done()


if __name__ == "__main__":
    main()
