#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lib/test_bpf.c tests FROM..TO (execmem.tbf_range=FROM,TO, default
# 809,1048: the tail make check runs at harden 0 only) at bpf_jit_harden
# execmem.tbf_harden (default 2), one insmod per test so the time of each
# is printed. Not part of make check (hours under TCG); boot with
# execmem.mode=test_bpf_tail.
range=809,1048 harden=2
for w in $(cat /proc/cmdline); do
	case "$w" in
	execmem.tbf_range=*) range=${w#execmem.tbf_range=} ;;
	execmem.tbf_harden=*) harden=${w#execmem.tbf_harden=} ;;
	esac
done
echo 1 > /proc/sys/net/core/bpf_jit_enable
echo "$harden" > /proc/sys/net/core/bpf_jit_harden
i=${range%,*} last=${range#*,}
pass=0 fail=0
while [ "$i" -le "$last" ]; do
	t0=$(awk '{ print $1 }' /proc/uptime)
	dmesg -c > /dev/null
	insmod /lib/modules/execmem/test_bpf.ko test_range=$i,$i > /dev/null 2>&1
	rmmod test_bpf 2> /dev/null
	t1=$(awk '{ print $1 }' /proc/uptime)
	s=$(dmesg | grep -m1 'test_bpf: Summary:')
	case "$s" in
	*" 1 PASSED, 0 FAILED"*) pass=$((pass + 1)) ;;
	*) fail=$((fail + 1)); dmesg | grep -m3 "#$i " ;;
	esac
	echo "EXECMEM-TBF test=$i s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }') $s"
	i=$((i + 1))
done
echo "EXECMEM-TBF done harden=$harden range=$range passed=$pass failed=$fail"
