#!/usr/bin/env bash
# Chaos run of the create-order flow: the three services and the gateway as
# separate processes, wrk creating orders at concurrency 16 the whole time,
# and every process SIGKILLed in turn (payment, notification, order,
# gateway), kept down DOWN s and started again on the same address, data
# and configuration. Then:
#   - the time until no order is pending / payment_processing any more,
#     counted from the last restart ("settled N.N s after the last restart";
#     polled through the gateway every 100 ms once the load has stopped, so
#     the load's tail after the last restart, ~3 s by default, counts too);
#   - bench/check.py on the stopped platform's databases: every 2xx answer's
#     own order is paid, with exactly one payment and one ORDER_CONFIRMATION;
#     no order ended payment_failed (or cancelled); answers by status, orders
#     by final status, payments and confirmations per order.
#
#   BIN_DIR=/work/bin/dev1 bench/chaos.sh     # prebuilt binaries, no build
#   bench/chaos.sh                            # builds target/release first
#   DOWN=5 PAUSE=3 KILLS="order payment" BIN_DIR=... OUT=bench/results/x.md bench/chaos.sh
#
# Environment: BIN_DIR (gateway, order-service, payment-service,
# notification-service; default target/release, built unless SKIP_BUILD),
# START (s of load before the first kill, 5), DOWN (s each process stays
# down, 2), PAUSE (s from a restarted process being ready to the next kill,
# 3), DURATION (s of load in all; default START + DOWN and PAUSE per kill + 3;
# never less than 1 s after the last restart), KILLS (the order of the
# kills), CONNECTIONS (16), RUST_LOG (warn), OUT (bench/results/chaos.md),
# KEEP=1 (keep the run directory, with each process's log, wrk's output and
# the databases; it is kept anyway when a target is missed).
#
# A gateway kill is different in kind: the clients' own connections die.
# Requests in flight on them get no answer (wrk: read errors; their orders
# are still stored and paid: the order service runs each flow to its end
# whoever hung up), and while the gateway is down every connect is refused
# (wrk reconnects at once and counts each refused connect as a "write"
# error, so they pile up by the hundred thousand in 2 s). Those are
# connection errors, not failed orders. To count them apart from any other
# socket error, wrk runs in segments: a new one starts 1 s before each
# gateway kill and another 1 s after the gateway is ready again; socket
# errors of a gateway segment are the gateway kill's, those of the other
# segments would be a finding. (Each switch leaves ~0.1 s without load.)
#
# Targets (the exit status is 1 if one is missed): no order ends in a
# failure state; every 2xx answer is a paid order with exactly one payment
# and one confirmation; settled within 5 s of the last restart.
set -euo pipefail
cd "$(dirname "$0")/.."
START="${START:-5}"
DOWN="${DOWN:-2}"
PAUSE="${PAUSE:-3}"
KILLS="${KILLS:-payment notification order gateway}"
CONNECTIONS="${CONNECTIONS:-16}"
SETTLE_TARGET_MS=5000
nkills=$(wc -w <<< "$KILLS")
DURATION="${DURATION:-$(( START + nkills * DOWN + (nkills - 1) * PAUSE + 3 ))}"
out="${OUT:-bench/results/chaos.md}"
bin="${BIN_DIR:-target/release}"
if [ -z "${BIN_DIR:-}${SKIP_BUILD:-}" ]; then
  cargo build --release --locked -p order-service -p payment-service -p notification-service -p gateway >&2
fi
for b in gateway order-service payment-service notification-service; do
  [ -x "$bin/$b" ] || { echo "no $bin/$b (set BIN_DIR)" >&2; exit 2; }
done
command -v wrk >/dev/null || scripts/setup.sh
export BENCH_KEY="sk_bench_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"

run=$(mktemp -d -t ec-chaos.XXXXXX)
data="$run/data"
mkdir -p "$data"
declare -A pid=()
wrk_pid=""
keep="${KEEP:-}"
cleanup() {
  [ -n "$wrk_pid" ] && kill -INT "$wrk_pid" 2>/dev/null
  for p in "${pid[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for _ in $(seq 100); do
    alive=""
    for p in "${pid[@]}" $wrk_pid; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ -z "$alive" ] && break
    sleep 0.1
  done
  for p in "${pid[@]}" $wrk_pid; do kill -KILL "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "$keep" ]; then echo "run directory kept: $run" >&2; else rm -rf "$run"; fi
}
trap cleanup EXIT

