#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Benchmark workload, the same on a stock 6.12 and on an execmem kernel
# (make demo / make bench; run by the initramfs init with execmem.mode=bench).
#
# Level from the kernel command line: execmem.bench=quick (make demo,
# default) or full (make bench), both ending with the hot-path stage, or
# hotpath (only that stage, on a fresh boot). execmem.hotpath_pre=test_bpf
# runs lib/test_bpf.ko at bpf_jit_harden 0 just before the hot-path stage;
# execmem.hotpath_reps=N repeats each of its timings N times (5; 9 at full). Output: "EXECMEM-BENCH <record> k=v ..."
# lines, from this script and from the execmem_bench module (printk),
# parsed on the host by scripts/execmem/bench-report.py. A "snap" record
# after each stage holds: DirectMap4k/2M/1G (kB), the executable mappings
# in the module range by page size (ptdump), W+X mappings anywhere,
# /proc/vmstat direct-map split and TLB-flush counters, pool figures.
# Figures are printed, never asserted here (see run.sh for assertions).

D=/sys/kernel/debug
PT=$D/page_tables/kernel
T=/sys/kernel/tracing
ST=$D/execmem/stats
CH=$D/execmem/chunks
MODDIR=${MODDIR:-/lib/modules/execmem}
HERE=$(cd "$(dirname "$0")" && pwd)
RUN=/sys/module/execmem_bench/parameters/run

level=quick
hot_pre= hot_reps=
for w in $(cat /proc/cmdline); do
	case "$w" in
	execmem.bench=*) level=${w#execmem.bench=} ;;
	execmem.hotpath_pre=*) hot_pre=${w#execmem.hotpath_pre=} ;;
	execmem.hotpath_reps=*) hot_reps=${w#execmem.hotpath_reps=} ;;
	esac
done
[ -n "$1" ] && level=$1	# "ktap": structural assertions only (run.sh, make check)
# workload sizes (the same on both kernels)
NGEN=2000 NBPF=1000 NKP=100 NFT=16 NMOD=8 LAT_ITERS=16 TPUT_PAIRS=500 MEM_OBJS=10000
# hot-path stage: repetitions of every timing, programs of the burst
HOT_REPS=5 HOT_BURST=2000 HOT_SECS=5 HOT_NKP=1000
if [ "$level" = full ]; then
	NMOD=32 LAT_ITERS=64 TPUT_PAIRS=4000 HOT_REPS=9
fi
[ -n "$hot_reps" ] && HOT_REPS=$hot_reps

B() { echo "EXECMEM-BENCH $*"; }

# User-visible operations are timed one by one by the optime helper
# (system call only); "op" records give their median and 99th percentile.
OPT=$HERE/optime
# op_time FILE OPTIME-ARGS...: do the operation, append its ns to FILE
op_time() {
	_f=$1; shift
	_v=$("$OPT" "$@") || return 1
	echo "$_v" >> "$_f"
}
# op_stat NAME FILE: nearest-rank median and p99 of FILE's latencies
op_stat() {
	[ -s "$2" ] || return 0
	sort -n "$2" | awk -v name="$1" '{ v[NR] = $1 }
		END { printf "EXECMEM-BENCH op name=%s n=%d p50_ns=%.0f p99_ns=%.0f\n", name, NR,
			     v[int((NR - 1) * 50 / 100) + 1], v[int((NR - 1) * 99 / 100) + 1] }'
	rm -f "$2"
}
now_ns() { awk '{ printf "%.0f", $1 * 1e9 }' /proc/uptime; }

meminfo_fig() {
	awk '/^DirectMap4k:/ { a = $2 } /^DirectMap2M:/ { b = $2 } /^DirectMap1G:/ { c = $2 }
	     END { printf "dm4k_kb=%d dm2m_kb=%d dm1g_kb=%d", a, b, c }' /proc/meminfo
}

vmstat_fig() {
	awk 'BEGIN { n["direct_map_level2_splits"] = "l2split"; n["direct_map_level3_splits"] = "l3split"
		     n["nr_tlb_remote_flush"] = "tlb_rf"; n["nr_tlb_remote_flush_received"] = "tlb_rfr"
		     n["nr_tlb_local_flush_all"] = "tlb_lfa"; n["nr_tlb_local_flush_one"] = "tlb_lfo" }
	     ($1 in n) { printf "%s=%s ", n[$1], $2 }' /proc/vmstat
}

