#!/usr/bin/env bash
# make test-cluster: the topology of docker/compose.yaml as processes on this machine
# (tests/cluster/topology.sh: PostgreSQL, PgBouncer, two replicas, HAProxy) and the
# node:test suite of tests/cluster/ against it. Everything is stopped on any exit.
#   tests/cluster/run.sh BINARY
set -euo pipefail
[[ $# -eq 1 && -x "$1" ]] || { echo "usage: $0 BINARY" >&2; exit 2; }
BINARY="$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1")"
ROOT="$(cd "$(dirname "$0")/../.." && pwd -P)"
cd "$ROOT"
command -v haproxy >/dev/null && command -v pgbouncer >/dev/null ||
  { echo "cluster: haproxy or pgbouncer missing: run make deps" >&2; exit 2; }
# shellcheck source=tests/cluster/topology.sh
source tests/cluster/topology.sh
TMP="$(mktemp -d "${TMPDIR:-/tmp}/rendicion-cluster.XXXXXX")"
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
cleanup() { # the logs of a failed run, then everything stopped
  if (($1 != 0)); then
    for f in replica1.log replica2.log haproxy.log pgbouncer/pgbouncer.log; do
      [[ -s "$TMP/$f" ]] && { echo "---- last lines of $f ----" >&2; tail -n 15 "$TMP/$f" >&2; }
    done
  fi
  cluster_down
}
on_exit cleanup

cluster_up "$BINARY" "$TMP"
export BASE_URL="$PROXY_URL"
node --test tests/cluster/
echo "cluster: all checks passed" >&2
