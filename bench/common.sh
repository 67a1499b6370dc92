# shellcheck shell=bash
# common.sh: helpers shared by the bench scripts (sourced by bash, not
# run).
# Everything here talks to 127.0.0.1 only.

# Where the sources and the build are; BUILD may be overridden.
bench_dir=$(cd "$(dirname "$0")" && pwd)
top_dir=$(dirname "$bench_dir")
BUILD=${BUILD:-$top_dir/build}

# Missing tools are collected, then reported together (exit 2).
bench_missing=""

# need TOOL PACKAGE: note TOOL as missing unless it is on PATH (or is an
# executable path).
need() {
	if [ -x "$1" ] || command -v "$1" >/dev/null 2>&1; then
		return 0
	fi
	bench_missing="$bench_missing  install $1: apt-get install $2
"
}

# need_file PATH HOW: note PATH as missing with a hint.
need_file() {
	if [ ! -e "$1" ]; then
		bench_missing="$bench_missing  missing $1: $2
"
	fi
}

need_pkg() {
	if ! pkg-config --exists "$1" 2>/dev/null; then
		bench_missing="$bench_missing  missing pkg-config module $1: apt-get install $2
"
	fi
}

need_header() {
	if [ ! -e "/usr/include/$1" ]; then
		bench_missing="$bench_missing  missing /usr/include/$1: apt-get install $2
"
	fi
}

# Exit 2 with the list when anything is missing.
check_missing() {
	if [ -n "$bench_missing" ]; then
		printf '%s: cannot run, something is missing:\n%s' \
		    "$(basename "$0")" "$bench_missing" >&2
		exit 2
	fi
}

# check_build_fresh FILE [lib]: warn when FILE (a binary or libhub.a) is
# older than the sources it is built from; "lib" leaves out the sources
# that only hubd and hubctl use.
check_build_fresh() {
	if [ "${2:-}" = lib ]; then
		newer=$(find "$top_dir/src" "$top_dir/storage" \
		    "$top_dir/federation" -name '*.[ch]' -newer "$1" \
		    ! -name hubd.c ! -name hubctl.c ! -name 'http.[ch]' \
		    ! -name 'routes.[ch]' ! -name 'page.[ch]' 2>/dev/null |
		    head -3 | tr '\n' ' ')
	else
		newer=$(find "$top_dir/src" "$top_dir/storage" \
		    "$top_dir/federation" -name '*.[ch]' -newer "$1" \
		    2>/dev/null | head -3 | tr '\n' ' ')
	fi
	if [ -n "$newer" ]; then
		echo "warning: $1 is older than $newer" \
		    "- run make in $BUILD to measure the current code" >&2
	fi
}

# cpu_busy: percent of all cores busy over the next second (/proc/stat).
cpu_busy() {
	a=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6 }' \
	    /proc/stat)
	sleep 1
	b=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6 }' \
	    /proc/stat)
	echo "$a $b" | awk '{ t = ($3 - $1) + ($4 - $2)
	    printf "%.0f", (t > 0 ? 100 * ($3 - $1) / t : 0) }'
}

# One line about the machine: date, host, cores, how busy the cores
# are before the run (with a warning when something else is using them).
print_machine() {
	busy=$(cpu_busy)
	echo "date: $(date -u +%FT%TZ)  host: $(uname -n)  cores: $(nproc)" \
	    " CPU busy before the run: $busy %"
	if [ "$busy" -ge 15 ]; then
		echo "warning: the machine is not idle ($busy % busy): other" \
		    "processes share the cores and move the figures"
	fi
}

# A TCP port on 127.0.0.1 that nothing listens on (bounded tries),
# below the kernel's ephemeral range so that no client socket holds it.
free_port() {
	lo=$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range \
	    2>/dev/null || echo 32768)
	[ "$lo" -gt 12000 ] || lo=32768
	i=0
	while [ $i -lt 100 ]; do
		p=$((10000 + RANDOM % (lo - 10000)))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
		i=$((i + 1))
	done
	echo "no free port found on 127.0.0.1" >&2
	return 1
}

# free_port_range N: the first of N consecutive TCP ports on 127.0.0.1
# that nothing listens on (bounded tries), below the ephemeral range.
free_port_range() {
	lo=$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range \
	    2>/dev/null || echo 32768)
	[ "$lo" -gt $((12000 + $1)) ] || lo=32768
	t=0
	while [ $t -lt 20 ]; do
		base=$((10000 + RANDOM % (lo - 10000 - $1)))
		p=$base
		while [ $p -lt $((base + $1)) ] &&
		    ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do
			p=$((p + 1))
		done
		if [ $p -eq $((base + $1)) ]; then
			echo "$base"
			return 0
		fi
		t=$((t + 1))
	done
	echo "no $1 free consecutive ports found on 127.0.0.1" >&2
	return 1
}

