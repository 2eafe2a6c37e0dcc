#!/usr/bin/env bash
# Contract test: runs the integration scenarios against BINARY while recording every
# exchange made through tests/integration/lib.mjs, then validates each recorded
# response, and the route tables, against openapi/openapi.yaml:
#   tests/contract/run.sh BINARY
# Exits non-zero if the scenarios fail or if the service and the spec disagree.
# KEEP_CONTRACT_LOG=FILE keeps the recorded exchanges there (for debugging).
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 BINARY" >&2
  exit 2
fi

ROOT="$(cd "$(dirname "$0")/../.." && pwd -P)"
LOG="$(mktemp "${TMPDIR:-/tmp}/rendicion-contract.XXXXXX")"
trap 'rm -f "$LOG"' EXIT

# The pinned validators come with `make deps`: a test run installs nothing.

rc=0
CONTRACT_LOG="$LOG" "$ROOT/tests/integration/run.sh" "$1" || rc=$?
if [[ -n "${KEEP_CONTRACT_LOG:-}" ]]; then
  cp "$LOG" "$KEEP_CONTRACT_LOG"
fi
if [[ "$rc" -ne 0 ]]; then
  echo "contract: the integration scenarios failed (exit $rc); checking what was recorded anyway" >&2
fi
node "$ROOT/tests/contract/check.mjs" "$LOG" || rc=1
exit "$rc"
