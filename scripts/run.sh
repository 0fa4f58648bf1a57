#!/usr/bin/env bash
# Starts the whole platform on this machine: builds the web admin and the
# all-in-one binary (release), then runs the order (8000), payment (8001) and
# notification (8002) services and the gateway with the web admin (8080).
# Data goes to ./data (EC_DATA_DIR). Every setting: target/release/ec-platform --help
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ -f web/package.json ]; then
  npm --prefix web run build
fi
cargo build --release --locked -p ec-platform
echo "Open http://${GATEWAY_ADDR:-127.0.0.1:8080}/ (web admin) - Ctrl-C stops." >&2
exec target/release/ec-platform "$@"
