// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_load: load thousands of BPF programs of mixed sizes with raw bpf()
 * syscalls (eBPF socket filters) and SO_ATTACH_FILTER (classic BPF), run a
 * sample of them, and check the execmem ROX pool around it: no W+X
 * mapping, DirectMap4k unchanged, pool0_bpf_objs counting the live images
 * and back to zero after everything is closed. Also: /proc/kallsyms and
 * the jited dump (BPF_OBJ_GET_INFO_BY_FD) show pool addresses and the code
 * of the live images, and bpf_jit_limit accounting returns every charge.
 * Without the pool (no execmem stats file: CONFIG_EXECMEM_ROX_POOL=n) the
 * checks of the pool are reported as skipped, the others still run.
 *
 * Output: a KTAP subtest indented by four spaces (run.sh prints the
 * parent result line from the exit status).
 *
 * usage: bpf_load [nr_ebpf [nr_cbpf]]
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bpf_util.h"

#define STATS	"/sys/kernel/debug/execmem/stats"
#define PTDUMP	"/sys/kernel/debug/page_tables/kernel"
#define MAX_INSNS	4000
#define JIT_LIMIT	"/proc/sys/net/core/bpf_jit_limit"
#define UNPRIV		"/proc/sys/kernel/unprivileged_bpf_disabled"
#define HARDEN		"/proc/sys/net/core/bpf_jit_harden"
#define KALLSYMS	"/proc/sys/net/core/bpf_jit_kallsyms"

static int ntests, nfailed, pool;

static void result(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	ntests++;
	if (!ok)
		nfailed++;
	printf("    %s %d %s\n", ok ? "ok" : "not ok", ntests, name);
	if (fmt) {
		printf("    # ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
	}
	fflush(stdout);
}

/* without the pool: report test @name as skipped and return 1 */
static int no_pool(const char *name)
{
	if (pool)
		return 0;
	printf("    ok %d %s # SKIP no %s (execmem pool not enabled)\n",
	       ++ntests, name, STATS);
	fflush(stdout);
	return 1;
}

/* -1 if missing */
static long stat_of(const char *key)
{
	char line[256], k[128];
	long v, ret = -1;
	FILE *f = fopen(STATS, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%127s %ld", k, &v) == 2 && !strcmp(k, key)) {
			ret = v;
			break;
		}
	}
	fclose(f);
	return ret;
}

static long directmap4k(void)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "DirectMap4k: %ld", &v) == 1)
			break;
	fclose(f);
	return v;
}

/* Number of W+X lines in the kernel page-table dump, -1 if unreadable. */
static int count_wx(void)
{
	char line[512];
	int n = 0;
	FILE *f = fopen(PTDUMP, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *rw = strstr(line, " RW ");

		if (rw && strstr(rw, " x ")) {
			printf("    # W+X: %s", line);
			n++;
		}
	}
	fclose(f);
	return n;
}

/* Program i's length in instructions: mostly small, some up to MAX_INSNS. */
static unsigned int prog_len(unsigned int i)
{
	unsigned int r = (i * 2654435761u) >> 7;

	switch (i % 10) {
	case 0:
		return 2 + r % (MAX_INSNS - 1);
	case 1: case 2:
		return 2 + r % 1000;
	default:
		return 2 + r % 100;
	}
}

static struct bpf_insn insns[MAX_INSNS + 1];

/* r0 = 0; (len - 2) x r0 += 1; exit: returns len - 2. */
static int load_ebpf(unsigned int len)
{
	return load_counter(insns, len, 0);
}

/*
 * Classic filter on the receiving end of a datagram socket pair:
 * (len - 1) x "A = k", then "ret #keep" (bytes of each datagram kept).
 */
static int attach_cbpf(int sk, unsigned int len, unsigned int keep)
{
	static struct sock_filter f[MAX_INSNS];
	struct sock_fprog prog = { .len = len, .filter = f };
	unsigned int i;

	for (i = 0; i < len - 1; i++)
		f[i] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_IMM, i);
	f[len - 1] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, keep);
	return setsockopt(sk, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
			  sizeof(prog));
}

/*
 * XDP test runs with repeat > 1 go through the XDP dispatcher, whose image
 * is a pool object written with bpf_arch_text_copy() (kept afterwards).
 */
static int run_xdp_dispatcher(unsigned int *retval)
{
	struct bpf_insn x[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = 2 /* XDP_PASS */ },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	unsigned char pkt[64] = { 0 };
	union bpf_attr attr;
	int fd, err;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_XDP;
	attr.insns = (uintptr_t)x;
	attr.insn_cnt = 2;
	attr.license = (uintptr_t)"GPL";
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd < 0)
		return -1;
	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = fd;
	attr.test.data_in = (uintptr_t)pkt;
	attr.test.data_size_in = sizeof(pkt);
	attr.test.repeat = 100;
	err = sys_bpf(BPF_PROG_TEST_RUN, &attr);
	*retval = attr.test.retval;
	close(fd);
	return err;
}

