#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Hibernation and resume with the execmem ROX pool (invariants I1, I5).
# Run as execmem.mode=hibernate by the "hibernate" boot pair of
# scripts/execmem/check.sh: the guest has a swap disk at /dev/vda and
# resume=/dev/vda on its command line.
#
# First boot (execmem.hib=save): put pool code to use (execmem_demo's
# jit_alloc() functions, BPF programs held by hib_bpf, an optimized
# kprobe), note W+X and DirectMap4k, then hibernate. The kernel writes the
# image and powers off. Second boot (execmem.hib=resume): the kernel
# restores the image, and this same script carries on after its
# "echo disk": the pool code still runs, no W+X mapping, DirectMap4k as
# before the hibernation, every healthy chunk still one RO+X PMD, and the
# pool still grows and shrinks. The KTAP document is printed only then,
# so it lands in the log of the second boot. If this script starts in a
# boot with execmem.hib=resume, the image was not restored: a failure.

D=/sys/kernel/debug
T=/sys/kernel/tracing
STATS=$D/execmem/stats
CHUNKS=$D/execmem/chunks
PT=$D/page_tables/kernel
WX=$D/check_wx_pages	# CONFIG_DEBUG_WX: the kernel's own W+X walk
KLIST=$D/kprobes/list
MODDIR=${MODDIR:-/lib/modules/execmem}
HERE=$(dirname "$0")
SWAP=/dev/vda
NR_FUNCS=300
NR_PROGS=200
n=0
out=

# Results are kept until the document is printed (after the resume).
res() { n=$((n + 1)); out="$out
$1 $n $2"; [ -n "$3" ] && out="$out
# $3"; }
ok() { res ok "$1"; }
not_ok() { res "not ok" "$1" "$2"; }
skip() { res ok "$1 # SKIP $2"; }
check() { name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi; }
report() { echo "TAP version 13$out"; echo "1..$n"; }

. "$HERE/lib.sh"
wx_check() { [ ! -r "$WX" ] || [ "$(cat "$WX")" = SUCCESS ]; }
nr_pmd_chunks() { grep -c ' pmd ' "$CHUNKS"; }
kp_hits() { awk '$1 == "hib_kp" { print $2 }' "$T/kprobe_profile"; }

case " $(cat /proc/cmdline) " in
*" execmem.hib=resume "*)
	not_ok hibernate_resumed "this boot started afresh: no image restored (see the boot kernel's PM: lines)"
	report
	exit 0 ;;
esac

if [ ! -r "$STATS" ]; then
	skip hibernate "no $STATS (execmem pool not enabled)"
	report
	exit 0
fi
if ! grep -qw disk /sys/power/state 2>/dev/null || [ ! -b "$SWAP" ]; then
	not_ok hibernate "no hibernation (/sys/power/state: $(cat /sys/power/state 2>/dev/null)) or no $SWAP"
	report
	exit 0
fi

# --- before: put the pool to use ---------------------------------------------
check no_wx_before no_wx
check check_wx_before wx_check
if insmod "$MODDIR/execmem_demo.ko" nr_funcs=$NR_FUNCS; then
	ok jit_funcs_loaded
	demo=1
else
	not_ok jit_funcs_loaded "insmod execmem_demo failed"
	demo=0
fi
rm -f /tmp/hib_bpf.ready /tmp/hib_bpf.go
"$HERE/hib_bpf" $NR_PROGS /tmp/hib_bpf.ready /tmp/hib_bpf.go > /tmp/hib_bpf.out 2>&1 &
bpf_pid=$!
w=60
while [ ! -e /tmp/hib_bpf.ready ] && kill -0 $bpf_pid 2>/dev/null && [ $w -gt 0 ]; do
	sleep 1; w=$((w - 1))
done
check bpf_progs_loaded test -e /tmp/hib_bpf.ready

# One kprobe after the fentry site (+9 past ENDBR64 and the 5-byte NOP
# with IBT, +5 without), so that it uses an instruction slot
# and an optprobe detour buffer from the pool.
echo 1 > /proc/sys/debug/kprobes-optimization 2>/dev/null
kp=
for f in vfs_read+9 ksys_read+9 vfs_read+5 ksys_read+5 vfs_read; do
	if echo "p:hib_kp $f" >> "$T/kprobe_events" 2>/dev/null; then
		kp=$f
		break
	fi
done
if [ -n "$kp" ] && echo 1 > "$T/events/kprobes/hib_kp/enable"; then
	ok "kprobe_armed"
	echo "# kprobe at $kp"
else
	not_ok kprobe_armed "no kprobe on vfs_read or ksys_read"
fi
w=20
while ! grep -q 'OPTIMIZED' "$KLIST" && [ $w -gt 0 ]; do sleep 1; w=$((w - 1)); done
grep -q 'OPTIMIZED' "$KLIST" && kp_opt=1 || kp_opt=0
cat /proc/version > /dev/null
hits0=$(kp_hits)
dm0=$(directmap4k)
chunks0=$(nr_pmd_chunks)
echo "# before: DirectMap4k $dm0 kB, $chunks0 PMD chunks, kprobe hits ${hits0:-?}, optimized $kp_opt"
grep -E '^pool[0-9]+_(chunks_healthy|direct_map_ops)' "$STATS" | sed 's/^/#   /'

