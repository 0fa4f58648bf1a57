#!/usr/bin/env bash
# Create-order throughput on each storage layout, in one sitting, on this
# machine (release binaries, wrk on the same machine):
#   1. the embedded default: the all-in-one on SQLite (bench/run.sh's setup);
#   2. PostgreSQL, one process per service (order, payment, notification,
#      gateway as separate processes);
#   3. PostgreSQL, two replicas of every service, the gateway balancing over
#      them (ORDER_URL="http://a,http://b", ...);
# then the 10,000-row import on PostgreSQL, with one and with two replicas
# of each service (with two, both order replicas pay its chunks).
# A throwaway PostgreSQL cluster (scripts/pg.sh) with its defaults
# (fsync on, synchronous_commit on).
#
#   bench/scale.sh                         # builds target/release first
#   BIN_DIR=... DURATION=10s bench/scale.sh
#
# Writes bench/results/scale.md.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${DURATION:-10s}"
C="${CONNECTIONS:-16}"
bin="${BIN_DIR:-target/release}"
[ -n "${BIN_DIR:-}${SKIP_BUILD:-}" ] || cargo build --release --locked --bins >&2
out="${OUT:-bench/results/scale.md}"
# shellcheck source=scripts/pg.sh
source scripts/pg.sh
run=$(mktemp -d -t ec-scale.XXXXXX)
pids=()
stop_all() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; pids=(); }
trap 'stop_all; pg_stop; rm -rf "$run"' EXIT
pg_start
export BENCH_KEY="sk_bench_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
fresh_dbs() {
  for db in orders payments notifications gateway; do
    psql -q "$PG_URL/postgres" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
  done
}
wait_ready() { for _ in $(seq 300); do curl -sf -o /dev/null "$1/readyz" && return 0; sleep 0.1; done; echo "not ready" >&2; tail "$run"/*.log >&2; exit 1; }
# CPU seconds used so far by the processes whose command line matches $1.
cpu() {
  local t=0 p
  for p in $(pgrep -f "$1"); do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done
  echo "$t"
}
# wrk against $1; prints "orders/s p50 p99 non-2xx platform-CPU-ms/order postgres-CPU-ms/order".
load() {
  wrk -t1 -c4 -d2s -s bench/create_order.lua "$1/api/v1/orders" > /dev/null
  local res line ok s0 d0 s1 d1 tck
  s0=$(cpu "$bin/"); d0=$(cpu "postgres")
  res=$(wrk -t2 -c"$C" -d"$DURATION" --latency -s bench/create_order.lua "$1/api/v1/orders")
  s1=$(cpu "$bin/"); d1=$(cpu "postgres")
  line=$(grep '^RESULT' <<< "$res")
  ok=$(sed 's/.*ok=\([0-9]*\).*/\1/' <<< "$line")
  tck=$(getconf CLK_TCK)
  echo "$(awk '/Requests\/sec/ {printf "%d", $2}' <<< "$res") $(sed 's/.*p50_ms=\([0-9.]*\).*/\1/' <<< "$line") $(sed 's/.*p99_ms=\([0-9.]*\).*/\1/' <<< "$line") $(sed 's/.*failed=\([0-9]*\).*/\1/' <<< "$line") $(awk -v a="$s0" -v b="$s1" -v n="$ok" -v t="$tck" 'BEGIN { printf "%.2f", (b - a) * 1000 / t / n }') $(awk -v a="$d0" -v b="$d1" -v n="$ok" -v t="$tck" 'BEGIN { printf "%.2f", (b - a) * 1000 / t / n }')"
}
# fleet N: N replicas of each service on PostgreSQL and one gateway; sets $url.
fleet() {
  local n=$1 o=() p=() m=() i
  for i in $(seq "$n"); do o+=("http://127.0.0.1:$(port)"); p+=("http://127.0.0.1:$(port)"); m+=("http://127.0.0.1:$(port)"); done
  local ou pu nu; ou=$(IFS=,; echo "${o[*]}"); pu=$(IFS=,; echo "${p[*]}"); nu=$(IFS=,; echo "${m[*]}")
  export ORDER_URL="$ou" PAYMENT_URL="$pu" NOTIFICATION_URL="$nu" RUST_LOG=warn METRICS_ADDR=127.0.0.1:0 EC_DATA_DIR="$run/data"
  for i in $(seq 0 $((n - 1))); do
    DATABASE_URL="$PG_URL/payments" "$bin/payment-service" --payment-addr "${p[$i]#http://}" 2>>"$run/payment.log" & pids+=($!)
    DATABASE_URL="$PG_URL/notifications" "$bin/notification-service" --notification-addr "${m[$i]#http://}" 2>>"$run/notification.log" & pids+=($!)
    DATABASE_URL="$PG_URL/orders" "$bin/order-service" --order-addr "${o[$i]#http://}" 2>>"$run/order.log" & pids+=($!)
  done
  local g; g=$(port)
  DATABASE_URL="$PG_URL/gateway" EC_ADMIN_API_KEY="$BENCH_KEY" WEB_DIR=/nonexistent \
    "$bin/gateway" --gateway-addr "127.0.0.1:$g" 2>>"$run/gateway.log" & pids+=($!)
  url="http://127.0.0.1:$g"
  wait_ready "$url"
}

