/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw bpf() helpers shared by the in-guest test programs (static
 * binaries for a busybox initramfs, no libbpf).
 */
#ifndef EXECMEM_SELFTESTS_BPF_UTIL_H
#define EXECMEM_SELFTESTS_BPF_UTIL_H

#include <linux/bpf.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static inline long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

/*
 * Load the socket filter "r0 = @base; (@len - 2) x r0 += 1; exit", which
 * returns @base + @len - 2, built in @insns (room for @len, at least 2).
 * Return: its fd, or -1 with errno set.
 */
static inline int load_counter(struct bpf_insn *insns, unsigned int len,
			       int base)
{
	union bpf_attr attr;
	unsigned int i;

	insns[0] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K,
				      .dst_reg = BPF_REG_0, .imm = base };
	for (i = 1; i < len - 1; i++)
		insns[i] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_ADD | BPF_K,
					      .dst_reg = BPF_REG_0, .imm = 1 };
	insns[len - 1] = (struct bpf_insn){ .code = BPF_JMP | BPF_EXIT };

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (uintptr_t)insns;
	attr.insn_cnt = len;
	attr.license = (uintptr_t)"GPL";
	return sys_bpf(BPF_PROG_LOAD, &attr);
}

/* One BPF_PROG_TEST_RUN of @fd on a zeroed 64-byte packet. */
static inline int test_run_once(int fd, unsigned int *retval)
{
	unsigned char pkt[64] = { 0 };
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = fd;
	attr.test.data_in = (uintptr_t)pkt;
	attr.test.data_size_in = sizeof(pkt);
	attr.test.repeat = 1;
	if (sys_bpf(BPF_PROG_TEST_RUN, &attr))
		return -1;
	*retval = attr.test.retval;
	return 0;
}

#endif
