"""End-to-end journeys through the web pages in a real browser: Debian's
chromium, headless, driven by playwright-core (tests/e2e/journey.mjs)
against two real hubs, A (open sign-ups, a community, a moderator and an
admin) and B (bob). Everything is done the way a person does it: links
and buttons found by their role and name, fields by their labels.

1. A newcomer signs up from the home page, joins the community from its
   page, previews and publishes a Markdown post into it; B receives it.
2. They reply to bob's post from their home timeline; B shows the reply.
3. They find bob by searching @bob@B and follow him; bob follows back
   and the newcomer is notified.
4. They edit their post (seen on A and on B), then delete it (410).
5. The community's moderator removes a post and bans its author from
   /moderation; the author's next post is not shown.
6. The admin blocks B's domain from /admin; bob's next post never shows.
7. A remote post with hostile HTML renders inert; cross-site and
   token-less form POSTs get 403 and post nothing; the session cookie is
   HttpOnly; a signed-out session cookie is dead.
8. axe-core on each kind of page visited: no serious or critical
   violations; on the pages with forms, Tab reaches every field and
   button.

HUB_SKIP_E2E=1 skips it on purpose (never under CI)."""
import http.server
import json
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from e2etest import e2e_dir, install  # noqa: E402
from hubtest import Hub, diag, done, ok, stop_and_check, free_port  # noqa
from test_follow import Player, wait_for  # noqa: E402

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
# Each trick would set window.__pwned or open a dialog if it ran.
HOSTILE = ('<p style="position:fixed;top:0;left:0;font-size:90px">Pump '
           'alarm learning</p><script>window.__pwned=1;alert(1)</script>'
           '<img src="x" onerror="window.__pwned=2;alert(2)">'
           '<a href="javascript:window.__pwned=3;alert(3)" '
           'onclick="window.__pwned=4">read more</a>'
           '<iframe src="javascript:parent.__pwned=5"></iframe>'
           '<svg onload="window.__pwned=6"></svg>'
           '<p onmouseover="window.__pwned=7">hover here</p>')
ATTACK = ('<!doctype html><html><body><form method="post" action="%s/write">'
          '<input name="text" value="CSRF attack post %s">'
          '<input name="visibility" value="public"></form>'
          '<script>document.forms[0].submit()</script></body></html>')


def attacker(a):
    """A loopback web server with two pages that post a form to A's
    /write as soon as they load. Returns (server, port)."""
    pages = {"/attack": ATTACK % (a.base, "from another site")}

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    port = free_port()
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, port


def accepted(h, name, target):
    return any(line.split()[:1] == [target] and "pending" not in line
               for line in h.ctl("following", name).stdout.splitlines())


def setup(a, b):
    """Members, the community, and a remote player's hostile post in it.
    Returns the passwords and the hostile note's id."""
    pw = {"ada": a.add_user("ada", "--role", "admin"),
          "cmod": a.add_user("cmod"), "carl": a.add_user("carl"),
          "bob": b.add_user("bob", "--display-name", "Bob of B")}
    a.ctl("group", "create", "safety", "--title", "Safety learning",
          "--summary", "Learning from incidents on the wards.")
    a.ctl("group", "mod", "add", "safety", "cmod")
    a.start()
    b.start()
    group = a.base + "/c/safety"
    a.ctl("follow", "carl", "@safety@" + a.host)
    b.ctl("follow", "bob", "@safety@" + a.host)
    mira = Player("mira")
    st, _ = mira.post(group + "/inbox", mira.activity("Follow", group))
    ok(st == 202 and wait_for(lambda: accepted(a, "carl", group) and
                              accepted(b, "bob", group)),
       "carl and bob (on B) are in the community; a remote player "
       "joins it: %d" % st)
    note = {"id": mira.iri + "/notes/hostile", "type": "Note",
            "attributedTo": mira.iri, "content": HOSTILE,
            "published": "2026-11-26T09:00:00Z",
            "to": [PUBLIC], "cc": [group], "audience": group}
    time.sleep(0.5)
    st, body = mira.post(group + "/inbox", mira.activity(
        "Create", note, to=note["to"], cc=note["cc"]))
    ok(st == 202 and wait_for(lambda: "Pump alarm" in
                              a.ctl("group", "timeline", "safety").stdout),
       "the player posts hostile HTML into the community: %d %s" %
       (st, body))
    return pw, note["id"]


