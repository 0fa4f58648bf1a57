#!/usr/bin/env bash
# Cost of exporting traces: the create-order load at concurrency 16 with no
# OTLP endpoint, then with every span exported to a local collector
# (`ec-platform otlp-sink`). Writes bench/results/tracing.md.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --locked -p ec-platform >&2
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
target/release/ec-platform otlp-sink --addr 127.0.0.1:$port > /tmp/otlp-sink.out 2> /tmp/otlp-sink.err &
sink=$!
trap 'kill $sink 2>/dev/null || true' EXIT
sleep 0.5
run() { SKIP_BUILD=1 LEVELS=16 DURATION="${DURATION:-10s}" bench/run.sh 2>/dev/null | grep '^| 16 '; }
off=$(run)
on=$(OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$port run)
sleep 6
spans=$(grep -o '[0-9]* spans' /tmp/otlp-sink.err | tail -1)
{
  echo "# Tracing overhead"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, release all-in-one, create-order load at concurrency 16 (\`bench/tracing.sh\`)."
  echo
  echo "| export | orders/s | p50 ms | p99 ms | max ms | 2xx | non-2xx |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  echo "| off (no endpoint) ${off#| 16 }"
  echo "| every span by OTLP/gRPC ${on#| 16 }"
  echo
  echo "The collector received ${spans:-?} in the exported run (about 18 spans per order: HTTP, gRPC client and server for 4 hops, db.batch and SQL statements)."
} > bench/results/tracing.md
cat bench/results/tracing.md
