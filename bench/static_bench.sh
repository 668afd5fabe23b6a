#!/usr/bin/env bash
# Static serving: the built-in server (src/http/static_files.h) against nginx with
# deploy/nginx/prep.conf, on the same files, the same cores, in the same run (BENCHMARKS.md).
#
#   bench/static_bench.sh [PREP_STATIC_SERVER_BINARY]
#
# 1. Builds a publication folder (PUB) in a temporary folder: cortes/<id>/ with an index.html
#    of ~30 KB (and its real index.html.gz), secciones/0001.html of ~8 KB, an acta image of
#    ~300 KB in imagenes/, cortes/index.json, clave-publica.txt and actual -> cortes/<id>. Every
#    file is made an hour old, past the built-in server's settling window, so both servers
#    serve from their caches (nginx: open_file_cache and the page cache).
# 2. Starts nginx (prep.conf with its roots pointed at PUB and `listen` at a loopback port,
#    worker_processes = THREADS, access_log off) and bench/static_server.cc (--threads
#    THREADS), both pinned with taskset to SERVER_CPUS; wrk runs pinned to WRK_CPUS, so that
#    the load generator does not take cycles from the servers.
# 3. Checks that both give the same status, ETag and length for every case, then, for each
#    case, runs wrk for DURATION seconds against nginx and then against the built-in server:
#      current    GET /                                   no-cache, one readlink of `actual`
#      immutable  GET /cortes/<id>/secciones/0001.html    max-age=31536000, immutable
#      gzip       GET / with Accept-Encoding: gzip        index.html.gz
#      revalidate GET / with If-None-Match: <its ETag>    304
#      image      GET /imagenes/<hash>.jpg                300 KB, immutable
# 4. Prints requests/s of both and the ratio prep/nginx per case; writes the wrk outputs and a
#    summary to bench/out/.
#
# Environment (all optional):
#   PREP_STATIC_SERVER  (default: $1, else build/release/bench/prep_static_server)
#   NGINX=/usr/sbin/nginx  WRK=/usr/bin/wrk
#   THREADS=1  SERVER_CPUS=0  WRK_CPUS=1  WRK_THREADS=1  CONNECTIONS=64
#   DURATION=8         (seconds of wrk per case and server; at most 10)
#   CASES="current immutable gzip revalidate image"
#   TARGET_RATIO=0.8   (exit 3 when any case is below it)
#   QUIET_WAIT=120  QUIET_MAX_BUSY=10   (wait up to 120 s for the CPUs to be <= 10 % busy)
#
# Exit: 0 ok, 2 setup or correctness failure, 3 below target.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

server_bin="${1:-${PREP_STATIC_SERVER:-build/release/bench/prep_static_server}}"
nginx="${NGINX:-/usr/sbin/nginx}"
wrk="${WRK:-/usr/bin/wrk}"
threads="${THREADS:-1}"
server_cpus="${SERVER_CPUS:-0}"
wrk_cpus="${WRK_CPUS:-1}"
wrk_threads="${WRK_THREADS:-1}"
connections="${CONNECTIONS:-64}"
duration="${DURATION:-8}"
cases="${CASES:-current immutable gzip revalidate image}"
target="${TARGET_RATIO:-0.8}"
out="$root/bench/out"
corte="20240602_2000"

die() { echo "static_bench: $*" >&2; exit 2; }

[[ -x "$server_bin" ]] || die "no prep_static_server at '$server_bin' (ninja -C build/release prep_static_server)"
[[ -x "$nginx" ]] || die "no nginx at '$nginx' (apt-get install nginx, or set NGINX)"
[[ -x "$wrk" ]] || die "no wrk at '$wrk' (apt-get install wrk, or set WRK)"
for tool in taskset curl gzip python3 timeout awk; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
(( duration >= 1 && duration <= 10 )) || die "DURATION must be 1..10 seconds"
server_bin="$(cd "$(dirname "$server_bin")" && pwd)/$(basename "$server_bin")"
mkdir -p "$out"

