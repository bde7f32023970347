#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In-guest tests of the execmem ROX pool from user space, in KTAP.
# Needs: debugfs at /sys/kernel/debug, the execmem_demo module, kcore_read.
# Without the pool (CONFIG_EXECMEM_ROX_POOL=n: no /sys/kernel/debug/execmem)
# every test of the pool is reported as skipped; the others still run.
# execmem.check=short on the kernel command line (the pool-off lane of
# make check) leaves out test_bpf at harden 2 and the bench.sh document.

D=/sys/kernel/debug
STATS=$D/execmem/stats
CHUNKS=$D/execmem/chunks
PT=$D/page_tables/kernel
MODDIR=${MODDIR:-/lib/modules/execmem}
HERE=$(dirname "$0")
NR_FUNCS=1000
n=0
short=0
case " $(cat /proc/cmdline) " in *" execmem.check=short "*) short=1 ;; esac

ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n $1"; [ -n "$2" ] && echo "# $2"; }
skip() { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }
check() { name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi; }

. "$HERE/lib.sh"

# The plan line comes last (KTAP allows it), so sections can be added.
echo "TAP version 13"

pool_section() {
if [ ! -r "$STATS" ]; then
	check no_wx_at_boot no_wx
	for t in stats_root_only demo_load stats_count \
		 churn_10000 directmap4k_unchanged chunks_pmd_rox \
		 kcore_pool_read no_wx_loaded demo_unload; do
		skip "$t" "no $STATS (execmem pool not enabled)"
	done
	return 0
fi

check stats_root_only test "$(stat -c %a "$STATS")" = 400
check no_wx_at_boot no_wx

objs_before=$(stat_of pool0_jit_objs)
if insmod "$MODDIR/execmem_demo.ko" nr_funcs=$NR_FUNCS; then
	ok demo_load
	loaded=1
else
	not_ok demo_load "insmod execmem_demo failed"
	loaded=0
fi
check stats_count test "$(stat_of pool0_jit_objs)" -eq $((objs_before + NR_FUNCS))
# Loading the module itself changes the direct map (6.12's module loader
# makes its pages RO): measure across pool activity alone.
dm_before=$(directmap4k)
check churn_10000 sh -c "echo 10000 > /sys/module/execmem_demo/parameters/churn"
check directmap4k_unchanged test "$(directmap4k)" -eq "$dm_before"
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
}
pool_section

# --- samples/execmem: the jit_alloc() sample generator ------------------------
sample_section() {
	if [ ! -r "$STATS" ]; then
		skip jit_sample "no $STATS (execmem pool not enabled)"
		return 0
	fi
	if [ ! -f "$MODDIR/execmem_jit_sample.ko" ]; then
		skip jit_sample "execmem_jit_sample.ko not built (CONFIG_SAMPLE_EXECMEM_JIT)"
		return 0
	fi
	objs=$(stat_of pool0_jit_objs)
	# loading fails if a generated function returns a wrong value
	if insmod "$MODDIR/execmem_jit_sample.ko"; then
		ok jit_sample_load
		check jit_sample_ok sh -c 'dmesg | grep -q "execmem_jit_sample: ok"'
		check jit_sample_updated sh -c 'dmesg | grep -q "execmem_jit_sample: after jit_update"'
		check jit_sample_unload rmmod execmem_jit_sample
	else
		not_ok jit_sample_load "insmod execmem_jit_sample failed: $(dmesg | grep execmem_jit_sample | tail -n 3)"
	fi
	check jit_sample_freed test "$(stat_of pool0_jit_objs)" -eq "$objs"
}
sample_section

# --- BPF: lib/test_bpf.c, then thousands of programs via bpf() ---------------
JIT=/proc/sys/net/core/bpf_jit_enable
HARDEN=/proc/sys/net/core/bpf_jit_harden

# without the pool, bpf_load skips its checks of the pool itself
if [ -x "$HERE/bpf_load" ]; then
	check bpf_load "$HERE/bpf_load" 1500 500
else
	skip bpf_load "no bpf_load helper"
fi

# Under TCG the "all magnitudes"/"register combinations" tests of the
# test_bpf suite (#809 on) take minutes with constant blinding: they run at
# harden 0 in a single-node boot only; everything else runs in every boot.
QUICK="test_range=0,808"
nodes=$(ls -d /sys/devices/system/node/node* 2>/dev/null | wc -l)

# test_bpf_load ARGS...: insmod/rmmod, append its Summary lines to $sums
test_bpf_load() {
	dmesg -c > /dev/null
	insmod "$MODDIR/test_bpf.ko" "$@" || rc=1
	rmmod test_bpf 2>/dev/null
	sums="$sums
$(dmesg | grep 'test_bpf: .*Summary:')"
}

# test_bpf_run HARDEN FULL: one KTAP result from the "Summary:" lines
test_bpf_run() {
	name=test_bpf_harden$1
	if [ ! -f "$MODDIR/test_bpf.ko" ] || [ ! -w "$HARDEN" ]; then
		skip "$name" "no test_bpf.ko or no $HARDEN"
		return
	fi
	echo 1 > "$JIT" 2>/dev/null	# always on with BPF_JIT_ALWAYS_ON
	echo "$1" > "$HARDEN"
	rc=0 sums=
	if [ "$2" = 1 ]; then
		test_bpf_load
	else
		echo "# harden=$1: test_bpf suite with $QUICK only"
		test_bpf_load $QUICK
		test_bpf_load test_suite=test_tail_calls
		test_bpf_load test_suite=test_skb_segment
	fi
	sums=$(echo "$sums" | grep Summary)
	echo "$sums" | sed "s/^.*test_bpf: /# harden=$1 /"
	if [ $rc -eq 0 ] && [ -n "$sums" ] &&
	   ! echo "$sums" | grep -qv ' 0 FAILED'; then
		ok "$name"
	else
		not_ok "$name" "insmod test_bpf failed: see the Summary lines"
	fi
}
if [ "$nodes" -le 1 ]; then
	test_bpf_run 0 1
else
	test_bpf_run 0 0
fi
if [ "$short" = 1 ]; then
	skip test_bpf_harden2 "execmem.check=short"
else
	test_bpf_run 2 0
fi
echo 0 > "$HARDEN" 2>/dev/null

echo "1..$n"

# kprobes and ftrace on the pool: a KTAP document of their own.
[ -f "$HERE/trace.sh" ] && sh "$HERE/trace.sh"

# Module text in the pool: another KTAP document.
[ -f "$HERE/modtext.sh" ] && MODDIR=$MODDIR sh "$HERE/modtext.sh"

# The structural facts behind make demo / make bench (W+X, DirectMap4k,
# PMD share of pool text), as a second KTAP document.
if [ "$short" = 1 ]; then
	printf 'TAP version 13\nok 1 bench_ktap # SKIP execmem.check=short\n1..1\n'
elif [ -f "$HERE/bench.sh" ]; then
	sh "$HERE/bench.sh" ktap
fi
exit 0