# ptdump of the kernel page tables: executable mappings between the
# "---[ Modules ]---" and "---[ End Modules ]---" markers by page size,
# and W+X mappings anywhere (" RW " and " x ").
ptdump_fig() {
	awk 'function bytes(s,  n, u) {
		n = s + 0; u = substr(s, length(s))
		if (u == "K") n *= 1024; else if (u == "M") n *= 1048576; else if (u == "G") n *= 1073741824
		return n
	     }
	     /---\[ Modules \]---/ { on = 1; next }
	     /---\[ End Modules \]---/ { on = 0 }
	     / RW / && / x / && $NF ~ /^(pte|pmd|pud|p4d|pgd)$/ { wx++ }
	     on && / x / { b = bytes($2); if ($NF == "pte") p4 += b; else if ($NF == "pmd") p2 += b }
	     END { printf "x4k_pages=%.0f x4k_bytes=%.0f x2m_pages=%.0f x2m_bytes=%.0f wx=%d",
		   p4 / 4096, p4, p2 / 2097152, p2, wx }' "$PT"
}

pool_fig() {
	[ -r "$ST" ] || return 0
	awk '$1 ~ /^pool[0-9]+_(module_text|kprobes|ftrace|bpf|module_data|jit)_objs$/ { o += $2 }
	     $1 ~ /^pool[0-9]+_(module_text|kprobes|ftrace|bpf|module_data|jit)_requested_bytes$/ { r += $2 }
	     $1 ~ /^pool[0-9]+_(module_text|kprobes|ftrace|bpf|module_data|jit)_live_bytes$/ { l += $2 }
	     $1 ~ /^pool[0-9]+_free_bytes$/ { f += $2 }
	     $1 ~ /^pool[0-9]+_chunks_degraded$/ { dg += $2 }
	     $1 ~ /^pool[0-9]+_direct_map_ops$/ { dm += $2 }
	     END { printf "pool_objs=%.0f pool_req=%.0f pool_live=%.0f pool_free=%.0f pool_degraded=%.0f pool_dmops=%.0f ",
		   o, r, l, f, dg, dm }' "$ST"
	awk '!/^#/ { n++; if ($4 == "pmd") p++ } END { printf "pool_chunks=%d pool_pmd_chunks=%d", n, p }' "$CH"
}

snap() {
	line="snap stage=$1 t_ns=$(now_ns) $(meminfo_fig) $(vmstat_fig)$(ptdump_fig) $(pool_fig)"
	B "$line"
	echo "$line" > "/tmp/bench-snap-$1"
}

val() {	# val STAGE KEY: a figure of an earlier snapshot
	tr ' ' '\n' < "/tmp/bench-snap-$1" | sed -n "s/^$2=//p"
}

run() {	# run CMD: trigger a test in the execmem_bench module
	echo "$1" > "$RUN" || B "error cmd=$1 (see dmesg)"
}

