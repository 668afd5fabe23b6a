#!/usr/bin/env bash
# Benchmark of `prep check` at INE national scale (see BENCHMARKS.md).
#
#   bench/check_bench.sh [PREP_BINARY]
#
# 1. Generates once a synthetic 500,000-acta PREP database into bench/out/
#    (prep_generate_database, deterministic), and checks that `prep check`
#    accepts it (exit 0): a benchmark of a failing check would be meaningless.
# 2. Waits (bounded, QUIET_WAIT) for other processes to leave the CPUs alone.
# 3. Warms the page cache, then measures in the same hyperfine run
#      (a) cat FILE              -- the baseline: reading the bytes, nothing else
#      (b) prep check FILE       -- default threads (2 on the reference machine)
#      (c) prep check --threads 1 FILE  (informative; SINGLE_THREAD=0 skips it)
#    with the output of every command sent to /dev/null (hyperfine --output=null).
# 4. Prints MB/s for each and the ratio check/cat; writes the raw hyperfine
#    JSON and a summary to bench/out/.
#
# Environment (all optional):
#   PREP_BIN        prep binary (default: $1, else build/release/prep)
#   PREP_GENERATOR  generator   (default: prep_generate_database next to PREP_BIN,
#                                else build/bench/, else build/release/)
#   ACTAS=500000  SEED=20240602  RUNS=10  WARMUP=2  SINGLE_THREAD=1
#   TARGET_RATIO=0.1   (exit 3 when check/cat falls below it)
#   STEP_TIMEOUT=600   (seconds; bounds each step)
#   QUIET_WAIT=300  QUIET_MAX_BUSY=10   (wait up to 300 s for the CPUs to be <= 10 % busy)
#
# Exit: 0 ok, 2 setup or correctness failure, 3 below target.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

prep="${1:-${PREP_BIN:-build/release/prep}}"
actas="${ACTAS:-500000}"
seed="${SEED:-20240602}"
runs="${RUNS:-10}"
warmup="${WARMUP:-2}"
single="${SINGLE_THREAD:-1}"
target="${TARGET_RATIO:-0.1}"
step_timeout="${STEP_TIMEOUT:-600}"
out="$root/bench/out"

die() { echo "check_bench: $*" >&2; exit 2; }

[[ -x "$prep" ]] || die "no prep binary at '$prep' (build it, or pass its path as \$1 or PREP_BIN)"
prep="$(cd "$(dirname "$prep")" && pwd)/$(basename "$prep")"
gen="${PREP_GENERATOR:-}"
if [[ -z "$gen" ]]; then
  for c in "$(dirname "$prep")/prep_generate_database" build/bench/prep_generate_database \
           build/release/prep_generate_database; do
    if [[ -x "$c" ]]; then gen="$c"; break; fi
  done
fi
[[ -n "$gen" && -x "$gen" ]] || die "no prep_generate_database (configure with -DPREP_BUILD_BENCHMARKS=ON)"
for tool in hyperfine jq timeout awk; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done

mkdir -p "$out"
[[ "$out$prep" != *[[:space:]]* ]] || die "paths with spaces are not supported (hyperfine --shell=none)"
file="$out/actas_${actas}_seed${seed}.csv"

# 1. The database, once (the generator is deterministic: same N and seed, same bytes).
if [[ ! -s "$file" || "$gen" -nt "$file" ]]; then
  echo "== generating $actas actas into ${file#"$root"/}"
  timeout "$step_timeout" "$gen" --actas "$actas" --seed "$seed" "$file" \
    || die "generator failed or timed out"
fi
bytes=$(stat -c %s "$file")

echo "== prep check must accept the generated file (exit 0)"
set +e
timeout "$step_timeout" "$prep" check "$file" > "$out/check_output.txt" 2>&1
rc=$?
set -e
[[ $rc -eq 0 ]] || die "prep check exited $rc on ${file#"$root"/} (see bench/out/check_output.txt)"

