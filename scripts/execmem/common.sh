# shellcheck shell=bash
# Common settings for the execmem pipeline. Source from the other scripts.
#
# The environment knobs of the pipeline (make check, make demo, make bench
# and the other targets of the top Makefile); this is the one place they
# are documented. The host harness has its own, in the header of
# tools/testing/execmem/Makefile.
#
#   EXECMEM_BUILD=DIR        build directory: pristine and execmem trees,
#                            objects, logs (default build; a relative path
#                            is taken from the repository top)
#   EXECMEM_TARBALL=FILE     kernel source tarball
#                            (default /usr/src/linux-source-6.12.tar.xz)
#   EXECMEM_LLVM=1           build with ccache clang and LLVM=1 (objects in
#                            obj-llvm)
#   EXECMEM_KMAKE_FLAGS=...  extra kernel make arguments, e.g. W=1
#   EXECMEM_EXTRA_CONFIG=F   one more config fragment, merged last
#   EXECMEM_BENCH_CONFIG=1   also merge scripts/execmem/bench.config
#                            (objects in obj-bench); make demo and make
#                            bench set it
#   EXECMEM_BENCH_STAGE=hotpath  make demo / make bench boot each kernel
#                            for the hot-path stage only (accelerator then
#                            tcg,thread=single; no results/ directory)
#   EXECMEM_HOTPATH_PRE=test_bpf  run lib/test_bpf.ko at bpf_jit_harden 0
#                            just before the hot-path stage
#   EXECMEM_HOTPATH_REPS=N   repetitions of each hot-path timing, 1..64
#                            (default 5, 9 for make bench)
#   EXECMEM_COPY_OBJS=0      do not start a first execmem (pooloff) build
#                            from a copy of the stock (execmem) objects of
#                            the same flavour; see build-kernel.sh
#   EXECMEM_BUSYBOX=FILE     static busybox for the initramfs
#                            (default /bin/busybox)
#   EXECMEM_BOOTS="..."      topologies make check boots (default
#                            "single numa2")
#   EXECMEM_BOOT_TIMEOUT=S   seconds before a guest counts as hung (default
#                            600; 1800 for make demo and make bench)
#   EXECMEM_QEMU_MEM=SIZE    guest memory (default 2G; numa2 has its own
#                            two 1 GiB nodes)
#   EXECMEM_QEMU_ACCEL=A     QEMU accelerator (default tcg; e.g.
#                            tcg,thread=single: one host thread for all
#                            vCPUs)
#   EXECMEM_QEMU_EXTRA=...   extra QEMU arguments
#   EXECMEM_APPEND=...       extra kernel command line
#   EXECMEM_VERBOSE=1        stream the guest console, list the files
#                            prepare-tree.sh changed
#   EXECMEM_SKIP_HARNESS=1   make check: no host harness (reported as SKIP)
#   EXECMEM_SKIP_W1=1        make check: no W=1 builds (SKIP)
#   EXECMEM_SKIP_POOLOFF=1   make check: no pool-off lane (SKIP). The lane
#                            builds the execmem tree with
#                            scripts/execmem/pooloff.config
#                            (CONFIG_EXECMEM_ROX_POOL=n and the options
#                            that need the pool off) in obj-pooloff, then
#                            boots it once (single, execmem.check=short:
#                            test_bpf at harden 0 only, no bench.sh),
#                            counted in the summary as "pooloff"
#   EXECMEM_SKIP_PARAMS=1    make check: no boot-parameter lanes
#                            (ftrace-function, maxcpus1-stuff: the
#                            execmem kernel booted with those parameters,
#                            modtext.sh only)
#   EXECMEM_SKIP_HIBERNATE=1 no hibernate pair: the execmem kernel booted
#                            twice with a swap disk (hibernate-pair.sh)
#   EXECMEM_SKIP_ARM64=1     make check: no arm64 lane (SKIP). The lane
#                            cross-builds Image and modules of the execmem
#                            tree for arm64 (build-arm64.sh: tinyconfig +
#                            scripts/execmem/arm64.config, obj-arm64);
#                            build only, "arm64-build" PASS or FAIL
#   EXECMEM_ARM64_CROSS=P    cross-compiler prefix of the arm64 lane
#                            (default aarch64-linux-gnu-)
#   EXECMEM_START=T          set by the Makefile: the start time (date +%s)
#                            the "elapsed" line of make demo counts from
#   CCACHE_DIR, CCACHE_MAXSIZE, CCACHE_BASEDIR   ccache (defaults
#                            ~/.cache/ccache, 5G, $EXECMEM_BUILD)
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${EXECMEM_BUILD:-$REPO/build}
case "$BUILD" in /*) ;; *) BUILD=$REPO/$BUILD ;; esac
TARBALL=${EXECMEM_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
# Layout: $BUILD/{stock,execmem}/linux (sources) and .../linux/obj* (objects).
# An object directory directly inside its source tree makes kbuild use the
# relative srctree "..": command lines and the dependency lists in the .cmd
# files name no absolute path, so the execmem kernel can start from a copy
# of the stock objects and rebuild only what the project changes (see
# seed_from_stock in build-kernel.sh); with CCACHE_BASEDIR=$BUILD the same
# relative paths also make ccache hits across the two trees.
PRISTINE=$BUILD/stock/linux
EXECSRC=$BUILD/execmem/linux
LOGS=$BUILD/logs
SCRIPTS=$REPO/scripts/execmem
JOBS=$(( $(nproc) + 1 ))
# what rsync leaves out when it copies a directory of kbuild sources
KBUILD_OUTPUT_EXCLUDES=(--exclude='*.o' --exclude='*.ko' --exclude='*.mod'
	--exclude='*.mod.c' --exclude='.*.cmd' --exclude='Module.symvers'
	--exclude='modules.order')

if [ "${EXECMEM_LLVM:-0}" = 1 ]; then
	SUFFIX=-llvm
	KMAKE_CC=(CC="ccache clang" LLVM=1)
else
	SUFFIX=
	KMAKE_CC=(CC="ccache gcc")
fi
# benchmark kernels (scripts/execmem/bench.config) get their own objects
[ "${EXECMEM_BENCH_CONFIG:-0}" = 1 ] && SUFFIX=$SUFFIX-bench
# shellcheck disable=SC2206
KMAKE_EXTRA=(${EXECMEM_KMAKE_FLAGS:-})

# ccache's own default place: shared by every clone and build dir on the
# machine (a fresh clone reuses what an earlier run compiled)
export CCACHE_DIR=${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$BUILD}
# Make kernel builds reproducible-ish so ccache hits across trees.
export KBUILD_BUILD_TIMESTAMP=${KBUILD_BUILD_TIMESTAMP:-2025-01-01}
export KBUILD_BUILD_USER=execmem KBUILD_BUILD_HOST=ci

log() { printf '[execmem] %s\n' "$*" >&2; }
die() { printf '[execmem] ERROR: %s\n' "$*" >&2; exit 1; }

# kvariant: stock|execmem|pooloff -> sets SRC, OBJ
# pooloff is the execmem tree built with scripts/execmem/pooloff.config on
# top (CONFIG_EXECMEM_ROX_POOL=n), in objects of its own.
kvariant() {
	case "$1" in
	stock)   SRC=$PRISTINE; OBJ=$PRISTINE/obj$SUFFIX ;;
	execmem) SRC=$EXECSRC;  OBJ=$EXECSRC/obj$SUFFIX ;;
	pooloff) SRC=$EXECSRC;  OBJ=$EXECSRC/obj-pooloff$SUFFIX ;;
	*) die "unknown variant '$1' (stock|execmem|pooloff)" ;;
	esac
}

kmake() {
	make -s -C "$SRC" O="$OBJ" ARCH=x86_64 "${KMAKE_CC[@]}" "${KMAKE_EXTRA[@]}" -j"$JOBS" "$@"
}

ensure_pristine() {
	if [ -f "$PRISTINE/.execmem-pristine" ]; then return 0; fi
	[ -f "$TARBALL" ] || die "$TARBALL missing (apt-get install linux-source-6.12)"
	log "extracting $TARBALL -> $PRISTINE"
	mkdir -p "$BUILD" "$(dirname "$PRISTINE")"
	local tmp=$BUILD/.extract.$$
	rm -rf "$tmp" "$PRISTINE"
	mkdir -p "$tmp"
	tar -xf "$TARBALL" -C "$tmp"
	local top
	top=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d | head -n1)
	[ -f "$top/Makefile" ] || die "unexpected tarball layout in $TARBALL"
	mv "$top" "$PRISTINE"
	rm -rf "$tmp"
	touch "$PRISTINE/.execmem-pristine"
}
