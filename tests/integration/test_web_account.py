"""Signing up, in and out from a browser: argon2id passwords, sessions
in LMDB behind HttpOnly SameSite cookies, CSRF tokens on every form,
rate limits, password changes, and bad input answered kindly."""
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from hubtest import Hub, done, ok, stop_and_check  # noqa: E402
from webtest import Web, csrf_of, field_error, field_value  # noqa: E402


def cookie_header(r, name):
    for k, v in r.headers:
        if k.lower() == "set-cookie" and v.startswith(name + "="):
            return v
    return ""


def signin_page(h):
    w = Web(h)
    r = w.get("/signin")
    ok(r.status == 200 and "<h1>Sign in</h1>" in r.text,
       "the sign-in page is shown: %d" % r.status)
    ok('<label for="name">' in r.text and
       '<label for="password">' in r.text,
       "its fields are labelled")
    csp = r.header("Content-Security-Policy") or ""
    ok("frame-ancestors 'none'" in csp and "script-src" not in csp and
       "default-src 'none'" in csp,
       "with a strict Content-Security-Policy: %s" % csp)
    ok(r.header("X-Content-Type-Options") == "nosniff" and
       r.header("Referrer-Policy"), "and the other security headers")
    c = cookie_header(r, "hub_csrf")
    ok("HttpOnly" in c and "SameSite=Lax" in c and "Secure" not in c,
       "a visitor's CSRF cookie is HttpOnly, SameSite=Lax: %s" % c)
    ok(csrf_of(r.text, "/signin") == w.cookies.get("hub_csrf"),
       "and the form carries its token")


def csrf_refused(h, pw):
    w = Web(h)
    w.get("/signin")
    r = w.post("/signin", {"name": "ann", "password": pw})
    ok(r.status == 403 and "expired or came from another site" in r.text,
       "a sign-in without the CSRF token gets 403: %d" % r.status)
    ok("hub_session" not in w.cookies, "and no session")
    r = w.post("/signin", {"name": "ann", "password": pw, "csrf": "0" * 64})
    ok(r.status == 403, "a wrong token gets 403 too: %d" % r.status)
    r = w.submit("/signin", "/signin", {"name": "ann", "password": pw},
                 headers={"Origin": "http://evil.example"})
    ok(r.status == 403 and "hub_session" not in w.cookies,
       "a form sent from another origin gets 403: %d" % r.status)


def bad_credentials(h):
    w = Web(h)
    r = w.submit("/signin", "/signin",
                 {"name": "ann", "password": "wrong password"})
    msg = field_error(r.text, "name")
    ok(r.status == 401 and msg and "do not match" in msg,
       "a wrong password gets 401 and the form again: %d %s" %
       (r.status, msg))
    ok(field_value(r.text, "name") == "ann" and
       "wrong password" not in r.text,
       "the name is kept, the password is not shown again")
    r2 = w.submit("/signin", "/signin",
                  {"name": "nobody", "password": "wrong password"})
    ok(r2.status == 401 and field_error(r2.text, "name") == msg,
       "an unknown name gets the very same answer")
    r = w.submit("/signin", "/signin", {"name": "", "password": ""})
    ok(r.status == 422 and field_error(r.text, "name") and
       field_error(r.text, "password") and "There is a problem" in r.text,
       "empty fields are explained next to each: %d" % r.status)


def signin(h, pw):
    w = Web(h)
    r = w.submit("/signin", "/signin",
                 {"name": "ann", "password": pw, "next": "/tags/safety"})
    c = cookie_header(r, "hub_session")
    ok(r.status == 303 and r.header("Location") == "/tags/safety",
       "signing in sends the member on: %d %s" %
       (r.status, r.header("Location")))
    ok("HttpOnly" in c and "SameSite=Lax" in c and "Path=/" in c and
       "Secure" not in c, "the session cookie is HttpOnly, SameSite=Lax "
       "(Secure only on https): %s" % c.split(";", 1)[-1])
    tok = w.cookies.get("hub_session", "")
    ok(len(tok) == 64, "its token is 256 random bits in hex")
    r = w.get("/")
    ok(r.status == 200 and "Signed in as Ann Example" in r.text,
       "the home page knows the member")
    ok(r.header("Cache-Control") == "private, no-store" and
       "Cookie" in (r.header("Vary") or ""),
       "and is never kept by a shared cache: %s" %
       r.header("Cache-Control"))
    ok(csrf_of(r.text, "/signout") not in (None, tok),
       "the sign-out form carries a CSRF token that is not the session")
    r = w.get("/signin")
    ok(r.status == 303, "the sign-in page sends a signed-in member home")
    evil = Web(h)
    r = evil.submit("/signin", "/signin",
                    {"name": "ann", "password": pw, "next": "//evil.example"})
    ok(r.status == 303 and r.header("Location") == "/",
       "a next address off the hub is ignored: %s" % r.header("Location"))
    for bad in ("/\t/evil.example", "/\\evil.example", "/ /evil.example",
                "/%09/x\r\nSet-Cookie: a=b"):
        r = evil.get("/signin?next=" + urllib.parse.quote(bad))
        ok(r.status == 303 and r.header("Location") == "/",
           "so is %r, which a browser would read as another site: %s" %
           (bad, r.header("Location")))
    return w, tok