# 2. Wait (bounded) for the machine to be quiet: on 2 cores a concurrent build
#    halves what the 2-thread check gets and skews the ratio. The busy share of
#    the CPUs, sampled over one second from /proc/stat, is recorded either way.
cpu_busy_pct() {
  local a b a1 a2 a3 a4 a5 a6 a7 a8 b1 b2 b3 b4 b5 b6 b7 b8
  read -r _ a1 a2 a3 a4 a5 a6 a7 a8 _ < /proc/stat
  sleep 1
  read -r _ b1 b2 b3 b4 b5 b6 b7 b8 _ < /proc/stat
  a=$((a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8)); b=$((b1 + b2 + b3 + b4 + b5 + b6 + b7 + b8))
  local idle=$(((b4 + b5) - (a4 + a5))) total=$((b - a))
  echo $(( total > 0 ? 100 * (total - idle) / total : 0 ))
}
quiet_wait="${QUIET_WAIT:-300}"
quiet_max="${QUIET_MAX_BUSY:-10}"
waited=0
busy_before=$(cpu_busy_pct)
while (( busy_before > quiet_max && waited < quiet_wait )); do
  (( waited == 0 )) && echo "== CPUs ${busy_before}% busy; waiting up to ${quiet_wait}s for <= ${quiet_max}%"
  sleep 4
  waited=$((waited + 5))
  busy_before=$(cpu_busy_pct)
done
if (( busy_before > quiet_max )); then
  echo "check_bench: WARNING: machine still ${busy_before}% busy; figures are skewed" >&2
fi

# 3. Warm the page cache so that both commands read from memory.
cat "$file" > /dev/null
cat "$file" > /dev/null

cmds=(-n cat "cat $file" -n check "$prep check $file")
if [[ "$single" == 1 ]]; then
  cmds+=(-n check_1_thread "$prep check --threads 1 $file")
fi
json="$out/check_bench.hyperfine.json"
echo "== hyperfine: $runs runs, $warmup warm-up runs each"
timeout "$step_timeout" hyperfine --shell=none --output=null --warmup "$warmup" --runs "$runs" \
  --export-json "$json" "${cmds[@]}" || die "hyperfine failed or timed out"

busy_after=$(cpu_busy_pct)

# 4. Throughputs and the ratio.
summary="$out/check_bench.summary.txt"
{
  echo "machine:  $(nproc) cores, $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)"
  echo "file:     ${file#"$root"/}  ($actas actas, $bytes bytes = $(awk -v b="$bytes" 'BEGIN{printf "%.1f", b/1e6}') MB)"
  echo "prep:     $prep (built $(date -u -r "$prep" '+%Y-%m-%d %H:%M UTC'); repository HEAD $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'))"
  if [[ -n "$(find "$root/src" \( -name "*.cc" -o -name "*.h" \) -newer "$prep" -print -quit 2>/dev/null)" ]]; then
    echo "WARNING:  src/ has files newer than $prep: rebuild it to measure the current code"
  fi
  echo "load:     CPUs ${busy_before}% busy before the runs, ${busy_after}% right after (other processes)"
  jq -r --argjson bytes "$bytes" '
    .results[] |
    [.command, .mean, .stddev, .median, .min, .max, ($bytes / 1e6 / .mean), ($bytes / 1e6 / .median)] |
    @tsv' "$json" |
  awk -F'\t' '{
      printf "%-15s mean %7.4f s ± %.4f  median %7.4f s  min %7.4f s  max %7.4f s  %8.1f MB/s (median %8.1f)\n",
             $1, $2, $3, $4, $5, $6, $7, $8
    }'
  jq -r --argjson target "$target" '
    (.results[0].mean) as $cat |
    (.results[1].mean) as $check |
    "ratio check/cat (throughput, mean):   \($cat / $check | . * 10000 | floor / 10000)  (target >= \($target))",
    "ratio check/cat (throughput, median): \(.results[0].median / .results[1].median | . * 10000 | floor / 10000)",
    (if (.results | length) > 2 then
       "speed-up of default threads over 1:   \(.results[2].mean / $check | . * 100 | floor / 100)x"
     else empty end)' "$json"
} | tee "$summary"

ratio=$(jq -r '.results[0].mean / .results[1].mean' "$json")
if awk -v r="$ratio" -v t="$target" 'BEGIN{exit !(r < t)}'; then
  echo "check_bench: BELOW TARGET: check/cat = $ratio < $target" >&2
  exit 3
fi
echo "check_bench: ok (check/cat = $ratio >= $target)"