work="$(mktemp -d /tmp/prep_static_bench.XXXXXX)"
chmod 755 "$work"  # nginx's workers run as another user when this runs as root
nginx_pid="" prep_pid=""
cleanup() {
  [[ -n "$prep_pid" ]] && kill "$prep_pid" 2>/dev/null && wait "$prep_pid" 2>/dev/null
  [[ -n "$nginx_pid" ]] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# 1. The publication folder. Pages look like the publisher's: a table per level, repeated rows.
pub="$work/pub"
python3 - "$pub" "$corte" <<'EOF'
import hashlib, os, random, sys
pub, corte = sys.argv[1], sys.argv[2]
d = os.path.join(pub, "cortes", corte)
os.makedirs(os.path.join(d, "secciones"), exist_ok=True)
os.makedirs(os.path.join(pub, "imagenes"), exist_ok=True)
rnd = random.Random(20240602)
def page(title, rows, size):
    head = ("<!doctype html><html lang=es><meta charset=utf-8><title>%s</title>"
            "<link rel=stylesheet href=/estilo.css><h1>%s</h1><table><thead><tr><th>Distrito"
            "<th>PAN<th>PRI<th>PRD<th>MORENA<th>Nulos<th>Total</thead><tbody>\n" % (title, title))
    body, i = [], 0
    while len(head) + sum(map(len, body)) < size:
        i += 1
        v = [rnd.randrange(0, 900) for _ in range(5)]
        body.append("<tr><td><a href=/distritos/%02d.html>%s %02d</a><td>%s<td>%d</tr>\n" % (
            i % 100, rows, i % 100, "<td>".join(map(str, v)), sum(v)))
    return (head + "".join(body) + "</tbody></table></html>\n").encode()
open(os.path.join(d, "index.html"), "wb").write(page("PREP " + corte, "Distrito", 30000))
open(os.path.join(d, "secciones", "0001.html"), "wb").write(page("Sección 0001", "Casilla", 8000))
img = bytes(rnd.randrange(256) for _ in range(300 * 1024))
name = hashlib.sha256(img).hexdigest()[:32] + ".jpg"
open(os.path.join(pub, "imagenes", name), "wb").write(b"\xff\xd8\xff\xe0" + img)
open(os.path.join(pub, "cortes", "index.json"), "w").write('["%s"]' % corte)
open(os.path.join(pub, "clave-publica.txt"), "w").write("ed25519 bench\n")
open(os.path.join(os.path.dirname(pub), "imagen.txt"), "w").write("/imagenes/" + name)
EOF
gzip -9 -n -k "$pub/cortes/$corte/index.html"
find "$pub" -type f -exec touch -d '1 hour ago' {} +
ln -s "cortes/$corte" "$pub/actual"
image_path="$(cat "$work/imagen.txt")"
chmod -R a+rX "$pub"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# 2. nginx, with the repository's configuration pointed at PUB.
nginx_port=$(free_port)
sed -e "s|/srv/prep/publicacion|$pub|g" -e "s|listen 80;|listen 127.0.0.1:$nginx_port;|" \
  deploy/nginx/prep.conf > "$work/prep.conf"
grep -q "listen 127.0.0.1:$nginx_port;" "$work/prep.conf" || die "no 'listen 80;' line in prep.conf"
mkdir -p "$work/tmp"
cat > "$work/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes $threads;
pid $work/nginx.pid;
error_log $work/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/tmp/body;
  proxy_temp_path $work/tmp/proxy;
  fastcgi_temp_path $work/tmp/fastcgi;
  uwsgi_temp_path $work/tmp/uwsgi;
  scgi_temp_path $work/tmp/scgi;
  include $work/prep.conf;
}
EOF
taskset -c "$server_cpus" "$nginx" -p "$work/" -c "$work/nginx.conf" -e "$work/error.log" &
nginx_pid=$!

# The built-in server, on the same cores with as many threads as nginx has workers.
taskset -c "$server_cpus" "$server_bin" --root "$pub" --port 0 --threads "$threads" \
  > "$work/prep.out" 2> "$work/prep.err" &
prep_pid=$!
prep_port=""
for _ in $(seq 100); do
  prep_port=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$work/prep.out")
  [[ -n "$prep_port" ]] && break
  sleep 0.1
done
[[ -n "$prep_port" ]] || die "prep_static_server did not start: $(cat "$work/prep.err")"
for _ in $(seq 100); do
  curl -s -o /dev/null "http://127.0.0.1:$nginx_port/clave-publica.txt" && break
  sleep 0.1
done
curl -s -o /dev/null "http://127.0.0.1:$nginx_port/clave-publica.txt" \
  || die "nginx did not start: $(cat "$work/error.log")"

etag="$(curl -s -o /dev/null -D - "http://127.0.0.1:$nginx_port/" | tr -d '\r' |
        sed -n 's/^[Ee][Tt]ag: //p')"
[[ -n "$etag" ]] || die "nginx sent no ETag for /"

# Path, extra header and expected status of each case.
case_path() {
  case "$1" in
    current | gzip | revalidate) echo "/" ;;
    immutable) echo "/cortes/$corte/secciones/0001.html" ;;
    image) echo "$image_path" ;;
    *) die "unknown case '$1'" ;;
  esac
}
case_header() {
  case "$1" in
    gzip) echo "Accept-Encoding: gzip" ;;
    revalidate) echo "If-None-Match: $etag" ;;
    *) echo "X-Bench: 1" ;;  # wrk -H needs a header; this one changes nothing
  esac
}
case_status() { [[ "$1" == revalidate ]] && echo 304 || echo 200; }

