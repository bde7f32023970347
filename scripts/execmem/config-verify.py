#!/usr/bin/env python3
"""config-verify.py .config FRAGMENT...: the last assignment of every symbol
in the fragments must survive in the final .config (y/m exactly, "is not
set" as off); other values only give a note. Exit 1 if one was dropped.
"""
import re, sys
final = {}
for l in open(sys.argv[1]):
    m = re.match(r'^(CONFIG_\w+)=(.*)$', l.rstrip('\n'))
    if m: final[m.group(1)] = m.group(2)
    m = re.match(r'^# (CONFIG_\w+) is not set', l)
    if m: final[m.group(1)] = 'n'
want = {}
for f in sys.argv[2:]:
    for l in open(f):
        l = l.strip()
        m = re.match(r'^(CONFIG_\w+)=(.*)$', l)
        if m: want[m.group(1)] = (m.group(2), f); continue
        m = re.match(r'^# (CONFIG_\w+) is not set', l)
        if m: want[m.group(1)] = ('n', f)
bad = []
for k, (v, f) in want.items():
    got = final.get(k, 'n')
    if v in ('y', 'm'):
        if got != v: bad.append(f'{k}={v} wanted ({f.rsplit("/",1)[-1]}), got {got}')
    elif v == 'n':
        if got in ('y', 'm'): bad.append(f'{k} wanted off ({f.rsplit("/",1)[-1]}), got {got}')
    elif got != v:
        print(f'[execmem] config note: {k}={v} wanted, got {got}', file=sys.stderr)
if bad:
    print('[execmem] config options dropped or changed (missing dependencies?):', file=sys.stderr)
    for b in bad: print('  ' + b, file=sys.stderr)
    sys.exit(1)
