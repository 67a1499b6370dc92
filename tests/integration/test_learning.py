"""Structured learning posts between two real hubs, A (alice) and B (bob,
who follows alice), and a scripted peer (eve, who follows alice too):

1. GET /ns/learning is a JSON-LD context defining every property.
2. alice publishes a learning post with every field through the API; the
   Article A serves and delivers has type, name, a plain summary, url,
   content with every section, Hashtag tags for its topics, the learning
   context in @context and the "learning" object; a Mastodon-shaped
   consumer (eve) finds what Mastodon reads.
3. B receives it with every field intact and shows it structured, on its
   post page, topic page and bob's API timeline; an edit reaches B.
4. The API refuses bad fields (422 with "fields") and patient
   identifiers (422 with "findings", never the matched text), storing
   nothing.
5. The web form: errors next to the field with the text kept and nothing
   published; preview; publish; edit; lists show title and excerpt.
6. RIS and BibTeX downloads parse, with escaping.
7. hubctl post --learning works, and exits 6 on field errors and PII.
8. An Article from other software shows as plain content; a malformed
   "learning" object from a peer is dropped, the note kept."""
import html
import json
import os
import re
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from hubtest import Hub, PUBLIC, done, ok, stop_and_check  # noqa: E402
from test_follow import Player, wait_for  # noqa: E402
from test_group_forms import delivered  # noqa: E402
from test_social import accepted  # noqa: E402
from webtest import Web, csrf_of, field_error, field_value  # noqa: E402

HTML = "text/html"
LD = "application/ld+json"
TERMS = ("learning", "LearningPost", "contentType", "audience", "licence",
         "setting", "specialty", "country", "whatHappened", "whatWeLearned",
         "whatWeChanged", "evidenceOfImpact", "resources", "topics")
FULL = {"title": "Insulin & the {5pm} handover_gap #1",
        "what_happened": "Insulin doses were *missed* at the 5pm "
                         "handover.\n\nThree times in one month.",
        "setting": "Acute hospital", "specialty": "Diabetes",
        "country": "United Kingdom",
        "what_we_learned": "Handover sheets must name **insulin** due "
                           "times.",
        "what_we_changed": "A red insulin box on the handover sheet.",
        "evidence_of_impact": "Missed doses fell from 3 a month to 0.",
        "resources": "[NPSA alert](https://example.org/npsa)",
        "content_type": "improvement",
        "audience": ["staff", "safety-leads"],
        "licence": "cc-by-sa-4.0",
        "topics": ["medication-safety", "psii"]}
SECTIONS = (("What happened", "5pm"), ("What we learned", "due"),
            ("What we changed", "red insulin box"),
            ("Evidence of impact", "fell from 3"),
            ("Resources and links", "https://example.org/npsa"))


def api(h, tok, path, doc):
    return h.request("POST", path, body=json.dumps(doc),
                     headers={"Content-Type": "application/json",
                              "Authorization": "Bearer " + tok})


def setup(a, b):
    pw = a.add_user("alice", "--display-name", "Alice {A}")
    b.add_user("bob")
    a.start()
    b.start()
    alice = a.base + "/users/alice"
    b.ctl("follow", "bob", "@alice@" + a.host)
    eve = Player("eve")
    st, _ = eve.post(alice + "/inbox", eve.activity("Follow", alice))
    ok(st == 202 and wait_for(lambda: accepted(b, "bob", alice)) and
       wait_for(lambda: delivered("Accept")),
       "bob on B and eve (a scripted peer) follow alice")
    return pw, eve, a.ctl("token", "alice").stdout.strip(), \
        b.ctl("token", "bob").stdout.strip()


def context(a):
    r = a.get("/ns/learning", accept=LD)
    doc = r.json() if r.status == 200 else {}
    ctx = doc.get("@context", {})
    ok(r.status == 200 and r.header("Content-Type").startswith(LD),
       "GET /ns/learning is application/ld+json (%d)" % r.status)
    inner = ctx.get("learning", {}).get("@context", {})
    ok(ctx.get("hub") == a.base + "/ns/learning#" and
       ctx.get("@version") == 1.1 and
       ctx["learning"].get("@id") == "hub:learning" and
       all(t in inner for t in TERMS if t != "learning"),
       "it defines every property under %s/ns/learning#" % a.base)
    ok("audience" not in ctx and "topics" not in ctx,
       "scoped to the learning object: AS audience stays as it is")
    ok(inner["licence"].get("@type") == "@id" and
       inner["topics"].get("@type") == "@id", "licence and topics are IRIs")
    r = a.get("/ns/learning", accept="application/json")
    ok(r.status == 200 and r.header("Content-Type").startswith(
        "application/json") and r.json() == doc,
       "the same document as application/json")


