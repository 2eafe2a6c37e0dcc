#!/usr/bin/env bash
# Memory check of a release build (-O2 -g) under valgrind: migrate, seed and token, then serve
# a short scenario that touches every resource (public reads, admin writes, an import, an
# observation, a progress update, a CSV export, error paths), stopped with SIGTERM. Fails on
# any definite leak, any invalid read/write/free or use of uninitialised memory, or a
# request answered with another status than expected. Libraries' "still reachable" blocks
# (and "possibly lost" ones, e.g. thread stacks) are reported but allowed.
#   scripts/valgrind.sh BINARY        (VG_KEEP=1 keeps the valgrind logs)
set -euo pipefail

if [[ $# -ne 1 || ! -x "$1" ]]; then
  echo "usage: $0 BINARY (an executable release build)" >&2
  exit 2
fi
BINARY="$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1")"
ROOT="$(cd "$(dirname "$0")/.." && pwd -P)"
cd "$ROOT"
for t in valgrind curl jq; do
  command -v "$t" >/dev/null || { echo "valgrind.sh: $t not found" >&2; exit 2; }
done

TMP="$(mktemp -d "${TMPDIR:-/tmp}/rendicion-vg.XXXXXX")"
svc_pid=""
failed=0
start=$SECONDS

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n "$svc_pid" ]] && kill -0 "$svc_pid" 2>/dev/null; then
    kill -KILL "$svc_pid" 2>/dev/null || true
    wait "$svc_pid" 2>/dev/null || true
  fi
  "$ROOT/scripts/pg.sh" stop "$TMP/pgdata" >/dev/null 2>&1 || true
  if [[ "$rc" -ne 0 && -f "$TMP/service.log" ]]; then
    echo "---- last 30 lines of the service log ----" >&2
    tail -n 30 "$TMP/service.log" >&2 || true
  fi
  if [[ "${VG_KEEP:-0}" == "1" ]]; then
    echo "valgrind.sh: logs kept in $TMP" >&2
  else
    rm -rf "$TMP"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
  echo "valgrind.sh: FAIL: $*" >&2
  failed=1
}

# Definite leaks count as errors, so the exit status alone tells leak or memory error.
VG=(valgrind --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite
    --error-exitcode=1 --track-origins=yes --num-callers=30)

# The figures of one valgrind log, and a failure if it shows an error or a definite leak.
check_log() {
  local name="$1" log="$TMP/vg-$1.log" errors def ind pos reach
  errors="$(sed -n 's/.*ERROR SUMMARY: \([0-9,]*\) errors.*/\1/p' "$log" | tail -n 1 | tr -d ,)"
  def="$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$log" | tail -n 1 | tr -d ,)"
  ind="$(sed -n 's/.*indirectly lost: \([0-9,]*\) bytes.*/\1/p' "$log" | tail -n 1 | tr -d ,)"
  pos="$(sed -n 's/.*possibly lost: \([0-9,]*\) bytes.*/\1/p' "$log" | tail -n 1 | tr -d ,)"
  reach="$(sed -n 's/.*still reachable: \([0-9,]*\) bytes.*/\1/p' "$log" | tail -n 1 | tr -d ,)"
  # "All heap blocks were freed" prints no leak summary at all.
  printf 'valgrind.sh: %-8s errors %s; definitely lost %s B, indirectly lost %s B, possibly lost %s B, still reachable %s B\n' \
    "$name" "${errors:-?}" "${def:-0}" "${ind:-0}" "${pos:-0}" "${reach:-0}" >&2
  if [[ "${errors:-}" != "0" || "${def:-0}" != "0" ]] ||
     grep -qE 'Invalid (read|write|free)|Mismatched free|uninitialised|Syscall param|overlap' "$log"; then
    fail "$name: valgrind reports errors or a definite leak:"
    grep -vE '^==[0-9]+== *$' "$log" | sed -n '/HEAP SUMMARY/q;p' | tail -n +6 | head -n 80 >&2
    grep -A 30 'definitely lost in' "$log" | head -n 80 >&2 || true
  fi
}

# Runs one CLI command under valgrind; its stdout is passed through.
vg_cli() {
  local name="$1" rc=0
  shift
  "${VG[@]}" --log-file="$TMP/vg-$name.log" "$BINARY" "$@" 2>>"$TMP/cli.log" || rc=$?
  [[ "$rc" -eq 0 ]] || fail "$name exited with status $rc"
  check_log "$name"
}

# ---- database, migrate, seed, tokens ------------------------------------------
pg_port="$("$ROOT/scripts/free-port.sh")"
DATABASE_URL="$("$ROOT/scripts/pg.sh" start "$TMP/pgdata" "$pg_port")"
export DATABASE_URL
export JWT_SECRET="valgrind-run-secret-0123456789abcdefghijklmnopq"
export LOG_LEVEL=info DB_POOL_SIZE=3

vg_cli migrate migrate
vg_cli seed seed
vg_cli token token --sub vg-admin --role administradora >"$TMP/admin.token"
admin="$(cat "$TMP/admin.token")"
citizen="$("$BINARY" token --sub vg-citizen --role ciudadanos)"
[[ "$failed" -eq 0 ]] || exit 1

