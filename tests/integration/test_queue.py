"""The delivery queue: a receiver that is down gets its deliveries once it
is back; queued work survives kill -9 of the sender; hubctl queue shows and
hastens what waits."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from hubtest import Hub, done, ok  # noqa: E402
from test_follow import follows, wait_for  # noqa: E402


def main():
    with Hub() as a, Hub() as b:
        a.add_user("alice")
        b.add_user("bob")
        b.add_user("carol")
        b.start()
        r = a.ctl("follow", "alice", "@bob@" + b.host)  # A is not running
        ok(r.returncode == 0, "the Follow is queued while A is stopped")
        a.ctl("follow", "alice", "@carol@" + b.host)
        ok(b.stop() == 0, "B goes down")
        q = a.ctl("queue").stdout
        ok(b.host in q and " 2 " in q, "hubctl queue shows both: %s" %
           q.splitlines()[-1])
        a.start()
        ok(wait_for(lambda: "failed (try 1)" in a.read_log(), 10),
           "A tries, and fails while B is down")
        time.sleep(0.5)
        ok(a.read_log().count("failed (try 1)") == 1,
           "the host did not answer: its second job is not tried in the "
           "same pass")
        row = [ln.split() for ln in a.ctl("queue").stdout.splitlines()
               if ln.startswith(b.host + " ")]
        ok(row and row[0][1] == "2" and row[0][3] == "1" and
           row[0][5] == "failing",
           "the jobs wait with one try counted, the host failing: %s" % row)
        a.kill9()
        a.start()
        ok(a.ctl("check").returncode == 0 and b.host in a.ctl("queue").stdout,
           "after kill -9 of A the job is still queued")
        b.start()
        r = a.ctl("queue", "retry", b.host)
        ok(r.returncode == 0 and "2 deliveries" in r.stdout,
           "queue retry makes them due now")
        ok(wait_for(lambda: follows(b, "followers", "bob") ==
                    [a.base + "/users/alice"], 15),
           "B got the Follow once back")
        ok(wait_for(lambda: "no deliveries pending" in
                    a.ctl("queue").stdout, 10),
           "and the queue is empty once B's Accept went the other way")
        ok(wait_for(lambda: follows(a, "following", "alice") ==
                    [b.base + "/users/bob", b.base + "/users/carol"], 10),
           "alice follows bob and carol")
        ok(a.read_log().count("delivered to %s/users/bob/inbox" % b.base) ==
           1, "delivered exactly once")
        ok(a.stop() == 0 and b.stop() == 0, "both stop cleanly")
    done()


if __name__ == "__main__":
    main()
