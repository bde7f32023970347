#!/bin/bash
# Install (as root) or check the host tools the pipeline needs. Idempotent.
. "$(dirname "$0")/common.sh"

PKGS=(linux-source-6.12 qemu-system-x86 ccache busybox-static flex bison bc
      libelf-dev libssl-dev cpio xz-utils gzip clang lld llvm libclang-rt-14-dev
      kmod python3 make gcc libc6-dev rsync git gnuplot-nox patch
      gcc-aarch64-linux-gnu)

missing=()
for p in "${PKGS[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && { log "deps: all present"; exit 0; }

if [ "$(id -u)" != 0 ]; then
	die "missing packages (run as root or: apt-get install ${missing[*]})"
fi
log "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
