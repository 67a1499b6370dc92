"""The web pages in a real browser: Debian's chromium, headless, driven by
playwright-core (tests/e2e: package.json, package-lock.json, installed by
tests/e2e/install.sh) through tests/e2e/check_pages.mjs, against a real
hubd with a demo admin, a member, a community and posts with hashtags.

For a visitor's pages (home, a member's profile, a note, a community, a
tag, an unknown address: a friendly 404) and every page type a member,
a moderator or an admin meets, signed in by the sign-in form (the
browser is given the hub_session cookie): sign-in, sign-up (open, and
with approval), home, write (empty, with a preview, with errors), a
thread with nested replies and like/boost buttons, edit, delete, own
and a locked member's profile (Requested), a remote profile, followers
and following, notifications with a follow request, settings with
errors, communities, a community joined, not joined and private,
search with and without results, a tag, moderation with a report and a
held post, admin, a 403 and a 410 page. Each at a desktop width and
narrowed to a phone's (375 px): the status, a title naming the page,
exactly one h1; no serious or critical axe-core violations (contrast
included); images with alt text; no console errors, uncaught exceptions
or CSP violations, and no request off loopback; no horizontal scrolling
on the phone; every element that Tab reaches shows a focus ring with
3:1 contrast, and Tab reaches every focusable element; form errors are
announced (a role=alert summary linking to the fields, aria-invalid
fields described by their error). And the sign-in form is filled and
sent with the keyboard alone (Tab, type, Enter).

Needs node (20 or newer), npm and /usr/bin/chromium (./setup.sh installs
them); when the install fails the test fails, saying why.
HUB_SKIP_E2E=1 skips it on purpose (never under CI)."""
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from e2etest import e2e_dir, install  # noqa: E402
from hubtest import Hub, diag, done, ok  # noqa: E402
from webtest import Web  # noqa: E402

PHONE = 375
LONG_URL = ("https://www.england.nhs.uk/patient-safety/"
            "learn-from-patient-safety-events-service/"
            "recording-patient-safety-events-and-incidents")


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
    """The demo data: returns the note's path and {name: password}."""
    pw = {"admin": h.add_user("admin", "--role", "admin", "--display-name",
                              "Hub admin", "--summary",
                              "The demo administrator of this hub."),
          "alice": h.add_user("alice", "--display-name", "Alice Nurse")}
    h.ctl("group", "create", "patient_safety", "--title",
          "Patient safety learning", "--summary",
          "A demo community for sharing learning about patient safety.")
    note = h.post("admin", "Welcome to the hub. Share what you learned so "
                  "the same harm does not happen twice. #PatientSafety")
    h.post("alice", "How we report a near miss, step by step: %s "
           "#PatientSafety #HandHygiene "
           "#AntimicrobialStewardshipAndInfectionPreventionLearning" %
           LONG_URL)
    return note[len(h.base):], pw


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
       "scrolling (scrollWidth %d) %s" % (name, PHONE, ph["scrollWidth"],
                                       ph.get("wide", [])))
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


def wait_for(cond, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.1)
    return cond()


