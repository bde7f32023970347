#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise the host harness log and guest boot logs (KTAP + kernel splats).

usage: ktap-summary.py [--kunit-dir DIR]
                       [--harness LOG[:RC] | --harness-skip REASON]
                       [--pass NAME ...] [--fail NAME:REASON ...]
                       [--skip NAME:REASON ...] [--no-tests-ok] NAME=LOG ...

KTAP is parsed by the kernel's own tools/testing/kunit/kunit_parser.py
(by default from the pristine tree, $EXECMEM_BUILD/stock/linux). A console
log holds several KTAP documents (KUnit at boot, then run.sh, trace.sh and
bench.sh); each goes through the parser on its own. Kernel splats are
found by splats.py.

Prints one line per stage, a FAIL or SKIP line per failure or skip and,
last, "N passed, N failed[, N skipped]"; exits 1 if anything failed.
"""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import splats  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))

# a KTAP document starts at a version line that is not indented
DOC_START = re.compile(r'^(KTAP|TAP) version \d+$')
PLAN = re.compile(r'^1\.\.\d+$')
# a diagnostic that says why the next result failed
DIAG_FAIL = re.compile(r'^\s*# .*(FAILED|[Ff]ail|ASSERT)')
DIRECTIVE = re.compile(r'^\s*(?:not ok|ok) \d+ (?:- )?[^#]*(?: # (.*))?$')
TOTALS = re.compile(r'^(\d+) tests run, (\d+) passed, (\d+) failed'
                    r'(?:, (\d+) skipped)?$')


def default_kunit_dir():
    build = os.environ.get('EXECMEM_BUILD', 'build')
    if not os.path.isabs(build):
        build = os.path.join(REPO, build)
    return os.path.join(build, 'stock', 'linux', 'tools', 'testing', 'kunit')


def load_kunit_parser(kdir):
    """Import kunit_parser from @kdir, quiet, keeping result directives."""
    sys.path.insert(0, kdir)
    import kunit_parser
    import kunit_printer

    kunit_parser.stdout = kunit_printer.Printer(open(os.devnull, 'w'))
    # The Test objects keep the status of a result line, not its directive
    # ("# SKIP reason"): keep it beside them for the SKIP/FAIL lines.
    parse_result = kunit_parser.parse_test_result

    def parse_test_result(lines, test, expected_num):
        m = DIRECTIVE.match(lines.peek()) if lines else None
        if m:
            test.directive = (m.group(1) or '').strip()
        return parse_result(lines, test, expected_num)

    kunit_parser.parse_test_result = parse_test_result
    return kunit_parser


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


def ktap_documents(kp, lines):
    """Split a log into KTAP documents that kunit_parser can take.

    Each document starts at a version line that is not indented. A plan
    that a shell script prints after its results (TAP allows that) is
    moved up to the version line, where kunit_parser looks for it; any
    other plan line out of place is dropped (kunit_parser would never
    consume it).
    """
    docs = []
    for line in lines:
        if DOC_START.match(line):
            docs.append([line])
        elif docs:
            docs[-1].append(line)
    out = []
    for doc in docs:
        tidy = [doc[0]]
        plan_ok = True          # right after a version or subtest line
        top_plan = False
        late_plan = None
        for line in doc[1:]:
            if kp.TEST_PLAN.match(line):
                if plan_ok:
                    tidy.append(line)
                    top_plan |= not line[:1].isspace()
                elif late_plan is None and not line[:1].isspace():
                    late_plan = line
                plan_ok = False
                continue
            if kp.KTAP_START.match(line) or kp.TAP_START.match(line) or \
               kp.TEST_HEADER.match(line):
                plan_ok = True
            elif kp.TEST_RESULT.match(line):
                plan_ok = False
            tidy.append(line)
        if late_plan is not None and not top_plan:
            tidy.insert(1, late_plan)
        out.append(tidy)
    return out


def leaves(test):
    if not test.subtests:
        return [test]
    return [t for s in test.subtests for t in leaves(s)]


def walk(kp, test, path, name, c):
    """Count the results under @test (named by @path); return how many."""
    S = kp.TestStatus
    full = '.'.join(path)
    if test.subtests:
        n = 0
        for i, sub in enumerate(test.subtests):
            n += walk(kp, sub, path + [sub.name or f'<missing #{i + 1}>'],
                      name, c)
        # a parent counts only if it failed while none of its leaves did
        # (a suite's init or exit failed, or its result line is missing)
        if path and test.status in (S.FAILURE, S.TEST_CRASHED) and \
           not any(t.status in (S.FAILURE, S.TEST_CRASHED)
                   for t in leaves(test)):
            c.add('fail', f'{name}: {full}',
                  'suite failed without a failing subtest'
                  if test.status == S.FAILURE else 'no result line')
            n += 1
        return n
    if not path:                # a document without results
        return 0
    directive = getattr(test, 'directive', '')
    label = f'{name}: {full}'
    if test.status == S.SKIPPED:
        c.add('skip', label, directive[4:].strip())
    elif re.match(r'(?i)(xfail|todo)', directive):
        c.add('pass' if test.status == S.SUCCESS else 'skip', label,
              directive)
    elif test.status == S.SUCCESS:
        c.add('pass', label)
    elif test.status == S.FAILURE:
        why = directive or next((l.strip()[:160] for l in reversed(test.log)
                                 if DIAG_FAIL.match(l)), '')
        c.add('fail', label, why)
    elif test.status == S.NO_TESTS:
        c.add('fail', label, 'a subtest header without results')
    else:
        c.add('fail', label, 'no result line (the plan expected more)')
    return 1


def parse_ktap(kp, lines, name, c):
    """Count the results of every KTAP document in @lines."""
    return sum(walk(kp, kp.parse_run_tests(doc), [], name, c)
               for doc in ktap_documents(kp, lines))


def parse_boot(kp, name, path, status, c):
    """Return the number of test results found."""
    try:
        lines = splats.read_log(path)
    except OSError as e:
        c.add('fail', f'{name}: boot-log', f'cannot read {path}: {e}')
        return 0
    for what, line in splats.find_splats(lines):
        c.add('fail', f'{name}: kernel-{what}', line)
    nres = parse_ktap(kp, lines, name, c)
    if status and status != 'ok':
        why = {'hang': 'timeout (hang)'}.get(status, status)
        c.add('fail', f'{name}: {"hang" if status == "hang" else "qemu"}', why)
    if not any('EXECMEM-INIT-DONE' in line for line in lines):
        c.add('fail', f'{name}: no-EXECMEM-INIT-DONE',
              'guest crashed or hung before init finished')
    return nres


def parse_harness(kp, spec, c):
    """The host harness: KTAP ending in "N tests run, N passed, N failed"."""
    path, rc = spec, None
    if ':' in spec and spec.rsplit(':', 1)[1].lstrip('-').isdigit():
        path, rc = spec.rsplit(':', 1)
        rc = int(rc)
    try:
        lines = splats.read_log(path)
    except OSError:
        lines = []
    totals = None
    for line in lines:
        m = TOTALS.match(line.strip())
        if m:
            totals = tuple(int(x or 0) for x in m.groups())
    h = Counts()
    nres = parse_ktap(kp, lines, 'host-harness', h)
    if not nres:
        c.add('fail', 'host-harness', f'no KTAP results in {path} (rc={rc})')
        return
    if totals is None:
        h.add('fail', 'host-harness', f'no "N tests run, N passed, N failed" '
              f'line in {path} (rc={rc})')
    elif totals[1:3] != (h.passed, h.failed) or (totals[3] or 0) != h.skipped:
        h.add('fail', 'host-harness', f'totals line {totals} does not match '
              f'the results ({h.passed} passed, {h.failed} failed, '
              f'{h.skipped} skipped)')
    if rc not in (None, 0) and not h.failed:
        h.add('fail', 'host-harness',
              f'exit status {rc} but summary reports no failure')
    c.passed += h.passed
    c.failed += h.failed
    c.skipped += h.skipped
    c.fails += h.fails
    c.skips += h.skips
    print(f'host-harness: {h.passed} passed, {h.failed} failed' +
          (f', {h.skipped} skipped' if h.skipped else ''))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--kunit-dir', default=default_kunit_dir(),
                    help='directory of kunit_parser.py')
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
    try:
        kp = load_kunit_parser(a.kunit_dir)
    except ImportError as e:
        print(f'FAIL ktap-summary -- cannot import kunit_parser from '
              f'{a.kunit_dir}: {e}')
        print('0 passed, 1 failed')
        return 1
    if a.harness_skip:
        c.add('skip', 'host-harness', a.harness_skip)
        print(f'host-harness: SKIP {a.harness_skip}')
    elif a.harness:
        parse_harness(kp, a.harness, c)
    for spec in a.boots:
        name, path = spec.split('=', 1)
        st_path = os.path.splitext(path)[0] + '.status'
        status = open(st_path).read().strip() if os.path.exists(st_path) else None
        before = (c.passed, c.failed, c.skipped)
        n = parse_boot(kp, name, path, status, c)
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