def journeys(d, cfg):
    try:
        r = subprocess.run(["node", os.path.join(d, "journey.mjs"),
                            json.dumps(cfg)], cwd=d, capture_output=True,
                           text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as e:
        diag("journey.mjs: %r" % e)
        return None
    if r.returncode != 0:
        diag("journey.mjs exited %d:\n%s" % (r.returncode,
                                             r.stderr[-3000:]))
        return None
    return json.loads(r.stdout)


def tap(report):
    for s in report["steps"]:
        ok(s["ok"], "%s: %s%s" % (s["journey"], s["what"],
                                  "" if s["ok"] else " (%s)" % s["detail"]))
    ok(not report["dialogs"], "no dialog opened on any page %s" %
       report["dialogs"][:3])
    for kind, v in report["axe"].items():
        ok(not v["violations"], "axe-core: %s (%s): no serious or "
           "critical violations %s" % (kind, v["path"],
                                      json.dumps(v["violations"])[:600]))
    for kind, v in report["keyboard"].items():
        ok(v["stops"] and not v["unreached"], "keyboard: %s (%s): Tab "
           "reaches every field and button (%d stops; missed %s)" %
           (kind, v["path"], v["stops"], v["unreached"][:3]))
    for name, p in report["people"].items():
        bad = p["console"] + p["errors"] + p["csp"]
        ok(not bad and not p["offsite"], "%s's pages: no console errors, "
           "exceptions, CSP violations or requests off loopback %s" %
           (name, (bad + p["offsite"])[:3]))


def after(a, b):
    """What the hubs stored, seen from outside the browser."""
    t = a.ctl("timeline", "nina").stdout
    ok("CSRF attack post" not in t and "CSRF attack post" not in
       a.ctl("group", "timeline", "safety").stdout,
       "no forged post was stored on A")
    ok("after the block" not in a.ctl("timeline", "nina").stdout,
       "bob's post after the block is not stored on A")
    refused = [line for line in b.read_log().splitlines()
               if a.host in line and "refused (403)" in line]
    ok(refused and a.host not in b.ctl("queue").stdout,
       "B's log shows A refused its delivery, and B does not retry it: %s"
       % refused[-1:])


def main():
    if os.environ.get("HUB_SKIP_E2E") == "1" and not os.environ.get("CI"):
        print("1..0 # SKIP HUB_SKIP_E2E=1", flush=True)
        return
    t0 = time.time()
    d = e2e_dir(("journey.mjs",))
    good, out = install(d)
    if not ok(good, "the browser tests' npm packages and chromium are "
              "installed (tests/e2e/install.sh)"):
        diag(out)
        done()
    with Hub("registrations = open\n") as a, Hub() as b:
        pw, hostile = setup(a, b)
        srv, port = attacker(a)
        cfg = {"a": a.base, "b": b.base, "aHost": a.host, "bHost": b.host,
               "pw": pw, "hostile": hostile,
               "attack": "http://localhost:%d/attack" % port,
               "attackSameSite": "http://127.0.0.1:%d/attack" % port}
        t1 = time.time()
        report = journeys(d, cfg)
        srv.shutdown()
        if not ok(report is not None, "chromium went through the "
                  "journeys"):
            diag("A's log:\n" + a.read_log()[-2000:])
        else:
            diag("chromium %s: journeys in %.1f s" % (report["browser"],
                                                      time.time() - t1))
            diag("each journey, in ms: %s" % json.dumps(report["ms"]))
            tap(report)
        after(a, b)
        stop_and_check(a, b)
    diag("test_web_journey: %.1f s in all" % (time.time() - t0))
    done()


if __name__ == "__main__":
    main()
