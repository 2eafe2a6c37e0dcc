#!/usr/bin/env bash
# Black-box integration run against a built binary:
#   tests/integration/run.sh BINARY
# Starts a private PostgreSQL, checks that migrate and seed are idempotent,
# serves on a free port, runs the node:test suites in this folder against it,
# and checks graceful shutdown. With SANITIZED=1 (ASan/UBSan build) it also
# fails on any sanitizer report. With PGBOUNCER=1 (make test-pgbouncer) the service's
# request pool goes through a private PgBouncer in transaction mode (its LISTEN
# connection, the CLI and the tests' own SQL go to PostgreSQL directly), and the suites of
# tests/pgbouncer/ run too. Everything is cleaned up on any exit.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 BINARY" >&2
  exit 2
fi

# Resolve BINARY against the caller's directory before moving to the repo root.
[[ -f "$1" && -x "$1" ]] || {
  echo "integration: binary not found or not executable: $1" >&2
  exit 2
}
BINARY="$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1")"
ROOT="$(cd "$(dirname "$0")/../.." && pwd -P)"
cd "$ROOT"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/rendicion-it.XXXXXX")"
PGDATA_DIR="$TMP/pgdata"
SVC_LOG="$TMP/service.log"
CLI_LOG="$TMP/cli.log"
: >"$SVC_LOG"
: >"$CLI_LOG"
svc_pid=""
pg_started=0
failed=0

fail() {
  echo "integration: FAIL: $*" >&2
  failed=1
}

# shellcheck source=scripts/lib.sh
source scripts/lib.sh

cleanup() {
  local rc="$1"
  if [[ -n "$svc_pid" ]] && kill -0 "$svc_pid" 2>/dev/null; then
    kill -TERM "$svc_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$svc_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$svc_pid" 2>/dev/null || true
    wait "$svc_pid" 2>/dev/null || true
  fi
  if [[ "$rc" -ne 0 ]]; then
    echo "---- last 50 lines of the service log ($SVC_LOG) ----" >&2
    tail -n 50 "$SVC_LOG" >&2 || true
    echo "---- end of service log ----" >&2
  fi
  if [[ "${PGBOUNCER:-0}" == "1" ]]; then
    "$ROOT/scripts/pgbouncer.sh" stop "$TMP/pgbouncer" >/dev/null 2>&1 || true
  fi
  if [[ "$pg_started" -eq 1 ]]; then
    "$ROOT/scripts/pg.sh" stop "$PGDATA_DIR" >/dev/null 2>&1 || true
  fi
}
on_exit cleanup

if [[ "${SANITIZED:-0}" == "1" ]]; then
  # Leaks are reported at exit; the first error stops the process with a
  # non-zero status (not an abort/core dump), so it cannot go unnoticed.
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
fi

# Runs a CLI subcommand, keeping its output both on the console and in CLI_LOG
# (scanned for sanitizer reports at the end).
cli() {
  "$BINARY" "$@" 2>&1 | tee -a "$CLI_LOG" >&2
  return "${PIPESTATUS[0]}"
}

# Row count of every table, one "schema.table|count" per line: a cheap
# fingerprint to prove a second migrate/seed changed nothing.
fingerprint() {
  psql "$DATABASE_URL" -XAtq -v ON_ERROR_STOP=1 -c "
    SELECT format('%I.%I', table_schema, table_name) || '|' ||
           (xpath('/row/c/text()', query_to_xml(
              format('SELECT count(*) AS c FROM %I.%I', table_schema, table_name),
              false, true, '')))[1]::text
      FROM information_schema.tables
     WHERE table_type = 'BASE TABLE'
       AND table_schema NOT IN ('pg_catalog', 'information_schema')
     ORDER BY 1"
}

# ---- database -------------------------------------------------------------
pg_port="$("$ROOT/scripts/free-port.sh")"
pg_started=1
DATABASE_URL="$("$ROOT/scripts/pg.sh" start "$PGDATA_DIR" "$pg_port")"
# The fault tests stop and restart this PostgreSQL: they need where and on which port.
export DATABASE_URL PGDATA_DIR PG_PORT="$pg_port" SVC_LOG