# ---- serve ----------------------------------------------------------------------
svc_port="$("$ROOT/scripts/free-port.sh")"
BASE="http://127.0.0.1:$svc_port"
HOST=127.0.0.1 PORT="$svc_port" "${VG[@]}" --log-file="$TMP/vg-serve.log" "$BINARY" serve \
  >>"$TMP/service.log" 2>&1 &
svc_pid=$!
ready=0
for _ in $(seq 600); do
  kill -0 "$svc_pid" 2>/dev/null || break
  if curl -fsS -o /dev/null --max-time 2 "$BASE/health" 2>/dev/null; then ready=1; break; fi
  sleep 0.2
done
[[ "$ready" -eq 1 ]] || { fail "service under valgrind did not answer /health within 120 s"; exit 1; }

# req STATUS METHOD PATH [TOKEN [BODY [curl args...]]]: the body of the answer is in $TMP/out.
nreq=0
req() {
  local want="$1" method="$2" path="$3" token="${4:-}" body="${5:-}" got
  shift 5 2>/dev/null || shift $#
  local args=(-sS -o "$TMP/out" -w '%{http_code}' --max-time 120 -X "$method")
  [[ -z "$token" ]] || args+=(-H "Authorization: Bearer $token")
  [[ -z "$body" ]] || args+=(-H 'Content-Type: application/json' --data-binary "$body")
  got="$(curl "${args[@]}" "$@" "$BASE$path")" || got="curl failed"
  nreq=$((nreq + 1))
  if [[ "$got" != "$want" ]]; then
    fail "$method $path: status $got, want $want: $(head -c 300 "$TMP/out")"
  fi
}
field() { jq -r "$1" "$TMP/out"; }

# Public reads (twice where the response cache may answer the second time).
req 200 GET /health
req 200 GET /ready
req 200 GET /openapi.json
req 200 GET /api/v1/plans
seed_id="$(field '.items[0].id')"
req 200 GET "/api/v1/plans/$seed_id"
etag="$(curl -sS -o /dev/null -D - "$BASE/api/v1/plans/$seed_id" | tr -d '\r' | sed -n 's/^[Ee][Tt][Aa][Gg]: //p')"
req 304 GET "/api/v1/plans/$seed_id" "" "" -H "If-None-Match: $etag"
req 200 GET "/api/v1/plans/$seed_id/document"
req 200 GET "/api/v1/plans/$seed_id/document"
req 200 GET "/api/v1/plans/$seed_id/compliance"
req 200 GET "/api/v1/plans/$seed_id/compliance?as_of=2024-06-30"
# The report in every format, and the PDFs (cairo, pango and fontconfig under memcheck).
req 200 GET "/api/v1/plans/$seed_id/report"
req 200 GET "/api/v1/plans/$seed_id/report" "" "" -H "Accept: text/csv"
req 200 GET "/api/v1/plans/$seed_id/report" "" "" \
  -H "Accept: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
req 200 GET "/api/v1/plans/$seed_id/report" "" "" -H "Accept: application/pdf"
req 200 GET "/api/v1/plans/$seed_id/document" "" "" -H "Accept: application/pdf"
req 200 GET "/api/v1/plans/$seed_id/compliance" "" "" -H "Accept: application/pdf"
req 200 GET "/api/v1/plans/$seed_id/axes"
axis="$(field '.items[0].id')"
req 200 GET "/api/v1/axes/$axis"
req 200 GET "/api/v1/axes/$axis/observations"
req 200 GET "/api/v1/axes/$axis/agreements"
req 200 GET "/api/v1/plans/$seed_id/activities?limit=2"
activity="$(field '.items[0].id')"
cursor="$(field '.next_cursor')"
req 200 GET "/api/v1/plans/$seed_id/activities?limit=2&cursor=$cursor"
req 200 GET "/api/v1/plans/$seed_id/activities?overdue=true&due_month=3"
req 200 GET "/api/v1/plans/$seed_id/activities" "" "" -H 'Accept: text/csv'
head -c 3 "$TMP/out" | grep -q . || fail "empty CSV export"
req 200 GET "/api/v1/activities/$activity"
req 200 GET "/api/v1/activities/$activity/updates"
req 200 GET /api/v1/units

# Error paths.
req 404 GET /api/v1/plans/999999999
req 404 GET /api/v1/no-such-thing
req 405 DELETE /api/v1/plans
req 401 POST /api/v1/units "" '{"name": "x"}'
req 401 GET /api/v1/me "not.a.token"
req 400 POST /api/v1/units "$admin" '{"name": '
req 422 POST /api/v1/units "$admin" '{"name": ""}'
req 403 POST /api/v1/units "$citizen" '{"name": "x"}'