def served(a, tok):
    r = api(a, tok, "/api/hub/notes", {"learning": FULL})
    ok(r.status == 201, "the API publishes a learning post (%d %s)"
       % (r.status, r.text[:200]))
    iri = r.json()["id"]
    art = a.get(iri).json()
    ok(art.get("@context", [None])[0] ==
       "https://www.w3.org/ns/activitystreams" and
       a.base + "/ns/learning" in art["@context"],
       "its @context: ActivityStreams and %s/ns/learning" % a.base)
    ok(art["type"] == "Article" and art["name"] == FULL["title"] and
       art["url"] == iri, "an Article with name and url")
    ok(art["summary"].startswith("Insulin doses were missed at the 5pm") and
       "<" not in art["summary"] and "sensitive" not in art,
       "summary: a plain excerpt, not a content warning")
    content = art["content"]
    ok(all("<h2>%s</h2>" % s in content and t in content
           for s, t in SECTIONS),
       "content has every section as h2 + HTML")
    ok("Acute hospital" in content and "CC BY-SA 4.0" in content,
       "and the context and licence lines")
    tags = {t["name"]: t["href"] for t in art["tag"]
            if t["type"] == "Hashtag"}
    ok(tags.get("#MedicationSafety") ==
       a.base + "/tags/medicationsafety" and "#PSII" in tags,
       "topics are Hashtag tags (%s)" % sorted(tags))
    lp = art["learning"]
    ok(lp["type"] == "LearningPost" and lp["contentType"] == "improvement"
       and lp["audience"] == ["staff", "safety-leads"] and
       lp["licence"] == "https://creativecommons.org/licenses/by-sa/4.0/"
       and lp["topics"] == [a.base + "/topics/medication-safety",
                            a.base + "/topics/psii"] and
       lp["country"] == "United Kingdom" and
       "<strong>insulin</strong>" in lp["whatWeLearned"],
       "the learning object carries every field")
    ok(art["source"]["learning"]["what_happened"] ==
       FULL["what_happened"], "source.learning keeps the Markdown")
    act = a.get(iri + "/activity").json()
    ok(a.base + "/ns/learning" in act["@context"] and
       act["object"]["type"] == "Article",
       "its Create carries the learning context too")
    return iri, art


def mastodon(a, iri):
    """What Mastodon reads of a delivered Article (INTEROP.md)."""
    ok(wait_for(lambda: [c for c in delivered("Create")
                         if c["object"].get("id") == iri]),
       "the Create reaches eve, a Mastodon-shaped follower")
    c = [c for c in delivered("Create") if c["object"].get("id") == iri][0]
    o = c["object"]
    ok(a.base + "/ns/learning" in c["@context"],
       "delivered with the learning context")
    ok(o["type"] == "Article" and o["name"] and o["summary"] and
       o["url"] == iri and o["attributedTo"] == a.base + "/users/alice" and
       PUBLIC in o["to"] and a.base + "/users/alice/followers" in o["cc"]
       and "<h2>" in o["content"] and
       any(t["type"] == "Hashtag" for t in o["tag"]),
       "name, summary, url, attributedTo, to/cc, content and tag are set")


