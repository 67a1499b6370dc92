"""The delivery worker: concurrent deliveries (a slow receiver does not
delay a fast one), the per-host cap and kept-alive connections,
Retry-After, and instance health (a host failing for longer than
delivery_unavailable_after is marked unavailable and skipped, and is
revived by a signed request from it or by "hubctl queue retry HOST").

The receivers are loopback servers played by this script; each serves
actor documents at /users/NAME (all with one key made by
tests/tools/signreq) and records the POSTs to their inboxes. The hub
runs with delivery_unavailable_after = 2 (seconds, instead of 7 days) and
delivery_per_host = 2."""
import email.utils
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
import hubtest  # noqa: E402
from hubtest import AS_TYPE, Hub, diag, done, free_port, ok  # noqa: E402
from test_follow import SIGNREQ, exchange, wait_for  # noqa: E402

KEYS = tempfile.mkdtemp(prefix="delivery-")
PRIV = os.path.join(KEYS, "priv.pem")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as hubd's curl wants

    def log_message(self, *a):
        pass

    def reply(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        st = self.server
        name = self.path[len("/users/"):]
        if not self.path.startswith("/users/") or "/" in name:
            return self.reply(404)
        iri = st.base + self.path
        self.reply(200, json.dumps({
            "@context": ["https://www.w3.org/ns/activitystreams",
                         "https://w3id.org/security/v1"],
            "id": iri, "type": "Person", "preferredUsername": name,
            "inbox": iri + "/inbox",
            "publicKey": {"id": iri + "#main-key", "owner": iri,
                          "publicKeyPem": st.pem}}).encode(),
            [("Content-Type", AS_TYPE)])

    def do_POST(self):
        st = self.server
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with st.lock:
            st.active += 1
            st.peak = max(st.peak, st.active)
            n = len(st.posts)
            st.posts.append((time.time(), self.path,
                             self.client_address[1], json.loads(body)))
        status, headers = st.answer(n)
        time.sleep(st.delay)
        with st.lock:
            st.active -= 1
        self.reply(status, b"", headers)


class Remote(http.server.ThreadingHTTPServer):
    """A remote instance: delay seconds per POST; answer(n) gives the
    status and headers of the n-th POST (0-based)."""
    daemon_threads = True

    def __init__(self, pem, delay=0.0, answer=None):
        port = free_port()
        super().__init__(("127.0.0.1", port), Handler)
        self.host = "127.0.0.1:%d" % port
        self.base = "http://" + self.host
        self.pem = pem
        self.delay = delay
        self.answer = answer or (lambda n: (202, []))
        self.lock = threading.Lock()
        self.active = self.peak = 0
        self.posts = []
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def handle_error(self, request, client_address):
        pass  # hubd hanging up on a slow answer at its stop

    def actor(self, name):
        return self.base + "/users/" + name

    def times(self):
        with self.lock:
            return [p[0] for p in self.posts]


def follow(a, remote, name):
    r = a.ctl("follow", "alice", remote.actor(name))
    if r.returncode != 0:
        raise RuntimeError("follow: " + r.stderr)


def queue_row(a, host):
    """hubctl queue's row for host: HOST PENDING NEXT_IN TRIES FAILING
    STATE, or None."""
    for line in a.ctl("queue").stdout.splitlines():
        if line.startswith(host + " "):
            return line.split()
    return None


def signed_post(url, key_id, doc):
    """POST doc to url signed with the receivers' key as key_id."""
    body = json.dumps(doc).encode()
    path = os.path.join(KEYS, "body")
    with open(path, "wb") as f:
        f.write(body)
    heads = subprocess.run([SIGNREQ, "sign", PRIV, key_id, url, path],
                           capture_output=True, text=True,
                           check=True).stdout
    req = ("POST /%s HTTP/1.1\r\n%sContent-Length: %d\r\n"
           "Connection: close\r\n\r\n" %
           (url.split("/", 3)[3], heads.replace("\n", "\r\n"),
            len(body))).encode()
    return exchange(url.split("/")[2], req + body)


def concurrent(slow, fast, t0):
    ok(wait_for(lambda: len(fast.posts) == 4, 5),
       "the fast receiver got its 4 deliveries")
    last = max(fast.times() or [t0 + 99]) - t0
    ok(last < 1.5, "all within %.2f s of the start, while the slow receiver "
       "takes 2 s a request" % last)
    ok(wait_for(lambda: len(slow.posts) == 3, 8),
       "the slow receiver got its 3 too")
    ok(slow.peak == 2, "at most delivery_per_host = 2 at once to one host "
       "(peak %d)" % slow.peak)
    ports = set(p[2] for p in fast.posts)
    ok(len(ports) <= 2, "kept-alive connections: %d requests over %d "
       "connections" % (len(fast.posts), len(ports)))


def retry_after(r429, r503):
    for r, what in ((r429, "429 Retry-After: 3"),
                    (r503, "503 Retry-After: an HTTP date 3 s on")):
        ok(wait_for(lambda: len(r.posts) == 2, 9),
           "%s: tried again" % what)
        t = r.times()
        dt = t[1] - t[0] if len(t) == 2 else -1
        ok(2.0 <= dt <= 5.5 and (r is r503 or dt >= 3.0),
           "%s: not before the time said, soon after it (%.2f s)" %
           (what, dt))


def unavailable(a, down, gone):
    """down and gone answer 500; both become unavailable."""
    for r in (down, gone):
        ok(wait_for(lambda: len(r.posts) == 1, 5),
           "a failing host answers 500 (%s)" % r.host)
    # delivery_unavailable_after = 2: fail again 2 s after the first.
    time.sleep(max(0, min(down.times() + gone.times()) + 2.1 - time.time()))
    follow(a, down, "u2")
    follow(a, gone, "v2")
    for r in (down, gone):
        ok(wait_for(lambda: (queue_row(a, r.host) or [""])[-1] ==
                    "unavailable", 6),
           "failing for longer than delivery_unavailable_after: "
           "unavailable: %s" % queue_row(a, r.host))
        ok(queue_row(a, r.host)[1] == "0",
           "and its queued deliveries were dropped")
    follow(a, down, "u3")
    ok(queue_row(a, down.host)[1] == "0",
       "no new delivery is queued for an unavailable host")
    ok("marked unavailable" in a.read_log(), "the log says so")


def revive(a, down, gone):
    n = len(down.posts)
    down.answer = lambda n: (202, [])
    gone.answer = lambda n: (202, [])
    st, body = signed_post(a.base + "/inbox", down.actor("u1") + "#main-key",
                           {"@context": "https://www.w3.org/ns/"
                            "activitystreams",
                            "id": down.actor("u1") + "/follows/1",
                            "type": "Follow", "actor": down.actor("u1"),
                            "object": a.base + "/users/alice"})
    ok(st == 202, "a signed Follow from the unavailable host: %d %s" %
       (st, body))
    ok(wait_for(lambda: (queue_row(a, down.host) or ["-"])[-1] !=
                "unavailable", 3),
       "it is available again: %s" % queue_row(a, down.host))
    ok(wait_for(lambda: any(p[3].get("type") == "Accept"
                            for p in down.posts[n:]), 5),
       "and gets the Accept of its Follow")
    r = a.ctl("queue", "retry", gone.host)
    ok(r.returncode == 0 and "available again" in r.stdout,
       "hubctl queue retry revives the other: %s" % r.stdout.strip())
    n = len(gone.posts)
    follow(a, gone, "v3")
    ok(wait_for(lambda: len(gone.posts) > n, 5),
       "new deliveries reach it again")


def main():
    subprocess.run([SIGNREQ, "genkey", PRIV, PRIV + ".pub"], check=True)
    with open(PRIV + ".pub") as f:
        pem = f.read()
    slow = Remote(pem, delay=2.0)
    fast = Remote(pem)
    r429 = Remote(pem, answer=lambda n: (429, [("Retry-After", "3")])
                  if n == 0 else (202, []))
    r503 = Remote(pem, answer=lambda n: (503, [(
        "Retry-After", email.utils.formatdate(time.time() + 3,
                                              usegmt=True))])
        if n == 0 else (202, []))
    down = Remote(pem, answer=lambda n: (500, []))
    gone = Remote(pem, answer=lambda n: (500, []))
    with Hub("delivery_per_host = 2\ndelivery_unavailable_after = 2\n") as a:
        a.add_user("alice")
        # Queued while hubd is stopped, the slow host's first: a worker
        # that sent one at a time would make the others wait for it.
        for i in range(3):
            follow(a, slow, "s%d" % i)
        for i in range(4):
            follow(a, fast, "f%d" % i)
        for r in (r429, r503):
            follow(a, r, "r")
        follow(a, down, "u1")
        follow(a, gone, "v1")
        t0 = time.time()
        a.start()
        concurrent(slow, fast, t0)
        retry_after(r429, r503)
        unavailable(a, down, gone)
        revive(a, down, gone)
        ok(a.stop() == 0, "hubd stops cleanly")
        if hubtest._failed:
            diag(a.read_log()[-3000:])
    for r in (slow, fast, r429, r503, down, gone):
        r.shutdown()
    done()


if __name__ == "__main__":
    main()
