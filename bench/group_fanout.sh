#!/bin/bash
# shellcheck disable=SC2154 # base, sink_port, verified...: set in common.sh
# group_fanout.sh: what the community hop costs. A community with
# FOLLOWERS remote followers on INSTANCES loopback instances (distinct
# 127.0.0.1 ports, each with a shared inbox): the time from a member's
# post into it until the community's Announce is in every instance's
# inbox, against the same fan-out of a member's own public post (a member
# with the same FOLLOWERS followers on the same instances), measured in
# the same run. A sink on all the ports verifies every signature (the
# member's key for its Create, the community's for its Announce). Prints
# figures; asserts nothing about them.
#
# Environment: REPS (15), FOLLOWERS (10000), INSTANCES (500),
# HUB_THREADS (0: one per core), MAX_SECONDS (60, the wait for one
# post's deliveries), GRACE_SECONDS (2: the sink keeps counting this long
# after the last delivery, for duplicates), QUICK=1 (3 repetitions, 2000
# followers over 100 instances), BENCH_TMPDIR (/tmp), KEEP_DATA=1 (keep
# the temporary directory), BUILD (../build),
# PERF=1 (profile hubd over the member posts, then over the community
# posts, run in two blocks instead of alternating; PERF_CALLGRAPH,
# PERF_FREQ).
set -eu
set -o pipefail

. "$(cd "$(dirname "$0")" && pwd)/common.sh"

[ "${QUICK:-0}" != 1 ] || REPS=${REPS:-3}
REPS=${REPS:-15}
MAX_SECONDS=${MAX_SECONDS:-60}
fed_sink_defaults
# One warm-up post of each kind, then REPS of each.
posts=$((2 * (REPS + 1)))
expect=$((posts * INSTANCES))

need_fed_bench_deps

tmp=$(mktemp -d "$BENCH_TMPDIR/hub-bench-group.XXXXXX")
hub_pid=""
sink_pid=""
trap fed_sink_cleanup EXIT
trap 'exit 130' INT TERM

echo "== group fan-out: a post into a community with $FOLLOWERS followers" \
    "on $INSTANCES instances, against a member's post to as many"
print_machine
echo

fed_bench_setup "$tmp" "$INSTANCES"

# poster has FOLLOWERS followers; the community bench has the same
# FOLLOWERS and insider, a member without followers of its own, so that
# the only fan-out of insider's post is the community's Announce.
"$tmp/bench_fed" seed -c "$tmp/hub.conf" -m poster -f "$FOLLOWERS" \
    -P "$sink_port" -n "$INSTANCES" -o "$tmp/signers.pub" -g bench \
    -j insider >"$tmp/seed.out" || die "seeding failed"
key_id=$(result_field "$tmp/seed.out" key_id)
group_key_id=$(result_field "$tmp/seed.out" group_key_id)
echo "seeded poster with $(result_field "$tmp/seed.out" followers)" \
    "followers and the community bench with $(result_field \
    "$tmp/seed.out" group_followers) (insider included) over" \
    "$INSTANCES instances in $(result_field "$tmp/seed.out" seconds) s"
poster_token=$("$BUILD/hubctl" -c "$tmp/hub.conf" token poster) ||
    die "hubctl token failed"
insider_token=$("$BUILD/hubctl" -c "$tmp/hub.conf" token insider) ||
    die "hubctl token failed"

fed_bench_start "$tmp" "$INSTANCES" "$tmp/signers.pub" \
    "$key_id,$group_key_id" "$expect" 3600
echo

# wait_all N: until the sink has said ALL N times (an activity reached
# every instance), at most MAX_SECONDS.
wait_all() {
	i=0
	while [ "$(grep -c '^ALL ' "$tmp/sink.out" || true)" -lt "$1" ]; do
		kill -0 "$sink_pid" 2>/dev/null || return 1
		[ $i -lt $((MAX_SECONDS * 50)) ] || return 1
		sleep 0.02
		i=$((i + 1))
	done
}

hub_cpu() {
	awk '{ print $14 + $15 }' "/proc/$hub_pid/stat"
}