/* first number in a /proc/sys file, -1 if unreadable */
static long read_long(const char *path)
{
	long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static int write_long(const char *path, long v)
{
	FILE *f = fopen(path, "w");
	int err;

	if (!f)
		return -1;
	err = fprintf(f, "%ld\n", v) < 0;
	return fclose(f) || err ? -1 : 0;
}

/* pool0_range from the stats file: [*lo, *hi) */
static int pool_range(unsigned long *lo, unsigned long *hi)
{
	char line[256];
	int ret = -1;
	FILE *f = fopen(STATS, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "pool0_range 0x%lx-0x%lx", lo, hi) == 2) {
			ret = 0;
			break;
		}
	fclose(f);
	return ret;
}

static int prog_info(int fd, struct bpf_prog_info *info, __u64 *ksym,
		     unsigned char *code, __u32 code_len)
{
	union bpf_attr attr;

	memset(info, 0, sizeof(*info));
	info->nr_jited_ksyms = 1;
	info->jited_ksyms = (uintptr_t)ksym;
	info->jited_prog_len = code_len;
	info->jited_prog_insns = (uintptr_t)code;
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = fd;
	attr.info.info_len = sizeof(*info);
	attr.info.info = (uintptr_t)info;
	return sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr);
}

#define NSAMPLE	40

/*
 * Every 50th eBPF program: its jited_ksyms address lies in the pool and
 * /proc/kallsyms names it bpf_prog_<tag> at that address; its jited dump
 * (copied by the kernel from the live image) holds no trap fill, and two
 * programs with the same instructions dump the same code.
 */
static void check_kallsyms_and_dump(const int *efd, unsigned int nr_ebpf)
{
	static unsigned char code[2][65536];
	struct { unsigned long addr; char name[64]; int found; } want[NSAMPLE];
	unsigned int i, n = 0, bad = 0, in_pool = 0, found = 0, cmp = 0;
	unsigned long lo = 0, hi = 0, a;
	struct bpf_prog_info info;
	char line[512], name[256];
	__u64 ksym;
	FILE *f;
	int fd[2], k;

	if (pool && pool_range(&lo, &hi))
		printf("    # no pool0_range in %s\n", STATS);
	for (i = 0; i < nr_ebpf && n < NSAMPLE; i += 50) {
		if (efd[i] < 0 || prog_info(efd[i], &info, &ksym, code[0], sizeof(code[0])))
			continue;
		want[n].addr = ksym;
		want[n].found = 0;
		k = snprintf(want[n].name, sizeof(want[n].name), "bpf_prog_");
		for (a = 0; a < sizeof(info.tag); a++)
			k += snprintf(want[n].name + k, sizeof(want[n].name) - k,
				      "%02x", info.tag[a]);
		if (ksym >= lo && ksym < hi)
			in_pool++;
		else if (!bad++)
			printf("    # prog %u: ksym 0x%llx outside the pool 0x%lx-0x%lx\n",
			       i, (unsigned long long)ksym, lo, hi);
		n++;
	}
	f = fopen("/proc/kallsyms", "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (!strstr(line, " bpf_prog_") ||
		    sscanf(line, "%lx %*s %255s", &a, name) != 2)
			continue;
		for (i = 0; i < n; i++)
			if (!want[i].found && a == want[i].addr &&
			    !strncmp(name, want[i].name, strlen(want[i].name))) {
				want[i].found = 1;
				found++;
			}
	}
	if (f)
		fclose(f);
	if (n && found != n)
		printf("    # %u of %u sampled programs at their jited_ksyms address in /proc/kallsyms (first wanted: %s at 0x%lx)\n",
		       found, n, want[0].name, want[0].addr);
	if (!no_pool("kallsyms_pool"))
		result(n && in_pool == n && found == n, "kallsyms_pool",
		       "%u programs sampled, %u in the pool, %u in /proc/kallsyms",
		       n, in_pool, found);

	/* the same 100-instruction program twice: equal dumps, no INT3 fill */
	bad = 0;
	for (k = 0; k < 2; k++)
		fd[k] = load_ebpf(100);
	for (k = 0; k < 2; k++) {
		memset(code[k], 0xcc, sizeof(code[k]));
		if (fd[k] < 0 || prog_info(fd[k], &info, &ksym, code[k], sizeof(code[k])) ||
		    info.jited_prog_len < 16 || info.jited_prog_len > sizeof(code[k])) {
			bad++;
			continue;
		}
		cmp = info.jited_prog_len;
		for (i = 0; i + 4 <= cmp - 8; i++)
			if (!memcmp(code[k] + i, "\xcc\xcc\xcc\xcc", 4)) {
				if (!bad++)
					printf("    # dump %d: INT3 fill at +%u of %u bytes\n",
					       k, i, cmp);
				break;
			}
	}
	/* all but the last 8 bytes: the return may be a relative jump */
	if (!bad && memcmp(code[0], code[1], cmp - 8)) {
		bad++;
		printf("    # the dumps of two identical programs differ\n");
	}
	result(!bad, "jited_dump", "%u-byte dumps of two identical programs, %u problems",
	       cmp, bad);
	for (k = 0; k < 2; k++)
		if (fd[k] >= 0)
			close(fd[k]);
}

