#!/bin/sh
# Install the browser tests' npm packages (package-lock.json, exactly:
# playwright-core and axe-core) into tests/e2e/node_modules, which git
# ignores. playwright-core downloads no browser; the tests drive Debian's
# chromium (/usr/bin/chromium, installed by ./setup.sh). Never run
# "npx playwright install": it fetches a browser build from outside.
#
# Safe to call from both the plain and the sanitizer build's suites at
# once: a lock serialises them, and a stamp of the lock file's hash makes
# the second call a no-op. Offline first: npm's cache is used before the
# registry. Exits non-zero, saying why, if node, npm or chromium is
# missing, Node is older than 20, or npm ci fails.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"

for c in node npm; do
	if ! command -v "$c" >/dev/null 2>&1; then
		echo "install.sh: '$c' is not installed (./setup.sh installs" \
		    "Debian's nodejs and npm)" >&2
		exit 1
	fi
done
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
	echo "install.sh: Node $(node --version) is too old; playwright-core" \
	    "needs Node 20 or newer" >&2
	exit 1
fi
if [ ! -x "${HUB_CHROMIUM:-/usr/bin/chromium}" ]; then
	echo "install.sh: ${HUB_CHROMIUM:-/usr/bin/chromium} is missing" \
	    "(./setup.sh installs Debian's chromium)" >&2
	exit 1
fi

want=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.hub-lock-sha256

install() {
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
		return 0
	fi
	echo "install.sh: npm ci in $here" >&2
	if ! npm ci --prefer-offline --no-audit --no-fund \
	    --loglevel=error >&2; then
		echo "install.sh: npm ci failed (is the npm registry" \
		    "reachable, or the cache filled?)" >&2
		return 1
	fi
	echo "$want" > "$stamp"
}

if command -v flock >/dev/null 2>&1; then
	exec 9> "$here/.install.lock"
	flock 9
fi
install
