"""Communities in both forms (FEP-1b12): a community on hub A learns from
each follower's NodeInfo what its software reads, and sends hubs the
Announce wrapping the Create, microblog software the Announce of the
note's id, and software it cannot tell both. Received the other way, a
remote community's Announce of a Create brings the note from its origin,
its Announce of a Delete takes the note out of the community, and
forged or misplaced ones are refused with 403, nothing kept."""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from hubtest import Hub, done, ok  # noqa: E402
from test_social import accepted, handle, timeline  # noqa: E402
from test_follow import Eve, Player, wait_for  # noqa: E402

AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def announces_from(h, group):
    return sum(1 for line in h.read_log().splitlines()
        if "inbox: Announce " in line and line.endswith("from " + group))


def delivered(kind):
    """Bodies delivered to the scripted actors' inboxes, of type kind."""
    out = []
    for _, _, body in list(Eve.inbox):
        try:
            doc = json.loads(body)
        except ValueError:
            continue
        if doc.get("type") == kind:
            out.append(doc)
    return out


def forms(h, host):
    return [line for line in h.ctl("instances").stdout.splitlines()
            if line.split()[:1] == [host]]


def sending(a, b, c, eve):
    group = a.base + "/c/sepsis"
    for h, name in ((b, "bob"), (c, "carol")):
        r = h.ctl("follow", name, handle(a, "sepsis"))
        ok(r.returncode == 0, "%s joins the community on A" % name)
    # A scripted follower on a server with no NodeInfo.
    st, _ = eve.post(group + "/inbox", eve.activity("Follow", group))
    ok(st == 202, "a follower whose software cannot be told joins (%d)" % st)
    ok(wait_for(lambda: accepted(b, "bob", group) and
                accepted(c, "carol", group)),
       "the community accepts bob and carol")
    ok(wait_for(lambda: "FEP-1b12" in "".join(forms(a, b.host)) and
                "FEP-1b12" in "".join(forms(a, c.host))),
       "A learns from B's and C's NodeInfo that hubs read FEP-1b12 (%s)"
       % forms(a, b.host))
    ok(wait_for(lambda: "not known" in "".join(forms(a, eve.iri.split("/")[2]))),
       "and that it cannot tell what the scripted server runs")

    r = b.ctl("post", "bob", "%s fluid balance charts are now audited "
              "weekly" % handle(a, "sepsis"))
    note = r.stdout.strip()
    ok(r.returncode == 0 and note.startswith(b.base), "bob posts into it")
    ok(wait_for(lambda: note in timeline(c, "carol")),
       "carol on C gets it from the community's wrapped Announce")
    ok(wait_for(lambda: any(d.get("object") == note
                            for d in delivered("Announce"))),
       "the scripted follower gets the boost form")
    ok(wait_for(lambda: any(
        isinstance(d.get("object"), dict) and
        d["object"].get("type") == "Create"
        for d in delivered("Announce"))),
       "and the wrapped form as well")
    wrapped = [d for d in delivered("Announce")
               if isinstance(d.get("object"), dict)]
    create = wrapped[0]["object"] if wrapped else {}
    inner = create.get("object", {})
    ok(wrapped and wrapped[0].get("actor") == group and
       AS_PUBLIC in wrapped[0].get("to", []) and
       create.get("actor") == b.base + "/users/bob" and
       create.get("id", "").startswith(b.base + "/") and
       inner.get("id") == note and inner.get("audience") == group and
       inner.get("attributedTo") == create.get("actor") and
       "@context" not in inner,
       "the wrapped form is Announce{Create{the note}}, by bob, on B, with "
       "the community as audience")
    time.sleep(1.0)
    ok(announces_from(c, group) == 1,
       "C, a hub, gets one Announce of it, not two (%s)"
       % announces_from(c, group))
    items = a.get("/c/sepsis/outbox?page=true").json().get(
        "orderedItems", [])
    ok(any(i.get("object") == note for i in items),
       "the community's outbox lists it")
    return note