def remote(a, b, iri, art, btok):
    path = "/notes?id=" + urllib.parse.quote(iri, safe="")
    ok(wait_for(lambda: b.get(path, accept=HTML).status == 200),
       "B has alice's learning post")
    text = html.unescape(b.get(path, accept=HTML).text)
    ok("<h1>%s</h1>" % FULL["title"] in text and
       all("<h2>%s</h2>" % s in text for s, _ in SECTIONS),
       "B's page: the title as h1 and every section as h2")
    ok("Improvement project" in text and "Patient safety leads" in text
       and "Acute hospital" in text and "Diabetes" in text and
       'href="/topics/medication-safety"' in text and "CC BY-SA 4.0" in text,
       "with content type, audience, context, topics and licence")
    ok("format=ris" in text and "format=bib" in text,
       "and its cite links")
    r = b.get("/cite?id=" + urllib.parse.quote(iri, safe="") +
              "&format=ris", accept=None)
    ok(r.status == 200 and "PB  - %s\r\n" % a.host in r.text and
       "TI  - %s\r\n" % FULL["title"] in r.text,
       "B cites it as published by A's server (%d)" % r.status)
    items = api_timeline(b, btok)
    got = [i for i in items if i.get("id") == iri]
    lp = got[0].get("learning", {}) if got else {}
    want = art["learning"]
    ok(got and all(lp.get(k) == want[k] for k in
                   ("type", "contentType", "audience", "licence", "setting",
                    "specialty", "country", "topics")) and
       set(lp) == set(want) and got[0]["name"] == FULL["title"],
       "B keeps every field of the learning object")
    topic = html.unescape(b.get("/topics/medication-safety",
                                accept=HTML).text)
    ok(FULL["title"] in topic and "Learning" in topic and
       "red insulin box" not in topic,
       "B's topic page lists it by title and excerpt, not the whole body")
    return path


def api_timeline(h, tok):
    r = h.request("GET", "/api/hub/timeline",
                  headers={"Authorization": "Bearer " + tok})
    return r.json().get("items", []) if r.status == 200 else []


def edit(a, b, tok, iri, path):
    new = dict(FULL, what_we_changed="A second check by the nurse in "
               "charge.", topics=["medication-safety"])
    r = api(a, tok, "/api/hub/edit", {"id": iri, "learning": new})
    ok(r.status == 201, "the API edits it (%d %s)" % (r.status, r.text))
    art = a.get(iri).json()
    ok(art["type"] == "Article" and "second check" in art["content"] and
       "updated" in art, "A serves the edited Article")
    ok(wait_for(lambda: "second check" in b.get(path, accept=HTML).text),
       "B shows the new field")
    r = api(a, tok, "/api/hub/edit", {"id": iri, "learning": dict(
        new, title="", what_we_changed="Ward 7, DOB 03/04/1961")})
    ok(r.status == 422 and [f["field"] for f in r.json()["fields"]] ==
       ["title"] and "second check" in a.get(iri).json()["content"],
       "an edit with a bad field: 422 with fields, the post unchanged")
    r = api(a, tok, "/api/hub/edit", {"id": iri, "learning": dict(
        new, what_we_changed="Ward 7, DOB 03/04/1961")})
    ok(r.status == 422 and r.json()["findings"][0]["field"] ==
       "what_we_changed" and "1961" not in r.text,
       "an edit with a date of birth: 422 with findings")
    r = api(a, tok, "/api/hub/edit", {"id": iri, "text": "plain now"})
    ok(r.status == 422 and "learning form" in r.json()["error"],
       "a learning post is not edited as a plain note")


def outbox_total(a):
    return a.get("/users/alice/outbox").json()["totalItems"]


def refusals(a, tok):
    before = outbox_total(a)
    bad = dict(FULL, title="", topics=["no-such-topic"],
               content_type="poem", what_happened="x" * 20001)
    r = api(a, tok, "/api/hub/notes", {"learning": bad})
    fields = {f["field"]: f["error"] for f in r.json().get("fields", [])}
    ok(r.status == 422 and set(fields) == {"title", "topics",
                                           "content_type", "what_happened"},
       "422 names each bad field (%s)" % sorted(fields))
    ok("no-such-topic" in fields.get("topics", "") and
       "20001" in fields.get("what_happened", "") and
       "20000" in fields["what_happened"],
       "unknown topic and over-long section say what is wrong")
    # A long name of two-byte characters is cut on a character, never
    # inside one: the answer is still JSON.
    r = api(a, tok, "/api/hub/notes", {"learning": dict(
        FULL, topics=["a" + "\u00e9" * 40])})
    ok(r.status == 422 and "There is no topic called" in
       {f["field"]: f["error"] for f in r.json().get("fields", [])}.get(
           "topics", ""),
       "an unknown topic with a long non-ASCII name: a 422 naming it")
    nhs = "943 476 5919"
    r = api(a, tok, "/api/hub/notes", {"learning": dict(
        FULL, what_we_learned="We learned a lot.\nNHS number " + nhs)})
    body = r.json()
    ok(r.status == 422 and body["error"].startswith(
        "What we learned, line 2, column 12"),
       "patient identifiers: the field, line and column (%s)"
       % body.get("error"))
    ok(body.get("findings") == [{"field": "what_we_learned", "line": 2,
                                 "column": 12, "kind": "nhs",
                                 "advice": body["findings"][0]["advice"]}]
       and nhs not in r.text, "findings, without the matched text")
    r = api(a, tok, "/api/hub/notes", {"text": "Patient NHS " + nhs})
    f = r.json().get("findings", [])
    ok(r.status == 422 and f and f[0]["field"] == "text" and
       f[0]["column"] == 13 and nhs not in r.text,
       "a plain note's refusal has findings too")
    r = api(a, tok, "/api/hub/notes", {"learning": "a string"})
    ok(r.status == 422 and r.json()["fields"][0]["field"] == "learning",
       "a learning value that is not an object is refused")
    ok(outbox_total(a) == before, "nothing was published")


