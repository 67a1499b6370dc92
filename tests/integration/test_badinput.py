"""A corpus of bad requests: each gets the right 4xx with a JSON error (or
a page for browsers), nothing is stored, and the server keeps serving."""
import json
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from hubtest import Hub, done, ok  # noqa: E402


def raw(h, data, timeout=5):
    """Send raw bytes; return the status line (or '' if closed). The
    server may answer (413) and close before reading everything."""
    s = socket.create_connection(("127.0.0.1", h.port), timeout)
    try:
        try:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        buf = b""
        while True:
            try:
                chunk = s.recv(65536)
            except OSError:
                break
            if not chunk:
                break
            buf += chunk
        return buf.split(b"\r\n", 1)[0].decode("latin-1")
    finally:
        s.close()


def snapshot(h):
    """What the data looks like from outside: nodeinfo, outbox, check."""
    ni = h.get("/nodeinfo/2.1", accept=None).json()["usage"]
    ob = h.get("/users/alice/outbox?page=true").body
    return ni, ob


def api_cases(h, tok):
    cases = [
        ("no token", None, "application/json", {"text": "x"}, 401),
        ("bad token", "f" * 64, "application/json", {"text": "x"}, 401),
        ("short token", "abc", "application/json", {"text": "x"}, 401),
        ("text/plain body", tok, "text/plain", "hello", 415),
        ("form body", tok, "application/x-www-form-urlencoded", "text=x",
         415),
        ("malformed JSON", tok, "application/json", '{"text": ', 400),
        ("trailing garbage", tok, "application/json", '{"text":"a"} x',
         400),
        ("duplicate keys", tok, "application/json",
         '{"text":"a","text":"b"}', 400),
        ("empty body", tok, "application/json", "", 400),
        ("array", tok, "application/json", "[1,2]", 422),
        ("string", tok, "application/json", '"text"', 422),
        ("text is a number", tok, "application/json", {"text": 5}, 422),
        ("text missing", tok, "application/json", {"body": "x"}, 422),
        ("visibility unknown", tok, "application/json",
         {"text": "x", "visibility": "secret"}, 422),
        ("visibility not a string", tok, "application/json",
         {"text": "x", "visibility": 3}, 422),
        ("content warning object", tok, "application/json",
         {"text": "x", "content_warning": {}}, 422),
        ("empty text", tok, "application/json", {"text": "  "}, 422),
        ("too long", tok, "application/json", {"text": "a" * 5001}, 422),
        ("control character", tok, "application/json",
         {"text": "a\u0007b"}, 422),
        ("NUL escape", tok, "application/json", '{"text":"a\\u0000b"}',
         400),
        ("lone surrogate", tok, "application/json", '{"text":"\\udc00"}',
         400),
        ("invalid UTF-8", tok, "application/json",
         b'{"text":"\xff\xfe"}', 400),
        ("deep nesting", tok, "application/json", "[" * 5000 + "]" * 5000,
         400),
    ]
    for name, token, ctype, doc, want in cases:
        r = h.api_post(token, doc, content_type=ctype)
        j = r.json() or {}
        ok(r.status == want and isinstance(j.get("error"), str) and
           j["error"], "API %s: %d with a JSON error (got %d %s)" %
           (name, want, r.status, j.get("error")))


def get_cases(h):
    cases = [
        ("/users/nobody", 404), ("/users/nobody/outbox", 404),
        ("/users/ALICE", 404), ("/users/alice/statuses/1", 404),
        ("/users/alice/statuses/abc/activity", 404),
        ("/users/alice/outbox?page=true&max_id=-1", 400),
        ("/users/alice/outbox?page=true&max_id=99999999999999999999999",
         400),
        ("/users/alice/outbox?max_id=", 400),
        ("/users/../etc/passwd", 404), ("/%2e%2e/%2e%2e/etc/passwd", 404),
        ("/users/alice%00", 404), ("/c/nobody/followers", 404),
        ("/.well-known/webfinger?resource=acct:%00@x", 400),
        ("/.well-known/webfinger?resource=" + "a" * 4000, 400),
        ("/.well-known/webfinger?resource=acct:%C3%A9@127.0.0.1", 400),
        ("/users/" + "a" * 3000, 404),
    ]
    for path, want in cases:
        r = h.get(path)
        j = r.json() or {}
        ok(r.status == want and "error" in j,
           "GET %s: %d JSON error (got %d)" % (path[:60], want, r.status))
    r = h.get("/users/nobody", accept="text/html")
    ok(r.status == 404 and "<html" in r.text and "could not find" in r.text,
       "browsers get a readable 404 page")
    for method, path in (("PUT", "/api/hub/notes"),
                         ("POST", "/users/alice/outbox"),
                         ("PATCH", "/.well-known/webfinger")):
        r = h.request(method, path, body="{}",
                      headers={"Content-Type": "application/json"})
        ok(r.status == 405, "%s %s: 405 (got %d)" % (method, path,
                                                       r.status))


