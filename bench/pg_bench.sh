#!/usr/bin/env bash
# Durable captures per second through the HTTP API with the log on PostgreSQL
# (a Patroni primary with a synchronous standby, scripts/pg-cluster.sh) against
# the same load on the embedded SQLite store, in the same run (issue 8).
#
#   bench/pg_bench.sh [BUILD_DIR] [CLIENTS]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build/release}
CLIENTS=${2:-200}
BENCH="$BUILD/bench/prep_captures_bench"
[ -x "$BENCH" ] || { echo "build $BENCH first (cmake --build --preset release)" >&2; exit 2; }
DIR=$(mktemp -d /tmp/prep_pgbench_XXXXXX)
trap 'scripts/pg-cluster.sh stop "$DIR" >/dev/null 2>&1; rm -rf "$DIR"' EXIT
URL=$(scripts/pg-cluster.sh start "$DIR" 24430)
scripts/pg-cluster.sh status "$DIR"
rate() { grep '^API captures/s' | awk '{print $3}'; }
echo "== SQLite =="
"$BENCH" --clients "$CLIENTS" --server-threads 256 | tee "$DIR/sqlite.txt"
echo "== PostgreSQL, synchronous standby =="
"$BENCH" --clients "$CLIENTS" --server-threads 256 --store "$URL" | tee "$DIR/pg.txt"
S=$(rate <"$DIR/sqlite.txt")
P=$(rate <"$DIR/pg.txt")
echo "ratio PostgreSQL(sync)/SQLite  $(awk -v p="$P" -v s="$S" 'BEGIN{printf "%.2f", p/s}')  ($P vs $S captures/s)"
