#!/usr/bin/env bash
# Runs every libFuzzer target of a sanitizer build for a bounded time each,
# starting from the committed seed corpus. Exit non-zero on any finding.
# Usage: fuzz/run_fuzzers.sh BUILD_DIR SECONDS
set -euo pipefail
build=${1:?build dir}
seconds=${2:-60}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for target in "$build"/fuzz/*_fuzzer; do
  [ -x "$target" ] || continue
  name=$(basename "$target")
  mkdir -p "$work/$name"
  cp "$here"/corpus/* "$work/$name"/
  echo "fuzz: $name for ${seconds}s"
  if ! "$target" "$work/$name" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 \
      -timeout=20 -print_final_stats=1 -artifact_prefix="$work/" 2>"$work/$name.log"; then
    tail -50 "$work/$name.log" >&2
    mkdir -p "$here/../build/fuzz-findings" && cp "$work"/crash-* "$work"/leak-* "$work"/timeout-* \
      "$here/../build/fuzz-findings/" 2>/dev/null || true
    status=1
  fi
  grep -E "stat::number_of_executed_units|Done" "$work/$name.log" | tail -2 || true
done
if [ $status -eq 0 ]; then echo "fuzz: no findings"; fi
exit $status