def form_fields(**over):
    f = {"title": "Falls at night on ward 7",
         "what_happened": "Two falls after midnight.\nBoth near the bay.",
         "what_we_learned": "Night lighting matters.",
         "setting": "Acute hospital", "content_type": "case-study",
         "licence": "cc-by-4.0", "audience-staff": "1",
         "topic-medication-safety": "1", "visibility": "public",
         "community": ""}
    f.update(over)
    return {k: v for k, v in f.items() if v is not None}


def web_form(a, pw):
    w = Web(a)
    ok(w.get("/learn/new").status in (302, 303),
       "/learn/new sends a visitor to sign in")
    w.signin("alice", pw)
    page = w.get("/learn/new")
    t = page.text
    ok(page.status == 200 and 'name="what_we_learned"' in t and
       'name="topic-medication-safety"' in t and
       '<option value="cc-by-4.0" selected>' in t and
       "<legend>Topics</legend>" in t and 'name="audience-everyone"' in t,
       "the form has sections, topics, audience and licence (CC BY default)")
    before = outbox_total(a)
    token = csrf_of(t, "/learn/new")
    cases = [({"title": ""}, "title", "Title is needed"),
             ({"topic-no-such": "1"}, "topics", "no-such"),
             ({"what_happened": "y" * 20001}, "what_happened", "20000"),
             ({"what_we_learned": "Ok.\nPatient DOB 03/04/1961"},
              "what_we_learned", "What we learned, line 2"),
             # every topic of the vocabulary ticked: still the field's
             # own message, not a refused form
             ({k: "1" for k in re.findall(r'name="(topic-[a-z0-9-]+)"', t)},
              "topics", "at most 12")]
    for over, name, want in cases:
        f = form_fields(**over)
        f["csrf"] = token
        r = w.post("/learn/new", f)
        err = field_error(r.text, name) or ""
        ok(r.status == 422 and want in err,
           "%s: the error is next to the field (%d: %s)"
           % (name, r.status, err[:80]))
        ok(field_value(r.text, "what_we_learned") ==
           f["what_we_learned"] and field_value(r.text, "setting") ==
           "Acute hospital" and 'name="audience-staff" value="1" checked'
           in r.text, "and every value is kept")
    ok(outbox_total(a) == before, "nothing was published")
    f = form_fields(preview="1")
    f["csrf"] = token
    r = w.post("/learn/new", f)
    ok(r.status == 200 and 'id="pv">Preview</h2>' in r.text and
       "<h2>What happened</h2><p>Two falls after midnight.<br>" in r.text
       and outbox_total(a) == before, "Preview shows it, publishes nothing")
    f = form_fields()
    f["csrf"] = token
    r = w.post("/learn/new", f)
    loc = r.header("Location") or ""
    ok(r.status == 303 and loc.startswith("/users/alice/statuses/"),
       "Publish goes to the post's page (%d %s)" % (r.status, loc))
    p = html.unescape(w.get(loc).text)
    ok("<h1>Falls at night on ward 7</h1>" in p and "Case study" in p and
       "Health and care staff" in p and "Permanent link" in p and
       "format=ris" in p, "its page: title, type, audience, cite links")
    r = w.get("/edit?id=" + urllib.parse.quote(a.base + loc, safe=""))
    ok(r.status == 303 and r.header("Location").startswith("/learn/edit"),
       "/edit of a learning post goes to the learning form")
    epath = r.header("Location")
    e = w.get(epath)
    ok(e.status == 200 and field_value(e.text, "title") ==
       "Falls at night on ward 7" and
       'name="topic-medication-safety" value="1" checked' in e.text,
       "the edit form is filled from the post's source")
    f = form_fields(what_we_changed="Sensor mats in the bay.", id=a.base +
                    loc, visibility=None, community=None)
    f["csrf"] = csrf_of(e.text, "/learn/edit")
    r = w.post("/learn/edit", f)
    ok(r.status == 303 and "Sensor mats" in w.get(loc).text,
       "saving the edit shows the new section (%d)" % r.status)
    home = html.unescape(w.get("/tags/medicationsafety").text)
    ok("Falls at night on ward 7" in home and "Learning" in home and
       "Night lighting matters" not in home,
       "the tag page shows its title and excerpt, not its body")
    return a.base + loc


