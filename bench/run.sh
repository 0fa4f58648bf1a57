#!/usr/bin/env bash
# Load benchmark of the create-order flow against the running all-in-one
# platform (release build): wrk at concurrency 1, 16 and 64, then a check that
# every 2xx answer left a paid order with its payment and confirmation.
#
#   bench/run.sh                 # 10 s per level
#   DURATION=30s bench/run.sh    # longer
#   BIN=path/to/ec-platform OUT=bench/results/x.md bench/run.sh   # another build
#
# Every request carries an API key (`Authorization: Bearer sk_...`), as a
# real client's would: the platform is started with it as EC_ADMIN_API_KEY.
#
# Writes bench/results/latest.md. Extra environment is passed to the platform
# (e.g. OTEL_EXPORTER_OTLP_ENDPOINT to measure tracing overhead).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${DURATION:-10s}"
LEVELS="${LEVELS:-1 16 64}"
command -v wrk >/dev/null || scripts/setup.sh
bin="${BIN:-target/release/ec-platform}"
[ -n "${SKIP_BUILD:-}${BIN:-}" ] || cargo build --release --locked -p ec-platform >&2
export BENCH_KEY="sk_bench_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"

data=$(mktemp -d)
log="$data/platform.log"
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT

EC_DATA_DIR="$data" GATEWAY_ADDR=127.0.0.1:0 ORDER_ADDR=127.0.0.1:0 PAYMENT_ADDR=127.0.0.1:0 \
  NOTIFICATION_ADDR=127.0.0.1:0 METRICS_ADDR=127.0.0.1:0 RUST_LOG="${RUST_LOG:-warn}" EC_ADMIN_API_KEY="$BENCH_KEY" \
  "$bin" > "$data/banner" 2> "$log" &
pid=$!
for _ in $(seq 100); do grep -q listening "$data/banner" 2>/dev/null && break; sleep 0.1; done
url=$(grep -o 'gateway=[^ ]*' "$data/banner" | cut -d= -f2)
[ -n "$url" ] || { cat "$log"; echo "platform did not start" >&2; exit 1; }

# Warm up connections and caches.
wrk -t1 -c4 -d2s -s bench/create_order.lua "$url/api/v1/orders" > /dev/null

out="${OUT:-bench/results/latest.md}"
{
  echo "# Create-order load benchmark"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, wrk on the same machine, ${DURATION} per level, release build."
  echo "Each request: POST /api/v1/orders (2 items) -> gateway -> order -> payment (+ webhook) -> notification."
  echo
  echo "| concurrency | orders/s | p50 ms | p99 ms | max ms | 2xx | non-2xx |"
  echo "|---:|---:|---:|---:|---:|---:|---:|"
} > "$out"
total_ok=0
for c in $LEVELS; do
  t=$(( c < 2 ? 1 : 2 ))
  res=$(wrk -t"$t" -c"$c" -d"$DURATION" --latency -s bench/create_order.lua "$url/api/v1/orders")
  rps=$(echo "$res" | awk '/Requests\/sec/ {print $2}')
  line=$(echo "$res" | grep '^RESULT')
  ok=$(echo "$line" | sed 's/.*ok=\([0-9]*\).*/\1/')
  failed=$(echo "$line" | sed 's/.*failed=\([0-9]*\).*/\1/')
  p50=$(echo "$line" | sed 's/.*p50_ms=\([0-9.]*\).*/\1/')
  p99=$(echo "$line" | sed 's/.*p99_ms=\([0-9.]*\).*/\1/')
  max=$(echo "$line" | sed 's/.*max_ms=\([0-9.]*\).*/\1/')
  echo "| $c | ${rps%.*} | $p50 | $p99 | $max | $ok | $failed |" >> "$out"
  echo "c=$c: $rps orders/s, p50 $p50 ms, p99 $p99 ms, 2xx $ok, other $failed" >&2
  total_ok=$((total_ok + ok))
done
# Requests still in flight when wrk stopped were answered to nobody but are
# stored all the same; give them a moment, then stop the platform cleanly.
sleep 1
kill -TERM "$pid"; wait "$pid" || true; pid=""
echo >> "$out"
python3 bench/check.py "$data" "$total_ok" | tee -a "$out" >&2
cat "$out"