def receiving(a, b, eve):
    """alice on A follows a remote community (a scripted Group)."""
    grp = Player("grp")
    Eve.types["grp"] = "Group"
    mallory = Player("mallory")
    r = a.ctl("follow", "alice", grp.iri)
    ok(r.returncode == 0, "alice follows a remote community (%s)"
       % r.stderr.strip())
    ok(wait_for(lambda: any(d.get("actor") == a.base + "/users/alice" and
                            d.get("object") == grp.iri
                            for d in delivered("Follow"))),
       "its server gets alice's Follow")
    follow = [d for d in delivered("Follow")
              if d.get("actor") == a.base + "/users/alice"][-1]
    st, _ = grp.post(a.base + "/inbox", grp.activity("Accept", follow))
    ok(st == 202 and wait_for(lambda: accepted(a, "alice", grp.iri)),
       "the community accepts her")

    r = b.ctl("post", "bob", "a public note about lactate")
    note = r.stdout.strip()
    create = {"id": note + "/activity", "type": "Create",
              "actor": b.base + "/users/bob", "to": [AS_PUBLIC],
              "object": {"id": note, "type": "Note",
                         "attributedTo": b.base + "/users/bob",
                         "content": "<p>words put in bob's mouth</p>",
                         "to": [AS_PUBLIC]}}
    st, body = mallory.post(a.base + "/inbox", dict(
        mallory.activity("Announce", create), actor=grp.iri))
    ok(st == 403, "an Announce claiming to come from the community but "
       "signed by someone else is refused (%d %s)" % (st, body))
    bad = dict(create, id=grp.iri + "/activities/x")
    st, body = grp.post(a.base + "/inbox", grp.activity("Announce", bad))
    ok(st == 403 and "host" in body,
       "a wrapped Create whose id is not on its actor's host: 403 (%d)" % st)
    bad = dict(create, object=dict(create["object"],
                                   attributedTo=mallory.iri))
    st, body = grp.post(a.base + "/inbox", grp.activity("Announce", bad))
    ok(st == 403, "a wrapped note that is not its Create's actor's: 403 "
       "(%d)" % st)
    st, body = grp.post(a.base + "/inbox",
                        grp.activity("Announce", {"type": "Create",
                                                  "actor": grp.iri}))
    ok(st == 422, "a wrapped activity with no id or object: 422 (%d)" % st)
    ok(note not in timeline(a, "alice"), "none of them put it anywhere")

    st, body = grp.post(a.base + "/inbox", grp.activity("Announce", create))
    ok(st == 202, "the community's Announce of bob's Create is taken")
    ok(wait_for(lambda: note in timeline(a, "alice")),
       "alice gets bob's note, fetched from B")
    shown = a.ctl("timeline", "alice").stdout
    ok("words put in bob's mouth" not in shown and "lactate" in shown,
       "with bob's own words from B, not the embedded copy")

    other = b.ctl("post", "bob", "not posted in any community").stdout.strip()
    b_note = {"id": other + "/activity", "type": "Delete",
              "actor": grp.iri + "#mod", "object": other}
    st, body = grp.post(a.base + "/inbox", grp.activity("Announce", dict(
        b_note, id=grp.iri + "/activities/del-0")))
    ok(st in (202, 403), "a removal of a note never seen here changes "
       "nothing (%d)" % st)
    removal = {"id": grp.iri + "/activities/del-1", "type": "Delete",
               "actor": grp.iri, "object": note}
    st, body = mallory.post(a.base + "/inbox",
                            mallory.activity("Announce", dict(
                                removal, id=mallory.iri + "/a/1",
                                actor=mallory.iri)))
    ok(st == 403 and note in timeline(a, "alice"),
       "a removal passed on by a person, not the community: 403 (%d)" % st)
    st, body = mallory.post(a.base + "/inbox",
                            mallory.activity("Delete", note))
    ok(st == 403 and note in timeline(a, "alice"),
       "a Delete of bob's note by someone else: 403, it stays")
    st, body = grp.post(a.base + "/inbox", grp.activity("Announce", removal))
    ok(st == 202, "the community passes on its moderator's removal (%d %s)"
       % (st, body))
    ok(wait_for(lambda: note not in timeline(a, "alice")),
       "the note leaves alice's timeline")
    ok(b.get(note).status == 200,
       "and stays bob's: a removal from a community is not a deletion")


def main():
    Eve.software = None
    with Hub() as a, Hub() as b, Hub() as c:
        a.add_user("alice")
        b.add_user("bob")
        c.add_user("carol")
        r = a.ctl("group", "create", "sepsis", "--title", "Sepsis")
        ok(r.returncode == 0, "a community on A")
        for h in (a, b, c):
            h.start()
        eve = Player("eve")
        sending(a, b, c, eve)
        receiving(a, b, eve)
        for h in (a, b, c):
            ok(h.proc.poll() is None, "hubd on %s is still running" % h.host)
    done()


if __name__ == "__main__":
    main()
