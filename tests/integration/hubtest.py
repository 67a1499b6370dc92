"""hubtest: start real hubd processes on free loopback ports against
temporary LMDB directories, run hubctl, make HTTP requests, print TAP.

Only loopback addresses are contacted. Standard library only."""
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

BUILD = os.environ.get("HUB_BUILDDIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", "..", "build"))
HUBD = os.path.join(BUILD, "hubd")
HUBCTL = os.path.join(BUILD, "hubctl")
AS_TYPE = "application/activity+json"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"

_n = 0
_failed = 0


def ok(cond, msg):
    """One TAP line; returns cond so callers can branch on it."""
    global _n, _failed
    _n += 1
    if not cond:
        _failed += 1
    # One line: text after a newline would be read as TAP.
    msg = " ".join(str(msg).split())
    print("%sok %d - %s" % ("" if cond else "not ", _n, msg), flush=True)
    return cond


def diag(msg):
    for line in str(msg).splitlines():
        print("# " + line, flush=True)


def done():
    print("1..%d" % _n, flush=True)
    sys.exit(0)


def stop_and_check(*hubs):
    """Stop each hub; it must exit 0 and its data must check out."""
    for h in hubs:
        ok(h.stop() == 0, "hub stops cleanly")
        r = h.ctl("check")
        ok(r.returncode == 0, "and its data checks out %s" %
           (r.stdout + r.stderr)[-300:])


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


class Hub:
    """A hub in a temporary directory. Use as a context manager."""

    def __init__(self, extra_conf="", init=True):
        self.dir = tempfile.mkdtemp(prefix="hubtest-")
        self.port = free_port()
        self.host = "127.0.0.1:%d" % self.port
        self.base = "http://" + self.host
        self.data = os.path.join(self.dir, "data")
        self.conf = os.path.join(self.dir, "hub.conf")
        self.log = os.path.join(self.dir, "hubd.log")
        with open(self.conf, "w") as f:
            f.write("listen = 127.0.0.1:%d\nbase_url = %s\n"
                    "data_dir = %s\nallow_private_addresses = true\n%s"
                    % (self.port, self.base, self.data, extra_conf))
        self.proc = None
        if init:
            r = self.ctl("init")
            if r.returncode != 0:
                raise RuntimeError("hubctl init failed: " + r.stderr)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def ctl(self, *args, stdin=None, env=None, conf=True):
        cmd = [HUBCTL] + (["-c", self.conf] if conf else []) + list(args)
        return subprocess.run(cmd, input=stdin, capture_output=True,
                              text=True, env=env, timeout=120)

    def add_user(self, name, *args):
        r = self.ctl("user", "add", name, *args)
        if r.returncode != 0:
            raise RuntimeError("user add %s: %s" % (name, r.stderr))
        return r.stdout.split("password: ")[-1].strip()

    def post(self, name, text, *args):
        r = self.ctl("post", name, text, *args)
        if r.returncode != 0:
            raise RuntimeError("post: " + r.stderr)
        return r.stdout.strip()

    def start(self, wait=True):
        self.logf = open(self.log, "ab")
        self.proc = subprocess.Popen([HUBD, "-c", self.conf],
                                     stdout=self.logf, stderr=self.logf)
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout=20):
        end = time.time() + timeout
        while time.time() < end:
            if self.proc.poll() is not None:
                raise RuntimeError("hubd exited with %d:\n%s" %
                                   (self.proc.returncode, self.read_log()))
            try:
                c = socket.create_connection(("127.0.0.1", self.port), 0.2)
                c.close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("hubd did not start listening")

    def stop(self):
        """SIGTERM and wait; returns hubd's exit code (None if not run)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        rc = self.proc.returncode
        self.proc = None
        self.logf.close()
        return rc

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.proc = None
        self.logf.close()

    def read_log(self):
        try:
            with open(self.log, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def request(self, method, path, body=None, headers=None, timeout=30):
        c = http.client.HTTPConnection("127.0.0.1", self.port,
                                       timeout=timeout)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            return Response(r.status, r.getheaders(), r.read())
        finally:
            c.close()

    def get(self, path, accept=AS_TYPE, headers=None):
        h = dict(headers or {})
        if accept is not None:
            h["Accept"] = accept
        if path.startswith(self.base):
            path = path[len(self.base):]
        return self.request("GET", path, headers=h)

    def api_post(self, token, doc, content_type="application/json"):
        body = doc if isinstance(doc, (bytes, str)) else json.dumps(doc)
        h = {"Content-Type": content_type}
        if token:
            h["Authorization"] = "Bearer " + token
        return self.request("POST", "/api/hub/notes", body=body, headers=h)