ms() { echo $(( $(date +%s%N) / 1000000 )); }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1000 }'; }
sleep_until() { local d=$(( $1 - $(ms) )); [ "$d" -le 0 ] || sleep "$(awk -v d="$d" 'BEGIN { printf "%.3f", d / 1000 }')"; }

# Fixed addresses, picked once, so a restarted process comes back where the
# others look for it.
ports=$(python3 -c '
import socket
ss = [socket.socket() for _ in range(4)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')
read -r O P N G <<< "$ports"
url="http://127.0.0.1:$G"
export EC_DATA_DIR="$data" RUST_LOG="${RUST_LOG:-warn}" NO_COLOR=1 METRICS_ADDR=127.0.0.1:0 \
  ORDER_URL="http://127.0.0.1:$O" PAYMENT_URL="http://127.0.0.1:$P" NOTIFICATION_URL="http://127.0.0.1:$N"

# start NAME: the process, on its address, its log appended to.
start() {
  local name=$1
  echo "=== $(date -u +%H:%M:%S.%3N) start" >> "$run/$name.log"
  case $name in
    payment) "$bin/payment-service" --payment-addr "127.0.0.1:$P" 2>>"$run/$name.log" & ;;
    notification) "$bin/notification-service" --notification-addr "127.0.0.1:$N" 2>>"$run/$name.log" & ;;
    order) "$bin/order-service" --order-addr "127.0.0.1:$O" 2>>"$run/$name.log" & ;;
    gateway) EC_ADMIN_API_KEY="$BENCH_KEY" WEB_DIR=/nonexistent \
      "$bin/gateway" --gateway-addr "127.0.0.1:$G" 2>>"$run/$name.log" & ;;
    *) echo "unknown process $name" >&2; exit 2 ;;
  esac
  pid[$name]=$!
}
# Ready: the gateway answers and all three services pass its health checks.
wait_ready() {
  for _ in $(seq 600); do
    curl -sf -o /dev/null --max-time 1 "$url/readyz" && return 0
    sleep 0.05
  done
  echo "the platform did not become ready" >&2; tail -5 "$run"/*.log >&2; exit 1
}
# kill9 NAME: SIGKILL, the time in $killed.
kill9() {
  local name=$1
  killed=$(ms)
  kill -KILL "${pid[$name]}"
  echo "=== $(date -u -d "@${killed:0:-3}.${killed: -3}" +%H:%M:%S.%3N) SIGKILL" >> "$run/$name.log"
  wait "${pid[$name]}" 2>/dev/null || true
  unset "pid[$name]"
}

# wrk segments: each one a wrk run stopped by SIGINT (which prints its
# summary and the script's RESULT line as at the end of -d).
seg=0
declare -a seg_label=()
wrk_start() {
  seg=$((seg + 1))
  seg_label[$seg]=$1
  CHAOS_ANSWERS="$run/answers.$seg" wrk -t2 -c"$CONNECTIONS" -d3600s --timeout 60s --latency \
    -s bench/chaos.lua "$url/api/v1/orders" > "$run/wrk.$seg.out" 2>&1 &
  wrk_pid=$!
}
wrk_stop() {
  kill -INT "$wrk_pid"
  wait "$wrk_pid" || { echo "wrk failed:" >&2; cat "$run/wrk.$seg.out" >&2; exit 1; }
  wrk_pid=""
}

for name in payment notification order gateway; do start "$name"; done
wait_ready
# Warm up connections, as bench/run.sh does (these orders are checked too).
CHAOS_ANSWERS="$run/answers.0" wrk -t1 -c4 -d2s -s bench/chaos.lua "$url/api/v1/orders" > "$run/wrk.0.out"

t0=$(ms)
wrk_start normal
echo "load: wrk c=$CONNECTIONS for ${DURATION} s; kills: $KILLS (down ${DOWN} s, pause ${PAUSE} s)" >&2
: > "$run/events"
next=$(( t0 + START * 1000 ))
last_restart=0
for name in $KILLS; do
  if [ "$name" = gateway ]; then
    sleep_until $(( next - 1000 ))
    wrk_stop; wrk_start gateway
  fi
  sleep_until "$next"
  kill9 "$name"
  echo "  $(secs "$t0" "$killed") s: SIGKILL $name" >&2
  sleep "$DOWN"
  restarted=$(ms); start "$name"
  wait_ready
  ready=$(ms)
  echo "  $(secs "$t0" "$restarted") s: $name started again, ready $(( ready - restarted )) ms later" >&2
  echo "$name $killed $restarted $ready" >> "$run/events"
  last_restart=$restarted
  next=$(( ready + PAUSE * 1000 ))
  if [ "$name" = gateway ]; then
    sleep_until $(( ready + 1000 ))
    wrk_stop; wrk_start normal
  fi
done
end=$(( t0 + DURATION * 1000 ))
[ "$end" -ge $(( last_restart + 1000 )) ] || end=$(( last_restart + 1000 ))
sleep_until "$end"
wrk_stop
stopped=$(ms)
echo "  $(secs "$t0" "$stopped") s: load stopped" >&2

# Settled: no order pending or payment_processing (polled through the
# gateway, every 100 ms, for at most 60 s).
settled=""
left=""
while [ "$(ms)" -lt $(( stopped + 60000 )) ]; do
  asked=$(ms)
  left=$(curl -sf --max-time 2 -H "Authorization: Bearer $BENCH_KEY" "$url/api/v1/orders/stats" |
    python3 -c 'import json,sys; s=json.load(sys.stdin)["by_status"]; print(s["pending"] + s["payment_processing"])' ||
    echo "?")
  if [ "$left" = 0 ]; then settled=$asked; break; fi
  sleep 0.1
done
if [ -n "$settled" ]; then
  settle_ms=$(( settled - last_restart ))
  settle_text="settled $(secs 0 "$settle_ms") s after the last restart ($(secs "$stopped" "$settled") s after the load stopped)"
else
  settle_ms=999999
  settle_text="NOT settled 60 s after the load stopped ($left orders still pending or payment_processing)"
fi
echo "$settle_text" >&2

# Stop everything gracefully, then read the databases.
for name in "${!pid[@]}"; do kill -TERM "${pid[$name]}"; done
for name in "${!pid[@]}"; do
  for _ in $(seq 200); do kill -0 "${pid[$name]}" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "${pid[$name]}" 2>/dev/null; then
    echo "$name did not stop within 20 s of SIGTERM; killed" >&2
    kill -KILL "${pid[$name]}"
  fi
  wait "${pid[$name]}" 2>/dev/null || true
  unset "pid[$name]"
done

# wrk's figures, per segment.
field() { sed -n "s/.*$2[= ]\([0-9.]*\).*/\1/p" <<< "$1" | head -1; }
seg_rows=""
sock_gw=0
sock_other=0
reqs=0
for i in $(seq 1 "$seg"); do
  w=$(cat "$run/wrk.$i.out")
  n=$(sed -n 's/^ *\([0-9]*\) requests in \([0-9.]*[a-z]*\).*/\1/p' <<< "$w")
  span=$(sed -n 's/^ *[0-9]* requests in \([0-9.]*[a-z]*\).*/\1/p' <<< "$w")
  line=$(grep '^RESULT' <<< "$w")
  se=$(sed -n 's/^ *Socket errors: \(.*\)$/\1/p' <<< "$w")
  se_total=0
  if [ -n "$se" ]; then
    for v in $(grep -o '[0-9]\+' <<< "$se"); do se_total=$((se_total + v)); done
  fi
  if [ "${seg_label[$i]}" = gateway ]; then sock_gw=$((sock_gw + se_total)); else sock_other=$((sock_other + se_total)); fi
  reqs=$((reqs + n))
  seg_rows+="| $i | ${seg_label[$i]} | $span | $n | $(field "$line" ok) | $(field "$line" failed) | ${se:-none} | $(field "$line" p50_ms) | $(field "$line" p99_ms) | $(field "$line" max_ms) |"$'\n'
done

# The restarts.
ev_rows=""
while read -r name killed restarted ready; do
  ev_rows+="| $name | $(secs "$t0" "$killed") | $(secs "$t0" "$restarted") | $(secs "$t0" "$ready") | $(( ready - restarted )) |"$'\n'
done < "$run/events"

# What the logs say: WARN / ERROR lines per process, by message.
log_rows=""
for name in payment notification order gateway; do
  w=$(grep -c ' WARN ' "$run/$name.log" || true)
  e=$(grep -c ' ERROR ' "$run/$name.log" || true)
  top=$(grep -E ' (WARN|ERROR) ' "$run/$name.log" | sed -E 's/\x1b\[[0-9;]*m//g; s/^[^ ]+ +//; s/[0-9]+/N/g' |
    cut -c1-160 | sort | uniq -c | sort -rn | head -3 | sed -E 's/^ *([0-9]+) (.*)/\1x `\2`/; s/\|/\\|/g' | paste -sd';' - | sed 's/;/; /g' || true)
  log_rows+="| $name | $w | $e | ${top:-} |"$'\n'
done

# The outboxes' events, by status, at the end.
outbox=$(for db in order payment; do
  e=$(sqlite3 "$data/${db}_service.db" \
    "SELECT group_concat(status || ' ' || n, ', ') FROM (SELECT status, COUNT(*) n FROM outbox_events GROUP BY status)" 2>/dev/null || true)
  printf '%s service %s; ' "$db" "${e:-none}"
done)

set +e
check=$(python3 bench/check.py "$data" --answers "$run"/answers.* --events "$run/events" --markdown)
check_rc=$?
set -e

failed_orders=$(sqlite3 "$data/order_service.db" "SELECT COUNT(*) FROM orders WHERE status IN ('payment_failed', 'cancelled')")
t_fail=$([ "$failed_orders" = 0 ] && echo met || echo MISSED)
t_paid=$(grep -q 'answered 2xx are not paid\|answered 2xx more than once' <<< "$check" && echo MISSED || echo met)
t_settle=$([ "$settle_ms" -le "$SETTLE_TARGET_MS" ] && echo met || echo MISSED)

mkdir -p "$(dirname "$out")"
{
  echo "# Chaos run: SIGKILL each process under create-order load"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores (shared), binaries \`$bin\`, \`bench/chaos.sh\`."
  echo "Four processes apart (order, payment, notification, gateway) on fixed loopback ports, one data directory,"
  echo "RUST_LOG=$RUST_LOG; wrk -c$CONNECTIONS creating orders (POST /api/v1/orders, API key) for ${DURATION} s; from ${START} s on"
  echo "each of \`$KILLS\` SIGKILLed in turn, down ${DOWN} s, started again with the same configuration, ${PAUSE} s pause after it is ready."
  echo
  echo "| target | result | |"
  echo "|---|---|---|"
  echo "| no order ends in a failure state | $failed_orders orders payment_failed or cancelled | **$t_fail** |"
  echo "| every 2xx answer: a paid order, exactly one payment, exactly one confirmation | see check below | **$t_paid** |"
  echo "| settled within 5 s of the last restart | $settle_text | **$t_settle** |"
  echo
  echo "Restarts (s since the load started; ready = the gateway's /readyz answers 200):"
  echo
  echo "| process | SIGKILL at | started again at | ready at | start to ready ms |"
  echo "|---|---:|---:|---:|---:|"
  printf '%s' "$ev_rows"
  echo
  echo "Load, per wrk segment (a gateway segment spans its kill, from 1 s before to 1 s after it is ready again):"
  echo
  echo "| segment | kind | length | requests | 2xx | non-2xx | socket errors | p50 ms | p99 ms | max ms |"
  echo "|---:|---|---:|---:|---:|---:|---|---:|---:|---:|"
  printf '%s' "$seg_rows"
  echo
  echo "$reqs requests answered in all (wrk). Socket errors: $sock_gw in the gateway segments (\"read\": requests in flight"
  echo "on connections that died with the gateway; \"write\": wrk's immediate reconnects, refused while it was down;"
  echo "connection errors, not order failures: the orders in flight were still stored and paid), $sock_other in the others."
  echo
  echo "Answers and orders (bench/check.py; includes the 2 s warm-up before the load):"
  echo
  echo "$check"
  echo
  echo "Outbox events at the end, by status: ${outbox%; }."
  echo
  echo "Log lines at WARN / ERROR and the commonest ones:"
  echo
  echo "| process | WARN | ERROR | commonest |"
  echo "|---|---:|---:|---|"
  printf '%s' "$log_rows"
} > "$out"
cat "$out"
if [ "$t_fail$t_paid$t_settle" != metmetmet ] || [ "$check_rc" != 0 ]; then
  keep=1
  echo "a target was missed; logs and databases are in $run" >&2
  exit 1
fi
