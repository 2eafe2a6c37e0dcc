#!/usr/bin/env bash
# The upgrade from release 1: a database that release 1's own binary migrated and filled
# must, once BINARY migrates it (twice: the second run changes nothing), have exactly the
# schema of a database that BINARY migrated from empty, and still hold all its rows; a
# database where an applied numbered file really changed must still be refused.
#   tests/upgrade/run.sh BINARY
# Release 1 is built from this repository's history (git archive) in a temporary folder;
# the databases live in a private PostgreSQL on a free loopback port. Both are removed on
# any exit. Prints one PASS or FAIL line; exits non-zero on any difference.
set -euo pipefail

RELEASE1=ef6c32a  # the commit release 1 was built from

if [[ $# -ne 1 || ! -x "$1" ]]; then
  echo "usage: $0 BINARY" >&2
  exit 2
fi
BINARY="$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1")"
ROOT="$(cd "$(dirname "$0")/../.." && pwd -P)"
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/rendicion-upgrade.XXXXXX")"
PGDATA_DIR="$TMP/pgdata"
failures=()

# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"
cleanup() { # pg.sh stop does nothing where no server was started
  "$ROOT/scripts/pg.sh" stop "$PGDATA_DIR" >/dev/null 2>&1 || true
}
on_exit cleanup

fail() { failures+=("$*"); }
die() {
  echo "upgrade: FAIL: $*" >&2
  exit 1
}

# ---- release 1 ----------------------------------------------------------------------
git -C "$ROOT" cat-file -e "$RELEASE1^{commit}" 2>/dev/null ||
  die "release 1 ($RELEASE1) is not in this clone's history (a shallow clone?)"
mkdir "$TMP/release1"
git -C "$ROOT" archive "$RELEASE1" | tar -x -C "$TMP/release1"
echo "upgrade: building release 1 ($RELEASE1)" >&2
# Not this make's variables (B=...) or jobserver: release 1 builds as a clean clone would.
if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$TMP/release1" -j"$(nproc)" \
    B="$TMP/release1/build" >"$TMP/release1.log" 2>&1; then
  tail -n 30 "$TMP/release1.log" >&2
  die "release 1 does not build"
fi
RELEASE1_BINARY="$TMP/release1/build/rendicion"

# ---- databases ----------------------------------------------------------------------
url="$("$ROOT/scripts/pg.sh" start "$PGDATA_DIR" "$("$ROOT/scripts/free-port.sh")")"
server="${url%/*}"
sql() { # database, then psql arguments
  local db=$1
  shift
  "$PGBIN/psql" "$server/$db" -XAtq -v ON_ERROR_STOP=1 "$@"
}
sql rendicion -c "CREATE DATABASE upgraded" -c "CREATE DATABASE fresh"

# Every table's row count, "table|count" a line.
counts() {
  sql "$1" -c "
    SELECT table_name || '|' || (xpath('/row/c/text()', query_to_xml(
             format('SELECT count(*) AS c FROM %I', table_name), false, true, '')))[1]::text
    FROM information_schema.tables
    WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1"
}
# The schema as pg_dump writes it, without the random key of its \restrict lines.
schema() {
  "$PGBIN/pg_dump" --schema-only "$server/$1" | grep -Ev '^\\(un)?restrict '
}
migrate() { # binary database
  DATABASE_URL="$server/$2" "$1" migrate
}

# ---- release 1 migrates and fills one database --------------------------------------
echo "upgrade: release 1 migrates and fills a database" >&2
migrate "$RELEASE1_BINARY" upgraded >&2 || die "release 1's migrate failed"
DATABASE_URL="$server/upgraded" "$RELEASE1_BINARY" seed >&2 || die "release 1's seed failed"
for user in "ana@example.org administradora" "dir@example.org directores --unit-id 1"; do
  read -r email role extra <<<"$user"
  # shellcheck disable=SC2086  # extra is "--unit-id N" or nothing
  echo "una-clave-de-prueba-bastante-larga" |
    DATABASE_URL="$server/upgraded" "$RELEASE1_BINARY" user add --email "$email" \
      --role "$role" $extra >/dev/null || die "release 1's user add failed"
done
# The rest of the tables, through release 1's functions as its service calls them.
sql upgraded >/dev/null <<'SQL'
SELECT api_progress_create('dir', 'directores', 1, 1, '{"progress": 40, "note": "Avance"}');
SELECT api_observation_create('citizen-1', 'ciudadanos', false, 1,
                              '{"kind": "observation", "body": "En línea"}', 'key-1', 20);
SELECT api_login_begin('nobody@example.org');
SQL
# A copy whose 006_observations.sql was applied with another text than release 1's.
changed_sum="$( (git -C "$ROOT" show "$RELEASE1:migrations/006_observations.sql"
                 echo "-- edited after it was applied") | sha256sum | cut -d' ' -f1)"
