#!/usr/bin/env bash
# make soak: docker/compose.yaml's topology as processes (tests/cluster/topology.sh:
# PostgreSQL, PgBouncer in transaction mode, two replicas, HAProxy) under mixed traffic
# for SOAK_MINUTES (default 10; SOAK_SECONDS overrides it, as CI's short run does) at
# SOAK_RATE requests per second (default 100), sampled every SOAK_WINDOW seconds (default
# 60, or a quarter of a shorter run). Prints one table (bench/soak.mjs); exits 1 on any
# error other than the 429s the hourly limit means to give.
#   bench/soak.sh BINARY
set -euo pipefail
[[ $# -eq 1 && -x "$1" ]] || { echo "usage: $0 BINARY" >&2; exit 2; }
BINARY="$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1")"
ROOT="$(cd "$(dirname "$0")/.." && pwd -P)"
cd "$ROOT"
# shellcheck source=tests/cluster/topology.sh
source tests/cluster/topology.sh
export SOAK_SECONDS="${SOAK_SECONDS:-$(( ${SOAK_MINUTES:-10} * 60 ))}"
export SOAK_WINDOW="${SOAK_WINDOW:-$(( SOAK_SECONDS >= 240 ? 60 : SOAK_SECONDS / 4 ))}"
export SOAK_RATE="${SOAK_RATE:-100}"
((SOAK_WINDOW >= 1)) || { echo "soak: SOAK_SECONDS too short" >&2; exit 2; }
TMP="$(mktemp -d "${TMPDIR:-/tmp}/rendicion-soak.XXXXXX")"
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  cluster_down
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Three connections per replica: six through PgBouncer's six server connections.
REPLICA_POOL_SIZE=3 cluster_up "$BINARY" "$TMP"
export SOAK_PASSWORD="soak-password-$RANDOM$RANDOM" SOAK_EMAILS=""
for i in $(seq 10); do
  printf '%s\n' "$SOAK_PASSWORD" | "$BINARY" user add --email "soak$i@example.ec" --role ciudadanos --name "Soak $i" >/dev/null
  SOAK_EMAILS="$SOAK_EMAILS soak$i@example.ec"
done
SOAK_EMAILS="${SOAK_EMAILS# }"
SOAK_PLAN_ID="$(psql "$DATABASE_URL" -XAtqc "SELECT min(id) FROM plans")"
export SOAK_PLAN_ID
node bench/soak.mjs