def signout(h, w, tok):
    r = w.post("/signout", {"csrf": "x" * 64})
    ok(r.status == 403, "signing out needs the CSRF token: %d" % r.status)
    r = w.submit("/", "/signout", {})
    ok(r.status == 303 and "Max-Age=0" in cookie_header(r, "hub_session"),
       "signing out clears the cookie: %d" % r.status)
    old = Web(h)
    old.cookies["hub_session"] = tok
    r = old.get("/")
    ok("Signed in as" not in r.text and 'href="/signin"' in r.text,
       "and the session is ended on the server, not just forgotten")


def signup_open(h):
    w = Web(h)
    r = w.submit("/signup", "/signup",
                 {"name": "Bad Name!", "display_name": "Bo",
                  "password": "short", "password2": "other"})
    ok(r.status == 422 and field_error(r.text, "name") and
       field_error(r.text, "password"),
       "sign-up explains a bad name and a short password: %d" % r.status)
    ok(field_value(r.text, "name") == "Bad Name!" and
       field_value(r.text, "display_name") == "Bo",
       "and keeps what was typed")
    r = w.submit("/signup", "/signup",
                 {"name": "bo", "password": "a long password",
                  "password2": "another long one"})
    ok(r.status == 422 and "not the same" in
       (field_error(r.text, "password2") or ""),
       "two different passwords are explained")
    r = w.submit("/signup", "/signup",
                 {"name": "ann", "password": "a long password",
                  "password2": "a long password"})
    ok(r.status == 422 and "taken" in (field_error(r.text, "name") or ""),
       "a taken name is explained: %s" % field_error(r.text, "name"))
    r = w.submit("/signup", "/signup",
                 {"name": "bo", "display_name": "Bo <b>Nurse</b>",
                  "password": "a long password",
                  "password2": "a long password"})
    ok(r.status == 303 and "hub_session" in w.cookies,
       "a good sign-up creates the account and signs in: %d" % r.status)
    r = w.get("/")
    ok("Signed in as Bo &lt;b&gt;Nurse&lt;/b&gt;" in r.text,
       "the display name is shown escaped")
    ok(h.get("/users/bo").status == 200, "the new member has an actor")


def signup_modes():
    with Hub("registrations = approval\n") as h:
        h.start()
        w = Web(h)
        r = w.submit("/signup", "/signup",
                     {"name": "cy", "password": "a long password",
                      "password2": "a long password"})
        ok(r.status == 201 and "admin" in r.text and
           "hub_session" not in w.cookies,
           "with approval, sign-up thanks and waits: %d" % r.status)
        r = w.submit("/signin", "/signin",
                     {"name": "cy", "password": "a long password"})
        ok(r.status == 403 and "waiting for an admin" in r.text,
           "signing in before approval says so: %d" % r.status)
        r = w.submit("/signin", "/signin",
                     {"name": "cy", "password": "wrong password!"})
        ok(r.status == 401 and "waiting" not in r.text,
           "but only to the right password")
        ok(h.get("/users/cy").status in (403, 404, 410),
           "a waiting account has no public actor yet")
        stop_and_check(h)
    with Hub("registrations = closed\n") as h:
        h.start()
        w = Web(h)
        r = w.get("/signup")
        ok(r.status == 403 and "not taking new accounts" in r.text,
           "a closed hub says so on the sign-up page: %d" % r.status)
        r = w.post("/signup", {"name": "dee", "password": "a long password",
                               "password2": "a long password"})
        ok(r.status == 403 and h.get("/users/dee").status == 404,
           "and creates nothing")
        stop_and_check(h)


def password_change(h, pw):
    a, b = Web(h), Web(h)
    a.signin("ann", pw)
    b.signin("ann", pw)
    r = a.submit("/settings/password", "/settings/password",
                 {"current": "not it at all", "password": "new password 1",
                  "password2": "new password 1"})
    ok(r.status == 401 and "not your current password" in
       (field_error(r.text, "current") or ""),
       "a wrong current password is explained: %d" % r.status)
    r = a.submit("/settings/password", "/settings/password",
                 {"current": pw, "password": "new password 1",
                  "password2": "new password 1"})
    ok(r.status == 200 and "password is changed" in r.text,
       "the password changes: %d" % r.status)
    ok("Signed in as" in a.get("/").text, "this session stays")
    ok("Signed in as" not in b.get("/").text,
       "every other session ends")
    ok(Web(h).signin("ann", pw).status == 401,
       "the old password no longer works")
    ok(Web(h).signin("ann", "new password 1").status == 303,
       "the new one does")
    r = Web(h).get("/settings/password")
    ok(r.status == 303 and r.header("Location").startswith("/signin"),
       "a visitor is sent to sign in first")


