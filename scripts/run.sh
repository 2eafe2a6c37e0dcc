#!/usr/bin/env bash
# `make run`: runs the service locally with everything it needs.
# - DATABASE_URL unset: a private PostgreSQL in .run/pgdata on a free port,
#   stopped again when this script exits.
# - JWT_SECRET (and no key files) unset: a secret generated once into
#   .run/jwt_secret and reused, so tokens survive restarts.
# Then migrate, seed, print how to use it, and serve in the foreground.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$(pwd -P)"
BIN="$ROOT/build/rendicion"
RUN_DIR="$ROOT/.run"
PGDATA_DIR="$RUN_DIR/pgdata"

[[ -x "$BIN" ]] || {
  echo "run.sh: $BIN not found; run 'make' first" >&2
  exit 1
}
mkdir -p "$RUN_DIR"

pg_started=0
svc_pid=""

# shellcheck disable=SC2317  # called through trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  if [[ -n "$svc_pid" ]] && kill -0 "$svc_pid" 2>/dev/null; then
    kill -TERM "$svc_pid" 2>/dev/null || true
    wait "$svc_pid" 2>/dev/null || true
  fi
  if [[ "$pg_started" -eq 1 ]]; then
    "$ROOT/scripts/pg.sh" stop "$PGDATA_DIR" || true
  fi
  exit "$rc"
}
trap cleanup EXIT
# Before the service runs, a signal just ends the script (cleanup runs on EXIT).
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

db_note=""
if [[ -z "${DATABASE_URL:-}" ]]; then
  pg_port="$("$ROOT/scripts/free-port.sh")"
  pg_started=1
  DATABASE_URL="$("$ROOT/scripts/pg.sh" start "$PGDATA_DIR" "$pg_port")"
  db_note=" (private PostgreSQL in .run/pgdata, stopped when this script exits)"
fi
export DATABASE_URL

# Printed literally in the hints below, not expanded here.
# shellcheck disable=SC2016
secret_ref='$JWT_SECRET'
if [[ -z "${JWT_SECRET:-}" && -z "${JWT_PUBLIC_KEY_FILE:-}" && -z "${JWT_PRIVATE_KEY_FILE:-}" ]]; then
  if [[ ! -s "$RUN_DIR/jwt_secret" ]]; then
    # Private to this user: anyone holding it can mint admin tokens.
    (umask 077 && openssl rand -hex 32 >"$RUN_DIR/jwt_secret")
  fi
  JWT_SECRET="$(cat "$RUN_DIR/jwt_secret")"
  export JWT_SECRET
  # shellcheck disable=SC2016
  secret_ref='$(cat .run/jwt_secret)'
fi

"$BIN" migrate
"$BIN" seed

host="${HOST:-127.0.0.1}"
port="${PORT:-8080}"
url="http://$host:$port"
if [[ "$host" == *:* ]]; then url="http://[$host]:$port"; fi

# Tokens are minted by the binary from the same env the service uses.
if [[ -n "${JWT_SECRET:-}" ]]; then
  tok_env="DATABASE_URL='$DATABASE_URL' JWT_SECRET=\"$secret_ref\""
else
  tok_env="DATABASE_URL='$DATABASE_URL' JWT_PRIVATE_KEY_FILE=\"\$JWT_PRIVATE_KEY_FILE\" JWT_PUBLIC_KEY_FILE=\"\$JWT_PUBLIC_KEY_FILE\""
fi
[[ -z "${JWT_ISSUER:-}" ]] || tok_env="$tok_env JWT_ISSUER='$JWT_ISSUER'"
[[ -z "${JWT_AUDIENCE:-}" ]] || tok_env="$tok_env JWT_AUDIENCE='$JWT_AUDIENCE'"

cat <<INFO

  Portal:          $url/
  API reference:   $url/docs

Rendición is starting at $url
Database: $DATABASE_URL$db_note

Try it:
  curl -s $url/api/v1/plans | jq .

Tokens (run from $ROOT; pass as: -H "Authorization: Bearer \$TOKEN"):
  administradora: TOKEN=\$($tok_env build/rendicion token --sub admin@example.org --role administradora)
  directores:     TOKEN=\$($tok_env build/rendicion token --sub director@example.org --role directores --unit-id 1)
  ciudadanos:     TOKEN=\$($tok_env build/rendicion token --sub ciudadano@example.org --role ciudadanos)

  e.g. curl -s -H "Authorization: Bearer \$TOKEN" $url/api/v1/me | jq .

Stop with Ctrl-C.

INFO

# The service runs in its own session (setsid) so that a terminal Ctrl-C
# reaches only this script, which forwards exactly one signal; that also
# avoids the SIGINT-ignored state bash gives background jobs. SIGTERM is what
# the service's graceful shutdown is specified for, so both map to it.
setsid "$BIN" serve &
svc_pid=$!

# shellcheck disable=SC2317  # called through trap
forward() {
  kill -TERM "$svc_pid" 2>/dev/null || true
}
trap forward INT TERM HUP

# wait returns early (status > 128) whenever a trapped signal arrives; keep
# waiting until the service itself has exited, then report its status.
svc_rc=0
while :; do
  svc_rc=0
  wait "$svc_pid" || svc_rc=$?
  if ! kill -0 "$svc_pid" 2>/dev/null; then
    break
  fi
done
svc_pid=""
echo "run.sh: service exited with status $svc_rc" >&2
exit "$svc_rc"
