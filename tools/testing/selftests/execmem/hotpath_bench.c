// SPDX-License-Identifier: GPL-2.0
/*
 * hotpath_bench: user-space side of the hot-path stage of bench.sh, the
 * same on a stock 6.12 and on an execmem kernel. Raw bpf() system calls,
 * no libbpf. Each timing is repeated REPS times; the record gives the
 * nearest-rank median and the largest of the REPS figures:
 *
 *   hotpath_bench testrun NAME INSNS REPEAT REPS
 *	a BPF_PROG_TYPE_SOCKET_FILTER program "r0 = 0; r0 += 1 (INSNS - 2
 *	times); exit", run REPEAT times per BPF_PROG_TEST_RUN; the kernel
 *	reports the mean run time (ns) of the REPEAT runs.
 *   hotpath_bench xdp NAME attach|detached REPEAT REPS
 *	an XDP program "r0 = XDP_PASS; exit" run with BPF_PROG_TEST_RUN:
 *	bpf_prog_run_xdp() calls it through the XDP dispatcher. "attach"
 *	first attaches it to the loopback device (generic XDP, a BPF link),
 *	which puts it into the dispatcher's image (a direct call); detached,
 *	the dispatcher's default path calls it indirectly.
 *   hotpath_bench syscall NAME CALLS REPS
 *	CALLS getpid() system calls, time per call (bench.sh puts a kprobe
 *	on __x64_sys_getpid for some of the runs).
 *   hotpath_bench burst NPROGS SECONDS
 *	loads NPROGS small BPF programs and closes each at once (the frees
 *	go on in the background: RCU, the bpf_prog_free work, and on an
 *	execmem kernel the pool's fill/trim/release work), then samples
 *	/proc/stat every 100 ms for SECONDS. Prints the burst time, the CPU
 *	time of all kernel threads from before the burst to the end of the
 *	sampling, the busy time per second after the burst and the end of the
 *	last 100 ms interval after it with more than 25 ms busy (a quarter
 *	of one CPU; a tick is 10 ms, and one or two of them are the
 *	sampler's own and the timers'), the deltas
 *	of the TLB-flush counters of /proc/vmstat over the same time, and on
 *	an execmem kernel the deltas of the pool counters (debugfs;
 *	fill_window_max_us: its value at the end).
 *
 * Output lines: "EXECMEM-BENCH hot name=NAME n=REPS p50_ns=X max_ns=Y ..."
 * and "EXECMEM-BENCH bg ...", parsed by scripts/execmem/bench-report.py.
 * Times are printed, never judged here.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAX_REPS	64
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define XDP_PASS_CODE	2		/* enum xdp_action */
#define XDP_SKB_MODE	(1U << 1)	/* XDP_FLAGS_SKB_MODE, if_link.h */

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* nearest-rank median and the maximum of v[0..n-1] */
static void print_hot(const char *name, double *v, int n, const char *extra)
{
	if (!n) {
		printf("EXECMEM-BENCH error hot=%s no_figures\n", name);
		return;
	}
	qsort(v, n, sizeof(*v), cmp_dbl);
	printf("EXECMEM-BENCH hot name=%s n=%d p50_ns=%.1f max_ns=%.1f%s%s\n",
	       name, n, v[(n - 1) / 2], v[n - 1], extra ? " " : "",
	       extra ? extra : "");
}

static int load(int type, int insn_cnt, unsigned int ret, unsigned int *jited)
{
	struct bpf_insn *insns = calloc(insn_cnt, sizeof(*insns));
	static char log[4096];
	union bpf_attr attr;
	struct bpf_prog_info info;
	int fd, j;

	if (!insns || insn_cnt < 2)
		return -1;
	insns[0] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K, .imm = ret };
	for (j = 1; j < insn_cnt - 1; j++)	/* r0 += 1 */
		insns[j] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_ADD | BPF_K, .imm = 1 };
	insns[insn_cnt - 1] = (struct bpf_insn){ .code = BPF_JMP | BPF_EXIT };
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = type;
	attr.insns = (unsigned long)insns;
	attr.insn_cnt = insn_cnt;
	attr.license = (unsigned long)"GPL";
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd < 0 && jited) {	/* first failure: say why */
		attr.log_buf = (unsigned long)log;
		attr.log_size = sizeof(log);
		attr.log_level = 1;
		sys_bpf(BPF_PROG_LOAD, &attr);
		fprintf(stderr, "hotpath_bench: load (type %d, %d insns): %s\n%s\n",
			type, insn_cnt, strerror(errno), log);
	}
	free(insns);
	if (fd >= 0 && jited) {
		memset(&info, 0, sizeof(info));
		memset(&attr, 0, sizeof(attr));
		attr.info.bpf_fd = fd;
		attr.info.info_len = sizeof(info);
		attr.info.info = (unsigned long)&info;
		*jited = sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr) ? 0 : info.jited_prog_len;
	}
	return fd;
}

