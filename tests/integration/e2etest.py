"""What the browser tests share: where tests/e2e is (a copy in the build
tree when the source tree is read-only, as under distcheck) and its npm
install (playwright-core and axe-core; Debian's chromium)."""
import os
import shutil
import subprocess

SRC = os.environ.get("HUB_SRCDIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("HUB_BUILDDIR") or os.path.join(SRC, "build")
E2E = os.path.join(SRC, "tests", "e2e")
COMMON = ("package.json", "package-lock.json", "install.sh", "harness.mjs")


def e2e_dir(scripts):
    """tests/e2e, where node_modules is installed once for every build,
    or a copy of it (COMMON and scripts) in the build tree."""
    if os.access(E2E, os.W_OK):
        return E2E
    d = os.path.join(BUILD, "tests", "e2e")
    os.makedirs(d, exist_ok=True)
    for f in COMMON + tuple(scripts):
        shutil.copyfile(os.path.join(E2E, f), os.path.join(d, f))
    return d


def install(d):
    """Runs install.sh in d; returns (ok, output)."""
    try:
        r = subprocess.run(["sh", os.path.join(d, "install.sh")],
                           capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as e:
        return False, str(e)
    return r.returncode == 0, r.stdout + r.stderr
