#!/bin/bash
# w1-check.sh gcc|llvm : build the project's C files in the execmem tree
# with W=1 and fail on any compiler warning in them.
#   gcc:  in the execmem object dir, after the normal build
#   llvm: in a separate LLVM=1 object dir, configured like the test kernel;
#         only "prepare" and the project's objects are built
# The file list is every .c of mm/execmem/ (overlay and patches/) and of the
# overlay elsewhere that the test kernel builds.
. "$(dirname "$0")/common.sh"
CC_KIND=${1:?usage: w1-check.sh gcc|llvm}
kvariant execmem
FILES=(mm/execmem/api.o mm/execmem/vmalloc.o mm/execmem/backend.o
       mm/execmem/pool.o mm/execmem/chunks.o
       mm/execmem/pages.o mm/execmem/slab.o mm/execmem/shrinker.o
       mm/execmem/debugfs.o mm/execmem/hibernate.o mm/execmem/execmem_test.o
       kernel/trace/execmem_pool_kunit.o arch/x86/kernel/execmem.o
       kernel/bpf/prog_pack_kunit.o fs/bcachefs/bkey_jit_test.o
       samples/execmem/execmem_jit_sample.o)
case "$CC_KIND" in
gcc)
	CCV=(CC="ccache gcc")
	;;
llvm)
	CCV=(CC="ccache clang" LLVM=1)
	GOBJ=$OBJ
	OBJ=$BUILD/execmem/obj-w1llvm
	mkdir -p "$OBJ"
	if ! cmp -s "$GOBJ/.config" "$OBJ/.config.gcc" 2>/dev/null; then
		cp "$GOBJ/.config" "$OBJ/.config"
		cp "$GOBJ/.config" "$OBJ/.config.gcc"
		make -s -C "$SRC" O="$OBJ" ARCH=x86_64 "${CCV[@]}" olddefconfig >/dev/null
	fi
	make -s -C "$SRC" O="$OBJ" ARCH=x86_64 "${CCV[@]}" -j"$JOBS" prepare >/dev/null 2>&1 ||
		die "LLVM=1 prepare failed"
	;;
*) die "usage: w1-check.sh gcc|llvm" ;;
esac
export PATH=/usr/lib/ccache:$PATH
LOG=$LOGS/w1-$CC_KIND.log
mkdir -p "$LOGS"
# Rebuild just these objects with W=1 (their flags change, so make redoes them).
make -C "$SRC" O="$OBJ" ARCH=x86_64 "${CCV[@]}" W=1 -j"$JOBS" "${FILES[@]}" >"$LOG" 2>&1 ||
	{ cat "$LOG"; die "W=1 $CC_KIND build of the project's files failed"; }
if grep -E 'warning:' "$LOG"; then
	die "W=1 $CC_KIND: warnings in the project's files (see $LOG)"
fi
log "W=1 $CC_KIND: ${#FILES[@]} objects, no warnings"