def members(a, b, note):
    """The signed-in pages' data on hub a (sign-ups need approval) and b
    (open): a thread, a locked member with a follow request, a moderated
    and a private community with a held post and a report, a deleted
    post, a remote member. Returns {name: path} of what the pages need.
    """
    host = "@" + a.host
    out = {"note": note}
    for who, what in (("admin", "@alice" + host),
                      ("alice", "@bob" + host),
                      ("alice", "@quality" + host)):
        a.ctl("follow", who, what)
    ok(wait_for(lambda: "pending" in a.ctl("following", "alice").stdout
                and "quality" in a.ctl("following", "alice").stdout),
       "alice asks to follow bob (locked) and joins quality")
    reply = a.post("alice", "We saw the same on our ward.",
                   "--reply-to", a.base + note)
    a.post("admin", "Thank you, what helped?", "--reply-to", reply)
    a.ctl("like", "alice", a.base + note)
    out["own"] = a.post("alice", "A draft of our *handover* checklist.")
    gone = a.post("carol", "Posted by mistake.")
    a.ctl("delete", gone)
    out["gone"] = gone[len(a.base):]
    rude = a.post("carol", "Something unkind about a colleague.")
    tok = a.ctl("token", "alice").stdout.strip()
    r = a.request("POST", "/api/hub/report", body=json.dumps(
        {"object": rude, "comment": "Unkind, please look"}), headers={
        "Content-Type": "application/json",
        "Authorization": "Bearer " + tok})
    held = a.post("alice", "Our audit of falls at night", "--group",
                  "quality")
    ok(r.status == 200 and held, "alice reports a post (%d) and her post "
       "to quality waits for a moderator" % r.status)
    lp = os.path.join(a.dir, "learning.json")
    with open(lp, "w") as f:
        json.dump({"title": "Falls at night: what we changed",
                   "what_happened": "Two falls after midnight.",
                   "what_we_learned": "Night lighting matters.",
                   "what_we_changed": "Sensor mats in the bay.",
                   "setting": "Acute hospital", "content_type": "case-study",
                   "audience": ["staff"],
                   "topics": ["medication-safety"]}, f)
    learning = a.ctl("post", "alice", "--learning", lp).stdout.strip()
    ok(learning.startswith(a.base), "alice shares a learning post")
    out["learning"] = learning[len(a.base):]
    tool = os.path.join(a.dir, "tool.json")
    with open(tool, "w") as f:
        json.dump({"title": "A bedside falls checklist",
                   "what_happened": "Falls at night were missed.",
                   "what_we_learned": "A checklist helps.",
                   "content_type": "tool"}, f)
    r = a.ctl("post", "alice", "--learning", tool)
    m = re.search(r"draft (\d+) waits", r.stdout)
    ok(m is not None, "alice submits a tool for review")
    out["draft"] = m.group(1) if m else "0"
    out["remote"] = "/profile?id=" + urllib.parse.quote(
        b.base + "/users/remo", safe="")
    a.ctl("resolve", b.base + "/users/remo")
    return out


def sessions(a, passwords):
    """{name: hub_session cookie} for each member, signed in by the
    sign-in form."""
    out = {}
    for name, pw in passwords.items():
        w = Web(a)
        r = w.signin(name, pw)
        out[name] = w.cookies.get("hub_session")
        ok(r.status == 303 and out[name], "%s signs in (%d)" %
           (name, r.status))
    return out


