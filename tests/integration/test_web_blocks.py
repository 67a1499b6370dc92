"""Domain blocks as the pages show them, on two real hubs and a scripted
server: once A blocks B, B's older posts vanish from A's home, tag and
search pages and from notifications, B's post page on A is 404, a boost
of B's note by a third server is not kept, and a local member's reply to
B's member is not delivered; an unblock brings the pages back. Also a
remote actor's profile: a hostile bio is inert, the avatar shown with
alt text."""
import os
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from hubtest import Hub, done, ok, stop_and_check  # noqa: E402
from test_follow import Eve, Player, wait_for  # noqa: E402
from webtest import Web  # noqa: E402

AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
HOSTILE_BIO = ('<p>Nurse <b>educator</b></p><script>alert("bio")</script>'
               '<img src="x" onerror="alert(2)">'
               '<a href="javascript:alert(3)" onclick="alert(4)">see</a>')
AVATAR = "https://img.example/mal.png"


def accepted(h, name, target):
    return any(line.split()[:1] == [target] and "pending" not in line
               for line in h.ctl("following", name).stdout.splitlines())


def q(s):
    return urllib.parse.quote(s, safe="")


def serve_profile():
    """mal's actor document carries a bio, an avatar and a page URL."""
    plain = Eve.do_GET

    def do_GET(self):
        if self.path != "/users/mal":
            return plain(self)
        import json
        iri = self.base + self.path
        body = json.dumps({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": iri, "type": "Person", "preferredUsername": "mal",
            "name": "Mal Remote", "summary": HOSTILE_BIO,
            "icon": {"type": "Image", "url": AVATAR},
            "url": self.base + "/@mal",
            "inbox": iri + "/inbox",
            "publicKey": {"id": iri + "#main-key", "owner": iri,
                          "publicKeyPem": self.pems["mal"]}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/activity+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    Eve.do_GET = do_GET


def remote_bio(a, mal):
    r = a.ctl("follow", "ann", mal.iri)
    ok(r.returncode == 0, "ann follows mal (A fetches her actor): %s" %
       r.stderr.strip())
    r = Web(a).get("/profile?id=" + q(mal.iri))
    page = r.text
    ok(r.status == 200 and "Mal Remote" in page,
       "a visitor sees mal's profile: %d" % r.status)
    ok("Nurse <b>educator</b>" in page, "her bio is shown, sanitized")
    ok("<script" not in page and "onerror" not in page and
       "onclick" not in page and "javascript:" not in page and
       'alert("bio")' not in page,
       "the hostile parts of the bio are gone")
    ok('src="%s"' % AVATAR in page and 'alt="Mal Remote"' in page,
       "the avatar is shown with alt text")
    ok('href="%s/@mal"' % Eve.base in page,
       "the link to her own server goes to her profile page")


def pages(a, w, bob_note, expect):
    """Whether bob's note shows on A's pages (expect True) or on none."""
    word = "zebrafish"
    home = w.get("/").text
    tag = w.get("/tags/bsafety").text
    search = w.get("/search?q=" + q(bob_note)).text
    notes = w.get("/notifications").text
    post = w.get("/notes?id=" + q(bob_note))
    anon = Web(a).get("/notes?id=" + q(bob_note))
    state = "shown" if expect else "hidden"
    ok((word in home) == expect, "bob's post on ann's home: %s" % state)
    ok((word in tag) == expect, "on the tag page: %s" % state)
    ok(("zebrafish notes" in search) == expect,
       "in search by its address: %s" % state)
    ok(("goldfish answer" in notes) == expect and
       ("/users/bob" in notes) == expect,
       "bob's reply and follow in ann's notifications: %s" % state)
    ok((post.status == 200) == expect and (anon.status == 200) == expect,
       "bob's post page on A: %d, for a visitor %d" %
       (post.status, anon.status))
    if not expect:
        ok(post.status == 404 and word not in post.text,
           "the post page is the 404 page")


def main():
    mal = Player("mal")
    cara = Player("cara")
    serve_profile()
    with Hub() as a, Hub() as b:
        pw_ada = a.add_user("ada", "--role", "admin")
        pw_ann = a.add_user("ann")
        pw_bob = b.add_user("bob")
        a.start()
        b.start()
        a.ctl("follow", "ann", "@bob@" + b.host)
        b.ctl("follow", "bob", "@ann@" + a.host)
        ok(wait_for(lambda: accepted(a, "ann", b.base + "/users/bob") and
                    accepted(b, "bob", a.base + "/users/ann")),
           "ann and bob follow each other")
        remote_bio(a, mal)
        ann_note = a.post("ann", "a question about goldfish").split()[-1]
        bob_note = b.post("bob", "zebrafish notes #bsafety").split()[-1]
        bob_two = b.post("bob", "second zebrafish post").split()[-1]
        ok(wait_for(lambda: "goldfish" in b.ctl("timeline", "bob").stdout),
           "ann's note reaches B")
        bob_reply = b.post("bob", "goldfish answer", "--reply-to",
                           ann_note).split()[-1]
        w = Web(a)
        w.signin("ann", pw_ann)
        ok(wait_for(lambda: w.get("/notes?id=" + q(bob_two)).status == 200
                    and w.get("/notes?id=" + q(bob_reply)).status == 200),
           "bob's posts and reply reach A")
        # A third server boosts bob's first note: kept before the block.
        r = cara.post(a.base + "/inbox", cara.activity(
            "Announce", bob_note, to=[AS_PUBLIC]))
        ok(r[0] == 202, "cara's boost of bob's note is taken: %d" % r[0])
        ok("1 boost<" in w.get("/notes?id=" + q(bob_note)).text,
           "and counted")
        pages(a, w, bob_note, True)

        admin = Web(a)
        admin.signin("ada", pw_ada)
        r = admin.submit("/admin", "/admin/block",
                         {"host": b.host, "reason": "testing"})
        ok(r.status == 303, "the admin blocks B: %d" % r.status)
        pages(a, w, bob_note, False)
        r = w.get("/profile?id=" + q(b.base + "/users/bob"))
        ok(r.status == 404, "bob's profile on A is 404: %d" % r.status)

        r = cara.post(a.base + "/inbox", cara.activity(
            "Announce", bob_two, to=[AS_PUBLIC]))
        ok(r[0] == 202, "cara's boost of bob's second note: %d" % r[0])
        # ann replies to bob: nothing goes to B.
        reply = a.post("ann", "@bob@%s reply after the block" % b.host,
                       "--reply-to", bob_note).split()[-1]
        time.sleep(1.0)
        ok(b.host not in a.ctl("queue").stdout,
           "no delivery to B is queued")

        r = admin.submit("/admin", "/admin/unblock", {"host": b.host})
        ok(r.status == 303, "the admin unblocks B: %d" % r.status)
        pages(a, w, bob_note, True)
        ok("0 boosts<" in w.get("/notes?id=" + q(bob_two)).text,
           "the boost sent during the block was not kept")
        wb = Web(b)
        wb.signin("bob", pw_bob)
        time.sleep(0.5)
        ok("reply after the block" not in wb.get("/notifications").text and
           b.get("/notes?id=" + q(reply)).status != 200,
           "ann's reply never reached B")
        stop_and_check(a, b)
    Player.srv.shutdown()


if __name__ == "__main__":
    main()
    done()
