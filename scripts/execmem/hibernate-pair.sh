#!/bin/bash
# hibernate-pair.sh VARIANT NAME : the "hibernate" boot pair of make check.
# Boot 1 (log NAME-save): a small guest with a fresh swap disk at /dev/vda
# runs tools/testing/selftests/execmem/hibernate.sh (execmem.mode=hibernate,
# execmem.hib=save), which puts the pool to use and hibernates; the kernel
# writes the image and powers off. Boot 2 (log NAME): the same disk and
# resume=/dev/vda, execmem.hib=resume: the kernel restores the image and
# the script prints its KTAP document there (counted as stage NAME).
# Exit status 0 if boot 1 wrote an image cleanly; else 1 and the reason on
# stdout (everything else goes to stderr).
# Knobs: EXECMEM_HIB_MEM (guest memory, default 512M), EXECMEM_HIB_TIMEOUT
# (seconds per boot, default 300).
. "$(dirname "$0")/common.sh"
VARIANT=${1:?usage: hibernate-pair.sh VARIANT NAME}
NAME=${2:?usage: hibernate-pair.sh VARIANT NAME}
mkdir -p "$LOGS"
DISK=$BUILD/$NAME-swap.img
rm -f "$DISK" "$LOGS/$NAME.log" "$LOGS/$NAME-save.log"
truncate -s 256M "$DISK"
# no KUnit in either boot: the pair is about the hibernation, and the
# image of a small guest is written and read faster
APPEND="${EXECMEM_APPEND:-} kunit.enable=0 resume=/dev/vda no_console_suspend hibernate=nocompress"
export EXECMEM_QEMU_MEM=${EXECMEM_HIB_MEM:-512M}
export EXECMEM_BOOT_TIMEOUT=${EXECMEM_HIB_TIMEOUT:-300}
export EXECMEM_QEMU_EXTRA="${EXECMEM_QEMU_EXTRA:-} -drive file=$DISK,format=raw,if=virtio"
START=$(date +%s)
EXECMEM_APPEND="$APPEND execmem.hib=save" "$SCRIPTS/boot.sh" "$VARIANT" "$NAME-save" hibernate single >&2 || true
SAVE=$LOGS/$NAME-save.log
why=
if [ "$(cat "$LOGS/$NAME-save.status" 2>/dev/null)" != ok ]; then
	why="boot 1: $(cat "$LOGS/$NAME-save.status" 2>/dev/null)"
elif ! grep -q 'PM: Image saving done' "$SAVE"; then
	why="boot 1 wrote no image (no 'PM: Image saving done')"
elif grep -qE 'WARNING:|BUG:|Oops|Kernel panic|Call Trace:|not ok' "$SAVE"; then
	why="boot 1: $(grep -m1 -E 'WARNING:|BUG:|Oops|Kernel panic|Call Trace:|not ok' "$SAVE" | cut -c1-120)"
fi
EXECMEM_APPEND="$APPEND execmem.hib=resume" "$SCRIPTS/boot.sh" "$VARIANT" "$NAME" hibernate single >&2 || true
grep -hE 'PM: .*(Wrote|Read) [0-9]+ kbytes' "$SAVE" "$LOGS/$NAME.log" | sed 's/^\[[ 0-9.]*\] /[execmem] hibernate: /' >&2 || true
log "hibernate pair: $(( $(date +%s) - START ))s"
rm -f "$DISK"
if [ -n "$why" ]; then
	echo "$why"
	exit 1
fi
exit 0
