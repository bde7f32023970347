#!/bin/bash
# boot.sh stock|execmem NAME MODE [single|numa2]
# Boots the kernel under qemu/TCG with a fresh initramfs, log in build/logs/NAME.log,
# status in build/logs/NAME.status ("ok", "hang", "qemu-exit N").
. "$(dirname "$0")/common.sh"
VARIANT=${1:?usage: boot.sh VARIANT NAME MODE [single|numa2]}
NAME=${2:?} MODE=${3:?} TOPO=${4:-single}
kvariant "$VARIANT"
KERNEL=$OBJ/arch/x86/boot/bzImage
[ -f "$KERNEL" ] || die "$KERNEL missing (build first)"
mkdir -p "$LOGS"
INITRD=$BUILD/initramfs/$VARIANT-$NAME.cpio.gz
"$SCRIPTS/mkinitramfs.sh" "$VARIANT" "$INITRD"

TIMEOUT=${EXECMEM_BOOT_TIMEOUT:-600}
MEM=${EXECMEM_QEMU_MEM:-2G}
APPEND="console=ttyS0 panic=-1 kunit.enable=1 execmem.mode=$MODE loglevel=7 ${EXECMEM_APPEND:-}"
QEMU=(qemu-system-x86_64 -accel "${EXECMEM_QEMU_ACCEL:-tcg}" -cpu max -m "$MEM" -smp 2 -nographic -no-reboot
      -kernel "$KERNEL" -initrd "$INITRD" -append "$APPEND")
case "$TOPO" in
single) ;;
numa2)	# one socket per node, else the guest WARNs (llc sibling on another
	# node). Node 1 has memory and no CPU, node 2 has CPU 1 and no memory:
	# that CPU's allocations come from another node.
	QEMU[8]=2,sockets=2,cores=1,threads=1
	QEMU+=(-object memory-backend-ram,id=m0,size=1G -object memory-backend-ram,id=m1,size=1G
	       -numa node,nodeid=0,cpus=0,memdev=m0 -numa node,nodeid=1,memdev=m1
	       -numa node,nodeid=2,cpus=1) ;;
*) die "unknown topology $TOPO" ;;
esac
# shellcheck disable=SC2206
QEMU+=(${EXECMEM_QEMU_EXTRA:-})

LOG=$LOGS/$NAME.log
log "boot $NAME: $VARIANT kernel, $TOPO, mode=$MODE, timeout ${TIMEOUT}s -> $LOG"
START=$(date +%s)
set +e
if [ "${EXECMEM_VERBOSE:-0}" = 1 ]; then
	timeout --foreground -k 10 "$TIMEOUT" "${QEMU[@]}" </dev/null 2>&1 | stdbuf -oL tr -d '\r' | tee "$LOG"
	rc=${PIPESTATUS[0]}
else
	timeout -k 10 "$TIMEOUT" "${QEMU[@]}" </dev/null 2>&1 | stdbuf -oL tr -d '\r' > "$LOG"
	rc=${PIPESTATUS[0]}
fi
set -e
case $rc in
0) st=ok ;;
124|137) st=hang ;;
*) st="qemu-exit $rc" ;;
esac
echo "$st" > "$LOGS/$NAME.status"
log "boot $NAME: $st after $(( $(date +%s) - START ))s"
[ "$st" = ok ]
