#!/usr/bin/env bash
# Bulk import benchmark: the three services and the gateway as separate
# release processes (so each one's memory is its own), a 10,000-row CSV
# uploaded through the gateway, then:
#   - wall time from upload to "completed" (every order paid, every
#     confirmation queued);
#   - peak RSS (VmHWM) of each process;
#   - notification delivery throughput at the default 10/s, and with the
#     limit raised (notification service restarted on the same queue).
# Writes bench/results/import.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${ROWS:-10000}"
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --locked -p order-service -p payment-service -p notification-service -p gateway >&2
bin=target/release
data=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
O=$(port); P=$(port); N=$(port); G=$(port)
# Every call signs in with an API key, as a real client's would.
BENCH_KEY="sk_bench_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
auth="authorization: Bearer $BENCH_KEY"
export EC_DATA_DIR="$data" RUST_LOG=warn ORDER_URL=http://127.0.0.1:$O PAYMENT_URL=http://127.0.0.1:$P NOTIFICATION_URL=http://127.0.0.1:$N
start_notification() {
  "$bin/notification-service" --notification-addr 127.0.0.1:$N --metrics-addr 127.0.0.1:0 "$@" 2>>"$data/notification.log" &
  npid=$!; pids+=("$npid")
}
"$bin/payment-service" --payment-addr 127.0.0.1:$P --metrics-addr 127.0.0.1:0 2>"$data/payment.log" & ppid=$!; pids+=("$ppid")
start_notification
"$bin/order-service" --order-addr 127.0.0.1:$O --metrics-addr 127.0.0.1:0 2>"$data/order.log" & opid=$!; pids+=("$opid")
EC_ADMIN_API_KEY="$BENCH_KEY" "$bin/gateway" --gateway-addr 127.0.0.1:$G --metrics-addr 127.0.0.1:0 2>"$data/gateway.log" & gpid=$!; pids+=("$gpid")
url=http://127.0.0.1:$G
# Ready once the gateway answers a call that needs the order service.
for _ in $(seq 300); do curl -sf -H "$auth" "$url/api/v1/orders/imports" >/dev/null && break; sleep 0.1; done

python3 bench/gen_orders_csv.py "$ROWS" > "$data/orders.csv"
t0=$(date +%s.%N)
id=$(curl -sf -X POST "$url/api/v1/orders/imports?file_name=bench.csv" -H "$auth" -H 'content-type: text/csv' \
       --data-binary @"$data/orders.csv" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
while :; do
  status=$(curl -sf -H "$auth" "$url/api/v1/orders/imports/$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')
  case "$status" in queued|running) sleep 0.05 ;; *) break ;; esac
done
t1=$(date +%s.%N)
summary=$(curl -sf -H "$auth" "$url/api/v1/orders/imports/$id")
wall=$(python3 -c "print(f'{$t1-$t0:.2f}')")
rss() { awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }
r_order=$(rss $opid); r_pay=$(rss $ppid); r_note=$(rss $npid); r_gw=$(rss $gpid)

sent() { curl -sf -H "$auth" "$url/api/v1/notifications/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["sent"])'; }
s0=$(sent); sleep 10; s1=$(sent)
default_rate=$(python3 -c "print(f'{($s1-$s0)/10:.1f}')")
kill "$npid"; wait "$npid" 2>/dev/null || true
start_notification --notify-rate-per-sec 100000 --notify-burst 1000
for _ in $(seq 300); do curl -sf -H "$auth" "$url/api/v1/notifications/stats" >/dev/null && break; sleep 0.1; done
s0=$(sent); sleep 5; s1=$(sent)
raised_rate=$(python3 -c "print(f'{($s1-$s0)/5:.0f}')")

out=bench/results/import.md
{
  echo "# Bulk import benchmark"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, release build, each service its own process, \`bench/import.sh\`."
  echo
  echo "| what | result |"
  echo "|---|---|"
  echo "| $ROWS-row CSV, upload to every order paid and every confirmation queued | **${wall} s** |"
  echo "| import | $(echo "$summary" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("%s: %d orders, %d rows paid, %d refused, %d JPY, %d confirmations queued" % (d["status"], d["orders_created"], d["succeeded_rows"], d["failed_rows"], d["payments_total_amount"], d["notifications_queued"]))') |"
  echo "| peak RSS (VmHWM) order / payment / notification / gateway | ${r_order} / ${r_pay} / ${r_note} / ${r_gw} MB |"
  echo "| notification delivery at the default limit (10/s, burst 10) | ${default_rate} /s |"
  echo "| notification delivery with the limit raised (100,000/s, burst 1,000) | ${raised_rate} /s |"
} > "$out"
cat "$out"
