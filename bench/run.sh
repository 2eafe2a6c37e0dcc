#!/usr/bin/env bash
# `make bench`: throughput and latency of the service against PostgreSQL's own limit.
#   bench/run.sh [BINARY]            (default build/rendicion)
# Starts a private PostgreSQL and one service per listener configuration, loads the seed
# plan and a generated large one (bench/gen.sql), then for each concurrency, endpoint by
# endpoint and back to back: pgbench -M prepared on the exact statement the service runs
# (extracted from service/db/*.c at run time), pgbench on another formulation of the same result
# (bench/*.alt.sql), and wrk on the service, uncached (a citizen's token) and cached
# (anonymous). Prints one table; bench/README.md says what each figure means.
# Everything it started is stopped on any exit.
#
# The "mixed" endpoint measures anonymous readers beside a steady stream of writes
# (bench/writer.c): citizens' submissions (invisible to the public) and progress reports
# (visible), to show what the response cache keeps under writes.
#
# The "report" and "pdf" endpoints are the seed plan's report (JSON) and its document as
# a PDF; "pdfload" measures signed-in readers alone and while two clients render PDFs.
#
# Environment: BENCH_SECONDS (10), BENCH_CONCURRENCY ("16 64"), BENCH_ENDPOINTS
# ("activities document compliance report pdf observations inbox search mixed pdfload"), BENCH_CONFIGS ("threads pool": each a
# LISTENER, optionally with ,WORKERS=n and ,DB_POOL_SIZE=n), BENCH_WARMUP (1 s per wrk run),
# OBSERVATIONS_PER_HOUR (20), BENCH_POOL_ROW (1: also pgbench on the exact SQL with as
# many clients as the service has database connections, DB_POOL_SIZE's default),
# BENCH_PROPOSED (1: the database resolves the service's functions to bench/proposed.sql's
# and has jit off, to measure the service as it would be with the proposals),
# BENCH_KEEP_LOG (a file to copy the report to, with the raw results beside it as .jsonl).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd -P)"
BIN="${1:-$ROOT/build/rendicion}"
[[ -x "$BIN" ]] || { echo "bench: binary not found: $BIN (run make first)" >&2; exit 2; }
BIN="$(cd "$(dirname "$BIN")" && pwd -P)/$(basename "$BIN")"
cd "$ROOT"

SECS="${BENCH_SECONDS:-10}"
CONCS="${BENCH_CONCURRENCY:-16 64}"
ENDPOINTS="${BENCH_ENDPOINTS:-activities document compliance report pdf observations inbox search mixed pdfload}"
CONFIGS="${BENCH_CONFIGS:-threads pool}"
WARMUP="${BENCH_WARMUP:-1}"
PER_HOUR="${OBSERVATIONS_PER_HOUR:-20}"
PGBIN=/usr/lib/postgresql/15/bin
NCPU="$(nproc)"
WRK_THREADS=$((NCPU < 4 ? NCPU : 4))
PG_JOBS=$WRK_THREADS

# ---- tools --------------------------------------------------------------------------
if ! command -v wrk >/dev/null; then
  if [[ "$(id -u)" -eq 0 ]]; then
    echo "bench: installing wrk (Debian package)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null 2>&1 ||
      { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null; }
  fi
  command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 2; }
fi
for t in "$PGBIN/pgbench" psql node python3 cc curl; do
  command -v "$t" >/dev/null || { echo "bench: $t is missing" >&2; exit 2; }
done

TMP="$(mktemp -d "${TMPDIR:-/tmp}/rendicion-bench.XXXXXX")"
PGDATA_DIR="$TMP/pgdata"
RESULTS="$TMP/results.jsonl"
: >"$RESULTS"
declare -a SVC_PIDS=() SVC_PORTS=() SVC_NAMES=()
pg_started=0

# shellcheck disable=SC2317  # called through trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  for pid in "${SVC_PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${SVC_PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [[ "$rc" -ne 0 ]]; then
    for f in "$TMP"/service-*.log; do
      [[ -f "$f" ]] || continue
      echo "---- last lines of $(basename "$f") ----" >&2
      grep -v '"level":"info"' "$f" | tail -n 20 >&2 || true
    done
  fi
  if [[ "$pg_started" -eq 1 ]]; then
    scripts/pg.sh stop "$PGDATA_DIR" >/dev/null 2>&1 || true
  fi
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say() { echo "bench: [${SECONDS}s] $*" >&2; }

