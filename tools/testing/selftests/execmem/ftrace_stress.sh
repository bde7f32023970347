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
T=/sys/kernel/tracing
RUN=/sys/module/execmem_bench/parameters/run
rounds=20 churn=0
for w in $(cat /proc/cmdline); do
	case "$w" in
	execmem.ftrace_rounds=*) rounds=${w#execmem.ftrace_rounds=} ;;
	execmem.ftrace_churn=*) churn=${w#execmem.ftrace_churn=} ;;
	esac
done
[ "$churn" = 1 ] && insmod /lib/modules/execmem/execmem_bench.ko gen_funcs=2000
i=0
while [ $i -lt "$rounds" ]; do
	if [ "$churn" = 1 ]; then
		echo gen > $RUN
		echo genfree > $RUN
	fi
	echo function > $T/current_tracer || break
	echo nop > $T/current_tracer || break
	i=$((i + 1))
	echo "EXECMEM-FTRACE-STRESS round=$i"
done
echo "EXECMEM-FTRACE-STRESS done rounds=$i of $rounds"
