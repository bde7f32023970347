#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""series_file.py PATH OUT: write to OUT the file PATH as the prepared tree
(pristine 6.12 + overlay + patches/series) has it, without preparing a tree.

For a file that the patch series makes out of an upstream file (mm/execmem/
api.c is 6.12's mm/execmem.c, moved and edited) and that is therefore not in
the repository. Only the sections of the patches that touch PATH, or a file
renamed into it, are applied, with GNU patch as prepare-tree.sh does, to the
pristine files they start from. Those come from the extracted pristine tree
($EXECMEM_BUILD/stock/linux, else build/stock/linux) when it exists, else
straight from $EXECMEM_TARBALL (/usr/src/linux-source-6.12.tar.xz), so the
host harness works in a fresh clone before any "make tree".
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
TOP = 'linux-source-6.12'


def series():
    names = []
    with open(os.path.join(REPO, 'patches', 'series')) as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if line:
                names.append(os.path.join(REPO, 'patches', line))
    return names


def sections(patch):
    """Yield (a, b, text) for each 'diff --git a/A b/B' section."""
    cur = None
    with open(patch, errors='surrogateescape') as f:
        lines = f.read().split('\n')
    for line in lines:
        m = re.match(r'^diff --git a/(\S+) b/(\S+)$', line)
        if m:
            if cur:
                yield cur[0], cur[1], '\n'.join(cur[2]) + '\n'
            cur = (m.group(1), m.group(2), [line])
        elif cur:
            cur[2].append(line)
    if cur:
        yield cur[0], cur[1], '\n'.join(cur[2]).rstrip('\n') + '\n'


def pristine_dir():
    for d in (os.environ.get('EXECMEM_BUILD'), os.path.join(REPO, 'build')):
        if not d:
            continue
        d = os.path.join(os.path.join(REPO, d) if not d.startswith('/')
                         else d, 'stock', 'linux')
        if os.path.exists(os.path.join(d, '.execmem-pristine')):
            return d
    return None


def fetch(paths, dest):
    src = pristine_dir()
    for p in paths:
        os.makedirs(os.path.dirname(os.path.join(dest, p)), exist_ok=True)
    if src:
        for p in paths:
            shutil.copy(os.path.join(src, p), os.path.join(dest, p))
        return
    tarball = os.environ.get('EXECMEM_TARBALL',
                             '/usr/src/linux-source-6.12.tar.xz')
    if not os.path.exists(tarball):
        sys.exit(f'series_file.py: no pristine tree and no {tarball} '
                 '(apt-get install linux-source-6.12)')
    subprocess.run(['tar', '-xJf', tarball, '-C', dest, '--occurrence=1',
                    '--strip-components=1'] + [f'{TOP}/{p}' for p in paths],
                   check=True)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    path, out = sys.argv[1], sys.argv[2]
    patches = [(p, list(sections(p))) for p in series()]
    # every name that is renamed (or copied), in one or more steps, into path
    names = {path}
    grown = True
    while grown:
        grown = False
        for _, secs in patches:
            for a, b, text in secs:
                if b in names and a not in names and \
                   re.search(r'^(rename|copy) from ', text, re.M):
                    names.add(a)
                    grown = True
    todo, need, exists = [], [], set()
    for p, secs in patches:
        for a, b, text in secs:
            if a not in names and b not in names:
                continue
            new = re.search(r'^new file mode ', text, re.M)
            if not new and a not in exists and a not in need:
                need.append(a)
            exists.add(a)
            if re.search(r'^(rename from |deleted file mode )', text, re.M):
                exists.discard(a)
            if not re.search(r'^deleted file mode ', text, re.M):
                exists.add(b)
            todo.append((p, text))
    with tempfile.TemporaryDirectory() as tmp:
        tree = os.path.join(tmp, 'tree')
        os.makedirs(tree)
        if need:
            fetch(need, tree)
        for p, text in todo:
            r = subprocess.run(['patch', '-p1', '-s', '--no-backup-if-mismatch',
                                '-d', tree], input=text, text=True,
                               capture_output=True)
            if r.returncode:
                sys.exit(f'series_file.py: {os.path.basename(p)} does not '
                         f'apply:\n{r.stdout}{r.stderr}')
        if not os.path.exists(os.path.join(tree, path)):
            sys.exit(f'series_file.py: patches/series does not make {path}')
        os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
        shutil.copy(os.path.join(tree, path), out + '.tmp')
        os.replace(out + '.tmp', out)


if __name__ == '__main__':
    main()
