#!/bin/bash
# inbox.sh: signed Create(Note) activities accepted per second by hubd's
# shared inbox, from ACTORS distinct remote actors whose keys hubd has
# cached, against this machine's RSA-2048 verify rate (openssl speed
# -multi 2) measured in the same run. Requests are signed before the timed
# run, so the load generator does not compete for signing. Every 202 must
# be durable: the run ends by killing hubd (SIGKILL) and counting what the
# store holds. Prints figures; asserts nothing about them.
#
# Environment: ACTORS (1000), KEYS (100 distinct RSA-2048 key pairs, actor
# i signs with key i % KEYS; KEYS=$ACTORS for one pair each), KEY_CACHE
# (a directory to keep generated keys in across runs; unset: none),
# ACTOR_HOSTS (50 loopback ports the actors live on), REQUESTS (20000),
# CONNS (64), HUB_THREADS (0: one per core), MAX_SECONDS (60, the timed
# run's limit), OPENSSL_MULTI (2), OPENSSL_SECONDS (3), QUICK=1 (200
# actors, 20 keys, 4000 requests, 1 s of openssl), BENCH_TMPDIR (/tmp),
# BUILD (../build).
set -eu
set -o pipefail

. "$(cd "$(dirname "$0")" && pwd)/common.sh"

if [ "${QUICK:-0}" = 1 ]; then
	ACTORS=${ACTORS:-200}
	KEYS=${KEYS:-20}
	REQUESTS=${REQUESTS:-4000}
	OPENSSL_SECONDS=${OPENSSL_SECONDS:-1}
fi
ACTORS=${ACTORS:-1000}
KEYS=${KEYS:-100}
ACTOR_HOSTS=${ACTOR_HOSTS:-50}
REQUESTS=${REQUESTS:-20000}
CONNS=${CONNS:-64}
HUB_THREADS=${HUB_THREADS:-0}
MAX_SECONDS=${MAX_SECONDS:-60}
OPENSSL_MULTI=${OPENSSL_MULTI:-2}
OPENSSL_SECONDS=${OPENSSL_SECONDS:-3}
BENCH_TMPDIR=${BENCH_TMPDIR:-/tmp}
[ "$KEYS" -le "$ACTORS" ] || KEYS=$ACTORS
[ "$ACTOR_HOSTS" -le "$ACTORS" ] || ACTOR_HOSTS=$ACTORS

need_fed_bench_deps

