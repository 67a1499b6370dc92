#!/bin/bash
# http_vs_nginx.sh: GET throughput of hubd (actor document, WebFinger, a
# note) against nginx serving the very same bytes as static files, both
# measured in this run with wrk on 127.0.0.1; and hubd's resident memory
# idle and under that load. Prints figures; asserts nothing.
#
# Environment: DURATION (wrk -d, default 10s), WRK_THREADS (2),
# WRK_CONNS (50), NGINX (/usr/sbin/nginx), BUILD (../build),
# HUB_THREADS (threads = in hub.conf, default 0: one per core).
set -eu
set -o pipefail

. "$(cd "$(dirname "$0")" && pwd)/common.sh"

DURATION=${DURATION:-10s}
WRK_THREADS=${WRK_THREADS:-2}
WRK_CONNS=${WRK_CONNS:-50}
NGINX=${NGINX:-/usr/sbin/nginx}
HUB_THREADS=${HUB_THREADS:-0}

need wrk wrk
need curl curl
need awk gawk
need "$NGINX" nginx-light
need_bench_store_deps
need_file "$BUILD/hubd" "build the hub first: mkdir -p build && cd build && ../configure && make"
need_file "$BUILD/hubctl" "build the hub first: mkdir -p build && cd build && ../configure && make"
check_missing
check_build_fresh "$BUILD/hubd"

tmp=$(mktemp -d /tmp/hub-bench-http.XXXXXX)
hubd_pid=""
nginx_pid=""
sampler_pid=""

