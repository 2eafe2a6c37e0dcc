#!/usr/bin/env python3
"""Helpers of bench/run.sh (standard library only):

  tool.py statements OUT.json CC CFLAGS... -- FILE.c...
      the DB_STMT statements of the service's db/ files, macros expanded by the C
      preprocessor itself, so the benchmark runs the text the binary prepares
  tool.py render STATEMENTS.json TEMPLATE OUT
      a pgbench script from a template: a line "@name(arg1, arg2, ...)" becomes the
      statement `name` with $1, $2, ... replaced by the arguments
  tool.py plain SCRIPT var=value...
      the script's SQL for psql, variables replaced by literals (to compare results)
  tool.py pglog DIR          count, p50 and p99 (µs) of pgbench's per-transaction logs
  tool.py wrk FILE           the "WRK {json}" line of a wrk run, as JSON
  tool.py table RESULTS.jsonl MACHINE.json   the report
"""
import glob
import json
import re
import subprocess
import sys

STMT_RE = re.compile(r'struct\s+db_stmt\s+(\w+)\s*=\s*\{\s*"\w+"\s*,\s*((?:"(?:[^"\\]|\\.)*"\s*)+),')
LIT_RE = re.compile(r'"((?:[^"\\]|\\.)*)"')
VAR_RE = re.compile(r'(?<![:\w]):([A-Za-z_]\w*)')


def unescape(s):
    return s.encode('latin-1', 'backslashreplace').decode('unicode_escape') if '\\' in s else s


def statements(out, cc_args, files):
    found = {}
    for f in files:
        text = subprocess.run(cc_args + ['-E', '-P', f], check=True, capture_output=True,
                              text=True).stdout
        for m in STMT_RE.finditer(text):
            found[m.group(1)] = {'file': f, 'sql': ''.join(unescape(x) for x in LIT_RE.findall(m.group(2)))}
    with open(out, 'w', encoding='utf-8') as fh:
        json.dump(found, fh, ensure_ascii=False, indent=1)


def split_args(s):
    """Splits at the commas outside quotes and parentheses."""
    out, depth, quote, cur = [], 0, False, ''
    for ch in s:
        if quote:
            cur += ch
            if ch == "'":
                quote = False
            continue
        if ch == "'":
            quote = True
        elif ch == '(':
            depth += 1
        elif ch == ')':
            depth -= 1
        elif ch == ',' and depth == 0:
            out.append(cur.strip())
            cur = ''
            continue
        cur += ch
    out.append(cur.strip())
    return out


def render(stmts_file, template, out):
    stmts = json.load(open(stmts_file, encoding='utf-8'))
    lines = []
    for line in open(template, encoding='utf-8'):
        m = re.match(r'^@(\w+)\((.*)\)\s*$', line)
        if not m:
            lines.append(line.rstrip('\n'))
            continue
        name, args = m.group(1), split_args(m.group(2))
        if name not in stmts:
            sys.exit(f'tool.py: no DB_STMT named {name} in service/db/')
        sql = stmts[name]['sql']
        used = {int(n) for n in re.findall(r'\$(\d+)', sql)}
        if used != set(range(1, len(args) + 1)):
            sys.exit(f'tool.py: {name} takes ${max(used)} parameters, {template} binds {len(args)}')

        def bind(mm):
            a = args[int(mm.group(1)) - 1]
            return a if re.fullmatch(r':\w+|NULL|\w+', a) else f'({a})'
        lines.append('-- ' + name + ' of ' + stmts[name]['file'])
        lines.append(re.sub(r'\$(\d+)', bind, sql))
    with open(out, 'w', encoding='utf-8') as fh:
        fh.write('\n'.join(lines) + '\n')


def plain(script, assigns):
    vals = dict(a.split('=', 1) for a in assigns)
    sql = []
    for line in open(script, encoding='utf-8'):
        m = re.match(r'^\\set\s+(\w+)\s+random\(\s*:?(\w+)', line)
        if m:
            lo = m.group(2)
            vals.setdefault(m.group(1), vals.get(lo, lo))
            continue
        if line.startswith('\\') or line.startswith('--'):
            continue
        sql.append(line.rstrip('\n'))

    def lit(m):
        v = vals[m.group(1)]
        return "'" + v.replace("'", "''") + "'"
    print(VAR_RE.sub(lit, '\n'.join(sql)) + ';')


