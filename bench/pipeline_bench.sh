#!/usr/bin/env bash
# The whole pipeline, capture to publication (BENCHMARKS.md, "La tubería completa").
#
#   bench/pipeline_bench.sh [ACTAS]      (default 20000)
#
# 1. prep_generate_database writes a synthetic national-layout database of
#    ACTAS actas (32 entidades; sin acta, ilegible, excede... in realistic shares).
# 2. `prep replay --sin-esperas` plays every acta through the real server's
#    HTTP API as fast as it answers (acopio, a PNG image, two captures,
#    verificación; each a durable event), then publishes the final corte, and
#    checks it against prep check. It prints the TUBERIA line.
# 3. Baseline, same run: the same events committed one by one into a fresh
#    SQLite file (prep_raw_commits): what the disk and SQLite alone allow.
# The INE's national PREP needs about 19 actas/s at its peak (2018 forecast:
# 12 % of ~470,000 actas at midnight, 55 % at 03:00: 43 % in 3 hours).
#
# Environment: HILOS=16 (simulated operators at once), DIR=bench/out
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"
actas="${1:-20000}"
hilos="${HILOS:-16}"
dir="${DIR:-$root/bench/out}"
bin=build/release
mkdir -p "$dir"
db="$dir/pipeline_$actas.csv"
data="$dir/pipeline_data"
"$bin/prep_generate_database" --actas "$actas" "$db" >/dev/null
rm -rf "$data"
out="$dir/pipeline_bench.txt"
"$bin/prep" replay "$db" --data "$data" --sin-esperas --hilos "$hilos" | tee "$out" | grep -E "^TUBERIA|^Resultado"
tuberia="$(grep '^TUBERIA' "$out")"
raw="$("$bin/bench/prep_raw_commits" "$data/prep.sqlite" "$dir/raw_commits.sqlite")"
echo "$raw"
pasos_s="$(sed -n 's/.*pasos_por_segundo=\([0-9.]*\).*/\1/p' <<<"$tuberia")"
actas_s="$(sed -n 's/.*actas_por_segundo=\([0-9.]*\).*/\1/p' <<<"$tuberia")"
raw_s="$(sed -n 's/.*por_segundo=\([0-9.]*\).*/\1/p' <<<"$raw")"
awk -v p="$pasos_s" -v r="$raw_s" -v a="$actas_s" 'BEGIN {
  printf "SUMMARY pipeline %.1f pasos/s = %.2fx raw SQLite commits (%.1f/s); %.1f actas/s = %.1fx the INE peak (19 actas/s)\n", p, p / r, r, a, a / 19 }'
rm -rf "$data" "$dir/raw_commits.sqlite"
grep -q "^Resultado: el corte final coincide" "$out"
