"""Private communities: a safe place to discuss. A private community on
hub A takes members from A, B and C only with a moderator's approval;
what they post and reply in it goes to its members only, never to the
public; the notes are refused to unsigned requests and to non-members'
signed fetches, and appear in no outbox, tag page, member list or
NodeInfo count; non-members cannot post into it."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from hubtest import Hub, done, ok  # noqa: E402
from test_social import accepted, handle, timeline  # noqa: E402
from test_follow import Player, wait_for  # noqa: E402

AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def local_posts(h):
    return h.get("/nodeinfo/2.1", accept=None).json()["usage"]["localPosts"]


def main():
    with Hub() as a, Hub() as b, Hub() as c:
        a.add_user("alice")
        b.add_user("bob")
        c.add_user("carol")
        c.add_user("dave")
        r = a.ctl("group", "create", "safety", "--private", "--title",
                  "Safe space")
        ok(r.returncode == 0, "a private community on A (%s)"
           % r.stderr.strip())
        ok(" private" in a.ctl("user", "list").stdout,
           "hubctl lists it as private")
        for h in (a, b, c):
            h.start()
        group = a.base + "/c/safety"
        doc = a.get(group).json()
        ok(doc.get("type") == "Group" and
           doc.get("manuallyApprovesFollowers") is True,
           "its Group is closed: joining needs approval")

        for h, name in ((a, "alice"), (b, "bob"), (c, "carol")):
            r = h.ctl("follow", name, handle(a, "safety"))
            ok(r.returncode == 0, "%s asks to join" % name)
        ok(wait_for(lambda: all(
            (h.base + "/users/" + n) in a.ctl("followers", "safety").stdout
            for h, n in ((a, "alice"), (b, "bob"), (c, "carol")))),
           "the requests reach A")
        for h, name in ((a, "alice"), (b, "bob"), (c, "carol")):
            r = a.ctl("approve", "safety", h.base + "/users/" + name)
            ok(r.returncode == 0, "a moderator approves %s (%s)"
               % (name, r.stderr.strip()))
        ok(wait_for(lambda: accepted(a, "alice", group) and
                    accepted(b, "bob", group) and
                    accepted(c, "carol", group)),
           "alice, bob and carol are members")

        before = local_posts(a)
        r = a.ctl("post", "alice", "the near miss on ward 7 was my "
                  "mistake #nearmiss", "--group", "safety")
        note = r.stdout.strip()
        ok(r.returncode == 0 and note.startswith(a.base),
           "alice posts into it (%s)" % r.stderr.strip())
        ok(wait_for(lambda: note in timeline(b, "bob")),
           "bob on B gets it (B fetched it as a member's server)")
        ok(wait_for(lambda: note in timeline(c, "carol")),
           "carol on C gets it")
        ok(note not in timeline(c, "dave"),
           "dave on C, not a member, does not")
        ok("cannot fetch note " + note not in b.read_log(),
           "B fetched it from A with a signed GET: a member's server may")

        # Nothing of it in public.
        st = a.get(note).status
        ok(st == 404, "an unsigned GET of the note: 404 (%d)" % st)
        st = a.get(note, accept="text/html").status
        ok(st == 404, "its page for a browser: 404 (%d)" % st)
        eve = Player("eve")
        st, body = eve.get(note)
        ok(st == 404, "a non-member's signed fetch: 404 (%d)" % st)
        st, body = eve.get(note + "/activity")
        ok(st == 404, "nor its Create (%d)" % st)
        ok(local_posts(a) == before,
           "NodeInfo does not count it (%d)" % local_posts(a))
        outbox = json.dumps(a.get("/users/alice/outbox?page=true").json())
        ok(note not in outbox, "alice's outbox does not list it")
        outbox = json.dumps(a.get("/c/safety/outbox?page=true").json())
        ok(note not in outbox, "nor does the community's")
        ok(note not in a.get("/tags/nearmiss").text,
           "nor its tag page")
        fol = a.get(group + "/followers?page=true").json()
        ok(fol.get("totalItems") == 3 and "orderedItems" not in fol and
           "alice" not in json.dumps(fol),
           "the community says how many members it has, not who")

        r = a.ctl("edit", "alice", note, "the near miss on ward 7: what "
                  "I learned")
        ok(r.returncode == 0 and a.get(note).status == 404 and
           eve.get(note)[0] == 404,
           "alice edits it: it stays members-only (%s)" % r.stderr.strip())

        a.add_user("erin")
        toks = {n: a.ctl("token", n).stdout.strip() for n in ("alice", "erin")}

        def tl(name):
            return a.request("GET", "/api/hub/communities/safety/timeline",
                             headers={"Authorization": "Bearer " +
                                      toks[name]})
        r = tl("erin")
        ok(r.status == 403 and "private" in r.json().get("error", ""),
           "erin on A, not a member, may not read its timeline (%d)"
           % r.status)
        r = tl("alice")
        ok(r.status == 200 and note in json.dumps(r.json()),
           "alice, a member, may (%d)" % r.status)
        d = a.request("GET", "/api/hub/communities", headers={
            "Authorization": "Bearer " + toks["erin"]}).json()
        ok(any(i.get("name") == "safety" and i.get("private") is True
               for i in d.get("items", [])),
           "the directory lists it as private, so people can ask to join")

        # A member's reply from B stays in the community.
        r = b.ctl("post", "bob", "thank you for telling us", "--reply-to",
                  note)
        reply = r.stdout.strip()
        ok(r.returncode == 0, "bob replies from B (%s)" % r.stderr.strip())
        ok(b.get(reply).status == 404,
           "his reply is not public on B either")
        ok(wait_for(lambda: reply in timeline(a, "alice")),
           "alice gets the reply")
        ok(wait_for(lambda: reply in timeline(c, "carol")),
           "carol on C gets it through the community")
        ok(reply not in timeline(c, "dave"), "dave does not")
        path = "/" + reply.split("/", 3)[3]
        ok("GET %s 404" % path in b.read_log(),
           "(B refused C's fetch of it, not knowing C is a member's "
           "server: C took the community's wrapped copy)")

        r = a.ctl("group", "remove", "safety", reply)
        ok(r.returncode == 0, "a moderator takes bob's reply out (%s)"
           % r.stderr.strip())
        ok(wait_for(lambda: reply not in timeline(c, "carol")),
           "it leaves carol's timeline on C")

        r = b.ctl("post", "bob", "a second thought", "--reply-to", note)
        second = r.stdout.strip()
        ok(r.returncode == 0 and
           wait_for(lambda: second in timeline(c, "carol")),
           "bob replies again; carol gets it")
        r = b.ctl("delete", second)
        ok(r.returncode == 0 and
           wait_for(lambda: second not in timeline(c, "carol")),
           "bob deletes it on B: the community passes his Delete on, and it "
           "leaves carol's timeline on C")

        # Deleting a members-only post reaches the members' servers.
        before = local_posts(a)
        r = a.ctl("delete", note)
        ok(r.returncode == 0, "alice deletes her post (%s)" % r.stderr.strip())
        ok(wait_for(lambda: note not in timeline(c, "carol") and
                    note not in timeline(b, "bob")),
           "it goes from bob's and carol's timelines")
        ok(local_posts(a) == before,
           "NodeInfo's count does not move: it never counted it")

        # Non-members cannot post into it.
        intrusion = {"id": eve.iri + "/notes/1", "type": "Note",
                     "attributedTo": eve.iri, "audience": group,
                     "to": [group + "/followers"], "cc": [group],
                     "content": "<p>let me in</p>"}
        st, body = eve.post(group + "/inbox",
                            eve.activity("Create", intrusion,
                                         to=intrusion["to"]))
        ok(st == 403 and "member" in body,
           "a non-member's post to its inbox: 403 (%d %s)" % (st, body))
        st, body = eve.post(a.base + "/inbox",
                            eve.activity("Create", intrusion,
                                         to=intrusion["to"]))
        ok(st == 403, "and through the shared inbox: 403 (%d)" % st)
        r = c.ctl("post", "dave", "%s hello" % handle(a, "safety"))
        ok(r.returncode == 0, "dave mentions the community publicly")
        dnote = r.stdout.strip()
        ok(not wait_for(lambda: dnote in timeline(c, "carol"), 3),
           "it is not passed on to the members")
        for h in (a, b, c):
            ok(h.proc.poll() is None, "hubd on %s is still running" % h.host)
    done()


if __name__ == "__main__":
    main()
