#!/usr/bin/env bash
# Local replicated PostgreSQL 15 for tests and failover drills: one etcd 3.4 and
# two Patroni 3.0.2 nodes (primary + synchronous standby), loopback only, with
# every file (configs, data, sockets, logs, pids) under the caller's DIR.
#
#   pg-cluster.sh start DIR [BASEPORT]      -> prints the multi-host libpq URI
#   pg-cluster.sh stop DIR
#   pg-cluster.sh primary DIR               -> prints the leader's postgres port
#   pg-cluster.sh kill-primary DIR          -> prints the killed port
#   pg-cluster.sh wait-primary DIR OLDPORT [SECONDS]  -> prints the new port
#   pg-cluster.sh status DIR
#
# Ports: etcd client BASE, etcd peer BASE+1, postgres BASE+2/BASE+3,
# Patroni REST BASE+4/BASE+5. Only Debian packages are used (patroni,
# etcd-server, postgresql-15, curl, python3).
#
# Authentication: TCP connections on 127.0.0.1 use scram-sha-256 (role prep /
# password prep, database prep); the unix socket in DIR/run is `trust`, which
# this script uses for its own superuser work.
set -euo pipefail

PG_BIN=/usr/lib/postgresql/15/bin
PYTHON=/usr/bin/python3   # the interpreter Patroni itself runs on
SCOPE=pgc
START_TIMEOUT=${PGC_START_TIMEOUT:-90}
STOP_TIMEOUT=${PGC_STOP_TIMEOUT:-30}

die() { echo "pg-cluster: $*" >&2; exit 1; }
log() { echo "pg-cluster: $*" >&2; }

usage() {
  sed -n '6,11p' "$0" | sed 's/^# *//' >&2
  exit 2
}

# PostgreSQL refuses to run as root, so as root every daemon runs as `postgres`.
# setpriv execs in place (unlike runuser), which keeps the pid we record exact.
if [ "$(id -u)" -eq 0 ]; then
  RUN_USER=postgres
  RUNAS=(setpriv --reuid=postgres --regid=postgres --init-groups)
else
  RUN_USER=$(id -un)
  RUNAS=()
fi

set_dir() {
  [ -n "${1:-}" ] || usage
  DIR=$(realpath -m -- "$1")
}

set_ports() {
  BASE=$1
  ETCD_PORT=$BASE
  PEER_PORT=$((BASE + 1))
  PG_PORT=([1]=$((BASE + 2)) [2]=$((BASE + 3)))
  REST_PORT=([1]=$((BASE + 4)) [2]=$((BASE + 5)))
}

# Every command but `start` finds the ports in the file `start` left behind.
load_env() {
  [ -f "$DIR/cluster.env" ] || die "no cluster in $DIR (missing cluster.env)"
  local base
  base=$(sed -n 's/^BASEPORT=\([0-9]*\)$/\1/p' "$DIR/cluster.env")
  [ -n "$base" ] || die "bad $DIR/cluster.env"
  set_ports "$base"
}

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
pidof_file() { if [ -s "$1" ]; then head -n1 "$1" | tr -dc 0-9; fi; }

# psql as the superuser over the node's unix socket (trust), bounded.
psql_node() {
  local port=$1; shift
  timeout 10 "$PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 \
    "host=$DIR/run port=$port user=postgres dbname=postgres connect_timeout=2" "$@"
}

# One line per member: name role state port lag timeline ("-" when absent).
# Asks each Patroni in turn, so it still works while one node is dead.
members() {
  local n json
  for n in 1 2; do
    json=$(curl -fsS --max-time 2 "http://127.0.0.1:${REST_PORT[$n]}/cluster" 2>/dev/null) || continue
    "$PYTHON" -c '
import json, sys
for m in json.load(sys.stdin).get("members", []):
    print(" ".join(str(m.get(k, "-")) for k in ("name", "role", "state", "port", "lag", "timeline")))
' <<<"$json" && return 0
  done
  return 1
}

leader_port() { members | awk '$2 == "leader" { print $4; exit }'; }
node_of_port() {
  local n
  for n in 1 2; do [ "${PG_PORT[$n]}" = "$1" ] && { echo "$n"; return 0; }; done
  return 1
}