def size_cases(h, tok):
    big = json.dumps({"text": "x" * (1024 * 1024 + 10)}).encode()
    line = raw(h, b"POST /api/hub/notes HTTP/1.1\r\nHost: x\r\n"
               b"Authorization: Bearer " + tok.encode() + b"\r\n"
               b"Content-Type: application/json\r\n"
               b"Content-Length: %d\r\n\r\n" % len(big) + big)
    ok(" 413 " in line, "body over 1 MiB with Content-Length: 413 (%s)" %
       line)
    chunks = b"".join(b"%x\r\n%s\r\n" % (65536, b"a" * 65536)
                      for _ in range(20)) + b"0\r\n\r\n"
    line = raw(h, b"POST /api/hub/notes HTTP/1.1\r\nHost: x\r\n"
               b"Authorization: Bearer " + tok.encode() + b"\r\n"
               b"Content-Type: application/json\r\n"
               b"Transfer-Encoding: chunked\r\n\r\n" + chunks)
    ok(" 413 " in line, "chunked body over 1 MiB: 413 (%s)" % line)
    line = raw(h, b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70000 +
               b"\r\n\r\n")
    ok(line == "" or " 431 " in line or " 413 " in line or " 400 " in line,
       "huge header refused (%s)" % (line or "closed"))
    for junk in (b"GARBAGE\r\n\r\n", b"GET\r\n\r\n",
                 b"GET / HTTP/9.9\r\n\r\n", b"\x00\xff\x16\x03\x01\r\n\r\n",
                 b"GET /users/alice HTTP/1.1\r\nContent-Length: -5\r\n\r\n"):
        line = raw(h, junk)
        # 505 is right for an HTTP version we do not speak.
        ok(line == "" or " 4" in line or " 505 " in line,
           "junk %r: %s" % (junk[:20], line or "closed"))


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def early_refusal(h):
    """Bodies are refused on their headers: nothing is buffered for a
    wrong path or a missing token (DESIGN rule 4, cheapest first)."""
    body = b"a" * (1024 * 1024 - 1)
    heads = [b"POST /nope HTTP/1.1\r\nHost: x\r\n",
             b"POST /api/hub/notes HTTP/1.1\r\nHost: x\r\n"
             b"Content-Type: application/json\r\n"]
    lines = []

    def one(i):
        lines.append(raw(h, heads[i % 2] + b"Content-Length: %d\r\n\r\n"
                         % len(body) + body))
    before = rss_kib(h.proc.pid)
    threads = [threading.Thread(target=one, args=(i,)) for i in range(120)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    grown = rss_kib(h.proc.pid) - before
    # An early answer is followed by a close; with the body still in
    # flight the kernel may reset the socket before the client reads it.
    ok(all(l == "" or " 405 " in l or " 401 " in l for l in lines) and
       sum(" 405 " in l for l in lines) >= 5 and
       sum(" 401 " in l for l in lines) >= 5,
       "bodies to a path without POST (405) and without a token (401) "
       "are refused on their headers (%d answered, %d reset)" %
       (sum(l != "" for l in lines), sum(l == "" for l in lines)))
    ok(grown < 48 * 1024, "120 bodies of 1 MiB grew hubd by %d KiB, not "
       "120 MiB" % grown)
    r = h.request("POST", "/api/hub/notes", body="x" * (200 * 1024),
                  headers={"Content-Type": "application/json"})
    ok(r.status == 401, "an unauthenticated oversized body: 401 first")


def protocol_cases(h):
    r = h.request("DELETE", "/users/alice")
    ok(r.status == 405 and r.header("Allow") == "GET",
       "405 says what is allowed (Allow: %s)" % r.header("Allow"))
    r = h.request("OPTIONS", "/api/hub/notes",
                  headers={"Origin": "https://app.example",
                           "Access-Control-Request-Method": "POST"})
    ok(r.status == 204 and "POST" in (r.header("Allow") or "") and
       "Authorization" in (r.header("Access-Control-Allow-Headers") or ""),
       "CORS preflight for the API")
    ok(r.header("Access-Control-Allow-Origin") == "*", "any origin")
    for path in ("/inbox", "/users/alice/inbox", "/actor/inbox"):
        r = h.request("POST", path, body="{}",
                      headers={"Content-Type": "application/activity+json"})
        ok(r.status == 401 and "sign" in (r.json() or {}).get("error", ""),
           "an unsigned POST to %s: 401" % path)
    h.get("/x%0a2026-01-01T00:00:00.000Z%20info%20FORGED%0d")
    for _ in range(100):   # the line is written after the answer
        log = h.read_log()
        if "FORGED" in log:
            break
        time.sleep(0.02)
    ok("\nFORGED" not in log and "\n2026-01-01T00:00:00.000Z info" not in
       log and "\\x0a" in log, "decoded control bytes cannot forge log "
       "lines")


def main():
    with Hub() as h:
        h.add_user("alice")
        for i in range(3):
            h.post("alice", "note %d #t" % i)
        h.start()
        tok = h.ctl("token", "alice").stdout.strip()
        before = snapshot(h)
        api_cases(h, tok)
        get_cases(h)
        size_cases(h, tok)
        early_refusal(h)
        protocol_cases(h)
        ok(h.proc.poll() is None, "hubd is still running")
        ok(h.get("/users/alice").status == 200, "and still answers")
        ok(snapshot(h) == before, "nothing was stored by bad requests")
        r = h.ctl("check")
        ok(r.returncode == 0, "hubctl check passes")
        ok(h.stop() == 0, "hubd stops cleanly")
    done()


main()
