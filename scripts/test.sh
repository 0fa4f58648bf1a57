#!/usr/bin/env bash
# Runs every check and every test: formatting, lints, proto lint, the Rust
# unit and end-to-end suites, and the web admin's lint, type check, unit tests
# and browser end-to-end tests. This is what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n\033[1;32m==> %s\033[0m\n' "$*" >&2; }

step "setup"
scripts/setup.sh

step "proto: buf lint"
tools/node_modules/.bin/buf lint

step "deploy: compose and Kubernetes files (offline checks)"
python3 deploy/validate.py

step "rust: cargo fmt --check"
cargo fmt --all -- --check

step "rust: cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "rust: unit and end-to-end tests on SQLite (real servers, real gRPC/HTTP)"
cargo nextest run --workspace --locked --no-fail-fast

step "rust: the same suite on PostgreSQL (a throwaway cluster started here)"
# shellcheck source=scripts/pg.sh
source scripts/pg.sh
trap pg_stop EXIT
FSYNC=off pg_start
EC_TEST_DATABASE_URL="$PG_URL" cargo nextest run --workspace --locked --no-fail-fast

step "replicas: two of every service on PostgreSQL under load, one of each SIGKILLed"
cargo build --locked --bins
python3 scripts/replicas_test.py --pg "$PG_URL" --bin target/debug

step "api: schemathesis against the gateway's OpenAPI document (bounded; zero failures)"
cargo build --locked -p ec-platform
scripts/schemathesis.sh target/debug/ec-platform

if [ -f web/package.json ]; then
  step "web: lint, type check, unit tests, build"
  npm --prefix web run lint
  npm --prefix web run typecheck
  npm --prefix web test
  npm --prefix web run build

  step "web: end-to-end in headless Chromium against the real platform"
  # The SPA was just built above.
  E2E_SKIP_BUILD=1 EC_PLATFORM_BIN="$PWD/target/debug/ec-platform" npm --prefix web run e2e
fi
step "all checks passed"