def citations(a, iri):
    q = "/cite?id=" + urllib.parse.quote(iri, safe="")
    r = a.get(q + "&format=ris", accept=None)
    lines = r.text.split("\r\n")
    pairs = [(x[:2], x[6:]) for x in lines if len(x) >= 6 and
             x[2:6] == "  - "]
    keys = [k for k, _ in pairs]
    ok(r.status == 200 and r.header("Content-Type").startswith(
        "application/x-research-info-systems") and
       "attachment" in r.header("Content-Disposition"),
       "RIS: a download (%d)" % r.status)
    ok(keys[0] == "TY" and pairs[0][1] == "ELEC" and keys[-1] == "ER" and
       dict(pairs).get("TI") == FULL["title"] and
       dict(pairs).get("AU") == "Alice {A}" and
       dict(pairs).get("UR") == iri and "PY" in keys and "DA" in keys and
       "AB" in keys and "PB" in keys,
       "RIS: TY first, ER last, TI, AU, PY, DA, UR, AB, PB")
    ok(sorted(v for k, v in pairs if k == "KW") ==
       ["MedicationSafety", "PSII"] and "\n" not in dict(pairs)["AB"],
       "RIS: a KW per topic; values on one line")
    r = a.get(q + "&format=bib", accept=None)
    t = r.text
    ok(r.status == 200 and r.header("Content-Type").startswith(
        "application/x-bibtex") and re.match(r"@misc\{alicea\d+,\n", t),
       "BibTeX: a @misc entry with a key")
    ok("title = {{Insulin \\& the \\textbraceleft{}5pm\\textbraceright{} "
       "handover\\_gap \\#1}}" in t and
       "author = {Alice \\textbraceleft{}A\\textbraceright{}}" in t and "url = {%s}" % iri in t and
       "note = {Licence: CC BY-SA 4.0}" in t and t.count("{") ==
       t.count("}"), "BibTeX: specials escaped, braces balanced")
    r = a.get(q + "&format=doc", accept=None)
    ok(r.status == 400, "an unknown format is a 400")
    r = a.get("/cite?id=http%3A%2F%2Fnowhere%2Fx&format=ris", accept=None)
    ok(r.status == 404, "an unknown post is a 404")


def hubctl(a):
    d = a.dir
    good = os.path.join(d, "good.json")
    bad = os.path.join(d, "bad.json")
    pii = os.path.join(d, "pii.json")
    with open(good, "w") as f:
        json.dump({"title": "From the command line", "what_happened": "A.",
                   "what_we_learned": "B.", "content_type": "experience"}, f)
    with open(bad, "w") as f:
        json.dump({"what_happened": "A.", "what_we_learned": "B.",
                   "content_type": "x", "topics": ["nope"]}, f)
    with open(pii, "w") as f:
        json.dump({"title": "T", "what_happened": "Call 07700 900123",
                   "what_we_learned": "B.", "content_type": "tool"}, f)
    r = a.ctl("post", "alice", "--learning", good)
    iri = r.stdout.strip()
    ok(r.returncode == 0 and a.get(iri).json().get("type") == "Article",
       "hubctl post --learning publishes an Article (%s)" % r.stderr)
    r = a.ctl("post", "alice", "--learning", bad)
    lines = r.stderr.splitlines()
    ok(r.returncode == 6 and any(x.startswith("title: ") for x in lines)
       and any(x.startswith("content_type: ") for x in lines) and
       any(x.startswith("topics: ") for x in lines),
       "field errors are printed as field: message, exit 6")
    r = a.ctl("post", "alice", "--learning", pii)
    ok(r.returncode == 6 and "What happened, line 1" in r.stderr and
       "07700" not in r.stderr, "patient identifiers: exit 6 (%s)"
       % r.stderr.strip())
    r = a.ctl("post", "alice", "-- an update on the audit")
    ok(r.returncode == 0 and a.get(r.stdout.strip()).json().get(
        "content", "").find("an update on the audit") >= 0,
       "a note's text may start with -- (%s)" % r.stderr.strip())