port_busy() { timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# Runs "$@" detached in its own session, as RUN_USER, with a clean environment;
# the wrapper shell writes its own pid and then execs, so the pid is the daemon's.
launch() {
  local name=$1; shift
  rm -f "$DIR/$name.pid"
  # shellcheck disable=SC2016 # $$ and $@ belong to the inner sh
  (cd "$DIR" && exec setsid sh -c 'echo $$ >"$0"; exec "$@"' "$DIR/$name.pid" \
      "${RUNAS[@]}" env -i PATH=/usr/bin:/bin HOME="$DIR" LC_ALL=C.UTF-8 "$@" \
      >>"$DIR/$name.log" 2>&1 </dev/null &)
  local _
  for _ in $(seq 50); do [ -s "$DIR/$name.pid" ] && return 0; sleep 0.1; done
  die "could not start $name"
}

tails() {
  local f
  for f in "$DIR"/etcd.log "$DIR"/patroni1.log "$DIR"/patroni2.log "$DIR"/node*/pglog/*.log; do
    [ -f "$f" ] || continue
    echo "---- $f (last 25 lines)" >&2
    tail -n 25 "$f" >&2
  done
}

write_patroni_conf() {
  local n=$1
  cat >"$DIR/patroni$n.yml" <<EOF
scope: $SCOPE
name: node$n
log:
  level: INFO
watchdog:
  mode: "off"
restapi:
  listen: 127.0.0.1:${REST_PORT[$n]}
  connect_address: 127.0.0.1:${REST_PORT[$n]}
# etcd3 (etcd's JSON gRPC gateway) needs nothing beyond urllib3 and, unlike the
# v2 "etcd:" section, does not need etcd started with --enable-v2.
etcd3:
  host: 127.0.0.1:$ETCD_PORT
  protocol: http
bootstrap:
  dcs:
    # Fast failover: the leader key expires ttl s after the primary's Patroni
    # dies. Patroni wants loop_wait + 2 * retry_timeout <= ttl.
    ttl: 10
    loop_wait: 1
    retry_timeout: 4
    maximum_lag_on_failover: 1073741824
    synchronous_mode: true
    synchronous_mode_strict: false
    synchronous_node_count: 1
    postgresql:
      use_pg_rewind: true
      use_slots: true
      parameters:
        wal_level: replica
        hot_standby: "on"
        wal_log_hints: "on"
        max_wal_senders: 10
        max_replication_slots: 10
        wal_keep_size: 64MB
        fsync: "on"
        synchronous_commit: "on"
        shared_buffers: 64MB
        max_connections: 100
  initdb:
    - encoding: UTF8
    - locale: C
    - auth-local: trust
postgresql:
  listen: 127.0.0.1:${PG_PORT[$n]}
  connect_address: 127.0.0.1:${PG_PORT[$n]}
  data_dir: $DIR/node$n/data
  bin_dir: $PG_BIN
  pgpass: $DIR/node$n/pgpass
  use_unix_socket: true
  authentication:
    superuser:
      username: postgres
      password: postgres
    replication:
      username: replicator
      password: replicator
    rewind:
      username: postgres
      password: postgres
  parameters:
    unix_socket_directories: $DIR/run
    # Continuous WAL archiving (whichever node is primary archives; base
    # backups with pg_basebackup restore from here: docs/continuidad.md).
    archive_mode: "on"
    archive_command: "test ! -f $DIR/archivo/%f && cp %p $DIR/archivo/%f"
    archive_timeout: 60
    logging_collector: "on"
    log_directory: $DIR/node$n/pglog
    log_filename: postgresql.log
  pg_hba:
    - local all all trust
    - host replication replicator 127.0.0.1/32 scram-sha-256
    - host all all 127.0.0.1/32 scram-sha-256
EOF
}

# Ready = a running leader, a running sync_standby, and the leader really
# streaming to a synchronous walsender. Prints the leader's port.
cluster_ready() {
  local m lp
  m=$(members) || return 1
  lp=$(awk '$2 == "leader" && $3 == "running" { print $4; exit }' <<<"$m")
  [ -n "$lp" ] || return 1
  awk '$2 == "sync_standby" && $3 == "running" { f = 1 } END { exit !f }' <<<"$m" || return 1
  [ "$(psql_node "$lp" -c "select count(*) from pg_stat_replication
        where state = 'streaming' and sync_state = 'sync'" 2>/dev/null)" -ge 1 ] 2>/dev/null || return 1
  echo "$lp"
}

cmd_start() {
  set_dir "${1:-}"
  local base=${2:-25430}
  if ! [[ $base =~ ^[0-9]+$ ]] || [ "$base" -lt 1024 ] || [ "$base" -gt 65530 ]; then
    die "bad BASEPORT '$base'"
  fi
  [ -x "$PG_BIN/postgres" ] || die "$PG_BIN/postgres not found"
  [ -x /usr/bin/patroni ] || die "/usr/bin/patroni not installed"
  [ -x /usr/bin/etcd ] || die "/usr/bin/etcd not installed"

  local f p
  for f in "$DIR"/etcd.pid "$DIR"/patroni1.pid "$DIR"/patroni2.pid; do
    if alive "$(pidof_file "$f")"; then die "a cluster is already running in $DIR (stop it first)"; fi
  done
  set_ports "$base"
  for p in "$ETCD_PORT" "$PEER_PORT" "${PG_PORT[@]}" "${REST_PORT[@]}"; do
    if port_busy "$p"; then die "port $p on 127.0.0.1 is already in use"; fi
  done
  # Unix socket paths are limited to 107 bytes.
  [ ${#DIR} -le 80 ] || die "DIR path too long for a unix socket directory (max 80 chars): $DIR"

  # A DIR left by an earlier start/stop is reused: Patroni restarts both nodes
  # (pg_rewind rejoins a former primary).
  mkdir -p "$DIR/run" "$DIR/etcd" "$DIR/node1/pglog" "$DIR/node2/pglog" "$DIR/archivo"
  echo "BASEPORT=$base" >"$DIR/cluster.env"
  write_patroni_conf 1
  write_patroni_conf 2
  if [ "$(id -u)" -eq 0 ]; then
    chown -R postgres:postgres "$DIR"
    "${RUNAS[@]}" test -w "$DIR" -a -x "$DIR" || die "user $RUN_USER cannot write $DIR (check parent directory permissions)"
  fi
  chmod 700 "$DIR/etcd"

  launch etcd /usr/bin/etcd --name etcd1 --data-dir "$DIR/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$PEER_PORT" \
    --initial-advertise-peer-urls "http://127.0.0.1:$PEER_PORT" \
    --initial-cluster "etcd1=http://127.0.0.1:$PEER_PORT" \
    --initial-cluster-token "$SCOPE-$base" --initial-cluster-state new
  local deadline=$((SECONDS + START_TIMEOUT))
  until curl -fsS --max-time 2 "http://127.0.0.1:$ETCD_PORT/health" 2>/dev/null | grep -q '"health":"true"'; do
    alive "$(pidof_file "$DIR/etcd.pid")" || { tails; cmd_stop "$DIR" >/dev/null; die "etcd exited during start-up"; }
    [ $SECONDS -lt $deadline ] || { tails; cmd_stop "$DIR" >/dev/null; die "etcd not healthy after ${START_TIMEOUT}s"; }
    sleep 0.2
  done

  # node1 first so that it (almost always) initialises the cluster; node2 then clones it.
  launch patroni1 /usr/bin/patroni "$DIR/patroni1.yml"
  sleep 1
  launch patroni2 /usr/bin/patroni "$DIR/patroni2.yml"

  local leader=""
  until leader=$(cluster_ready); do
    for p in etcd patroni1 patroni2; do
      alive "$(pidof_file "$DIR/$p.pid")" || { tails; cmd_stop "$DIR" >/dev/null; die "$p exited during start-up"; }
    done
    if [ $SECONDS -ge $deadline ]; then
      members >&2 || true
      tails; cmd_stop "$DIR" >/dev/null
      die "no leader with a streaming sync standby after ${START_TIMEOUT}s (logs in $DIR)"
    fi
    sleep 0.5
  done

  # Patroni 3 dropped bootstrap.users, so the application role is created here.
  psql_node "$leader" <<'SQL' >/dev/null
SELECT 'CREATE ROLE prep LOGIN PASSWORD ''prep'''
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'prep') \gexec
SELECT 'CREATE DATABASE prep OWNER prep'
  WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'prep') \gexec
SQL

  local uri="postgresql://prep:prep@127.0.0.1:${PG_PORT[1]},127.0.0.1:${PG_PORT[2]}/prep?target_session_attrs=read-write&connect_timeout=2"
  echo "$uri" >"$DIR/conninfo"
  echo "$uri"
}

# Waits until none of the pids is alive; returns 1 on timeout.
wait_gone() {
  local limit=$1; shift
  local deadline=$((SECONDS + limit)) p any
  while :; do
    any=0
    for p in "$@"; do alive "$p" && any=1; done
    [ $any -eq 0 ] && return 0
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
}

# SIGTERM, then SIGKILL whatever is still there after $1 seconds.
stop_pids() {
  local limit=$1; shift
  [ $# -gt 0 ] || return 0
  kill -TERM "$@" 2>/dev/null || true
  wait_gone "$limit" "$@" && return 0
  log "pids $* did not stop in ${limit}s, killing them"
  kill -KILL "$@" 2>/dev/null || true
  wait_gone 5 "$@" || true
}

# Our etcd/patroni/postgres processes: those whose cwd lies under DIR (postgres
# backends chdir into their data dir; our daemons are started from DIR) and whose
# executable is one of ours. Never the caller, even if it sits in DIR.
strays() {
  local d pid cwd exe
  for d in /proc/[0-9]*; do
    pid=${d#/proc/}
    [ "$pid" = $$ ] && continue
    cwd=$(readlink "$d/cwd" 2>/dev/null) || continue
    cwd=${cwd% (deleted)}   # DIR may have been removed under a running cluster
    case "$cwd/" in "$DIR"/*) ;; *) continue ;; esac
    exe=$(readlink "$d/exe" 2>/dev/null) || continue
    case "$exe" in
      "$PG_BIN"/postgres | /usr/bin/etcd) echo "$pid" ;;
      */python3*) tr '\0' ' ' <"$d/cmdline" 2>/dev/null | grep -q '/usr/bin/patroni' && echo "$pid" ;;
    esac
  done
}