# 3a. Both must answer every case alike before either is timed.
for c in $cases; do
  path="$(case_path "$c")" header="$(case_header "$c")"
  for port in "$nginx_port" "$prep_port"; do
    rm -f "$work/body.$port"
    touch "$work/body.$port"  # curl writes no file for an empty body
    curl -s -o "$work/body.$port" -D "$work/head.$port" -H "$header" "http://127.0.0.1:$port$path"
  done
  describe() {  # status, ETag, Content-Encoding, body bytes
    local h="$work/head.$1"
    printf '%s %s %s %s' "$(head -1 "$h" | awk '{print $2}')" \
      "$(tr -d '\r' < "$h" | sed -n 's/^[Ee][Tt]ag: //p')" \
      "$(tr -d '\r' < "$h" | sed -n 's/^[Cc]ontent-[Ee]ncoding: //p')" \
      "$(stat -c %s "$work/body.$1")"
  }
  a="$(describe "$nginx_port")" b="$(describe "$prep_port")"
  [[ "$a" == "$b" ]] || die "case $c: nginx answers '$a', the built-in server '$b'"
  [[ "${a%% *}" == "$(case_status "$c")" ]] || die "case $c: status ${a%% *}, not $(case_status "$c")"
  cmp -s "$work/body.$nginx_port" "$work/body.$prep_port" || die "case $c: the bodies differ"
  echo "== $c: GET $path [$header] -> $a (both)"
done

# 3b. Wait (bounded) for a quiet machine: on 2 cores any other load lands on a pinned CPU.
cpu_busy_pct() {
  local a b a1 a2 a3 a4 a5 a6 a7 a8 b1 b2 b3 b4 b5 b6 b7 b8
  read -r _ a1 a2 a3 a4 a5 a6 a7 a8 _ < /proc/stat
  sleep 1
  read -r _ b1 b2 b3 b4 b5 b6 b7 b8 _ < /proc/stat
  a=$((a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8)); b=$((b1 + b2 + b3 + b4 + b5 + b6 + b7 + b8))
  local idle=$(((b4 + b5) - (a4 + a5))) total=$((b - a))
  echo $(( total > 0 ? 100 * (total - idle) / total : 0 ))
}
quiet_wait="${QUIET_WAIT:-120}" quiet_max="${QUIET_MAX_BUSY:-10}" waited=0
busy_before=$(cpu_busy_pct)
while (( busy_before > quiet_max && waited < quiet_wait )); do
  (( waited == 0 )) && echo "== CPUs ${busy_before}% busy; waiting up to ${quiet_wait}s for <= ${quiet_max}%"
  sleep 4
  waited=$((waited + 5))
  busy_before=$(cpu_busy_pct)
done
(( busy_before <= quiet_max )) || echo "static_bench: WARNING: CPUs still ${busy_before}% busy; figures are skewed" >&2

run_wrk() {  # case, server name, port -> requests/s on stdout
  local c="$1" name="$2" port="$3" log="$out/static_bench.$1.$2.txt"
  timeout $((duration + 10)) taskset -c "$wrk_cpus" "$wrk" -t "$wrk_threads" -c "$connections" \
    -d "${duration}s" -H "$(case_header "$c")" "http://127.0.0.1:$port$(case_path "$c")" > "$log" \
    || die "wrk failed or timed out on $name ($c): $(cat "$log")"
  ! grep -q "Non-2xx or 3xx\|Socket errors" "$log" || die "$name ($c): errors, see $log"
  awk '/^Requests\/sec:/ {print $2}' "$log"
}

summary="$out/static_bench.summary.txt"
below=0
{
  echo "machine:  $(nproc) cores, $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)"
  echo "servers:  $("$nginx" -v 2>&1 | sed 's/^nginx version: //'), worker_processes $threads; prep_static_server --threads $threads (built $(date -u -r "$server_bin" '+%Y-%m-%d %H:%M UTC'), HEAD $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')); both on CPUs $server_cpus"
  echo "load:     wrk -t $wrk_threads -c $connections -d ${duration}s on CPUs $wrk_cpus; CPUs ${busy_before}% busy before"
  printf '%-11s %12s %12s %8s\n' case "nginx req/s" "prep req/s" "prep/nginx"
} | tee "$summary"
for c in $cases; do
  n=$(run_wrk "$c" nginx "$nginx_port")
  p=$(run_wrk "$c" prep "$prep_port")
  ratio=$(awk -v p="$p" -v n="$n" 'BEGIN{printf "%.3f", p / n}')
  awk -v r="$ratio" -v t="$target" 'BEGIN{exit !(r < t)}' && below=1
  printf '%-11s %12.0f %12.0f %8s\n' "$c" "$n" "$p" "$ratio" | tee -a "$summary"
done
echo "CPUs $(cpu_busy_pct)% busy right after (other processes and the servers winding down)" |
  tee -a "$summary"
if (( below )); then
  echo "static_bench: BELOW TARGET: some case has prep/nginx < $target" >&2
  exit 3
fi
echo "static_bench: ok (every case prep/nginx >= $target)"
