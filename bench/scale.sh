#!/usr/bin/env bash
# `make bench-scale`: the cost of the service's SQL at today's size and at ten times the data.
#   bench/scale.sh [BINARY]           (default build/rendicion)
# Starts a private PostgreSQL with one database per size (SCALE_FACTORS, default "1 10"),
# each migrated and seeded by the binary, with bench/gen.sql's large plan at that scale
# (1: 10,000 activities and 100,000 observations; 10: 100,000 and 1,000,000). Then, in
# SCALE_ROUNDS rounds (2), each statement at each size in turn (so that the machine's other
# work falls on both alike): pgbench -M prepared, one client, SCALE_SECONDS (3) on the
# exact SQL the service prepares (bench/tool.py, as make bench), with the service's session
# settings except statement_timeout (so that a statement over it is measured and flagged,
# not cut); a statement of over SCALE_HEAVY seconds (20) is measured in one round. Prints
# one table: the median over the rounds of each run's median latency at each size, their
# ratio and its target: a page read costs the same at every size (ratio <= 1.2), whatever
# reads the whole plan grows at most linearly (ratio <= 1.2 x the factor). PostgreSQL's CPU
# per statement is beside it (the steadier figure on a shared machine). bench/README.md
# says more. Everything it started is stopped on exit.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd -P)"
BIN="${1:-$ROOT/build/rendicion}"
[[ -x "$BIN" ]] || { echo "bench-scale: binary not found: $BIN (run make first)" >&2; exit 2; }
BIN="$(cd "$(dirname "$BIN")" && pwd -P)/$(basename "$BIN")"
cd "$ROOT"

