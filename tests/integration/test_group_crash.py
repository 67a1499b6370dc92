"""A community with thousands of followers keeps announcing after a
crash mid-fan-out (the transactional outbox), none twice.

2,000 remote actors on 50 loopback instances join a community with
signed Follows (their documents and inboxes are served by this script,
all with one key made by tests/tools/signreq). A member posts into the
community POSTS times: POSTS x 50 Announce deliveries, one per instance's
shared inbox per post. The instances answer the first ANSWERED of them,
then hold every further one unanswered, so that hubd's delivery worker
fills its slots; once that is steady, with some deliveries done, some in
flight and the rest queued, hubd is killed with SIGKILL and restarted.
Every instance must then get every Announce, and an instance may get
one twice only if the first was in flight at the kill (at-least-once
delivery: receivers dedupe by activity id); so the duplicates are at
most the requests held at the kill, themselves at most the worker's 64
in flight, and on one instance at most delivery_per_host (4)."""
import http.client
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
import hubtest  # noqa: E402
from hubtest import AS_TYPE, Hub, diag, done, free_port, ok  # noqa: E402
from test_follow import SIGNREQ, wait_for  # noqa: E402
from test_social import accepted, handle  # noqa: E402

INSTANCES = 50
FOLLOWERS = 2000  # follower i lives on instance i % INSTANCES
POSTS = 6
ANSWERED = 100    # Announces answered before the instances hold them
MAX_XFERS = 64    # fed_deliver.c: requests in flight, all hosts
PER_HOST = 4      # delivery_per_host, the default: in flight to one host
SENDERS = 8       # threads sending the signed Follows

KEYS = tempfile.mkdtemp(prefix="group-crash-")
PRIV = os.path.join(KEYS, "priv.pem")


class Fleet:
    """What the instances share: the Announces each got, in order, and
    the gate that holds them."""

    def __init__(self, pem):
        self.pem = pem
        self.lock = threading.Lock()
        self.got = {}        # port -> [Announce id, ...]
        self.answered = 0
        self.held = 0        # requests waiting at the gate now
        self.other = 0       # Accepts of the Follows
        self.hold = True     # hold Announces past ANSWERED
        self.release = threading.Event()

    def announce(self, port, act_id):
        """Record an Announce; True when it must wait at the gate."""
        with self.lock:
            self.got.setdefault(port, []).append(act_id)
            if not self.hold or self.answered < ANSWERED:
                self.answered += 1
                return False
            self.held += 1
            return True

    def counts(self):
        with self.lock:
            return self.answered, self.held, sum(len(v) for v in
                                                 self.got.values())