if [ "$level" = ktap ]; then
	# make check: the structural facts behind the benchmark, as KTAP.
	# W+X = 0 at every snapshot; on a pool kernel, pool allocations leave
	# DirectMap4k unchanged and all pool text is mapped by PMDs.
	n=0
	ok() { n=$((n + 1)); echo "ok $n bench_$1${2:+ # SKIP $2}"; }
	not_ok() { n=$((n + 1)); echo "not ok $n bench_$1"; echo "# $2"; }
	expect() { name=$1 why=$2; shift 2; if "$@"; then ok "$name"; else not_ok "$name" "$why"; fi; }
	echo "TAP version 13"
	echo "1..8"
	snap boot
	if insmod "$MODDIR/execmem_bench.ko" gen_funcs=500 mem_objs=2000; then
		snap modload
		run gen
		snap jit
		run mem
		snap mem-live
		run memfree
		run genfree
		sleep 4
		snap mem-after
		rmmod execmem_bench
		ok module_runs
	else
		not_ok module_runs "insmod execmem_bench failed"
		for s in modload jit mem-live mem-after; do cp /tmp/bench-snap-boot /tmp/bench-snap-$s; done
	fi
	for s in boot jit mem-live mem-after; do
		expect "no_wx_$s" "W+X mappings: $(val $s wx)" test "$(val $s wx)" = 0
	done
	if [ -r "$ST" ]; then
		expect dm4k_unchanged_pool_alloc "DirectMap4k $(val modload dm4k_kb) -> $(val mem-live dm4k_kb) kB" \
			test "$(val mem-live dm4k_kb)" = "$(val modload dm4k_kb)"
		expect dm4k_unchanged_pool_free "DirectMap4k $(val modload dm4k_kb) -> $(val mem-after dm4k_kb) kB" \
			test "$(val mem-after dm4k_kb)" = "$(val modload dm4k_kb)"
		# all chunks PMD-mapped, and the module range maps at least that much with PMDs
		expect pool_text_all_pmd "chunks $(val mem-live pool_chunks), pmd $(val mem-live pool_pmd_chunks), 2M bytes $(val mem-live x2m_bytes)" \
			sh -c "[ $(val mem-live pool_chunks) -gt 0 ] && [ $(val mem-live pool_chunks) = $(val mem-live pool_pmd_chunks) ] &&
			       [ $(val mem-live x2m_bytes) -ge $(( $(val mem-live pool_chunks) * 2097152 )) ]"
	else
		ok dm4k_unchanged_pool_alloc "no execmem pool (stock kernel)"
		ok dm4k_unchanged_pool_free "no execmem pool (stock kernel)"
		ok pool_text_all_pmd "no execmem pool (stock kernel)"
	fi
	exit 0
fi

# --- hot-path stage -------------------------------------------------------------
# The cost of running through executable memory that the pool serves on an
# execmem kernel (6.12's allocators on stock), each timing repeated
# HOT_REPS times: "hot" records with the median and the largest figure
# (hotpath_bench.c prints them for what it times itself). Then a burst of
# HOT_BURST BPF loads and frees and the background CPU time after it
# ("bg", "bgpool" records). Times are printed, never asserted.
HB=$HERE/hotpath_bench

# hot_rec NAME FILE [EXTRA]: "hot" record of the figures (ns) in FILE
hot_rec() {
	if [ -s "$2" ]; then
		sort -n "$2" | awk -v name="$1" -v extra="${3:-}" '{ v[NR] = $1 }
			END { printf "EXECMEM-BENCH hot name=%s n=%d p50_ns=%s max_ns=%s%s\n", name, NR,
				     v[int((NR + 1) / 2)], v[NR], extra == "" ? "" : " " extra }'
	else
		B "error hot=$1 no_figures"
	fi
	rm -f "$2"
}

# hot_dmesg PATTERN SED CMD...: run CMD, then apply the sed script SED to
# the kernel message matching PATTERN that CMD printed (nothing if none).
# The log buffer is cleared first (the console has every line already):
# counting old matches would miscount once the buffer wraps.
hot_dmesg() {
	_pat=$1 _sed=$2; shift 2
	dmesg -c >/dev/null
	"$@" >/dev/null 2>&1
	dmesg | grep "$_pat" | tail -n 1 | sed -n "$_sed"
}

# hot_ftrace NAME ARGS...: samples/ftrace/ftrace-ops.ko with ARGS
# (it calls a traced function nr_function_calls times and fails its
# init on purpose once it has printed the time per call)
hot_ftrace() {
	_name=$1; shift
	_i=0
	while [ $_i -lt $HOT_REPS ]; do
		hot_dmesg 'Attempted .* calls to' 's/.*(\([0-9]*\)ns \/ call).*/\1/p' \
			insmod "$MODDIR/ftrace-ops.ko" "$@" >> /tmp/hot-ft
		_i=$((_i + 1))
	done
	hot_rec "$_name" /tmp/hot-ft "args=$(echo "${*:-defaults}" | tr ' ' ',')"
}

