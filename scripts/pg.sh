# Sourced: a throwaway PostgreSQL cluster for tests and benchmarks.
#
#   source scripts/pg.sh; pg_start     # sets PG_URL (postgres://ec@127.0.0.1:PORT)
#   pg_stop                            # also run at exit by the caller's trap
#
# Debian's postgresql package (scripts/setup.sh installs it when missing);
# initdb into a temp directory as an unprivileged user (PostgreSQL refuses
# to run as root: `postgres` when we are root, else ourselves), on a free
# loopback port, trust auth for that loopback only. Nothing preinstalled or
# already running is used.

pg_bin() {
  local initdb
  initdb=$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1)
  [ -n "$initdb" ] || { echo "pg.sh: no PostgreSQL server binaries (run scripts/setup.sh)" >&2; return 1; }
  dirname "$initdb"
}

pg_as() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# FSYNC=off (tests): durability across a power loss is not what a test
# checks, and fsync per commit would only slow the suite down.
pg_start() {
  local bin port
  bin=$(pg_bin) || return 1
  PG_DIR=$(mktemp -d /tmp/ec-pg.XXXXXX)
  chmod 755 "$PG_DIR"
  [ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  pg_as "$bin/initdb" -D "$PG_DIR/data" -U ec --auth=trust -E UTF8 --no-locale >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  pg_as "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR -c max_connections=400 -c fsync=${FSYNC:-on} -c shared_buffers=256MB ${PG_OPTS:-}" \
    start >/dev/null || { cat "$PG_DIR/server.log" >&2; return 1; }
  PG_URL="postgres://ec@127.0.0.1:$port"
  export PG_URL PG_DIR
  echo "pg.sh: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on $PG_URL (data in $PG_DIR)" >&2
}

pg_stop() {
  [ -n "${PG_DIR:-}" ] || return 0
  local bin
  bin=$(pg_bin) && pg_as "$bin/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
  PG_DIR=""
}
