"""The moderation and admin pages, end to end on two real hubs: the
reports queue, removals and bans by a community's moderator, what a
member without rights gets, sign-ups waiting for approval, roles,
domain blocks (defederation) and the delivery health table. Every form
refuses a request without its CSRF token."""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from hubtest import Hub, done, ok, stop_and_check  # noqa: E402
from webtest import Web, csrf_of, field_error, field_value  # noqa: E402

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def wait_for(cond, timeout=15.0):
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.1)
    return cond()


def handle(h, name):
    return "@%s@%s" % (name, h.host)


def accepted(h, name, target):
    return any(line.split()[:1] == [target] and "pending" not in line
               for line in h.ctl("following", name).stdout.splitlines())


def api(h, token, path, doc):
    return h.request("POST", path, body=json.dumps(doc), headers={
        "Content-Type": "application/json",
        "Authorization": "Bearer " + token})


def group_post(h, name, text):
    return h.post(name, text, "--group", "safety").split()[-1]


def on_timeline(h, iri):
    return iri in h.ctl("group", "timeline", "safety").stdout


def moderation(a, mod, carl_note, pw):
    """A community's moderator sees the report, removes the post and bans
    its author, all through the forms."""
    w = Web(a)
    w.signin("cmod", pw)
    r = w.get("/moderation")
    ok(r.status == 200 and "Community: " in r.text and
       "Reports to the hub" not in r.text,
       "a community's moderator sees their community, not the hub's "
       "queue: %d" % r.status)
    ok("rude and unsafe" in r.text and carl_note.split("/")[-1] in r.text
       and "a post in the community" in r.text,
       "the report is in the queue with the reported post's content")
    ok(HOSTILE not in r.text and "&lt;script&gt;alert(" in r.text,
       "hostile report text renders escaped")
    ok("<script" not in r.text and "onerror" not in r.text.replace(
        "onerror=alert(1)&gt;", ""),
       "and no script or handler reaches the page")
    # CSRF refusals of the community forms.
    for call, field in (("remove", "safety-remove"), ("ban", "safety-ban"),
                        ("unban", "ban"), ("accept", "object"),
                        ("approve", "actor")):
        r = w.post("/moderation/c/safety/" + call, {field: carl_note})
        ok(r.status == 403, "%s without the CSRF token gets 403: %d" %
           (call, r.status))
    ok(on_timeline(a, carl_note), "nothing was done")
    # Bad input: shown again, text kept, problem next to the field.
    r = w.submit("/moderation", "/moderation/c/safety/remove",
                 {"safety-remove": a.base + "/users/carl/statuses/999"})
    ok(r.status == 404 and field_error(r.text, "safety-remove") and
       field_value(r.text, "safety-remove") ==
       a.base + "/users/carl/statuses/999",
       "an unknown post is explained next to the field, text kept: %d %s"
       % (r.status, field_error(r.text, "safety-remove")))
    r = w.submit("/moderation", "/moderation/c/safety/ban",
                 {"safety-ban": ""})
    ok(r.status == 422 and field_error(r.text, "safety-ban"),
       "an empty ban is refused: %d" % r.status)
    r = w.submit("/moderation", "/moderation/c/safety/remove",
                 {"safety-remove": carl_note})
    ok(r.status == 303 and "/moderation?done=" in (r.header("Location")
                                                   or ""),
       "the moderator removes carl's post: %d" % r.status)
    r = w.get(r.header("Location"))
    ok("removed from the community" in r.text,
       "and is told it is done")
    ok(wait_for(lambda: not on_timeline(a, carl_note)),
       "the post leaves the community timeline")
    r = w.submit("/moderation", "/moderation/c/safety/ban",
                 {"safety-ban": "carl"})
    ok(r.status == 303, "the moderator bans carl: %d" % r.status)
    r = w.get("/moderation")
    ok("Lift the ban" in r.text and a.base + "/users/carl" in r.text,
       "the ban is listed with a button to lift it")
    r = a.ctl("post", "carl", "after the ban", "--group", "safety")
    time.sleep(1)
    ok("after the ban" not in a.ctl("group", "timeline", "safety").stdout,
       "the banned member's next post is not passed on: %s" %
       (r.stderr or r.stdout).strip())
    r = a.ctl("follow", "carl", a.base + "/c/safety")
    ok(r.returncode != 0 and "banned" in r.stderr,
       "nor can they join again through hubctl (or the API): %s" %
       r.stderr.strip())
    return w


