#!/usr/bin/env python3
"""The catalogue of reasons (service/http/reasons.def) against what can raise one.

    check.py CONSTRAINTS_FILE

Fails when the SQL (api_raise(status, 'reason') in migrations/) or the C code (R_reason in
service/) can give a reason the catalogue lacks or with another status; when a database
constraint that a client can break (a unique constraint or index, not a primary key nor one
holding its columns:
CONSTRAINTS_FILE, one "name|u" line each, read from a migrated database, beside its
foreign keys as "name|f") is not mapped to a reason by service/http/constraints.def, or
is mapped to one of another status than its violation's (409 unique, 422 foreign key);
when that file maps a constraint the database lacks; when a reason is named like a
constraint (a schema's name in an answer); when the catalogue holds an entry that nothing
gives; or when the list of reasons in openapi/openapi.yaml (ProblemReason) is not the
catalogue's. Prints one line per problem and a closing "N passed, N failed" line.
"""
import pathlib
import re
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
ENTRY = re.compile(r'^REASON\((\w+),\s*(\d{3}),\s*"(\w+)",', re.M)
RAISE = re.compile(r"api_raise\(\s*(\d{3})\s*,\s*'(\w+)'")
USE = re.compile(r'\bR_([a-z]\w*)\b')
MAPPED = re.compile(r'^CONSTRAINT\((\w+),\s*(\w+)\)', re.M)
STATUS_OF = {'u': 409, 'f': 422}


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
    constraints = {}  # name -> 'u' (unique) or 'f' (foreign key)
    for line in open(sys.argv[1]):
        name, _, kind = line.strip().partition('|')
        if name:
            constraints[name] = kind or 'u'
    mapped = {}
    for name, reason in MAPPED.findall((ROOT / 'service/http/constraints.def').read_text()):
        if name in mapped:
            failures.append(f'{name}: mapped twice in constraints.def')
        mapped[name] = reason

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
    for name, kind in sorted(constraints.items()):
        checks += 1
        if name in catalogue:
            failures.append(f'{name}: a reason named after a database constraint')
        if kind == 'u' and name not in mapped:
            failures.append(f'{name}: a unique constraint a client can break, '
                            'not mapped in constraints.def')
    for name, reason in sorted(mapped.items()):
        checks += 1
        if name not in constraints:
            failures.append(f'{name}: mapped in constraints.def, but the database has no such '
                            'unique constraint or foreign key')
        elif reason not in catalogue:
            failures.append(f'{name}: mapped to {reason}, which is not in the catalogue')
        elif catalogue[reason] != STATUS_OF[constraints[name]]:
            failures.append(f'{name}: its violation is {STATUS_OF[constraints[name]]}, '
                            f'{reason} is {catalogue[reason]} in the catalogue')
    given_by_constraint = set(mapped.values())
    for name in sorted(catalogue):
        checks += 1
        if name not in raised and name not in used and name not in given_by_constraint:
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
          f'{len(used)} by C, {len(mapped)} constraints mapped of {len(constraints)}')
    print(f'{checks - len(failures)} passed, {len(failures)} failed')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