/* REPS test runs of @fd with @repeat each: the kernel's mean ns per run */
static int test_runs(const char *name, int fd, int repeat, int reps,
		     const char *extra)
{
	static unsigned char pkt[64];	/* >= ETH_HLEN; zeroes */
	double v[MAX_REPS];
	union bpf_attr attr;
	int i, n = 0;

	for (i = 0; i < reps && i < MAX_REPS; i++) {
		memset(&attr, 0, sizeof(attr));
		attr.test.prog_fd = fd;
		attr.test.data_in = (unsigned long)pkt;
		attr.test.data_size_in = sizeof(pkt);
		attr.test.repeat = repeat;
		if (sys_bpf(BPF_PROG_TEST_RUN, &attr)) {
			printf("EXECMEM-BENCH error hot=%s test_run=%s\n", name,
			       strerror(errno));
			return 1;
		}
		v[n++] = attr.test.duration;
	}
	print_hot(name, v, n, extra);
	return 0;
}

static int cmd_testrun(const char *name, int insns, int repeat, int reps)
{
	unsigned int jited = 0;
	char extra[64];
	int fd = load(BPF_PROG_TYPE_SOCKET_FILTER, insns, 0, &jited);

	if (fd < 0) {
		printf("EXECMEM-BENCH error hot=%s load=%s\n", name, strerror(errno));
		return 1;
	}
	snprintf(extra, sizeof(extra), "insns=%d jited=%u repeat=%d", insns, jited, repeat);
	return test_runs(name, fd, repeat, reps, extra);
}

static int cmd_xdp(const char *name, int attach, int repeat, int reps)
{
	unsigned int jited = 0;
	union bpf_attr attr;
	char extra[64];
	int fd = load(BPF_PROG_TYPE_XDP, 2, XDP_PASS_CODE, &jited), link = -1, ret;

	if (fd < 0) {
		printf("EXECMEM-BENCH error hot=%s load=%s\n", name, strerror(errno));
		return 1;
	}
	if (attach) {
		memset(&attr, 0, sizeof(attr));
		attr.link_create.prog_fd = fd;
		attr.link_create.target_ifindex = 1;	/* lo */
		attr.link_create.attach_type = BPF_XDP;
		attr.link_create.flags = XDP_SKB_MODE;
		link = sys_bpf(BPF_LINK_CREATE, &attr);
		if (link < 0) {
			printf("EXECMEM-BENCH error hot=%s xdp_attach=%s\n", name,
			       strerror(errno));
			return 1;
		}
	}
	snprintf(extra, sizeof(extra), "attached=%d repeat=%d", attach, repeat);
	ret = test_runs(name, fd, repeat, reps, extra);
	if (link >= 0)
		close(link);
	close(fd);
	return ret;
}

static int cmd_syscall(const char *name, int calls, int reps)
{
	double v[MAX_REPS];
	int i, j, n = 0;

	for (i = 0; i < reps && i < MAX_REPS; i++) {
		unsigned long long t0 = now_ns();

		for (j = 0; j < calls; j++)
			syscall(__NR_getpid);
		v[n++] = (double)(now_ns() - t0) / calls;
	}
	print_hot(name, v, n, NULL);
	return 0;
}

/* --- background cost of a burst of frees ------------------------------------ */

#define MAX_CPUS	64

/* per-CPU busy (all but idle and iowait) in USER_HZ ticks; returns #cpus */
static int cpu_busy(unsigned long long *busy)
{
	FILE *f = fopen("/proc/stat", "r");
	char line[512];
	int n = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f) && n < MAX_CPUS) {
		unsigned long long x[8] = {};
		int c;

		if (strncmp(line, "cpu", 3) || !isdigit((unsigned char)line[3]))
			continue;
		if (sscanf(line, "cpu%d %llu %llu %llu %llu %llu %llu %llu %llu", &c,
			   &x[0], &x[1], &x[2], &x[3], &x[4], &x[5], &x[6], &x[7]) < 9)
			continue;
		busy[n++] = x[0] + x[1] + x[2] + x[5] + x[6] + x[7];
	}
	fclose(f);
	return n;
}

