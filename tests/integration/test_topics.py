"""The patient-safety topics (conf/topics.tsv): /topics lists every
group; a topic's page shows its label, description, source and stable
address, and the public posts carrying its hashtag, from here and from
another server, with the hashtag's feeds; an unknown topic is a 404;
hubctl topics lists the vocabulary; a bad topics file stops hubd (and
hubctl topics) with file:line in the message.

feedparser is Debian's, as in test_feeds.py: with another python3 on
PATH this test runs itself again with /usr/bin/python3."""
import os
import sys

try:
    import feedparser
except ImportError:
    feedparser = None
    if (os.path.exists("/usr/bin/python3") and
            os.path.realpath(sys.executable) !=
            os.path.realpath("/usr/bin/python3")):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)

import html  # noqa: E402
import time  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
from hubtest import Hub, PUBLIC, done, ok, stop_and_check  # noqa: E402
from test_follow import Player, wait_for  # noqa: E402
from test_group_forms import delivered  # noqa: E402
from test_social import accepted  # noqa: E402

HTML = "text/html"
GROUPS = ("Areas of care", "PSIRF learning responses", "LFPSE event types",
          "WHO patient safety classes")


def vocabulary(h):
    r = h.ctl("topics")
    rows = [line.split("\t") for line in r.stdout.splitlines()]
    ok(r.returncode == 0 and len(rows) >= 40 and
       all(len(x) == 4 for x in rows),
       "hubctl topics lists %d topics as slug, hashtag, label, group"
       % len(rows))
    ok(["medication-safety", "MedicationSafety", "Medication safety",
        "area"] in rows and ["psii", "PSII",
                             "Patient safety incident investigation",
                             "psirf"] in rows,
       "with medication safety and PSII")
    groups = {x[3] for x in rows if len(x) == 4}
    ok(groups == {"area", "psirf", "lfpse", "who-icps"},
       "in the four groups (%s)" % sorted(groups))
    ok(sum(1 for x in rows if len(x) == 4 and x[3] == "who-icps") == 10,
       "the ten WHO ICPS classes")
    return rows


def browse(h, rows):
    r = h.get("/topics", accept=HTML)
    text = html.unescape(r.text)
    ok(r.status == 200 and text.count("<h1") == 1,
       "/topics is a page with one heading (%d)" % r.status)
    ok(all(g in text for g in GROUPS), "it names every group")
    missing = [x[0] for x in rows if 'href="/topics/%s"' % x[0] not in text
               or x[2] not in text]
    ok(not missing, "it links every topic by label (missing %s)" % missing)
    ok('href="/topics"' in h.get("/", accept=HTML).text,
       "the navigation links to /topics")


def remote_note(h, eve):
    """eve, on another server, whom alice follows, posts a public note
    tagged #MedicationSafety."""
    h.ctl("follow", "alice", eve.iri)
    ok(wait_for(lambda: any(d.get("object") == eve.iri
                            for d in delivered("Follow"))),
       "eve's server gets alice's Follow")
    follow = [d for d in delivered("Follow")
              if d.get("object") == eve.iri][-1]
    st, _ = eve.post(h.base + "/inbox", eve.activity("Accept", follow))
    ok(st == 202 and wait_for(lambda: accepted(h, "alice", eve.iri)),
       "eve accepts")
    note = {"id": eve.iri + "/notes/topic-1", "type": "Note",
            "attributedTo": eve.iri,
            "content": "<p>Remote insulin double check "
                       "#MedicationSafety</p>",
            "to": [PUBLIC], "cc": [eve.iri + "/followers"],
            "published": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "tag": [{"type": "Hashtag", "name": "#MedicationSafety",
                     "href": eve.iri + "/tags/medicationsafety"}]}
    st, body = eve.post(h.base + "/inbox", eve.activity(
        "Create", note, to=[PUBLIC]))
    ok(st == 202, "eve's tagged note is taken (%s)" % body)


