#!/bin/bash
# mkinitramfs.sh stock|execmem OUT.cpio.gz : busybox + test modules + selftests.
. "$(dirname "$0")/common.sh"
VARIANT=${1:?usage: mkinitramfs.sh stock|execmem OUT}
OUT=${2:?usage: mkinitramfs.sh stock|execmem OUT}
kvariant "$VARIANT"
BB=${EXECMEM_BUSYBOX:-/bin/busybox}
[ -x "$BB" ] || die "$BB missing (apt-get install busybox-static)"
file -L "$BB" 2>/dev/null | grep -q 'dynamically linked' && die "$BB is not static"

ROOT=$(mktemp -d "$BUILD/.initramfs.XXXXXX")
trap 'rm -rf "$ROOT"' EXIT
mkdir -p "$ROOT"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,root,etc,lib/modules/execmem,selftests}
cp "$BB" "$ROOT/bin/busybox"
# /bin/busybox --install -s at boot; also pre-create sh so /init can run.
ln -s busybox "$ROOT/bin/sh"
if [ "$(id -u)" = 0 ]; then
	mknod -m 600 "$ROOT/dev/console" c 5 1
	mknod -m 666 "$ROOT/dev/null" c 1 3
fi
if [ -d "$OBJ/.execmem-modules" ]; then
	find "$OBJ/.execmem-modules" -name '*.ko' -exec cp {} "$ROOT/lib/modules/execmem/" \;
fi
# selftests dir: prepared (and its helpers built) by build-kernel.sh
SELF=$OBJ/.execmem-selftests
[ -d "$SELF" ] || SELF=$REPO/tools/testing/selftests/execmem
if [ -d "$SELF" ]; then
	rsync -rlp "$SELF/" "$ROOT/selftests/execmem/" \
		"${KBUILD_OUTPUT_EXCLUDES[@]}"
fi
cat > "$ROOT/init" <<'INIT'
#!/bin/sh
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
[ -e /dev/console ] && exec </dev/console >/dev/console 2>&1
echo "EXECMEM-INIT-START $(uname -r) cpus=$(grep -c ^processor /proc/cpuinfo) nodes=$(ls -d /sys/devices/system/node/node* 2>/dev/null | wc -l)"
mode=check
for w in $(cat /proc/cmdline); do
	case "$w" in execmem.mode=*) mode=${w#execmem.mode=} ;; esac
done
case "$mode" in
	check) script=run.sh ;;
	demo) script=demo.sh ;;
	none) script= ;;
	*) script=$mode.sh ;;
esac
if [ -n "$script" ]; then
	if [ -f "/selftests/execmem/$script" ]; then
		(cd /selftests/execmem && sh "./$script")
		echo "EXECMEM-SCRIPT-EXIT $?"
	else
		echo "# SKIP $script missing"
	fi
fi
echo "EXECMEM-INIT-DONE"
sync
poweroff -f
sleep 2
reboot -f
INIT
chmod +x "$ROOT/init"
mkdir -p "$(dirname "$OUT")"
(cd "$ROOT" && find . -print0 | sort -z | cpio --null -o -H newc --owner=0:0 --quiet) | gzip -n -1 > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