# ---- database and data --------------------------------------------------------------
pg_port="$(scripts/free-port.sh)"
pg_started=1
DATABASE_URL="$(scripts/pg.sh start "$PGDATA_DIR" "$pg_port" 2>/dev/null)"
export DATABASE_URL
JWT_SECRET="bench-$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
export JWT_SECRET
export JWT_ISSUER=rendicion JWT_AUDIENCE=rendicion-api
PM_PID="$(head -n1 "$PGDATA_DIR/postmaster.pid")"
sql() { psql "$DATABASE_URL" -XAtq -v ON_ERROR_STOP=1 "$@"; }

say "migrate, seed, generate the large plan"
"$BIN" migrate >/dev/null
"$BIN" seed >/dev/null
PLAN="$(sql -f bench/gen.sql | tail -n1)"
sql -c 'VACUUM ANALYZE' >/dev/null
sql -f bench/proposed.sql >/dev/null 2>&1
if [[ "${BENCH_PROPOSED:-0}" == 1 ]]; then
  # What the service would do with the proposals: its unqualified calls find the
  # functions of the schema "proposed" first, and no session compiles with JIT.
  sql -c "ALTER DATABASE rendicion SET search_path = proposed, public" \
      -c "ALTER DATABASE rendicion SET jit = off"
  say "BENCH_PROPOSED=1: the service and pgbench run bench/proposed.sql's functions, jit off"
fi
SEED_PLAN="$(sql -c "SELECT id FROM plans WHERE title = 'Plan de Trabajo 2024'")"
IFS='|' read -r AXIS_LO AXIS_HI AXES < <(sql -c "SELECT min(id), max(id), count(*) FROM axes WHERE plan_id = $PLAN")
[[ $((AXIS_HI - AXIS_LO + 1)) -eq "$AXES" ]] || { say "the large plan's axes are not consecutive ids"; exit 1; }
AS_OF="$(date -u +%F)"
OBS_N="$(sql -c "SELECT count(*) FROM observations o JOIN axes a ON a.id = o.axis_id WHERE a.plan_id = $PLAN")"

