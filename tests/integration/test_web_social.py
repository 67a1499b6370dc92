"""People on the web front, across two real hubs: profiles (local at the
actor URL, remote at /profile), following from a profile page, locked
accounts' requests approved from the notifications page, unfollowing,
followers and following lists, and profile settings federated as
Update{Person}; hostile names and bios render inert; every form refuses
a missing CSRF token."""
import os
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from hubtest import Hub, done, ok, stop_and_check  # noqa: E402
from test_follow import wait_for  # noqa: E402
from webtest import Web, csrf_of, field_error, field_value  # noqa: E402

HOSTILE = 'Al <script>alert(1)</script> "q" \'s'
BIO = 'Ward nurse. <img src=x onerror=alert(2)> "quoted" & #sepsis'


def path_of(h, url):
    return url[len(h.base):] if url.startswith(h.base) else url


def profile_path(iri):
    return "/profile?id=" + urllib.parse.quote(iri, safe="")


def follow_button(text, action):
    """The id posted by the one-button form to action, or None."""
    for m in re.finditer(r'<form class="inline" method="post" '
                         r'action="([^"]*)">(.*?)</form>', text, re.S):
        if m.group(1) == action:
            i = re.search(r'name="id" value="([^"]*)"', m.group(2))
            return i.group(1) if i else None
    return None


def press(w, page, action):
    """Press the button posting to action on page, as a browser does."""
    r = w.get(page)
    token, target = csrf_of(r.text, action), follow_button(r.text, action)
    nxt = re.search(r'name="next" value="([^"]*)"', r.text)
    return w.post(action, {"csrf": token or "", "id": target or "",
                           "next": nxt.group(1) if nxt else "/"})


def signed_out(a):
    w = Web(a)
    for p in ("/notifications", "/settings"):
        r = w.get(p)
        ok(r.status == 303 and
           urllib.parse.unquote(r.header("Location") or "") ==
           "/signin?next=" + p,
           "a visitor is sent to sign in from %s: %d %s" %
           (p, r.status, r.header("Location")))
    r = w.post("/follow", {"id": "x@y"})
    ok(r.status == 303, "and a visitor's follow is sent to sign in too")


def csrf_refusals(w, iri):
    for action in ("/follow", "/unfollow", "/follow-requests/approve",
                   "/follow-requests/reject"):
        r = w.post(action, {"id": iri, "next": "/"})
        ok(r.status == 403, "%s without the CSRF token gets 403: %d" %
           (action, r.status))
    r = w.post("/settings", {"display_name": "Changed"})
    ok(r.status == 403, "the settings form without its token: %d" %
       r.status)
    r = w.post("/settings", {"display_name": "Changed", "csrf": "0" * 64})
    ok(r.status == 403, "or with a wrong one: %d" % r.status)


def follow_locked(a, b, wa, wb, bob):
    """alice on A follows bob (locked) on B, who approves."""
    r = wa.get("/profile?acct=bob@" + b.host)
    ok(r.status == 303 and r.header("Location") == profile_path(bob),
       "A looks bob's handle up on its worker and shows his page: %d %s" %
       (r.status, r.header("Location")))
    page = profile_path(bob)
    r = wa.get(page)
    ok(r.status == 200 and "Bob of B" in r.text and
       "@bob@" + b.host in r.text and "locked account" in r.text,
       "bob's remote profile shows his name, handle and lock")
    ok(follow_button(r.text, "/follow") == bob, "with a Follow button")
    r = press(wa, page, "/follow")
    ok(r.status == 303 and r.header("Location") == page,
       "following answers 303 back to the profile: %d %s" %
       (r.status, r.header("Location")))
    r = wa.get(page)
    ok("Requested" in r.text and follow_button(r.text, "/unfollow") == bob,
       "alice sees the Requested state and can cancel it")
    ok(wait_for(lambda: "asked to follow you" in
                wb.get("/notifications").text),
       "bob's notifications page shows alice's request")
    r = wb.get("/notifications")
    ok(follow_button(r.text, "/follow-requests/approve") and
       follow_button(r.text, "/follow-requests/reject"),
       "with Approve and Reject buttons")
    r = press(wb, "/notifications", "/follow-requests/approve")
    ok(r.status == 303 and r.header("Location") == "/notifications",
       "bob approves: %d %s" % (r.status, r.header("Location")))
    ok(follow_button(wb.get("/notifications").text,
                     "/follow-requests/approve") is None,
       "the request is answered: its buttons are gone")
    ok(wait_for(lambda: follow_button(wa.get(page).text, "/unfollow") ==
                bob and "You follow them" in wa.get(page).text),
       "alice's page of bob now says she follows him")


def lists(a, b, wa, alice, bob):
    r = Web(b).get("/users/bob/followers")
    ok(r.status == 200 and "Followers of Bob of B" in r.text and
       profile_path(alice).replace("&", "&amp;") in r.text,
       "bob's followers page on B lists alice, linked to her profile")
    r = wa.get("/users/alice/following")
    ok(r.status == 200 and "Bob of B" in r.text,
       "alice's following page on A lists bob")
    r = a.get("/users/alice/following")
    ok(r.status == 200 and "application/activity+json" in
       (r.header("Content-Type") or ""),
       "the same URL still answers AS2 to peers")
    r = wa.get("/users/alice")
    ok('href="%s/following">1 following' % alice in r.text,
       "alice's profile counts and links whom she follows")
    r = Web(a).get("/users/nobody/followers")
    ok(r.status == 404, "an unknown member's list is the 404 page")