cmd_stop() {
  set_dir "${1:-}"
  [ -d "$DIR" ] || return 0
  local etcd pm n p pat=()
  for n in 1 2; do
    p=$(pidof_file "$DIR/patroni$n.pid")
    if alive "$p"; then pat+=("$p"); fi
  done
  # Patroni stops its postgres (fast mode) on SIGTERM. Both at once is the
  # quickest (about 7 s): stopping the sync standby first makes it wait to be
  # released from sync duty, and stopping the primary first triggers a failover.
  stop_pids "$STOP_TIMEOUT" "${pat[@]}"
  etcd=$(pidof_file "$DIR/etcd.pid")
  if alive "$etcd"; then stop_pids 10 "$etcd"; fi
  # Whatever survived (e.g. the postgres of a SIGKILLed Patroni) goes now.
  for n in 1 2; do
    pm=$(pidof_file "$DIR/node$n/data/postmaster.pid")
    if alive "$pm" && [ "$(readlink "/proc/$pm/cwd" 2>/dev/null)" = "$DIR/node$n/data" ]; then
      kill -KILL "$pm" 2>/dev/null || true
    fi
  done
  local left
  mapfile -t left < <(strays)
  if [ ${#left[@]} -gt 0 ]; then
    kill -KILL "${left[@]}" 2>/dev/null || true
    wait_gone 10 "${left[@]}" || log "some processes under $DIR did not exit: ${left[*]}"
  fi
  rm -f "$DIR"/*.pid
  return 0
}

cmd_primary() {
  set_dir "${1:-}"; load_env
  local p
  p=$(leader_port) || true
  [ -n "$p" ] || die "no leader"
  echo "$p"
}

cmd_kill_primary() {
  set_dir "${1:-}"; load_env
  local port n pat pm kids
  port=$(leader_port) || true
  [ -n "$port" ] || die "no leader"
  n=$(node_of_port "$port") || die "leader port $port is not one of ours"
  pat=$(pidof_file "$DIR/patroni$n.pid")
  pm=$(pidof_file "$DIR/node$n/data/postmaster.pid")
  # Patroni first, so it cannot restart postgres; then the postmaster and its
  # children at once, as if the machine had vanished.
  if alive "$pat"; then kill -KILL "$pat" 2>/dev/null || true; fi
  if alive "$pm"; then
    kids=$(pgrep -P "$pm" || true)
    # shellcheck disable=SC2086 # kids is a list of pids
    kill -KILL "$pm" $kids 2>/dev/null || true
    wait_gone 10 "$pm" || true
  fi
  echo "$port"
}

# Writable = Patroni says it is the primary (holds the leader key) and a real
# transaction commits there (with synchronous_commit on this also proves commits
# are not stuck waiting for a dead sync standby).
cmd_wait_primary() {
  set_dir "${1:-}"; load_env
  local old=${2:-} limit=${3:-60} n
  [[ $old =~ ^[0-9]+$ ]] || usage
  local deadline=$((SECONDS + limit))
  while [ $SECONDS -lt $deadline ]; do
    for n in 1 2; do
      [ "${PG_PORT[$n]}" = "$old" ] && continue
      curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:${REST_PORT[$n]}/primary" 2>/dev/null || continue
      if [ "$(PGOPTIONS='-c statement_timeout=3000' timeout 5 "$PG_BIN/psql" -X -q -At \
            "host=$DIR/run port=${PG_PORT[$n]} user=postgres dbname=postgres connect_timeout=2 target_session_attrs=read-write" \
            -c 'select txid_current() > 0' 2>/dev/null)" = t ]; then
        echo "${PG_PORT[$n]}"
        return 0
      fi
    done
    sleep 0.25
  done
  die "no new primary (other than $old) accepting writes after ${limit}s"
}

cmd_status() {
  set_dir "${1:-}"; load_env
  local m
  m=$(members) || die "no Patroni REST API answers (ports ${REST_PORT[1]}, ${REST_PORT[2]})"
  { echo "MEMBER ROLE STATE PORT LAG_BYTES TL"; echo "$m"; } | column -t
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  primary) shift; cmd_primary "$@" ;;
  kill-primary) shift; cmd_kill_primary "$@" ;;
  wait-primary) shift; cmd_wait_primary "$@" ;;
  status) shift; cmd_status "$@" ;;
  *) usage ;;
esac