# the flags of the hot-path kprobe in debugfs (OPTIMIZED, FTRACE, ...);
# the list may name the address by an alias (__do_sys_getpid)
hot_kpstate() {
	grep 'sys_getpid+0x' $D/kprobes/list | grep -o '\[[A-Z]*\]' | tr -d '[]' | tr '\n' ','
}
# hot_kpwait 0|1: up to 10 s until the kprobe is (0) / is not (1) optimized
hot_kpwait() {
	_w=0
	while [ $_w -lt 20 ]; do
		if hot_kpstate | grep -q OPTIMIZED; then [ "$1" = 0 ] && return; else [ "$1" = 1 ] && return; fi
		sleep 0.5
		_w=$((_w + 1))
	done
}

# hot_stack: section 4b of hot_stage
hot_stack() {
	_calls=5000
	if ! echo "p:hotpath/getpid __x64_sys_getpid+${_kp:-0}" >> $T/kprobe_events 2>/dev/null ||
	   ! echo 1 > $T/events/hotpath/getpid/enable; then
		B "error hot=kprobe_stack no_kprobe_event"
		return
	fi
	_bsz=$(awk '{ print $1; exit }' $T/buffer_size_kb)
	echo 64 > $T/buffer_size_kb
	echo 1 > $T/options/stacktrace
	hot_kpwait 0
	"$HB" syscall kprobe_stack_k0 $_calls $HOT_REPS | sed "s/\$/ nkp=0 state=$(hot_kpstate)/"
	_n=0
	# past the __fentry__ site (the offset that worked for getpid), so
	# that each probe is an INT3 probe with an instruction slot, not an
	# ftrace-based one; registered but disabled, it keeps its slot
	awk '{ print $1 }' $T/available_filter_functions 2>/dev/null | grep -v getpid |
	while read -r _f && [ $_n -lt $HOT_NKP ]; do
		echo "p:hotk/k$_n $_f+${_kp:-0}" >> $T/kprobe_events 2>/dev/null && _n=$((_n + 1))
	done
	# slots: probes on the list without [FTRACE], the getpid one aside
	_n=$(grep -v 'FTRACE' $D/kprobes/list | grep -vc 'sys_getpid')
	"$HB" syscall kprobe_stack_kn $_calls $HOT_REPS | sed "s/\$/ nkp=$_n state=$(hot_kpstate)/"
	echo 0 > $T/options/stacktrace
	echo 0 > $T/events/hotpath/getpid/enable
	grep '^p:hotk/' $T/kprobe_events | cut -d' ' -f1 | sed 's/^p:/-:/' > /tmp/hot-kpdel
	while read -r _l; do echo "$_l" >> $T/kprobe_events; done < /tmp/hot-kpdel
	rm -f /tmp/hot-kpdel
	echo > $T/trace
	echo "$_bsz" > $T/buffer_size_kb
}

