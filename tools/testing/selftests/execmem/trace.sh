#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In-guest tests of the kprobes and ftrace users of the execmem ROX pool,
# in KTAP (own document, plan at the end). Called from run.sh.
#
# Stage 0: results of the boot-time ftrace self tests (FTRACE_STARTUP_TEST)
#          from the kernel log, one test line each.
# Stage 1: NR_KPROBES kprobe events with optimization on, enabled.
# Stage 2: NR_INSTANCES tracing instances, half with the function tracer,
#          half with function_graph, each filtered to a few functions.
# Stage 3: teardown.
# After each stage: no W+X mapping, DirectMap4k unchanged, the pool's
# kprobes/ftrace object counts as expected. Without the pool (no
# /sys/kernel/debug/execmem) stages 1-3 still run; the checks of the pool
# (object counts, DirectMap4k, which 6.12 splits for probe slots and
# trampolines) are reported as skipped.

D=/sys/kernel/debug
T=/sys/kernel/tracing
STATS=$D/execmem/stats
PT=$D/page_tables/kernel
KLIST=$D/kprobes/list
OPT=/proc/sys/debug/kprobes-optimization
NR_KPROBES=${NR_KPROBES:-100}
NR_INSTANCES=${NR_INSTANCES:-16}
n=0

ok() { n=$((n + 1)); echo "ok $n trace_$1"; }
not_ok() { n=$((n + 1)); echo "not ok $n trace_$1"; [ -n "$2" ] && echo "# $2"; }
skip() { n=$((n + 1)); echo "ok $n trace_$1 # SKIP $2"; }
check() { name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi; }
# pcheck: a check of the pool, skipped without it
pcheck() { if [ "$pool" = 1 ]; then check "$@"; else skip "$1" "$nopool"; fi; }

stat_of() { [ "$pool" = 1 ] && awk -v k="$1" '$1 == k { print $2 }' "$STATS"; }
directmap4k() { awk '/^DirectMap4k:/ { print $2 }' /proc/meminfo; }
no_wx() { ! grep -E ' RW .* x +(pte|pmd|pud|p4d|pgd)$' "$PT"; }
kobjs() { stat_of pool0_kprobes_objs; }
fobjs() { stat_of pool0_ftrace_objs; }
# ftrace trampolines in kallsyms (one per trampoline ftrace holds)
ntramp() {
	awk '$3 == "ftrace_trampoline" && $4 == "[__builtin__ftrace]"' /proc/kallsyms |
		grep -c .
}
gt0() { [ "${1:-0}" -gt 0 ]; }
show_stats() {
	[ "$pool" = 1 ] || return 0
	echo "# $1: pool0_kprobes_objs=$(kobjs) pool0_ftrace_objs=$(fobjs)" \
	     "DirectMap4k=$(directmap4k) kB"
	grep -E '^pool0_(kprobes|ftrace)_' "$STATS" | sed 's/^/#   /'
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

echo "TAP version 13"

# --- stage 0: boot-time ftrace self tests -----------------------------------
# "Testing tracer function: PASSED", "Testing kprobe tracing: OK", ...; a
# verdict may come on a later line ("Testing dynamic ftrace ops #1: " then
# "(1 0 1 0 0) " lines, the last one ending in PASSED): join them.
dmesg | sed 's/^\[[ 0-9.]*\] //; s/^trace_kprobe: //' | awk '
	/^Testing .*: / { if (t != "") print t; t = $0; next }
	t != "" && /^\(/ { t = t " " $0; next }
	{ if (t != "") print t; t = "" }
	END { if (t != "") print t }' > /tmp/ftrace-selftests
if [ -s /tmp/ftrace-selftests ]; then
	while IFS= read -r l; do
		what=$(echo "${l%%:*}" | sed 's/^Testing //; s/[^A-Za-z0-9]\{1,\}/_/g')
		case "$l" in
		*FAIL*|*BAD*|*ERROR*) not_ok "startup_$what" "$l" ;;
		*PASSED*|*": OK"*) ok "startup_$what" ;;
		*) not_ok "startup_$what" "no verdict: $l" ;;
		esac
	done < /tmp/ftrace-selftests
else
	skip startup_selftests "no ftrace startup test results in the log"
fi

if [ ! -w "$T/kprobe_events" ]; then
	skip kprobes_and_ftrace "no $T/kprobe_events"
	echo "1..$n"
	exit 0
fi
pool=1
nopool="no $STATS (execmem pool not enabled)"
[ -r "$STATS" ] || { pool=0; echo "# $nopool: checks of the pool skipped"; }

dm0=$(directmap4k)
k0=$(kobjs); f0=$(fobjs)
show_stats "before"
[ "$pool" = 1 ] && grep -v class "$STATS" | sed 's/^/#   stats: /'

