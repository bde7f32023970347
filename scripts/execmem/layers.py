#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""layers.py: the call graph between the files of mm/execmem/.

For every non-static function a file defines, find the other files that
call it (comments and strings stripped), and print one line per pair of
files "caller -> callee: functions". Exit status 1 if the graph has a
cycle (a file that calls, directly or through others, a file that calls
it), with the cycle printed. The files: mm/execmem/*.c but the KUnit
file, and api.c/vmalloc.c as the patch series makes them
(scripts/execmem/series_file.py).
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SERIES = ('mm/execmem/api.c', 'mm/execmem/vmalloc.c')
TESTS = ('execmem_test.c',)


def strip(text):
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    text = re.sub(r'//[^\n]*', ' ', text)
    return re.sub(r'"(\\.|[^"\\])*"', '""', text)


def sources():
    files = {}
    for path in sorted(glob.glob(os.path.join(REPO, 'mm/execmem/*.c'))):
        if os.path.basename(path) not in TESTS:
            files[os.path.basename(path)] = open(path).read()
    with tempfile.TemporaryDirectory() as tmp:
        for rel in SERIES:
            out = os.path.join(tmp, os.path.basename(rel))
            subprocess.run([sys.executable, os.path.join(HERE, 'series_file.py'), rel, out],
                           check=True)
            files[os.path.basename(rel)] = open(out).read()
    return files


DEF = re.compile(r'^(?!static\b)[a-z_][\w \*]*?\b(\w+)\(([^;{]|\n)*?\)\s*\{', re.M)


def main():
    files = {k: strip(v) for k, v in sources().items()}
    defs = {}
    for name, text in files.items():
        for m in DEF.finditer(text):
            if m.group(1) not in ('if', 'for', 'while', 'switch'):
                defs.setdefault(m.group(1), name)
    edges = {}
    for name, text in files.items():
        for fn, owner in defs.items():
            if owner != name and re.search(r'\b%s\s*\(' % re.escape(fn), text):
                edges.setdefault((name, owner), []).append(fn)
    for (a, b), fns in sorted(edges.items()):
        print(f'{a} -> {b}: {", ".join(sorted(fns))}')
    graph = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
    state = {}

    def visit(n, path):
        state[n] = 1
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                return path + [n, m]
            if not state.get(m):
                c = visit(m, path + [n])
                if c:
                    return c
        state[n] = 2
        return None
    for n in sorted(graph):
        if not state.get(n):
            c = visit(n, [])
            if c:
                print('cycle: ' + ' -> '.join(c[c.index(c[-1]):]))
                return 1
    print(f'no cycle among {len(files)} files')
    return 0


if __name__ == '__main__':
    sys.exit(main())
