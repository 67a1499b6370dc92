#!/bin/bash
# store_scale.sh: does serving an outbox page slow down as the store
# grows? Seeds a big store (default 1,000,000 notes from 10,000 members)
# and a small one (10,000 notes from 100 members: the same 100 notes per
# member, so pages and second pages look alike and only the size of the
# store differs) through the hub's real write path (bench_store seed),
# then times REQUESTS outbox page GETs against hubd on each store, one at
# a time over one keep-alive connection (bench_store get), and prints
# p50/p90/p99/max and the ratio of the p99s. Prints figures; asserts
# nothing.
#
# Environment: NOTES_BIG (1000000), MEMBERS_BIG (10000), NOTES_SMALL
# (10000), MEMBERS_SMALL (100), REQUESTS (10000 per store and round),
# ROUNDS (3: small then big, each round; the summary takes the medians),
# PIN (same: hubd and the client on one CPU; cross; none), PREWARM (true:
# hubd maps the data at start and the run waits for it; false: cold),
# SEED_MAX_SECONDS (1800, per store), GET_MAX_SECONDS (300), WINDOW (4096
# notes in flight), PREP_THREADS (2), BENCH_TMPDIR (/tmp), KEEP_DATA (1:
# keep the data dirs), BUILD (../build).
set -eu
set -o pipefail

. "$(cd "$(dirname "$0")" && pwd)/common.sh"

NOTES_BIG=${NOTES_BIG:-1000000}
MEMBERS_BIG=${MEMBERS_BIG:-10000}
NOTES_SMALL=${NOTES_SMALL:-10000}
MEMBERS_SMALL=${MEMBERS_SMALL:-100}
REQUESTS=${REQUESTS:-10000}
SEED_MAX_SECONDS=${SEED_MAX_SECONDS:-1800}
GET_MAX_SECONDS=${GET_MAX_SECONDS:-300}
WINDOW=${WINDOW:-4096}
PREP_THREADS=${PREP_THREADS:-2}
BENCH_TMPDIR=${BENCH_TMPDIR:-/tmp}
KEEP_DATA=${KEEP_DATA:-0}
ROUNDS=${ROUNDS:-3}
PIN=${PIN:-same}
PREWARM=${PREWARM:-true}

need curl curl
need awk gawk
[ "$PIN" = none ] || need taskset util-linux
need_bench_store_deps
need_file "$BUILD/hubd" "build the hub first: mkdir -p build && cd build && ../configure && make"
check_missing
check_build_fresh "$BUILD/libhub.a" lib
check_build_fresh "$BUILD/hubd"

tmp=$(mktemp -d "$BENCH_TMPDIR/hub-bench-store.XXXXXX")
hubd_pid=""
cleanup() {
	set +e
	stop_pid "$hubd_pid"
	if [ "$KEEP_DATA" = 1 ]; then
		echo "data kept in $tmp (KEEP_DATA=1)"
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

t_start=$(date +%s)
echo "== store_scale: outbox page latency, big store vs small store"
print_machine
echo "big:   $NOTES_BIG notes from $MEMBERS_BIG members"
echo "small: $NOTES_SMALL notes from $MEMBERS_SMALL members"
echo "requests per store: $REQUESTS (random members, 1 in 4 first pages" \
    "followed by its second page via max_id)"
echo "data in $tmp"
echo

build_bench_store "$tmp/bench_store"
echo "built $tmp/bench_store from bench/bench_store.c and $BUILD/libhub.a"
echo

# Figures by key: res[port,small], res[rate,big], res[p99_us,small,2] ...
declare -A res
declare -A notes=([small]=$NOTES_SMALL [big]=$NOTES_BIG)
declare -A members=([small]=$MEMBERS_SMALL [big]=$MEMBERS_BIG)

# seed NAME: make store NAME through bench_store seed.
seed() {
	st=$1
	res[port,$st]=$(free_port)
	mkdir -p "$tmp/$st"
	write_hub_conf "$tmp/$st/hub.conf" "${res[port,$st]}" \
	    "$tmp/$st/data" "map_size = 64G
log_level = warn
prewarm = $PREWARM"
	echo "-- seeding the $st store: ${notes[$st]} notes from" \
	    "${members[$st]} members"
	echo "   \$ bench_store seed -c $st/hub.conf -n ${notes[$st]}" \
	    "-m ${members[$st]} -w $WINDOW -t $PREP_THREADS" \
	    "-T $SEED_MAX_SECONDS"
	"$tmp/bench_store" seed -c "$tmp/$st/hub.conf" -n "${notes[$st]}" \
	    -m "${members[$st]}" -w "$WINDOW" -t "$PREP_THREADS" \
	    -T "$SEED_MAX_SECONDS" | tee "$tmp/$st/seed.out" |
	    sed 's/^/   | /'
	echo "   data.mdb: $(du -h "$tmp/$st/data/data.mdb" | cut -f1)" \
	    "on disk, $(du -h --apparent-size "$tmp/$st/data/data.mdb" |
	    cut -f1) apparent"
	res[rate,$st]=$(result_field "$tmp/$st/seed.out" notes_per_s)
	res[secs,$st]=$(result_field "$tmp/$st/seed.out" seconds)
	echo
}

# Pinning: one CPU for hubd and the client by default. On this kind of
# machine a wake-up across CPUs costs more than the request itself, and
# the scheduler picks same-CPU or cross-CPU from run to run, which would
# move the p99s more than the store does.
last_cpu=$(($(nproc) - 1))
case $PIN in
same)
	pin_hubd="taskset -c $last_cpu"
	pin_client="taskset -c $last_cpu"
	pin_text="hubd and the client both on CPU $last_cpu (PIN=same)" ;;
