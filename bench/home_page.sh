#!/bin/bash
# home_page.sh: server time of the web pages (issue 5: "the home page
# renders in under 5 ms of server time with 100,000 posts in the
# store"), with hubd serving /static/hub.css and nginx serving the home
# page's bytes as references in the same run. Prints figures; asserts
# nothing.
#
# Environment: NOTES (98000 local notes; with REMOTE x 20 remote ones the
# store holds 100,000), MEMBERS (1000), COMMUNITIES (20), FOLLOWS (200:
# members the reader follows), REMOTE (100 remote actors), DURATION (wrk
# -d per page, default 5s), NGINX (/usr/sbin/nginx), BUILD (../build),
# BENCH_TMPDIR (/tmp), KEEP_DATA=1, PERF=1 (perf record on hubd during
# the home pages; PERF_CALLGRAPH=dwarf for the time under each function).
set -eu
set -o pipefail

. "$(cd "$(dirname "$0")" && pwd)/common.sh"

NOTES=${NOTES:-98000}
MEMBERS=${MEMBERS:-1000}
COMMUNITIES=${COMMUNITIES:-20}
FOLLOWS=${FOLLOWS:-200}
REMOTE=${REMOTE:-100}
DURATION=${DURATION:-5s}
NGINX=${NGINX:-/usr/sbin/nginx}
BENCH_TMPDIR=${BENCH_TMPDIR:-/tmp}

need wrk wrk
need curl curl
need awk gawk
[ "${PERF:-0}" != 1 ] || need perf linux-perf
need_file "$BUILD/hubd" "build the hub first: mkdir -p build && cd build && ../configure && make"
need_bench_store_deps
check_missing
check_build_fresh "$BUILD/hubd"
have_nginx=0
[ -x "$NGINX" ] && have_nginx=1

