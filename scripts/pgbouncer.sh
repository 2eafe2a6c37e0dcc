#!/usr/bin/env bash
# A private PgBouncer in transaction mode in front of a private PostgreSQL (scripts/pg.sh),
# for the tests that prove the service behind a pooler (make test-pgbouncer, test-cluster).
#
#   scripts/pgbouncer.sh start DIR PORT PG_PORT [SERVER_CONNECTIONS]
#       writes DIR/pgbouncer.ini, starts PgBouncer on 127.0.0.1:PORT in the background
#       (pool_mode = transaction, SERVER_CONNECTIONS per database and user, default 4),
#       prints the DATABASE_URL through it (database "rendicion") on stdout
#   scripts/pgbouncer.sh stop DIR
#
# Every database of the server is reachable through it (a "*" entry): a test may create
# its own. Trust authentication, loopback only, as scripts/pg.sh's server.
set -euo pipefail

# die, as_pg (PgBouncer too refuses to run as root), make_traversable
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  echo "usage: $0 start DIR PORT PG_PORT [SERVER_CONNECTIONS] | $0 stop DIR" >&2
  exit 2
}

cmd_start() {
  local dir="$1" port="$2" pg_port="$3" size="${4:-4}"
  command -v pgbouncer >/dev/null 2>&1 || die "pgbouncer not installed (run scripts/deps.sh)"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd -P)"
  if [[ "$(id -u)" -eq 0 ]]; then
    make_traversable "$dir"
    chown postgres:postgres "$dir"
  fi
  echo '"postgres" ""' >"$dir/userlist.txt"
  # ignore_startup_parameters: libpq's extra_float_digits from some clients (psql, pg_dump).
  # server_reset_query is never run in transaction mode: nothing a client SETs is undone,
  # which is why the service sets nothing on its sessions there (service/db/session.c).
  cat >"$dir/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=$pg_port
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
auth_file = $dir/userlist.txt
admin_users = postgres
pool_mode = transaction
default_pool_size = $size
max_client_conn = 2000
max_db_connections = $size
ignore_startup_parameters = extra_float_digits
server_check_delay = 0
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
INI
  [[ "$(id -u)" -ne 0 ]] || chown postgres:postgres "$dir/userlist.txt" "$dir/pgbouncer.ini"
  as_pg pgbouncer -d -q "$dir/pgbouncer.ini" || die "pgbouncer did not start (log: $dir/pgbouncer.log)"
  local i
  for ((i = 0; i < 100; i++)); do
    if psql "postgresql://postgres@127.0.0.1:$port/rendicion" -XAtqc 'SELECT 1' >/dev/null 2>&1; then
      echo "postgresql://postgres@127.0.0.1:$port/rendicion"
      return 0
    fi
    sleep 0.1
  done
  tail -n 20 "$dir/pgbouncer.log" >&2 2>/dev/null || true
  die "pgbouncer on port $port does not pass connections through"
}

cmd_stop() {
  local dir="$1" pid
  [[ -f "$dir/pgbouncer.pid" ]] || return 0
  pid="$(cat "$dir/pgbouncer.pid")"
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

[[ $# -ge 1 ]] || usage
case "$1" in
  start) [[ $# -eq 4 || $# -eq 5 ]] || usage; cmd_start "$2" "$3" "$4" "${5:-}" ;;
  stop) [[ $# -eq 2 ]] || usage; cmd_stop "$2" ;;
  *) usage ;;
esac
