#!/usr/bin/env bash
# Prints how PostgreSQL runs the statements of the search endpoints on the bench data:
#   bench/explain.sh STATEMENTS.json "ENDPOINT..." VAR=VALUE...   (DATABASE_URL set; the
#   VARs are run.sh's: plan=…, staff=…, after=…, limit=…)
# Each statement calls a PL/pgSQL function, so a plain EXPLAIN would only show a function
# scan: auto_explain logs the plans of the queries inside it, once run for real (ANALYZE),
# and this prints their scan nodes, which must read the stored tsvector columns through
# their GIN indexes (migrations/014_search.sql), not every row. Exit 1 if one does not.
set -euo pipefail
statements="$1"
read -r -a endpoints <<<"$2"
shift 2
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
rc=0
for e in "${endpoints[@]}"; do
  python3 bench/tool.py render "$statements" "bench/$e.exact.sql" "$tmp/$e.sql"
  python3 bench/tool.py plain "$tmp/$e.sql" "$@" >"$tmp/$e.plain.sql"
  {
    echo "LOAD 'auto_explain';"
    echo "SET auto_explain.log_min_duration = 0; SET auto_explain.log_analyze = on;"
    echo "SET auto_explain.log_nested_statements = on; SET client_min_messages = log;"
    echo "SET jit = off;"
    cat "$tmp/$e.plain.sql"
  } | psql "$DATABASE_URL" -XAtq -v ON_ERROR_STOP=1 >/dev/null 2>"$tmp/$e.log"
  echo "EXPLAIN $e (auto_explain, scans of the searched tables):"
  grep -E 'Bitmap Index Scan on [a-z_]+_search|(Index|Seq|Bitmap Heap) Scan.* on (observations|agreements|activities) |Index Cond: .*search_tsv|Recheck Cond: .*search_tsv' \
    "$tmp/$e.log" | sed -e 's/^LOG: *//' -e 's/  */ /g' -e 's/^/  /' | cut -c1-150 || true
  if ! grep -Eq 'Bitmap Index Scan on observations_search' "$tmp/$e.log"; then
    echo "  WARNING: $e does not read observations through the GIN index observations_search"
    rc=1
  fi
done
exit "$rc"
