"""Durability: while HTTP API writes and hubctl posts run concurrently,
kill -9 hubd. Every write that was acknowledged (201, or hubctl exit 0)
must be there after a restart, and hubctl check must pass."""
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from hubtest import HUBCTL, Hub, diag, done, ok  # noqa: E402

API_THREADS = 8
CTL_THREADS = 2


def api_writer(h, tok, acked, stop, errors):
    n = 0
    while not stop.is_set():
        n += 1
        try:
            r = h.api_post(tok, {"text": "api write %d #crash" % n})
        except OSError:
            return          # hubd was killed: unacknowledged, fine
        if r.status == 201:
            acked.append(r.json()["id"])
        else:
            errors.append(r.status)


def ctl_writer(h, acked, stop, errors):
    n = 0
    while not stop.is_set():
        n += 1
        r = subprocess.run([HUBCTL, "-c", h.conf, "post", "bob",
                            "ctl write %d" % n], capture_output=True,
                           text=True, timeout=60)
        if r.returncode == 0:
            acked.append(r.stdout.strip())
        else:
            errors.append(r.stderr)


def round_(h, tok, seconds):
    acked, errors = [], []
    stop = threading.Event()
    threads = [threading.Thread(target=api_writer,
                                args=(h, tok, acked, stop, errors))
               for _ in range(API_THREADS)]
    threads += [threading.Thread(target=ctl_writer,
                                 args=(h, acked, stop, errors))
                for _ in range(CTL_THREADS)]
    for t in threads:
        t.start()
    time.sleep(seconds)
    h.kill9()
    time.sleep(0.3)
    stop.set()
    for t in threads:
        t.join(60)
    return acked, errors


def main():
    with Hub() as h:
        h.add_user("alice")
        h.add_user("bob")
        tok = h.ctl("token", "alice").stdout.strip()
        total = []
        for rnd in range(2):
            h.start()
            acked, errors = round_(h, tok, 1.5)
            ok(len(acked) > 20, "round %d: %d writes acknowledged before "
               "kill -9" % (rnd + 1, len(acked)))
            ok(not errors, "no write was refused while running: %s" %
               errors[:3])
            total += acked
            h.start()
            missing = [u for u in total if h.get(u).status != 200]
            ok(not missing, "round %d: all %d acknowledged notes are "
               "there after restart (%d missing)" % (rnd + 1, len(total),
                                                     len(missing)))
            r = h.ctl("check")
            if not ok(r.returncode == 0, "hubctl check passes after the "
                      "crash"):
                diag(r.stdout)
            h.stop()
        h.start()
        count = h.get("/nodeinfo/2.1", accept=None).json()["usage"][
            "localPosts"]
        ok(count >= len(total), "the post counter (%d) covers every "
           "acknowledged write (%d)" % (count, len(total)))
        ok(h.stop() == 0, "hubd stops cleanly")
    done()


main()