class Instance(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as hubd's curl wants

    def log_message(self, *a):
        pass

    def reply(self, status, body=b"", ctype="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        srv = self.server
        if self.path == "/.well-known/nodeinfo":  # the instances are hubs
            return self.reply(200, json.dumps({"links": [{
                "rel": "http://nodeinfo.diaspora.software/ns/schema/2.0",
                "href": srv.base + "/nodeinfo/2.0"}]}).encode())
        if self.path == "/nodeinfo/2.0":
            return self.reply(200, json.dumps({
                "version": "2.0", "software": {"name": "hub"}}).encode())
        name = self.path[len("/users/"):]
        if not self.path.startswith("/users/") or "/" in name:
            return self.reply(404)
        iri = srv.base + self.path
        self.reply(200, json.dumps({
            "@context": ["https://www.w3.org/ns/activitystreams",
                         "https://w3id.org/security/v1"],
            "id": iri, "type": "Person", "preferredUsername": name,
            "inbox": iri + "/inbox",
            "endpoints": {"sharedInbox": srv.base + "/inbox"},
            "publicKey": {"id": iri + "#main-key", "owner": iri,
                          "publicKeyPem": srv.fleet.pem}}).encode(),
            AS_TYPE)

    def do_POST(self):
        srv = self.server
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        doc = json.loads(body)
        if self.path == "/inbox" and doc.get("type") == "Announce":
            if srv.fleet.announce(srv.port, doc.get("id")):
                srv.fleet.release.wait(60)
                with srv.fleet.lock:
                    srv.fleet.held -= 1
        else:
            with srv.fleet.lock:
                srv.fleet.other += 1
        self.reply(202, b"{}")


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fleet):
        self.port = free_port()
        super().__init__(("127.0.0.1", self.port), Instance)
        self.base = "http://127.0.0.1:%d" % self.port
        self.fleet = fleet
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def handle_error(self, request, client_address):
        pass  # answers to the killed hubd go nowhere


def follower(servers, i):
    return servers[i % INSTANCES].base + "/users/f%d" % i


def signed_follows(servers, group, inbox):
    """The raw signed Follow of the group by every follower."""
    lines, bodies = [], []
    for i in range(FOLLOWERS):
        iri = follower(servers, i)
        body = json.dumps({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": iri + "/follows/1", "type": "Follow", "actor": iri,
            "object": group})
        bodies.append(body.encode())
        lines.append("%s#main-key %s %s" % (iri, inbox, body))
    out = subprocess.run([SIGNREQ, "batch", PRIV], input="\n".join(lines)
                         + "\n", capture_output=True, text=True,
                         check=True).stdout.splitlines()
    target = "/" + inbox.split("/", 3)[3]
    return [("POST %s HTTP/1.1\r\n%s\r\nContent-Length: %d\r\n\r\n" %
             (target, heads.replace("\t", "\r\n"), len(b))).encode() + b
            for heads, b in zip(out, bodies)]


def send_all(port, reqs):
    """Send the raw requests over SENDERS keep-alive connections; the
    statuses."""
    statuses = []
    lock = threading.Lock()

    def sender(part):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        c.connect()
        for raw in part:
            c.sock.sendall(raw)
            r = http.client.HTTPResponse(c.sock, method="POST")
            r.begin()
            r.read()
            with lock:
                statuses.append(r.status)
            if r.will_close:
                c.close()
                c.connect()
        c.close()

    threads = [threading.Thread(target=sender, args=(reqs[k::SENDERS],))
               for k in range(SENDERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return statuses


def pending(h):
    """Deliveries queued, summed over hosts (hubctl queue)."""
    n = 0
    for line in h.ctl("queue").stdout.splitlines()[1:]:
        f = line.split()
        if len(f) >= 2 and f[1].isdigit():
            n += int(f[1])
    return n


def steady(fleet, posters, seconds=1.0, timeout=15.0):
    """Until the posts are all in and the held count has not moved for
    seconds (the worker's slots are full and the outcomes of the answered
    requests recorded: it writes them within 50 ms)."""
    end = time.time() + timeout
    last, since = None, time.time()
    while time.time() < end:
        now = fleet.counts()
        if now != last or any(t.is_alive() for t in posters):
            last, since = now, time.time()
        elif now[1] > 0 and time.time() - since >= seconds:
            return True
        time.sleep(0.05)
    return False


def join(h, fleet, servers):
    """The followers join the community with signed Follows."""
    group = h.base + "/c/wards"
    inbox = h.get(group).json().get("inbox")
    t0 = time.time()
    reqs = signed_follows(servers, group, inbox)
    statuses = send_all(h.port, reqs)
    ok(statuses.count(202) == FOLLOWERS,
       "%d signed Follows of the community accepted (202) in %.1f s: %s" %
       (FOLLOWERS, time.time() - t0,
        {s: statuses.count(s) for s in set(statuses)}))
    ok(wait_for(lambda: h.get(group + "/followers").json().get(
        "totalItems") == FOLLOWERS + 1, 20),
       "the community counts %d followers (alice included)" %
       (FOLLOWERS + 1))
    ok(wait_for(lambda: fleet.other >= FOLLOWERS and pending(h) == 0, 30),
       "every Accept is delivered (%d) in %.1f s from the first Follow" %
       (fleet.other, time.time() - t0))
    ok(wait_for(lambda: h.ctl("instances").stdout.count("FEP-1b12") ==
                INSTANCES, 20),
       "the community has asked each instance what it runs (a hub: one "
       "form of each post)")


def crash(h, fleet):
    """Post into the community; SIGKILL hubd mid-fan-out. Returns the
    requests held (in flight) at the kill."""
    def post(k):
        r = h.ctl("post", "alice", "Ward round %d: what we changed" % k,
                  "--group", "wards")
        if r.returncode != 0:
            diag("post %d: %s" % (k, r.stderr))

    posters = [threading.Thread(target=post, args=(k,))
               for k in range(POSTS)]
    for t in posters:
        t.start()
    ok(steady(fleet, posters), "the worker is steady with deliveries "
       "held at the instances (answered, held, received: %s)" %
       (fleet.counts(),))
    for t in posters:
        t.join(30)
    answered, held, received = fleet.counts()
    queued = pending(h)
    ok(answered == ANSWERED and 0 < held <= MAX_XFERS and
       queued >= held and answered + queued == POSTS * INSTANCES,
       "mid-fan-out: %d delivered, %d in flight (at most %d), %d queued "
       "(hubctl queue; the ones in flight among them) of %d" %
       (answered, held, MAX_XFERS, queued, POSTS * INSTANCES))
    h.kill9()
    with fleet.lock:
        fleet.hold = False
    fleet.release.set()
    return held


def after(h, fleet, held):
    """Restarted: every instance gets every Announce; duplicates only of
    what was in flight."""
    t0 = time.time()
    h.start()

    def complete():
        with fleet.lock:
            return (len(fleet.got) == INSTANCES and
                    all(len(set(v)) == POSTS for v in fleet.got.values()))

    ok(wait_for(complete, 30) and wait_for(lambda: pending(h) == 0, 10),
       "after the restart every instance's inbox has all %d Announces "
       "and nothing is left queued (%.1f s)" % (POSTS, time.time() - t0))
    with fleet.lock:
        dups = sum(len(v) - len(set(v)) for v in fleet.got.values())
        twice = max(len(v) - len(set(v)) for v in fleet.got.values())
    diag("duplicates: %d (requests in flight at the kill: %d)" %
         (dups, held))
    ok(dups <= held, "duplicates (%d) are at most the requests in flight "
       "at the kill (%d), at most %d" % (dups, held, MAX_XFERS))
    ok(twice <= PER_HOST, "on one instance at most delivery_per_host "
       "(%d) repeats: %d" % (PER_HOST, twice))


def main():
    t0 = time.time()
    subprocess.run([SIGNREQ, "genkey", PRIV, PRIV + ".pub"], check=True)
    with open(PRIV + ".pub") as f:
        fleet = Fleet(f.read())
    servers = [Server(fleet) for _ in range(INSTANCES)]
    with Hub("log_level = warn\n") as h:
        h.add_user("alice")
        r = h.ctl("group", "create", "wards", "--title", "Ward rounds")
        ok(r.returncode == 0, "a community (%s)" % r.stderr.strip())
        h.start()
        r = h.ctl("follow", "alice", handle(h, "wards"))
        ok(r.returncode == 0 and wait_for(
            lambda: accepted(h, "alice", h.base + "/c/wards")),
           "alice joins it (%s)" % r.stderr.strip())
        join(h, fleet, servers)
        held = crash(h, fleet)
        after(h, fleet, held)
        r = h.ctl("check")
        ok(r.returncode == 0, "hubctl check passes after the crash %s" %
           (r.stdout + r.stderr)[-300:])
        ok(h.stop() == 0, "hubd stops cleanly")
        if hubtest._failed:
            diag(h.read_log()[-3000:])
    diag("%.1f s in all" % (time.time() - t0))
    for s in servers:
        s.shutdown()
    shutil.rmtree(KEYS, ignore_errors=True)
    done()


if __name__ == "__main__":
    main()
