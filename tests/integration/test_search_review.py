"""Full-text search after a security review, on a real hubd: a post
counts as a community's only once the community took it in (not while
held for review, nor once refused or removed), in public and private
communities alike; a disabled member's posts take no place in the
results (paging, "next") and their name is answered as an unknown
one; a query that is not UTF-8 is a 400 with a message; a local post
without a title is titled by its text, not its HTML."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from hubtest import Hub, done, ok, stop_and_check  # noqa: E402
from test_follow import wait_for  # noqa: E402
from test_search import api, ids, post  # noqa: E402
from test_social import accepted, handle  # noqa: E402

USERS = ("alice", "bob", "carl", "dana")


def setup(h):
    for n in USERS:
        h.add_user(n)
    h.ctl("group", "create", "mod", "--moderated")
    h.ctl("group", "create", "priv", "--private", "--moderated")
    h.ctl("group", "create", "pub")
    h.start()
    tok = {n: h.ctl("token", n).stdout.strip() for n in USERS}
    for g in ("mod", "priv", "pub"):
        for n in ("alice", "bob"):
            h.ctl("follow", n, handle(h, g))
    for n in ("alice", "bob"):
        ok(wait_for(lambda: h.base + "/users/" + n in
                    h.ctl("followers", "priv").stdout),
           "%s asks to join priv" % n)
        h.ctl("approve", "priv", h.base + "/users/" + n)
    ok(wait_for(lambda: all(accepted(h, n, h.base + "/c/" + g)
                            for n in ("alice", "bob")
                            for g in ("mod", "priv", "pub"))),
       "alice and bob are members of mod, priv and pub")
    return tok


def held(h, group, url):
    return wait_for(lambda: url in h.ctl("group", "pending", group).stdout)


def community_posts(h, tok):
    kestrel = post(h, tok["alice"], "A kestrel near the helipad",
                   community="mod")
    ok(held(h, "mod", kestrel), "alice's post is held in mod")
    ok(ids(h, {"q": "kestrel", "community": "mod"}) == [],
       "a held post is not found as the moderated community's")
    st, doc = api(h, {"q": "kestrel"})
    ok(st == 200 and [r.get("community") for r in doc["results"]] == [None],
       "found as a public post, without naming the community: %s" %
       doc.get("results"))
    r = h.ctl("group", "reject", "mod", kestrel)
    ok(r.returncode == 0 and
       ids(h, {"q": "kestrel", "community": "mod"}) == [],
       "nor once refused (%s)" % r.stderr.strip())

    osprey = post(h, tok["alice"], "An osprey over the car park",
                  community="priv")
    ok(held(h, "priv", osprey), "alice's post is held in priv")
    ok(ids(h, {"q": "osprey"}, tok["bob"]) == [] and
       ids(h, {"q": "osprey", "community": "priv"}, tok["bob"]) == [],
       "a private community's post waiting for review: not found by "
       "another member")
    r = h.ctl("group", "accept", "priv", osprey)
    ok(r.returncode == 0 and
       wait_for(lambda: ids(h, {"q": "osprey"}, tok["bob"]) == [osprey]),
       "found by a member once accepted (%s)" % r.stderr.strip())
    r = h.ctl("group", "remove", "priv", osprey)
    ok(r.returncode == 0 and ids(h, {"q": "osprey"}, tok["bob"]) == [] and
       ids(h, {"q": "osprey"}, tok["alice"]) == [],
       "nor by members once a moderator removed it (%s)" %
       r.stderr.strip())

    heron = post(h, tok["alice"], "A heron by the dialysis unit",
                 community="pub")
    ok(wait_for(lambda: ids(h, {"q": "heron", "community": "pub"}) ==
                [heron]), "a post the community announced is found in it")
    r = h.ctl("group", "remove", "pub", heron)
    st, doc = api(h, {"q": "heron"})
    ok(r.returncode == 0 and
       ids(h, {"q": "heron", "community": "pub"}) == [] and
       st == 200 and [x["id"] for x in doc["results"]] == [heron] and
       doc["results"][0]["community"] is None,
       "once removed, no more the community's; still a public post "
       "(%s)" % r.stderr.strip())


def hidden_authors(h, tok):
    mine = []
    for i in range(3):
        mine.append(post(h, tok["dana"], "plover sighting %d" % i))
        post(h, tok["carl"], "plover count %d" % i)
    r = h.ctl("user", "disable", "carl")
    ok(r.returncode == 0, "carl is disabled (%s)" % r.stderr.strip())
    got, offset, steps = [], 0, []
    while offset is not None and len(steps) < 10:
        st, doc = api(h, {"q": "plover", "limit": "1", "offset": offset})
        if st != 200:
            break
        got += [x["id"] for x in doc["results"]]
        steps.append((offset, doc["next"]))
        offset = doc["next"]
    ok(got == mine[::-1] and
       steps == [(0, 1), (1, 2), (2, None)],
       "pages of one: only dana's posts, next = offset + 1: %s" % steps)
    st, doc = api(h, {"q": "plover"})
    ok(st == 200 and doc["next"] is None and not doc["window_full"] and
       len(doc["results"]) == 3, "one page holds them all")
    st1, carl = api(h, {"q": "plover", "author": "carl"})
    st2, nosuch = api(h, {"q": "plover", "author": "nosuch"})
    ok(st1 == st2 == 400 and carl == nosuch and
       carl.get("field") == "author",
       "author=carl (disabled) is answered as an unknown name: %s" % carl)
    r = h.get("/search?q=plover&author=carl", accept="text/html")
    ok(r.status == 400 and 'id="author-error"' in r.text,
       "the page too (%d)" % r.status)


def not_utf8(h):
    r = h.request("GET", "/api/hub/search?q=%FF%FE")
    doc = r.json() if r.status == 400 else {}
    ok(r.status == 400 and doc.get("field") == "q" and
       "characters" in doc.get("error", ""),
       "API: q=%%FF%%FE is a 400 on q (%d %s)" % (r.status, r.text[:200]))
    r = h.request("GET", "/api/hub/search?q=ward%E2%80&kind=people")
    ok(r.status == 400 and r.json().get("field") == "q",
       "and half a character, for people too (%d)" % r.status)
    r = h.get("/search?q=%E2%80", accept="text/html")
    ok(r.status == 400 and 'id="q-error"' in r.text and
       "characters we cannot read" in r.text and
       b"\xe2\x80<" not in r.body and b'\xe2\x80"' not in r.body,
       "the page: 400, the message next to the field, the bytes not "
       "echoed (%d)" % r.status)


def titles(h, tok):
    nid = post(h, tok["dana"], "Fish & chips for the *night* team <3")
    st, doc = api(h, {"q": "chips"})
    r = doc["results"][0] if st == 200 and doc["results"] else {}
    ok(r.get("id") == nid and
       r.get("title") == "Fish & chips for the night team <3",
       "a local post's title is its text: %r" % r.get("title"))
    r = h.get("/search?q=chips", accept="text/html")
    ok(r.status == 200 and
       "Fish &amp; chips for the night team &lt;3</a>" in r.text and
       "&lt;p&gt;" not in r.text and "&amp;amp;" not in r.text,
       "and the page shows it once escaped")


def main():
    with Hub() as h:
        tok = setup(h)
        community_posts(h, tok)
        hidden_authors(h, tok)
        not_utf8(h)
        titles(h, tok)
        stop_and_check(h)
    done()


if __name__ == "__main__":
    main()
