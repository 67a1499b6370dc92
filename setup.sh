#!/bin/sh
# The hub's two set-up commands (see README.md):
#   ./setup.sh          install what is missing, build, start the hub on
#                       http://localhost:8080 with demo data in ./var
#   ./setup.sh test     install what is missing, build, run the whole suite
#   ./setup.sh test-sanitizers
#                       the same suite on an ASan+UBSan build (CI runs it)
set -eu
cd "$(dirname "$0")"
top=$(pwd)

# chromium: the browser tests (tests/e2e) drive Debian's build, headless;
# nothing may download a browser of its own.
PKGS="build-essential autoconf automake libtool pkg-config
libmicrohttpd-dev liblmdb-dev lmdb-utils libjansson-dev libcurl4-openssl-dev
libssl-dev libargon2-dev libgumbo-dev libcmark-dev python3 python3-feedparser
curl clang libclang-rt-14-dev chromium"

install_missing() {
	missing=""
	for p in $PKGS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		    grep -q "ok installed" || missing="$missing $p"
	done
	# The interop test runs Fedify from the npm registry. Any Node 20+
	# will do (NodeSource's nodejs bundles npm), so look for the commands,
	# not for Debian's packages.
	command -v node >/dev/null 2>&1 || missing="$missing nodejs"
	command -v npm >/dev/null 2>&1 || missing="$missing npm"
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "setup: these Debian packages are missing:$missing" >&2
		echo "setup: run this script as root, or install them." >&2
		exit 1
	fi
	echo "setup: installing$missing"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing \
	    >/dev/null
}

# build DIR [configure args]: an out-of-tree build, so plain and
# sanitizer builds live side by side.
build() {
	dir=$1
	shift
	if [ ! -x configure ] || [ configure.ac -nt configure ]; then
		autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
	fi
	mkdir -p "$dir"
	if [ ! -f "$dir/Makefile" ]; then
		(cd "$dir" && "$top/configure" -q "$@")
	fi
	make --no-print-directory -s -C "$dir" -j"$(nproc)"
}

# The browser tests' npm packages (playwright-core, axe-core), once for
# both builds. If this fails the suite still runs, and test_web_a11y.py
# fails saying why (it calls install.sh again, a no-op once installed).
install_e2e() {
	sh tests/e2e/install.sh ||
	    echo "setup: tests/e2e/install.sh failed; the browser tests" \
		"will fail" >&2
}

run_suite() {
	dir=$1
	# The suite's last line is "N passed, N failed" (tests/summary.sh).
	make --no-print-directory -s -C "$dir" check
}

start_demo() {
	ctl="$top/build/hubctl"
	# No -c: hubd and hubctl use the embedded default configuration,
	# listening on 127.0.0.1:8080 with the data in ./var.
	unset HUB_CONF
	"$ctl" init >/dev/null
	if ! "$ctl" user show admin >/dev/null 2>&1; then
		out=$("$ctl" user add admin --role admin \
		    --display-name "Hub admin" \
		    --summary "The demo administrator of this hub.")
		umask 077
		echo "$out" | sed -n 's/.*password: //p' > var/demo-admin-password
		"$ctl" group create patient_safety \
		    --title "Patient safety learning" \
		    --summary "A demo community for sharing learning about patient safety." \
		    >/dev/null
		"$ctl" post admin "Welcome to the hub. Share what you learned \
so the same harm does not happen twice. #PatientSafety" >/dev/null
	fi
	cat <<MSG

The hub is starting on http://localhost:8080 (data in ./var).
Try:
  curl 'http://localhost:8080/.well-known/webfinger?resource=acct:admin@localhost:8080'
  curl -H 'Accept: application/activity+json' http://localhost:8080/users/admin
  curl -H 'Accept: application/activity+json' http://localhost:8080/c/patient_safety
  curl http://localhost:8080/nodeinfo/2.1
  open http://localhost:8080/ in a browser, and sign in at
  http://localhost:8080/signin (new people sign up at /signup and wait
  for an admin's approval on /admin)
Admin login: admin / $(cat var/demo-admin-password)
  (kept in var/demo-admin-password)
Post as admin: build/hubctl post admin "text #tag"
Stop with Ctrl-C.

MSG
	exec "$top/build/hubd"
}

case "${1:-start}" in
start)
	install_missing
	build build
	start_demo
	;;
test)
	install_missing
	build build
	install_e2e
	run_suite build
	;;
test-sanitizers)
	install_missing
	build build-asan CC=clang --enable-sanitizers
	install_e2e
	run_suite build-asan
	;;
*)
	echo "usage: ./setup.sh [start|test|test-sanitizers]" >&2
	exit 2
	;;
esac
