"""Featured posts: an admin and an editor feature a local post and a
remote one from their pages (POST /feature, CSRF checked); visitors see
them first on the home page, newest featured first; the instance actor's
featured collection lists their ids; members without a role get 403,
followers-only posts 422; unfeature; deleting a post, here or on its
own server, takes it off; hubctl feature add, list and remove."""
import os
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from hubtest import Hub, done, ok, stop_and_check  # noqa: E402
from webtest import Web, csrf_of  # noqa: E402
from test_follow import Player, wait_for  # noqa: E402


def path_of(h, iri):
    return iri[len(h.base):] if iri.startswith(h.base) else \
        "/notes?id=" + urllib.parse.quote(iri, safe="")


def featured_section(text):
    m = re.search(r'<section aria-labelledby="featured">.*?</section>',
                  text, re.S)
    return m.group(0) if m else ""


def collection(h):
    r = h.get("/actor/collections/featured")
    doc = r.json() or {}
    return r.status, doc


def remote_note(a, group):
    mira = Player("mira")
    st, _ = mira.post(group + "/inbox", mira.activity("Follow", group))
    ok(st == 202 and wait_for(lambda: mira.iri in
                              a.ctl("followers", "sepsis").stdout),
       "a remote player joins a community: %d" % st)
    note = {"id": mira.iri + "/notes/featured", "type": "Note",
            "attributedTo": mira.iri,
            "content": "<p>Remote learning on sepsis screening</p>",
            "published": "2026-01-01T00:00:00Z",
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "cc": [group], "audience": group}
    st, body = mira.post(group + "/inbox", mira.activity(
        "Create", note, to=note["to"], cc=note["cc"]))
    ok(st == 202 and wait_for(lambda: Web(a).get(
        path_of(a, note["id"])).status == 200),
       "and posts there; the post has a page here: %d %s" % (st, body))
    return mira, note["id"]


def feature(w, h, iri, action="/feature"):
    return w.submit(path_of(h, iri), action, {"id": iri})