def rate_limit_flood(h):
    w = Web(h)
    for i in range(10):
        w.submit("/signin", "/signin",
                 {"name": "zoe", "password": "guess %d" % i},
                 headers={"X-Forwarded-For": "10.0.0.1"})
    r = w.submit("/signin", "/signin", {"name": "zoe", "password": "x" * 10},
                 headers={"X-Forwarded-For": "10.0.0.1"})
    ok(r.status == 429, "zoe's account is paused after ten failures")
    codes = set()
    for i in range(120):
        codes.add(w.post("/signin", {"name": "n%d" % i, "password": "p",
                                     "csrf": w.cookies["hub_csrf"]},
                         headers={"X-Forwarded-For": "10.0.0.2"}).status)
    ok(429 in codes, "a flood of names from one address is paused too")
    r = Web(h).submit("/signin", "/signin",
                      {"name": "zoe", "password": "x" * 10},
                      headers={"X-Forwarded-For": "10.0.0.3"})
    ok(r.status == 429, "and does not wipe zoe's pause: %d" % r.status)


def disabled_sessions(h, pw):
    w = Web(h)
    ok(w.signin("ann", pw).status == 303, "ann signs in")
    h.ctl("user", "disable", "ann")
    h.ctl("user", "enable", "ann")
    ok("Signed in as" not in w.get("/").text,
       "disabling an account ends its sessions, enabling does not "
       "bring them back")


def rate_limit(h):
    w = Web(h)
    codes = [w.submit("/signin", "/signin",
                      {"name": "eve", "password": "guess %d" % i}).status
             for i in range(10)]
    ok(codes == [401] * 10, "ten wrong passwords get 401: %s" % codes)
    r = w.submit("/signin", "/signin",
                 {"name": "EVE", "password": "the eve password"})
    ok(r.status == 429 and "too many attempts" in r.text,
       "then the account is paused, whatever the case: %d" % r.status)
    ok(Web(h).signin("ann", "new password 1").status == 303,
       "other accounts are not")


def bad_input(h):
    w = Web(h)
    w.get("/signin")
    tok = w.cookies["hub_csrf"]
    r = w.post("/signin", None,
               raw=b"csrf=" + tok.encode() + b"&name=%ff%fe&password=x")
    ok(r.status == 400 and "UTF-8" in r.text,
       "a form that is not UTF-8 gets 400: %d" % r.status)
    many = "&".join("f%d=1" % i for i in range(130))
    r = w.post("/signin", None,
               raw="csrf=" + tok + "&name=ann&password=x&" + many)
    ok(r.status == 400 and "could not be read" in r.text,
       "a form of more than 128 fields gets 400: %d" % r.status)
    r = w.post("/signin", None, raw="x" * 20000)
    ok(r.status == 413, "an oversized form gets 413: %d" % r.status)
    r = w.post("/signin", None, raw='{"name": "ann"}',
               headers={"Content-Type": "application/json"})
    ok(r.status == 415, "JSON to a form gets 415: %d" % r.status)
    r = Web(h).get("/no/such/page")
    ok(r.status == 404 and "We could not find that page" in r.text and
       "Sign in" in r.text, "unknown pages get a friendly 404 page")


def secrets_stay_secret(h, tok):
    log = h.read_log()
    ok(tok not in log and "new password 1" not in log and
       "argon2" not in log, "no token, password or hash in the log")


def main():
    with Hub("registrations = open\n") as h:
        pw = h.add_user("ann", "--display-name", "Ann Example")
        h.add_user("eve")
        h.add_user("zoe")
        h.start()
        signin_page(h)
        csrf_refused(h, pw)
        bad_credentials(h)
        w, tok = signin(h, pw)
        signout(h, w, tok)
        signup_open(h)
        w, tok = signin(h, pw)
        h.kill9()
        h.start()
        ok("Signed in as" in w.get("/").text,
           "a session survives kill -9 of the hub")
        password_change(h, pw)
        rate_limit(h)
        rate_limit_flood(h)
        disabled_sessions(h, "new password 1")
        bad_input(h)
        secrets_stay_secret(h, tok)
        stop_and_check(h)
    signup_modes()
    done()


if __name__ == "__main__":
    main()