def pglog(d):
    lat = []
    for f in glob.glob(d + '/*log*'):
        for line in open(f):
            p = line.split()
            if len(p) >= 3:
                lat.append(int(p[2]))
    lat.sort()
    if not lat:
        print(json.dumps({'n': 0, 'p50_us': 0, 'p99_us': 0}))
        return
    q = lambda x: lat[min(len(lat) - 1, int(x * len(lat)))]
    print(json.dumps({'n': len(lat), 'p50_us': q(0.50), 'p99_us': q(0.99)}))


def wrk(f):
    for line in open(f, encoding='utf-8', errors='replace'):
        if line.startswith('WRK '):
            print(line[4:].strip())
            return
    print(json.dumps({'requests': 0, 'duration_us': 1, 'errors': -1, 'non2xx': 0,
                      'p50_us': 0, 'p99_us': 0, 'mean_us': 0}))


def fmt_ms(us):
    return f'{us / 1000:.2f}' if us < 100000 else f'{us / 1000:.0f}'


def table(results_file, machine_file):
    rows = [json.loads(l) for l in open(results_file) if l.strip()]
    m = json.load(open(machine_file))
    print(f"machine: {m['cores']} cores ({m['cpu']}), {m['mem']} RAM; {m['pg']}; wrk {m['wrk']}")
    print(f"data: seed plan {m['seed_plan']} + plan {m['plan']} ({m['activities']} activities, "
          f"{m['units']} units, {m['links']} activity-unit links, {m['observations']} observations); "
          f"{m['seconds']} s per measurement, wrk -t{m['wrk_threads']}, pgbench -M prepared -j{m['pg_jobs']}")
    print(f"load average before/after: {m['load_before']} / {m['load_after']}")
    if m.get('proposed'):
        print('BENCH_PROPOSED=1: the functions of bench/proposed.sql replace the migrations\' '
              'and jit is off, for the service and for "exact SQL" alike')
    print()
    head = ('endpoint', 'conc', 'variant', 'req/s', 'p50 ms', 'p99 ms', 'x pgbench', 'p99 x pg',
            'errors', 'svc us/req', 'pg us/req', 'other CPU')
    out = [head]
    exact = {}
    for r in rows:
        if r['kind'] == 'pgbench' and r['variant'] == 'exact SQL':
            exact[(r['endpoint'], r['conc'])] = r
    for r in rows:
        e = exact.get((r['endpoint'], r['conc']))
        ratio = f"{r['rps'] / e['rps']:.2f}" if e and e['rps'] else '-'
        p99r = f"{r['p99_us'] / e['p99_us']:.2f}" if e and e['p99_us'] else '-'
        n = max(r['n'], 1)
        out.append((r['endpoint'], str(r['conc']), r['variant'], f"{r['rps']:.0f}",
                    fmt_ms(r['p50_us']), fmt_ms(r['p99_us']), ratio, p99r,
                    str(r['errors']) + (f"+{r['socket_errors']}s" if r.get('socket_errors') else ''),
                    f"{r['svc_s'] * 1e6 / n:.0f}" if r['kind'] == 'wrk' else '-',
                    f"{r['pg_s'] * 1e6 / n:.0f}", f"{r['other_pct']:.0f}%"))
    widths = [max(len(row[i]) for row in out) for i in range(len(head))]
    for i, row in enumerate(out):
        print('  '.join(c.ljust(widths[j]) if j < 3 else c.rjust(widths[j])
                        for j, c in enumerate(row)).rstrip())
        if i == 0:
            print('  '.join('-' * w for w in widths))
    print()
    print('peak RSS (VmHWM) of the service: ' +
          ', '.join(f"{k}: {v / 1024:.1f} MB" for k, v in m['rss_kb'].items()))
    print()
    print('targets (reported, not asserted):')
    for (ep, conc), e in exact.items():
        alts = [r for r in rows if r['kind'] == 'pgbench' and r['endpoint'] == ep and
                r['conc'] == conc and r['variant'] != 'exact SQL']
        if alts:
            best = max(alts, key=lambda r: r['rps'])
            ok = e['rps'] >= 0.9 * best['rps']
            print(f"  {ep} c{conc}: service SQL {e['rps']:.0f}/s vs the best other ({best['variant']}) "
                  f"{best['rps']:.0f}/s = {e['rps'] / best['rps']:.2f} (>= 0.90): "
                  f"{'met' if ok else 'MISSED'}")
        for r in rows:
            if r['kind'] != 'wrk' or r['endpoint'] != ep or r['conc'] != conc:
                continue
            ratio = r['rps'] / e['rps'] if e['rps'] else 0
            p99r = r['p99_us'] / e['p99_us'] if e['p99_us'] else 0
            if ep == 'pdf':
                ms = r['svc_s'] * 1e3 / max(r['n'], 1)
                print(f"  pdf c{conc} {r['variant']}: {ms:.1f} ms of service CPU per PDF (<= 50): "
                      f"{'met' if ms <= 50 else 'MISSED'}")
            elif 'cached' in r['variant'] and 'uncached' not in r['variant']:
                print(f"  {ep} c{conc} {r['variant']}: {ratio:.2f}x pgbench (>= 5): "
                      f"{'met' if ratio >= 5 else 'MISSED'}")
            else:
                want = 0.8 if ep == 'observations' else 0.9
                print(f"  {ep} c{conc} {r['variant']}: {ratio:.2f}x pgbench (>= {want}): "
                      f"{'met' if ratio >= want else 'MISSED'}; p99 {p99r:.2f}x (<= 1.5): "
                      f"{'met' if p99r <= 1.5 else 'MISSED'}")
    # Reads under writes (issue 20): each row against the same readers without writes,
    # measured just before it (the machine drifts more over a run than writes cost).
    last_base = {}
    for r in rows:
        if r['endpoint'] != 'mixed':
            continue
        cfg, readers = r['variant'].split(' ')[:2]
        if r['variant'].endswith('no writes'):
            last_base[(r['conc'], cfg, readers)] = r
            continue
        base = last_base.get((r['conc'], cfg, readers))
        p99 = r['p99_us'] / 1000
        if readers == 'large':
            print(f"  mixed c{r['conc']} {r['variant']}: p99 {p99:.1f} ms (<= 50): "
                  f"{'met' if p99 <= 50 else 'MISSED'}")
        elif base and base['rps'] and base['p99_us']:
            ratio, p99r = r['rps'] / base['rps'], r['p99_us'] / base['p99_us']
            print(f"  mixed c{r['conc']} {r['variant']}: {ratio:.2f}x the rate without writes "
                  f"(>= 0.9): {'met' if ratio >= 0.9 else 'MISSED'}; p99 {p99r:.2f}x (<= 2): "
                  f"{'met' if p99r <= 2 else 'MISSED'}")
    # Rendering PDFs must not stall other requests: readers beside two PDF clients.
    for r in rows:
        if r['endpoint'] != 'pdfload' or not r['variant'].endswith('+ PDFs'):
            continue
        cfg = r['variant'].split(' ')[0]
        base = next((b for b in rows if b['endpoint'] == 'pdfload' and b['conc'] == r['conc']
                     and b['variant'] == f"{cfg} readers alone"), None)
        if base and base['p99_us']:
            p99r = r['p99_us'] / base['p99_us']
            print(f"  pdfload c{r['conc']} {cfg}: readers' p99 {r['p99_us'] / 1000:.1f} ms beside "
                  f"PDF renders, {p99r:.2f}x alone (<= 2): {'met' if p99r <= 2 else 'MISSED'}")
    for k, v in m['rss_kb'].items():
        print(f"  peak RSS {k}: {v / 1024:.1f} MB (<= 30): {'met' if v <= 30 * 1024 else 'MISSED'}")


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == 'statements':
        i = args.index('--')
        statements(args[0], args[1:i], args[i + 1:])
    elif cmd == 'render':
        render(*args)
    elif cmd == 'plain':
        plain(args[0], args[1:])
    elif cmd == 'pglog':
        pglog(args[0])
    elif cmd == 'wrk':
        wrk(args[0])
    elif cmd == 'table':
        table(*args)
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
