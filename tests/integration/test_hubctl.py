"""hubctl and hubd command lines: usage, exit codes, users, roles,
posting rules, backup, check, config errors, schema refusal."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from hubtest import HUBCTL, HUBD, Hub, done, ok  # noqa: E402


def run(*cmd, env=None, stdin=None):
    return subprocess.run(list(cmd), capture_output=True, text=True,
                          env=env, input=stdin, timeout=60)


def test_usage():
    r = run(HUBCTL)
    ok(r.returncode == 2 and "usage: hubctl" in r.stderr,
       "no command: usage, exit 2")
    r = run(HUBCTL, "--help")
    ok(r.returncode == 0 and "exit status" in r.stdout,
       "--help documents exit codes")
    r = run(HUBD, "-h")
    ok(r.returncode == 0 and "usage: hubd" in r.stdout, "hubd -h")


def test_config(h):
    r = run(HUBD, "-n", "-c", h.conf)
    ok(r.returncode == 0 and "valid" in r.stdout, "hubd -n accepts a "
       "valid config")
    bad = os.path.join(h.dir, "bad.conf")
    with open(bad, "w") as f:
        f.write("listen = 127.0.0.1:1\n\nthreads = lots\n")
    r = run(HUBD, "-n", "-c", bad)
    ok(r.returncode == 1 and bad + ":3: threads must be" in r.stderr,
       "config errors are file:line: message (%s)" % r.stderr.strip())
    r = run(HUBCTL, "-c", bad, "check")
    ok(r.returncode == 2 and ":3:" in r.stderr, "hubctl reports it too")
    env = dict(os.environ, HUB_CONF=h.conf)
    r = run(HUBCTL, "user", "list", env=env)
    ok(r.returncode == 0 and "NAME" in r.stdout, "HUB_CONF is honoured")
    empty = os.path.join(h.dir, "empty.conf")
    with open(empty, "w") as f:
        f.write("listen = 127.0.0.1:1\nbase_url = http://127.0.0.1:1\n"
                "data_dir = %s/nothing\n" % h.dir)
    r = run(HUBD, "-c", empty)
    ok(r.returncode == 1 and "hubctl init" in r.stderr,
       "hubd without data says to run hubctl init")
    r = run(HUBCTL, "-c", empty, "check")
    ok(r.returncode == 5, "hubctl without data: exit 5")


def test_users(h):
    r = h.ctl("user", "add", "alice")
    pw = r.stdout.split("password: ")[-1].strip()
    ok(r.returncode == 0 and len(pw) == 20, "user add prints a generated "
       "password")
    pwf = os.path.join(h.dir, "pw")
    with open(pwf, "w") as f:
        f.write("correct horse battery staple\n")
    r = h.ctl("user", "add", "bob", "--password-file", pwf, "--role",
              "editor")
    ok(r.returncode == 0 and "password" not in r.stdout,
       "--password-file: no password printed")
    ok(h.ctl("user", "add", "Alice").returncode == 4,
       "names are compared without case: taken, exit 4")
    ok(h.ctl("group", "create", "alice").returncode == 4,
       "a community cannot take a member's name")
    ok(h.ctl("group", "create", "sepsis", "--title", "Sepsis")
       .returncode == 0, "group create")
    ok(h.ctl("user", "add", "sepsis").returncode == 4,
       "a member cannot take a community's name")
    r = h.ctl("user", "add", "no-dash")
    ok(r.returncode == 6 and "not a valid name" in r.stderr,
       "invalid name: exit 6 with a reason")
    ok(h.ctl("user", "add", "actor").returncode == 4, "reserved name")
    with open(pwf, "w") as f:
        f.write("short\n")
    ok(h.ctl("user", "add", "carol", "--password-file",
             pwf).returncode == 6, "short password refused")
    r = h.ctl("user", "list")
    ok(all(n in r.stdout for n in ("alice", "bob", "sepsis")) and
       "editor" in r.stdout and "community" in r.stdout, "user list")
    r = h.ctl("user", "show", "bob")
    ok(r.returncode == 0 and "role:         editor" in r.stdout and
       "PRIVATE" not in r.stdout and "argon2" not in r.stdout,
       "user show, without secrets")
    ok(h.ctl("user", "show", "nobody").returncode == 3, "unknown: exit 3")
    ok(h.ctl("user", "role", "bob", "admin").returncode == 0 and
       "admin" in h.ctl("user", "show", "bob").stdout, "user role")
    ok(h.ctl("user", "role", "bob", "king").returncode == 2, "bad role")
    ok(h.ctl("user", "disable", "bob").returncode == 0, "user disable")
    r = h.ctl("post", "bob", "hello")
    ok(r.returncode == 6 and "disabled" in r.stderr,
       "a disabled member cannot post")
    ok(h.ctl("user", "enable", "bob").returncode == 0 and
       h.ctl("post", "bob", "hello").returncode == 0, "enabled again")


def test_posting(h):
    ok(h.ctl("post", "alice", "   \n ").returncode == 6, "empty note")
    r = h.ctl("post", "alice", "x" * 5001)
    ok(r.returncode == 6 and "limit" in r.stderr, "too long note")
    ok(h.ctl("post", "alice", "é" * 5000).returncode == 0,
       "the limit counts characters, not bytes")
    ok(h.ctl("post", "alice", "hi", "--visibility", "secret")
       .returncode == 2, "bad visibility: usage")
    ok(h.ctl("post", "nobody", "hi").returncode == 3, "unknown member")
    ok(h.ctl("post", "sepsis", "hi").returncode == 6,
       "a community does not post as a member")
    r = h.ctl("post", "alice", "-", stdin="from stdin #stdin\n")
    ok(r.returncode == 0 and "/users/alice/statuses/" in r.stdout,
       "text from stdin")
    url = r.stdout.strip()
    ok(h.ctl("delete", url).returncode == 0, "delete")
    ok(h.ctl("delete", url).returncode == 3, "deleting again: exit 3")
    ok(h.ctl("delete", h.base + "/users/alice/statuses/1").returncode == 3,
       "unknown note: exit 3")
    ok(h.ctl("delete", h.base + "/users/alice").returncode == 6,
       "an actor is not a note")


def test_user_delete(h):
    h.ctl("user", "add", "dora")
    for i in range(3):
        h.ctl("post", "dora", "note %d" % i)
    ok(h.ctl("user", "delete", "dora").returncode == 0, "user delete")
    line = [l for l in h.ctl("user", "list").stdout.splitlines()
            if l.startswith("dora ")]
    ok(line and " 0 posts" in line[0] and "deleted" in line[0],
       "a deleted member has no posts left: %s" % line)
    ok(h.ctl("post", "dora", "hi").returncode == 3,
       "a deleted member cannot post")
    ok(h.ctl("user", "add", "dora").returncode == 4,
       "a deleted member's name stays taken")
    ok(h.ctl("check").returncode == 0, "check passes after the deletion")


def test_backup_check(h):
    r = h.ctl("check")
    ok(r.returncode == 0 and r.stdout.strip().endswith("ok") and
       "schema: 4" in r.stdout, "check passes")
    bdir = os.path.join(h.dir, "backup")
    r = h.ctl("backup", bdir)
    ok(r.returncode == 0 and os.path.exists(os.path.join(bdir, "data.mdb")),
       "backup writes data.mdb")
    ok(h.ctl("backup", bdir).returncode == 4, "backup will not overwrite")
    bconf = os.path.join(h.dir, "backup.conf")
    with open(bconf, "w") as f:
        f.write("listen = 127.0.0.1:1\nbase_url = %s\ndata_dir = %s\n" %
                (h.base, bdir))
    r = run(HUBCTL, "-c", bconf, "check")
    ok(r.returncode == 0 and "ok" in r.stdout, "the backup checks ok")
    r2 = run(HUBCTL, "-c", bconf, "user", "list")
    ok(r2.stdout == h.ctl("user", "list").stdout, "and holds the same "
       "members")


def test_schema(h):
    # Write a newer schema version with LMDB's own mdb_load.
    dump = "VERSION=3\nformat=print\ntype=btree\nHEADER=END\n schema\n" \
           " \\00\\00\\00\\00\\00\\00\\00\\09\nDATA=END\n"
    r = run("mdb_load", "-s", "meta", h.data, stdin=dump)
    if not ok(r.returncode == 0, "mdb_load wrote schema 9"):
        return
    r = run(HUBD, "-c", h.conf)
    ok(r.returncode == 1 and "schema version 9" in r.stderr,
       "hubd refuses a newer schema: %s" % r.stderr.strip())
    ok(h.ctl("user", "list").returncode == 5, "hubctl too (exit 5)")


def main():
    test_usage()
    with Hub() as h:
        test_config(h)
        test_users(h)
        test_posting(h)
        test_user_delete(h)
        test_backup_check(h)
        test_schema(h)
    done()


main()
