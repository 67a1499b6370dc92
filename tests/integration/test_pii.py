"""The guard against patient-identifiable information on every path that
publishes: the web form, the member API and hubctl post refuse a text
with an NHS number (422, or a non-zero exit) saying where and why, keep
the member's text, store and send nothing; an edit adding a postcode is
refused and the old text stays; ordinary clinical prose publishes; the
hub's log never holds the matched number."""
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from hubtest import Hub, done, ok, stop_and_check  # noqa: E402
from test_follow import follows, wait_for  # noqa: E402
from test_notes import contents  # noqa: E402
from webtest import Web, field_error, field_value  # noqa: E402

NHS = "401 023 2137"  # check digit valid, in the England range
PROSE = ("Gentamicin 5 mg/kg, see NICE NG51 and CG174; meeting on "
         "12/03/2024, bleep 4455, audit 2019-2023. #Sepsis")


def outbox_total(h):
    r = h.get("/users/alice/outbox")
    return (r.json() or {}).get("totalItems") if r.status == 200 else None


def web_paths(w, a, before):
    text = "Wrong wristband.\nThe patient, NHS number %s, was fine." % NHS
    r = w.submit("/write", "/write", {"text": text, "visibility": "public",
                                      "community": ""})
    err = field_error(r.text, "text") or ""
    ok(r.status == 422 and "line 2, column 25" in err.lower() and
       "NHS number" in err and "Remove it" in err and NHS not in err,
       "web: 422, where and why next to the text: %d %s" % (r.status, err))
    ok(field_value(r.text, "text") == text, "web: the text is kept")
    r = w.submit("/write", "/write", {"text": "Fine text",
                                      "cw": "call 07700 900123",
                                      "visibility": "public",
                                      "community": ""})
    ok(r.status == 422 and "phone" in (field_error(r.text, "cw") or ""),
       "web: a content warning is checked too: %s" %
       field_error(r.text, "cw"))
    ok(outbox_total(a) == before, "web: nothing published")


def api_and_ctl(a, tok, before):
    r = a.api_post(tok, {"text": "NHS no. " + NHS.replace(" ", "")})
    ok(r.status == 422 and "NHS number" in (r.json() or {}).get("error", ""),
       "API: 422 with the reason: %d %s" % (r.status, r.text))
    r = a.ctl("post", "alice", "pt " + NHS.replace(" ", "-"))
    ok(r.returncode == 6 and "NHS number" in r.stderr and
       NHS.replace(" ", "-") not in r.stderr,
       "hubctl post: exit 6, the reason on stderr: %d %s" %
       (r.returncode, r.stderr.strip()))
    ok(outbox_total(a) == before, "API and hubctl: nothing published")


def edit(w, a, iri):
    r = w.submit("/edit?id=" + urllib.parse.quote(iri, safe=""), "/edit",
                 {"id": iri, "text": "Moved to SW1A 1AA last week"})
    ok(r.status == 422 and "postcode" in (field_error(r.text, "text") or ""),
       "an edit adding a postcode is refused: %d %s" %
       (r.status, field_error(r.text, "text")))
    note = a.get(iri).json() or {}
    ok("NG51" in note.get("content", "") and "SW1A" not in
       note.get("content", ""), "the old text stays")


def main():
    with Hub() as a, Hub() as b:
        pw = a.add_user("alice")
        b.add_user("bob")
        a.start()
        b.start()
        b.ctl("follow", "bob", "@alice@" + a.host)
        ok(wait_for(lambda: follows(a, "followers", "alice")),
           "bob on another hub follows alice")
        tok = a.ctl("token", "alice").stdout.strip()
        btok = b.ctl("token", "bob").stdout.strip()
        w = Web(a)
        w.signin("alice", pw)
        before = outbox_total(a)
        web_paths(w, a, before)
        api_and_ctl(a, tok, before)
        r = w.submit("/write", "/write", {"text": PROSE,
                                          "visibility": "public",
                                          "community": ""})
        ok(r.status == 303, "ordinary prose with doses and guideline "
           "numbers publishes: %d %s" % (r.status, field_error(
               r.text, "text")))
        ok(wait_for(lambda: any("NG51" in c for c in
                                contents(b, btok) or [])),
           "it reaches the follower on the other hub")
        got = contents(b, btok) or []
        ok(len(got) == 1 and not any("401" in c for c in got),
           "the refused posts never reached the follower: %d" % len(got))
        iri = [x.get("object", {}).get("id") if isinstance(x, dict) else x
               for x in (a.get("/users/alice/outbox?page=1").json() or {})
               .get("orderedItems", [])]
        edit(w, a, iri[0])
        stop_and_check(a, b)
        log = a.read_log()
        ok(all(s not in log for s in
               (NHS, NHS.replace(" ", ""), NHS.replace(" ", "-"),
                "07700 900123", "SW1A 1AA")),
           "the hub's log holds none of the matched text")
    done()


if __name__ == "__main__":
    main()
