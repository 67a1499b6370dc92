#!/bin/bash
# shellcheck disable=SC2154 # base, sink_port, verified...: set in common.sh
# delivery.sh: signed deliveries per second from hubd's delivery worker:
# POSTS public posts by a member with FOLLOWERS remote followers spread
# over INSTANCES loopback instances (distinct 127.0.0.1 ports, each with a
# shared inbox), so each post is one delivery per instance; against this
# machine's RSA-2048 sign rate (openssl speed -multi 2) measured in the
# same run, before and after the load. A sink on all the ports verifies every signature with the
# member's public key and counts exactly. Prints figures; asserts nothing
# about them.
#
# Environment: POSTS (20), FOLLOWERS (10000), INSTANCES (500),
# HUB_THREADS (0: one per core), MAX_SECONDS (120, the wait for the
# deliveries), GRACE_SECONDS (2: the sink keeps counting this long after
# the last expected delivery, for duplicates), OPENSSL_MULTI (2),
# OPENSSL_SECONDS (3), QUICK=1 (5 posts, 2000 followers over 100
# instances, 1 s of openssl), BENCH_TMPDIR (/tmp), BUILD (../build),
# PERF=1 (profile hubd in the timed run; PERF_CALLGRAPH, PERF_FREQ).
set -eu
set -o pipefail

. "$(cd "$(dirname "$0")" && pwd)/common.sh"

if [ "${QUICK:-0}" = 1 ]; then
	POSTS=${POSTS:-5}
	OPENSSL_SECONDS=${OPENSSL_SECONDS:-1}
fi
POSTS=${POSTS:-20}
MAX_SECONDS=${MAX_SECONDS:-120}
OPENSSL_MULTI=${OPENSSL_MULTI:-2}
OPENSSL_SECONDS=${OPENSSL_SECONDS:-3}
fed_sink_defaults
expect=$((POSTS * INSTANCES))

need_fed_bench_deps

tmp=$(mktemp -d "$BENCH_TMPDIR/hub-bench-delivery.XXXXXX")
hub_pid=""
sink_pid=""
trap fed_sink_cleanup EXIT
trap 'exit 130' INT TERM

echo "== delivery: $POSTS public posts to $FOLLOWERS followers on" \
    "$INSTANCES instances"
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

fed_bench_setup "$tmp" "$INSTANCES"

# The member and its followers, through the storage API (hubd is not
# running yet).
"$tmp/bench_fed" seed -c "$tmp/hub.conf" -m poster -f "$FOLLOWERS" \
    -P "$sink_port" -n "$INSTANCES" -o "$tmp/poster.pub" \
    >"$tmp/seed.out" || die "seeding failed"
key_id=$(result_field "$tmp/seed.out" key_id)
echo "seeded the member poster and $(result_field "$tmp/seed.out" \
    followers) followers over $INSTANCES instances in" \
    "$(result_field "$tmp/seed.out" seconds) s"
token=$("$BUILD/hubctl" -c "$tmp/hub.conf" token poster) ||
    die "hubctl token failed"

fed_bench_start "$tmp" "$INSTANCES" "$tmp/poster.pub" "$key_id" \
    "$expect" 600
echo

echo "-- timed: $POSTS posts through the API (POST /api/hub/notes), then" \
    "wait for $expect verified deliveries"
perf_start "$hub_pid" "$tmp/perf.data"
cpu0=$(awk '{ print $14 + $15 }' "/proc/$hub_pid/stat")
t0=$(date +%s.%N)
i=0
while [ $i -lt "$POSTS" ]; do
	code=$(curl -s -o "$tmp/post.out" -w '%{http_code}' --max-time 10 \
	    -H "Authorization: Bearer $token" \
	    -H 'Content-Type: application/json' \
	    --data "{\"text\": \"Post $i: checklists before every handover cut our near misses. #patientsafety\"}" \
	    "$base/api/hub/notes") || true
	[ "$code" = 201 ] || die "post $i: HTTP $code: $(cat "$tmp/post.out")"
	i=$((i + 1))
done
t_posted=$(date +%s.%N)
if ! wait_line "$tmp/sink.out" '^DONE' "$MAX_SECONDS" "$sink_pid"; then
	echo "the sink did not get $expect deliveries in $MAX_SECONDS s" >&2
fi
hub_cpu=$(awk -v c="$cpu0" '{ printf "%.1f", ($14 + $15 - c) / 100 }' \
    "/proc/$hub_pid/stat")
perf_stop "$tmp/perf.data" 30
sink_wind_down "$tmp"
t_done=$(result_field "$tmp/sink.out" t_done)
t_last=$(result_field "$tmp/sink.out" t_last)
sink_cpu=$(result_field "$tmp/sink.out" cpu_s)
[ "$t_done" != "0.000000" ] || t_done=$t_last

read -r ossl_sign2 ossl_verify2 < <(openssl_rsa2048 "$OPENSSL_MULTI" \
    "$OPENSSL_SECONDS" "$tmp/openssl2.out") ||
    die "cannot read openssl speed's output: $(tail -3 "$tmp/openssl2.out")"
echo "-- reference again, after the run: RSA-2048: $ossl_sign2 sign/s," \
    "$ossl_verify2 verify/s"
ref=$(awk -v a="$ossl_sign" -v b="$ossl_sign2" \
    'BEGIN { printf "%.0f", (a + b) / 2 }')
awk -v a="$ossl_sign" -v b="$ossl_sign2" 'BEGIN {
    if (a > b * 1.15 || b > a * 1.15)
    print "warning: the openssl sign rate moved by more than 15 % between" \
        " before and after the run: the machine is not idle and the" \
        " ratio below is unreliable" }'
echo
echo "== summary"
sink_summary "$POSTS"
echo "posting took $(awk -v a="$t0" -v b="$t_posted" 'BEGIN {
    printf "%.2f", b - a }') s; hubd CPU until the last delivery:" \
    "$hub_cpu s; sink CPU: $sink_cpu s"
awk -v n="$verified" -v a="$t0" -v b="$t_done" -v s="$ref" \
    -v m="$OPENSSL_MULTI" 'BEGIN {
	d = b - a
	r = d > 0 ? n / d : 0
	printf "delivery: %d verified deliveries in %.2f s from the first " \
	    "post: %.0f deliveries/s\n", n, d, r
	printf "openssl rsa2048 sign (-multi %d, mean of before and " \
	    "after): %.0f/s\n", m, s
	printf "ratio: deliveries / sign = %.4f (target >= 0.5)\n", r / s
}'
sink_verdict "$expect" "$POSTS"
