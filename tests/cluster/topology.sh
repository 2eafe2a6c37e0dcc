# The topology of docker/compose.yaml as processes on this machine (sourced by
# tests/cluster/run.sh and bench/soak.sh): a private PostgreSQL, PgBouncer in transaction
# mode in front of it, two replicas of the service whose request pools go through
# PgBouncer (their LISTEN sessions direct), and HAProxy balancing between them with a
# health check on /ready. All on loopback, on free ports.
#
#   cluster_up BINARY DIR    starts it all (DIR: a fresh directory of this run)
#   cluster_down             stops whatever cluster_up started (safe to call twice)
#   replica_start N          (re)starts replica N (1 or 2) on its port
#
# cluster_up exports DATABASE_URL (PostgreSQL itself), PGBOUNCER_URL, PROXY_URL,
# REPLICA1_URL, REPLICA2_URL, REPLICA1_PID, REPLICA2_PID, HAPROXY_PID, PGDATA_DIR, PG_PORT,
# BINARY, JWT_SECRET, JWT_ISSUER, JWT_AUDIENCE.

CLUSTER_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
CLUSTER_DIR=""
CLUSTER_PG=0
CLUSTER_BOUNCER=0
# PgBouncer's server connections: the replicas hold 2 × DB_POOL_SIZE client connections.
CLUSTER_SERVER_CONNECTIONS="${CLUSTER_SERVER_CONNECTIONS:-6}"

cluster_log() { echo "cluster: $*" >&2; }

wait_ready() { # URL PID: 0 once URL/ready answers 200, 1 if PID died or 10 s passed
  local i
  for i in $(seq 100); do
    kill -0 "$2" 2>/dev/null || return 1
    curl -fsS -o /dev/null --max-time 1 "$1/ready" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

replica_start() {
  local n="$1" port_var="REPLICA${1}_PORT" pid
  # Behind the proxy every connection comes from the proxy's address: the per-address
  # cap must not be the first limit met, and the login throttle counts by the X-Real-IP
  # the proxy sets (README, Beyond one machine).
  env DATABASE_URL="$PGBOUNCER_URL" LISTEN_DATABASE_URL="$DATABASE_URL" DB_POOL_MODE=transaction \
    DB_POOL_SIZE="${REPLICA_POOL_SIZE:-3}" HOST=127.0.0.1 PORT="${!port_var}" LOG_LEVEL=warn \
    MAX_CONNECTIONS_PER_ADDRESS=100000 REGISTRATIONS_PER_HOUR=1000000 TRUSTED_PROXIES=127.0.0.1 \
    "$BINARY" serve >>"$CLUSTER_DIR/replica$n.log" 2>&1 &
  pid=$!
  export "REPLICA${n}_PID=$pid"
  wait_ready "http://127.0.0.1:${!port_var}" "$pid" ||
    { tail -n 20 "$CLUSTER_DIR/replica$n.log" >&2; cluster_log "replica $n did not start"; return 1; }
}

cluster_up() {
  BINARY="$1"
  CLUSTER_DIR="$2"
  export BINARY
  export JWT_SECRET="${JWT_SECRET:-cluster-test-secret-0123456789abcdefghijklmnop}"
  export JWT_ISSUER="${JWT_ISSUER:-rendicion}" JWT_AUDIENCE="${JWT_AUDIENCE:-rendicion-api}"
  mkdir -p "$CLUSTER_DIR"

  PG_PORT="$("$CLUSTER_ROOT/scripts/free-port.sh")"
  PGDATA_DIR="$CLUSTER_DIR/pgdata"
  CLUSTER_PG=1
  DATABASE_URL="$("$CLUSTER_ROOT/scripts/pg.sh" start "$PGDATA_DIR" "$PG_PORT" 2>"$CLUSTER_DIR/pg.log")" ||
    { cat "$CLUSTER_DIR/pg.log" >&2; return 1; }
  export DATABASE_URL PGDATA_DIR PG_PORT
  # migrate holds a session-level advisory lock: it goes to PostgreSQL directly.
  "$BINARY" migrate >"$CLUSTER_DIR/migrate.log" 2>&1 || { cat "$CLUSTER_DIR/migrate.log" >&2; return 1; }
  "$BINARY" seed >>"$CLUSTER_DIR/migrate.log" 2>&1 || { cat "$CLUSTER_DIR/migrate.log" >&2; return 1; }

  local bport
  bport="$("$CLUSTER_ROOT/scripts/free-port.sh")"
  CLUSTER_BOUNCER=1
  PGBOUNCER_URL="$("$CLUSTER_ROOT/scripts/pgbouncer.sh" start "$CLUSTER_DIR/pgbouncer" "$bport" "$PG_PORT" \
    "$CLUSTER_SERVER_CONNECTIONS")" || return 1
  export PGBOUNCER_URL

  REPLICA1_PORT="$("$CLUSTER_ROOT/scripts/free-port.sh")"
  REPLICA2_PORT="$("$CLUSTER_ROOT/scripts/free-port.sh")"
  export REPLICA1_URL="http://127.0.0.1:$REPLICA1_PORT" REPLICA2_URL="http://127.0.0.1:$REPLICA2_PORT"
  replica_start 1 || return 1
  replica_start 2 || return 1

  local pport
  pport="$("$CLUSTER_ROOT/scripts/free-port.sh")"
  sed -e "s/@PROXY_PORT@/$pport/" -e "s/@R1_PORT@/$REPLICA1_PORT/" -e "s/@R2_PORT@/$REPLICA2_PORT/" \
    "$CLUSTER_ROOT/tests/cluster/haproxy.cfg" >"$CLUSTER_DIR/haproxy.cfg"
  haproxy -f "$CLUSTER_DIR/haproxy.cfg" -db >>"$CLUSTER_DIR/haproxy.log" 2>&1 &
  export HAPROXY_PID=$!
  export PROXY_URL="http://127.0.0.1:$pport"
  wait_ready "$PROXY_URL" "$HAPROXY_PID" || { cat "$CLUSTER_DIR/haproxy.log" >&2; return 1; }
  cluster_log "PostgreSQL :$PG_PORT, PgBouncer :$bport, replicas :$REPLICA1_PORT :$REPLICA2_PORT, HAProxy $PROXY_URL"
}

cluster_stop_pid() {
  local pid="$1"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  { wait "$pid"; } 2>/dev/null || true
}

cluster_down() {
  cluster_stop_pid "${HAPROXY_PID:-}"
  cluster_stop_pid "${REPLICA1_PID:-}"
  cluster_stop_pid "${REPLICA2_PID:-}"
  if ((CLUSTER_BOUNCER)); then
    "$CLUSTER_ROOT/scripts/pgbouncer.sh" stop "$CLUSTER_DIR/pgbouncer" >/dev/null 2>&1 || true
    CLUSTER_BOUNCER=0
  fi
  if ((CLUSTER_PG)); then
    "$CLUSTER_ROOT/scripts/pg.sh" stop "$PGDATA_DIR" >/dev/null 2>&1 || true
    CLUSTER_PG=0
  fi
}
