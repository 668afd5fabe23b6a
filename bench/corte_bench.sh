#!/usr/bin/env bash
# Benchmark of publishing one corte on one core (see BENCHMARKS.md, "Publicar un corte").
#
#   bench/corte_bench.sh [CORTE_BENCH_BINARY]
#
# Runs corte_bench pinned to one core (taskset -c $CPU) for the issue's two
# sizes: 3,841 actas (Coahuila 2020, 16 distritos; target: the whole corte,
# ArmarCorte + Publicar, < 100 ms) and 500,000 actas (national scale, 300
# distritos; target < 5 s).
# Each run prints ArmarCorte, Publicar, and the raw-write baselines of the same
# bytes and files measured in the same run; the summary lines go to
# bench/out/corte_bench.summary.txt.
#
# Environment (all optional): CPU=0  RUNS_SMALL=5  RUNS_LARGE=1  DIR=bench/out
#   SIZES="3841 500000"  STEP_TIMEOUT=900 (seconds per size)
#   DROP_CACHES=1: as root, `sync; echo 3 > /proc/sys/vm/drop_caches` before each
#   size, so that each starts with the same free memory (on the reference VM,
#   page-cache writes into memory not touched since boot were up to 10x slower;
#   see BENCHMARKS.md).
#   QUIET_SECONDS=420: wait until this long after the last run's outputs were
#   deleted. ext4 without a journal (the reference machine) checks each free
#   inode it would reuse for a deletion in the last 1-6 minutes and skips it
#   (fs/ext4/ialloc.c, recently_deleted): a run right after another's 300,000
#   files were deleted spent seconds there, creating its own. A server
#   publishing cortes deletes nothing between them.
#   WARM_MIB=0 and PAGE_REPORTING_MIN_FREE_MS (unset): for a VM whose balloon
#   reports free pages back to its host (virtio free page reporting). There,
#   every page freed (drop_caches, the last run's deleted files) goes back to
#   the host within moments, and touching it again is a host page fault: on the
#   reference VM, writing into the page cache ran at 0.3-0.4 GB/s instead of
#   1.5, for the baselines as for Publicar. PAGE_REPORTING_MIN_FREE_MS=60000 (as
#   root; that VM's kernel has /sys/module/page_reporting/parameters/min_free_ms,
#   restored on exit) reports a page only after it has been free for 60 s, and
#   WARM_MIB=4096 writes and deletes that many MiB in /dev/shm right before each
#   size, so that the run (well within those 60 s) can reuse pages the host
#   backs, as a server running for hours does. On 2026-12-04 this cut
#   Publicar's system time by about half, not the baselines' (BENCHMARKS.md).
# Exit: 0 both targets met, 2 setup failure, 3 a target missed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

bin="${1:-${CORTE_BENCH:-build/release/bench/corte_bench}}"
cpu="${CPU:-0}"
dir="${DIR:-$root/bench/out}"
sizes="${SIZES:-3841 500000}"
step_timeout="${STEP_TIMEOUT:-900}"

die() { echo "corte_bench: $*" >&2; exit 2; }
[[ -x "$bin" ]] || die "no corte_bench at '$bin' (cmake --build --preset release --target corte_bench)"
command -v taskset >/dev/null || die "taskset is not installed"
mkdir -p "$dir"

summary="$dir/corte_bench.summary.txt"
{
  echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1); pinned to CPU $cpu"
  echo "build:   $bin ($(date -u -r "$bin" '+%Y-%m-%d %H:%M UTC'); HEAD $(git rev-parse --short HEAD 2>/dev/null || echo '?'))"
  echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) before the runs"
} > "$summary"

reporting=/sys/module/page_reporting/parameters/min_free_ms
if [[ -n "${PAGE_REPORTING_MIN_FREE_MS:-}" ]]; then
  [[ -w "$reporting" ]] || die "PAGE_REPORTING_MIN_FREE_MS needs root and $reporting"
  reporting_before="$(cat "$reporting")"
  trap 'echo "$reporting_before" > "$reporting"' EXIT
  echo "$PAGE_REPORTING_MIN_FREE_MS" > "$reporting" || die "cannot set $reporting"
  echo "page reporting: min_free_ms $reporting_before -> $PAGE_REPORTING_MIN_FREE_MS during the runs" >> "$summary"
fi

missed=0
for n in $sizes; do
  if (( n >= 10000 )); then target=5000; runs="${RUNS_LARGE:-1}"; else target=100; runs="${RUNS_SMALL:-5}"; fi
  quiet="${QUIET_SECONDS:-420}"
  if [[ -f "$dir/.borrado" ]]; then
    wait_s=$(( $(stat -c %Y "$dir/.borrado") + quiet - $(date +%s) ))
    if (( wait_s > 0 )); then
      echo "corte_bench: waiting ${wait_s} s: the last run's files were deleted less than ${quiet} s ago"
      sleep "$wait_s"
    fi
  fi
  if [[ "${DROP_CACHES:-0}" == 1 ]]; then
    sync
    echo 3 > /proc/sys/vm/drop_caches || die "DROP_CACHES=1 needs root"
  fi
  if (( ${WARM_MIB:-0} > 0 )); then
    warm=/dev/shm/corte_bench.warm.$$
    warmed=1
    dd if=/dev/zero of="$warm" bs=1M count="$WARM_MIB" status=none || warmed=0
    rm -f "$warm"  # also after a partial write: /dev/shm is memory
    (( warmed )) || die "WARM_MIB: cannot write $WARM_MIB MiB to $warm"
  fi
  set +e
  timeout "$step_timeout" taskset -c "$cpu" "$bin" --actas "$n" --runs "$runs" --dir "$dir" \
    --target-ms "$target" | tee "$dir/corte_bench.$n.txt"
  rc=${PIPESTATUS[0]}
  set -e
  touch "$dir/.borrado"  # corte_bench deletes its outputs when it exits
  case $rc in
    0) ;;
    3) missed=1 ;;
    *) die "corte_bench --actas $n exited $rc" ;;
  esac
  grep '^SUMMARY' "$dir/corte_bench.$n.txt" >> "$summary"
done
cat "$summary"
if (( missed )); then
  echo "corte_bench: TARGET MISSED (see $summary)" >&2
  exit 3
fi
echo "corte_bench: ok"