export JWT_SECRET="integration-test-secret-0123456789abcdefghijklm"  # 48 chars
export JWT_ISSUER="${JWT_ISSUER:-rendicion}"
export JWT_AUDIENCE="${JWT_AUDIENCE:-rendicion-api}"
export LOG_LEVEL=info
export BINARY

# ---- migrate and seed, twice each -------------------------------------------
echo "integration: migrate (1)" >&2
cli migrate || { fail "first migrate exited $?"; exit 1; }
fp_migrate1="$(fingerprint)"
# The catalogue of reasons against the SQL, the C code and the constraints a client can
# break (unique ones other than primary keys and those holding a primary key's columns,
# which the key itself keeps unique: "|u"; foreign keys: "|f"), read from the database
# just migrated.
psql "$DATABASE_URL" -XAtq -v ON_ERROR_STOP=1 >"$TMP/constraints" -c "
  SELECT c.relname || '|u' FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
  WHERE i.indisunique AND NOT i.indisprimary AND c.relnamespace = current_schema()::regnamespace
    AND NOT EXISTS (SELECT 1 FROM pg_index k WHERE k.indrelid = i.indrelid AND k.indisprimary
                    AND k.indkey::int2[] <@ i.indkey::int2[])
  UNION SELECT conname || '|u' FROM pg_constraint
  WHERE contype = 'x' AND connamespace = current_schema()::regnamespace
  UNION SELECT conname || '|f' FROM pg_constraint
  WHERE contype = 'f' AND connamespace = current_schema()::regnamespace" ||
  { fail "cannot list the constraints"; exit 1; }
python3 tests/reasons/check.py "$TMP/constraints" >&2 || fail "the catalogue of reasons is out of step"
echo "integration: migrate (2, must be a no-op)" >&2
cli migrate || { fail "second migrate exited $?"; exit 1; }
fp_migrate2="$(fingerprint)"
[[ "$fp_migrate1" == "$fp_migrate2" ]] ||
  fail "second migrate changed row counts:"$'\n'"$(diff <(echo "$fp_migrate1") <(echo "$fp_migrate2") || true)"

echo "integration: seed (1)" >&2
cli seed || { fail "first seed exited $?"; exit 1; }
fp_seed1="$(fingerprint)"
echo "integration: seed (2, must be a no-op)" >&2
cli seed || { fail "second seed exited $?"; exit 1; }
fp_seed2="$(fingerprint)"
[[ "$fp_seed1" == "$fp_seed2" ]] ||
  fail "second seed changed row counts:"$'\n'"$(diff <(echo "$fp_seed1") <(echo "$fp_seed2") || true)"

plans="$(psql "$DATABASE_URL" -XAtq -v ON_ERROR_STOP=1 -c 'SELECT count(*) FROM plans')" ||
  plans="(query failed)"
[[ "$plans" == "1" ]] || fail "expected 1 row in plans after two seeds, found $plans"

# ---- PgBouncer (PGBOUNCER=1) ------------------------------------------------------
svc_db=()
if [[ "${PGBOUNCER:-0}" == "1" ]]; then
  # Fewer server connections (2) than the service holds (DB_POOL_SIZE 6): consecutive
  # statements of one service connection meet different server sessions.
  bouncer_port="$("$ROOT/scripts/free-port.sh")"
  PGBOUNCER_URL="$("$ROOT/scripts/pgbouncer.sh" start "$TMP/pgbouncer" "$bouncer_port" "$pg_port" 2)" ||
    { fail "PgBouncer did not start"; exit 1; }
  export PGBOUNCER_URL PGBOUNCER_DIR="$TMP/pgbouncer"
  svc_db=(DATABASE_URL="$PGBOUNCER_URL" LISTEN_DATABASE_URL="$DATABASE_URL"
          DB_POOL_MODE=transaction DB_POOL_SIZE=6)
  echo "integration: the service's requests go through PgBouncer at $PGBOUNCER_URL" >&2
fi