hot_stage() {
	B "hotstage reps=$HOT_REPS burst=$HOT_BURST secs=$HOT_SECS pre=${hot_pre:-none} pool=$([ -r "$ST" ] && echo 1 || echo 0)"
	if [ "$hot_pre" = test_bpf ]; then
		echo 0 > /proc/sys/net/core/bpf_jit_harden 2>/dev/null
		_t0=$(now_ns)
		if insmod "$MODDIR/test_bpf.ko" >/dev/null 2>&1; then _ok=1; else _ok=0; fi
		rmmod test_bpf 2>/dev/null
		B "hotpre test_bpf=$_ok ns=$(( $(now_ns) - _t0 ))"
	fi

	# 1. a call through an ftrace_ops trampoline (the cases of issue 14)
	if [ -f "$MODDIR/ftrace-ops.ko" ]; then
		hot_ftrace ftrace_default
		hot_ftrace ftrace_calls100k nr_function_calls=100000
		hot_ftrace ftrace_relevant2 nr_ops_relevant=2
		hot_ftrace ftrace_irrelevant10 nr_ops_irrelevant=10
		hot_ftrace ftrace_save_regs save_regs=1
	else
		B "error hot=ftrace no_ftrace-ops.ko"
	fi

	# 2. BPF program run time, small and large JIT images (socket filters)
	"$HB" testrun bpf_small 2 200000 $HOT_REPS
	"$HB" testrun bpf_large 4000 2000 $HOT_REPS

	# 3. the XDP dispatcher: attached to lo, the program is called from the
	# dispatcher's image; detached, through its default (indirect) path
	"$HB" xdp xdp_dispatcher attach 200000 $HOT_REPS
	"$HB" xdp xdp_detached detached 200000 $HOT_REPS

	# 4. a kprobe hit: getpid() with a kprobe event past the __fentry__
	# site of __x64_sys_getpid, optimized (detour buffer) and not
	# (INT3 + the instruction slot). tracing_on 0: the event handler
	# returns early, so the figure is the kprobe path itself.
	_calls=20000
	"$HB" syscall kprobe_none $_calls $HOT_REPS
	echo 1 > /proc/sys/debug/kprobes-optimization 2>/dev/null
	_kp=
	for _off in 9 5 4 0; do
		if echo "p:hotpath/getpid __x64_sys_getpid+$_off" >> $T/kprobe_events 2>/dev/null; then
			_kp=$_off; break
		fi
	done
	if [ -n "$_kp" ] && echo 1 > $T/events/hotpath/getpid/enable; then
		echo 0 > $T/tracing_on
		hot_kpwait 0	# the kprobe optimizer (after an RCU-tasks grace period)
		_st=$(hot_kpstate)
		"$HB" syscall kprobe_opt $_calls $HOT_REPS | sed "s/\$/ off=$_kp state=${_st:-plain}/"
		echo 0 > /proc/sys/debug/kprobes-optimization
		hot_kpwait 1
		_st=$(hot_kpstate)
		"$HB" syscall kprobe_slot $_calls $HOT_REPS | sed "s/\$/ off=$_kp state=${_st:-plain}/"
		echo 1 > /proc/sys/debug/kprobes-optimization
		echo 0 > $T/events/hotpath/getpid/enable
		echo 1 > $T/tracing_on
	else
		B "error hot=kprobe no_kprobe_event"
	fi
	echo "-:hotpath/getpid" >> $T/kprobe_events 2>/dev/null

	# 4b. kernel_text_address() in the unwinder: the same kprobe event
	# records a stack trace (options/stacktrace), once alone and once with
	# HOT_NKP more kprobes registered (disabled: each has its instruction
	# slot). The bench kernels' guess unwinder asks kernel_text_address()
	# about every word of the stack; 6.12 walks the kprobe slot pages,
	# the ftrace trampolines and the BPF tree for every word that is not
	# core kernel text, the pool answers for all of them with one lookup.
	hot_stack
	echo "-:hotpath/getpid" >> $T/kprobe_events 2>/dev/null

	# 5. a call through a jit_alloc() function (samples/execmem; stock
	# has no jit_alloc(): the record gives the compiled twin in the same
	# boot instead)
	if [ -f "$MODDIR/execmem_jit_sample.ko" ]; then
		_i=0
		while [ $_i -lt $HOT_REPS ]; do
			_l=$(hot_dmesg 'timing: .* calls: generated' \
				's/.*generated \([0-9.]*\) ns\/call, compiled \([0-9.]*\) ns\/call.*/\1 \2/p' \
				insmod "$MODDIR/execmem_jit_sample.ko" calls=1000000)
			rmmod execmem_jit_sample 2>/dev/null
			[ -n "$_l" ] && echo "$_l" >> /tmp/hot-jit
			_i=$((_i + 1))
		done
		if [ -s /tmp/hot-jit ]; then
			awk '{ print $1 }' /tmp/hot-jit > /tmp/hot-jitg
			awk '{ print $2 }' /tmp/hot-jit > /tmp/hot-jitc
			hot_rec jit_generated /tmp/hot-jitg calls=1000000
			hot_rec jit_compiled /tmp/hot-jitc calls=1000000
		else
			B "error hot=jit no_timing"
		fi
		rm -f /tmp/hot-jit
	fi

	# 6. background work after a burst of BPF loads and frees
	"$HB" burst $HOT_BURST $HOT_SECS
}