rows=()
# 1. The all-in-one on SQLite.
data="$run/sqlite"; mkdir -p "$data"
g=$(port)
EC_DATA_DIR="$data" GATEWAY_ADDR=127.0.0.1:$g ORDER_ADDR=127.0.0.1:0 PAYMENT_ADDR=127.0.0.1:0 NOTIFICATION_ADDR=127.0.0.1:0 \
  METRICS_ADDR=127.0.0.1:0 RUST_LOG=warn EC_ADMIN_API_KEY="$BENCH_KEY" "$bin/ec-platform" > /dev/null 2>"$run/all-in-one.log" & pids+=($!)
wait_ready "http://127.0.0.1:$g"
read -r rps p50 p99 bad cs cd <<< "$(load "http://127.0.0.1:$g")"
rows+=("| embedded SQLite (all-in-one, one process) | $rps | $p50 | $p99 | $bad | $cs | - |")
echo "sqlite: $rps orders/s" >&2
stop_all

for n in 1 2; do
  fresh_dbs
  fleet "$n"
  read -r rps p50 p99 bad cs cd <<< "$(load "$url")"
  rows+=("| PostgreSQL, $n replica(s) of each service (separate processes) | $rps | $p50 | $p99 | $bad | $cs | $cd |")
  echo "postgres x$n: $rps orders/s" >&2
  stop_all
done

# The 10,000-row import on PostgreSQL, one and two replicas of each service.
python3 bench/gen_orders_csv.py 10000 > "$run/orders.csv"
imports=()
for n in 1 2; do
  fresh_dbs
  fleet "$n"
  t0=$(date +%s.%N)
  id=$(curl -sf -X POST "$url/api/v1/orders/imports?file_name=bench.csv" -H "authorization: Bearer $BENCH_KEY" \
    -H 'content-type: text/csv' --data-binary @"$run/orders.csv" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  while :; do
    st=$(curl -sf -H "authorization: Bearer $BENCH_KEY" "$url/api/v1/orders/imports/$id" |
      python3 -c 'import json,sys; i=json.load(sys.stdin); print(i["status"], i["orders_created"])')
    case "$st" in queued*|running*) sleep 0.1 ;; *) break ;; esac
  done
  import_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  by=$(psql -qtA "$PG_URL/orders" -c "SELECT COUNT(DISTINCT done_by) || ' replica(s) paid its ' || COUNT(*) || ' chunks' FROM import_chunks")
  imports+=("| $n replica(s) of each service | $st | ${import_s} s | $by |")
  echo "import x$n: $st in $import_s s ($by)" >&2
  stop_all
done

mkdir -p "$(dirname "$out")"
{
  echo "# Create-order throughput by storage layout"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores (shared by everything, wrk included), release binaries, \`bench/scale.sh\`,"
  echo "wrk c=$C for $DURATION per layout, every request with an API key. PostgreSQL $(psql --version | awk '{print $3}'), a throwaway"
  echo "cluster with its defaults (fsync and synchronous_commit on); SQLite in WAL with synchronous=NORMAL."
  echo
  echo "| layout | orders/s | p50 ms | p99 ms | non-2xx | platform CPU ms/order | PostgreSQL CPU ms/order |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "CPU per order: user + system time of the platform's processes, and of PostgreSQL's, over the load, per 2xx order."
  echo "${PG_OPTS:+PostgreSQL started with: $PG_OPTS.}"
  echo
  echo "10,000-row import on PostgreSQL, from upload to completed:"
  echo
  echo "| layout | import | time | chunks |"
  echo "|---|---|---:|---|"
  printf '%s\n' "${imports[@]}"
} > "$out"
cat "$out"