tmp=$(mktemp -d "$BENCH_TMPDIR/hub-bench-home.XXXXXX")
hub_pid=""
nginx_pid=""
cleanup() {
	set +e
	perf_abort
	stop_pid "$nginx_pid"
	stop_pid "$hub_pid"
	if [ "${KEEP_DATA:-0}" = 1 ]; then
		echo "kept $tmp (KEEP_DATA=1)" >&2
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
chmod 755 "$tmp"

echo "== home_page: server time of the web pages at $((NOTES + REMOTE * 20)) posts"
print_machine
echo "hubd: $BUILD/hubd ($("$BUILD/hubd" -V))"

# ---- the store ----
build_bench_tool bench_web "$tmp/bench_web"
hub_port=$(free_port)
hub=http://127.0.0.1:$hub_port
# log_level = info: hubd logs each request with its duration, from the
# first call of the request handler to the end of sending the answer.
write_hub_conf "$tmp/hub.conf" "$hub_port" "$tmp/data" "log_level = info"
password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
echo "seeding: $MEMBERS members, $COMMUNITIES communities, reader follows" \
    "$FOLLOWS members and joins 5 communities, every member joins one and" \
    "follows 3; $NOTES local notes (every 4th in a community, 40 replies" \
    "to one), $REMOTE remote actors with 20 notes each"
sed -i 's/^log_level = info$/log_level = warn/' "$tmp/hub.conf"
"$tmp/bench_web" seed -c "$tmp/hub.conf" -n "$NOTES" -m "$MEMBERS" \
    -g "$COMMUNITIES" -f "$FOLLOWS" -r "$REMOTE" -p "$password" \
    >"$tmp/seed.out" 2>&1 || {
	cat "$tmp/seed.out" >&2
	die "seeding failed"
}
sed -i 's/^log_level = warn$/log_level = info/' "$tmp/hub.conf"
sed 's/^/   | /' "$tmp/seed.out"
hot=$(result_field "$tmp/seed.out" hot)
echo "data: $(du -sh "$tmp/data" | cut -f1)"

"$BUILD/hubd" -c "$tmp/hub.conf" 2>"$tmp/hubd.log" &
hub_pid=$!
wait_http "$hub/static/hub.css" "$hub_pid" ||
    die "hubd did not start: $(tail -5 "$tmp/hubd.log")"

# ---- the reader signs in through the form ----
jar=$tmp/cookies
csrf=$(curl -s -c "$jar" -b "$jar" "$hub/signin" |
    sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)
[ -n "$csrf" ] || die "no CSRF field on /signin"
code=$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" \
    --data-urlencode "csrf=$csrf" --data-urlencode "name=reader" \
    --data-urlencode "password=$password" --data-urlencode "next=/" \
    "$hub/signin")
session=$(awk '$6 == "hub_session" { print $7 }' "$jar")
[ "$code" = 303 ] && [ -n "$session" ] ||
    die "signing in gave HTTP $code and no session"
cookie="Cookie: hub_session=$session"
echo "reader signed in (session cookie, HttpOnly)"

# ---- the pages ----
names="home_visitor home_member community tag post profile directory search css"
declare -A url hdr
url[home_visitor]=$hub/
url[home_member]=$hub/
url[community]=$hub/c/c3
url[tag]=$hub/tags/topic7
url[post]=$hot
url[profile]=$hub/users/m5
url[directory]=$hub/communities
url[search]="$hub/search?q=handover+checklists"
url[css]=$hub/static/hub.css
for n in $names; do hdr[$n]="Accept: text/html"; done
hdr[home_member]=$cookie
for n in $names; do
	meta=$(curl -s -o "$tmp/$n.html" -w '%{http_code} %{size_download}' \
	    -H "${hdr[$n]}" -H "Accept: text/html" "${url[$n]}")
	[ "${meta%% *}" = 200 ] ||
	    die "GET ${url[$n]} gave HTTP ${meta%% *}, expected 200"
	printf '   %-13s %-48s %7s bytes, %3s articles\n' "$n" \
	    "${url[$n]#"$hub"}" "${meta#* }" \
	    "$(grep -o '<article' "$tmp/$n.html" | wc -l)"
done
grep -q 'Your home' "$tmp/home_member.html" ||
    die "the member's home page is not their timeline"

# server_ms FROM: the request durations hubd logged after byte FROM of
# its log, one per line.
server_ms() {
	tail -c +"$(($1 + 1))" "$tmp/hubd.log" |
	    awk '$2 == "info" && $3 == "GET" && $NF ~ /ms$/ {
		sub(/ms$/, "", $NF); print $NF }'
}
# stats: "n median p99" of the numbers on stdin.
stats() {
	sort -n | awk '{ v[NR] = $1 } END {
	    if (NR == 0) { print 0, 0, 0; exit }
	    m = v[int((NR + 1) / 2)]; p = v[int(NR * 0.99 + 0.999)]
	    printf "%d %.3f %.3f\n", NR, m, p }'
}
# run_page NAME URL HEADER: wrk with one connection (one request at a
# time, so server time is not queueing) after one untimed second;
# sets nreq med p99 (server) and cmed cp99 (wrk, client side).
run_page() {
	wrk -t1 -c1 -d1s -H "$3" -H "Accept: text/html" "$2" >/dev/null 2>&1 ||
	    true
	from=$(stat -c %s "$tmp/hubd.log")
	wrk -t1 -c1 -d"$DURATION" --latency -H "$3" -H "Accept: text/html" \
	    "$2" >"$tmp/wrk.$1" 2>&1 || true
	read -r nreq med p99 < <(server_ms "$from" | stats)
	client_lat "$tmp/wrk.$1"
	if grep -q -e 'Non-2xx' -e 'Socket errors' "$tmp/wrk.$1"; then
		echo "note: wrk saw errors or non-2xx answers on $1:" >&2
		cat "$tmp/wrk.$1" >&2
	fi
}
# client_lat FILE: wrk's 50% and 99% latency in ms (cmed, cp99).
client_lat() {
	read -r cmed cp99 < <(awk 'function ms(s) {
		if (s ~ /us$/) return substr(s, 1, length(s) - 2) / 1000
		if (s ~ /ms$/) return substr(s, 1, length(s) - 2) + 0
		if (s ~ /s$/) return substr(s, 1, length(s) - 1) * 1000
		return s }
	    $1 == "50%" { a = ms($2) } $1 == "99%" { b = ms($2) }
	    END { printf "%.3f %.3f\n", a, b }' "$1")
}

