#!/bin/bash
# write_path.sh: notes published per second through the writer thread
# (group commit) with THREADS concurrent publishers, against one durable
# write transaction per note on the same disk in the same run (the same
# hub_post_publish() work, in a second data dir opened without the writer
# thread, so st_write() commits each call on its own). Prints both rates,
# their ratio and the writer's batches/ops; asserts nothing.
#
# Environment: THREADS (50), PER_THREAD (1000 notes per thread),
# GROUP_MAX_SECONDS (60), DIRECT_NOTES (5000), DIRECT_MAX_SECONDS (30),
# BENCH_TMPDIR (/tmp: the disk measured), BUILD (../build).
set -eu
set -o pipefail

. "$(cd "$(dirname "$0")" && pwd)/common.sh"

THREADS=${THREADS:-50}
PER_THREAD=${PER_THREAD:-1000}
GROUP_MAX_SECONDS=${GROUP_MAX_SECONDS:-60}
DIRECT_NOTES=${DIRECT_NOTES:-5000}
DIRECT_MAX_SECONDS=${DIRECT_MAX_SECONDS:-30}
BENCH_TMPDIR=${BENCH_TMPDIR:-/tmp}

need awk gawk
need_bench_store_deps
check_missing
check_build_fresh "$BUILD/libhub.a" lib

tmp=$(mktemp -d "$BENCH_TMPDIR/hub-bench-write.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

echo "== write_path: group commit vs one commit per note"
print_machine
echo "disk: $(df -hT "$tmp" | awk 'NR == 2 { print $1, $2, $3 " total" }')" \
    "(data in $tmp)"
echo

build_bench_store "$tmp/bench_store"
echo "built $tmp/bench_store from bench/bench_store.c and $BUILD/libhub.a"
echo

# Port and base_url only name the notes; nothing listens.
for d in group direct; do
	write_hub_conf "$tmp/$d.conf" 8080 "$tmp/$d" "map_size = 64G
log_level = warn"
done

echo "-- one durable write transaction per note (no writer thread)"
echo "   \$ bench_store direct -c direct.conf -n $DIRECT_NOTES" \
    "-T $DIRECT_MAX_SECONDS"
"$tmp/bench_store" direct -c "$tmp/direct.conf" -n "$DIRECT_NOTES" \
    -T "$DIRECT_MAX_SECONDS" | tee "$tmp/direct.out" | sed 's/^/   | /'
echo

echo "-- $THREADS threads publishing through the writer (group commit)"
echo "   \$ bench_store group -c group.conf -t $THREADS -n $PER_THREAD" \
    "-T $GROUP_MAX_SECONDS"
"$tmp/bench_store" group -c "$tmp/group.conf" -t "$THREADS" \
    -n "$PER_THREAD" -T "$GROUP_MAX_SECONDS" | tee "$tmp/group.out" |
    sed 's/^/   | /'
echo

d_rate=$(result_field "$tmp/direct.out" notes_per_s)
d_notes=$(result_field "$tmp/direct.out" notes)
g_rate=$(result_field "$tmp/group.out" notes_per_s)
g_notes=$(result_field "$tmp/group.out" notes)
g_batches=$(result_field "$tmp/group.out" batches)
g_ops=$(result_field "$tmp/group.out" ops)

echo "== summary (hub_post_publish, durable, $(nproc) cores)"
printf '%-40s %8s %10s\n' path notes "notes/s"
printf '%-40s %8s %10s\n' "one commit per note, 1 thread" "$d_notes" \
    "$d_rate"
printf '%-40s %8s %10s\n' "writer, group commit, $THREADS threads" \
    "$g_notes" "$g_rate"
awk -v g="$g_rate" -v d="$d_rate" -v b="$g_batches" -v o="$g_ops" 'BEGIN {
	printf "group / single: %.1fx (group commit should be many " \
	    "times faster)\n", (d > 0 ? g / d : 0)
	printf "writer: %d batches, %d ops, %.1f ops per batch\n", b, o,
	    (b > 0 ? o / b : 0)
}'