def hostile_post(b, wa, bob):
    b.post("bob", "Check the <script>alert(3)</script> pumps #safety")
    page = profile_path(bob)
    ok(wait_for(lambda: "pumps" in wa.get(page).text),
       "bob's post reaches alice's page of him on A")
    t = wa.get(page).text
    ok("<script>alert(3)" not in t and "&lt;script&gt;alert(3)" in t,
       "its script is shown as text, inert")


def settings(a, b, wa, wb, alice):
    r = wa.get("/settings")
    ok(r.status == 200 and '<label for="display_name">' in r.text and
       '<label for="avatar">' in r.text and
       'href="/settings/password"' in r.text,
       "the settings page has labelled fields and links to the password")
    bad = [("javascript:alert(1)", "https://"),
           ("http://img.example/a.png", "https://"),
           ("https://img.example/" + "a" * 600, "too long")]
    for url, why in bad:
        r = wa.submit("/settings", "/settings",
                      {"display_name": "Kept name", "summary": "kept bio",
                       "avatar": url})
        msg = field_error(r.text, "avatar")
        ok(r.status == 422 and msg and why in msg,
           "a bad avatar address is explained by its field: %d %s" %
           (r.status, msg))
        ok(field_value(r.text, "avatar") == url and
           field_value(r.text, "display_name") == "Kept name" and
           field_value(r.text, "summary") == "kept bio",
           "and the member's text is kept")
    ok("Kept name" not in Web(a).get("/users/alice").text,
       "nothing was stored")
    r = wa.submit("/settings", "/settings",
                  {"display_name": "x" * 101, "summary": "y" * 2001,
                   "avatar": ""})
    ok(r.status == 422 and field_error(r.text, "display_name") and
       field_error(r.text, "summary"),
       "too long a name and bio are each explained: %d" % r.status)
    r = wa.submit("/settings", "/settings",
                  {"display_name": HOSTILE, "summary": BIO,
                   "avatar": "https://img.example/alice.png",
                   "locked": "1"})
    ok(r.status == 303 and r.header("Location") == "/settings?saved=1",
       "saving the profile answers 303: %d" % r.status)
    r = wa.get("/settings?saved=1")
    ok("Your profile is saved" in r.text and
       field_value(r.text, "display_name") == HOSTILE and
       field_value(r.text, "avatar") == "https://img.example/alice.png"
       and 'name="locked" value="1" checked' in r.text,
       "the settings page shows what was saved")
    t = Web(a).get("/users/alice").text
    ok("<script>" not in t and "&lt;script&gt;alert(1)" in t and
       "onerror=alert(2)>" not in t and "&quot;quoted&quot;" in t,
       "A's profile page shows the hostile name and bio as text")
    ok('<img class="avatar" width="96" height="96" '
       'src="https://img.example/alice.png" alt="Al &lt;script&gt;' in t,
       "with the avatar, its alt text the display name")
    ok("locked account" in t, "and the locked note")
    doc = a.get("/users/alice").json()
    ok(doc.get("name") == HOSTILE and
       doc.get("icon", {}).get("url") == "https://img.example/alice.png"
       and doc.get("manuallyApprovesFollowers") is True and
       "&lt;img" in doc.get("summary", ""),
       "the actor document carries name, icon, lock and the escaped bio")
    page = profile_path(alice)
    ok(wait_for(lambda: "&lt;script&gt;alert(1)" in
                wb.get(page).text),
       "hub B receives the Update: its page of alice shows the new name")
    t = wb.get(page).text
    ok("<script>" not in t and "locked account" in t,
       "escaped on B too, with the lock")


def main():
    with Hub() as a, Hub() as b:
        pa = a.add_user("alice")
        pb = b.add_user("bob", "--locked", "--display-name", "Bob of B")
        a.start()
        b.start()
        alice, bob = a.base + "/users/alice", b.base + "/users/bob"
        signed_out(a)
        wa, wb = Web(a), Web(b)
        ok(wa.signin("alice", pa).status == 303 and
           wb.signin("bob", pb).status == 303, "alice and bob sign in")
        csrf_refusals(wa, bob)
        follow_locked(a, b, wa, wb, bob)
        lists(a, b, wa, alice, bob)
        hostile_post(b, wa, bob)
        # bob follows alice back (not locked yet: accepted at once).
        r = press(wb, profile_path(alice), "/follow")
        ok(r.status == 303, "bob follows alice from B: %d" % r.status)
        ok(wait_for(lambda: "You follow them" in
                    wb.get(profile_path(alice)).text),
           "and is accepted")
        ok(wait_for(lambda: "followed you" in wa.get("/notifications").text),
           "alice's notifications say bob followed her")
        settings(a, b, wa, wb, alice)
        r = press(wa, profile_path(bob), "/unfollow")
        ok(r.status == 303 and
           follow_button(wa.get(profile_path(bob)).text, "/follow") == bob,
           "alice unfollows bob; the Follow button is back")
        ok(wait_for(lambda: "No followers yet" in
                    Web(b).get("/users/bob/followers").text),
           "and B's followers page of bob no longer lists her")
        r = b.ctl("user", "set", "bob", "--display-name", "Robert")
        ok(r.returncode == 0 and "Robert" in
           Web(b).get("/users/bob").text,
           "hubctl user set changes a profile too: %s" % r.stderr)
        r = wa.get("/profile?id=" + urllib.parse.quote(
            "https://unknown.example/users/x"))
        ok(r.status == 404, "an unknown remote actor is the 404 page")
        stop_and_check(a, b)
    done()


if __name__ == "__main__":
    main()
