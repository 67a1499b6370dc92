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
# (10000), MEMBERS_SMALL (100), REQUESTS (10000), SEED_MAX_SECONDS (1800,
# per store), GET_MAX_SECONDS (300), WINDOW (4096 notes in flight),
# PREP_THREADS (2), BENCH_TMPDIR (/tmp), KEEP_DATA (1: keep the data dirs),
# BUILD (../build).
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

need curl curl
need awk gawk
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

# seed NAME NOTES MEMBERS: make store NAME; sets port_NAME, rate_NAME.
seed() {
	port=$(free_port)
	mkdir -p "$tmp/$1"
	write_hub_conf "$tmp/$1/hub.conf" "$port" "$tmp/$1/data" \
	    "map_size = 64G
log_level = warn"
	echo "-- seeding the $1 store: $2 notes from $3 members"
	echo "   \$ bench_store seed -c $1/hub.conf -n $2 -m $3 -w $WINDOW" \
	    "-t $PREP_THREADS -T $SEED_MAX_SECONDS"
	"$tmp/bench_store" seed -c "$tmp/$1/hub.conf" -n "$2" -m "$3" \
	    -w "$WINDOW" -t "$PREP_THREADS" -T "$SEED_MAX_SECONDS" \
	    | tee "$tmp/$1/seed.out" | sed 's/^/   | /'
	echo "   data.mdb: $(du -h "$tmp/$1/data/data.mdb" | cut -f1)" \
	    "on disk, $(du -h --apparent-size "$tmp/$1/data/data.mdb" |
	    cut -f1) apparent"
	eval "port_$1=\$port"
	eval "rate_$1=\$(result_field \"\$tmp/\$1/seed.out\" notes_per_s)"
	eval "secs_$1=\$(result_field \"\$tmp/\$1/seed.out\" seconds)"
	echo
}

# measure NAME MEMBERS: hubd on store NAME, timed GETs; sets RESULT vars.
measure() {
	eval "port=\$port_$1"
	base="http://127.0.0.1:$port"
	echo "-- outbox pages from the $1 store ($2 members)"
	"$BUILD/hubd" -c "$tmp/$1/hub.conf" 2>"$tmp/$1/hubd.log" &
	hubd_pid=$!
	if ! wait_http "$base/users/m0" "$hubd_pid"; then
		echo "hubd did not start; its log:" >&2
		cat "$tmp/$1/hubd.log" >&2
		exit 1
	fi
	echo "   \$ bench_store get -u $base -m $2 -n $REQUESTS -s 1" \
	    "-T $GET_MAX_SECONDS"
	"$tmp/bench_store" get -u "$base" -m "$2" -n "$REQUESTS" -s 1 \
	    -T "$GET_MAX_SECONDS" | tee "$tmp/$1/get.out" | sed 's/^/   | /'
	echo "   hubd VmRSS: $(mib "$(rss_kib "$hubd_pid" VmRSS)") MiB," \
	    "VmHWM $(mib "$(rss_kib "$hubd_pid" VmHWM)") MiB"
	stop_pid "$hubd_pid"
	hubd_pid=""
	for k in p50_us p90_us p99_us max_us; do
		v=$(result_field "$tmp/$1/get.out" "$k")
		eval "${k}_$1=\${v:-0}"
	done
	echo
}

seed small "$NOTES_SMALL" "$MEMBERS_SMALL"
seed big "$NOTES_BIG" "$MEMBERS_BIG"
measure small "$MEMBERS_SMALL"
measure big "$MEMBERS_BIG"

# ---- summary ----
# shellcheck disable=SC2154
{
echo "== summary ($REQUESTS GETs of outbox pages per store, one keep-alive" \
    "connection, 127.0.0.1, $(nproc) cores)"
printf '%-6s %9s %8s %9s %8s %8s %8s %8s %8s\n' store notes members \
    "seed n/s" "seed s" "p50 us" "p90 us" "p99 us" "max us"
printf '%-6s %9s %8s %9s %8s %8s %8s %8s %8s\n' small "$NOTES_SMALL" \
    "$MEMBERS_SMALL" "$rate_small" "$secs_small" "$p50_us_small" \
    "$p90_us_small" "$p99_us_small" "$max_us_small"
printf '%-6s %9s %8s %9s %8s %8s %8s %8s %8s\n' big "$NOTES_BIG" \
    "$MEMBERS_BIG" "$rate_big" "$secs_big" "$p50_us_big" \
    "$p90_us_big" "$p99_us_big" "$max_us_big"
awk -v b="$p99_us_big" -v s="$p99_us_small" 'BEGIN {
	r = s > 0 ? b / s : 0
	printf "p99 big / p99 small: %.2f (target <= 1.5: %s)\n", r,
	    (r <= 1.5 ? "met" : "NOT met")
}'
echo "whole run: $(( $(date +%s) - t_start )) s"
}