/* CPU time (USER_HZ ticks) of all kernel threads (kthreadd's children) and of the kworkers alone */
static void kthread_ticks(unsigned long long *all, unsigned long long *kw)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	*all = *kw = 0;
	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[300], buf[512], *p;
		unsigned long long ut, st;
		int ppid;
		FILE *f;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (!fgets(buf, sizeof(buf), f)) {
			fclose(f);
			continue;
		}
		fclose(f);
		p = strrchr(buf, ')');	/* comm may hold spaces */
		if (!p)
			continue;
		/*
		 * state ppid pgrp session tty tpgid flags minflt cminflt
		 * majflt cmajflt utime stime
		 */
		if (sscanf(p + 2, "%*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
			   &ppid, &ut, &st) != 3)
			continue;
		if (ppid != 2 && strcmp(e->d_name, "2"))
			continue;
		*all += ut + st;
		if (strstr(buf, "(kworker"))
			*kw += ut + st;
	}
	closedir(d);
}

static const char * const pool_keys[] = {
	"frees", "fills", "fill_bytes", "deferred_fills", "fill_window_max_us",
	"areas_added", "areas_released", "shrinker_releases", "updates",
};

#define NKEYS ARRAY_SIZE(pool_keys)

/* sum of poolN_<key> over the pools (max for fill_window_max_us); 0 without a pool */
static int pool_counters(unsigned long long *v)
{
	FILE *f = fopen("/sys/kernel/debug/execmem/stats", "r");
	char key[128];
	unsigned long long x;
	unsigned int k;

	memset(v, 0, NKEYS * sizeof(*v));
	if (!f)
		return 0;
	while (fscanf(f, "%127s %llu%*[^\n]", key, &x) == 2) {
		char *u = strchr(key, '_');

		if (strncmp(key, "pool", 4) || !u)
			continue;
		for (k = 0; k < NKEYS; k++) {
			if (strcmp(u + 1, pool_keys[k]))
				continue;
			if (!strcmp(pool_keys[k], "fill_window_max_us"))
				v[k] = x > v[k] ? x : v[k];
			else
				v[k] += x;
		}
	}
	fclose(f);
	return 1;
}

static const char * const vm_keys[] = {
	"nr_tlb_remote_flush", "nr_tlb_remote_flush_received",
	"nr_tlb_local_flush_all", "nr_tlb_local_flush_one",
};

static const char * const vm_names[] = { "tlb_rf", "tlb_rfr", "tlb_lfa", "tlb_lfo" };

#define NVM ARRAY_SIZE(vm_keys)

/* the TLB-flush counters of /proc/vmstat (CONFIG_DEBUG_TLBFLUSH), 0 if absent */
static void vmstat_tlb(unsigned long long *v)
{
	FILE *f = fopen("/proc/vmstat", "r");
	char key[128];
	unsigned long long x;
	unsigned int k;

	memset(v, 0, NVM * sizeof(*v));
	if (!f)
		return;
	while (fscanf(f, "%127s %llu", key, &x) == 2)
		for (k = 0; k < NVM; k++)
			if (!strcmp(key, vm_keys[k]))
				v[k] = x;
	fclose(f);
}