cross)
	pin_hubd="taskset -c $last_cpu"
	pin_client="taskset -c 0"
	pin_text="hubd on CPU $last_cpu, the client on CPU 0 (PIN=cross)" ;;
none)
	pin_hubd=""
	pin_client=""
	pin_text="not pinned (PIN=none)" ;;
*)
	echo "PIN must be same, cross or none" >&2
	exit 2 ;;
esac

# measure NAME ROUND: hubd on store NAME, timed GETs into res[KEY,NAME,ROUND].
measure() {
	st=$1
	base="http://127.0.0.1:${res[port,$st]}"
	echo "-- round $2: outbox pages from the $st store (${members[$st]}" \
	    "members)"
	# shellcheck disable=SC2086 # $pin_hubd is a command prefix or empty
	$pin_hubd "$BUILD/hubd" -c "$tmp/$st/hub.conf" \
	    2>"$tmp/$st/hubd.log" &
	hubd_pid=$!
	if ! wait_http "$base/users/m0" "$hubd_pid"; then
		echo "hubd did not start; its log:" >&2
		cat "$tmp/$st/hubd.log" >&2
		exit 1
	fi
	# With prewarm, hubd maps the data in the background: wait until
	# its RssFile stops growing (at most 60 s).
	if [ "$PREWARM" = true ]; then
		w0=$(date +%s.%N)
		prev=-1
		for ((i = 0; i < 200; i++)); do
			cur=$(rss_kib "$hubd_pid" RssFile)
			[ "$cur" = "$prev" ] && break
			prev=$cur
			sleep 0.3
		done
		echo "   prewarm: hubd mapped $(mib "$cur") MiB in" \
		    "$(awk -v a="$w0" -v b="$(date +%s.%N)" \
		    'BEGIN { printf "%.1f", b - a }') s before the requests"
	fi
	echo "   \$ ${pin_client:+$pin_client }bench_store get -u $base" \
	    "-m ${members[$st]} -n $REQUESTS -s 1 -T $GET_MAX_SECONDS"
	f0=$(minflt "$hubd_pid")
	# shellcheck disable=SC2086
	$pin_client "$tmp/bench_store" get -u "$base" -m "${members[$st]}" \
	    -n "$REQUESTS" -s 1 -T "$GET_MAX_SECONDS" |
	    tee "$tmp/$st/get.out" | sed 's/^/   | /'
	f1=$(minflt "$hubd_pid")
	echo "   hubd VmRSS $(mib "$(rss_kib "$hubd_pid" VmRSS)") MiB" \
	    "(RssAnon $(mib "$(rss_kib "$hubd_pid" RssAnon)")," \
	    "RssFile $(mib "$(rss_kib "$hubd_pid" RssFile)"): the LMDB" \
	    "pages touched count as RssFile)"
	echo "   hubd minor page faults during the run: $((f1 - f0))" \
	    "($(awk -v f=$((f1 - f0)) -v n="$REQUESTS" \
	    'BEGIN { printf "%.1f", f / n }') per request, warm-up included)"
	stop_pid "$hubd_pid"
	hubd_pid=""
	for k in p50_us p90_us p99_us max_us; do
		v=$(result_field "$tmp/$st/get.out" "$k")
		res[$k,$st,$2]=${v:-0}
	done
	echo
}

# median KEY NAME: the median of res[KEY,NAME,1..ROUNDS].
median() {
	for ((r = 1; r <= ROUNDS; r++)); do
		echo "${res[$1,$2,$r]}"
	done | sort -n | awk '{ v[NR] = $1 } END {
		if (NR % 2) print v[(NR + 1) / 2]
		else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

seed small
seed big
echo "measuring: $ROUNDS rounds, small then big in each; $pin_text"
echo
for ((round = 1; round <= ROUNDS; round++)); do
	measure small $round
	measure big $round
done

# ---- summary ----
row() {
	printf '%-6s %-7s %9s %8s %9s %8s %8s %8s %8s %8s\n' "$@"
}
echo "== summary ($REQUESTS GETs of outbox pages per store and round, one" \
    "keep-alive connection, 127.0.0.1, $(nproc) cores, $pin_text)"
row store round notes members "seed n/s" "seed s" "p50 us" "p90 us" \
    "p99 us" "max us"
for st in small big; do
	for ((r = 1; r <= ROUNDS; r++)); do
		row $st $r "${notes[$st]}" "${members[$st]}" \
		    "${res[rate,$st]}" "${res[secs,$st]}" \
		    "${res[p50_us,$st,$r]}" "${res[p90_us,$st,$r]}" \
		    "${res[p99_us,$st,$r]}" "${res[max_us,$st,$r]}"
	done
	row $st median "${notes[$st]}" "${members[$st]}" "${res[rate,$st]}" \
	    "${res[secs,$st]}" "$(median p50_us $st)" \
	    "$(median p90_us $st)" "$(median p99_us $st)" \
	    "$(median max_us $st)"
done
awk -v b="$(median p99_us big)" -v s="$(median p99_us small)" \
    -v n="$ROUNDS" 'BEGIN {
	r = s > 0 ? b / s : 0
	printf "p99 big / p99 small (medians of %d rounds): %.2f " \
	    "(target <= 1.5: %s)\n", n, r, (r <= 1.5 ? "met" : "NOT met")
}'
echo "whole run: $(($(date +%s) - t_start)) s"