/* Read @len bytes of kernel memory at @addr through /proc/kcore. */
static int kcore_read(unsigned long addr, unsigned char *buf, size_t len)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int fd, n, ret = -1;

	fd = open("/proc/kcore", O_RDONLY);
	if (fd < 0)
		return -1;
	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh))
		goto out;
	for (n = 0; n < eh.e_phnum; n++) {
		if (pread(fd, &ph, sizeof(ph), eh.e_phoff + n * sizeof(ph)) !=
		    sizeof(ph))
			break;
		if (ph.p_type != PT_LOAD || addr < ph.p_vaddr ||
		    addr + len > ph.p_vaddr + ph.p_memsz)
			continue;
		if (pread(fd, buf, len, ph.p_offset + addr - ph.p_vaddr) ==
		    (ssize_t)len)
			ret = 0;
		break;
	}
out:
	close(fd);
	return ret;
}

/*
 * I7: /proc/kcore returns the real bytes of pool text (read through the
 * pool's own read-only mapping, the direct map has no alias of it).
 */
static void check_kcore(void)
{
	static unsigned char code[65536], core[65536];
	struct bpf_prog_info info;
	__u64 ksym = 0;
	unsigned int len = 0;
	int fd = load_ebpf(300), ok = 0;

	if (fd >= 0 && !prog_info(fd, &info, &ksym, code, sizeof(code)) &&
	    info.jited_prog_len && info.jited_prog_len <= sizeof(code)) {
		len = info.jited_prog_len;
		if (kcore_read(ksym, core, len))
			printf("    # /proc/kcore read at 0x%llx failed\n",
			       (unsigned long long)ksym);
		else if (memcmp(core, code, len))
			printf("    # /proc/kcore bytes at 0x%llx differ from the jited dump (first byte %#x, want %#x)\n",
			       (unsigned long long)ksym, core[0], code[0]);
		else
			ok = 1;
	}
	result(ok, "kcore_jited", "%u bytes at 0x%llx through /proc/kcore equal the jited dump",
	       len, (unsigned long long)ksym);
	if (fd >= 0)
		close(fd);
}

/* drop CAP_SYS_ADMIN and CAP_BPF: bpf_jit_limit then applies */
static int drop_bpf_caps(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	unsigned int c;

	if (syscall(__NR_capget, &h, d))
		return -1;
	for (c = 0; c < 2; c++) {
		unsigned int cap = c ? CAP_BPF : CAP_SYS_ADMIN;

		d[cap / 32].effective &= ~(1u << (cap % 32));
		d[cap / 32].permitted &= ~(1u << (cap % 32));
		d[cap / 32].inheritable &= ~(1u << (cap % 32));
	}
	return syscall(__NR_capset, &h, d);
}

/*
 * Without CAP_BPF and CAP_SYS_ADMIN a JIT image is only made while
 * bpf_jit_current stays under bpf_jit_limit; past it the program runs in
 * the interpreter (and takes no pool object). Load 100-instruction
 * programs until one is not jited, close them all, wait for their images
 * to be freed, and do it again: the same number must fit, so every charge
 * was returned. Runs in a child (capabilities are dropped for good).
 */
static int jit_limit_round(int *fds, int max)
{
	long base = stat_of("pool0_bpf_objs");
	int n = 0, i, tries;

	while (n < max) {
		fds[n] = load_ebpf(100);
		if (fds[n] < 0)
			break;
		if (stat_of("pool0_bpf_objs") != base + n + 1) {
			close(fds[n]);
			break;
		}
		n++;
	}
	for (i = 0; i < n; i++)
		close(fds[i]);
	for (tries = 0; tries < 30 && stat_of("pool0_bpf_objs") != base; tries++)
		sleep(1);
	return n;
}

