// SPDX-License-Identifier: GPL-2.0
/*
 * bench_bpf_load: load N BPF programs of mixed sizes with raw bpf() syscalls and
 * keep them open until SIGTERM (benchmark stage of bench.sh).
 *
 *   bench_bpf_load N
 *
 * Programs are BPF_PROG_TYPE_KPROBE (the test kernels have no CONFIG_NET,
 * so no socket filters): "r0 = 0; r0 += 1 (k times); exit", JITed by the
 * kernel. k follows a fixed mix: 70 % 4..64, 20 % 64..512, 8 % 512..2048,
 * 2 % 2048..4000 instructions. Prints
 *   EXECMEM-BENCH bpf progs=N failed=F jited_bytes=B ns=T
 *   EXECMEM-BENCH op name=bpf_load n=N p50_ns=X p99_ns=Y
 * (the latency of each BPF_PROG_LOAD call), then "READY" and waits; on
 * SIGTERM closes every program, prints the same "op" line for the close(2)
 * calls (name=bpf_close) and "CLOSED", and exits.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static unsigned int xs32(unsigned int *s)
{
	unsigned int x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int cmp_ull(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a;
	unsigned long long y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

/* nearest-rank median and 99th percentile of the n latencies in ns[] */
static void print_op(const char *name, unsigned long long *ns, int n)
{
	if (!n)
		return;
	qsort(ns, n, sizeof(*ns), cmp_ull);
	printf("EXECMEM-BENCH op name=%s n=%d p50_ns=%llu p99_ns=%llu\n",
	       name, n, ns[(n - 1) * 50 / 100], ns[(n - 1) * 99 / 100]);
}

static volatile sig_atomic_t stop;
static void on_term(int sig) { (void)sig; stop = 1; }

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000, i, failed = 0, nlat = 0, *fds;
	unsigned int seed = 7;
	unsigned long long jited = 0, t0, t1, *lat;
	struct bpf_insn *insns = calloc(4100, sizeof(*insns));
	struct rlimit rl = { n + 64, n + 64 };
	static char log[4096];

	setrlimit(RLIMIT_NOFILE, &rl);
	fds = calloc(n, sizeof(int));
	lat = calloc(n, sizeof(*lat));
	if (!insns || !fds || !lat)
		return 1;
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		unsigned int r = xs32(&seed) % 100, u = xs32(&seed), k, j;
		union bpf_attr attr;
		struct bpf_prog_info info;

		if (r < 70)
			k = 4 + u % 60;
		else if (r < 90)
			k = 64 + u % 448;
		else if (r < 98)
			k = 512 + u % 1536;
		else
			k = 2048 + u % 1952;
		/* r0 = 0 */
		insns[0] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0 };
		for (j = 1; j <= k; j++)	/* r0 += 1 */
			insns[j] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = 0, .imm = 1 };
		insns[k + 1] = (struct bpf_insn){ .code = BPF_JMP | BPF_EXIT };
		memset(&attr, 0, sizeof(attr));
		attr.prog_type = BPF_PROG_TYPE_KPROBE;
		attr.insns = (unsigned long)insns;
		attr.insn_cnt = k + 2;
		attr.license = (unsigned long)"GPL";
		t1 = now_ns();
		fds[i] = sys_bpf(BPF_PROG_LOAD, &attr);
		t1 = now_ns() - t1;
		if (fds[i] < 0) {
			if (!failed) {
				attr.log_buf = (unsigned long)log;
				attr.log_size = sizeof(log);
				attr.log_level = 1;
				sys_bpf(BPF_PROG_LOAD, &attr);
				fprintf(stderr, "bpf_load: prog %d (%u insns): %s\n%s\n",
					i, k + 2, strerror(errno), log);
			}
			failed++;
			continue;
		}
		lat[nlat++] = t1;
		memset(&info, 0, sizeof(info));
		memset(&attr, 0, sizeof(attr));
		attr.info.bpf_fd = fds[i];
		attr.info.info_len = sizeof(info);
		attr.info.info = (unsigned long)&info;
		if (!sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr))
			jited += info.jited_prog_len;
	}
	printf("EXECMEM-BENCH bpf progs=%d failed=%d jited_bytes=%llu ns=%llu\n",
	       n - failed, failed, jited, now_ns() - t0);
	print_op("bpf_load", lat, nlat);
	printf("READY\n");
	fflush(stdout);
	while (!stop)
		pause();
	for (i = 0, nlat = 0; i < n; i++) {
		if (fds[i] < 0)
			continue;
		t1 = now_ns();
		close(fds[i]);
		lat[nlat++] = now_ns() - t1;
	}
	print_op("bpf_close", lat, nlat);
	printf("CLOSED\n");
	fflush(stdout);
	return 0;
}