# Admin writes: every resource, created, changed and deleted again.
req 200 GET /api/v1/me "$admin"
req 201 POST /api/v1/units "$admin" '{"name": "Unidad valgrind"}'
unit="$(field .id)"
req 200 PATCH "/api/v1/units/$unit" "$admin" '{"name": "Unidad valgrind 2"}'
req 201 POST /api/v1/plans "$admin" '{"title": "Plan valgrind", "entity": "Pruebas", "year": 2030}'
draft="$(field .id)"
req 200 PATCH "/api/v1/plans/$draft" "$admin" '{"title": "Plan valgrind 2"}'
req 201 POST "/api/v1/plans/$draft/axes" "$admin" '{"number": 1, "name": "Eje", "description": "Uno."}'
daxis="$(field .id)"
req 200 PATCH "/api/v1/axes/$daxis" "$admin" '{"name": "Eje 2"}'
req 201 POST "/api/v1/axes/$daxis/agreements" "$admin" '{"number": 1, "text": "Acuerdo."}'
agreement="$(field .id)"
req 200 PATCH "/api/v1/agreements/$agreement" "$admin" '{"text": "Acuerdo 2."}'
req 201 POST "/api/v1/axes/$daxis/activities" "$admin" \
  "{\"description\": \"Hacer algo\", \"due_month\": 5, \"unit_ids\": [$unit], \"agreement_id\": $agreement}"
dact="$(field .id)"
req 200 PATCH "/api/v1/activities/$dact" "$admin" '{"due_month": 6}'
req 204 DELETE "/api/v1/activities/$dact" "$admin"
req 204 DELETE "/api/v1/agreements/$agreement" "$admin"
req 204 DELETE "/api/v1/axes/$daxis" "$admin"
req 204 DELETE "/api/v1/plans/$draft" "$admin"

# An import (as a draft), its approval, then an observation and a progress update on it.
doc="$(jq -c '.title = "Plan valgrind importado" | .status = "draft" | del(.approved_by)' \
  seed/plan-de-trabajo-2024-valle-de-los-chillos.json)"
req 201 POST /api/v1/plans/import "$admin" "$doc"
imported="$(field .id)"
req 422 POST /api/v1/plans/import "$admin" '{"title": 7}'
req 200 POST "/api/v1/plans/$imported/approve" "$admin" '{"name": "Rosa Díaz", "position": "Administradora Zonal"}'
req 200 GET "/api/v1/plans/$imported/axes"
iaxis="$(field '.items[0].id')"
req 201 POST "/api/v1/axes/$iaxis/observations" "$citizen" \
  '{"kind": "observation", "body": "Mejorar el alumbrado del parque."}' -H 'Idempotency-Key: vg-1'
obs="$(field .id)"
req 201 POST "/api/v1/axes/$iaxis/observations" "$citizen" \
  '{"kind": "observation", "body": "Mejorar el alumbrado del parque."}' -H 'Idempotency-Key: vg-1'
req 200 GET "/api/v1/observations/$obs" "$citizen"
req 200 GET /api/v1/me/observations "$citizen"
req 200 PATCH "/api/v1/observations/$obs" "$admin" '{"status": "in_review"}'
req 200 GET "/api/v1/plans/$imported/activities?limit=1"
iact="$(field '.items[0].id')"
req 201 POST "/api/v1/activities/$iact/updates" "$admin" '{"progress": 25, "note": "Primer avance"}'
req 200 GET "/api/v1/activities/$iact/updates"
req 200 GET "/api/v1/plans/$imported/compliance"
req 200 POST "/api/v1/plans/$imported/close" "$admin"

# Accounts (Argon2id, slow under valgrind: one account, one login).
req 201 POST /api/v1/users "$admin" \
  '{"email": "vg.user@example.org", "password": "valgrind password", "name": "V", "role": "ciudadanos"}'
user="$(field .id)"
req 200 PATCH "/api/v1/users/$user" "$admin" '{"name": "V 2"}'
req 200 GET /api/v1/users "$admin"
req 200 POST /api/v1/auth/token "" '{"email": "vg.user@example.org", "password": "valgrind password"}'
req 401 POST /api/v1/auth/token "" '{"email": "vg.user@example.org", "password": "wrong password"}'
req 200 GET "/api/v1/audit?entity=plan" "$admin"
req 200 GET /metrics

# ---- stop and judge -------------------------------------------------------------
kill -TERM "$svc_pid"
svc_rc=0
for _ in $(seq 600); do kill -0 "$svc_pid" 2>/dev/null || break; sleep 0.2; done
if kill -0 "$svc_pid" 2>/dev/null; then
  fail "service still running 120 s after SIGTERM"
  kill -KILL "$svc_pid" 2>/dev/null || true
fi
wait "$svc_pid" || svc_rc=$?
svc_pid=""
[[ "$svc_rc" -eq 0 ]] || fail "serve exited with status $svc_rc under valgrind (1 = valgrind errors)"
echo "valgrind.sh: $nreq requests served" >&2
check_log serve

echo "valgrind.sh: done in $((SECONDS - start)) s" >&2
if [[ "$failed" -ne 0 ]]; then
  echo "valgrind.sh: FAILED" >&2
  exit 1
fi
echo "valgrind.sh: no memory errors, no definite leaks" >&2