# ---- serve ------------------------------------------------------------------
svc_port="$("$ROOT/scripts/free-port.sh")"
export BASE_URL="http://127.0.0.1:$svc_port"
echo "integration: serve on $BASE_URL (log: $SVC_LOG)" >&2
# Every suite registers and connects from 127.0.0.1 (the fault tests 80 at once): the
# per-address limits are tested on instances of their own (limits.test.mjs). Webhook
# receivers of the tests listen on 127.0.0.1 too (webhooks.test.mjs). No SMTP_URL: the
# mail tests start instances of their own with an SMTP sink (tests/mail/).
env "${svc_db[@]}" HOST=127.0.0.1 PORT="$svc_port" REGISTRATIONS_PER_HOUR=1000000 \
  MAX_CONNECTIONS_PER_ADDRESS=100000 WEBHOOK_ALLOW_PRIVATE=1 "$BINARY" serve >>"$SVC_LOG" 2>&1 &
svc_pid=$!

ready=0
for _ in $(seq 100); do
  if ! kill -0 "$svc_pid" 2>/dev/null; then
    break  # died during start-up: no point waiting
  fi
  if curl -fsS -o /dev/null --max-time 1 "$BASE_URL/health" 2>/dev/null; then
    ready=1
    break
  fi
  sleep 0.1
done
if [[ "$ready" -ne 1 ]]; then
  if kill -0 "$svc_pid" 2>/dev/null; then
    fail "service did not answer GET /health within 10 s"
  else
    svc_rc=0
    wait "$svc_pid" || svc_rc=$?
    svc_pid=""
    fail "service exited during start-up with status $svc_rc"
  fi
  exit 1
fi

# ---- the node:test suites ---------------------------------------------------
# --test-concurrency exists from Node 20.10; older runners take the files one
# by one anyway on this 2-core machine.
node_args=(--test)
if node --test-concurrency=1 -e 0 >/dev/null 2>&1; then
  node_args+=(--test-concurrency=1)
fi
# TEST_FILES narrows the run to some files while developing; CI runs them all.
read -r -a test_files <<< "${TEST_FILES:-tests/integration/}"
echo "integration: node ${node_args[*]} ${test_files[*]}" >&2
node "${node_args[@]}" "${test_files[@]}" || fail "node tests failed"

# ---- the running counts, after everything the suites changed ------------------
# activity_tally (compliance as things stand now) against the count from the rows.
drifted="$(psql "$DATABASE_URL" -XAtq -v ON_ERROR_STOP=1 -c 'SELECT activity_tally_drift()')" ||
  drifted="unreadable"
[[ "$drifted" == 0 ]] || fail "activity_tally differs from the activities in $drifted rows"

# ---- graceful shutdown ------------------------------------------------------
if ! kill -0 "$svc_pid" 2>/dev/null; then
  fail "service died during the tests"
  svc_rc=0
  wait "$svc_pid" || svc_rc=$?
  echo "integration: service exit status $svc_rc" >&2
  svc_pid=""
else
  kill -TERM "$svc_pid"
  stopped=0
  for _ in $(seq 100); do
    if ! kill -0 "$svc_pid" 2>/dev/null; then stopped=1; break; fi
    sleep 0.1
  done
  if [[ "$stopped" -ne 1 ]]; then
    fail "service still running 10 s after SIGTERM"
    kill -KILL "$svc_pid" 2>/dev/null || true
  fi
  svc_rc=0
  wait "$svc_pid" || svc_rc=$?
  svc_pid=""
  [[ "$stopped" -ne 1 || "$svc_rc" -eq 0 ]] || fail "service exited with status $svc_rc after SIGTERM (want 0)"
fi

# ---- sanitizer reports ------------------------------------------------------
if [[ "${SANITIZED:-0}" == "1" ]]; then
  for f in "$SVC_LOG" "$CLI_LOG"; do
    if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$f"; then
      fail "sanitizer report in $(basename "$f")"
      echo "---- $(basename "$f") ----" >&2
      cat "$f" >&2
      echo "---- end ----" >&2
    fi
  done
fi

if [[ "$failed" -ne 0 ]]; then
  exit 1
fi
echo "integration: all checks passed" >&2