def member_refused(a, pw):
    w = Web(a)
    w.signin("ann", pw)
    token = csrf_of(w.get("/").text, "/signout")
    r = w.get("/moderation")
    ok(r.status == 403 and "moderat" in r.text,
       "a member without rights gets 403 on /moderation: %d" % r.status)
    r = w.post("/moderation/c/safety/ban",
               {"safety-ban": "dora", "csrf": token})
    ok(r.status == 403, "and on its actions: %d" % r.status)
    r = w.post("/moderation/disable", {"name": "cmod", "csrf": token})
    ok(r.status == 403, "and may not disable anyone: %d" % r.status)
    r = w.get("/admin")
    ok(r.status == 403, "and gets 403 on /admin: %d" % r.status)
    r = w.post("/admin/block", {"host": "evil.example", "csrf": token})
    ok(r.status == 403, "and on its actions: %d" % r.status)
    r = Web(a).get("/moderation")
    ok(r.status == 303 and r.header("Location") ==
       "/signin?next=/moderation",
       "a visitor is sent to sign in: %s" % r.header("Location"))


def signups(a, admin):
    v = Web(a)
    r = v.submit("/signup", "/signup",
                 {"name": "dora", "password": "a long password 1",
                  "password2": "a long password 1"})
    ok(r.status == 201, "dora signs up and waits: %d" % r.status)
    v.submit("/signup", "/signup",
             {"name": "eli", "password": "a long password 2",
              "password2": "a long password 2"})
    r = Web(a).signin("dora", "a long password 1")
    ok(r.status != 303, "she cannot sign in yet: %d" % r.status)
    r = admin.get("/admin")
    ok(r.status == 200 and "waiting for approval" in r.text,
       "the admin sees the waiting sign-ups")
    r = admin.post("/admin/users/dora/approve", {})
    ok(r.status == 403, "approving without the CSRF token gets 403")
    r = admin.submit("/admin", "/admin/users/dora/approve", {})
    ok(r.status == 303, "the admin approves dora: %d" % r.status)
    r = Web(a).signin("dora", "a long password 1")
    ok(r.status == 303, "then she can sign in: %d" % r.status)
    r = admin.submit("/admin", "/admin/users/eli/reject", {})
    ok(r.status == 303 and "/users/eli" not in admin.get("/admin").text,
       "the admin rejects eli's sign-up: %d" % r.status)
    token = csrf_of(admin.get("/admin").text, "/admin/block")
    r = admin.post("/admin/users/dora/reject", {"csrf": token})
    ok(r.status == 422 and "disable the account instead" in r.text,
       "an approved account cannot be 'rejected': %d" % r.status)
    r = admin.post("/admin/users/ann/role", {"role": "moderator"})
    ok(r.status == 403, "a role change without the CSRF token gets 403")
    r = admin.submit("/admin", "/admin/users/ann/role", {"role": "moderator"})
    ok(r.status == 303 and "moderator" in
       a.ctl("user", "show", "ann").stdout,
       "the admin makes ann a moderator: %d" % r.status)
    r = admin.submit("/admin", "/admin/users/dora/disable", {})
    ok(r.status == 303 and "disabled" in
       a.ctl("user", "show", "dora").stdout,
       "and disables dora: %d" % r.status)
    r = admin.post("/moderation/delete", {"object": a.base + "/x"})
    ok(r.status == 403, "deleting without the CSRF token gets 403")
    r = admin.post("/moderation/disable", {"name": "dora"})
    ok(r.status == 403, "disabling without the CSRF token gets 403")
    r = admin.submit("/admin", "/admin/users/dora/enable", {})
    ok(r.status == 303, "and enables her again: %d" % r.status)


def inbox_post(a, b):
    """A signed-looking POST from B's actor: the block refuses it before
    anything else is read."""
    body = json.dumps({"type": "Create", "actor": b.base + "/users/bob",
                       "id": b.base + "/x/1", "object": {
                           "type": "Note", "content": "hello",
                           "id": b.base + "/x/2"}})
    return a.request("POST", "/users/ann/inbox", body=body, headers={
        "Content-Type": "application/activity+json",
        "Signature": 'keyId="%s/users/bob#main-key",algorithm='
        '"rsa-sha256",headers="(request-target)",signature="AAAA"'
        % b.base})


