"""The map grown by another process while hubd serves reads: hubd must
remap safely (no crash), keep serving, and then use the larger map."""
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(__file__))
from hubtest import Hub, done, ok  # noqa: E402

BIG = "Learning " + "é" * 4900   # about 10 KB of content per note
HUGE = "\U0001F4A1" * 4990        # about 20 KB


def reader(h, stop, bad):
    while not stop.is_set():
        for path in ("/users/alice", "/users/alice/outbox?page=true"):
            try:
                if h.get(path).status != 200:
                    bad.append(path)
            except OSError as e:
                bad.append(str(e))
                return


def main():
    with Hub("map_size = 16M\n") as h:
        h.add_user("alice")
        h.start()
        tok = h.ctl("token", "alice").stdout.strip()
        status = 201
        n = 0
        while status == 201 and n < 5000:
            status = h.api_post(tok, {"text": BIG}).status
            n += 1
        ok(status == 507, "a full map answers 507 (after %d notes)" % n)
        # Grow the map 1 MiB at a time from hubctl, so hubd remaps many
        # times while its readers are busy.
        with open(h.conf) as f:
            conf = f.read()
        stop, bad = threading.Event(), []
        threads = [threading.Thread(target=reader, args=(h, stop, bad))
                   for _ in range(6)]
        for t in threads:
            t.start()
        urls = []
        steps_grown = 0
        for step in range(12):
            big = os.path.join(h.dir, "big%d.conf" % step)
            with open(big, "w") as g:
                g.write(conf.replace("map_size = 16M",
                                     "map_size = %dM" % (17 + step)))
            added = 0
            for i in range(26):
                r = h.ctl("-c", big, "post", "alice", HUGE, conf=False)
                if r.returncode != 0:
                    break       # this step's map is full
                urls.append(r.stdout.strip())
                added += 1
            steps_grown += added > 0
        # A last step leaves room: hubctl grows the map well beyond what
        # it writes, so what follows tests hubd's use of the larger map.
        roomy = os.path.join(h.dir, "roomy.conf")
        with open(roomy, "w") as g:
            g.write(conf.replace("map_size = 16M", "map_size = 40M"))
        r = h.ctl("-c", roomy, "post", "alice", "room to spare", conf=False)
        urls.append(r.stdout.strip())
        stop.set()
        for t in threads:
            t.join()
        ok(steps_grown == 12, "hubctl with larger map sizes grew the "
           "map in 12 steps (%d notes)" % len(urls))
        ok(h.proc.poll() is None, "hubd survived the remap under reads")
        ok(not bad, "every read answered 200 (%s)" % bad[:3])
        ok(all(h.get(u).status == 200 for u in urls),
           "hubd serves what hubctl wrote beyond its old map")
        r = h.api_post(tok, {"text": "after the remap"})
        ok(r.status == 201,
           "and writes into the larger map itself (%d %s)"
           % (r.status, r.body[:200]))
        ok(h.ctl("-c", big, "check", conf=False).returncode == 0,
           "hubctl check passes")
        ok(h.stop() == 0, "hubd stops cleanly")
    done()


main()