def other_software(a, eve):
    alice = a.base + "/users/alice"
    a.ctl("follow", "alice", eve.iri)
    ok(wait_for(lambda: any(d.get("object") == eve.iri
                            for d in delivered("Follow"))),
       "alice follows eve")
    follow = [d for d in delivered("Follow") if d["object"] == eve.iri][-1]
    eve.post(alice + "/inbox", eve.activity("Accept", follow))
    ok(wait_for(lambda: accepted(a, "alice", eve.iri)), "eve accepts")
    when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    plain = {"id": eve.iri + "/articles/1", "type": "Article",
             "attributedTo": eve.iri, "name": "A blog article",
             "summary": "Short", "url": eve.iri + "/articles/1",
             "content": "<p>Plain article body from elsewhere</p>",
             "to": [PUBLIC], "published": when}
    broken = dict(plain, id=eve.iri + "/articles/2",
                  content="<p>Malformed learning body</p>",
                  learning={"type": "LearningPost", "contentType": "bogus",
                            "whatHappened": "<p>x</p>"})
    for n in (plain, broken):
        st, body = eve.post(a.base + "/inbox",
                            eve.activity("Create", n, to=[PUBLIC]))
        ok(st == 202, "eve's Article is taken (%d %s)" % (st, body))
    for n, text in ((plain, "Plain article body"),
                    (broken, "Malformed learning body")):
        path = "/notes?id=" + urllib.parse.quote(n["id"], safe="")
        ok(wait_for(lambda: a.get(path, accept=HTML).status == 200),
           "A has it")
        p = a.get(path, accept=HTML).text
        ok(text in p and "Permanent link" not in p and
           'class="badge">Learning' not in p,
           "shown as plain content: %s" % n["id"].rsplit("/", 2)[-2:])
    tok = a.ctl("token", "alice").stdout.strip()
    got = [i for i in api_timeline(a, tok) if i["id"] == broken["id"]]
    ok(got and "learning" not in got[0],
       "the malformed learning object was dropped, the note kept")
    # A peer's learning post marked sensitive stays folded behind its
    # warning.
    folded = dict(plain, id=eve.iri + "/articles/3", sensitive=True,
                  summary="CW: a death described",
                  content="<p>Folded body</p>",
                  learning={"type": "LearningPost",
                            "contentType": "experience",
                            "whatHappened": "<p>Folded body</p>"})
    st, _ = eve.post(a.base + "/inbox",
                     eve.activity("Create", folded, to=[PUBLIC]))
    path = "/notes?id=" + urllib.parse.quote(folded["id"], safe="")
    ok(st == 202 and wait_for(lambda: a.get(path, accept=HTML).status ==
                              200), "A has eve's sensitive learning post")
    p = html.unescape(a.get(path, accept=HTML).text)
    ok("<details><summary>CW: a death described</summary>" in p and
       p.find("Folded body") > p.find("<details>"),
       "shown structured, folded behind its warning")


def main():
    with Hub() as a, Hub() as b:
        pw, eve, tok, btok = setup(a, b)
        context(a)
        iri, art = served(a, tok)
        mastodon(a, iri)
        path = remote(a, b, iri, art, btok)
        citations(a, iri)
        edit(a, b, tok, iri, path)
        refusals(a, tok)
        web_form(a, pw)
        hubctl(a)
        other_software(a, eve)
        stop_and_check(a, b)
    done()


if __name__ == "__main__":
    main()
