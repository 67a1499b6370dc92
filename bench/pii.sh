#!/usr/bin/env bash
# pii.sh: the PII guard on its labelled corpus: precision and recall per
# kind, and scan speed (MB/s) against a plain byte-count loop in the same
# run. Usage: bench/pii.sh [MB of text to scan, default 32]
set -euo pipefail
. "$(dirname "$0")/common.sh"
need_bench_store_deps
check_missing
check_build_fresh "$BUILD/libhub.a" lib
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
build_bench_tool bench_pii "$tmp/bench_pii"
print_machine
"$tmp/bench_pii" "$top_dir/tests/data/pii/corpus.tsv" "${1:-32}"