B "begin level=$level kernel=$(uname -r) pool=$([ -r "$ST" ] && echo 1 || echo 0) cpus=$(grep -c ^processor /proc/cpuinfo) nbpf=$NBPF nkp=$NKP nft=$NFT nmod=$NMOD ngen=$NGEN"

if [ "$level" = hotpath ]; then
	hot_stage
	B "end"
	exit 0
fi

# --- boot cost ----------------------------------------------------------------
# run_init_us: printk timestamp of "Run /init" (run-bench.sh boots with
# printk.time=1 kunit.enable=0). ftrace's own boot-time conversion of the
# mcount sites cannot be timed from here (printk timestamps are still 0 in
# ftrace_init(), and ftrace_update_time is optimised away), so the end of
# this script times a full run-time update instead (record "ftraceall").
dmesg | awk '
	function ts(l) { sub(/^\[ */, "", l); sub(/\].*/, "", l); return l * 1e6 }
	/ftrace: allocating/ { for (i = 1; i <= NF; i++) if ($i == "allocating") ent = $(i + 1) }
	/Run \/init as init process/ { ri = ts($0) }
	END { printf "EXECMEM-BENCH boot run_init_us=%.0f ftrace_entries=%d\n", ri, ent }'
B "boot uptime_at_script_ns=$(now_ns)"
snap boot

# --- stage 1: benchmark module loaded (its own text: module loader) -------
insmod "$MODDIR/execmem_bench.ko" gen_funcs=$NGEN lat_iters=$LAT_ITERS \
	tput_pairs=$TPUT_PAIRS mem_objs=$MEM_OBJS || B "error insmod execmem_bench"
snap modload

# --- stage 2: run-time code generator (execmem_demo's mix) ---------------
run gen
snap jit

# --- stage 2b: samples/execmem, the jit_alloc() sample (execmem only) -------
if [ -f "$MODDIR/execmem_jit_sample.ko" ]; then
	if insmod "$MODDIR/execmem_jit_sample.ko"; then
		B "sample ok=1"
		rmmod execmem_jit_sample
	else
		B "sample ok=0"
	fi
	dmesg | sed -n 's/.*execmem_jit_sample: /EXECMEM-SAMPLE /p'
fi

# --- stage 3: BPF programs of mixed sizes, kept open ----------------------
BPFOUT=/tmp/bpf_load.out
"$HERE/bench_bpf_load" $NBPF > $BPFOUT 2>&1 &
BPFPID=$!
i=0
while ! grep -q READY $BPFOUT 2>/dev/null && [ $i -lt 1200 ]; do sleep 0.5; i=$((i + 1)); done
grep -v READY $BPFOUT
snap bpf

# --- stage 4: kprobes (optimized where possible) ---------------------------
echo 1 > /proc/sys/debug/kprobes-optimization 2>/dev/null
t0=$(now_ns)
nk=0
for f in $(awk '$2 ~ /^[tT]$/ && $3 ~ /^__x64_sys_/ { print $3 }' /proc/kallsyms | head -n 400); do
	[ $nk -ge $NKP ] && break
	# past the 5-byte __fentry__ site (ftrace-based kprobes use no slot);
	# +9 when an endbr64 comes first
	for off in 5 9 0; do
		if op_time /tmp/op-kp write -a $T/kprobe_events "p:execbench/kp$nk $f+$off" 2>/dev/null; then
			nk=$((nk + 1)); break
		fi
	done
