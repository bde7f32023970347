#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Print the files a patch touches, one per line, sorted.

usage: patch-files.py PATCH

A file counts if the patch names it in a '--- a/X' line followed by a
'+++ b/Y' line (both X and Y, except /dev/null), or in a git
'rename from/to' or 'copy from/to' line. prepare-tree.sh copies them from
the pristine tree before applying the patch, and tracks them.
"""
import re
import sys


def strip(name):
    """'a/mm/x.c<TAB>date' -> 'mm/x.c'; None for /dev/null."""
    name = name.split('\t')[0].strip()
    if name == '/dev/null':
        return None
    return name.split('/', 1)[1] if '/' in name else name


def touched(text):
    lines = text.split('\n')
    out = set()
    for i, line in enumerate(lines[:-1]):
        if line.startswith('--- ') and lines[i + 1].startswith('+++ '):
            for name in (strip(line[4:]), strip(lines[i + 1][4:])):
                if name:
                    out.add(name)
        m = re.match(r'^(rename|copy) (from|to) (.+)$', line)
        if m:
            out.add(m.group(3))
    return sorted(out)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.split('\n\n')[1])
    with open(sys.argv[1], errors='replace') as f:
        for name in touched(f.read()):
            print(name)


if __name__ == '__main__':
    main()
