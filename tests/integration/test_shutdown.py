"""SIGTERM under write load: hubd answers every write it committed,
refuses the rest with 503, never aborts, and exits 0."""
import http.client
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from hubtest import Hub, done, ok  # noqa: E402


def writer(h, tok, acked, refused, lost, stop):
    """One keep-alive connection posting until it breaks."""
    c = http.client.HTTPConnection("127.0.0.1", h.port, timeout=30)
    n = 0
    while not stop.is_set():
        n += 1
        try:
            c.request("POST", "/api/hub/notes",
                      body=json.dumps({"text": "write %d" % n}),
                      headers={"Content-Type": "application/json",
                               "Authorization": "Bearer " + tok})
            r = c.getresponse()
            body = r.read()
        except (OSError, http.client.HTTPException):
            lost.append(n)   # no answer: must not have been stored
            return
        if r.status == 201:
            acked.append(json.loads(body)["id"])
        elif r.status == 503:
            refused.append(n)
            return
        else:
            lost.append(r.status)
            return


def main():
    with Hub() as h:
        h.add_user("alice")
        tok = h.ctl("token", "alice").stdout.strip()
        h.start()
        acked, refused, lost = [], [], []
        stop = threading.Event()
        threads = [threading.Thread(target=writer,
                                    args=(h, tok, acked, refused, lost,
                                          stop)) for _ in range(24)]
        for t in threads:
            t.start()
        time.sleep(1.0)
        rc = h.stop()
        stop.set()
        for t in threads:
            t.join(60)
        ok(rc == 0, "hubd exits 0 on SIGTERM under write load (got %s)" %
           rc)
        log = h.read_log()
        ok("Fatal" not in log and "suspended" not in log,
           "no libmicrohttpd panic in the log")
        ok(len(acked) > 50, "%d writes acknowledged, %d refused with 503 "
           "while stopping" % (len(acked), len(refused)))
        h.start()
        posts = h.get("/nodeinfo/2.1", accept=None).json()["usage"][
            "localPosts"]
        ok(posts == len(acked), "every stored note was acknowledged and "
           "every acknowledged note is stored (%d stored, %d acked, %d "
           "connections lost)" % (posts, len(acked), len(lost)))
        ok(all(h.get(u).status == 200 for u in acked[-20:]),
           "the last acknowledged notes are served")
        ok(h.stop() == 0, "clean stop")
    done()


main()
