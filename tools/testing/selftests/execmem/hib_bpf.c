// SPDX-License-Identifier: GPL-2.0
/*
 * hib_bpf: keep BPF programs loaded across a hibernation and resume.
 *
 * Loads NR eBPF socket filters (each returns its own number), runs each
 * once with BPF_PROG_TEST_RUN, creates READY and waits until GO exists
 * (the test hibernates and resumes meanwhile), then runs every program
 * again. Exit status 0 if every run returned the right value both times.
 *
 * usage: hib_bpf NR READY GO
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

/* r0 = @ret; a few more instructions so images differ in size; exit */
static int load(unsigned int ret, unsigned int pad)
{
	struct bpf_insn insns[64];
	union bpf_attr attr;
	unsigned int i, n = 0;

	insns[n++] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K,
					.dst_reg = BPF_REG_0, .imm = 0 };
	for (i = 0; i < pad; i++)
		insns[n++] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_ADD | BPF_K,
						.dst_reg = BPF_REG_0, .imm = 0 };
	insns[n++] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_ADD | BPF_K,
					.dst_reg = BPF_REG_0, .imm = ret };
	insns[n++] = (struct bpf_insn){ .code = BPF_JMP | BPF_EXIT };
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (uintptr_t)insns;
	attr.insn_cnt = n;
	attr.license = (uintptr_t)"GPL";
	return sys_bpf(BPF_PROG_LOAD, &attr);
}

static int run(int fd, unsigned int *retval)
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

static unsigned int run_all(const int *fds, unsigned int nr, const char *when)
{
	unsigned int i, bad = 0, r = 0;

	for (i = 0; i < nr; i++) {
		if (run(fds[i], &r) || r != 1000 + i) {
			if (!bad)
				fprintf(stderr, "hib_bpf: %s: program %u: %s, ret %u\n",
					when, i, strerror(errno), r);
			bad++;
		}
	}
	printf("# hib_bpf: %s: %u programs run, %u bad\n", when, nr, bad);
	fflush(stdout);
	return bad;
}

int main(int argc, char **argv)
{
	unsigned int nr, i, bad;
	int *fds, fd;

	if (argc != 4) {
		fprintf(stderr, "usage: hib_bpf NR READY GO\n");
		return 2;
	}
	nr = strtoul(argv[1], NULL, 0);
	fds = calloc(nr, sizeof(*fds));
	if (!fds)
		return 2;
	for (i = 0; i < nr; i++) {
		fds[i] = load(1000 + i, i % 50);
		if (fds[i] < 0) {
			fprintf(stderr, "hib_bpf: load %u: %s\n", i, strerror(errno));
			return 1;
		}
	}
	bad = run_all(fds, nr, "before");
	fd = open(argv[2], O_CREAT | O_WRONLY, 0644);
	if (fd < 0)
		return 2;
	close(fd);
	while (access(argv[3], F_OK))
		usleep(100000);
	bad += run_all(fds, nr, "after");
	return bad ? 1 : 0;
}