def blocking(a, b, admin):
    b_host = b.host
    r = admin.get("/admin")
    ok("Delivery to other servers" in r.text and b_host in r.text,
       "the instances table shows B")
    r = admin.post("/admin/block", {"host": b_host, "reason": "spam"})
    ok(r.status == 403, "a block without the CSRF token gets 403")
    r = admin.submit("/admin", "/admin/block",
                     {"host": "not a host!", "reason": "kept reason"})
    ok(r.status == 422 and field_error(r.text, "host") and
       field_value(r.text, "reason") == "kept reason",
       "a bad host is explained, the reason kept: %d" % r.status)
    ok("nothing" in a.ctl("blocks").stdout or
       a.ctl("blocks").stdout.strip() == "", "nothing was blocked")
    r = admin.submit("/admin", "/admin/block",
                     {"host": b_host, "reason": "spam <b>waves</b>"})
    ok(r.status == 303, "the admin blocks B: %d" % r.status)
    r = admin.get("/admin")
    ok("spam &lt;b&gt;waves&lt;/b&gt;" in r.text,
       "the block is listed with its reason, escaped")
    ok(b_host in a.ctl("blocks").stdout, "hubctl blocks lists it")
    r = inbox_post(a, b)
    ok(r.status == 403, "B's next inbox POST gets 403: %d" % r.status)
    ok(not accepted(a, "ann", b.base + "/users/bob") and
       "users/bob" not in a.ctl("followers", "ann").stdout,
       "the follows between ann and bob are gone")
    b.post("bob", "after the block from B")
    a.post("ann", "after the block from A")
    time.sleep(1.5)
    ok("after the block from B" not in a.ctl("timeline", "ann").stdout,
       "nothing from B is stored")
    ok(b_host not in a.ctl("queue").stdout,
       "no delivery to B is queued")
    ok("after the block from A" not in b.ctl("timeline", "bob").stdout,
       "nothing reached B")
    r = admin.post("/admin/unblock", {"host": b_host})
    ok(r.status == 403, "an unblock without the CSRF token gets 403")
    r = admin.submit("/admin", "/admin/unblock", {"host": b_host})
    ok(r.status == 303, "the admin unblocks B: %d" % r.status)
    r = inbox_post(a, b)
    ok(r.status != 403, "B's inbox POSTs are checked again: %d" % r.status)
    r = a.ctl("block", "spam.example", "--reason", "adverts")
    ok(r.returncode == 0 and "spam.example" in a.ctl("blocks").stdout,
       "hubctl block works")
    r = a.ctl("unblock", "spam.example")
    ok(r.returncode == 0 and "spam.example" not in a.ctl("blocks").stdout,
       "and hubctl unblock")


def main():
    with Hub("registrations = approval\n") as a, Hub() as b:
        pw_admin = a.add_user("ada", "--role", "admin")
        pw_cmod = a.add_user("cmod")
        pw_ann = a.add_user("ann")
        a.add_user("carl")
        b.add_user("bob")
        a.ctl("group", "create", "safety")
        a.ctl("group", "mod", "add", "safety", "cmod")
        ann = a.ctl("token", "ann").stdout.strip()
        a.start()
        b.start()
        a.ctl("follow", "carl", handle(a, "safety"))
        b.ctl("follow", "bob", handle(a, "ann"))
        a.ctl("follow", "ann", handle(b, "bob"))
        ok(wait_for(lambda: accepted(a, "carl", a.base + "/c/safety") and
                    accepted(b, "bob", a.base + "/users/ann") and
                    accepted(a, "ann", b.base + "/users/bob")),
           "carl joins the community; ann and bob follow each other")
        note = group_post(a, "carl", "a post in the community " + HOSTILE)
        ok(wait_for(lambda: on_timeline(a, note)),
           "carl's post is on the community timeline")
        r = api(a, ann, "/api/hub/report",
                {"object": note, "comment": "rude and unsafe " + HOSTILE})
        ok(r.status == 200, "ann reports it through the API: %d" % r.status)
        moderation(a, None, note, pw_cmod)
        member_refused(a, pw_ann)
        admin = Web(a)
        admin.signin("ada", pw_admin)
        r = admin.get("/moderation")
        ok(r.status == 200 and "Reports to the hub" in r.text and
           "rude and unsafe" in r.text,
           "an admin sees the hub's reports queue: %d" % r.status)
        signups(a, admin)
        blocking(a, b, admin)
        r = a.ctl("user", "approve", "ann")
        ok(r.returncode != 0, "hubctl user approve refuses an active member")
        stop_and_check(a, b)


if __name__ == "__main__":
    main()
    done()
