#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Kernel splats in a guest console log: the one list of crash patterns.

ktap-summary.py counts every splat as a failure; run-demo.sh and
run-bench.sh fail on the crash patterns only (--crash-only):

    splats.py [--crash-only] LOG...

prints one line per splat and exits 1 if there was one.
"""
import argparse
import re
import sys

# printk timestamp, if the guest printed one
TIMESTAMP = re.compile(r'^\[\s*\d+\.\d+\]\s?')

# Crashes: always a failure, even inside an expect-warn section.
CRASH = [
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

# WARNs and call traces are failures outside the sections the in-guest
# tests mark as expected (a test that provokes a WARN on purpose).
WARN = re.compile(r'\bWARNING:')
CALLTRACE = re.compile(r'Call Trace:')
EXPECT_WARN_BEGIN = 'execmem-test: expect-warn begin'
EXPECT_WARN_END = 'execmem-test: expect-warn end'

# lines after a splat that belong to it (its register dump and trace)
SPLAT_LINES = 80


def read_log(path):
    """The lines of a console log, without CRs and printk timestamps."""
    with open(path, errors='replace') as f:
        return [TIMESTAMP.sub('', line.rstrip('\r\n').rstrip('\r'))
                for line in f]


def find_splats(lines, crash_only=False):
    """Return [(kind, line)], one entry per splat.

    A crash is reported once per kind within SPLAT_LINES lines of the
    previous splat; a WARNING or call trace that follows a splat within
    those lines is part of it.
    """
    found = []
    in_warn = False
    splat_until = -1
    window = set()
    for i, line in enumerate(lines):
        if EXPECT_WARN_BEGIN in line:
            in_warn = True
        elif EXPECT_WARN_END in line:
            in_warn = False
        hit = next((what for rx, what in CRASH if rx.search(line)), None)
        if hit is None and not in_warn and not crash_only:
            if WARN.search(line):
                hit = 'WARNING'
            elif CALLTRACE.search(line) and i > splat_until:
                hit = 'Call-Trace'
        if not hit:
            continue
        if i > splat_until:
            window = set()
        if hit not in window and (i > splat_until or
                                  hit not in ('WARNING', 'Call-Trace')):
            found.append((hit, line.strip()[:160]))
        window.add(hit)
        splat_until = i + SPLAT_LINES
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--crash-only', action='store_true',
                    help='only the crash patterns, not WARNs outside '
                         'expect-warn sections')
    ap.add_argument('logs', nargs='+')
    a = ap.parse_args()
    bad = False
    for path in a.logs:
        try:
            lines = read_log(path)
        except OSError as e:
            print(f'{path}: {e}')
            bad = True
            continue
        for what, line in find_splats(lines, a.crash_only):
            print(f'{path}: kernel-{what}: {line}')
            bad = True
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
