"""Signed GETs: followers-only notes are served to their followers'
signed fetches only; authorized fetch refuses unsigned requests except
for actors, WebFinger and NodeInfo."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from hubtest import Hub, done, ok  # noqa: E402
from test_follow import Player, follows  # noqa: E402


def main():
    eve, mallory = Player("eve"), Player("mallory")
    with Hub() as b, Hub("authorized_fetch = true\n") as c:
        b.add_user("bob")
        c.add_user("cat")
        b.start()
        c.start()
        bob = b.base + "/users/bob"
        st, body = eve.post(bob + "/inbox", eve.activity("Follow", bob))
        ok(st == 202 and follows(b, "followers", "bob") == [eve.iri],
           "eve follows bob")
        private = b.post("bob", "Only for my followers", "--visibility",
                         "followers")
        public = b.post("bob", "For everyone")
        ok(b.get(private).status == 404, "unsigned: a followers-only note "
           "is not there")
        st, body = eve.get(private)
        ok(st == 200 and "Only for my followers" in body,
           "a follower's signed GET reads it")
        r = b.get(public)
        ok(r.status == 200 and "public" in (r.header("Cache-Control") or ""),
           "public notes stay public and cacheable")
        st, body = mallory.get(private)
        ok(st == 404, "a signed GET by someone who does not follow: 404")
        st, body = eve.get(bob + "/outbox",
                           tamper_target=private[len(b.base):])
        ok(st == 401, "a signature made for another path: 401")
        n = Player.srv.RequestHandlerClass.gets
        st, body = eve.get(private, key_id=eve.iri + "#other")
        ok(st == 401 and Player.srv.RequestHandlerClass.gets - n <= 1,
           "a key id its actor does not own: one fetch, then 401")
        page = eve.get(bob + "/outbox?page=true")
        ok(page[0] == 200, "a signed outbox read works")

        cat = c.base + "/users/cat"
        note = c.post("cat", "Authorized fetch only")
        ok(c.get(note).status == 401, "authorized fetch: unsigned note 401")
        ok(c.get("/users/cat/outbox").status == 401,
           "unsigned outbox 401")
        ok(c.get("/users/cat/followers").status == 401,
           "unsigned followers 401")
        a = c.get("/users/cat")
        ok(a.status == 200 and (a.json() or {}).get("publicKey"),
           "the actor document stays readable unsigned")
        ok(c.get("/.well-known/webfinger?resource=acct:cat@" + c.host,
                 accept=None).status == 200 and
           c.get("/nodeinfo/2.1", accept=None).status == 200,
           "WebFinger and NodeInfo too")
        st, body = eve.get(note)
        ok(st == 200 and "Authorized fetch only" in body,
           "a signed GET from an unknown actor: the key is fetched, "
           "then it is served (%d)" % st)
        st, body = eve.get(cat + "/outbox?page=true")
        ok(st == 200 and "Authorized fetch only" in body,
           "and the outbox, signed")
        ok(b.stop() == 0 and c.stop() == 0, "both stop cleanly")
    Player.srv.shutdown()
    done()


if __name__ == "__main__":
    main()