# openssl_rsa2048 MULTI SECONDS OUT: run "openssl speed -multi MULTI
# -seconds SECONDS rsa2048" into OUT and print "SIGN_PER_S VERIFY_PER_S"
# (the sums over the MULTI processes).
openssl_rsa2048() {
	openssl speed -multi "$1" -seconds "$2" rsa2048 >"$3" 2>&1 || return 1
	awk '$1 == "rsa" && $2 == "2048" && $3 == "bits" { s = $6; v = $7 }
	    END { if (s == "") exit 1; print s, v }' "$3"
}

# wait_line FILE REGEX SECONDS PID: until a line of FILE matches (0), PID
# dies or SECONDS pass (1).
wait_line() {
	i=0
	while [ $i -lt $(($3 * 10)) ]; do
		if grep -q "$2" "$1" 2>/dev/null; then
			return 0
		fi
		if ! kill -0 "$4" 2>/dev/null; then
			grep -q "$2" "$1" 2>/dev/null
			return
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# perf_start PID DATA: with PERF=1, sample PID's stacks (perf record -g)
# into DATA in the background until perf_stop; sets perf_pid.
perf_pid=""
perf_start() {
	[ "${PERF:-0}" = 1 ] || return 0
	perf record -q -F "${PERF_FREQ:-999}" \
	    --call-graph "${PERF_CALLGRAPH:-fp}" -p "$1" -o "$2" \
	    >/dev/null 2>&1 &
	perf_pid=$!
	sleep 0.5 # perf attaches
}

# perf_stop DATA LINES: stop the sampling and print the top LINES of the
# self-time report by symbol, then by shared object.
perf_stop() {
	[ -n "$perf_pid" ] || return 0
	kill -INT "$perf_pid" 2>/dev/null || true
	wait "$perf_pid" 2>/dev/null || true
	perf_pid=""
	# PERF_KEEP=FILE keeps the samples for a closer look (perf report).
	[ -z "${PERF_KEEP:-}" ] || cp "$1" "$PERF_KEEP"
	echo "-- perf (PERF=1): where hubd spent its CPU, self time"
	perf report -i "$1" --no-children -g none --sort dso,symbol --stdio \
	    >"$1.sym" 2>/dev/null || true
	perf report -i "$1" --no-children -g none --sort dso --stdio \
	    >"$1.dso" 2>/dev/null || true
	awk -v n="${2:-30}" '!/^#/ && /%/ && k++ < n { print "   | " $0 }' \
	    "$1.sym"
	echo "   by shared object:"
	awk '!/^#/ && /%/ && k++ < 10 { print "   | " $0 }' "$1.dso"
	[ "${PERF_CALLGRAPH:-fp}" = dwarf ] || return 0
	# Unwound through the libraries: time under each of hubd's own
	# functions (children included).
	echo "   hubd's functions, children included (PERF_CALLGRAPH=dwarf):"
	perf report -i "$1" --children -g none --dsos hubd --sort symbol \
	    --stdio >"$1.children" 2>/dev/null || true
	awk -v n="${2:-30}" '!/^#/ && /%/ && k++ < n { print "   | " $0 }' \
	    "$1.children"
}

# wait_http URL PID: until URL answers (at most 10 s) or PID dies.
wait_http() {
	i=0
	while [ $i -lt 100 ]; do
		if ! kill -0 "$2" 2>/dev/null; then
			return 1
		fi
		if curl -s -o /dev/null --max-time 1 "$1"; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# stop_pid PID: SIGTERM, wait up to 10 s, then SIGKILL. Only our own
# child processes are ever passed here.
stop_pid() {
	[ -n "${1:-}" ] || return 0
	kill -0 "$1" 2>/dev/null || return 0
	kill -TERM "$1" 2>/dev/null || true
	i=0
	while [ $i -lt 100 ] && kill -0 "$1" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$1" 2>/dev/null; then
		echo "pid $1 did not stop on SIGTERM in 10 s; killing it" >&2
		kill -KILL "$1" 2>/dev/null || true
	fi
	wait "$1" 2>/dev/null || true
}

# rss_kib PID FIELD: VmRSS or VmHWM of PID in KiB (empty when gone).
rss_kib() {
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null ||
	    true
}

# minflt PID: minor page faults of PID so far (field 10 of
# /proc/PID/stat; the command name, field 2, has no spaces here).
minflt() {
	awk '{ print $10 }' "/proc/$1/stat" 2>/dev/null || true
}

# mib KIB: KiB as MiB with one decimal.
mib() {
	awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'
}

# result_field FILE KEY: the value of KEY=... on the RESULT line of FILE.
result_field() {
	awk -v k="$2" '/^RESULT / { for (i = 2; i <= NF; i++)
	    if (index($i, k "=") == 1) { print substr($i, length(k) + 2) } }' \
	    "$1"
}

# write_hub_conf FILE PORT DATA_DIR [EXTRA LINES]
write_hub_conf() {
	cat >"$1" <<EOF
listen = 127.0.0.1:$2
base_url = http://127.0.0.1:$2
data_dir = $3
allow_private_addresses = true
${4:-}
EOF
}

# build_bench_tool NAME OUT [LIBS]: bench/NAME.c built against libhub.a
# into OUT (with LIBS more).
build_bench_tool() {
	# shellcheck disable=SC2046
	cc -std=c11 -O2 -g -Wall -Wextra -Wshadow -Wstrict-prototypes \
	    -Wmissing-prototypes -D_GNU_SOURCE \
	    -I "$top_dir/src" -I "$top_dir/federation" -I "$top_dir/storage" \
	    $(pkg-config --cflags libmicrohttpd jansson libcurl libcrypto gumbo libcmark) \
	    -o "$2" "$bench_dir/$1.c" "$BUILD/libhub.a" \
	    $(pkg-config --libs libmicrohttpd jansson libcurl libcrypto gumbo libcmark) \
	    -llmdb -largon2 -pthread ${3:-}
}

# The bench_store tool, built from bench/bench_store.c against libhub.a.
build_bench_store() {
	build_bench_tool bench_store "$1"
}

# The bench_fed tool (inbox.sh, delivery.sh, group_fanout.sh), from
# bench/bench_fed.c.
build_bench_fed() {
	build_bench_tool bench_fed "$1"
}

# Checks for scripts that build bench_store.
need_bench_store_deps() {
	need cc gcc
	need pkg-config pkg-config
	need_file "$BUILD/libhub.a" "build the hub first: mkdir -p build && cd build && ../configure && make"
	if command -v pkg-config >/dev/null 2>&1; then
		need_pkg libmicrohttpd libmicrohttpd-dev
		need_pkg jansson libjansson-dev
		need_pkg libcurl libcurl4-openssl-dev
		need_pkg libcrypto libssl-dev
	fi
	need_header lmdb.h liblmdb-dev
	need_header argon2.h libargon2-dev
}

# The checks shared by the federation benchmarks (inbox.sh, delivery.sh,
# group_fanout.sh).
need_fed_bench_deps() {
	need curl curl
	[ "${PERF:-0}" != 1 ] || need perf linux-perf
	need openssl openssl
	need awk gawk
	need_file "$BUILD/hubd" "build the hub first: mkdir -p build && cd build && ../configure && make"
	need_file "$BUILD/hubctl" "build the hub first"
	need_bench_store_deps
	check_missing
	check_build_fresh "$BUILD/hubd"
}

# On exit: stop a perf recording still running.
perf_abort() {
	if [ -n "$perf_pid" ]; then
		kill -INT "$perf_pid" 2>/dev/null || true
		wait "$perf_pid" 2>/dev/null || true
	fi
}

# sink_wind_down DIR: GRACE_SECONDS more for late duplicates, then the
# hub's queue (hubctl queue) and the sink's counts (DIR/sink.out): stops
# the sink (sink_pid), prints its RESULT, and sets verified, bad, dup,
# requests, lo and hi (deliveries per instance) and queue_left (none when
# nothing is left queued).
sink_wind_down() {
	sleep "$GRACE_SECONDS"
	"$BUILD/hubctl" -c "$1/hub.conf" queue >"$1/queue.out" 2>&1 || true
	stop_pid "$sink_pid"
	sink_pid=""
	sed 's/^/   | /' "$1/sink.err"
	grep '^RESULT' "$1/sink.out" | sed 's/^/   | /'
	verified=$(result_field "$1/sink.out" verified)
	bad=$(result_field "$1/sink.out" bad)
	dup=$(result_field "$1/sink.out" dup)
	requests=$(result_field "$1/sink.out" requests)
	lo=$(result_field "$1/sink.out" per_port_min)
	hi=$(result_field "$1/sink.out" per_port_max)
	if grep -q 'no deliveries pending' "$1/queue.out"; then
		queue_left=none
	else
		queue_left=$(tail -n +2 "$1/queue.out" | head -5 | tr '\n' ' ')
	fi
}

# sink_summary PER_INSTANCE: the counts sink_wind_down set, in two lines.
sink_summary() {
	echo "sink: $requests requests, $verified verified, $bad bad" \
	    "signatures, $dup duplicates; per instance $lo..$hi (expected $1" \
	    "each)"
	echo "deliveries left in the queue after the run (hubctl queue):" \
	    "$queue_left"
}

# sink_verdict EXPECT PER_INSTANCE: exit 1 (saying why) unless the sink
# got exactly EXPECT requests, all verified, none twice, PER_INSTANCE on
# every instance, and nothing is left queued; else exit 0.
sink_verdict() {
	fail=0
	if [ "$requests" != "$1" ] || [ "$verified" != "$1" ] ||
	    [ "$bad" != 0 ] || [ "$dup" != 0 ] || [ "$lo" != "$2" ] ||
	    [ "$hi" != "$2" ]; then
		echo "FAILED: expected exactly $1 requests, all verified, one" \
		    "per instance per post" >&2
		fail=1
	fi
	if [ "$queue_left" != none ]; then
		echo "FAILED: deliveries are left in hubd's queue" >&2
		fail=1
	fi
	exit $fail
}

# die MESSAGE: say it, exit 1.
die() {
	echo "$(basename "$0"): $*" >&2
	exit 1
}

# fed_bench_setup DIR INSTANCES: bench_fed built into DIR, a port for
# hubd and INSTANCES consecutive ones for the sink, and DIR/hub.conf; sets
# hub_port, sink_port and base.
fed_bench_setup() {
	build_bench_fed "$1/bench_fed"
	echo "built $1/bench_fed from bench/bench_fed.c and $BUILD/libhub.a"
	hub_port=$(free_port) || exit 1
	sink_port=$(free_port_range "$2") || exit 1
	base=http://127.0.0.1:$hub_port
	write_hub_conf "$1/hub.conf" "$hub_port" "$1/data" "log_level = warn
threads = $HUB_THREADS"
}

# fed_bench_start DIR INSTANCES PUB KEY_IDS EXPECT SECONDS: the sink on
# the INSTANCES ports from sink_port, verifying with the keys of PUB
# (KEY_IDS, comma-separated, in the same order) and saying DONE at EXPECT
# deliveries, then hubd on DIR/hub.conf; sets sink_pid and hub_pid, or
# exits 1.
fed_bench_start() {
	"$1/bench_fed" serve -P "$sink_port" -n "$2" -k "$3" -i "$4" \
	    -e "$5" -T "$6" >"$1/sink.out" 2>"$1/sink.err" &
	sink_pid=$!
	wait_line "$1/sink.out" '^READY' 10 "$sink_pid" ||
	    die "the sink did not start: $(cat "$1/sink.err")"
	"$BUILD/hubd" -c "$1/hub.conf" 2>"$1/hubd.log" &
	hub_pid=$!
	wait_http "$base/users/poster" "$hub_pid" ||
	    die "hubd did not start: $(tail -5 "$1/hubd.log")"
	echo "hubd on 127.0.0.1:$hub_port (threads = $HUB_THREADS), sink on" \
	    "127.0.0.1:$sink_port..$((sink_port + $2 - 1)) verifying with $4"
}

# fed_sink_defaults: the knobs delivery.sh and group_fanout.sh share;
# QUICK=1 makes them 2,000 followers on 100 instances.
fed_sink_defaults() {
	if [ "${QUICK:-0}" = 1 ]; then
		FOLLOWERS=${FOLLOWERS:-2000}
		INSTANCES=${INSTANCES:-100}
	fi
	FOLLOWERS=${FOLLOWERS:-10000}
	INSTANCES=${INSTANCES:-500}
	HUB_THREADS=${HUB_THREADS:-0}
	GRACE_SECONDS=${GRACE_SECONDS:-2}
	BENCH_TMPDIR=${BENCH_TMPDIR:-/tmp}
	[ "$INSTANCES" -le "$FOLLOWERS" ] || INSTANCES=$FOLLOWERS
}

# fed_sink_cleanup: on exit, stop perf, hubd (hub_pid) and the sink
# (sink_pid), and remove tmp (kept with KEEP_DATA=1).
# shellcheck disable=SC2154 # tmp: the script's
fed_sink_cleanup() {
	perf_abort
	stop_pid "$hub_pid"
	stop_pid "$sink_pid"
	if [ "${KEEP_DATA:-0}" = 1 ]; then
		echo "kept $tmp (KEEP_DATA=1)" >&2
	else
		rm -rf "$tmp"
	fi
}
