#!/bin/sh
# one-off: function_graph of the BPF free path under icount
T=/sys/kernel/tracing
HB=./hotpath_bench
$HB burst 300 1 > /dev/null
echo 0 > $T/tracing_on
echo 20000 > $T/buffer_size_kb
echo bpf_prog_pack_free > $T/set_graph_function
echo function_graph > $T/current_tracer
echo 7 > $T/max_graph_depth
echo > $T/trace
echo 1 > $T/tracing_on
$HB burst 40 2 > /dev/null
echo 0 > $T/tracing_on
echo "PROF-BEGIN"
grep -v '^#' $T/trace | head -150
echo "PROF-END"