def main():
    with Hub() as a:
        admin_pw = a.add_user("ada", "--role", "admin")
        ed_pw = a.add_user("ed", "--role", "editor")
        mem_pw = a.add_user("mo")
        a.ctl("group", "create", "sepsis", "--title", "Sepsis")
        local = a.post("ada", "Local learning: check the drug chart twice")
        private = a.post("ada", "Followers only note",
                         "--visibility", "followers")
        a.start()
        visitor = Web(a)
        r = visitor.get("/")
        ok(r.status == 200 and "Nothing is featured here yet" in r.text,
           "a visitor's home shows the empty featured state")
        st, doc = collection(a)
        ok(st == 200 and doc.get("type") == "OrderedCollection" and
           doc.get("totalItems") == 0 and doc.get("orderedItems") == [],
           "the instance actor's featured collection is empty: %d %s" %
           (st, doc))
        actor = a.get("/actor").json() or {}
        ok(actor.get("featured") == a.base + "/actor/collections/featured",
           "the instance actor names its featured collection")
        mira, remote = remote_note(a, a.base + "/c/sepsis")

        ada = Web(a)
        ada.signin("ada", admin_pw)
        page = ada.get(path_of(a, local))
        ok("Feature on the home page" in page.text and
           csrf_of(page.text, "/feature"),
           "an admin sees Feature on the home page on a post's page")
        r = feature(ada, a, local)
        ok(r.status == 303 and r.header("Location") == path_of(a, local),
           "featuring it goes back to the post: %d %s" %
           (r.status, r.header("Location")))
        ok("Stop featuring" in ada.get(path_of(a, local)).text,
           "which now offers Stop featuring")
        ed = Web(a)
        ed.signin("ed", ed_pw)
        r = feature(ed, a, remote)
        ok(r.status == 303, "an editor features the remote post: %d %s" %
           (r.status, r.text[:200]))
        tok = csrf_of(ed.get(path_of(a, remote)).text, "/unfeature")
        ok(ed.post("/feature", {"id": remote, "csrf": tok}).status == 303,
           "featuring it again changes nothing")

        r = visitor.get("/")
        sec = featured_section(r.text)
        ok(sec.count("<article>") == 2 and
           sec.index("Remote learning") < sec.index("Local learning"),
           "the home page lists both, newest featured first: %s" %
           sec[:400])
        ok(r.text.index('id="featured"') < r.text.index("Latest learning")
           and "Nothing is featured here yet" not in r.text,
           "before the latest learning")
        st, doc = collection(a)
        ok(doc.get("orderedItems") == [remote, local] and
           doc.get("totalItems") == 2,
           "the featured collection lists their ids: %s" % doc)

        mo = Web(a)
        mo.signin("mo", mem_pw)
        page = mo.get(path_of(a, local))
        ok("Feature on the home page" not in page.text and
           "Stop featuring" not in page.text,
           "a member without a role sees no Feature button")
        tok = csrf_of(page.text, "/like")
        r = mo.post("/unfeature", {"id": local, "csrf": tok})
        ok(r.status == 403 and "admins and editors" in r.text,
           "and gets 403 from /unfeature: %d" % r.status)
        r = ada.post("/unfeature", {"id": local, "csrf": "forged"})
        ok(r.status == 403 and
           collection(a)[1].get("orderedItems") == [remote, local],
           "a forged CSRF token is refused, nothing changes: %d" %
           r.status)
        tok = csrf_of(ada.get(path_of(a, local)).text, "/unfeature")
        r = ada.post("/feature", {"id": private, "csrf": tok})
        ok(r.status == 422 and "only public posts" in r.text,
           "a followers-only post cannot be featured: %d" % r.status)
        r = ada.post("/feature", {"id": a.base + "/users/ada/statuses/1",
                                  "csrf": tok})
        ok(r.status == 404, "an unknown post: 404 (%d)" % r.status)
        r = ada.post("/feature", {"id": "", "csrf": tok})
        ok(r.status == 422, "no post named: 422 (%d)" % r.status)

        r = feature(ada, a, local, "/unfeature")
        ok(r.status == 303 and
           "Local learning" not in featured_section(visitor.get("/").text)
           and collection(a)[1].get("orderedItems") == [remote],
           "unfeature takes it off the home page and the collection")
        ok("Feature on the home page" in ada.get(path_of(a, local)).text,
           "and the post offers Feature again")

        r = a.ctl("feature", "add", local)
        ok(r.returncode == 0, "hubctl feature add: %s" % r.stderr)
        r = a.ctl("feature", "list")
        lines = r.stdout.strip().splitlines()
        ok(r.returncode == 0 and len(lines) == 2 and
           lines[0].endswith(local) and lines[1].endswith(remote),
           "hubctl feature list, newest first: %s" % r.stdout)
        r = a.ctl("feature", "add", private)
        ok(r.returncode == 6 and "public" in r.stderr,
           "hubctl refuses a followers-only post: %d %s" %
           (r.returncode, r.stderr))
        r = a.ctl("feature", "remove", a.base + "/nothing")
        ok(r.returncode == 3, "and removing what is not featured: %d" %
           r.returncode)

        r = a.ctl("delete", local)
        ok(r.returncode == 0 and
           "Local learning" not in featured_section(visitor.get("/").text)
           and collection(a)[1].get("orderedItems") == [remote],
           "a deleted post leaves the featured list: %s" % r.stderr)
        ok(a.ctl("feature", "remove", local).returncode == 3,
           "in the same transaction (nothing left to remove)")
        st, _ = mira.post(a.base + "/c/sepsis/inbox", mira.activity(
            "Delete", remote))
        ok(st == 202 and wait_for(
            lambda: collection(a)[1].get("orderedItems") == []),
           "a remote post deleted by its author leaves it too: %d" % st)
        r = visitor.get("/")
        ok("Nothing is featured here yet" in r.text and
           "Remote learning" not in r.text,
           "the home page is back to the empty state")
        ok(a.ctl("feature", "list").stdout.strip() == "" and
           a.ctl("feature", "remove", remote).returncode == 3,
           "hubctl lists nothing")
        stop_and_check(a)
    done()


if __name__ == "__main__":
    main()
