#!/usr/bin/env bash
# Notification delivery throughput at a raised limit: COUNT notifications are
# queued (gRPC EnqueueNotifications, 1,000 a call) on an all-in-one platform
# whose limit lets nothing through, then the platform is restarted on the
# same queue with the limit raised and the log sender (the embedded
# default), logging at the default level (info: one line per delivery), and
# the queue is drained.
#
#   bench/delivery.sh                          # 50,000 at 100,000/s, burst 1,000
#   COUNT=20000 RATE=100000 BURST=10 bench/delivery.sh
#   BIN=path/to/ec-platform OUT=bench/results/x.md bench/delivery.sh   # another build
#
# delivered/s is measured two ways: from the platform's own record (the
# sent_at of the first and last delivery, read from notification_service.db
# after it stopped), and from GET /api/v1/notifications/stats polled from
# outside (restart to empty queue, so it includes start-up).
# Writes bench/results/delivery.md (or OUT).
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT="${COUNT:-50000}"
RATE="${RATE:-100000}"
BURST="${BURST:-1000}"
bin="${BIN:-target/release/ec-platform}"
[ -n "${SKIP_BUILD:-}${BIN:-}" ] || cargo build --release --locked -p ec-platform >&2
command -v grpcurl >/dev/null || scripts/setup.sh
key="sk_bench_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"

data=$(mktemp -d)
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT

# start RATE BURST: the platform on $data, its addresses in $gw and $ns.
start() {
  EC_DATA_DIR="$data" GATEWAY_ADDR=127.0.0.1:0 ORDER_ADDR=127.0.0.1:0 PAYMENT_ADDR=127.0.0.1:0 \
    NOTIFICATION_ADDR=127.0.0.1:0 METRICS_ADDR=127.0.0.1:0 EC_ADMIN_API_KEY="$key" WEB_DIR=/nonexistent \
    NOTIFY_RATE_PER_SEC="$1" NOTIFY_BURST="$2" "$bin" > "$data/banner" 2>> "$data/platform.log" &
  pid=$!
  for _ in $(seq 300); do grep -q listening "$data/banner" 2>/dev/null && break; sleep 0.05; done
  gw=$(grep -o 'gateway=[^ ]*' "$data/banner" | cut -d= -f2)
  ns=$(grep -o 'notification=[^ ]*' "$data/banner" | cut -d= -f2 | sed 's|http://||')
  [ -n "$gw" ] || { tail -20 "$data/platform.log"; echo "platform did not start" >&2; exit 1; }
}
stop() { kill -TERM "$pid"; wait "$pid" || true; pid=""; }
stats() { curl -sf -H "Authorization: Bearer $key" "$gw/api/v1/notifications/stats"; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

# 1. Queue COUNT while (almost) nothing is delivered.
start 0.001 1
t0=$(date +%s.%N)
python3 - "$COUNT" "$data/chunks" <<'EOF'
import json, os, sys
count, out = int(sys.argv[1]), sys.argv[2]
os.makedirs(out)
for start in range(0, count, 1000):
    items = [{"channel": "CHANNEL_EMAIL", "order_id": i + 1, "recipient": f"customer{i + 1}@example.jp",
              "template": "ORDER_SHIPPED", "idempotency_key": f"bench-{i + 1}",
              "variables": {"customer_name": "山田 太郎", "order_id": str(i + 1)}}
             for i in range(start, min(start + 1000, count))]
    with open(os.path.join(out, f"{start:08d}.json"), "w") as f:
        json.dump({"batch_id": "bench-delivery", "items": items}, f, ensure_ascii=False)
EOF
for f in "$data"/chunks/*.json; do
  grpcurl -plaintext -d @ "$ns" ec.notification.v1.NotificationService/EnqueueNotifications < "$f" > /dev/null
done
t1=$(date +%s.%N)
queued=$(stats | field queued)
echo "queued $queued in $(python3 -c "print(round($t1 - $t0, 2))") s" >&2
stop

# 2. The same queue, the limit raised: drain it.
log_lines_before=$(wc -l < "$data/platform.log")
t2=$(date +%s.%N)
start "$RATE" "$BURST"
sent0=$(stats | field sent)
while :; do
  left=$(stats | field queued)
  [ "$left" -eq 0 ] && break
  sleep 0.2
done
t3=$(date +%s.%N)
sent1=$(stats | field sent)
stop
log_lines=$(( $(wc -l < "$data/platform.log") - log_lines_before ))

# The platform's own record: first and last sent_at of this run's deliveries.
read -r own n_own < <(python3 - "$data/notification_service.db" "$t2" <<'EOF'
import sqlite3, sys
from datetime import datetime, timezone
db = sqlite3.connect(sys.argv[1])
rows = [r[0] for r in db.execute(
    "SELECT sent_at FROM notifications WHERE status = 'sent' AND batch_id = 'bench-delivery' ORDER BY sent_at")]
# Only this run's: the first phase may have let one through.
since = datetime.fromtimestamp(float(sys.argv[2]), timezone.utc)
t = [x for x in (datetime.fromisoformat(r.replace("Z", "+00:00")) for r in rows) if x >= since]
span = (t[-1] - t[0]).total_seconds() if len(t) > 1 else 0
print(round((len(t) - 1) / span) if span > 0 else 0, len(t))
EOF
)
wall=$(python3 -c "print(round($t3 - $t2, 2))")
outside=$(python3 -c "print(round(($sent1 - $sent0) / ($t3 - $t2)))")

out="${OUT:-bench/results/delivery.md}"
{
  echo "# Notification delivery benchmark"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, \`$(basename "$bin")\`, all-in-one, log sender, RUST_LOG ${RUST_LOG:-unset (info)}, \`bench/delivery.sh\`."
  echo
  echo "| what | result |"
  echo "|---|---|"
  echo "| queued first (EnqueueNotifications, 1,000 a call) | $queued |"
  echo "| limit | NOTIFY_RATE_PER_SEC=$RATE, NOTIFY_BURST=$BURST |"
  echo "| delivered/s, first to last sent_at ($n_own deliveries) | **$own /s** |"
  echo "| delivered/s seen from outside (restart to empty queue, $wall s) | $outside /s |"
  echo "| log lines written while draining | $log_lines |"
} > "$out"
cat "$out"
