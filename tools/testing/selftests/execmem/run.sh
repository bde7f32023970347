#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In-guest tests of the execmem ROX pool from user space, in KTAP.
# Needs: debugfs at /sys/kernel/debug, the execmem_demo module, kcore_read.

D=/sys/kernel/debug
STATS=$D/execmem/stats
CHUNKS=$D/execmem/chunks
PT=$D/page_tables/kernel
MODDIR=${MODDIR:-/lib/modules/execmem}
HERE=$(dirname "$0")
NR_FUNCS=1000
n=0

ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n $1"; [ -n "$2" ] && echo "# $2"; }
skip() { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }
check() { name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi; }

stat_of() { awk -v k="$1" '$1 == k { print $2 }' "$STATS"; }
directmap4k() { awk '/^DirectMap4k:/ { print $2 }' /proc/meminfo; }

# W+X anywhere in the kernel page tables (ptdump: "RW" and "x" columns).
no_wx() { ! grep -E ' RW .* x +(pte|pmd|pud|p4d|pgd)$' "$PT"; }

# Every PMD chunk of the pool lies in a 2 MiB-or-larger "ro x pmd" line.
chunks_pmd_rox() {
	grep ' pmd ' "$CHUNKS" | while read -r _ start _ _ _; do
		s=$((start))
		grep -E '^0x[0-9a-f]+-0x[0-9a-f]+ ' "$PT" | grep ' pmd$' |
		while read -r range rest; do
			lo=$((${range%-*})); hi=$((${range#*-}))
			if [ "$s" -ge "$lo" ] && [ "$s" -lt "$hi" ]; then
				echo "$rest"
			fi
		done | grep -q ' ro .* x ' || { echo "# chunk $start not ro+x pmd"; return 1; }
	done
}

echo "TAP version 13"
echo "1..9"

if [ ! -r "$STATS" ]; then
	for t in stats_root_only no_wx_at_boot demo_load stats_count \
		 chunks_pmd_rox kcore_pool_read no_wx_loaded demo_unload \
		 directmap4k_unchanged; do
		skip "$t" "no $STATS (execmem pool not enabled)"
	done
	exit 0
fi

check stats_root_only test "$(stat -c %a "$STATS")" = 400
check no_wx_at_boot no_wx

dm_before=$(directmap4k)
objs_before=$(stat_of pool0_jit_objs)
if insmod "$MODDIR/execmem_demo.ko" nr_funcs=$NR_FUNCS; then
	ok demo_load
	loaded=1
else
	not_ok demo_load "insmod execmem_demo failed"
	loaded=0
fi
check stats_count test "$(stat_of pool0_jit_objs)" -eq $((objs_before + NR_FUNCS))
check chunks_pmd_rox chunks_pmd_rox

start=$(awk '$4 == "pmd" { print $2; exit }' "$CHUNKS")
if [ -n "$start" ] && [ -x "$HERE/kcore_read" ]; then
	check kcore_pool_read timeout 30 "$HERE/kcore_read" "$start" 65536
else
	skip kcore_pool_read "no pmd chunk or no kcore_read helper"
fi
check no_wx_loaded no_wx

if [ "$loaded" = 1 ] && rmmod execmem_demo; then
	sleep 4
	check demo_unload test "$(stat_of pool0_jit_objs)" -eq "$objs_before"
else
	not_ok demo_unload "rmmod failed"
fi
check directmap4k_unchanged test "$(directmap4k)" -eq "$dm_before"

# kprobes and ftrace on the pool: own KTAP document
sh "$HERE/trace.sh"
