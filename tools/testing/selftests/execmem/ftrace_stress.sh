#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Switch the top-level function tracer on and off over every mcount site
# N times (execmem.ftrace_rounds=N, default 20) and say how far it got.
# Not part of make check: a diagnostic for the "Oops: int3" seen during
# text_poke_bp_batch under TCG (boot with execmem.mode=ftrace_stress on
# the stock and on the execmem kernel and compare).
# execmem.ftrace_churn=1: before each round, execmem_bench generates 2,000
# functions and frees them (pool frees and trap fills on execmem, vfree of
# ROX memory on stock), as the bench does before its all-sites update.
# execmem.ftrace_busy=1: while the tracer is switched, a background loop
# keeps the other CPU running kernel code (read(2) of /proc files), so
# functions are executed - and translated by TCG - while their call sites
# are rewritten. It needs no execmem code, so it runs the same on stock.
# execmem.ftrace_offline=1: every CPU but CPU 0 is taken offline for the
# toggles (the way bench.sh runs its all-sites update).
T=/sys/kernel/tracing
RUN=/sys/module/execmem_bench/parameters/run
rounds=20 churn=0 busy=0 offline=0
for w in $(cat /proc/cmdline); do
	case "$w" in
	execmem.ftrace_rounds=*) rounds=${w#execmem.ftrace_rounds=} ;;
	execmem.ftrace_churn=*) churn=${w#execmem.ftrace_churn=} ;;
	execmem.ftrace_busy=*) busy=${w#execmem.ftrace_busy=} ;;
	execmem.ftrace_offline=*) offline=${w#execmem.ftrace_offline=} ;;
	esac
done
[ "$churn" = 1 ] && insmod /lib/modules/execmem/execmem_bench.ko gen_funcs=2000
busy_pid=
if [ "$busy" = 1 ]; then
	(while :; do
		cat /proc/meminfo /proc/stat /proc/interrupts > /dev/null
	done) &
	busy_pid=$!
	echo "EXECMEM-FTRACE-STRESS busy loop pid=$busy_pid"
fi
# cpus_online 0|1: every CPU but CPU 0 off or on again
cpus_online() {
	for c in /sys/devices/system/cpu/cpu[1-9]*/online; do
		[ -w "$c" ] && echo "$1" > "$c"
	done
}
if [ "$offline" = 1 ]; then
	cpus_online 0
	echo "EXECMEM-FTRACE-STRESS online cpus: $(cat /sys/devices/system/cpu/online)"
fi
i=0
start=$(date +%s)
while [ $i -lt "$rounds" ]; do
	if [ "$churn" = 1 ]; then
		echo gen > $RUN
		echo genfree > $RUN
	fi
	echo function > $T/current_tracer || break
	echo nop > $T/current_tracer || break
	i=$((i + 1))
	echo "EXECMEM-FTRACE-STRESS round=$i t=$(($(date +%s) - start))s"
done
[ -n "$busy_pid" ] && kill "$busy_pid"
[ "$offline" = 1 ] && cpus_online 1
echo "EXECMEM-FTRACE-STRESS done rounds=$i of $rounds"
