"""Regressions found in review, each as it was triggered:
- deliveries of many signers in one batch signed with the right keyId;
- a direct reply to a member's note, not addressed to them, does not
  reach them through notifications;
- a self-boost and its undo leave the note in the outbox, and it goes
  with the account."""
import json
import os
import re
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(__file__))
import hubtest  # noqa: E402
from hubtest import Hub, diag, done, ok  # noqa: E402
import test_delivery as td  # noqa: E402


class KeyIdHandler(td.Handler):
    def do_POST(self):
        srv = self.server
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        m = re.search(r'keyId="([^"]+)"', self.headers.get("Signature", ""))
        with srv.lock:
            srv.posts.append((m.group(1) if m else None, json.loads(body)))
        self.reply(202, b"")


class Recorder(td.Remote):
    """A remote actor's server that records each POST's keyId."""

    def __init__(self, pem):
        import http.server
        port = hubtest.free_port()
        http.server.ThreadingHTTPServer.__init__(
            self, ("127.0.0.1", port), KeyIdHandler)
        self.host = "127.0.0.1:%d" % port
        self.base = "http://" + self.host
        self.pem, self.delay = pem, 0
        self.answer = lambda n: (202, [])
        self.lock = threading.Lock()
        self.active = self.peak = 0
        self.posts = []
        threading.Thread(target=self.serve_forever, daemon=True).start()


def many_signers(pem):
    n = 24  # more signers than the delivery worker's key cache holds
    rs = [Recorder(pem) for _ in range(n)]
    with Hub("") as a:
        for i in range(n):
            a.add_user("m%d" % i)
            r = a.ctl("follow", "m%d" % i, rs[i].actor("x"))
            if r.returncode != 0:
                raise RuntimeError(r.stderr)
        a.start()
        ok(td.wait_for(lambda: all(len(r.posts) >= 1 for r in rs), 15),
           "24 Follows from 24 members delivered in one go")
        bad = ["%s for %s" % (kid, doc.get("actor"))
               for r in rs for kid, doc in r.posts
               if kid != doc.get("actor", "") + "#main-key"]
        ok(not bad, "each signed with its own actor's keyId %s" % bad[:3])
        a.stop()
    for r in rs:
        r.shutdown()


def direct_reply(pem):
    rem = td.Remote(pem)
    bob = rem.actor("bob")
    with Hub("") as a:
        a.add_user("alice")
        a.add_user("carol")
        a.start()
        note = a.post("alice", "public hello")
        carol = a.base + "/users/carol"
        doc = {"@context": "https://www.w3.org/ns/activitystreams",
               "id": bob + "/c/1", "type": "Create", "actor": bob,
               "to": [carol], "object": {
                   "id": bob + "/n/1", "type": "Note", "attributedTo": bob,
                   "to": [carol], "cc": [], "inReplyTo": note,
                   "content": "SECRET only for carol",
                   "tag": [{"type": "Mention", "href": carol,
                            "name": "@carol"}]}}
        st, body = td.signed_post(a.base + "/inbox", bob + "#main-key", doc)
        ok(st == 202, "a direct reply to alice's note, for carol: 202")
        ta = a.ctl("token", "alice").stdout.strip()
        r = a.request("GET", "/api/hub/notifications",
                      headers={"Authorization": "Bearer " + ta})
        ok(r.status == 200 and "SECRET" not in r.text,
           "alice's notifications do not hold it: %s" % r.text[:200])
        ok("SECRET" not in a.ctl("notifications", "alice").stdout,
           "nor does hubctl show it to her")
        tc = a.ctl("token", "carol").stdout.strip()
        r = a.request("GET", "/api/hub/notifications",
                      headers={"Authorization": "Bearer " + tc})
        ok("SECRET" in r.text, "carol, to whom it was sent, is told")
        a.stop()
    rem.shutdown()


def self_boost():
    with Hub("") as a:
        a.add_user("alice")
        a.start()
        note = a.post("alice", "hello world")

        def outbox():
            return a.get("/users/alice/outbox?page=true").text
        r = a.ctl("boost", "alice", note)
        ok(r.returncode == 0, "alice boosts her own note (%s)" %
           r.stderr.strip())
        r = a.ctl("unboost", "alice", note)
        ok(r.returncode == 0 and note in outbox(),
           "and takes it back: the note is still in her outbox")
        r = a.ctl("user", "delete", "alice")
        ok(r.returncode == 0 and a.get(note).status == 410,
           "and goes with her account (%d)" % a.get(note).status)
        a.stop()


def main():
    subprocess.run([td.SIGNREQ, "genkey", td.PRIV, td.PRIV + ".pub"],
                   check=True)
    with open(td.PRIV + ".pub") as f:
        pem = f.read()
    many_signers(pem)
    direct_reply(pem)
    self_boost()
    diag("done")


if __name__ == "__main__":
    main()
    done()
