#!/bin/bash
# search.sh: the full-text index at scale (bench_search.c). For each size
# (default 100,000 then 1,000,000 posts) it stores the posts twice through
# the hub's storage path, without and with the index, and prints the
# indexing cost per post as the ratio (store + index) / store measured in
# the same run; then the median and p99 of one-word and three-word queries
# (QUERIES of each), for the index alone and for the whole ranked search
# with its first page of results. Prints figures; asserts nothing.
#
# Environment: SIZES ("100000 1000000"), QUERIES (1000), BATCH (1000 posts
# per write transaction), AUTHORS (1000), BENCH_TMPDIR (/tmp), KEEP_DATA
# (1: keep the data dirs), BUILD (../build).
set -eu
set -o pipefail

. "$(cd "$(dirname "$0")" && pwd)/common.sh"

SIZES=${SIZES:-"100000 1000000"}
QUERIES=${QUERIES:-1000}
BATCH=${BATCH:-1000}
AUTHORS=${AUTHORS:-1000}
BENCH_TMPDIR=${BENCH_TMPDIR:-/tmp}
KEEP_DATA=${KEEP_DATA:-0}

need_bench_store_deps
need_pkg gumbo libgumbo-dev
need_pkg libcmark libcmark-dev
check_missing
check_build_fresh "$BUILD/libhub.a" lib

tmp=$(mktemp -d "$BENCH_TMPDIR/hub-bench-search.XXXXXX")
cleanup() {
	set +e
	if [ "$KEEP_DATA" = 1 ]; then
		echo "data kept in $tmp (KEEP_DATA=1)"
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== search: full-text index, indexing cost and query latency"
print_machine
build_bench_tool bench_search "$tmp/bench_search" -lm
echo "built $tmp/bench_search from bench/bench_search.c and $BUILD/libhub.a"
for n in $SIZES; do
	mkdir -p "$tmp/$n"
	"$tmp/bench_search" -d "$tmp/$n" -n "$n" -q "$QUERIES" -b "$BATCH" \
	    -a "$AUTHORS" | tee "$tmp/$n.out" | grep -v '^RESULT'
	[ "$KEEP_DATA" = 1 ] || rm -rf "${tmp:?}/$n"
done
echo
echo "== summary"
for n in $SIZES; do
	awk -v n="$n" '/^RESULT/ && /ratio=/ {
	    for (i = 2; i <= NF; i++) { split($i, kv, "="); r[kv[1]] = kv[2] }
	    printf "%8d posts: store %s us, store + index %s us per post: " \
		"ratio %s\n", n, r["plain_us"], r["indexed_us"], r["ratio"] }
	/^RESULT/ && /words=/ {
	    for (i = 2; i <= NF; i++) { split($i, kv, "="); r[kv[1]] = kv[2] }
	    printf "%8d posts, %s-word: index median %s us p99 %s us; " \
		"search median %s us p99 %s us\n", n, r["words"],
		r["idx_p50_us"], r["idx_p99_us"], r["full_p50_us"],
		r["full_p99_us"] }' "$tmp/$n.out"
done
