#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Switch the top-level function tracer on and off over every mcount site
# N times (execmem.ftrace_rounds=N, default 20) and say how far it got.
# Not part of make check: a diagnostic for the "Oops: int3" seen during
# text_poke_bp_batch under TCG (boot with execmem.mode=ftrace_stress on
# the stock and on the execmem kernel and compare).
T=/sys/kernel/tracing
rounds=20
for w in $(cat /proc/cmdline); do
	case "$w" in execmem.ftrace_rounds=*) rounds=${w#execmem.ftrace_rounds=} ;; esac
done
i=0
while [ $i -lt "$rounds" ]; do
	echo function > $T/current_tracer || break
	echo nop > $T/current_tracer || break
	i=$((i + 1))
	echo "EXECMEM-FTRACE-STRESS round=$i"
done
echo "EXECMEM-FTRACE-STRESS done rounds=$i of $rounds"