tmp=$(mktemp -d "$BENCH_TMPDIR/hub-bench-inbox.XXXXXX")
hub_pid=""
actors_pid=""
cleanup() {
	perf_abort
	stop_pid "$hub_pid"
	stop_pid "$actors_pid"
	[ -z "${KEEP_LOG:-}" ] || cp "$tmp/hubd.log" "$KEEP_LOG" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() {
	echo "inbox.sh: $*" >&2
	exit 1
}

# check_counts FILE: "objects seen timeline" entries from hubctl check.
check_counts() {
	"$BUILD/hubctl" -c "$tmp/hub.conf" check >"$1" ||
	    die "hubctl check failed: $(tail -3 "$1")"
	awk '$1 == "objects" { o = $2 } $1 == "seen" { s = $2 }
	    $1 == "timeline" { t = $2 } END { print o + 0, s + 0, t + 0 }' "$1"
}

echo "== inbox: signed Create(Note) from $ACTORS remote actors, cached keys"
print_machine
echo

echo "-- reference: openssl speed -multi $OPENSSL_MULTI -seconds" \
    "$OPENSSL_SECONDS rsa2048"
read -r ossl_sign ossl_verify < <(openssl_rsa2048 "$OPENSSL_MULTI" \
    "$OPENSSL_SECONDS" "$tmp/openssl.out") ||
    die "cannot read openssl speed's output: $(tail -3 "$tmp/openssl.out")"
echo "   RSA-2048: $ossl_sign sign/s, $ossl_verify verify/s" \
    "($OPENSSL_MULTI processes)"
echo

build_bench_fed "$tmp/bench_fed"
echo "built $tmp/bench_fed from bench/bench_fed.c and $BUILD/libhub.a"

# Keys: made here (about 150 ms of CPU each), or reused from KEY_CACHE.
keys=$tmp/keys
if [ -n "${KEY_CACHE:-}" ]; then
	mkdir -p "$KEY_CACHE"
	keys=$KEY_CACHE/rsa2048-$KEYS
fi
if [ -s "$keys.priv" ] && [ -s "$keys.pub" ]; then
	echo "reusing $KEYS key pairs from $keys.{priv,pub}"
else
	"$tmp/bench_fed" keys -n "$KEYS" -o "$keys" -t "$(nproc)" \
	    >"$tmp/keys.out" || die "key generation failed"
	echo "generated $KEYS RSA-2048 key pairs in" \
	    "$(result_field "$tmp/keys.out" seconds) s on $(nproc) threads"
fi

hub_port=$(free_port) || exit 1
actor_port=$(free_port_range "$ACTOR_HOSTS") || exit 1
base=http://127.0.0.1:$hub_port
write_hub_conf "$tmp/hub.conf" "$hub_port" "$tmp/data" "log_level = warn
threads = $HUB_THREADS
map_size = 16G"
"$BUILD/hubctl" -c "$tmp/hub.conf" init >/dev/null || die "hubctl init failed"
"$BUILD/hubctl" -c "$tmp/hub.conf" user add reader >/dev/null ||
    die "hubctl user add failed"
reader=$base/users/reader

# Every request addresses the member "reader" (cc), so hubd keeps each
# note (a note nobody here follows or is addressed by is taken, not kept).
first_timed=$ACTORS
"$tmp/bench_fed" sign -H "127.0.0.1:$hub_port" -K "$keys" -a "$ACTORS" \
    -P "$actor_port" -n "$ACTOR_HOSTS" -r "$reader" -s 0 -N "$ACTORS" \
    -o "$tmp/warm.req" -t "$(nproc)" >"$tmp/sign-warm.out" ||
    die "signing the warm-up requests failed"
"$tmp/bench_fed" sign -H "127.0.0.1:$hub_port" -K "$keys" -a "$ACTORS" \
    -P "$actor_port" -n "$ACTOR_HOSTS" -r "$reader" -s "$first_timed" \
    -N "$REQUESTS" -o "$tmp/timed.req" -t "$(nproc)" >"$tmp/sign.out" ||
    die "signing the timed requests failed"
echo "pre-signed $ACTORS warm-up and $REQUESTS timed requests in" \
    "$(result_field "$tmp/sign.out" seconds) s" \
    "($(result_field "$tmp/sign.out" signs_per_s) signatures/s," \
    "$(result_field "$tmp/sign.out" mean_bytes) bytes per request)"

# The actors' documents, on ACTOR_HOSTS loopback ports.
"$tmp/bench_fed" serve -P "$actor_port" -n "$ACTOR_HOSTS" -K "$keys" \
    -a "$ACTORS" -T 600 >"$tmp/actors.out" 2>"$tmp/actors.err" &
actors_pid=$!
wait_line "$tmp/actors.out" '^READY' 10 "$actors_pid" ||
    die "the actor server did not start: $(cat "$tmp/actors.err")"

"$BUILD/hubd" -c "$tmp/hub.conf" 2>"$tmp/hubd.log" &
hub_pid=$!
wait_http "$base/users/reader" "$hub_pid" ||
    die "hubd did not start: $(tail -5 "$tmp/hubd.log")"
echo "hubd on 127.0.0.1:$hub_port (threads = $HUB_THREADS), actors on" \
    "127.0.0.1:$actor_port..$((actor_port + ACTOR_HOSTS - 1))"
read -r obj0 seen0 tl0 < <(check_counts "$tmp/check0.out")
echo

echo "-- warm-up (untimed): one request per actor; hubd fetches and" \
    "caches each key"
"$tmp/bench_fed" blast -A "127.0.0.1:$hub_port" -i "$tmp/warm.req" -c 8 \
    -T 120 >"$tmp/warm.out" 2>"$tmp/warm.err" ||
    die "the warm-up failed: $(cat "$tmp/warm.err") $(cat "$tmp/warm.out")"
warm_ok=$(result_field "$tmp/warm.out" accepted)
[ "$warm_ok" = "$ACTORS" ] ||
    die "warm-up: $warm_ok of $ACTORS accepted: $(cat "$tmp/warm.out")"
echo "   $warm_ok accepted in $(result_field "$tmp/warm.out" seconds) s" \
    "($ACTORS actor documents fetched by hubd)"
echo

echo "-- timed: $REQUESTS pre-signed requests over $CONNS keep-alive" \
    "connections"
perf_start "$hub_pid" "$tmp/perf.data"
"$tmp/bench_fed" blast -A "127.0.0.1:$hub_port" -i "$tmp/timed.req" \
    -c "$CONNS" -T "$MAX_SECONDS" >"$tmp/timed.out" 2>"$tmp/timed.err" ||
    true
sed 's/^/   | /' "$tmp/timed.out" "$tmp/timed.err"
perf_stop "$tmp/perf.data" 30
acc=$(result_field "$tmp/timed.out" accepted)
[ -n "$acc" ] || die "the load generator failed"
rate=$(result_field "$tmp/timed.out" accepted_per_s)
secs=$(result_field "$tmp/timed.out" seconds)
other=$(result_field "$tmp/timed.out" other)
errors=$(result_field "$tmp/timed.out" errors)
hub_cpu=$(awk '{ printf "%.1f", ($14 + $15) / 100 }' "/proc/$hub_pid/stat")

# A 202 says the activity is durable: kill hubd without a chance to
# flush anything, then count.
kill -KILL "$hub_pid"
wait "$hub_pid" 2>/dev/null || true
hub_pid=""
read -r obj1 seen1 tl1 < <(check_counts "$tmp/check1.out")
stop_pid "$actors_pid"
actors_pid=""
gets=$(result_field "$tmp/actors.out" gets)
stored=$((obj1 - obj0))
total=$((warm_ok + acc))
read -r ossl_sign2 ossl_verify2 < <(openssl_rsa2048 "$OPENSSL_MULTI" \
    "$OPENSSL_SECONDS" "$tmp/openssl2.out") ||
    die "cannot read openssl speed's output: $(tail -3 "$tmp/openssl2.out")"
echo "-- reference again, after the run: RSA-2048: $ossl_sign2 sign/s," \
    "$ossl_verify2 verify/s"
ref=$(awk -v a="$ossl_verify" -v b="$ossl_verify2" \
    'BEGIN { printf "%.0f", (a + b) / 2 }')
awk -v a="$ossl_verify" -v b="$ossl_verify2" 'BEGIN {
    if (a > b * 1.15 || b > a * 1.15)
    print "warning: the openssl verify rate moved by more than 15 % between" \
        " before and after the run: the machine is not idle and the" \
        " ratio below is unreliable" }'