def topic_page(h):
    path = "/topics/medication-safety"
    ok(wait_for(lambda: "Remote insulin double check" in
                h.get(path, accept=HTML).text),
       "the topic page lists eve's remote post")
    r = h.get(path, accept=HTML)
    text = html.unescape(r.text)
    ok(r.status == 200 and text.count("<h1") == 1 and
       "<h1>Medication safety</h1>" in text, "one heading: its label")
    ok("Prescribing, dispensing, giving and monitoring medicines" in text
       and "the hub" in text, "its description and source")
    ok(h.base + path in text, "its stable address " + h.base + path)
    ok("Local lesson about look-alike vials" in text,
       "alice's local post with the hashtag")
    ok("Not about medicines" not in text, "not a post without it")
    feed = h.base + "/tags/medicationsafety/feed"
    ok('rel="alternate" type="application/rss+xml"' in r.text and
       feed + ".rss" in r.text and feed + ".atom" in r.text,
       "<link rel=alternate> to the hashtag's RSS and Atom feeds")
    for kind in ("rss", "atom"):
        f = h.get("/tags/medicationsafety/feed." + kind,
                  accept="application/rss+xml, application/atom+xml")
        p = feedparser.parse(f.body) if f.status == 200 else None
        titles = " ".join(e.get("summary", "") + e.get("title", "")
                          for e in (p.entries if p else []))
        ok(p is not None and not p.bozo and len(p.entries) == 2 and
           "look-alike" in titles and "insulin" in titles,
           "the %s feed parses with both posts (%d)" % (kind, f.status))
    r = h.get("/topics/psii", accept=HTML)
    ok(r.status == 200 and "Nothing has been shared" in r.text,
       "a topic without posts says so")


def errors(h):
    for path in ("/topics/no-such-topic", "/topics/Medication-Safety",
                 "/topics/%00"):
        r = h.get(path, accept=HTML)
        ok(r.status == 404 and "there is no such topic" in r.text and
           "<h1" in r.text, "%s: the friendly 404" % path)
    for q in ("abc", "0", "-1", "99999999999999999999999"):
        r = h.get("/topics/medication-safety?before=" + q, accept=HTML)
        ok(r.status == 400, "?before=%s: 400 (%d)" % (q, r.status))


def bad_file():
    d = os.path.join(os.environ.get("TMPDIR", "/tmp"),
                     "hub-topics-%d.tsv" % os.getpid())
    with open(d, "w") as f:
        f.write("# bad\n"
                "falls\tFalls\tFalls\tarea\tFalls.\tthe hub\n"
                "falls\tFallsAgain\tFalls again\tarea\tTwice.\tthe hub\n")
    try:
        with Hub("topics_file = %s\n" % d) as h:
            r = h.ctl("topics")
            ok(r.returncode != 0 and d + ":3:" in r.stderr,
               "hubctl topics refuses a bad file (%s)" % r.stderr.strip())
            h.start(wait=False)
            try:
                rc = h.proc.wait(20)
            except Exception:
                rc = None
            log = h.read_log()
            ok(rc not in (None, 0) and d + ":3:" in log and
               "used twice" in log,
               "hubd refuses to start: %s" % log.strip()[-200:])
    finally:
        os.unlink(d)


def main():
    if feedparser is None:
        ok(False, "python3-feedparser is installed (./setup.sh installs "
           "it; apt-get install python3-feedparser)")
        done()
    eve = Player("eve")
    with Hub() as h:
        h.add_user("alice")
        h.start()
        rows = vocabulary(h)
        browse(h, rows)
        h.post("alice", "Local lesson about look-alike vials "
               "#MedicationSafety")
        h.post("alice", "Not about medicines #Falls")
        remote_note(h, eve)
        topic_page(h)
        errors(h)
        stop_and_check(h)
    bad_file()
    done()


if __name__ == "__main__":
    main()