# post KIND LABEL: one post through the API (member: poster's public
# post; group: insider's post into bench), timed from just before the
# request to the last instance's delivery, appended to $tmp/times as
# "KIND LABEL ANSWERED FIRST LAST CPU" (seconds; CPU: hubd's).
n_all=0
post() {
	if [ "$1" = member ]; then
		tok=$poster_token
		extra=""
	else
		tok=$insider_token
		extra=', "community": "bench"'
	fi
	c0=$(hub_cpu)
	t0=$(date +%s.%N)
	code=$(curl -s -o "$tmp/post.out" -w '%{http_code}' --max-time 10 \
	    -H "Authorization: Bearer $tok" \
	    -H 'Content-Type: application/json' \
	    --data "{\"text\": \"$2: checklists before every handover cut our near misses. #patientsafety\"$extra}" \
	    "$base/api/hub/notes") || true
	t1=$(date +%s.%N)
	[ "$code" = 201 ] || die "$1 post $2: HTTP $code: $(cat "$tmp/post.out")"
	n_all=$((n_all + 1))
	wait_all "$n_all" ||
	    die "$1 post $2 did not reach all $INSTANCES instances in" \
	        "$MAX_SECONDS s: $(tail -2 "$tmp/sink.out")"
	c1=$(hub_cpu)
	grep '^ALL ' "$tmp/sink.out" | sed -n "${n_all}p" |
	    awk -v k="$1" -v l="$2" -v t0="$t0" -v t1="$t1" -v c0="$c0" \
	    -v c1="$c1" '{ split($3, f, "="); split($4, g, "=")
		printf "%s %s %.4f %.4f %.4f %.2f\n", k, l, t1 - t0,
		    f[2] - t0, g[2] - t0, (c1 - c0) / 100 }' >>"$tmp/times"
}

echo "-- warm-up, not timed: one post of each kind (connections, caches)"
post member warmup
post group warmup
: >"$tmp/times"
echo "-- timed: $REPS posts of each kind, each waited for at all" \
    "$INSTANCES instances before the next"
if [ "${PERF:-0}" = 1 ]; then
	# Two blocks, one profile each.
	for kind in member group; do
		perf_start "$hub_pid" "$tmp/perf.$kind"
		r=1
		while [ $r -le "$REPS" ]; do
			post "$kind" "rep$r"
			r=$((r + 1))
		done
		echo "-- perf over the $kind posts"
		perf_stop "$tmp/perf.$kind" 30
	done
else
	# Alternating, the first kind swapped each repetition, so that
	# neither always follows the other.
	r=1
	while [ $r -le "$REPS" ]; do
		if [ $((r % 2)) = 1 ]; then
			post member "rep$r"
			post group "rep$r"
		else
			post group "rep$r"
			post member "rep$r"
		fi
		r=$((r + 1))
	done
fi
sink_wind_down "$tmp"

echo
echo "== summary"
sink_summary "$posts"
echo "per post, seconds from just before the POST /api/hub/notes:" \
    "answered (201), first delivery, last delivery; hubd CPU until the last"
sort -k1,1 -k2,2V "$tmp/times" | awk '{ printf "   %-6s %-5s  answered %.3f" \
    "  first %.3f  last %.3f  cpu %.2f\n", $1, $2, $3, $4, $5, $6 }'
# median KIND FIELD
median() {
	awk -v k="$1" -v f="$2" '$1 == k { print $f }' "$tmp/times" |
	    sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1
		print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
m_last=$(median member 5)
g_last=$(median group 5)
awk -v ma="$(median member 3)" -v ga="$(median group 3)" \
    -v mf="$(median member 4)" -v gf="$(median group 4)" \
    -v ml="$m_last" -v gl="$g_last" -v mc="$(median member 6)" \
    -v gc="$(median group 6)" -v n="$REPS" -v i="$INSTANCES" 'BEGIN {
	printf "medians of %d (s):        answered  first  last   hubd CPU\n", n
	printf "   member post (Create)   %.3f     %.3f  %.3f  %.2f\n", ma, mf,
	    ml, mc
	printf "   community (Announce)   %.3f     %.3f  %.3f  %.2f\n", ga, gf,
	    gl, gc
	printf "group fan-out: %.3f s to all %d instances, member fan-out " \
	    "%.3f s\n", gl, i, ml
	printf "ratio: group / member = %.3f (target: close to 1)\n",
	    (ml > 0 ? gl / ml : 0)
}'
sink_verdict "$expect" "$posts"
