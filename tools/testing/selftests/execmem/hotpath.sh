#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Diagnostic, not run by make check (boot with execmem.mode=hotpath):
# the cost of a call through traced code (samples/ftrace/ftrace-ops.ko),
# fresh and after a burst of BPF loads and frees (lib/test_bpf.ko at
# harden 0). Boot the same kernel twice, once with execmem.pool=off, to
# compare the pool with 6.12's path in one binary.
MODDIR=/lib/modules/execmem
OPS=$MODDIR/ftrace-ops.ko
STATS=/sys/kernel/debug/execmem/stats

if [ ! -f "$OPS" ]; then
	echo "# SKIP hotpath: no ftrace-ops.ko (CONFIG_SAMPLE_FTRACE_OPS=m)"
	exit 0
fi

# ops ARGS...: one ftrace-ops run, prints "hotpath <label> <ns/call>"
ops() {
	label=$1
	shift
	insmod "$OPS" "$@" 2>/dev/null
	ns=$(dmesg | sed -n 's/.*calls to .* (\([0-9]*\)ns \/ call)/\1/p' | tail -n 1)
	echo "hotpath $phase $label ${ns:-none}"
	rmmod ftrace_ops 2>/dev/null
}

cases() {
	ops default
	ops calls100k nr_function_calls=100000
	ops relevant2 nr_ops_relevant=2
	ops irrelevant10 nr_ops_irrelevant=10
	ops save_regs save_regs=1
}

pool_stats() {
	[ -r "$STATS" ] || { echo "hotpath $phase pool off"; return; }
	grep -E "^pool0_(frees|fills|deferred_fills|fill_window_max_us|areas_added|areas_released|chunks_healthy) " "$STATS" |
		sed "s/^/hotpath $phase /"
}

phase=fresh
cases
pool_stats
echo 0 > /proc/sys/net/core/bpf_jit_harden 2>/dev/null
t0=$(cut -d' ' -f1 /proc/uptime)
insmod "$MODDIR/test_bpf.ko" >/dev/null 2>&1
rmmod test_bpf 2>/dev/null
t1=$(cut -d' ' -f1 /proc/uptime)
echo "hotpath test_bpf took ${t0}..${t1} s"
phase=after_test_bpf
cases
pool_stats
sleep 3
phase=after_3s
cases
pool_stats