# --- stage 1: kprobes ---------------------------------------------------------
[ -w "$OPT" ] && echo 1 > "$OPT"
check kprobes_optimization_on test "$(cat "$OPT" 2>/dev/null)" = 1

# Probe at +5 of traceable functions: right after the 5-byte fentry NOP,
# an instruction boundary; not the ftrace site, so the probes use insn
# slots and may be optimized. Kprobes refuses what it cannot probe.
awk '$2 ~ /^[tT]$/ && $3 !~ /[.]/ && $4 == "" { print $3 }' /proc/kallsyms |
	grep -E '^(acpi_|pci_|tty_|vt_|uart_|serial|rtc_|kobject_|klist_|crypto_|blk_|sysfs_)' |
	sort -u > /tmp/kp-cands
grep -v ' ' "$T/available_filter_functions" | sort -u > /tmp/ftrace-funcs
awk 'NR == FNR { f[$1] = 1; next } f[$1]' /tmp/ftrace-funcs /tmp/kp-cands > /tmp/kp-funcs
echo "# $(grep -c . /tmp/kp-funcs) candidate functions"
nk=0
while IFS= read -r f && [ "$nk" -lt "$NR_KPROBES" ]; do
	if echo "p:execmem/kp$nk $f+5" >> "$T/kprobe_events" 2>/dev/null; then
		nk=$((nk + 1))
	fi
done < /tmp/kp-funcs
check kprobes_created test "$nk" -eq "$NR_KPROBES"
check kprobes_enabled sh -c "echo 1 > $T/events/execmem/enable"
nopt() { grep -c 'OPTIMIZED' "$KLIST"; }
some_opt() { [ "$(nopt)" -gt 0 ]; }
wait_for 20 some_opt
echo "# $(grep -c . "$KLIST") kprobes listed, $(nopt) [OPTIMIZED]"
check kprobes_some_optimized some_opt
pcheck kprobes_pool_objs gt0 "$(kobjs)"
check kprobes_no_wx no_wx
pcheck kprobes_directmap4k_unchanged test "$(directmap4k)" -eq "$dm0"
show_stats "$nk kprobes live"

# --- stage 2: tracing instances ---------------------------------------------------
# a few functions per instance, different ones for each, not probed above
tail -n $((NR_INSTANCES * 3)) /tmp/kp-funcs > /tmp/tr-funcs
ni=0
i=0
while [ "$i" -lt "$NR_INSTANCES" ]; do
	I=$T/instances/execmem$i
	if [ $((i % 2)) = 0 ]; then tracer=function; else tracer=function_graph; fi
	if mkdir "$I" &&
	   sed -n "$((i * 3 + 1)),$((i * 3 + 3))p" /tmp/tr-funcs > "$I/set_ftrace_filter" &&
	   echo $tracer > "$I/current_tracer"; then
		ni=$((ni + 1))
	else
		echo "# instance $i ($tracer) failed"
	fi
	i=$((i + 1))
done
check instances_created test "$ni" -eq "$NR_INSTANCES"
echo "# $(ntramp) ftrace_trampoline symbols"
pcheck ftrace_pool_objs gt0 "$(fobjs)"
pcheck ftrace_kprobes_pool_objs gt0 "$(kobjs)"
check ftrace_no_wx no_wx
pcheck ftrace_directmap4k_unchanged test "$(directmap4k)" -eq "$dm0"
show_stats "$nk kprobes + $ni instances live"

# --- stage 3: teardown -------------------------------------------------------------
i=0
while [ "$i" -lt "$NR_INSTANCES" ]; do
	I=$T/instances/execmem$i
	if [ -d "$I" ]; then
		echo nop > "$I/current_tracer"
		rmdir "$I" || echo "# rmdir $I failed"
	fi
	i=$((i + 1))
done
echo 0 > "$T/events/execmem/enable"
echo > "$T/kprobe_events"
kback() { [ "$(kobjs)" -eq 0 ]; }
# Static ftrace_ops (graph_ops, shared by all function_graph instances,
# the top-level tracer's, boot-time self tests') keep their trampoline
# once created, as in stock 6.12, and so its kallsyms entry: after
# teardown every ftrace pool object must be such a kept trampoline.
fback() { [ "$(fobjs)" -eq "$(ntramp)" ]; }
sleep 3
if [ "$pool" = 1 ]; then
	wait_for 20 kback
	wait_for 20 fback
fi
show_stats "after teardown (before: kprobes $k0, ftrace $f0; kept trampolines $(ntramp))"
pcheck teardown_kprobes_objs_zero kback
pcheck teardown_ftrace_objs_kept_only fback
check teardown_no_wx no_wx
pcheck teardown_directmap4k_unchanged test "$(directmap4k)" -eq "$dm0"
echo "1..$n"