# (key, viewer, path, status, title, h1, shown text, form to send).
# A form is (fields, button): the page checked is the one it leads to.
def member_pages(a, b, d):
    own = urllib.parse.quote(d["own"], safe="")
    return [
        ("sign-in", None, "/signin", 200, "Sign in", "Sign in", [], None),
        ("sign-up (approval)", None, "/signup", 200, "Sign up",
         None, ["looks at each new account"], None),
        ("sign-up (open)", None, b.base + "/signup", 200, "Sign up",
         None, [], None),
        ("home (member)", "alice", "/", 200, "Home", None,
         ["Signed in as"], None),
        ("write", "alice", "/write", 200, "Write", None, [], None),
        ("write (preview)", "alice", "/write", 200, "Write", None,
         ["A bold start"],
         ({"#text": "A **bold** start #PatientSafety"}, "Preview")),
        ("write (errors)", "alice", "/write", 422, "Write", None,
         ["There is a problem"], ({"#text": "   "}, "Publish")),
        ("share learning", "alice", "/learn/new", 200, "Share learning",
         "Share learning", ["What we learned", "Topics"], None),
        ("share learning (errors)", "alice", "/learn/new", 422,
         "Share learning", None, ["There is a problem"],
         ({"#title": "   ", "#what_happened": "Two falls.",
           "#what_we_learned": "Lights."}, "Publish")),
        ("learning post", "alice", d["learning"], 200,
         "Falls at night", "Falls at night: what we changed",
         ["Case study", "Sensor mats", "Cite"], None),
        ("thread", "alice", d["note"], 200, "Post", None,
         ["We saw the same", "Thank you, what helped?"], None),
        ("edit", "alice", "/edit?id=" + own, 200, "Edit", None,
         ["Edit your post"], None),
        ("delete", "alice", "/delete?id=" + own, 200, "Delete", None,
         ["handover"], None),
        ("profile (own)", "alice", "/users/alice", 200, "Alice Nurse",
         "Alice Nurse", [], None),
        ("profile (locked, requested)", "alice", "/users/bob", 200,
         "Bob", None, ["Requested"], None),
        ("remote profile", "alice", d["remote"], 200, "Remote Nurse",
         None, ["Remote Nurse"], None),
        ("followers", "alice", "/users/alice/followers", 200, "Followers",
         None, ["Hub admin"], None),
        ("following", "alice", "/users/admin/following", 200, "Followed by",
         None, ["Alice Nurse"], None),
        ("notifications", "bob", "/notifications", 200, "Notifications",
         None, ["Alice Nurse"], None),
        ("settings (errors)", "alice", "/settings", 422, "Settings", None,
         ["There is a problem"],
         ({"#avatar": "http://pictures.example/me.png"}, "Save profile")),
        ("communities", "alice", "/communities", 200, "Communities", None,
         ["Patient safety learning"], None),
        ("community (joined)", "alice", "/c/patient_safety", 200,
         "Patient safety learning", None, ["Leave"], None),
        ("community (not joined)", "carol", "/c/patient_safety", 200,
         "Patient safety learning", None, ["Join"], None),
        ("community (private)", "alice", "/c/secret", 200, "Secret", None,
         [], None),
        ("search", "alice", "/search?q=near+miss", 200, "Search", None,
         ["near miss"], None),
        ("search (nothing)", "alice", "/search?q=zebra", 200, "Search",
         None, [], None),
        ("tag (member)", "alice", "/tags/handhygiene", 200,
         "#handhygiene", "#handhygiene", [], None),
        ("moderation", "admin", "/moderation", 200, "Moderation", None,
         ["Unkind, please look", "Our audit of falls"], None),
        ("admin", "admin", "/admin", 200, "Admin", None, [], None),
        ("drafts", "alice", "/drafts", 200, "Your drafts", "Your drafts",
         ["Submitted: waits for an editor"], None),
        ("review queue", "admin", "/review", 200, "Review", "Review",
         ["A bedside falls checklist"], None),
        ("review item (errors)", "admin", "/review/item?id=" + d["draft"],
         422, "Review a post", None, ["There is a problem"],
         ({"#feedback": "   "}, "Return to the author")),
        ("403", "alice", "/admin", 403, "Not allowed",
         "You do not have permission for this", ["only the hub's admins"],
         None),
        ("410", None, d["gone"], 410, "Deleted", "This has been deleted",
         [], None),
    ]


def forms_announced(name, v):
    """The form errors reach a screen reader: the summary is an alert
    whose links go to the fields, each invalid field is described by its
    error."""
    f = v["desktop"]["forms"]
    invalid = f["invalid"]
    if f["shownErrors"] == 0 and not invalid:
        return
    ok(f["summaries"] == 1 and f["links"] and
       all(x["target"] for x in f["links"]),
       "%s: the error summary has role=alert and links to the fields %s"
       % (name, f["links"]))
    ok(invalid and all(x["errorText"].startswith("Error") or
                       "Error:" in x["errorText"] for x in invalid),
       "%s: invalid fields have aria-invalid and aria-describedby "
       "pointing at their error %s" % (name, invalid))


def check_member_page(name, v, status, title, heading, text):
    d = v["desktop"]
    ok(d["status"] == status and d["contentType"].startswith("text/html"),
       "%s: %d, HTML (%d %s)" % (name, status, d["status"],
                                 d["contentType"]))
    ok(d["title"].startswith(title) and " · " in d["title"] and
       d["lang"] == "en", "%s: a title naming the page, %r (%r)" %
       (name, title, d["title"]))
    ok(len(d["h1"]) == 1 and heading in (None, d["h1"][0]),
       "%s: exactly one h1 %s (%s)" % (name, heading or "", d["h1"]))
    ok(all(t in d["text"] for t in text), "%s: shows %s (%r)" %
       (name, text, d["text"][:300]))
    ok(not d["noAlt"], "%s: every image has alt text %s" %
       (name, d["noAlt"]))
    forms_announced(name, v)
    no_errors(name, v)
    fits_and_focus(name, v)


