"""Interop with an independent ActivityPub implementation: Fedify 1.5 from
the npm registry (tests/interop: package.json, package-lock.json, installed
by tests/interop/install.sh), run as a peer on a loopback port by
tests/interop/fedify_peer.mjs, which this script drives over HTTP.

Both directions, each with the other side's signature check:
  hub -> Fedify: the Accept for Fedify's Follow and the Create of a
    member's post reach Fedify's inbox and are dispatched, which Fedify
    does only after verifying our HTTP signature (its verifyRequest() also
    runs on its own and names our key); the same delivery with a changed
    body is refused by Fedify (401).
  Fedify -> hub: Fedify's signed Follow, Create(Note), Like, Undo(Like),
    Undo(Follow) and Accept are taken (202) and applied; the same Create
    with a changed body is refused by the hub (401).

Needs node (20 or newer) and npm; when the install fails the test fails,
saying why. HUB_SKIP_INTEROP=1 skips it on purpose (never under CI)."""
import base64
import hashlib
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from hubtest import Hub, diag, done, ok  # noqa: E402
from test_follow import exchange, follows, wait_for  # noqa: E402

SRC = os.environ.get("HUB_SRCDIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("HUB_BUILDDIR") or os.path.join(SRC, "build")
INTEROP = os.path.join(SRC, "tests", "interop")
FILES = ("package.json", "package-lock.json", "install.sh",
         "fedify_peer.mjs")


def interop_dir():
    """tests/interop, where node_modules is installed once for every build;
    a copy in the build tree when the source tree is read-only (distcheck).
    """
    if os.access(INTEROP, os.W_OK):
        return INTEROP
    d = os.path.join(BUILD, "tests", "interop")
    os.makedirs(d, exist_ok=True)
    for f in FILES:
        shutil.copyfile(os.path.join(INTEROP, f), os.path.join(d, f))
    return d


def install(d):
    """Runs install.sh in d; returns (ok, output)."""
    try:
        r = subprocess.run(["sh", os.path.join(d, "install.sh")],
                           capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as e:
        return False, str(e)
    return r.returncode == 0, r.stdout + r.stderr


class Peer:
    """The Fedify peer process; a context manager that always ends it."""

    def __init__(self, d, http_host):
        fd, self.log = tempfile.mkstemp(prefix="fedify-peer-",
                                        suffix=".log")
        self.logf = os.fdopen(fd, "wb")
        self.last_log = ""
        # Our end of its stdin is its lifeline: if this script dies
        # without stop(), the pipe closes and the peer exits.
        self.proc = subprocess.Popen(
            ["node", os.path.join(d, "fedify_peer.mjs"),
             "--http-host", http_host],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self.logf, cwd=d)
        self.info = None

    def __enter__(self):
        try:
            r, _, _ = select.select([self.proc.stdout], [], [], 30)
            line = self.proc.stdout.readline() if r else b""
            self.info = json.loads(line) if line else None
        except ValueError:
            self.info = None
        if not self.info or not self.info.get("ready"):
            self.stop()
            raise RuntimeError("the Fedify peer did not start:\n" +
                               self.read_log())
        self.port = self.info["port"]
        self.actor = self.info["actor"]
        return self

    def __exit__(self, *exc):
        self.stop()
        self.last_log = self.read_log()
        try:
            os.unlink(self.log)
        except OSError:
            pass

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                f.close()
            except OSError:
                pass
        self.logf.close()
        return self.proc.returncode

    def read_log(self):
        try:
            with open(self.log, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return self.last_log

    def call(self, cmd, **args):
        """POST /control/CMD; returns the answer as a dict."""
        body = json.dumps(args).encode()
        st, text = exchange(
            "127.0.0.1:%d" % self.port,
            b"POST /control/%s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
            b"Content-Type: application/json\r\nContent-Length: %d\r\n"
            b"Connection: close\r\n\r\n" % (cmd.encode(), self.port,
                                             len(body)) + body)
        try:
            doc = json.loads(text)
        except ValueError:
            doc = {"ok": False, "error": text}
        doc["http_status"] = st
        return doc

    def state(self):
        st, text = exchange(
            "127.0.0.1:%d" % self.port,
            b"GET /control/state HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
            b"Connection: close\r\n\r\n" % self.port)
        return json.loads(text)

    def received(self, type_, pred=lambda a: True):
        return [a for a in self.state()["received"]
                if a["type"] == type_ and pred(a)]


def raw_post(hostport, path, headers, body):
    """Replay a recorded request with its own headers and a given body."""
    head = "".join("%s: %s\r\n" % (k, v) for k, v in headers.items()
                   if k.lower() not in ("content-length", "connection"))
    req = ("POST %s HTTP/1.1\r\n%sContent-Length: %d\r\n"
           "Connection: close\r\n\r\n" % (path, head, len(body))).encode()
    return exchange(hostport, req + body)


def redigest(headers, body):
    """headers with a Digest that matches body: only the signature can
    then tell that the body was changed."""
    d = "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()
    return {k: (d if k.lower() == "digest" else v)
            for k, v in headers.items()}


def delivered(r):
    """The one POST a /control/ command made: (status, request record)."""
    posts = r.get("sent") or [{}]
    return posts[-1].get("status"), posts[-1]


def sig_params(headers):
    sig = {k.lower(): v for k, v in headers.items()}.get("signature", "")
    out = {}
    for part in sig.split('",'):
        k, _, v = part.partition("=")
        out[k.strip()] = v.strip().strip('"')
    return out


def likes(h, url):
    """totalItems of the note's likes collection, or None if the hub does
    not serve one."""
    note = h.get(url).json() or {}
    c = note.get("likes")
    if isinstance(c, str):
        c = h.get(c).json() or {}
    if not isinstance(c, dict) or not isinstance(c.get("totalItems"), int):
        return None
    return c["totalItems"]


def hub_to_fedify(h, p, alice):
    """(a) and (b): our Accept and Create, verified by Fedify."""
    r = p.call("lookup", id="@alice@" + h.host)
    ok(r.get("actor") == alice and r.get("publicKey") ==
       alice + "#main-key" and r.get("sharedInbox") == h.base + "/inbox",
       "Fedify resolves @alice@%s by WebFinger and reads her actor and key "
       "(%s)" % (h.host, r))
    follow = p.call("follow", actor=alice)
    st, req = delivered(follow)
    sig = sig_params(req.get("headers", {}))
    ok(follow.get("ok") and st == 202 and req.get("url") ==
       alice + "/inbox", "(a) Fedify's signed Follow: the hub answers 202 "
       "(%s %s)" % (st, follow.get("error") or ""))
    ok(sig.get("keyId") == p.actor + "#main-key" and
       sig.get("algorithm") == "rsa-sha256" and
       "digest" in sig.get("headers", "").split(),
       "Fedify signed it draft-cavage, rsa-sha256, Digest covered (%s)" %
       sig.get("headers"))
    ok(wait_for(lambda: follows(h, "followers", "alice") == [p.actor]),
       "the hub stored the follower: %s" % follows(h, "followers", "alice"))
    ok(wait_for(lambda: p.received(
        "Accept", lambda a: a["objectId"] == follow.get("id"))),
       "the hub's Accept reached Fedify and was dispatched, i.e. Fedify "
       "verified our signature and that alice owns the key")
    acc = [x for x in p.state()["inboxPosts"]
           if '"Accept"' in x["body"]]
    ok(acc and acc[0]["status"] == 202 and
       acc[0]["verifiedKey"] == alice + "#main-key" and
       acc[0]["keyOwner"] == alice,
       "Fedify's verifyRequest() names alice's key for the Accept "
       "(%s)" % {k: v for k, v in (acc or [{}])[0].items()
                 if k in ("status", "verifiedKey", "verifyError")})

    url = h.post("alice", "Hello Fedify: hand hygiene before every "
                 "patient #Safety")
    ok(wait_for(lambda: p.received(
        "Create", lambda a: (a.get("object") or {}).get("id") == url)),
       "(b) alice's post reached Fedify as a Create and was dispatched "
       "(signature verified by Fedify)")
    got = p.received("Create", lambda a: (a.get("object") or {}).get("id")
                     == url)
    note = got[0]["object"] if got else {}
    ok(got and got[0]["actor"] == alice and "hand hygiene" in
       note.get("content", "") and note.get("attributedTo") == alice,
       "Fedify read the Note: author, content (%s)" %
       note.get("content"))
    posts = [x for x in p.state()["inboxPosts"] if url in x["body"]]
    ok(posts and posts[0]["status"] == 202 and
       posts[0]["verifiedKey"] == alice + "#main-key",
       "Fedify's verifyRequest() verifies the Create with alice's key "
       "(%s)" % ((posts or [{}])[0].get("verifiedKey")))
    if posts:
        body = posts[0]["body"].replace("hand hygiene", "hand waving")
        n = len(p.state()["received"])
        st, text = raw_post("127.0.0.1:%d" % p.port, posts[0]["path"],
                            posts[0]["headers"], body.encode())
        ok(st == 401 and len(p.state()["received"]) == n,
           "the same delivery with a changed body: Fedify refuses it "
           "(%d %s)" % (st, text.strip()))
        st, text = raw_post("127.0.0.1:%d" % p.port, posts[0]["path"],
                            redigest(posts[0]["headers"], body.encode()),
                            body.encode())
        ok(st == 401 and len(p.state()["received"]) == n,
           "and with a Digest made for the changed body: Fedify's "
           "signature check refuses it (%d %s)" % (st, text.strip()))
    return follow, url


def fedify_to_hub(h, p, alice, follow, url):
    """(c) and (d): Fedify's Create, Like and Undos, verified by the hub."""
    text = "Hello alice, from Fedify: we use the WHO checklist"
    create = p.call("create", to=alice, shared=True,
                    content="<p>%s</p>" % text)
    st, req = delivered(create)
    ok(create.get("ok") and st == 202 and req.get("url") ==
       h.base + "/inbox", "(c) Fedify's signed Create(Note) to alice "
       "through the shared inbox: 202 (%s %s)" % (st,
                                                  create.get("error")))
    tl = h.ctl("timeline", "alice").stdout
    ok(p.actor in tl and text in tl,
       "the hub stored the note: it is on alice's home timeline")
    tampered = req.get("body", "").replace("WHO checklist", "no checklist")
    path = "/" + req.get("url", "x/x/x/").split("/", 3)[3]
    st, body = raw_post(h.host, path, req.get("headers", {}),
                        tampered.encode())
    ok(st == 401 and "no checklist" not in h.ctl("timeline",
                                                  "alice").stdout,
       "the same request with a changed body: the hub refuses it "
       "(%d %s)" % (st, body.strip()))
    st, body = raw_post(h.host, path,
                        redigest(req.get("headers", {}), tampered.encode()),
                        tampered.encode())
    ok(st == 401 and "no checklist" not in h.ctl("timeline",
                                                  "alice").stdout,
       "and with a Digest made for the changed body: the hub's signature "
       "check refuses it (%d %s)" % (st, body.strip()))
    st, body = raw_post(h.host, path, req.get("headers", {}),
                        req.get("body", "").encode())
    ok(st == 202 and h.ctl("timeline", "alice").stdout.count(text) == 1,
       "the untouched request replayed: 202 and still one copy")

    like = p.call("like", to=alice, object=url)
    st, req = delivered(like)
    ok(like.get("ok") and st == 202,
       "(d) Fedify's signed Like of alice's note: 202 (%s %s)" %
       (st, like.get("error")))
    ok(wait_for(lambda: likes(h, url) == 1),
       "the hub counts Fedify's like on alice's note (%s)" % likes(h, url))
    ok("like" in h.ctl("notifications", "alice").stdout,
       "and tells alice of it")
    undo = p.call("undo", id=like.get("id"), shared=True)
    st, req = delivered(undo)
    ok(undo.get("ok") and st == 202 and
       json.loads(req.get("body") or "{}").get("object", {}).get("id") ==
       like.get("id"),
       "Fedify's Undo of the Like (embedding it): 202 (%s %s)" %
       (st, undo.get("error")))
    ok(wait_for(lambda: likes(h, url) == 0),
       "and the Undo takes it away (%s)" % likes(h, url))
    undo = p.call("undo", id=follow.get("id"))
    st, req = delivered(undo)
    ok(undo.get("ok") and st == 202,
       "Fedify's Undo of the Follow: 202 (%s %s)" % (st, undo.get("error")))
    ok(wait_for(lambda: follows(h, "followers", "alice") == []),
       "the hub removed the follower: %s" % follows(h, "followers",
                                                    "alice"))
    # Checked in hub_follows_fedify(), once a later delivery has come.
    return h.post("alice", "After the unfollow")


def hub_follows_fedify(h, p, alice, after):
    """(e) a member follows the Fedify actor: our Follow verified by
    Fedify, Fedify's Accept verified by us, our Undo verified by Fedify."""
    r = h.ctl("follow", "alice", p.actor)
    ok(r.returncode == 0 and "asked to follow" in r.stdout,
       "(e) hubctl follow alice <Fedify actor> (%s)" %
       (r.stdout + r.stderr).strip())
    gets = p.state()["actorGets"]
    ok(gets and all(g["verifiedKey"] for g in gets if g["signature"]),
       "the hub's GETs of the Fedify actor: %d, %d signed, every "
       "signature verified by Fedify (%s)" %
       (len(gets), sum(1 for g in gets if g["signature"]),
        sorted(set(g["verifiedKey"] or "-" for g in gets))))
    ok(wait_for(lambda: p.received("Follow", lambda a: a["actor"] ==
                                   alice)),
       "the hub's Follow reached Fedify and was dispatched (signature "
       "verified by Fedify)")
    fol = p.received("Follow", lambda a: a["actor"] == alice)
    ok(not p.received("Create", lambda a: a["objectId"] == after),
       "alice's post after Fedify's Undo(Follow), queued before this "
       "Follow, did not go to Fedify")
    ok(wait_for(lambda: h.ctl("following", "alice").stdout.split() ==
                [p.actor]),
       "Fedify's Accept was verified and applied by the hub: alice "
       "follows it (%s; %s)" % (h.ctl("following", "alice").stdout.strip(),
                                p.state()["accepts"]))
    r = h.ctl("unfollow", "alice", p.actor)
    ok(r.returncode == 0 and wait_for(lambda: p.received(
        "Undo", lambda a: a["actor"] == alice and fol and
        a["objectId"] == fol[0]["id"])),
       "hubctl unfollow: Fedify receives and verifies the Undo of that "
       "Follow")
    ok(h.ctl("following", "alice").stdout.strip() == "",
       "and alice no longer follows it")


def fedify_in_community(h, p, alice):
    """Fedify joins a community on the hub, posts into it by addressing
    it, and receives the community's Announce, signed by the community."""
    group = h.base + "/c/sepsis"
    follow = p.call("follow", actor=group)
    st, _ = delivered(follow)
    ok(follow.get("ok") and st == 202, "Fedify joins the community "
       "(follows its Group): 202 (%s)" % st)
    ok(wait_for(lambda: p.actor in follows(h, "followers", "sepsis")),
       "the community counts it as a member")
    r = h.ctl("follow", "alice", "@sepsis@" + h.host)
    ok(r.returncode == 0, "alice joins too")
    text = "Fedify posts into the sepsis community"
    create = p.call("create", to=group, content="<p>%s</p>" % text,
                    public=True)
    st, _ = delivered(create)
    ok(create.get("ok") and st == 202, "Fedify posts into it by "
       "addressing it: 202 (%s %s)" % (st, create.get("error")))
    note = create.get("note")
    ok(wait_for(lambda: text in h.ctl("timeline", "alice").stdout),
       "the community announces it to its members: alice sees it")
    ok(wait_for(lambda: p.received(
        "Announce", lambda a: a.get("actor") == group)),
       "Fedify receives the community's Announce, dispatched, so its "
       "signature by the community verified")
    ann = [x for x in p.state()["inboxPosts"] if '"Announce"' in x["body"]]
    ok(ann and ann[0]["verifiedKey"] == group + "#main-key" and
       note in ann[0]["body"],
       "Fedify's verifyRequest() names the community's key, and the "
       "Announce carries Fedify's note (%s)" %
       {k: v for k, v in (ann or [{}])[0].items()
        if k in ("status", "verifiedKey", "verifyError")})


def main():
    if os.environ.get("HUB_SKIP_INTEROP") == "1" and not os.environ.get(
            "CI"):
        print("1..0 # SKIP HUB_SKIP_INTEROP=1", flush=True)
        return
    t0 = time.time()
    d = interop_dir()
    good, out = install(d)
    if not ok(good, "the Fedify peer's npm packages are installed "
              "(tests/interop/install.sh)"):
        diag(out)
        done()
    diag("install: %.1fs" % (time.time() - t0))
    with Hub() as h:
        h.add_user("alice")
        h.ctl("group", "create", "sepsis")
        h.start()
        alice = h.base + "/users/alice"
        t1 = time.time()
        peer = None
        try:
            peer = Peer(d, h.host)
            with peer as p:
                follow, url = hub_to_fedify(h, p, alice)
                after = fedify_to_hub(h, p, alice, follow, url)
                hub_follows_fedify(h, p, alice, after)
                fedify_in_community(h, p, alice)
                ok(p.proc.poll() is None, "the Fedify peer is still up")
        except Exception as e:  # noqa: BLE001 - report, then fail
            ok(False, "the interop run failed: %r" % e)
            if peer is not None:
                peer.stop()
                diag("Fedify peer's log:\n" + peer.read_log())
                if os.path.exists(peer.log):
                    os.unlink(peer.log)
            diag("hubd's log:\n" + h.read_log())
        ok(peer is None or peer.proc.poll() is not None,
           "the Fedify peer has stopped")
        ok(h.proc.poll() is None and h.ctl("check").returncode == 0,
           "the hub is still serving and consistent")
        ok(h.stop() == 0, "hubd stops cleanly")
        diag("interop run: %.1fs" % (time.time() - t1))
    done()

if __name__ == "__main__":
    main()
