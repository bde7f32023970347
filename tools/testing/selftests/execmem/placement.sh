#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Diagnostic, not run by make check (boot with execmem.mode=placement):
# where the pool's first chunk lands. Loads the jit_alloc() sample, which
# makes the EXECMEM_JIT pool map a chunk, and prints every chunk's start
# and the randomised module base for comparison. Run it over many boots
# to count distinct placements.
CHUNKS=/sys/kernel/debug/execmem/chunks
insmod /lib/modules/execmem/execmem_jit_sample.ko 2>/dev/null
[ -r "$CHUNKS" ] || { echo "placement: no $CHUNKS"; exit 0; }
awk '!/^#/ { print "placement chunk " $2 }' "$CHUNKS"
awk '$3 == "execmem_jit_sample" || / \[execmem_jit_sample\]/ { print "placement module " $1; exit }' /proc/kallsyms
rmmod execmem_jit_sample 2>/dev/null