cleanup() {
	set +e
	[ -n "$sampler_pid" ] && : >"$tmp/sampler.stop" && stop_pid "$sampler_pid"
	stop_pid "$nginx_pid"
	stop_pid "$hubd_pid"
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# nginx workers drop to an unprivileged user when run as root: they
# must be able to read the files.
chmod 755 "$tmp"
hub_port=$(free_port)
ngx_port=$(free_port)
while [ "$ngx_port" = "$hub_port" ]; do ngx_port=$(free_port); done
hub="http://127.0.0.1:$hub_port"
ngx="http://127.0.0.1:$ngx_port"
AS_ACCEPT="Accept: application/activity+json"

echo "== http_vs_nginx: GET throughput of hubd vs nginx (same bytes), RSS"
print_machine
echo "hubd: $BUILD/hubd ($("$BUILD/hubd" -V))"
echo "nginx: $NGINX ($("$NGINX" -v 2>&1 | sed 's/^nginx version: //'))"
echo "wrk: $(command -v wrk), -t$WRK_THREADS -c$WRK_CONNS -d$DURATION," \
    "keep-alive, on 127.0.0.1"
echo

# ---- hubd with one member and one note ----
write_hub_conf "$tmp/hub.conf" "$hub_port" "$tmp/data" \
    "log_level = warn
threads = $HUB_THREADS"
"$BUILD/hubctl" -c "$tmp/hub.conf" init >/dev/null
"$BUILD/hubctl" -c "$tmp/hub.conf" user add alice >/dev/null
note_url=$("$BUILD/hubctl" -c "$tmp/hub.conf" post alice \
    "Checklists before every handover cut our near misses by a third. \
What worked for your ward? #patientsafety #handover")
note_path=${note_url#"$hub"}

"$BUILD/hubd" -c "$tmp/hub.conf" 2>"$tmp/hubd.log" &
hubd_pid=$!
if ! wait_http "$hub/users/alice" "$hubd_pid"; then
	echo "hubd did not start; its log:" >&2
	cat "$tmp/hubd.log" >&2
	exit 1
fi
echo "hubd pid $hubd_pid on $hub (log_level = warn, threads = $HUB_THREADS)"

# ---- the three documents, as hubd serves them ----
names="actor webfinger note"
declare -A path accept ctype hub_rps ngx_rps
path[actor]=/users/alice
path[webfinger]="/.well-known/webfinger?resource=acct:alice@127.0.0.1:$hub_port"
path[note]=$note_path
accept[actor]=$AS_ACCEPT
accept[webfinger]="Accept: application/jrd+json"
accept[note]=$AS_ACCEPT

mkdir -p "$tmp/www" "$tmp/ngx"
chmod 755 "$tmp/www"
for n in $names; do
	meta=$(curl -s -H "${accept[$n]}" -o "$tmp/www/$n.body" \
	    -w '%{http_code} %{content_type}' "$hub${path[$n]}")
	if [ "${meta%% *}" != 200 ]; then
		echo "GET $hub${path[$n]} gave HTTP ${meta%% *}, expected 200" >&2
		exit 1
	fi
	ctype[$n]=${meta#* }
	chmod 644 "$tmp/www/$n.body"
	printf '%-10s %-62s %5s bytes  %s\n' "$n" "${path[$n]}" \
	    "$(wc -c <"$tmp/www/$n.body")" "${ctype[$n]}"
done

sleep 1
rss_idle=$(rss_kib "$hubd_pid" VmRSS)
echo "hubd VmRSS idle (after start-up and the fetches above):" \
    "$(mib "$rss_idle") MiB (RssAnon $(mib "$(rss_kib "$hubd_pid" RssAnon)")," \
    "RssFile $(mib "$(rss_kib "$hubd_pid" RssFile)"): file pages include" \
    "the LMDB map)"
# The reference: an empty program linked against the same shared
# libraries, before and after the library initialisation hubd does.
# shellcheck disable=SC2046
cc -std=c11 -O2 -o "$tmp/rss_floor" "$bench_dir/rss_floor.c" \
    -Wl,--no-as-needed $(pkg-config --libs libmicrohttpd jansson libcurl \
    libcrypto gumbo) -llmdb -largon2 -pthread
read -r floor_loaded floor_init < <("$tmp/rss_floor")
echo "library floor: an empty program linked against hubd's libraries:" \
    "$(mib "$floor_loaded") MiB loaded, $(mib "$floor_init") MiB after" \
    "OpenSSL and libcurl initialisation"
echo

# ---- nginx serving the same bytes ----
# Same body bytes, same Content-Type and the same extra response headers
# as hubd (not its ETag: nginx makes its own). keepalive_requests is
# raised because libmicrohttpd has no per-connection request limit.
ngx_locations() {
	for n in $names; do
		cat <<EOF
		location = ${path[$n]%%\?*} {
			default_type "${ctype[$n]}";
			alias $tmp/www/$n.body;
		}
EOF
	done
}
cat >"$tmp/nginx.conf" <<EOF
worker_processes 2;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log warn;
events { worker_connections 4096; }
http {
	access_log off;
	client_body_temp_path $tmp/ngx/body;
	proxy_temp_path $tmp/ngx/proxy;
	fastcgi_temp_path $tmp/ngx/fastcgi;
	uwsgi_temp_path $tmp/ngx/uwsgi;
	scgi_temp_path $tmp/ngx/scgi;
	types { }
	sendfile on;
	tcp_nopush on;
	tcp_nodelay on;
	keepalive_timeout 65;
	keepalive_requests 100000000;
	open_file_cache max=64 inactive=60s;
	server_tokens off;
	server {
		listen 127.0.0.1:$ngx_port;
		add_header X-Content-Type-Options nosniff;
		add_header Referrer-Policy strict-origin-when-cross-origin;
		add_header Vary Accept;
		add_header Cache-Control "public, max-age=60";
		add_header Access-Control-Allow-Origin *;
$(ngx_locations)
	}
}
EOF
"$NGINX" -t -q -p "$tmp/ngx" -e "$tmp/nginx-error.log" -c "$tmp/nginx.conf"
"$NGINX" -p "$tmp/ngx" -e "$tmp/nginx-error.log" -c "$tmp/nginx.conf" &
nginx_pid=$!
if ! wait_http "$ngx${path[actor]}" "$nginx_pid"; then
	echo "nginx did not start; its log:" >&2
	cat "$tmp/nginx-error.log" >&2
	exit 1
fi
for n in $names; do
	curl -s -H "${accept[$n]}" -o "$tmp/check.body" "$ngx${path[$n]}"
	if ! cmp -s "$tmp/check.body" "$tmp/www/$n.body"; then
		echo "nginx does not serve the same bytes for $n" >&2
		exit 1
	fi
done
echo "nginx pid $nginx_pid on $ngx: worker_processes 2, access_log off," \
    "sendfile, open_file_cache, same bodies and Content-Type (checked)"
echo

# ---- RSS sampler: every 0.5 s while the load runs (bounded) ----
max_samples=$((20 * 6 * 100))
(
	i=0
	while [ ! -e "$tmp/sampler.stop" ] && [ $i -lt $max_samples ]; do
		rss_kib "$hubd_pid" VmRSS >>"$tmp/rss.samples"
		sleep 0.5
		i=$((i + 1))
	done
) &
sampler_pid=$!

# run_wrk LABEL URL ACCEPT: prints wrk's output indented; sets rps.
run_wrk() {
	echo "-- $1"
	echo "   \$ wrk -t$WRK_THREADS -c$WRK_CONNS -d$DURATION --latency" \
	    "-H '$3' '$2'"
	wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -d"$DURATION" --latency \
	    -H "$3" "$2" >"$tmp/wrk.out" 2>&1 || true
	sed 's/^/   | /' "$tmp/wrk.out"
	rps=$(awk '/^Requests\/sec:/ { print $2 }' "$tmp/wrk.out")
	if [ -z "$rps" ]; then
		echo "   wrk gave no Requests/sec line" >&2
		rps=0
	fi
	if grep -q -e 'Non-2xx' -e 'Socket errors' "$tmp/wrk.out"; then
		echo "   note: wrk saw errors or non-2xx answers (see above)"
	fi
	echo
}

for n in $names; do
	run_wrk "hubd  $n" "$hub${path[$n]}" "${accept[$n]}"
	hub_rps[$n]=$rps
	run_wrk "nginx $n" "$ngx${path[$n]}" "${accept[$n]}"
	ngx_rps[$n]=$rps
done

sleep 1
rss_kib "$hubd_pid" VmRSS >>"$tmp/rss.samples"
: >"$tmp/sampler.stop"
stop_pid "$sampler_pid"
sampler_pid=""
rss_peak=$(awk 'NF && $1 > m { m = $1 } END { print m + 0 }' \
    "$tmp/rss.samples")
nsamples=$(grep -c . "$tmp/rss.samples" || true)
rss_after=$(rss_kib "$hubd_pid" VmRSS)
rss_hwm=$(rss_kib "$hubd_pid" VmHWM)
rss_anon=$(rss_kib "$hubd_pid" RssAnon)
rss_file=$(rss_kib "$hubd_pid" RssFile)
if ! kill -0 "$hubd_pid" 2>/dev/null; then
	echo "hubd died during the load; its log:" >&2
	cat "$tmp/hubd.log" >&2
	exit 1
fi

# ---- summary ----
echo "== summary (wrk -t$WRK_THREADS -c$WRK_CONNS -d$DURATION, 127.0.0.1," \
    "$(nproc) cores)"
printf '%-10s %12s %12s %12s  %s\n' endpoint "hubd req/s" "nginx req/s" \
    "hubd/nginx" "target >= 0.60"
for n in $names; do
	awk -v n="$n" -v h="${hub_rps[$n]}" -v g="${ngx_rps[$n]}" 'BEGIN {
		r = g > 0 ? h / g : 0
		printf "%-10s %12.0f %12.0f %12.2f  %s\n", n, h, g, r,
		    (r >= 0.6 ? "met" : "NOT met")
	}'
done
echo
printf '%-36s %8s  %s\n' "hubd memory" "MiB" "target"
printf '%-36s %8s  %s\n' "VmRSS idle, before the load" "$(mib "$rss_idle")" \
    "< 8 MiB: $(awk -v k="$rss_idle" 'BEGIN { print (k < 8192 ? "met" : "NOT met") }')"
printf '%-36s %8s  %s\n' "  library floor (same libraries)" \
    "$(mib "$floor_init")" "hubd's own idle cost: $(mib $((rss_idle - floor_init))) MiB"
printf '%-36s %8s  %s\n' "VmRSS peak, $nsamples samples / 0.5 s" \
    "$(mib "$rss_peak")" \
    "< 32 MiB: $(awk -v k="$rss_peak" 'BEGIN { print (k < 32768 ? "met" : "NOT met") }')"
printf '%-36s %8s  (RssAnon %s, RssFile %s)\n' "VmRSS after the load" \
    "$(mib "$rss_after")" "$(mib "$rss_anon")" "$(mib "$rss_file")"
printf '%-36s %8s\n' "VmHWM (kernel's peak, updated lazily)" "$(mib "$rss_hwm")"