static int cmd_burst(int nprogs, int secs)
{
	unsigned long long b0[MAX_CPUS], b1[MAX_CPUS], prev[MAX_CPUS], ka0, kw0, ka1, kw1;
	unsigned long long p0[NKEYS], p1[NKEYS], t0, t_end, per_s[60] = {}, until = 0;
	unsigned long long vm0[NVM], vm1[NVM];
	long tick = sysconf(_SC_CLK_TCK);
	unsigned int seed = 11, jited = 0;
	int i, c, ncpu, failed = 0, pool;
	double tick_ms = 1000.0 / (tick > 0 ? tick : 100);
	char line[1024];
	size_t len;

	if (secs > 60)
		secs = 60;
	pool = pool_counters(p0);
	vmstat_tlb(vm0);
	kthread_ticks(&ka0, &kw0);
	ncpu = cpu_busy(b0);
	t0 = now_ns();
	for (i = 0; i < nprogs; i++) {
		/* 90 % 4..64, 10 % 64..512 instructions */
		unsigned int r, u;
		int fd;

		seed ^= seed << 13; seed ^= seed >> 17; seed ^= seed << 5;
		r = seed % 100;
		seed ^= seed << 13; seed ^= seed >> 17; seed ^= seed << 5;
		u = seed;
		fd = load(BPF_PROG_TYPE_SOCKET_FILTER, r < 90 ? 4 + u % 60 : 64 + u % 448,
			  0, failed ? NULL : &jited);
		if (fd < 0) {
			failed++;
			continue;
		}
		close(fd);
	}
	t_end = now_ns();
	cpu_busy(b1);
	memcpy(prev, b1, sizeof(prev));
	/* sample every 100 ms after the burst */
	for (i = 1; i <= secs * 10; i++) {
		unsigned long long cur[MAX_CPUS], busy = 0;
		struct timespec ts = { 0, 100000000 };

		nanosleep(&ts, NULL);
		cpu_busy(cur);
		for (c = 0; c < ncpu; c++)
			busy += cur[c] - prev[c];
		memcpy(prev, cur, sizeof(prev));
		per_s[(i - 1) / 10] += busy;
		/* busier than a quarter of one CPU: not the sampler or a timer */
		if (busy * tick_ms > 25.0)
			until = i * 100;
	}
	kthread_ticks(&ka1, &kw1);
	vmstat_tlb(vm1);
	pool_counters(p1);
	len = snprintf(line, sizeof(line),
		       "EXECMEM-BENCH bg progs=%d failed=%d burst_ns=%llu secs=%d cpus=%d "
		       "kthread_ms=%.0f kworker_ms=%.0f kthread_ms_per_1k=%.1f busy_until_ms=%llu",
		       nprogs - failed, failed, t_end - t0, secs, ncpu,
		       (ka1 - ka0) * tick_ms, (kw1 - kw0) * tick_ms,
		       nprogs > failed ? (ka1 - ka0) * tick_ms * 1000 / (nprogs - failed) : 0,
		       until);
	for (i = 0; i < secs && len < sizeof(line) - 32; i++)
		len += snprintf(line + len, sizeof(line) - len, " busy_s%d_ms=%.0f",
				i + 1, per_s[i] * tick_ms);
	for (c = 0; c < ncpu && len < sizeof(line) - 32; c++)
		len += snprintf(line + len, sizeof(line) - len, " burst_cpu%d_ms=%.0f",
				c, (b1[c] - b0[c]) * tick_ms);
	for (i = 0; i < (int)NVM && len < sizeof(line) - 32; i++)
		len += snprintf(line + len, sizeof(line) - len, " %s=%llu", vm_names[i],
				vm1[i] - vm0[i]);
	printf("%s\n", line);
	if (pool) {
		len = snprintf(line, sizeof(line), "EXECMEM-BENCH bgpool");
		for (i = 0; i < (int)NKEYS && len < sizeof(line) - 48; i++)
			len += snprintf(line + len, sizeof(line) - len, " %s=%llu", pool_keys[i],
					!strcmp(pool_keys[i], "fill_window_max_us") ? p1[i] :
					p1[i] - p0[i]);
		printf("%s\n", line);
	}
	return failed == nprogs;
}

int main(int argc, char **argv)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };

	setvbuf(stdout, NULL, _IOLBF, 0);
	setrlimit(RLIMIT_MEMLOCK, &rl);
	if (argc == 6 && !strcmp(argv[1], "testrun"))
		return cmd_testrun(argv[2], atoi(argv[3]), atoi(argv[4]), atoi(argv[5]));
	if (argc == 6 && !strcmp(argv[1], "xdp"))
		return cmd_xdp(argv[2], !strcmp(argv[3], "attach"), atoi(argv[4]), atoi(argv[5]));
	if (argc == 5 && !strcmp(argv[1], "syscall"))
		return cmd_syscall(argv[2], atoi(argv[3]), atoi(argv[4]));
	if (argc == 4 && !strcmp(argv[1], "burst"))
		return cmd_burst(atoi(argv[2]), atoi(argv[3]));
	fprintf(stderr, "usage: hotpath_bench testrun NAME INSNS REPEAT REPS\n"
			"       hotpath_bench xdp NAME attach|detached REPEAT REPS\n"
			"       hotpath_bench syscall NAME CALLS REPS\n"
			"       hotpath_bench burst NPROGS SECONDS\n");
	return 2;
}
