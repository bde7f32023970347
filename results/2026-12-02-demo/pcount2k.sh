#!/bin/sh
# one-off: count the functions kernel threads run during a burst of frees
T=/sys/kernel/tracing
HB=./hotpath_bench
$HB burst 300 1 > /dev/null
echo 0 > $T/tracing_on
echo 120000 > $T/buffer_size_kb
echo 1 > $T/options/function-fork
echo $$ > $T/set_ftrace_notrace_pid
echo function > $T/current_tracer
echo > $T/trace
echo 1 > $T/tracing_on
$HB burst 2000 2 > /dev/null
echo 0 > $T/tracing_on
echo "PROF-BEGIN"
grep -v '^#' $T/trace | awk '{ t=$1; sub(/-[0-9]+$/, "", t); sub(/\/.*/, "", t); n[t]++; if (t == "kworker") c[$5]++ } END { for (x in n) print "task", n[x], x; for (f in c) print "kw", c[f], f }' | sort -k1,1 -k2,2nr
echo "overrun:"; cat $T/per_cpu/cpu*/stats | grep overrun
echo "PROF-END"