echo
echo "-- each page: wrk -t1 -c1 -d$DURATION (one request at a time)" \
    "after 1 s untimed; server time from hubd's log"
declare -A s_n s_med s_p99 c_med c_p99
for n in $names; do
	if [ "$n" = home_visitor ]; then
		perf_start "$hub_pid" "$tmp/perf.data"
	fi
	run_page "$n" "${url[$n]}" "${hdr[$n]}"
	if [ "$n" = home_member ]; then
		perf_stop "$tmp/perf.data" 30
	fi
	s_n[$n]=$nreq s_med[$n]=$med s_p99[$n]=$p99 c_med[$n]=$cmed c_p99[$n]=$cp99
done

ngx_line=""
if [ "$have_nginx" = 1 ]; then
	ngx_port=$(free_port)
	mkdir -p "$tmp/www" "$tmp/ngx"
	chmod 755 "$tmp/www"
	cp "$tmp/home_visitor.html" "$tmp/www/home.html"
	chmod 644 "$tmp/www/home.html"
	cat >"$tmp/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log warn;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $tmp/ngx/body;
	proxy_temp_path $tmp/ngx/proxy;
	fastcgi_temp_path $tmp/ngx/fastcgi;
	uwsgi_temp_path $tmp/ngx/uwsgi;
	scgi_temp_path $tmp/ngx/scgi;
	types { }
	sendfile on;
	tcp_nodelay on;
	keepalive_requests 100000000;
	open_file_cache max=16 inactive=60s;
	server_tokens off;
	server {
		listen 127.0.0.1:$ngx_port;
		location = / {
			default_type "text/html; charset=utf-8";
			alias $tmp/www/home.html;
		}
	}
}
EOF
	"$NGINX" -p "$tmp/ngx" -e "$tmp/nginx-error.log" -c "$tmp/nginx.conf" &
	nginx_pid=$!
	wait_http "http://127.0.0.1:$ngx_port/" "$nginx_pid" ||
	    die "nginx did not start: $(cat "$tmp/nginx-error.log")"
	wrk -t1 -c1 -d1s "http://127.0.0.1:$ngx_port/" >/dev/null 2>&1 || true
	wrk -t1 -c1 -d"$DURATION" --latency "http://127.0.0.1:$ngx_port/" \
	    >"$tmp/wrk.nginx" 2>&1 || true
	client_lat "$tmp/wrk.nginx"
	ngx_line="$cmed $cp99"
fi

if ! kill -0 "$hub_pid" 2>/dev/null; then
	tail -20 "$tmp/hubd.log" >&2
	die "hubd died during the run"
fi

# ---- summary ----
echo
echo "== summary: $((NOTES + REMOTE * 20)) posts, $(nproc) cores," \
    "one request at a time (ms)"
printf '%-13s %7s %8s %8s %9s %9s %11s  %s\n' page requests "srv p50" \
    "srv p99" "wrk p50" "wrk p99" "p50/css" "target"
for n in $names; do
	tgt=""
	case $n in
	home_*) tgt=$(awk -v m="${s_med[$n]}" -v p="${s_p99[$n]}" 'BEGIN {
		print (m < 5 ? "< 5 ms: met (p50)" : "< 5 ms: NOT met (p50)") }') ;;
	esac
	printf '%-13s %7s %8s %8s %9s %9s %11s  %s\n' "$n" "${s_n[$n]}" \
	    "${s_med[$n]}" "${s_p99[$n]}" "${c_med[$n]}" "${c_p99[$n]}" \
	    "$(awk -v a="${s_med[$n]}" -v b="${s_med[css]}" \
		'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')" "$tgt"
done
if [ -n "$ngx_line" ]; then
	read -r nm np <<<"$ngx_line"
	printf '%-13s %7s %8s %8s %9s %9s\n' "nginx home" "-" "-" "-" "$nm" \
	    "$np"
	echo "home (visitor) through wrk, hubd / nginx serving the same" \
	    "bytes: $(awk -v a="${c_med[home_visitor]}" -v b="$nm" \
		'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }') x at p50"
else
	echo "nginx not found ($NGINX): no static reference"
fi
echo "srv: hubd's logged duration (handler start to answer sent);" \
    "wrk: client round trip on 127.0.0.1"
