#!/usr/bin/env python3
"""Summarise host harness + guest boot logs (KTAP + kernel splats).

usage: ktap-summary.py [--harness LOG[:RC] | --harness-skip REASON]
                       [--pass NAME ...] [--fail NAME:REASON ...]
                       [--no-tests-ok] NAME=LOG ...
Last line printed: "N passed, N failed[, N skipped]"; exit 1 if failed > 0.
"""
import argparse, os, re, sys

TS = re.compile(r'^\[\s*\d+\.\d+\]\s?')
RESULT = re.compile(r'^(\s*)(ok|not ok)\s+(\d+)\b(?:\s*-)?\s*(.*)$')
START_WARN = 'execmem-test: expect-warn begin'
END_WARN = 'execmem-test: expect-warn end'
# always fatal, even inside an expect-warn section
FATAL = [
    (re.compile(r'\bBUG:'), 'BUG'),
    (re.compile(r'\bOops\b'), 'Oops'),
    (re.compile(r'Kernel panic'), 'panic'),
    (re.compile(r'general protection fault'), 'GPF'),
    (re.compile(r'\bKASAN:'), 'KASAN'),
    (re.compile(r'\bUBSAN:'), 'UBSAN'),
    (re.compile(r'\bKFENCE:'), 'KFENCE'),
    (re.compile(r'WARNING: possible circular locking'), 'lockdep'),
    (re.compile(r'INFO: possible recursive locking'), 'lockdep'),
    (re.compile(r'WARNING: (?!CPU: )[^\n]*lock', re.I), 'lockdep'),
    (re.compile(r'WARNING: suspicious RCU usage'), 'lockdep-rcu'),
    (re.compile(r'INFO: task .* blocked for more than'), 'hung-task'),
    (re.compile(r'rcu: INFO: rcu_\w+ detected stalls'), 'rcu-stall'),
    (re.compile(r'watchdog: BUG: soft lockup'), 'soft-lockup'),
]
SUBTEST = re.compile(r'^(\s*)# Subtest: (.*)$')
DIAG = re.compile(r'^\s*# .*(FAILED|[Ff]ail|ASSERT)')
WARN = re.compile(r'\bWARNING:')
CALLTRACE = re.compile(r'Call Trace:')


class Counts:
    def __init__(self):
        self.passed = self.failed = self.skipped = 0
        self.fails, self.skips = [], []

    def add(self, kind, name, why=''):
        if kind == 'pass':
            self.passed += 1
        elif kind == 'fail':
            self.failed += 1
            self.fails.append((name, why))
        else:
            self.skipped += 1
            self.skips.append((name, why))


def parse_boot(name, path, status, c):
    """Return number of test results found."""
    try:
        raw = open(path, errors='replace').read().split('\n')
    except OSError as e:
        c.add('fail', f'{name}: boot-log', f'cannot read {path}: {e}')
        return 0
    lines = [TS.sub('', l.rstrip('\r')) for l in raw]
    stack = []          # (indent, name, ok, directive)
    suite_names = {}    # indent -> last "# Subtest:" name
    nres = 0
    in_warn = False
    splat_until = -1
    init_done = any('EXECMEM-INIT-DONE' in l for l in lines)
    splats = 0
    window = set()
    last_diag = ''

    def emit(ind, tname, ok, directive, had_children, child_failed):
        nonlocal nres
        full = f'{name}: {tname}'
        d = directive.strip()
        if had_children:
            # a parent: its leaves were counted; count it only if it failed
            # while no leaf did (suite init/exit failure)
            if not ok and not child_failed and not re.match(r'(?i)skip', d):
                nres += 1
                c.add('fail', full, 'suite failed without a failing subtest')
            return
        nres += 1
        if re.match(r'(?i)skip', d):
            c.add('skip', full, d[4:].strip())
        elif re.match(r'(?i)(xfail|todo)', d):
            c.add('pass' if ok else 'skip', full, d)
        elif ok:
            c.add('pass', full)
        else:
            c.add('fail', full, d)

    for i, l in enumerate(lines):
        if START_WARN in l:
            in_warn = True
        elif END_WARN in l:
            in_warn = False
        hit = None
        for rx, what in FATAL:
            if rx.search(l):
                hit = what
                break
        if hit is None and not in_warn:
            if WARN.search(l):
                hit = 'WARNING'
            elif CALLTRACE.search(l) and i > splat_until:
                hit = 'Call-Trace'
        if hit:
            if i > splat_until:
                window = set()
            if hit not in window and (i > splat_until or hit not in ('WARNING', 'Call-Trace')):
                splats += 1
                c.add('fail', f'{name}: kernel-{hit}', l.strip()[:160])
            window.add(hit)
            splat_until = i + 80
        m = SUBTEST.match(l)
        if m:
            k = len(m.group(1).expandtabs(8))
            for j in [j for j in suite_names if j >= k]:
                del suite_names[j]
            suite_names[k] = m.group(2).strip()
            continue
        m = DIAG.match(l)
        if m:
            last_diag = l.strip()[:160]
            continue
        m = RESULT.match(l)
        if not m:
            continue
        ind = len(m.group(1).expandtabs(8))
        ok = m.group(2) == 'ok'
        rest = m.group(4)
        tname, directive = rest, ''
        if '#' in rest:
            tname, directive = rest.split('#', 1)
        tname = tname.strip() or f'test-{m.group(3)}'
        for j in [j for j in suite_names if j > ind]:
            del suite_names[j]
        tname = '.'.join([suite_names[j] for j in sorted(suite_names)] + [tname])
        if not ok and not directive.strip() and last_diag:
            directive = last_diag
        last_diag = ''
        children = []
        while stack and stack[-1][0] > ind:
            children.append(stack.pop())
        child_failed = any(not ch[2] for ch in children)
        emit(ind, tname, ok, directive, bool(children), child_failed)
        # remember failure state for our own parent
        stack.append((ind, tname, ok and not child_failed, directive))

    if status and status != 'ok':
        why = {'hang': 'timeout (hang)'}.get(status, status)
        c.add('fail', f'{name}: {"hang" if status == "hang" else "qemu"}', why)
    if not init_done:
        c.add('fail', f'{name}: no-EXECMEM-INIT-DONE', 'guest crashed or hung before init finished')
    return nres


