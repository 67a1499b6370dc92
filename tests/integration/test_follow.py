"""Following between hubs, end to end, and hostile inbox input.

hub A and hub B are real hubd processes; "eve" is a remote actor played by
this script: a loopback server serves her actor document (with a key made
by tests/tools/signreq) and records what is delivered to her inbox, and
signreq signs what she posts to B."""
import http.server
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from hubtest import Hub, diag, done, free_port, ok  # noqa: E402

SIGNREQ = os.environ.get("HUB_SIGNREQ") or os.path.join(
    os.path.dirname(__file__), "..", "..", "build", "tests", "tools",
    "signreq")


def wait_for(cond, timeout=15.0):
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.1)
    return cond()


def exchange(hostport, raw):
    """Send a raw request, read to the end: (status, body)."""
    host, port = hostport.split(":")
    s = socket.create_connection((host, int(port)), 10)
    s.sendall(raw)
    resp = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        resp += chunk
    s.close()
    head, _, rbody = resp.partition(b"\r\n\r\n")
    return int(head.split()[1]), rbody.decode("utf-8", "replace")


class Eve(http.server.BaseHTTPRequestHandler):
    """Serves the scripted actors' documents; records deliveries."""
    base = None
    pems = {}
    inbox = []

    def log_message(self, *a):
        pass

    gets = 0

    types = {}        # name -> actor type (default Person)
    software = None   # a NodeInfo software name to serve, if any

    def nodeinfo(self):
        if self.path == "/.well-known/nodeinfo":
            return {"links": [{
                "rel": "http://nodeinfo.diaspora.software/ns/schema/2.0",
                "href": self.base + "/nodeinfo/2.0"}]}
        return {"version": "2.0", "software": {"name": Eve.software,
                                               "version": "1"}}

    def do_GET(self):
        Eve.gets += 1
        if Eve.software and "nodeinfo" in self.path:
            body = json.dumps(self.nodeinfo()).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        name = self.path[len("/users/"):]
        if not self.path.startswith("/users/") or name not in self.pems:
            self.send_response(404)
            self.end_headers()
            return
        iri = self.base + self.path
        body = json.dumps({
            "@context": ["https://www.w3.org/ns/activitystreams",
                         "https://w3id.org/security/v1"],
            "id": iri, "type": self.types.get(name, "Person"),
            "preferredUsername": name,
            "inbox": iri + "/inbox",
            "publicKey": {"id": iri + "#main-key", "owner": iri,
                          "publicKeyPem": self.pems[name]}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/activity+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        Eve.inbox.append((self.path, dict(self.headers), body))
        self.send_response(202)
        self.send_header("Content-Length", "0")
        self.end_headers()


class Player:
    """A scripted remote actor: key, server, signed requests. Several
    players share one server (their documents at /users/NAME)."""
    srv = None

    def __init__(self, name="eve"):
        self.dir = tempfile.mkdtemp(prefix=name + "-")
        self.priv = os.path.join(self.dir, "priv.pem")
        pub = os.path.join(self.dir, "pub.pem")
        subprocess.run([SIGNREQ, "genkey", self.priv, pub], check=True)
        with open(pub) as f:
            Eve.pems[name] = f.read()
        if Player.srv is None:
            port = free_port()
            Eve.base = "http://127.0.0.1:%d" % port
            Player.srv = http.server.ThreadingHTTPServer(("127.0.0.1", port),
                                                         Eve)
            threading.Thread(target=Player.srv.serve_forever,
                             daemon=True).start()
        self.srv = Player.srv
        self.iri = Eve.base + "/users/" + name
        self.n = 0

    def get(self, url, tamper_target=None, key_id=None):
        """A GET signed as this actor: (status, body)."""
        heads = subprocess.run([SIGNREQ, "get", self.priv,
                                key_id or self.iri + "#main-key", url],
                               capture_output=True, text=True,
                               check=True).stdout
        hostport = url.split("/")[2]
        target = tamper_target or "/" + url.split("/", 3)[3]
        req = ("GET %s HTTP/1.1\r\n%sConnection: close\r\n\r\n" %
               (target, heads.replace("\n", "\r\n"))).encode()
        return exchange(hostport, req)

    def activity(self, type_, obj, **extra):
        self.n += 1
        doc = {"@context": "https://www.w3.org/ns/activitystreams",
               "id": "%s/activities/%d" % (self.iri, self.n),
               "type": type_, "actor": self.iri, "object": obj}
        doc.update(extra)
        return doc

    def post(self, url, doc, when=None, tamper=None, key_id=None,
             host=None):
        """POST doc (dict or bytes), signed; returns (status, body).
        host: sign for (and send) another Host."""
        body = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
        fd, path = tempfile.mkstemp(dir=self.dir)  # posts may run at once
        os.close(fd)
        with open(path, "wb") as f:
            f.write(body)
        signed_url = url if host is None else \
            url.split("/")[0] + "//" + host + "/" + url.split("/", 3)[3]
        cmd = [SIGNREQ, "sign", self.priv, key_id or self.iri + "#main-key",
               signed_url, path] + ([str(int(when))] if when else [])
        heads = subprocess.run(cmd, capture_output=True, text=True,
                               check=True).stdout
        os.unlink(path)
        if tamper is not None:
            body = tamper
        hostport = url.split("/")[2]
        target = "/" + url.split("/", 3)[3]
        req = ("POST %s HTTP/1.1\r\n%sContent-Length: %d\r\n"
               "Connection: close\r\n\r\n" %
               (target, heads.replace("\n", "\r\n"), len(body))).encode()
        return exchange(hostport, req + body)


def follows(h, cmd, name):
    return h.ctl(cmd, name).stdout.split()


def between_hubs(a, b):
    bob = b.base + "/users/bob"
    carol = b.base + "/users/carol"
    alice = a.base + "/users/alice"
    r = a.ctl("follow", "alice", "@bob@" + b.host)
    ok(r.returncode == 0 and "asked to follow" in r.stdout,
       "hubctl follow queues the Follow")
    ok(wait_for(lambda: follows(b, "followers", "bob") == [alice]),
       "the Follow reaches B: bob's followers are %s" %
       follows(b, "followers", "bob"))
    ok(wait_for(lambda: follows(a, "following", "alice") == [bob]),
       "B's Accept reaches A: alice follows bob (%s)" %
       follows(a, "following", "alice"))
    c = b.get("/users/bob/followers").json() or {}
    p = b.get("/users/bob/followers?page=true").json() or {}
    ok(c.get("totalItems") == 1 and p.get("orderedItems") == [alice],
       "bob's followers collection lists alice")
    p = a.get("/users/alice/following?page=true").json() or {}
    ok(p.get("orderedItems") == [bob] and
       (a.get("/users/alice/following").json() or {}).get("totalItems") == 1,
       "alice's following collection lists bob")
    ok("already follows" in a.ctl("follow", "alice", bob).stdout,
       "following again does nothing")
    a.ctl("follow", "alice", "@carol@" + b.host)
    ok(wait_for(lambda: "(pending)" in b.ctl("followers", "carol").stdout),
       "carol is locked: the request waits")
    time.sleep(1)
    ok(carol + " (pending)" in a.ctl("following", "alice").stdout,
       "and A shows it pending")
    ok((b.get("/users/carol/followers").json() or {}).get("totalItems") == 0,
       "pending followers are not counted")
    alice = a.base + "/users/alice"
    ok("follow_request" in b.ctl("notifications", "carol").stdout,
       "carol is told of the request")
    r = b.ctl("approve", "carol", a.base + "/users/nobody")
    ok(r.returncode == 3, "approving a request nobody made: not found (%d)"
       % r.returncode)
    r = b.ctl("approve", "carol", alice)
    ok(r.returncode == 0, "carol approves alice (%s)" % r.stderr.strip())
    ok(wait_for(lambda: carol in a.ctl("following", "alice").stdout and
                "pending" not in a.ctl("following", "alice").stdout),
       "the Accept reaches A: alice follows carol")
    ok((b.get("/users/carol/followers").json() or {}).get("totalItems") == 1,
       "and carol's followers count her")
    r = b.ctl("approve", "carol", alice)
    ok(r.returncode == 3, "approving twice: no request left (%d)" %
       r.returncode)
    a.ctl("unfollow", "alice", carol)
    ok(wait_for(lambda: alice not in b.ctl("followers", "carol").stdout),
       "alice unfollows carol")
    a.ctl("follow", "alice", carol)
    ok(wait_for(lambda: "(pending)" in b.ctl("followers", "carol").stdout),
       "and asks again")
    tc = b.ctl("token", "carol").stdout.strip()
    r = b.request("POST", "/api/hub/reject", body=json.dumps(
        {"account": alice}), headers={"Content-Type": "application/json",
                                      "Authorization": "Bearer " + tc})
    ok(r.status == 200, "carol rejects it through the API (%d %s)" %
       (r.status, r.body[:200]))
    ok(wait_for(lambda: carol not in a.ctl("following", "alice").stdout),
       "the Reject reaches A: the request is gone there too")
    ok(alice not in b.ctl("followers", "carol").stdout,
       "and on B")
    r = a.ctl("unfollow", "alice", bob)
    ok(r.returncode == 0 and wait_for(
        lambda: follows(b, "followers", "bob") == []),
       "unfollow: the Undo reaches B")
    ok(bob not in a.ctl("following", "alice").stdout,
       "and A no longer follows bob")


def hostile(b, eve):
    inbox = b.base + "/users/bob/inbox"
    bob = b.base + "/users/bob"
    follow = eve.activity("Follow", bob)
    st, body = eve.post(inbox, follow)
    ok(st == 202, "eve's signed Follow: 202 (%s)" % body)
    ok(eve.iri in follows(b, "followers", "bob"), "eve follows bob")
    ok(wait_for(lambda: any(json.loads(x[2]).get("type") == "Accept"
                            for x in Eve.inbox)),
       "B delivered an Accept to eve's inbox")
    acc = [x for x in Eve.inbox if json.loads(x[2]).get("type") ==
           "Accept"][0]
    doc = json.loads(acc[2])
    ok(doc.get("object", {}).get("id") == follow["id"] and
       doc.get("actor") == bob and
       'keyId="%s#main-key"' % bob in acc[1].get("Signature", "") and
       acc[1].get("Digest", "").startswith("SHA-256="),
       "the Accept embeds the Follow and is signed by bob with a Digest")
    n = len(Eve.inbox)
    st, body = eve.post(inbox, follow)
    time.sleep(1)
    ok(st == 202 and len(Eve.inbox) == n,
       "the same Follow again: 202, no second effect")
    before = b.ctl("check").stdout
    cases = [
        ("tampered body", dict(tamper=json.dumps(eve.activity(
            "Follow", bob)).encode()), 401),
        ("old Date", dict(when=time.time() - 3 * 3600), 401),
        ("a date ahead", dict(when=time.time() + 3 * 3600), 401),
        ("someone else's key id", dict(key_id=bob + "#main-key"), 401),
    ]
    for name, kw, want in cases:
        st, body = eve.post(inbox, eve.activity("Follow", bob), **kw)
        ok(st == want, "%s: %d (got %d %s)" % (name, want, st, body))
    n = Eve.gets
    t0 = time.time()
    st, body = eve.post(inbox, eve.activity("Follow", bob),
                        key_id=eve.iri + "#other")
    ok(st == 401 and time.time() - t0 < 5 and Eve.gets - n <= 1,
       "a key id the actor does not own: one fetch, then 401 (%d, %d "
       "fetches)" % (st, Eve.gets - n))
    n = Eve.gets
    for _ in range(5):
        st, body = eve.post(inbox, eve.activity("Follow", bob),
                            key_id=Eve.base + "/users/nobody#main-key")
    ok(st == 401 and Eve.gets - n == 1,
       "a key that cannot be fetched: one fetch, then a cool-off "
       "(%d fetches for 5 requests)" % (Eve.gets - n))
    st, body = eve.post(inbox, eve.activity("Follow", bob),
                        host="elsewhere.example")
    ok(st == 401 and "Host" in body, "a delivery signed for another host: "
       "401 (%s)" % body)
    spoof = eve.activity("Follow", bob)
    spoof["actor"] = b.base + "/users/carol"
    st, body = eve.post(inbox, spoof)
    ok(st == 403 and "signer" in body, "an actor that is not the signer: "
       "403 (%s)" % body)
    other = eve.activity("Follow", bob)
    other["id"] = "http://elsewhere.example/activities/1"
    st, body = eve.post(inbox, other)
    ok(st == 403, "an id on another host: 403 (%s)" % body)
    for name, doc, want in [
            ("malformed JSON", b'{"type": "Follow", ', 400),
            ("an array", b"[1, 2]", 400),
            ("no actor", json.dumps({"id": eve.iri + "/x", "type":
                                     "Follow"}).encode(), 422),
            ("a numeric type", json.dumps({"id": eve.iri + "/y", "type": 5,
                                           "actor": eve.iri}).encode(), 422),
    ]:
        st, body = eve.post(inbox, doc)
        ok(st == want, "%s: %d (got %d %s)" % (name, want, st, body))
    st, body = eve.post(b.base + "/inbox",
                        eve.activity("Follow", b.base + "/users/nobody"))
    ok(st == 404, "a Follow of nobody through the shared inbox: 404")
    st, body = eve.post(b.base + "/users/nobody/inbox",
                        eve.activity("Follow", bob))
    ok(st == 404, "the inbox of nobody: 404")
    r = b.request("POST", "/users/bob/inbox", body="{}",
                  headers={"Content-Type": "application/activity+json"})
    ok(r.status == 401, "an unsigned POST: 401")
    r = b.request("POST", "/users/bob/inbox", body="{}",
                  headers={"Content-Type": "text/plain",
                           "Signature": "x"})
    ok(r.status == 415, "a text/plain POST: 415")
    r = b.request("POST", "/users/bob/inbox", body="{}",
                  headers={"Content-Type": "application/activity+json",
                           "Signature": 'keyId="x",signature="!!"'})
    ok(r.status == 401, "a garbage signature: 401")
    ok(follows(b, "followers", "bob") == [eve.iri] and
       b.ctl("check").stdout == before,
       "none of that changed anything")
    # The host answered (404): only that key id cools down, so a request
    # naming a missing key cannot shut out the host's other actors.
    zoe = Player("zoe")
    st, body = zoe.post(inbox, zoe.activity("Follow", bob))
    ok(st == 202, "another actor of that host is still taken (%d %s)" %
       (st, body[:120]))
    st, body = zoe.post(inbox, zoe.activity("Undo", zoe.activity(
        "Follow", bob)))
    undo = eve.activity("Undo", follow)
    st, body = eve.post(b.base + "/inbox", undo)
    ok(st == 202 and follows(b, "followers", "bob") == [],
       "eve's Undo through the shared inbox: she no longer follows")
    st, body = eve.post(inbox, eve.activity("Follow", bob))
    ok(st == 202 and follows(b, "followers", "bob") == [eve.iri],
       "eve follows bob again")
    st, body = eve.post(inbox, eve.activity("Block", bob))
    ok(st == 202 and follows(b, "followers", "bob") == [],
       "eve blocks bob: the follow ends")
    like = eve.activity("Like", bob + "/statuses/1")
    st, body = eve.post(inbox, like)
    ok(st == 202, "a Like is taken (202) and, for now, not acted on")
    ok(b.proc.poll() is None and b.ctl("check").returncode == 0,
       "B is still serving and consistent")


def main():
    eve = Player()
    with Hub() as a, Hub() as b:
        a.add_user("alice")
        b.add_user("bob")
        b.add_user("carol", "--locked")
        a.start()
        b.start()
        between_hubs(a, b)
        hostile(b, eve)
        ok(a.stop() == 0 and b.stop() == 0, "both hubs stop cleanly")
        log = b.read_log()
        ok("PRIVATE" not in log, "no key in the log")
    eve.srv.shutdown()
    done()


if __name__ == "__main__":
    main()