echo
echo "== summary"
echo "accepted (202): $acc of $REQUESTS in $secs s; other answers: $other;" \
    "transport errors: $errors"
echo "stored after SIGKILL (hubctl check): $stored notes," \
    "$((seen1 - seen0)) activities seen, $((tl1 - tl0)) timeline entries" \
    "for $total accepted (warm-up included)"
echo "actor documents served: $gets (one per actor: no key fetched in the" \
    "timed run)"
echo "hubd CPU during warm-up and timed run: $hub_cpu s"
awk -v r="$rate" -v v="$ref" -v m="$OPENSSL_MULTI" 'BEGIN {
	printf "inbox: %.0f activities/s; openssl rsa2048 verify " \
	    "(-multi %d, mean of before and after): %.0f/s\n", r, m, v
	printf "ratio: inbox / verify = %.4f (target >= 0.08)\n", r / v
}'
fail=0
if [ "$acc" != "$REQUESTS" ] || [ "$other" != 0 ] || [ "$errors" != 0 ]; then
	echo "FAILED: not every request was accepted (see above)" >&2
	fail=1
fi
if [ "$stored" != "$total" ] || [ "$((seen1 - seen0))" != "$total" ] ||
    [ "$((tl1 - tl0))" != "$total" ]; then
	echo "FAILED: $total accepted but $stored notes," \
	    "$((seen1 - seen0)) seen, $((tl1 - tl0)) timeline entries stored" >&2
	fail=1
fi
if [ "$gets" != "$ACTORS" ]; then
	echo "FAILED: hubd fetched $gets actor documents for $ACTORS actors" >&2
	fail=1
fi
if grep -q '^problem' "$tmp/check1.out"; then
	echo "FAILED: hubctl check found problems" >&2
	fail=1
fi
exit $fail