read -r -a FACTORS <<<"${SCALE_FACTORS:-1 10}"
SECS="${SCALE_SECONDS:-3}"
ROUNDS="${SCALE_ROUNDS:-2}"
PGBIN=/usr/lib/postgresql/15/bin
((${#FACTORS[@]} == 2)) || { echo "bench-scale: SCALE_FACTORS names two sizes" >&2; exit 2; }
for t in "$PGBIN/pgbench" psql python3 cc; do
  command -v "$t" >/dev/null || { echo "bench-scale: $t is missing" >&2; exit 2; }
done

TMP="$(mktemp -d "${TMPDIR:-/tmp}/rendicion-scale.XXXXXX")"
PGDATA_DIR="$TMP/pgdata"
RESULTS="$TMP/results.jsonl"
: >"$RESULTS"
pg_started=0
# shellcheck disable=SC2317  # called through trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  [[ "$pg_started" -eq 0 ]] || scripts/pg.sh stop "$PGDATA_DIR" >/dev/null 2>&1 || true
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
say() { echo "bench-scale: [${SECONDS}s] $*" >&2; }

# [name, template, class]: "page" reads one page whatever the size, "grows" reads all of
# the plan (or all the matches of a word, which grow with it).
ROWS=(
  "activity list, first page|bench/activities.exact.sql|page"
  "activity list, page in the middle|bench/scale/activities-deep.sql|page"
  "inbox, first page|bench/scale/inbox-page.sql|page"
  "a citizen's own observations|bench/scale/mine.sql|page"
  "inbox, q=vacunacion|bench/inbox.exact.sql|grows"
  "search, q=vacunacion|bench/search.exact.sql|grows"
  "compliance|bench/compliance.exact.sql|grows"
  "report (JSON)|bench/scale/report.sql|grows"
)

# ---- databases ----------------------------------------------------------------------
pg_port="$(scripts/free-port.sh)"
pg_started=1
BASE_URL="$(scripts/pg.sh start "$PGDATA_DIR" "$pg_port" 2>/dev/null)"
PM_PID="$(head -n1 "$PGDATA_DIR/postmaster.pid")"
JWT_SECRET="scale-$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
export JWT_SECRET JWT_ISSUER=rendicion JWT_AUDIENCE=rendicion-api
declare -A URL PLAN VARS
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
for f in "${FACTORS[@]}"; do
  URL[$f]="${BASE_URL%/*}/scale_x$f"
  psql "$BASE_URL" -XAtq -v ON_ERROR_STOP=1 -c "CREATE DATABASE scale_x$f" >/dev/null
  say "x$f: migrate, seed, generate the large plan at scale $f"
  DATABASE_URL="${URL[$f]}" "$BIN" migrate >/dev/null
  DATABASE_URL="${URL[$f]}" "$BIN" seed >/dev/null
  PLAN[$f]="$(psql "${URL[$f]}" -XAtq -v ON_ERROR_STOP=1 -v scale="$f" -f bench/gen.sql | tail -n1)"
  psql "${URL[$f]}" -XAtq -c 'VACUUM ANALYZE' -c 'CHECKPOINT' >/dev/null
  IFS='|' read -r lo hi acts obs deep < <(psql "${URL[$f]}" -XAtq -v ON_ERROR_STOP=1 -c "
    SELECT min(a.id), max(a.id),
           (SELECT count(*) FROM activities t JOIN axes x ON x.id = t.axis_id WHERE x.plan_id = p.id),
           (SELECT count(*) FROM observations o JOIN axes x ON x.id = o.axis_id WHERE x.plan_id = p.id),
           (SELECT t.id FROM activities t WHERE t.axis_id = min(a.id) ORDER BY t.id
            OFFSET (SELECT count(*) / 2 FROM activities WHERE axis_id = min(a.id)) LIMIT 1)
    FROM plans p JOIN axes a ON a.plan_id = p.id WHERE p.id = ${PLAN[$f]} GROUP BY p.id")
  say "x$f: plan ${PLAN[$f]}: $acts activities, $obs observations"
  VARS[$f]="-D plan=${PLAN[$f]} -D axis_lo=$lo -D axis_hi=$hi -D deep_after=$deep -D staff=true -D after=0 -D limit=50"
  echo "{\"factor\": $f, \"activities\": $acts, \"observations\": $obs}" >>"$TMP/sizes.jsonl"
done

# The statements as the binary prepares them (bench/tool.py, as make bench does).
# shellcheck disable=SC2046  # pkg-config prints several flags
python3 bench/tool.py statements "$TMP/statements.json" cc -std=c11 -D_GNU_SOURCE -Iservice \
  $(pkg-config --cflags libpq jansson 2>/dev/null) -- service/db/*.c
# The service's session settings (service/db/session.c), statement_timeout aside.
SERVICE_PGOPTIONS="$(python3 - <<'PY'
import re
src = open("service/db/session.c", encoding="utf-8").read()
names = re.findall(r'"([^"]+)"', re.search(r"names\[NSET\] = \{(.*?)\};", src, re.S).group(1))
values = re.findall(r'"([^"]*)"', re.search(r"values\[NSET\]\[\d+\] = \{(.*?)\};", src, re.S).group(1))
print(" ".join(f"-c {n}={v}" for n, v in zip(names, values) if v and n != "statement_timeout"))
PY
)"
TIMEOUT_MS="$(sed -n 's/^static char values\[NSET\]\[[0-9]*\] = {"\([0-9]*\)".*/\1/p' service/db/session.c)"

# ---- the measurements ---------------------------------------------------------------
for ((i = 0; i < ${#ROWS[@]}; i++)); do
  IFS='|' read -r _ template _ <<<"${ROWS[$i]}"
  python3 bench/tool.py render "$TMP/statements.json" "$template" "$TMP/script-$i.sql"
done
# PostgreSQL's CPU ticks: the postmaster's reaped children (pgbench's backend ends with it).
pg_ticks() { awk '{ print $16 + $17 }' "/proc/$PM_PID/stat"; }
HZ="$(getconf CLK_TCK)"
# True while a client backend (of any scale_x database) is alive.
client_backends() {
  local c kids
  read -r -a kids <"/proc/$PM_PID/task/$PM_PID/children" || return 1
  for c in "${kids[@]}"; do
    grep -qa '^postgres: postgres scale_x' "/proc/$c/cmdline" 2>/dev/null && return 0
  done
  return 1
}
declare -A HEAVY
# One run: appends {"row", "factor", "n", "p50_us", "pg_us", "wall_s"} to RESULTS.
measure() {
  local i="$1" f="$2" dir="$TMP/run" b a t0 n p50
  rm -rf "$dir" && mkdir -p "$dir"
  b="$(pg_ticks)"
  t0="$SECONDS"
  # shellcheck disable=SC2086  # VARS holds several -D options
  PGOPTIONS="$SERVICE_PGOPTIONS" "$PGBIN/pgbench" -n -M prepared -c 1 -j 1 -T "$SECS" \
    -l --log-prefix="$dir/log" ${VARS[$f]} -f "$TMP/script-$i.sql" "${URL[$f]}" >"$dir/out" 2>&1 ||
    { cat "$dir/out" >&2; exit 1; }
  # The postmaster reaps pgbench's backend (a large one takes seconds to exit): wait until
  # no client backend is left (none other runs now), up to a minute.
  for _ in $(seq 600); do
    client_backends || break
    sleep 0.1
  done
  a="$(pg_ticks)"
  # The median of the per-transaction latencies (µs, the log's third field).
  read -r n p50 < <(cat "$dir"/log* | awk '{ print $3 }' | sort -n |
    awk '{ v[NR] = $1 } END { print NR, (NR ? v[int((NR + 1) / 2)] : 0) }')
  printf '{"row": %d, "factor": %d, "n": %d, "p50_us": %d, "pg_us": %.0f, "wall_s": %d}\n' \
    "$i" "$f" "$n" "$p50" "$(((a - b) * 1000000 / HZ / (n > 0 ? n : 1)))" "$((SECONDS - t0))" >>"$RESULTS"
  # A statement of over SCALE_HEAVY seconds (the report at ×10) is measured in one round:
  # its one run is already long enough to smooth the machine's other work.
  ((SECONDS - t0 < ${SCALE_HEAVY:-20})) || HEAVY[$i]=1
}
for ((round = 1; round <= ROUNDS; round++)); do
  for ((i = 0; i < ${#ROWS[@]}; i++)); do
    [[ -z "${HEAVY[$i]:-}" ]] || continue
    say "round $round/$ROUNDS: ${ROWS[$i]%%|*}"
    for f in "${FACTORS[@]}"; do measure "$i" "$f"; done
  done
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---- the table ----------------------------------------------------------------------
python3 - "$RESULTS" "$TMP/sizes.jsonl" "${FACTORS[0]}" "${FACTORS[1]}" "$TIMEOUT_MS" \
  "$LOAD_BEFORE" "$LOAD_AFTER" "$SECS" "$ROUNDS" "${ROWS[@]}" <<'PY'
import json, os, statistics, sys
res, sizes, f1, f2, timeout_ms, lb, la, secs, rounds = sys.argv[1:10]
defs = [r.split('|') for r in sys.argv[10:]]
f1, f2, timeout_ms = int(f1), int(f2), int(timeout_ms or 0)
rows = [json.loads(l) for l in open(res)]
for r in rows:
    r['name'], _, r['class'] = defs[r['row']]
size = {d['factor']: d for d in (json.loads(l) for l in open(sizes))}
print(f"data: x{f1} = {size[f1]['activities']} activities, {size[f1]['observations']} observations; "
      f"x{f2} = {size[f2]['activities']}, {size[f2]['observations']}")
print(f"pgbench -M prepared -c 1, {secs} s per run (at least one statement), the median of {rounds} rounds' "
      f"medians (statements of over {os.environ.get('SCALE_HEAVY', '20')} s: one round); load average before/after: {lb} / {la}")
print()
names = list(dict.fromkeys(r['name'] for r in rows))
hdr = ['statement', f'ms x{f1}', f'ms x{f2}', 'ratio', 'pg ms x' + str(f1), 'pg ms x' + str(f2),
       'pg ratio', 'target', '']
out = [hdr]
missed = 0
for n in names:
    rs = [r for r in rows if r['name'] == n]
    cls = rs[0]['class']
    med = lambda f, k: statistics.median(r[k] for r in rs if r['factor'] == f)
    l1, l2, c1, c2 = med(f1, 'p50_us'), med(f2, 'p50_us'), med(f1, 'pg_us'), med(f2, 'pg_us')
    ratio = l2 / l1 if l1 else float('inf')
    limit = 1.2 if cls == 'page' else 1.2 * f2 / f1
    ok = ratio <= limit
    note = 'ok' if ok else 'MISSED'
    over = [f'x{f}' for f, l in ((f1, l1), (f2, l2)) if timeout_ms and l / 1000 > timeout_ms]
    if over:
        note += f" (over the service's statement_timeout of {timeout_ms} ms at {', '.join(over)})"
    missed += not ok
    fmt = lambda us: f'{us / 1000:.2f}' if us < 100000 else f'{us / 1000:.0f}'
    out.append([n, fmt(l1), fmt(l2), f'{ratio:.2f}x', fmt(c1), fmt(c2),
                f'{c2 / c1:.2f}x' if c1 else '-', f'<= {limit:g}x', note])
w = [max(len(r[i]) for r in out) for i in range(len(hdr))]
for i, r in enumerate(out):
    print('  '.join(c.ljust(w[j]) if j == 0 else c.rjust(w[j]) for j, c in enumerate(r)).rstrip())
    if i == 0:
        print('  '.join('-' * x for x in w))
print()
print(f'{len(names) - missed} of {len(names)} targets met (a page read: ratio <= 1.2; a read of the '
      f'whole plan: <= 1.2 x {f2 // f1}, linear)')
PY
