#!/bin/bash
# run-bench.sh quick|full : stock 6.12 vs execmem 6.12 side by side.
# Builds both kernels from the same pristine tree and config fragments
# (the only difference: this project's overlay + patches/), boots each
# once under QEMU/TCG (same -m/-smp, single node) with the same workload
# (tools/testing/selftests/execmem/bench.sh, execmem.bench=LEVEL) and
# prints the table of scripts/execmem/bench-report.py.
# full (make bench) also writes results/<date>-<kernelversion>/ (report.md,
# SVG charts, raw logs). Figures are printed, never asserted.
# Both levels end with the hot-path stage (bench.sh hot_stage). Knobs:
#   EXECMEM_BENCH_STAGE=hotpath  boot each kernel for the hot-path stage
#       only (fresh boot, no other workload); QEMU then defaults to
#       -accel tcg,thread=single (EXECMEM_QEMU_ACCEL overrides): one host
#       thread for both vCPUs, as in the figures of issue 14.
#   EXECMEM_HOTPATH_PRE=test_bpf  run lib/test_bpf.ko at bpf_jit_harden 0
#       just before the hot-path stage (on both kernels).
#   EXECMEM_HOTPATH_REPS=N  repetitions of each hot-path timing (default
#       5, 9 for make bench; at most 64).
. "$(dirname "$0")/common.sh"
LEVEL=${1:-quick}
case "$LEVEL" in quick|full) ;; *) die "usage: run-bench.sh quick|full" ;; esac
STAGE=${EXECMEM_BENCH_STAGE:-all}
case "$STAGE" in
all) GUEST=$LEVEL ;;
hotpath) GUEST=hotpath; export EXECMEM_QEMU_ACCEL=${EXECMEM_QEMU_ACCEL:-tcg,thread=single} ;;
*) die "EXECMEM_BENCH_STAGE: all or hotpath, not '$STAGE'" ;;
esac
PRE=${EXECMEM_HOTPATH_PRE:-}
case "$PRE" in ""|test_bpf) ;; *) die "EXECMEM_HOTPATH_PRE: empty or test_bpf, not '$PRE'" ;; esac
TAG=$GUEST${PRE:+-pre-$PRE}
REPS=${EXECMEM_HOTPATH_REPS:-}
case "$REPS" in ""|[1-9]|[1-5][0-9]|6[0-4]) ;; *) die "EXECMEM_HOTPATH_REPS: 1..64, not '$REPS'" ;; esac
START=${EXECMEM_START:-$(date +%s)}
export EXECMEM_BOOT_TIMEOUT=${EXECMEM_BOOT_TIMEOUT:-1800}

"$SCRIPTS/prepare-tree.sh"
t=$(date +%s)
"$SCRIPTS/build-kernel.sh" stock
"$SCRIPTS/build-kernel.sh" execmem
log "builds: $(( $(date +%s) - t ))s"

rc=0
for v in stock execmem; do
	# printk.time=1: timestamps for the boot-cost figures; kunit.enable=0:
	# the execmem KUnit suite would otherwise run at boot on one side only
	EXECMEM_APPEND="${EXECMEM_APPEND:-} execmem.bench=$GUEST${PRE:+ execmem.hotpath_pre=$PRE}${REPS:+ execmem.hotpath_reps=$REPS} printk.time=1 kunit.enable=0" \
		"$SCRIPTS/boot.sh" "$v" "bench-$TAG-$v" bench single || rc=1
	if ! python3 "$SCRIPTS/splats.py" --crash-only "$LOGS/bench-$TAG-$v.log" >&2; then
		echo "bench FAILED: kernel crash in $LOGS/bench-$TAG-$v.log" >&2; rc=1
	fi
done

ARGS=(--stock "$LOGS/bench-$TAG-stock.log" --execmem "$LOGS/bench-$TAG-execmem.log")
[ "$STAGE" = hotpath ] && ARGS+=(--qemu-accel "${EXECMEM_QEMU_ACCEL}")
if [ "$LEVEL" = full ] && [ "$STAGE" = all ]; then
	kver=$(make -s -C "$PRISTINE" kernelversion 2>/dev/null || echo unknown)
	OUT=$REPO/results/$(date -u +%Y-%m-%d)-$kver
	ARGS+=(--out "$OUT" --note "Host: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), load average at start: $(cut -d' ' -f1-3 /proc/loadavg). QEMU $(qemu-system-x86_64 --version | head -n1 | awk '{print $4}').")
fi
python3 "$SCRIPTS/bench-report.py" "${ARGS[@]}" || rc=1
if grep -q 'EXECMEM-SAMPLE ' "$LOGS/bench-$TAG-execmem.log"; then
	echo
	echo "samples/execmem/execmem_jit_sample.c on the execmem kernel (stock 6.12 has no jit_alloc()):"
	sed -n 's/.*EXECMEM-SAMPLE /  /p' "$LOGS/bench-$TAG-execmem.log" | tr -d '\r'
fi
[ "$LEVEL" = full ] && [ "$STAGE" = all ] && [ -f "$OUT/report.md" ] && echo "report: ${OUT#"$REPO"/}/report.md (commit it)"
echo "elapsed: $(( $(date +%s) - START ))s"
exit $rc