done
op_time /tmp/op-kpen write $T/events/execbench/enable 1 2>/dev/null
sleep 2	# let the kprobe optimizer run
nopt=$(grep -c OPTIMIZED $D/kprobes/list 2>/dev/null)
B "kprobes created=$nk optimized=${nopt:-0} ns=$(( $(now_ns) - t0 ))"
op_stat kprobe_create /tmp/op-kp
op_stat kprobe_enable_all /tmp/op-kpen
snap kprobes

# --- stage 5: function-tracer instances ------------------------------------
t0=$(now_ns)
nf=0
funcs=$(awk '$2 ~ /^[tT]$/ && $3 ~ /^__x64_sys_/ { print $3 }' /proc/kallsyms | sed -n '101,400p')
i=1
while [ $i -le $NFT ]; do
	I=$T/instances/eb$i
	if mkdir $I 2>/dev/null; then
		echo 64 > $I/buffer_size_kb
		echo "$funcs" | sed -n "$((i * 3 - 2)),$((i * 3))p" > $I/set_ftrace_filter
		op_time /tmp/op-tr write $I/current_tracer function && nf=$((nf + 1))
	fi
	i=$((i + 1))
done
B "ftrace instances=$nf ns=$(( $(now_ns) - t0 ))"
op_stat tracer_enable /tmp/op-tr
snap ftrace

# --- stage 6: module load/unload churn -------------------------------------
t0=$(now_ns)
i=0 nm=0
while [ $i -lt $NMOD ]; do
	op_time /tmp/op-ins insmod "$MODDIR/execmem_nop.ko" &&
		op_time /tmp/op-rm rmmod execmem_nop && nm=$((nm + 1))
	i=$((i + 1))
done
B "modules cycles=$nm ns=$(( $(now_ns) - t0 ))"
op_stat module_load /tmp/op-ins
op_stat module_unload /tmp/op-rm
snap modules

# --- stage 7: teardown ------------------------------------------------------
t0=$(now_ns)
i=1
while [ $i -le $NFT ]; do
	I=$T/instances/eb$i
	if [ -d $I ]; then
		op_time /tmp/op-trd write $I/current_tracer nop
		echo > $I/set_ftrace_filter
		rmdir $I
	fi
	i=$((i + 1))
done
echo 0 > $T/events/execbench/enable 2>/dev/null
echo > $T/kprobe_events
kill $BPFPID 2>/dev/null
wait $BPFPID 2>/dev/null
grep 'EXECMEM-BENCH op ' $BPFOUT
op_stat tracer_disable /tmp/op-trd
run genfree
sleep 5	# RCU-deferred frees, pool trimming
B "teardown ns=$(( $(now_ns) - t0 ))"
snap teardown

# --- micro-benchmarks in the module ------------------------------------------
run lat
run tput
snap mem-before
run mem
snap mem-live
run memfree
sleep 5
snap mem-after
rmmod execmem_bench

# --- ftrace: update of every call site (function tracer on, then off) -------
# text_poke_bp batches over all ~19k mcount sites of the kernel text, with
# every CPU but CPU 0 offline: under multi-threaded TCG a vCPU that
# translates kernel code while another one rewrites it can keep a stale
# INT3 and die of it, on stock 6.12 as on execmem (see "QEMU/TCG and
# cross-modifying code" in Documentation/mm/execmem.rst).
ns() { t=$(date +%s%N 2>/dev/null); case "$t" in *N|"") now_ns ;; *) echo "$t" ;; esac; }
cpus_online() {
	for c in /sys/devices/system/cpu/cpu[1-9]*/online; do
		[ -w "$c" ] && echo "$1" > "$c"
	done
}
cpus_online 0
t0=$(ns); echo function > $T/current_tracer; t1=$(ns); echo nop > $T/current_tracer; t2=$(ns)
cpus_online 1
B "ftraceall on_ns=$((t1 - t0)) off_ns=$((t2 - t1)) sites=$(cat $T/enabled_functions 2>/dev/null | wc -l) cpus=1"

# --- hot-path stage (after the workload; execmem.bench=hotpath: fresh) -------
hot_stage
B "end"
