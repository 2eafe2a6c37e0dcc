#!/usr/bin/env python3
"""The catalogue of reasons (service/http/reasons.def) against what can raise one.

    check.py CONSTRAINTS_FILE

Fails when the SQL (api_raise(status, 'reason') in migrations/) or the C code (R_reason in
service/) can give a reason the catalogue lacks or with another status, when a database
constraint that a client can break (a unique constraint or index, not a primary key:
CONSTRAINTS_FILE, one name a line, read from a migrated database) has no entry, and when
the catalogue holds an entry that nothing gives, or when the list of reasons in
openapi/openapi.yaml (ProblemReason) is not the catalogue's. Prints one line per problem and a
closing "N passed, N failed" line.
"""
import pathlib
import re
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
ENTRY = re.compile(r'^REASON\((\w+),\s*(\d{3}),\s*"(\w+)",', re.M)
RAISE = re.compile(r"api_raise\(\s*(\d{3})\s*,\s*'(\w+)'")
USE = re.compile(r'\bR_([a-z]\w*)\b')


def main():
    failures, checks = [], 0
    catalogue = {}
    for name, status, code in ENTRY.findall((ROOT / 'service/http/reasons.def').read_text()):
        if name in catalogue:
            failures.append(f'{name}: listed twice in the catalogue')
        catalogue[name] = int(status)

    raised = {}  # reason -> {(status, where)}
    for f in sorted((ROOT / 'migrations').rglob('*.sql')):
        text = f.read_text()
        calls = len(re.findall(r'\bapi_raise\s*\(', text))
        found = RAISE.findall(text)
        definitions = len(re.findall(r'FUNCTION\s+api_raise\s*\(', text))
        if calls - definitions != len(found):
            failures.append(f'{f.relative_to(ROOT)}: an api_raise whose reason is not a literal')
        for status, name in found:
            raised.setdefault(name, set()).add((int(status), str(f.relative_to(ROOT))))

    used = set()
    for f in sorted((ROOT / 'service').rglob('*.[ch]')):
        if f.name.startswith('reasons.'):
            continue
        used.update(USE.findall(f.read_text()))

    if len(sys.argv) != 2:
        sys.exit('usage: check.py CONSTRAINTS_FILE')
    constraints = {l.strip() for l in open(sys.argv[1]) if l.strip()}

    for name, places in sorted(raised.items()):
        for status, where in sorted(places):
            checks += 1
            if name not in catalogue:
                failures.append(f'{name}: raised in {where} but not in the catalogue')
            elif catalogue[name] != status:
                failures.append(f'{name}: raised with {status} in {where}, '
                                f'the catalogue says {catalogue[name]}')
    for name in sorted(used):
        checks += 1
        if name not in catalogue and name != 'COUNT':
            failures.append(f'R_{name}: used in service/ but not in the catalogue')
    for name in sorted(constraints):
        checks += 1
        if name not in catalogue:
            failures.append(f'{name}: a unique constraint a client can break, not in the catalogue')
        elif catalogue[name] != 409:
            failures.append(f'{name}: a uniqueness conflict is 409, the catalogue says {catalogue[name]}')
    for name in sorted(catalogue):
        checks += 1
        if name not in raised and name not in used and name not in constraints:
            failures.append(f'{name}: in the catalogue, but nothing gives it')

    spec = yaml.safe_load((ROOT / 'openapi/openapi.yaml').read_text(encoding='utf-8'))
    listed = spec['components']['schemas']['ProblemReason']['enum']
    checks += 1
    if sorted(listed) != sorted(catalogue):
        failures.append('openapi.yaml ProblemReason differs from the catalogue: missing '
                        f'{sorted(set(catalogue) - set(listed))}, extra {sorted(set(listed) - set(catalogue))}')

    for f in failures:
        print(f'reasons: FAIL: {f}')
    print(f'reasons: {len(catalogue)} in the catalogue, {len(raised)} raised by SQL, '
          f'{len(used)} by C, {len(constraints)} constraints')
    print(f'{checks - len(failures)} passed, {len(failures)} failed')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