sql rendicion -c "CREATE DATABASE changed TEMPLATE upgraded"
sql changed -c "UPDATE schema_migrations SET sha256 = '$changed_sum'
                WHERE name = '006_observations.sql'"
counts_before="$(counts upgraded)"

# ---- this binary: the upgrade, twice, and a fresh database ---------------------------
echo "upgrade: this binary migrates release 1's database, twice" >&2
migrate "$BINARY" upgraded >&2 || die "the upgrade's migrate failed"
schema_once="$(schema upgraded)"
counts_once="$(counts upgraded)"
migrate "$BINARY" upgraded >&2 || die "the second migrate failed"
schema_upgraded="$(schema upgraded)"
echo "upgrade: this binary migrates an empty database" >&2
migrate "$BINARY" fresh >&2 || die "the fresh migrate failed"
schema_fresh="$(schema fresh)"

[[ "$schema_upgraded" == "$schema_fresh" ]] ||
  fail "the upgraded schema differs from a fresh migrate's (< upgraded, > fresh):"$'\n'"$(
    diff <(echo "$schema_upgraded") <(echo "$schema_fresh") || true)"
[[ "$schema_once" == "$schema_upgraded" ]] ||
  fail "the second migrate changed the schema:"$'\n'"$(
    diff <(echo "$schema_once") <(echo "$schema_upgraded") || true)"
# Release 1's tables keep their rows (schema_migrations aside: it gains a row per newer
# numbered file, checked below; observation_transitions aside: it is the review's state
# machine, which 009_staff_work.sql extends; tables that later files create are not
# release 1's).
kept() {
  awk -F'|' 'NR == FNR { if ($1 != "schema_migrations" && $1 != "observation_transitions") t[$1] = 1; next } ($1 in t)' \
    <(echo "$counts_before") -
}
[[ "$(kept <<<"$counts_before")" == "$(kept <<<"$counts_once")" &&
   "$(kept <<<"$counts_once")" == "$(counts upgraded | kept)" ]] ||
  fail "rows changed in the upgrade (< before, > after):"$'\n'"$(
    diff <(kept <<<"$counts_before") <(counts upgraded | kept) || true)"
# Release 1's progress update (reported as 'dir', who has no account) takes the unit it
# speaks for, its activity's only one (015_progress_unit.sql).
wrong_unit="$(sql upgraded -c "SELECT count(*) FILTER (WHERE unit_id IS DISTINCT FROM (
                 SELECT min(au.unit_id) FROM activity_units au WHERE au.activity_id = u.activity_id
                 HAVING count(*) = 1)) || '/' || count(*) FROM progress_updates u")"
[[ "$wrong_unit" == "0/1" ]] ||
  fail "release 1's progress updates without the unit they speak for (wrong/all): $wrong_unit"
# Each current file is recorded with its current sum, as a fresh migrate records it.
missing="$(grep -vxF -f <(sql upgraded -c 'SELECT name, sha256 FROM schema_migrations') \
             <(sql fresh -c 'SELECT name, sha256 FROM schema_migrations') || true)"
[[ -z "$missing" ]] ||
  fail "schema_migrations of the upgraded database lacks the current sums of:"$'\n'"$missing"

# Release 1's retired rows (002-004) are known: the upgraded database is up to date, and
# serve would not take it for one migrated by a newer release.
if ! out="$(DATABASE_URL="$server/upgraded" "$BINARY" migrate --status 2>&1)"; then
  fail "migrate --status of the upgraded database is not up to date:"$'\n'"$out"
fi

# ---- a really changed file is refused, and nothing is touched -------------------------
echo "upgrade: a database whose applied file changed (must be refused)" >&2
schema_changed="$(schema changed)"
# --status and --dry-run show the refusal too, and change nothing either.
for mode in --status --dry-run; do
  if DATABASE_URL="$server/changed" "$BINARY" migrate "$mode" >/dev/null 2>&1; then
    fail "migrate $mode of a database whose applied file changed exits 0"
  fi
done
if out="$(migrate "$BINARY" changed 2>&1)"; then
  fail "a database whose applied 006_observations.sql changed was migrated: $out"
elif [[ "$out" != *"006_observations.sql was changed after it was applied"* ]]; then
  fail "the refusal does not name the changed file: $out"
fi
[[ "$(schema changed)" == "$schema_changed" ]] ||
  fail "the refused migrate changed the schema"

if [[ ${#failures[@]} -gt 0 ]]; then
  printf 'upgrade: %s\n' "${failures[@]}" >&2
  echo "upgrade: FAIL (${#failures[@]} checks failed, ${SECONDS}s)"
  exit 1
fi
rows="$(awk -F'|' '{ n += $2 } END { print n }' <<<"$counts_before")"
echo "upgrade: PASS: release 1 ($RELEASE1) upgraded to the schema of a fresh migrate," \
     "$rows rows kept, the second migrate changed nothing, a changed file refused (${SECONDS}s)"