# --- a hibernation that fails after its snapshot ----------------------------
# No swap yet: the snapshot is made, writing it fails (swsusp_swap_check())
# and the kernel carries on. What the snapshot did to the direct map is
# seen here, in the kernel that made it; after a resume, page tables and
# counters are those of the image. Every healthy chunk's alias was shown
# and hidden again: two direct-map calls per chunk, no more.
ops0=$(stat_of pool0_direct_map_ops)
if [ "$(grep -c ' pte ' "$CHUNKS")" = 0 ]; then units=$chunks0; else units=; fi
if echo disk > /sys/power/state 2>/dev/null; then
	not_ok snapshot_without_swap_fails "hibernation without swap did not fail"
else
	ok snapshot_without_swap_fails
fi
check failed_no_wx no_wx
check failed_check_wx wx_check
check failed_directmap4k_unchanged test "$(directmap4k)" -eq "$dm0"
check failed_chunks_pmd_rox chunks_pmd_rox
ops1=$(stat_of pool0_direct_map_ops)
if [ -n "$units" ]; then
	check failed_aliases_hidden test "$ops1" -eq $((ops0 + 2 * units))
else
	skip failed_aliases_hidden "a degraded chunk: alias calls per page"
fi
echo "# failed hibernation: direct_map_ops $ops0 -> $ops1, $units chunks"

# --- hibernate --------------------------------------------------------------
if mkswap "$SWAP" > /dev/null && swapon "$SWAP"; then
	ok swap_on
else
	not_ok swap_on "mkswap/swapon $SWAP failed"
fi
echo shutdown > /sys/power/disk
echo "# hibernating: echo disk > /sys/power/state"
sync
if echo disk > /sys/power/state; then
	ok hibernate_resumed
else
	not_ok hibernate_resumed "echo disk > /sys/power/state failed: $(dmesg | grep 'PM: ' | tail -n 3 | tr '\n' ' ')"
fi
# From here on: the resumed kernel (or a failed hibernation)
echo "# after: $(dmesg | grep -c 'PM: hibernation: hibernation exit') hibernation exits in dmesg"

# --- after: the pool code still runs, the mappings are as before ------------
if [ "$demo" = 1 ]; then
	check jit_funcs_run sh -c "echo 1 > /sys/module/execmem_demo/parameters/run"
else
	skip jit_funcs_run "execmem_demo not loaded"
fi
touch /tmp/hib_bpf.go
if wait $bpf_pid; then
	ok bpf_progs_run
else
	not_ok bpf_progs_run "hib_bpf: $(tail -n 3 /tmp/hib_bpf.out | tr '\n' ' ')"
fi
sed 's/^#* */# /' /tmp/hib_bpf.out
if [ -n "$kp" ]; then
	cat /proc/version > /dev/null
	hits1=$(kp_hits)
	check kprobe_hits test "${hits1:-0}" -gt "${hits0:-0}"
	if [ "$kp_opt" = 1 ]; then
		check kprobe_still_optimized grep -q 'OPTIMIZED' "$KLIST"
	else
		skip kprobe_still_optimized "the kprobe was not optimized before"
	fi
else
	skip kprobe_hits "no kprobe"
	skip kprobe_still_optimized "no kprobe"
fi
check no_wx_after no_wx
check check_wx_after wx_check
dm1=$(directmap4k)
echo "# after: DirectMap4k $dm1 kB (before $dm0 kB), $(nr_pmd_chunks) PMD chunks"
check directmap4k_unchanged test "$dm1" -eq "$dm0"
# the image holds the counter as the snapshot saw it (one show per chunk
# more); the resumed kernel hid the aliases again (one more)
if [ -n "$units" ]; then
	check aliases_hidden_after_resume test "$(stat_of pool0_direct_map_ops)" -eq $((ops1 + 2 * units))
else
	skip aliases_hidden_after_resume "a degraded chunk: alias calls per page"
fi
check chunks_pmd_rox chunks_pmd_rox
# (idle empty areas beyond the spare may have been trimmed meanwhile)
check chunks_present test "$(nr_pmd_chunks)" -gt 0

# The pool still grows and shrinks after the resume, without a split.
if [ "$demo" = 1 ]; then
	check churn_after sh -c "echo 3000 > /sys/module/execmem_demo/parameters/churn"
	# before the rmmod: freeing the module's own (non-pool) memory
	# resets its direct map one 4 KiB page at a time, as on stock
	check directmap4k_after_churn test "$(directmap4k)" -eq "$dm0"
	check no_wx_after_churn no_wx
	check rmmod_after rmmod execmem_demo
else
	skip churn_after "execmem_demo not loaded"
fi
if [ -n "$kp" ]; then
	echo 0 > "$T/events/kprobes/hib_kp/enable"
	echo "-:hib_kp" >> "$T/kprobe_events"
fi
swapoff "$SWAP" 2>/dev/null
grep -E '^pool[0-9]+_(chunks_healthy|direct_map_ops)' "$STATS" | sed 's/^/#   /'
report
exit 0