static void check_jit_limit(void)
{
	long limit = read_long(JIT_LIMIT), unpriv = read_long(UNPRIV);
	int status, n1 = -1, n2 = -1, p[2];
	pid_t pid;

	/* the pool's object count tells whether an image was made */
	if (no_pool("jit_limit_accounting"))
		return;
	if (limit < 0 || unpriv < 0 || read_long(HARDEN) != 0) {
		printf("    ok %d jit_limit_accounting # SKIP needs %s, %s and bpf_jit_harden 0\n",
		       ++ntests, JIT_LIMIT, UNPRIV);
		return;
	}
	if (write_long(UNPRIV, 0) || write_long(JIT_LIMIT, 65536)) {
		result(0, "jit_limit_accounting", "cannot set %s=0 and %s=65536: %s",
		       UNPRIV, JIT_LIMIT, strerror(errno));
		goto restore;
	}
	if (pipe(p))
		goto restore;
	pid = fork();
	if (pid == 0) {
		static int fds[4096];
		int r[2] = { -1, -1 };

		close(p[0]);
		if (!drop_bpf_caps()) {
			r[0] = jit_limit_round(fds, 4096);
			r[1] = jit_limit_round(fds, 4096);
		}
		if (write(p[1], r, sizeof(r)) != sizeof(r))
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	if (pid > 0) {
		int r[2];

		if (read(p[0], r, sizeof(r)) == sizeof(r)) {
			n1 = r[0];
			n2 = r[1];
		}
		waitpid(pid, &status, 0);
	}
	close(p[0]);
	/* 100 instructions JIT to well under 1 KiB: dozens fit in 64 KiB */
	result(n1 > 8 && n1 < 4096 && n1 == n2, "jit_limit_accounting",
	       "bpf_jit_limit 65536 without CAP_BPF: %d images, then %d after closing them",
	       n1, n2);
restore:
	write_long(JIT_LIMIT, limit);
	write_long(UNPRIV, unpriv);
}

int main(int argc, char **argv)
{
	unsigned int nr_ebpf = argc > 1 ? atoi(argv[1]) : 2000;
	unsigned int nr_cbpf = argc > 2 ? atoi(argv[2]) : 1000;
	unsigned int i, bad_run = 0, runs = 0, loaded = 0, failed_load = 0;
	long objs0, objs1, objs2, dm0, dm1, dm2, live;
	int *efd, (*sk)[2], wx, tries, err = 0;
	struct rlimit rl = { 1 << 16, 1 << 16 };
	struct timespec t0, t1;
	long kallsyms;

	setvbuf(stdout, NULL, _IOLBF, 0);
	pool = !access(STATS, R_OK);
	printf("    # Subtest: bpf_load\n    1..13\n");
	if (setrlimit(RLIMIT_NOFILE, &rl))
		printf("    # setrlimit: %s\n", strerror(errno));
	efd = calloc(nr_ebpf, sizeof(*efd));
	sk = calloc(nr_cbpf, sizeof(*sk));
	if (!efd || !sk)
		return 1;

	/* images enter kallsyms at load time only if this is on */
	kallsyms = read_long(KALLSYMS);
	if (kallsyms == 0 && write_long(KALLSYMS, 1))
		printf("    # cannot enable %s: %s\n", KALLSYMS, strerror(errno));

	objs0 = stat_of("pool0_bpf_objs");
	dm0 = directmap4k();
	printf("    # before: pool0_bpf_objs %ld DirectMap4k %ld kB\n",
	       objs0, dm0);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < nr_ebpf; i++) {
		efd[i] = load_ebpf(prog_len(i));
		if (efd[i] < 0) {
			if (!failed_load++)
				printf("    # eBPF load %u (%u insns): %s\n", i,
				       prog_len(i), strerror(errno));
			continue;
		}
		loaded++;
	}
	for (i = 0; i < nr_cbpf; i++) {
		unsigned int len = prog_len(i * 7 + 3);

		if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sk[i])) {
			sk[i][0] = sk[i][1] = -1;
			if (!failed_load++)
				printf("    # socketpair %u: %s\n", i,
				       strerror(errno));
			continue;
		}
		if (attach_cbpf(sk[i][1], len > 4096 ? 4096 : len,
				1 + i % 50)) {
			if (!failed_load++)
				printf("    # cBPF attach %u (%u insns): %s\n",
				       i, len, strerror(errno));
			continue;
		}
		loaded++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	result(!failed_load, "load",
	       "%u programs loaded (%u eBPF, %u cBPF requested), %u failed, %.1f s",
	       loaded, nr_ebpf, nr_cbpf, failed_load,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);

	/* Run every 50th eBPF program and every 25th classic filter. */
	for (i = 0; i < nr_ebpf; i += 50) {
		unsigned int ret = 0;

		if (efd[i] < 0)
			continue;
		runs++;
		if (test_run_once(efd[i], &ret) || ret != prog_len(i) - 2) {
			if (!bad_run++)
				printf("    # eBPF %u returned %u, want %u\n",
				       i, ret, prog_len(i) - 2);
		}
	}
	for (i = 0; i < nr_cbpf; i += 25) {
		char buf[100] = { 0 };
		ssize_t n;

		if (sk[i][0] < 0)
			continue;
		runs++;
		n = send(sk[i][0], buf, sizeof(buf), 0);
		if (n == sizeof(buf))
			n = recv(sk[i][1], buf, sizeof(buf), MSG_DONTWAIT);
		if (n != (ssize_t)(1 + i % 50)) {
			if (!bad_run++)
				printf("    # cBPF %u kept %zd bytes, want %u\n",
				       i, n, 1 + i % 50);
		}
	}
	result(runs && !bad_run, "run_sample", "%u programs run, %u wrong",
	       runs, bad_run);

	objs1 = stat_of("pool0_bpf_objs");
	live = stat_of("pool0_bpf_live_bytes");
	dm1 = directmap4k();
	printf("    # loaded: pool0_bpf_objs %ld pool0_bpf_requested_bytes %ld pool0_bpf_live_bytes %ld pool0_bpf_slab_free_bytes %ld\n",
	       objs1, stat_of("pool0_bpf_requested_bytes"), live,
	       stat_of("pool0_bpf_slab_free_bytes"));
	printf("    # loaded: pool0_free_bytes %ld pool0_areas_added %ld DirectMap4k %ld kB\n",
	       stat_of("pool0_free_bytes"), stat_of("pool0_areas_added"), dm1);
	if (!no_pool("objs_loaded"))
		result(objs0 >= 0 && objs1 == objs0 + (long)loaded, "objs_loaded",
		       "pool0_bpf_objs %ld, want %ld + %u", objs1, objs0, loaded);
	wx = count_wx();
	result(wx == 0, "no_wx_loaded", wx ? "%d W+X lines" : NULL, wx);
	/* 6.12 without the pool splits the direct map for BPF images */
	if (!no_pool("directmap4k_loaded"))
		result(dm1 == dm0, "directmap4k_loaded", "DirectMap4k %ld -> %ld kB",
		       dm0, dm1);
	check_kallsyms_and_dump(efd, nr_ebpf);
	check_kcore();

	/* Teardown; programs are freed from RCU callbacks and work items. */
	for (i = 0; i < nr_ebpf; i++)
		if (efd[i] >= 0)
			close(efd[i]);
	for (i = 0; i < nr_cbpf; i++) {
		if (sk[i][0] >= 0) {
			close(sk[i][0]);
			close(sk[i][1]);
		}
	}
	for (tries = 0; pool && tries < 30; tries++) {
		objs2 = stat_of("pool0_bpf_objs");
		if (objs2 == 0)
			break;
		sleep(1);
	}
	sleep(3);	/* let the fill and trim workers run */
	objs2 = stat_of("pool0_bpf_objs");
	dm2 = directmap4k();
	printf("    # closed: pool0_bpf_objs %ld pool0_free_bytes %ld pool0_fills %ld after %d s\n",
	       objs2, stat_of("pool0_free_bytes"), stat_of("pool0_fills"),
	       tries + 3);
	if (!no_pool("objs_closed"))
		result(objs2 == 0, "objs_closed", "pool0_bpf_objs %ld, want 0", objs2);
	wx = count_wx();
	result(wx == 0, "no_wx_closed", wx ? "%d W+X lines" : NULL, wx);
	if (!no_pool("directmap4k_closed"))
		result(dm2 == dm0, "directmap4k_closed", "DirectMap4k %ld -> %ld kB",
		       dm0, dm2);
	check_jit_limit();

	{
		unsigned int ret = 0;
		int e = run_xdp_dispatcher(&ret);

		result(!e && ret == 2, "xdp_dispatcher",
		       "XDP test run: %d (%s), retval %u; pool0_bpf_objs %ld",
		       e, e ? strerror(errno) : "ok", ret,
		       stat_of("pool0_bpf_objs"));
	}

	if (kallsyms == 0)
		write_long(KALLSYMS, 0);
	printf("    # bpf_load: %d tests, %d failed\n", ntests, nfailed);
	err = nfailed ? 1 : 0;
	return err;
}
