#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In-guest tests of module text in the execmem ROX pool, in KTAP (own
# document, plan at the end). Called from run.sh.
#
# execmem_nop:      text and a kallsyms symbol inside pool chunks, init
#                   text freed, no W+X, no executable 4 KiB PTE in the
#                   module area, chunks still ro+x PMDs, no permission
#                   change of text while loading (function trace of set_memory_rox/x), load and
#                   unload churn, a failing init leaves nothing behind.
# execmem_modtext:  alternative, static call and static key applied and
#                   flipped at run time, ftrace, function_graph, a kprobe
#                   and an optimized kprobe, an ORC stack trace through
#                   module frames, unload.
# Failed loads:     an unresolved symbol and a relocation overflow leave
#                   the pool as they found it.
# Livepatch:        samples/livepatch enabled, its output checked,
#                   disabled and unloaded.
# Parallel loads:   16 distinct modules (execmem_parNN) loaded and
#                   unloaded concurrently, PAR_ROUNDS rounds, unloads
#                   racing the loads of the others.
# Without the pool (no /sys/kernel/debug/execmem) the modules still load
# and run; the checks of the pool are reported as skipped.

D=/sys/kernel/debug
T=/sys/kernel/tracing
STATS=$D/execmem/stats
CHUNKS=$D/execmem/chunks
PT=$D/page_tables/kernel
KLIST=$D/kprobes/list
MODDIR=${MODDIR:-/lib/modules/execmem}
HERE=$(dirname "$0")
CHURN=200
PAR_ROUNDS=50
# the boot-parameter lanes of make check ask for shorter runs
for w in $(cat /proc/cmdline); do
	case "$w" in
	execmem.churn=*) CHURN=${w#execmem.churn=} ;;
	execmem.par_rounds=*) PAR_ROUNDS=${w#execmem.par_rounds=} ;;
	esac
done
n=0

ok() { n=$((n + 1)); echo "ok $n modtext_$1"; }
not_ok() { n=$((n + 1)); echo "not ok $n modtext_$1"; [ -n "$2" ] && echo "# $2"; }
skip() { n=$((n + 1)); echo "ok $n modtext_$1 # SKIP $2"; }
check() { name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi; }
pcheck() { if [ "$pool" = 1 ]; then check "$@"; else skip "$1" "$nopool"; fi; }

. "$HERE/lib.sh"

dm_start=$(directmap4k)
sp_start=$(splits2)
pool=0
nopool="no $STATS (execmem pool not enabled)"
[ -r "$STATS" ] && pool=1
pstat() { if [ "$pool" = 1 ]; then stat_of "$1"; else echo 0; fi; }
tobjs() { pstat pool0_module_text_objs; }
tbytes() { pstat pool0_module_text_live_bytes; }
objs_are() { test "$(tobjs)" -eq "$1"; }
bytes_are() { test "$(tbytes)" -eq "$1"; }

# in_pool ADDR: ADDR lies inside one of the pool's 2 MiB chunks
in_pool() {
	a=$(($1))
	while read -r _ start _ _ _; do
		s=$((start))
		[ "$a" -ge "$s" ] && [ "$a" -lt $((s + 0x200000)) ] && return 0
	done < "$CHUNKS"
	echo "# $1 is in no pool chunk"
	return 1
}
sym_addr() { awk -v s="$1" '$3 == s { print "0x" $1; exit }' /proc/kallsyms; }
text_of() { cat "/sys/module/$1/sections/.text" 2>/dev/null; }
# executable 4 KiB mappings between the Modules markers of ptdump
module_x_ptes() {
	awk '/Modules \]/ { m = !m; next } m && / x / && / pte$/' "$PT"
}
# X_BASE: lines present before the first load (the boot tracer's
# trampoline, see below), ignored
X_BASE=
no_module_x_pte() {
	l=$(module_x_ptes | grep -vxF "${X_BASE:-@@none@@}")
	[ -z "$l" ] && return 0
	echo "$l" | head -n 3 | sed 's/^/# /'
	return 1
}
# wait_for SECONDS CMD...: poll CMD once a second
wait_for() {
	w=$1; shift
	while ! "$@"; do
		w=$((w - 1))
		[ "$w" -gt 0 ] || return 1
		sleep 1
	done
}
loaded() { grep -q "^$1 " /proc/modules; }
not_loaded() { ! loaded "$1"; }

echo "TAP version 13"

# --- execmem_nop ------------------------------------------------------------
objs0=$(tobjs)
bytes0=$(tbytes)
ro0=$(pstat rodata_pages_used)

# Booted with a tracer ("ftrace=function": trampolines wanted before the
# pool can serve them, module-area text patched from early boot on): a
# module loaded while it runs is patched and traced. Then the tracer
# goes, so that the tests below find tracing as in the other boots.
if [ -r "$T/current_tracer" ] && [ "$(cat $T/current_tracer)" != nop ]; then
	echo "# booted with tracer $(cat $T/current_tracer)"
	# Its trampoline was allocated before the pools serve (6.12's path:
	# a 4 KiB executable page in the module area). ftrace keeps the
	# trampoline of a static ops for good.
	X_BASE=$(module_x_ptes)
	echo "$X_BASE" | sed 's/^/# before the pools: /'
	echo > "$T/trace"
	check boot_tracer_load insmod "$MODDIR/execmem_modtext.ko"
	check boot_tracer_patched test "$(cat /sys/module/execmem_modtext/parameters/result)" = 2010
	# everything is traced: stop before the buffer wraps
	echo 0 > "$T/tracing_on"
	check boot_tracer_traced grep -q ' execmem_modtext_work' "$T/trace"
	echo 1 > "$T/tracing_on"
	rmmod execmem_modtext
	# a stack trace taken in the tracer unwinds through its trampoline
	if echo do_sys_openat2 > "$T/set_ftrace_filter" 2>/dev/null; then
		echo 1 > "$T/options/func_stack_trace"
		echo > "$T/trace"
		cat /proc/cmdline > /dev/null
		echo 0 > "$T/options/func_stack_trace"
		check boot_tracer_stack grep -q '=> do_syscall_64' "$T/trace"
		echo > "$T/set_ftrace_filter"
	else
		skip boot_tracer_stack "no set_ftrace_filter"
	fi
	echo nop > "$T/current_tracer"
	echo > "$T/trace"
fi

# Calls that change the permissions of text while the module loads
# (6.12: module_enable_text_rox()). A function trace of the two setters,
# which nothing else calls meanwhile; no kprobe on the CPA core, which
# other CPUs run while the probe would be patched in.
ftr=0
if [ -w "$T/set_ftrace_filter" ] &&
   echo 'set_memory_rox set_memory_x' > "$T/set_ftrace_filter" 2>/dev/null; then
	echo > "$T/trace"
	echo function > "$T/current_tracer"
	ftr=1
fi
if insmod "$MODDIR/execmem_nop.ko"; then
	ok nop_load
else
	not_ok nop_load "insmod execmem_nop failed"
fi
if [ "$ftr" = 1 ]; then
	echo 0 > "$T/tracing_on"
	hits=$(grep -cE ' set_memory_(rox|x) ' "$T/trace")
	echo "# set_memory_rox/set_memory_x calls during the load: $hits"
	echo nop > "$T/current_tracer"
	echo 1 > "$T/tracing_on"
	echo > "$T/set_ftrace_filter"
	echo > "$T/trace"
	pcheck nop_no_text_cpa test "$hits" -eq 0
else
	skip nop_no_text_cpa "no function filter for set_memory_rox"
fi

text=$(text_of execmem_nop)
echo "# execmem_nop .text at $text"
pcheck nop_text_in_pool in_pool "${text:-0}"
# every text symbol of the module in /proc/kallsyms
syms_in_pool() {
	awk -v m="[$1]" '$4 == m && ($2 == "t" || $2 == "T") { print "0x" $1 }' \
		/proc/kallsyms > /tmp/modtext-syms
	[ -s /tmp/modtext-syms ] || { echo "# no text symbol of $1"; return 1; }
	while read -r a; do in_pool "$a" || return 1; done < /tmp/modtext-syms
}
pcheck nop_symbols_in_pool syms_in_pool execmem_nop
# MOD_TEXT stays, MOD_INIT_TEXT goes once init is done (after a grace period)
pcheck nop_init_text_freed wait_for 10 objs_are $((objs0 + 1))
check nop_no_wx no_wx
pcheck nop_no_module_x_pte no_module_x_pte
pcheck nop_chunks_pmd_rox chunks_pmd_rox
# its rodata, ORC tables and ro_after_init data are in the read-only blocks
pcheck nop_rodata_in_blocks test "$(pstat rodata_pages_used)" -gt "$ro0"
rmmod execmem_nop
pcheck nop_unload wait_for 10 objs_are "$objs0"

dm0=$(directmap4k)
sp0=$(splits2)
ops0=$(pstat pool0_direct_map_ops)
i=0
fails=0
while [ $i -lt "$CHURN" ]; do
	insmod "$MODDIR/execmem_nop.ko" && rmmod execmem_nop || fails=$((fails + 1))
	i=$((i + 1))
done
echo "# churn: $CHURN cycles, $fails failed, DirectMap4k $dm0 -> $(directmap4k) kB," \
     "direct_map_level2_splits $sp0 -> $(splits2)," \
     "direct_map_ops $ops0 -> $(pstat pool0_direct_map_ops)," \
     "rodata_blocks $(pstat rodata_blocks)"
check "churn_${CHURN}" test "$fails" -eq 0
# I5 for whole modules: text in the pool, read-only data in the
# read-only direct-map blocks, the rest never resets the direct map (a
# 2 MiB split adds 2 MiB to DirectMap4k; the split counter needs
# VM_EVENT_COUNTERS, which only the bench kernels have)
pcheck churn_direct_map_4k_unchanged test "$(directmap4k)" -eq "$dm0"
pcheck churn_rodata_one_block test "$(pstat rodata_blocks)" -eq 1
pcheck churn_objs_back wait_for 10 objs_are "$objs0"
pcheck churn_bytes_back wait_for 10 bytes_are "$bytes0"
pcheck churn_pool_direct_map_unchanged test "$(pstat pool0_direct_map_ops)" -eq "$ops0"

if insmod "$MODDIR/execmem_nop.ko" fail_init=1 2>/dev/null; then
	not_ok fail_init_refused "the load succeeded"
	rmmod execmem_nop
else
	ok fail_init_refused
fi
check fail_init_not_listed not_loaded execmem_nop
pcheck fail_init_objs_back wait_for 10 objs_are "$objs0"
pcheck fail_init_bytes_back wait_for 10 bytes_are "$bytes0"

# --- failed loads -----------------------------------------------------------
if insmod "$MODDIR/execmem_modtext_user.ko" 2>/dev/null; then
	not_ok unresolved_refused "loaded without execmem_modtext"
	rmmod execmem_modtext_user
else
	ok unresolved_refused
fi
if insmod "$MODDIR/execmem_reloc_overflow.ko" 2>/dev/null; then
	not_ok reloc_overflow_refused "the load succeeded"
	rmmod execmem_reloc_overflow
else
	ok reloc_overflow_refused
fi
check reloc_overflow_reported sh -c 'dmesg | grep -q "overflow in relocation"'
pcheck failed_loads_objs_back wait_for 10 objs_are "$objs0"
pcheck failed_loads_bytes_back wait_for 10 bytes_are "$bytes0"
check failed_loads_no_wx no_wx

# --- parallel loads ---------------------------------------------------------
# Each of 16 jobs loads and unloads its own module; jobs of one round run
# at once, so loads of some modules race unloads of others.
PAR_IDS="01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16"
par_fail=/tmp/modtext-par-fail
: > $par_fail
r=0
while [ $r -lt "$PAR_ROUNDS" ]; do
	for i in $PAR_IDS; do
		( insmod "$MODDIR/execmem_par$i.ko" && rmmod "execmem_par$i" ||
		  echo "$r $i" >> $par_fail ) &
	done
	wait
	r=$((r + 1))
done
echo "# parallel: $PAR_ROUNDS rounds of 16 modules, $(grep -c . $par_fail) failed"
check "parallel_${PAR_ROUNDS}x16" test ! -s $par_fail
check parallel_none_left sh -c "! grep -q '^execmem_par' /proc/modules"
pcheck parallel_objs_back wait_for 10 objs_are "$objs0"
pcheck parallel_bytes_back wait_for 10 bytes_are "$bytes0"
check parallel_no_wx no_wx
pcheck parallel_chunks_pmd_rox chunks_pmd_rox

# --- execmem_modtext --------------------------------------------------------
P=/sys/module/execmem_modtext/parameters
if insmod "$MODDIR/execmem_modtext.ko"; then
	ok load
else
	not_ok load "insmod execmem_modtext failed: $(dmesg | tail -n 3)"
fi
pcheck text_in_pool in_pool "$(text_of execmem_modtext || echo 0)"
pcheck symbols_in_pool syms_in_pool execmem_modtext
r=$(cat $P/result 2>/dev/null)
echo "# result $r (2000 alternative + 10 static call + 0 static key)"
check patched test "$r" = 2010
echo 1 > $P/flip
r=$(cat $P/result 2>/dev/null)
check flipped test "$r" = 2101
echo 0 > $P/flip
r=$(cat $P/result 2>/dev/null)
check flipped_back test "$r" = 2010

# SMP alternatives: the module's .smp_locks are registered after its text
# is published. Booted with one CPU (maxcpus=1), its lock prefixes are
# patched to ds (3e) and back to lock (f0) when a second CPU comes up.
cpu1=/sys/devices/system/cpu/cpu1/online
cpu1_on() { [ "$(cat $cpu1)" = 1 ]; }
if [ ! -r $P/lock ]; then
	for t in up_patched cpu1_online smp_patched; do
		skip "smp_alt_$t" "no lock parameter (CONFIG_SMP=n)"
	done
elif grep -qw 'maxcpus=1' /proc/cmdline; then
	check smp_alt_up_patched test "$(cat $P/lock)" = 3e
	[ -w $cpu1 ] && echo 1 > $cpu1
	check smp_alt_cpu1_online wait_for 10 cpu1_on
	check smp_alt_smp_patched test "$(cat $P/lock)" = f0
else
	check smp_alt_smp_patched test "$(cat $P/lock)" = f0
	skip smp_alt_up_patched "booted with all CPUs (the maxcpus=1 boot checks it)"
	skip smp_alt_cpu1_online "booted with all CPUs"
fi

if [ -w "$T/set_ftrace_filter" ]; then
	echo ':mod:execmem_modtext' > "$T/set_ftrace_filter"
	echo function > "$T/current_tracer"
	cat $P/result > /dev/null
	echo 0 > "$T/tracing_on"
	check ftrace_mod_filter grep -q execmem_modtext_work "$T/trace"
	echo nop > "$T/current_tracer"
	echo 1 > "$T/tracing_on"
	echo > "$T/set_ftrace_filter"
	echo > "$T/trace"

	echo execmem_modtext_work > "$T/set_graph_function"
	echo function_graph > "$T/current_tracer"
	cat $P/result > /dev/null
	echo 0 > "$T/tracing_on"
	check function_graph grep -q 'modtext_alt' "$T/trace"
	echo nop > "$T/current_tracer"
	echo 1 > "$T/tracing_on"
	echo > "$T/set_graph_function"
	echo > "$T/trace"
else
	skip ftrace_mod_filter "no $T/set_ftrace_filter"
	skip function_graph "no $T/set_ftrace_filter"
fi

# kprobe_hits NAME: hits of a kprobe event (kprobe_profile: name hits misses)
kprobe_hits() { awk -v e="$1" '$1 == e { print $2 }' "$T/kprobe_profile"; }
if echo 'p:modtext_entry execmem_modtext_work' >> "$T/kprobe_events" 2>/dev/null; then
	echo 1 > "$T/events/kprobes/modtext_entry/enable"
	cat $P/result > /dev/null
	echo 0 > "$T/events/kprobes/modtext_entry/enable"
	check kprobe_entry test "$(kprobe_hits modtext_entry)" -ge 1
	echo '-:modtext_entry' >> "$T/kprobe_events"
else
	not_ok kprobe_entry "cannot add a kprobe on execmem_modtext_work"
fi

# An optimized kprobe right after the ftrace site (which kprobes leave to
# ftrace): the detour jumps from pool text to a pool buffer and back.
func=$(sym_addr execmem_modtext_opt)
site=$(awk '$2 == "execmem_modtext_opt" { print "0x" $1; exit }' \
	"$T/available_filter_functions_addrs" 2>/dev/null)
if [ -n "$func" ] && [ -n "$site" ]; then
	off=$((site - func + 5))
	if echo "p:modtext_opt execmem_modtext_opt+$off" >> "$T/kprobe_events"; then
		echo 1 > "$T/events/kprobes/modtext_opt/enable"
		wait_for 10 grep -q 'execmem_modtext_opt.*OPTIMIZED' "$KLIST"
		grep execmem_modtext_opt "$KLIST" | sed 's/^/# /'
		check optprobe_optimized grep -q 'execmem_modtext_opt.*OPTIMIZED' "$KLIST"
		r=$(cat $P/result 2>/dev/null)
		check optprobe_hit test "$(kprobe_hits modtext_opt)" -ge 1
		check optprobe_result test "$r" = 2010
		echo 0 > "$T/events/kprobes/modtext_opt/enable"
		echo '-:modtext_opt' >> "$T/kprobe_events"
	else
		not_ok optprobe_optimized "cannot add a kprobe at execmem_modtext_opt+$off"
	fi
else
	not_ok optprobe_optimized "no address for execmem_modtext_opt or its ftrace site"
fi

# ORC through module frames: level3, level2, level1 in that order.
cat $P/stack > /tmp/modtext-stack 2>/dev/null
head -n 6 /tmp/modtext-stack | sed 's/^/# /'
stack_frames() {
	awk '/^execmem_modtext_level3\+.*\[execmem_modtext\]$/ { l = NR }
	     l && NR == l + 1 && /^execmem_modtext_level2\+.*\[execmem_modtext\]$/ { two = 1 }
	     l && NR == l + 2 && /^execmem_modtext_level1\+.*\[execmem_modtext\]$/ { one = 1 }
	     END { exit !(l && two && one) }' /tmp/modtext-stack
}
check stack_module_frames stack_frames
# and on through the module to the system call that read the file
check stack_to_syscall grep -q '^do_syscall_64+' /tmp/modtext-stack

if insmod "$MODDIR/execmem_modtext_user.ko"; then
	ok user_resolved
	rmmod execmem_modtext_user
else
	not_ok user_resolved "insmod execmem_modtext_user failed"
fi
check no_wx_loaded no_wx
pcheck no_module_x_pte_loaded no_module_x_pte
rmmod execmem_modtext
check unload not_loaded execmem_modtext
pcheck unload_objs_back wait_for 10 objs_are "$objs0"
pcheck unload_bytes_back wait_for 10 bytes_are "$bytes0"
# --- livepatch --------------------------------------------------------------
# samples/livepatch: the patch module's text (the new cmdline_proc_show())
# is in the pool; ftrace sends the old function there.
LP=/sys/kernel/livepatch/livepatch_sample
lp_settled() { [ "$(cat $LP/transition 2>/dev/null)" = 0 ]; }
lp_gone() { [ ! -d $LP ]; }
if [ -f "$MODDIR/livepatch-sample.ko" ]; then
	cmdline=$(cat /proc/cmdline)
	if insmod "$MODDIR/livepatch-sample.ko"; then
		ok livepatch_load
	else
		not_ok livepatch_load "insmod livepatch-sample failed"
	fi
	check livepatch_transition wait_for 30 lp_settled
	check livepatch_enabled test "$(cat $LP/enabled 2>/dev/null)" = 1
	check livepatch_patched grep -q 'this has been live patched' /proc/cmdline
	pcheck livepatch_text_in_pool in_pool "$(text_of livepatch_sample || echo 0)"
	echo 0 > $LP/enabled
	check livepatch_disabled wait_for 30 lp_gone
	check livepatch_unpatched test "$(cat /proc/cmdline)" = "$cmdline"
	rmmod livepatch_sample
	check livepatch_unload not_loaded livepatch_sample
	pcheck livepatch_objs_back wait_for 10 objs_are "$objs0"
else
	for t in load transition enabled patched text_in_pool disabled \
		 unpatched unload objs_back; do
		skip "livepatch_$t" "no livepatch-sample.ko (CONFIG_SAMPLE_LIVEPATCH)"
	done
fi
echo "# all of modtext.sh: DirectMap4k $dm_start -> $(directmap4k) kB," \
     "direct_map_level2_splits $sp_start -> $(splits2)"
pcheck all_direct_map_4k_unchanged test "$(directmap4k)" -eq "$dm_start"
echo "1..$n"
