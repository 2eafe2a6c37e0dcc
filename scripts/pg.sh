#!/usr/bin/env bash
# A private, throw-away PostgreSQL 15 for development and tests.
#
#   scripts/pg.sh start DIR PORT   initialise DIR if needed, start the server on
#                                  127.0.0.1:PORT, create database "rendicion",
#                                  print its DATABASE_URL on stdout
#   scripts/pg.sh stop DIR         stop the server whose data is in DIR (fast)
#
# Only the URL goes to stdout, so callers can write URL="$(scripts/pg.sh start …)".
set -euo pipefail

# Use Debian's binaries directly: /usr/local/bin may hold other versions/shims.
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
DB_NAME="rendicion"

# die, as_pg (every server-side command), make_traversable
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  echo "usage: $0 start DIR PORT | $0 stop DIR" >&2
  exit 2
}

# Port of the server currently running on DIR, if any (line 4 of postmaster.pid).
running_port() {
  local dir="$1"
  if [[ -f "$dir/postmaster.pid" ]] && as_pg "$PGBIN/pg_ctl" status -D "$dir" >/dev/null 2>&1; then
    sed -n 4p "$dir/postmaster.pid"
    return 0
  fi
  return 1
}

url_for() {
  echo "postgresql://postgres@127.0.0.1:$1/$DB_NAME"
}

cmd_start() {
  local dir="$1" port="$2"
  if ! [[ "$port" =~ ^[1-9][0-9]{0,4}$ ]] || ((port > 65535)); then
    die "bad port: $port"
  fi
  [[ -x "$PGBIN/pg_ctl" ]] || die "PostgreSQL 15 server not found in $PGBIN (run scripts/deps.sh)"

  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd -P)"
  [[ "$dir" != *"'"* ]] || die "data directory path must not contain a single quote: $dir"

  if [[ "$(id -u)" -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || die "user 'postgres' does not exist (install postgresql-15)"
    make_traversable "$dir"
    chown -R postgres:postgres "$dir"
  fi

  # Already running on this data directory (e.g. left over from a killed run):
  # reuse it rather than fail, and report the port it really listens on.
  local cur
  if cur="$(running_port "$dir")"; then
    echo "pg.sh: server already running on $dir (port $cur); reusing it" >&2
    url_for "$cur"
    return 0
  fi

  if [[ ! -f "$dir/PG_VERSION" ]]; then
    echo "pg.sh: initialising $dir" >&2
    # Trust auth is fine: the server listens on loopback only and is private.
    local out
    if ! out="$(as_pg "$PGBIN/initdb" -D "$dir" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=trust 2>&1)"; then
      echo "$out" >&2
      die "initdb failed"
    fi
    echo "include_if_exists = 'rendicion.conf'" >>"$dir/postgresql.conf"
  fi

  # The unix socket lives in DIR so that runs never collide with each other or
  # with a system cluster; sun_path is limited to 107 bytes, so fall back to
  # TCP only when DIR is too deep (clients here always use TCP anyway).
  local sockdir="$dir"
  if ((${#dir} + 20 > 100)); then
    sockdir=""
  fi

  # Rewritten at every start because the port changes between runs.
  # fsync & co. off: test data is disposable, and it makes migrations fast.
  cat >"$dir/rendicion.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$sockdir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
log_min_messages = warning
log_timezone = 'UTC'
timezone = 'UTC'
CONF
  [[ "$(id -u)" -ne 0 ]] || chown postgres:postgres "$dir/rendicion.conf"

  echo "pg.sh: starting PostgreSQL on 127.0.0.1:$port (data $dir)" >&2
  if ! as_pg "$PGBIN/pg_ctl" start -D "$dir" -l "$dir/server.log" -w -t 60 >&2; then
    tail -n 30 "$dir/server.log" >&2 2>/dev/null || true
    die "server did not start"
  fi

  # pg_ctl -w waits for the "ready" state; also wait until TCP connections work.
  local i
  for ((i = 0; i < 100; i++)); do
    if "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres; then
      break
    fi
    sleep 0.1
  done
  "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres ||
    die "server on port $port does not accept connections"

  local exists
  exists="$("$PGBIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -XAtq \
    -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")"
  if [[ "$exists" != "1" ]]; then
    "$PGBIN/createdb" -h 127.0.0.1 -p "$port" -U postgres -E UTF8 -T template0 "$DB_NAME"
  fi

  url_for "$port"
}

cmd_stop() {
  local dir="$1"
  # Nothing to stop: not a data directory, or no server running on it.
  [[ -d "$dir" ]] || return 0
  dir="$(cd "$dir" && pwd -P)"
  [[ -f "$dir/postmaster.pid" ]] || return 0
  if as_pg "$PGBIN/pg_ctl" status -D "$dir" >/dev/null 2>&1; then
    as_pg "$PGBIN/pg_ctl" stop -D "$dir" -m fast -w -t 60 >&2
  fi
}

[[ $# -ge 1 ]] || usage
case "$1" in
  start)
    [[ $# -eq 3 ]] || usage
    cmd_start "$2" "$3"
    ;;
  stop)
    [[ $# -eq 2 ]] || usage
    cmd_stop "$2"
    ;;
  *) usage ;;
esac
