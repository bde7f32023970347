#!/bin/bash
# build-arm64.sh : cross-build an arm64 kernel (Image + modules) from the
# execmem tree (prepare-tree.sh first) with Debian's gcc-aarch64-linux-gnu,
# config tinyconfig + scripts/execmem/arm64.config, in $EXECSRC/obj-arm64.
# Build only: nothing boots it. Log: $LOGS/build-arm64.log (check.sh).
. "$(dirname "$0")/common.sh"
SRC=$EXECSRC
OBJ=$EXECSRC/obj-arm64
CROSS=${EXECMEM_ARM64_CROSS:-aarch64-linux-gnu-}
[ -f "$SRC/Makefile" ] || die "$SRC missing (run prepare-tree.sh)"
command -v "${CROSS}gcc" >/dev/null || die "${CROSS}gcc missing (apt-get install gcc-aarch64-linux-gnu)"
amake() {
	make -s -C "$SRC" O="$OBJ" ARCH=arm64 CROSS_COMPILE="$CROSS" \
		CC="ccache ${CROSS}gcc" "${KMAKE_EXTRA[@]}" -j"$JOBS" "$@"
}
mkdir -p "$OBJ"
START=$(date +%s)

FRAG=$SCRIPTS/arm64.config
SUM=$( { cat "$FRAG"; echo "$CROSS"; } | sha256sum | cut -d' ' -f1)
STAMP=$OBJ/.execmem-config-stamp
if [ ! -f "$OBJ/.config" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$SUM" ]; then
	log "arm64: configuring ($OBJ)"
	rm -f "$STAMP"
	amake tinyconfig >/dev/null
	(cd "$SRC" && ARCH=arm64 CROSS_COMPILE="$CROSS" \
		scripts/kconfig/merge_config.sh -m -O "$OBJ" "$OBJ/.config" "$FRAG") \
		>"$OBJ/.merge_config.log" 2>&1 \
		|| { cat "$OBJ/.merge_config.log"; die "merge_config failed"; }
	amake olddefconfig >/dev/null
	python3 "$SCRIPTS/config-verify.py" "$OBJ/.config" "$FRAG" \
		|| die "arm64: config verification failed (see above)"
	echo "$SUM" > "$STAMP"
fi
log "arm64: building Image and modules (-j$JOBS ${CROSS}gcc ${KMAKE_EXTRA[*]})"
amake Image modules || die "arm64 kernel build failed"
[ -f "$OBJ/arch/arm64/boot/Image" ] || die "no arch/arm64/boot/Image"
log "arm64: execmem=$(grep -c '^CONFIG_EXECMEM=y' "$OBJ/.config")" \
    "rox_pool=$(grep -c '^CONFIG_EXECMEM_ROX_POOL=y' "$OBJ/.config")" \
    "modules=$(find "$OBJ" -name '*.ko' | wc -l)"
log "arm64: done in $(( $(date +%s) - START ))s -> $OBJ/arch/arm64/boot/Image"
