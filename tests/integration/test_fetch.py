"""Remote fetch: hubctl resolve against a second real hub and against a
hostile loopback server. Every GET is signed by the instance actor; bad
answers are refused with a reason, nothing is stored."""
import gzip
import http.server
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from hubtest import Hub, done, free_port, ok  # noqa: E402

AS = "application/activity+json"
WEAK_PEM = ("-----BEGIN PUBLIC KEY-----\n"
            "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDCFENGw33yGihy92pDjZQhl0C3\n"
            "6rPJj+CvfSC8+q28hxA161QFNUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6\n"
            "Z4UMR7EOcpfdUE9Hf3m/hs+FUR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJw\n"
            "oYi+1hqp1fIekaxsyQIDAQAB\n-----END PUBLIC KEY-----\n")


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass    # clients hang up on purpose (too large, too slow)


class Hostile(http.server.BaseHTTPRequestHandler):
    """Serves actors good and bad; remembers request headers."""
    pem = None
    seen = {}
    base = None

    def log_message(self, *a):
        pass

    def actor(self, path, **change):
        iri = self.base + path
        doc = {"@context": "https://www.w3.org/ns/activitystreams",
               "id": iri, "type": "Person", "preferredUsername": "eve",
               "inbox": iri + "/inbox",
               "publicKey": {"id": iri + "#main-key", "owner": iri,
                             "publicKeyPem": self.pem}}
        for k, v in change.items():
            if v is None:
                doc.pop(k, None)
            else:
                doc[k] = v
        return doc

    def send(self, status, body, ctype=AS, extra=None):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        p = self.path
        Hostile.seen[p.split("?")[0]] = dict(self.headers)
        if p == "/good":
            self.send(200, self.actor(p))
        elif p == "/loop":
            self.send(302, b"", extra={"Location": "/loop"})
        elif p == "/to-good":
            self.send(301, b"", extra={"Location": "/good"})
        elif p == "/to-file":
            self.send(302, b"", extra={"Location": "file:///etc/passwd"})
        elif p == "/big":
            doc = self.actor(p, name="x" * (2 * 1024 * 1024))
            self.send(200, doc)
        elif p == "/bomb":
            raw = gzip.compress(b"{" + b" " * (40 * 1024 * 1024) + b"}")
            self.send(200, raw, extra={"Content-Encoding": "gzip"})
        elif p == "/html":
            self.send(200, b"<html>hello</html>", ctype="text/html")
        elif p == "/wrong-id":
            self.send(200, self.actor("/someone-else"))
        elif p == "/no-key":
            self.send(200, self.actor(p, publicKey=None))
        elif p == "/weak-key":
            doc = self.actor(p)
            doc["publicKey"]["publicKeyPem"] = WEAK_PEM
            self.send(200, doc)
        elif p == "/foreign-key":
            doc = self.actor(p)
            doc["publicKey"]["id"] = "https://elsewhere.example/k"
            self.send(200, doc)
        elif p == "/slow":
            time.sleep(4)
            self.send(200, self.actor(p))
        elif p.startswith("/.well-known/webfinger"):
            self.send(200, {"subject": "acct:x@y", "links": [
                {"rel": "self", "type": "text/html", "href": "/x"}]},
                ctype="application/jrd+json")
        else:
            self.send(404, b"{}", ctype="application/json")


def resolve(h, what):
    r = h.ctl("resolve", what)
    return r.returncode, r.stdout, r.stderr.strip()


def main():
    with Hub("fetch_timeout = 2\n") as a, Hub() as b:
        b.add_user("bob", "--display-name", "Bob Pharmacist", "--locked")
        b.start()
        rc, out, err = resolve(a, "@bob@" + b.host)
        ok(rc == 0 and "actor:        %s/users/bob" % b.base in out and
           "display name: Bob Pharmacist" in out and
           "locked:       yes" in out,
           "resolve @bob@host through WebFinger (%s)" % err)
        rc, out, err = resolve(a, b.base + "/users/bob")
        ok(rc == 0 and "handle:       @bob@" + b.host in out,
           "resolve by URL, again: the stored actor is updated")
        ok(a.ctl("check").returncode == 0, "check passes with a remote "
           "actor stored")
        rc, out, err = resolve(a, "@nobody@" + b.host)
        ok(rc == 6 and "no account" in err, "an unknown account: %s" % err)
        ok(resolve(a, "not a handle")[0] == 6, "a malformed handle")
        pem = b.get("/users/bob").json()["publicKey"]["publicKeyPem"]

        port = free_port()
        Hostile.pem = pem
        Hostile.base = "http://127.0.0.1:%d" % port
        srv = QuietServer(("127.0.0.1", port), Hostile)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        base = Hostile.base
        rc, out, err = resolve(a, base + "/good")
        ok(rc == 0, "a good actor from a plain server (%s)" % err)
        h = Hostile.seen.get("/good", {})
        sig = h.get("Signature", "")
        ok('keyId="%s/actor#main-key"' % a.base in sig and
           'headers="(request-target) host date accept"' in sig and
           'algorithm="rsa-sha256"' in sig,
           "the GET is signed by the instance actor: %s" % sig[:90])
        ok(h.get("Date", "").endswith(" GMT") and
           AS in h.get("Accept", "") and h.get("Host") == "127.0.0.1:%d"
           % port, "with Date, Accept and Host")
        rc, out, err = resolve(a, base + "/to-good")
        ok(rc == 0 and "actor:        %s/good" % base in out,
           "a redirect is followed when the document's id is where it "
           "was served (%s)" % err)
        cases = [
            ("/loop", "redirects more than 3 times"),
            ("/to-file", "file:///etc/passwd is not an http(s) URL"),
            ("/big", "more than 1 MiB"),
            ("/bomb", "more than 1 MiB"),
            ("/html", "not ActivityPub"),
            ("/wrong-id", "says its id is"),
            ("/no-key", "no publicKey"),
            ("/weak-key", "too weak"),
            ("/foreign-key", "another host"),
            ("/slow", "in time"),
            ("/missing", "answered 404"),
        ]
        for path, why in cases:
            rc, out, err = resolve(a, base + path)
            ok(rc == 6 and why in err, "%s refused: %s" % (path, err))
        rc, out, err = resolve(a, "@x@127.0.0.1:%d" % port)
        ok(rc == 6 and "no ActivityPub actor" in err,
           "a WebFinger answer without an ActivityPub link: %s" % err)
        srv.shutdown()
        r = a.ctl("check")
        ok(r.returncode == 0 and "actors     3" in r.stdout,
           "only the good actors were stored (instance, bob, eve)")
    with Hub() as strict, Hub() as b:
        with open(strict.conf) as f:
            conf = f.read()
        with open(strict.conf, "w") as f:
            f.write(conf.replace("allow_private_addresses = true",
                                 "allow_private_addresses = false"))
        b.add_user("bob")
        b.start()
        rc, out, err = resolve(strict, b.base + "/users/bob")
        ok(rc == 6 and "private or local address" in err,
           "without allow_private_addresses loopback is refused: %s" % err)
        rc, out, err = resolve(strict, "http://localhost:%d/users/bob" %
                               b.port)
        ok(rc == 6 and "private or local address" in err,
           "also when a name resolves to it")
    done()


main()