# The statements as the binary prepares them: the preprocessor expands DB_STMT and its
# helpers, so the copies here cannot drift from service/db/.
# shellcheck disable=SC2046  # pkg-config prints several flags
python3 bench/tool.py statements "$TMP/statements.json" cc -std=c11 -D_GNU_SOURCE -Iservice \
  $(pkg-config --cflags libpq jansson 2>/dev/null) -- service/db/*.c

# ---- tokens -------------------------------------------------------------------------
# Uncached reads: a director's token (staff: an answer other than the public's, which the
# response cache keeps for citizens too, service/http/cache.c).
node bench/tokens.mjs directores bench-reader- 1 1 >"$TMP/reader.tok"
NTOK=$((SECS * 1000 > 2000 ? SECS * 1000 : 2000))

# ---- services -----------------------------------------------------------------------
start_service() {
  local spec="$1" i="$2" port pid listener item
  port="$(scripts/free-port.sh)"
  IFS=',' read -r -a items <<<"$spec"
  listener="${items[0]}"
  (
    # Every client of the bench is 127.0.0.1: lift the per-address cap (default 64).
    export LISTENER="$listener" HOST=127.0.0.1 PORT="$port" OBSERVATIONS_PER_HOUR="$PER_HOUR" \
      MAX_CONNECTIONS_PER_ADDRESS=10000
    for item in "${items[@]:1}"; do export "${item?}"; done
    exec "$BIN" serve
  ) >"$TMP/service-$i.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do
    curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$port/health" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || { say "service $spec exited at start"; exit 1; }
    sleep 0.1
  done
  SVC_PIDS+=("$pid")
  SVC_PORTS+=("$port")
  SVC_NAMES+=("$spec")
}
i=0
for spec in $CONFIGS; do
  start_service "$spec" "$i"
  i=$((i + 1))
done
say "services: ${SVC_NAMES[*]} on ports ${SVC_PORTS[*]}"

# ---- CPU accounting -----------------------------------------------------------------
# One line "busy svc pg self" in clock ticks: the machine's busy time (/proc/stat), the
# service's, PostgreSQL's (the postmaster with the children it reaped, plus the live
# backends) and this shell's reaped children (the client: wrk or pgbench).
ticks() {
  local svc="$1"
  {
    head -n1 /proc/stat
    echo "SVC $(cat "/proc/$svc/stat" 2>/dev/null)"
    echo "PM $(cat "/proc/$PM_PID/stat" 2>/dev/null)"
    read -r -a kids <"/proc/$PM_PID/task/$PM_PID/children" || true
    for c in "${kids[@]}"; do
      echo "PG $(cat "/proc/$c/stat" 2>/dev/null)"
    done
    echo "SELF $(cat "/proc/$$/stat")"
  } | awk '
    /^cpu / { busy = $2 + $3 + $4 + $7 + $8 + $9; next }
    { tag = $1; sub(/^[A-Z]+ /, ""); sub(/^.*\) /, ""); if (NF < 15) next
      if (tag == "SVC") svc = $12 + $13
      else if (tag == "PM") pg += $12 + $13 + $14 + $15
      else if (tag == "PG") pg += $12 + $13
      else if (tag == "SELF") self = $14 + $15 }
    END { printf "%d %d %d %d\n", busy, svc, pg, self }'
}

# Appends one result line from the tick counts before ($1) and after ($2) a run.
record() {
  local before="$1" after="$2" kind="$3" endpoint="$4" conc="$5" variant="$6" json="$7"
  python3 - "$before" "$after" "$kind" "$endpoint" "$conc" "$variant" "$json" "$SECS" "$NCPU" \
    "$(getconf CLK_TCK)" >>"$RESULTS" <<'PY'
import json, sys
b, a, kind, ep, conc, variant, j, secs, ncpu, hz = sys.argv[1:]
b = [int(x) for x in b.split()]
a = [int(x) for x in a.split()]
d = [(y - x) / int(hz) for x, y in zip(b, a)]
busy, svc, pg, client = d
r = json.loads(j)
other = max(0.0, busy - svc - pg - client) / (float(secs) * int(ncpu)) * 100
print(json.dumps({'kind': kind, 'endpoint': ep, 'conc': int(conc), 'variant': variant,
                  'rps': r['rps'], 'n': r['n'], 'p50_us': r['p50_us'], 'p99_us': r['p99_us'],
                  'errors': r.get('errors', 0), 'socket_errors': r.get('socket_errors', 0),
                  'svc_s': svc, 'pg_s': pg, 'client_s': client,
                  'other_pct': other}))
PY
}

# ---- one pgbench measurement --------------------------------------------------------
PG_VARS=(-D "plan=$PLAN" -D "seed_plan=$SEED_PLAN" -D "axis_lo=$AXIS_LO" -D "axis_hi=$AXIS_HI"
         -D staff=true -D citizen_staff=false -D after=0 -D limit=50 -D "as_of=$AS_OF" -D "per_hour=$PER_HOUR")
# The service's fixed session settings (service/db/session.c: names[] and the values[]
# that do not come from the configuration), as "-c name=value" options.
SERVICE_PGOPTIONS="$(python3 - <<'PY'
import re
src = open("service/db/session.c", encoding="utf-8").read()
names = re.findall(r'"([^"]+)"', re.search(r"names\[NSET\] = \{(.*?)\};", src, re.S).group(1))
values = re.findall(r'"([^"]*)"', re.search(r"values\[NSET\]\[\d+\] = \{(.*?)\};", src, re.S).group(1))
print(" ".join(f"-c {n}={v}" for n, v in zip(names, values) if v))
PY
)"
run_pgbench() {
  local endpoint="$1" conc="$2" kind="$3" variant="$4" script="$TMP/$1.$3.sql" dir opts b a tps
  dir="$TMP/pgbench-$endpoint-$kind-$conc"
  mkdir -p "$dir"
  python3 bench/tool.py render "$TMP/statements.json" "bench/$endpoint.$kind.sql" "$script"
  # pgbench's sessions get the service's own session settings (db/pool.c: JIT off, the
  # timeouts), plus any the script names.
  opts="$SERVICE_PGOPTIONS $(sed -n 's/^-- pgoptions: //p' "$script" | head -n1)"
  say "pgbench $endpoint c$conc $variant"
  b="$(ticks "${SVC_PIDS[0]}")"
  PGOPTIONS="$opts" "$PGBIN/pgbench" -n -M prepared -c "$conc" -j "$PG_JOBS" -T "$SECS" \
    -l --log-prefix="$dir/log" "${PG_VARS[@]}" -D "run=$endpoint-$kind-$conc-$$" \
    -f "$script" "$DATABASE_URL" >"$dir/out" 2>&1 || { cat "$dir/out" >&2; exit 1; }
  sleep 0.5 # the backends end after pgbench: let the postmaster collect their CPU time
  a="$(ticks "${SVC_PIDS[0]}")"
  tps="$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$dir/out" | tail -n1)"
  local failed
  failed="$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$dir/out")"
  record "$b" "$a" pgbench "$endpoint" "$conc" "$variant" \
    "$(python3 bench/tool.py pglog "$dir" | python3 -c "import json,sys; d=json.load(sys.stdin); d['rps']=float('$tps' or 0); d['errors']=int('${failed:-0}'); print(json.dumps(d))")"
  rm -rf "$dir"
}

# ---- one wrk measurement ------------------------------------------------------------
run_wrk() {
  local endpoint="$1" conc="$2" i="$3" label="$4" method="$5" tokens="$6" b a out
  shift 6
  local url="http://127.0.0.1:${SVC_PORTS[$i]}"
  out="$TMP/wrk.out"
  say "wrk $endpoint c$conc ${SVC_NAMES[$i]} $label"
  if [[ "$WARMUP" != 0 ]]; then
    wrk -t "$WRK_THREADS" -c "$conc" -d "${WARMUP}s" -s bench/wrk.lua "$url" -- \
      "$method" "$WRK_THREADS" "$tokens" "$@" >/dev/null 2>&1 || true
  fi
  b="$(ticks "${SVC_PIDS[$i]}")"
  wrk -t "$WRK_THREADS" -c "$conc" -d "${SECS}s" --timeout 30s -s bench/wrk.lua "$url" -- \
    "$method" "$WRK_THREADS" "$tokens" "$@" >"$out" 2>&1 || { cat "$out" >&2; exit 1; }
  a="$(ticks "${SVC_PIDS[$i]}")"
  record "$b" "$a" wrk "$endpoint" "$conc" "${SVC_NAMES[$i]}${label:+ $label}" \
    "$(python3 bench/tool.py wrk "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); print(json.dumps({'rps': d['requests'] / (d['duration_us'] / 1e6), 'n': d['requests'], 'p50_us': d['p50_us'], 'p99_us': d['p99_us'], 'errors': d['non2xx'], 'socket_errors': d['errors']}))")"
}

# ---- the alternatives answer the same as the service's statements --------------------
same_result() {
  local endpoint="$1" vars=(plan="$PLAN" seed_plan="$SEED_PLAN" axis_lo="$AXIS_LO"
    axis_hi="$AXIS_HI" staff=true citizen_staff=false after=0 limit=50 as_of="$AS_OF" per_hour="$PER_HOUR")
  python3 bench/tool.py render "$TMP/statements.json" "bench/$endpoint.exact.sql" "$TMP/same.sql"
  python3 bench/tool.py render "$TMP/statements.json" "bench/$endpoint.alt.sql" "$TMP/same-alt.sql"
  if ! cmp -s <(python3 bench/tool.py plain "$TMP/same.sql" "${vars[@]}" | sql) \
              <(python3 bench/tool.py plain "$TMP/same-alt.sql" "${vars[@]}" | sql); then
    say "WARNING: bench/$endpoint.alt.sql does not answer what the service's statement answers"
  fi
}
for e in $ENDPOINTS; do
  [[ ! -f "bench/$e.alt.sql" ]] || same_result "$e"
done
# The search endpoints read the GIN indexes (bench/explain.sh prints how, on this data).
search_eps="$(tr ' ' '\n' <<<"$ENDPOINTS" | grep -Ex 'inbox|search' | tr '\n' ' ' || true)"
[[ -z "$search_eps" ]] || bench/explain.sh "$TMP/statements.json" "$search_eps" plan="$PLAN" \
  staff=false after=0 limit=50 >&2 || say "WARNING: a search does not use its GIN index"

# ---- the measurements ---------------------------------------------------------------
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
paths_activities=()
for ((ax = AXIS_LO; ax <= AXIS_HI; ax++)); do
  paths_activities+=("/api/v1/plans/$PLAN/activities?axis_id=$ax&limit=50")
done
paths_observations=()
for ((ax = AXIS_LO; ax <= AXIS_HI; ax++)); do
  paths_observations+=("/api/v1/axes/$ax/observations")
done
# ---- the mixed measurement: anonymous readers beside a stream of writes ---------------
# One wrk run per row, a writer (bench/writer.c) posting at a fixed rate through the
# warm-up and the run: nothing, citizens' submissions to the large plan (received: the
# public cannot see them) at 5 and 50 a second, then progress reports on the large plan
# (visible) at 5 a second, read by readers of the seed plan only and of the large plan only.
node bench/tokens.mjs administradora bench-admin- 1 >"$TMP/admin.tok"
cc -std=c11 -D_GNU_SOURCE -O2 -o "$TMP/writer" bench/writer.c
mapfile -t progress_paths < <(sql -c "SELECT '/api/v1/activities/' || t.id || '/updates'
  FROM activities t JOIN axes a ON a.id = t.axis_id
  WHERE a.plan_id = $PLAN AND t.status IN ('pending', 'in_progress') ORDER BY t.id LIMIT 500")
run_mixed() {
  local conc="$1" i="$2" label="$3" kind="$4" rate="$5" readers="$6" tokens wpid="" url
  shift 6
  url="http://127.0.0.1:${SVC_PORTS[$i]}"
  if [[ "$kind" != none ]]; then
    if [[ "$kind" == submit ]]; then
      tokens="$TMP/mixed-$i-$conc-$rate.tok"
      node bench/tokens.mjs ciudadanos "bench-m$i-c$conc-r$rate-" \
        "$((rate * (WARMUP + SECS + 2) + 1))" >"$tokens"
      "$TMP/writer" "$url" "$rate" "$((WARMUP + SECS + 1))" submit "$tokens" \
        "${paths_observations[@]}" >"$TMP/writer.out" &
    else
      "$TMP/writer" "$url" "$rate" "$((WARMUP + SECS + 1))" progress "$TMP/admin.tok" \
        "${progress_paths[@]}" >"$TMP/writer.out" &
    fi
    wpid=$!
  fi
  run_wrk mixed "$conc" "$i" "$readers $label" get - "$@"
  if [[ -n "$wpid" ]]; then
    wait "$wpid" || true
    say "$(cat "$TMP/writer.out")"
  fi
}

# ---- readers while PDFs render: the same signed-in readers alone, then beside two
# clients that ask for the seed plan's PDF without pause for the whole run.
run_pdfload() {
  local conc="$1" i="$2" url="http://127.0.0.1:${SVC_PORTS[$i]}" wpid
  run_wrk pdfload "$conc" "$i" "readers alone" get "$TMP/reader.tok" "${paths_activities[@]}"
  wrk -t 1 -c 2 -d "$((WARMUP + SECS + 1))s" -s bench/wrk.lua "$url" -- pdf 1 "$TMP/reader.tok" \
    "/api/v1/plans/$SEED_PLAN/document" >"$TMP/pdf-writer.out" 2>&1 &
  wpid=$!
  run_wrk pdfload "$conc" "$i" "readers + PDFs" get "$TMP/reader.tok" "${paths_activities[@]}"
  wait "$wpid" || true
  say "PDFs rendered meanwhile: $(grep -o '"requests":[0-9]*' "$TMP/pdf-writer.out")"
}

first_conc="${CONCS%% *}"
for conc in $CONCS; do
  for e in $ENDPOINTS; do
    if [[ "$e" == mixed ]]; then
      all=("${paths_activities[@]}" "/api/v1/plans/$SEED_PLAN/document" "/api/v1/plans/$PLAN/compliance")
      large=("${paths_activities[@]}" "/api/v1/plans/$PLAN/compliance")
      for ((i = 0; i < ${#SVC_PIDS[@]}; i++)); do
        # Each row with writes right after its baseline without them (tool.py compares
        # the two): on a shared machine the rate drifts more over minutes than writes cost.
        run_mixed "$conc" "$i" "no writes" none 0 all "${all[@]}"
        run_mixed "$conc" "$i" "+5 subm/s" submit 5 all "${all[@]}"
        run_mixed "$conc" "$i" "no writes" none 0 all "${all[@]}"
        run_mixed "$conc" "$i" "+50 subm/s" submit 50 all "${all[@]}"
        run_mixed "$conc" "$i" "no writes" none 0 seed "/api/v1/plans/$SEED_PLAN/document"
        run_mixed "$conc" "$i" "+5 prog/s" progress 5 seed "/api/v1/plans/$SEED_PLAN/document"
        run_mixed "$conc" "$i" "+5 prog/s" progress 5 large "${large[@]}"
      done
      continue
    fi
    if [[ "$e" == pdfload ]]; then
      for ((i = 0; i < ${#SVC_PIDS[@]}; i++)); do run_pdfload "$conc" "$i"; done
      continue
    fi
    if [[ "${BENCH_POOL_ROW:-0}" == 1 && "$conc" == "$first_conc" ]]; then
      run_pgbench "$e" "$((2 * NCPU + 2))" exact "exact SQL"
    fi
    run_pgbench "$e" "$conc" exact "exact SQL"
    # Not every endpoint keeps another formulation (bench/README.md says which).
    [[ ! -f "bench/$e.alt.sql" ]] || run_pgbench "$e" "$conc" alt "other SQL"
    case "$e" in
      activities) paths=("${paths_activities[@]}") ;;
      document) paths=("/api/v1/plans/$SEED_PLAN/document") ;;
      compliance) paths=("/api/v1/plans/$PLAN/compliance") ;;
      report) paths=("/api/v1/plans/$SEED_PLAN/report") ;;
      pdf) paths=("/api/v1/plans/$SEED_PLAN/document") ;;
      observations) paths=("${paths_observations[@]}") ;;
      inbox) paths=("/api/v1/plans/$PLAN/observations?q=vacunacion&limit=50") ;;
      search) paths=("/api/v1/search?q=vacunacion&plan_id=$PLAN&limit=50") ;;
    esac
    for ((i = 0; i < ${#SVC_PIDS[@]}; i++)); do
      if [[ "$e" == observations ]]; then
        node bench/tokens.mjs ciudadanos "bench-w$i-c$conc-" "$NTOK" >"$TMP/writers.tok"
        run_wrk "$e" "$conc" "$i" "" post "$TMP/writers.tok" "${paths[@]}"
      else
        get=get
        [[ "$e" != pdf ]] || get=pdf
        run_wrk "$e" "$conc" "$i" "uncached" "$get" "$TMP/reader.tok" "${paths[@]}"
        run_wrk "$e" "$conc" "$i" "cached" "$get" - "${paths[@]}"
      fi
    done
  done
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---- report -------------------------------------------------------------------------
rss="{"
for ((i = 0; i < ${#SVC_PIDS[@]}; i++)); do
  kb="$(awk '/^VmHWM:/ { print $2 }' "/proc/${SVC_PIDS[$i]}/status")"
  [[ $i -eq 0 ]] || rss+=","
  rss+="\"${SVC_NAMES[$i]}\": $kb"
done
rss+="}"
python3 - "$TMP/machine.json" <<PY
import json, sys
cpu = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), '?')
mem = int(next(l.split()[1] for l in open('/proc/meminfo') if l.startswith('MemTotal'))) / 1048576
json.dump({'cores': $NCPU, 'cpu': cpu, 'mem': f'{mem:.0f} GB',
           'pg': """$(sql -c 'SELECT version()' | cut -d, -f1)""",
           'wrk': """$(wrk -v 2>&1 | head -n1 | cut -d' ' -f2)""",
           'seed_plan': $SEED_PLAN, 'plan': $PLAN,
           'activities': $(sql -c "SELECT count(*) FROM activities t JOIN axes a ON a.id = t.axis_id WHERE a.plan_id = $PLAN"),
           'units': $(sql -c "SELECT count(DISTINCT au.unit_id) FROM activity_units au JOIN activities t ON t.id = au.activity_id JOIN axes a ON a.id = t.axis_id WHERE a.plan_id = $PLAN"),
           'links': $(sql -c "SELECT count(*) FROM activity_units au JOIN activities t ON t.id = au.activity_id JOIN axes a ON a.id = t.axis_id WHERE a.plan_id = $PLAN"),
           'observations': $OBS_N, 'seconds': $SECS, 'wrk_threads': $WRK_THREADS,
           'pg_jobs': $PG_JOBS, 'load_before': '$LOAD_BEFORE', 'load_after': '$LOAD_AFTER',
           'rss_kb': json.loads('$rss'), 'proposed': '${BENCH_PROPOSED:-0}' == '1'}, open(sys.argv[1], 'w'))
PY
python3 bench/tool.py table "$RESULTS" "$TMP/machine.json" | tee "${BENCH_KEEP_LOG:-/dev/null}"
if [[ -n "${BENCH_KEEP_LOG:-}" ]]; then
  cp "$RESULTS" "${BENCH_KEEP_LOG%.*}.jsonl"
fi