def parse_harness(spec, c):
    path, rc = spec, None
    if ':' in spec and spec.rsplit(':', 1)[1].lstrip('-').isdigit():
        path, rc = spec.rsplit(':', 1)
        rc = int(rc)
    try:
        text = open(path, errors='replace').read()
    except OSError:
        text = ''
    p = f = s = None
    for l in text.split('\n'):
        m = re.match(r'^\s*(\d+) passed, (\d+) failed(?:, (\d+) skipped)?\s*$', l)
        if m:
            p, f, s = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    if p is None:
        c.add('fail', 'host-harness', f'no "N passed, N failed" line in {path} (rc={rc})')
        return
    c.passed += p
    c.skipped += s
    if f:
        c.failed += f
        for l in text.split('\n'):
            if re.match(r'^\s*not ok\b', l) or re.match(r'^\s*(FAIL|FAILED)\b', l):
                c.fails.append(('host-harness', l.strip()[:160]))
        if not any(n == 'host-harness' for n, _ in c.fails):
            c.fails.append(('host-harness', f'{f} failed'))
    if rc not in (None, 0) and not f:
        c.add('fail', 'host-harness', f'exit status {rc} but summary reports no failure')
    print(f'host-harness: {p} passed, {f} failed' + (f', {s} skipped' if s else ''))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--harness')
    ap.add_argument('--harness-skip')
    ap.add_argument('--pass', dest='passes', action='append', default=[])
    ap.add_argument('--fail', action='append', default=[])
    ap.add_argument('--skip', action='append', default=[])
    ap.add_argument('--no-tests-ok', action='store_true',
                    help='do not fail a boot that reports zero results')
    ap.add_argument('boots', nargs='*')
    a = ap.parse_intermixed_args()
    c = Counts()
    if a.harness_skip:
        c.add('skip', 'host-harness', a.harness_skip)
        print(f'host-harness: SKIP {a.harness_skip}')
    elif a.harness:
        parse_harness(a.harness, c)
    for spec in a.boots:
        name, path = spec.split('=', 1)
        st_path = os.path.splitext(path)[0] + '.status'
        status = open(st_path).read().strip() if os.path.exists(st_path) else None
        before = (c.passed, c.failed, c.skipped)
        n = parse_boot(name, path, status, c)
        if n == 0 and not a.no_tests_ok:
            c.add('fail', f'{name}: no-test-results', 'no KTAP results in the log')
        print(f'{name}: {c.passed - before[0]} passed, {c.failed - before[1]} failed, '
              f'{c.skipped - before[2]} skipped ({n} results, log {path})')
    for n in a.passes:
        c.add('pass', n)
    for f in a.fail:
        n, _, why = f.partition(':')
        c.add('fail', n, why)
    for s in a.skip:
        n, _, why = s.partition(':')
        c.add('skip', n, why)
    for n in a.passes:
        print(f'PASS {n}')
    for n, why in c.fails:
        print(f'FAIL {n}' + (f' -- {why}' if why else ''))
    for n, why in c.skips:
        print(f'SKIP {n}' + (f' -- {why}' if why else ''))
    tail = f'{c.passed} passed, {c.failed} failed'
    if c.skipped:
        tail += f', {c.skipped} skipped'
    print(tail)
    return 1 if c.failed else 0


if __name__ == '__main__':
    sys.exit(main())
