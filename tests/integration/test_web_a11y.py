"""The web pages in a real browser: Debian's chromium, headless, driven by
playwright-core (tests/e2e: package.json, package-lock.json, installed by
tests/e2e/install.sh) through tests/e2e/check_pages.mjs, against a real
hubd with a demo admin, a member, a community and posts with hashtags.

For the home page, a member's profile, a note, a community, a tag and an
unknown address (a friendly 404 page), at a desktop width and at a
phone's (375 px): the status and a title; no serious or critical
axe-core violations; no console errors, uncaught exceptions or CSP
violations, and no request off loopback; no horizontal scrolling on the
phone; and every element that Tab reaches shows a focus ring with 3:1
contrast, and Tab reaches every focusable element.

Needs node (20 or newer), npm and /usr/bin/chromium (./setup.sh installs
them); when the install fails the test fails, saying why.
HUB_SKIP_E2E=1 skips it on purpose (never under CI)."""
import json
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from hubtest import Hub, diag, done, ok  # noqa: E402

SRC = os.environ.get("HUB_SRCDIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("HUB_BUILDDIR") or os.path.join(SRC, "build")
E2E = os.path.join(SRC, "tests", "e2e")
FILES = ("package.json", "package-lock.json", "install.sh", "harness.mjs",
         "check_pages.mjs")
PHONE = 375
LONG_URL = ("https://www.england.nhs.uk/patient-safety/"
            "learn-from-patient-safety-events-service/"
            "recording-patient-safety-events-and-incidents")


def e2e_dir():
    """tests/e2e, where node_modules is installed once for every build;
    a copy in the build tree when the source tree is read-only (distcheck).
    """
    if os.access(E2E, os.W_OK):
        return E2E
    d = os.path.join(BUILD, "tests", "e2e")
    os.makedirs(d, exist_ok=True)
    for f in FILES:
        shutil.copyfile(os.path.join(E2E, f), os.path.join(d, f))
    return d


def install(d):
    """Runs install.sh in d; returns (ok, output)."""
    try:
        r = subprocess.run(["sh", os.path.join(d, "install.sh")],
                           capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as e:
        return False, str(e)
    return r.returncode == 0, r.stdout + r.stderr


def browse(d, base, paths):
    """One browser visits every path; returns check_pages.mjs's report,
    or None after saying why."""
    try:
        r = subprocess.run(["node", os.path.join(d, "check_pages.mjs"),
                            base] + paths, cwd=d, capture_output=True,
                           text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as e:
        diag("check_pages.mjs: %r" % e)
        return None
    if r.returncode != 0:
        diag("check_pages.mjs exited %d:\n%s" % (r.returncode,
                                                 r.stderr[-3000:]))
        return None
    return json.loads(r.stdout)


def demo(h):
    """The demo data: returns the note's path."""
    h.add_user("admin", "--role", "admin", "--display-name", "Hub admin",
               "--summary", "The demo administrator of this hub.")
    h.add_user("alice", "--display-name", "Alice Nurse")
    h.ctl("group", "create", "patient_safety", "--title",
          "Patient safety learning", "--summary",
          "A demo community for sharing learning about patient safety.")
    note = h.post("admin", "Welcome to the hub. Share what you learned so "
                  "the same harm does not happen twice. #PatientSafety")
    h.post("alice", "How we report a near miss, step by step: %s "
           "#PatientSafety #HandHygiene "
           "#AntimicrobialStewardshipAndInfectionPreventionLearning" %
           LONG_URL)
    return note[len(h.base):]


def community_post(h):
    """alice joins the community and posts into it (needs hubd up)."""
    r = h.ctl("follow", "alice", "@patient_safety@" + h.host)
    r2 = h.ctl("post", "alice", "Checklists before every transfer "
               "#PatientSafety", "--group", "patient_safety")
    ok(r.returncode == 0 and r2.returncode == 0,
       "alice joins the community and posts into it (%s)" %
       (r.stdout + r.stderr + r2.stderr).strip()[:300])


def no_errors(name, v):
    for w in ("desktop", "phone"):
        p = v[w]
        bad = p["console"] + p["errors"] + p["csp"]
        ok(not bad, "%s (%s): no console errors, exceptions or CSP "
           "violations %s" % (name, w, bad[:3]))
        ok(not p["offsite"], "%s (%s): no request off loopback %s" %
           (name, w, p["offsite"][:3]))
        ok(not p["axe"], "%s (%s): no serious or critical axe-core "
           "violations %s" % (name, w, json.dumps(p["axe"])[:600]))


def fits_and_focus(name, v):
    ph = v["phone"]["width"]
    ok(ph["scrollWidth"] <= PHONE, "%s: fits a %d px phone, no sideways "
       "scrolling (scrollWidth %d)" % (name, PHONE, ph["scrollWidth"]))
    f = v["desktop"]["focus"]
    ok(f["stops"] and not f["unreached"], "%s: Tab reaches every "
       "focusable element (%d stops; missed %s)" %
       (name, len(f["stops"]), f["unreached"]))
    hidden = [s for s in f["stops"] if not s["visible"]]
    ok(not hidden, "%s: each shows a focus ring %s" %
       (name, [(s["what"], s["style"]) for s in hidden][:3]))
    faint = [s for s in f["stops"] if s["contrast"] is not None and
             s["contrast"] < 3]
    ok(not faint, "%s: with 3:1 contrast or more %s" %
       (name, [(s["what"], s["contrast"]) for s in faint][:3]))


def check_page(name, v, status, title, heading, text):
    d = v["desktop"]
    ok(d["status"] == status and
       d["contentType"].startswith("text/html"),
       "%s: %d, HTML (%d %s)" % (name, status, d["status"],
                                 d["contentType"]))
    ok(d["title"].startswith(title) and d["lang"] == "en",
       "%s: titled %r, lang en (%r, %r)" % (name, title, d["title"],
                                              d["lang"]))
    ok(d["h1"] == [heading], "%s: one h1, %r (%s)" % (name, heading,
                                                    d["h1"]))
    ok(all(t in d["text"] for t in text), "%s: shows %s (%r)" %
       (name, text, d["text"][:300]))
    no_errors(name, v)
    fits_and_focus(name, v)


def main():
    if os.environ.get("HUB_SKIP_E2E") == "1" and not os.environ.get("CI"):
        print("1..0 # SKIP HUB_SKIP_E2E=1", flush=True)
        return
    t0 = time.time()
    d = e2e_dir()
    good, out = install(d)
    if not ok(good, "the browser tests' npm packages and chromium are "
              "installed (tests/e2e/install.sh)"):
        diag(out)
        done()
    with Hub() as h:
        note = demo(h)
        h.start()
        community_post(h)
        pages = [("home", "/", 200, "Home", "the hub",
                  ["Hub admin", "Patient safety learning"]),
                 ("profile", "/users/admin", 200, "Hub admin", "Hub admin",
                  ["The demo administrator", "#PatientSafety"]),
                 ("note", note, 200, "Post", "Post",
                  ["Welcome to the hub", "#PatientSafety"]),
                 ("community", "/c/patient_safety", 200,
                  "Patient safety learning", "Patient safety learning",
                  ["Checklists before every transfer"]),
                 ("tag", "/tags/patientsafety", 200, "#patientsafety",
                  "#patientsafety", ["Welcome to the hub", "near miss"]),
                 ("unknown", "/no/such/page", 404, "Not found",
                  "We could not find that page", ["Go to the home page"])]
        t1 = time.time()
        report = browse(d, h.base, [p[1] for p in pages])
        if not ok(report is not None, "chromium visited %d pages" %
                  len(pages)):
            diag("hubd's log:\n" + h.read_log()[-3000:])
        else:
            diag("chromium %s: started in %d ms, %d pages at two widths "
                 "in %.1f s" % (report["browser"], report["launchMs"],
                                len(pages), time.time() - t1))
            for name, path, status, title, heading, text in pages:
                check_page(name, report["pages"][path], status, title,
                           heading, text)
            nf = report["pages"]["/no/such/page"]["desktop"]
            ok(nf["documentStatus"] >= 1 and
               'a "Go to the home page"' in [s["what"] for s in
                                             nf["focus"]["stops"]],
               "unknown: chromium saw the 404, and the page's link home "
               "is reachable by Tab")
        ok(h.stop() == 0, "hubd stops cleanly")
    diag("test_web_a11y: %.1f s in all" % (time.time() - t0))
    done()


if __name__ == "__main__":
    main()