def spec_browse(d, spec):
    with tempfile.NamedTemporaryFile("w", suffix=".json",
                                     delete=False) as f:
        json.dump(spec, f)
    try:
        r = subprocess.run(["node", os.path.join(d, "check_pages.mjs"),
                            "--spec", f.name], cwd=d, capture_output=True,
                           text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as e:
        diag("check_pages.mjs: %r" % e)
        return None
    finally:
        os.unlink(f.name)
    if r.returncode != 0:
        diag("check_pages.mjs exited %d:\n%s" % (r.returncode,
                                                 r.stderr[-3000:]))
        return None
    return json.loads(r.stdout)


def visitor_pages(note):
    return [("home", "/", 200, "Home", "the hub",
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
            ("topics", "/topics", 200, "Topics", "Topics",
             ["Medication safety", "PSIRF learning responses"]),
            ("topic", "/topics/patient-safety", 200, "Patient safety",
             "Patient safety", ["Welcome to the hub", "PatientSafety"]),
            ("unknown", "/no/such/page", 404, "Not found",
             "We could not find that page", ["Go to the home page"])]


def keyboard_signin(s):
    ok(s["tabs"] > 0 and s["status"] == 200 and
       s["url"].endswith("/") and "Signed in as" in s["text"],
       "the sign-in form is filled and sent with the keyboard alone "
       "(%d Tabs to the name; then %d at %s)" % (s["tabs"], s["status"],
                                                s["url"]))
    bad = s["console"] + s["errors"] + s["csp"]
    ok(not bad, "and without console errors or CSP violations %s" %
       bad[:3])


def main():
    if os.environ.get("HUB_SKIP_E2E") == "1" and not os.environ.get("CI"):
        print("1..0 # SKIP HUB_SKIP_E2E=1", flush=True)
        return
    t0 = time.time()
    d = e2e_dir(("check_pages.mjs",))
    good, out = install(d)
    if not ok(good, "the browser tests' npm packages and chromium are "
              "installed (tests/e2e/install.sh)"):
        diag(out)
        done()
    with Hub("registrations = approval\n") as h, Hub() as b:
        note, pw = demo(h)
        pw["bob"] = h.add_user("bob", "--locked", "--display-name", "Bob")
        pw["carol"] = h.add_user("carol", "--display-name", "Carol")
        h.ctl("group", "create", "quality", "--title", "Quality",
              "--moderated")
        h.ctl("group", "mod", "add", "quality", "admin")
        h.ctl("group", "create", "secret", "--title", "Secret",
              "--private")
        b.add_user("remo", "--display-name", "Remote Nurse")
        h.start()
        b.start()
        community_post(h)
        data = members(h, b, note)
        cookies = sessions(h, pw)
        pages = visitor_pages(note)
        mpages = member_pages(h, b, data)
        spec = {"base": h.base,
                "pages": [{"key": p[0], "url": p[1]} for p in pages] +
                [{"key": m[0], "url": m[2], "session": cookies.get(m[1]),
                  "fill": m[7][0] if m[7] else None,
                  "click": m[7][1] if m[7] else None} for m in mpages],
                "signin": {"url": "/signin", "name": "alice",
                           "password": pw["alice"]}}
        t1 = time.time()
        report = spec_browse(d, spec)
        n = len(spec["pages"])
        if not ok(report is not None, "chromium visited %d pages" % n):
            diag("hubd's log:\n" + h.read_log()[-3000:])
        else:
            diag("chromium %s: started in %d ms, %d pages at two widths "
                 "in %.1f s" % (report["browser"], report["launchMs"], n,
                                time.time() - t1))
            for name, path, status, title, heading, text in pages:
                check_page(name, report["pages"][name], status, title,
                           heading, text)
            nf = report["pages"]["unknown"]["desktop"]
            ok(nf["documentStatus"] >= 1 and
               'a "Go to the home page"' in [s["what"] for s in
                                             nf["focus"]["stops"]],
               "unknown: chromium saw the 404, and the page's link home "
               "is reachable by Tab")
            for m in mpages:
                check_member_page(m[0], report["pages"][m[0]], m[3], m[4],
                                  m[5], m[6])
            keyboard_signin(report["signin"])
        ok(h.stop() == 0 and b.stop() == 0, "the hubs stop cleanly")
    diag("test_web_a11y: %.1f s in all" % (time.time() - t0))
    done()


if __name__ == "__main__":
    main()
