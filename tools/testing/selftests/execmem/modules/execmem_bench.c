// SPDX-License-Identifier: GPL-2.0
/*
 * execmem_bench: stock 6.12 vs execmem, measured from inside the kernel.
 *
 * Builds on both kernels. Two allocation paths for executable memory:
 *
 *   vmalloc  the 6.12 per-object path, as module text, kprobes, ftrace
 *            and BPF's non-pack images use it: execmem_alloc(
 *            EXECMEM_MODULE_DATA, the module range with PAGE_KERNEL and
 *            never pooled; 6.12's module text is the same vmalloc) +
 *            memcpy + set_memory_rox() to publish,
 *            text_poke_copy() to update, execmem_free() (a vfree of a
 *            VM_FLUSH_RESET_PERMS area) to free. Available on both kernels.
 *   pool     the ROX pool (execmem kernel only, #ifdef
 *            CONFIG_EXECMEM_ROX_POOL): execmem_alloc(EXECMEM_JIT) +
 *            execmem_update() to publish, execmem_update() to update,
 *            execmem_free() to free.
 *
 * execmem_alloc/execmem_free, set_memory_rox and text_poke_copy are not
 * exported to modules, so they are resolved through kallsyms (found with a
 * kprobe, which both kernels' configurations have).
 *
 * The tests run when a command is written to the write-only parameter
 * "run" (so that the guest script can take snapshots of /proc/meminfo and
 * the page tables between loading the module and running a test):
 *
 *   gen      generate gen_funcs small x86-64 functions with the size mix
 *            of execmem_demo, call each, rewrite every tenth, keep them
 *   genfree  free them
 *   lat      latency of alloc (+publish), update and free per size class
 *            16 B .. 2 MiB, lat_iters objects per class, every path
 *   tput     alloc/free throughput of one CPU, then of every online CPU
 *            at once, every path
 *   mem      mem_objs objects from a BPF/trampoline size mix (below),
 *            kept live; prints requested bytes, footprint and the stock
 *            estimates
 *   memfree  free them
 *
 * Results are printk lines "EXECMEM-BENCH <record> key=value ...", read
 * by scripts/execmem/bench-report.py. Times are ns of ktime_get_ns().
 */

#define pr_fmt(fmt) "EXECMEM-BENCH " fmt

#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/execmem.h>
#include <linux/kprobes.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/sort.h>
#include <linux/unaligned.h>

static unsigned int gen_funcs = 2000;
module_param(gen_funcs, uint, 0644);
MODULE_PARM_DESC(gen_funcs, "functions the gen test generates");
static unsigned int lat_iters = 32;
module_param(lat_iters, uint, 0644);
MODULE_PARM_DESC(lat_iters, "objects per size class and path in the lat test");
static unsigned int tput_pairs = 2000;
module_param(tput_pairs, uint, 0644);
MODULE_PARM_DESC(tput_pairs, "alloc+free pairs per CPU in the tput test");
static unsigned int mem_objs = 10000;
module_param(mem_objs, uint, 0644);
MODULE_PARM_DESC(mem_objs, "objects in the mem test");

enum { PATH_VMALLOC, PATH_POOL, NR_PATHS };
static const char *const path_name[NR_PATHS] = { "vmalloc", "pool" };

static void *(*p_execmem_alloc)(enum execmem_type type, size_t size);
static void (*p_execmem_free)(void *ptr);
static int (*p_set_memory_rox)(unsigned long addr, int numpages);
static struct vm_struct *(*p_find_vm_area)(const void *addr);
static void *(*p_text_poke_copy)(void *addr, const void *opcode, size_t len);

static DEFINE_MUTEX(bench_lock);
static u8 *srcbuf;			/* 2 MiB of INT3 */
#define SRC_SIZE	SZ_2M

/* === symbols === */

static unsigned long bench_lookup(const char *name)
{
	static unsigned long (*kln)(const char *name);

	if (!kln) {
		struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };

		if (register_kprobe(&kp) < 0)
			return 0;
		kln = (void *)kp.addr;
		unregister_kprobe(&kp);
	}
	return kln ? kln(name) : 0;
}

static int bench_resolve(void)
{
	if (p_text_poke_copy)
		return 0;
	p_execmem_alloc = (void *)bench_lookup("execmem_alloc");
	p_execmem_free = (void *)bench_lookup("execmem_free");
	p_set_memory_rox = (void *)bench_lookup("set_memory_rox");
	p_find_vm_area = (void *)bench_lookup("find_vm_area");
	p_text_poke_copy = (void *)bench_lookup("text_poke_copy");
	if (!p_execmem_alloc || !p_execmem_free || !p_set_memory_rox ||
	    !p_find_vm_area || !p_text_poke_copy) {
		pr_err("error symbols not found (kallsyms)\n");
		p_text_poke_copy = NULL;
		return -ENOENT;
	}
	return 0;
}

/* === the two paths === */

static bool path_ok(int path)
{
	if (path == PATH_VMALLOC)
		return true;
#ifdef CONFIG_EXECMEM_ROX_POOL
	return execmem_is_rox(EXECMEM_JIT);
#else
	return false;
#endif
}

static int default_path(void)
{
	return path_ok(PATH_POOL) ? PATH_POOL : PATH_VMALLOC;
}

/* Allocate executable memory holding @len bytes of @src, ready to run. */
static void *obj_alloc(int path, const void *src, size_t len)
{
	void *p;

	if (path == PATH_VMALLOC) {
		struct vm_struct *vm;

		p = p_execmem_alloc(EXECMEM_MODULE_DATA, len);
		if (!p)
			return NULL;
		/* As the module loader does before it changes permissions. */
		vm = p_find_vm_area(p);
		if (vm)
			vm->flags |= VM_FLUSH_RESET_PERMS;
		memcpy(p, src, len);
		if (p_set_memory_rox((unsigned long)p,
				     PAGE_ALIGN(len) >> PAGE_SHIFT)) {
			p_execmem_free(p);
			return NULL;
		}
		return p;
	}
#ifdef CONFIG_EXECMEM_ROX_POOL
	p = p_execmem_alloc(EXECMEM_JIT, len);
	if (!p)
		return NULL;
	if (execmem_update(p, src, len)) {
		p_execmem_free(p);
		return NULL;
	}
	return p;
#else
	return NULL;
#endif
}

static int obj_update(int path, void *dst, const void *src, size_t len)
{
	if (path == PATH_VMALLOC) {
		p_text_poke_copy(dst, src, len);
		return 0;
	}
#ifdef CONFIG_EXECMEM_ROX_POOL
	return execmem_update(dst, src, len);
#else
	return -EOPNOTSUPP;
#endif
}

static void obj_free(int path, void *p)
{
	p_execmem_free(p);
}

/* Deterministic PRNG: the same sequence on both kernels. */
static u32 xs32(u32 *s)
{
	u32 x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* === gen: the execmem_demo code generator, on either path === */

static void **gen_objs;
static unsigned int gen_nr;
static int gen_path;

static size_t gen_code(u8 *buf, u32 imm, size_t pad)
{
	static const u8 endbr[] = { 0xf3, 0x0f, 0x1e, 0xfa };
	size_t n = 0;

	memcpy(buf, endbr, sizeof(endbr));
	n += sizeof(endbr);
	buf[n++] = 0xb8;			/* mov $imm32, %eax */
	memcpy(buf + n, &imm, sizeof(imm));
	n += sizeof(imm);
	memset(buf + n, 0x90, pad);
	n += pad;
	buf[n++] = 0xc3;			/* ret */
	return n;
}

/* execmem_demo's mix: mostly small, some around a page, a few of 3 pages */
static size_t gen_pad(unsigned int i)
{
	if (i % 50 == 49)
		return 3 * PAGE_SIZE + i;
	if (i % 10 == 9)
		return PAGE_SIZE - 32 + i % 97;
	return (i * 37) % 500;
}

static void gen_free(void)
{
	unsigned int i;

	for (i = 0; i < gen_nr; i++)
		obj_free(gen_path, gen_objs[i]);
	kvfree(gen_objs);
	gen_objs = NULL;
	gen_nr = 0;
}

static int test_gen(void)
{
	size_t len, total = 0;
	unsigned int i, bad = 0;
	u8 *buf, imm[4];
	u64 t0;

	if (gen_objs)
		return -EBUSY;
#ifndef CONFIG_X86_64
	return -EOPNOTSUPP;
#endif
	buf = vmalloc(4 * PAGE_SIZE + 64);
	gen_objs = kvcalloc(gen_funcs, sizeof(void *), GFP_KERNEL);
	if (!buf || !gen_objs) {
		vfree(buf);
		kvfree(gen_objs);
		gen_objs = NULL;
		return -ENOMEM;
	}
	gen_path = default_path();
	t0 = ktime_get_ns();
	for (i = 0; i < gen_funcs; i++) {
		int (*fn)(void);

		len = gen_code(buf, i, gen_pad(i));
		gen_objs[i] = obj_alloc(gen_path, buf, len);
		if (!gen_objs[i]) {
			bad++;
			break;
		}
		gen_nr++;
		total += len;
		fn = gen_objs[i];
		if (fn() != i)
			bad++;
		if (i % 10)
			continue;
		put_unaligned(i + 1000000, (u32 *)imm);
		if (obj_update(gen_path, gen_objs[i] + 5, imm, sizeof(imm)) ||
		    fn() != i + 1000000)
			bad++;
	}
	vfree(buf);
	pr_info("gen path=%s funcs=%u bytes=%zu bad=%u ns=%llu\n",
		path_name[gen_path], gen_nr, total, bad, ktime_get_ns() - t0);
	return bad ? -EINVAL : 0;
}

/* === lat: latency per size class === */

static const size_t lat_sizes[] = {
	16, 64, 256, SZ_1K, SZ_4K, SZ_16K, SZ_64K, SZ_256K, SZ_1M, SZ_2M,
};

static void lat_print(int path, const char *op, size_t size, u64 *t,
		      unsigned int n)
{
	unsigned int p99;

	if (!n)
		return;
	sort(t, n, sizeof(*t), cmp_u64, NULL);
	p99 = DIV_ROUND_UP(n * 99, 100) - 1;
	pr_info("lat path=%s op=%s size=%zu n=%u med_ns=%llu p99_ns=%llu min_ns=%llu\n",
		path_name[path], op, size, n, t[n / 2], t[p99], t[0]);
}

static int test_lat(void)
{
	unsigned int n = max(lat_iters, 2U), i, got;
	void **objs;
	u64 *ta, *tu, *tf, t0;
	int path, c, ret = 0;

	objs = kvcalloc(n, sizeof(*objs), GFP_KERNEL);
	ta = kvcalloc(n, sizeof(u64), GFP_KERNEL);
	tu = kvcalloc(n, sizeof(u64), GFP_KERNEL);
	tf = kvcalloc(n, sizeof(u64), GFP_KERNEL);
	if (!objs || !ta || !tu || !tf) {
		ret = -ENOMEM;
		goto out;
	}
	for (c = 0; c < ARRAY_SIZE(lat_sizes); c++) {
		size_t size = lat_sizes[c];

		for (path = 0; path < NR_PATHS; path++) {
			if (!path_ok(path))
				continue;
			for (got = 0; got < n; got++) {
				t0 = ktime_get_ns();
				objs[got] = obj_alloc(path, srcbuf, size);
				ta[got] = ktime_get_ns() - t0;
				if (!objs[got])
					break;
			}
			for (i = 0; i < got; i++) {
				t0 = ktime_get_ns();
				obj_update(path, objs[i], srcbuf, size);
				tu[i] = ktime_get_ns() - t0;
			}
			for (i = 0; i < got; i++) {
				t0 = ktime_get_ns();
				obj_free(path, objs[i]);
				tf[i] = ktime_get_ns() - t0;
			}
			if (got < n) {
				pr_info("error lat path=%s size=%zu: alloc %u failed\n",
					path_name[path], size, got);
				ret = -ENOMEM;
			}
			lat_print(path, "alloc", size, ta, got);
			lat_print(path, "update", size, tu, got);
			lat_print(path, "free", size, tf, got);
			cond_resched();
		}
	}
out:
	kvfree(objs);
	kvfree(ta);
	kvfree(tu);
	kvfree(tf);
	return ret;
}

/* === tput: alloc/free throughput, one CPU vs all CPUs at once === */

#define TPUT_WINDOW	16

struct tput_arg {
	int path;
	unsigned int cpu;
	unsigned int pairs, failed;
	u64 ns;
	struct completion *go;
	struct completion done;
};

static int tput_fn(void *data)
{
	struct tput_arg *a = data;
	void *win[TPUT_WINDOW] = { };
	u32 seed = 0x9e3779b9 ^ a->cpu;
	unsigned int i;
	u64 t0;

	wait_for_completion(a->go);
	t0 = ktime_get_ns();
	for (i = 0; i < a->pairs; i++) {
		unsigned int slot = i % TPUT_WINDOW;
		size_t size = 64U << (xs32(&seed) % 6);	/* 64 B .. 2 KiB */

		if (win[slot])
			obj_free(a->path, win[slot]);
		win[slot] = obj_alloc(a->path, srcbuf, size);
		if (!win[slot])
			a->failed++;
	}
	for (i = 0; i < TPUT_WINDOW; i++)
		if (win[i])
			obj_free(a->path, win[i]);
	a->ns = ktime_get_ns() - t0;
	kthread_complete_and_exit(&a->done, 0);
}

static int tput_run(int path, unsigned int nthreads)
{
	DECLARE_COMPLETION_ONSTACK(go);
	struct tput_arg *args;
	unsigned int i, cpu, started = 0, failed = 0;
	u64 wall = 0;

	args = kcalloc(nthreads, sizeof(*args), GFP_KERNEL);
	if (!args)
		return -ENOMEM;
	i = 0;
	for_each_online_cpu(cpu) {
		struct task_struct *t;

		if (i == nthreads)
			break;
		args[i].path = path;
		args[i].cpu = cpu;
		args[i].pairs = tput_pairs;
		args[i].go = &go;
		init_completion(&args[i].done);
		t = kthread_create(tput_fn, &args[i], "execmem_bench/%u", cpu);
		if (IS_ERR(t))
			break;
		kthread_bind(t, cpu);
		wake_up_process(t);
		i++;
		started++;
	}
	complete_all(&go);
	for (i = 0; i < started; i++) {
		wait_for_completion(&args[i].done);
		wall = max(wall, args[i].ns);
		failed += args[i].failed;
	}
	pr_info("tput path=%s threads=%u pairs=%u ns=%llu failed=%u\n",
		path_name[path], started, started * tput_pairs, wall, failed);
	kfree(args);
	return failed ? -ENOMEM : 0;
}

static int test_tput(void)
{
	int path, ret = 0;

	for (path = 0; path < NR_PATHS; path++) {
		if (!path_ok(path))
			continue;
		ret |= tput_run(path, 1);
		ret |= tput_run(path, num_online_cpus());
	}
	return ret;
}

/* === mem: footprint of a realistic mix of BPF programs and trampolines === */

/*
 * Size mix (bytes of x86-64 code per object), drawn with a fixed seed so
 * both kernels allocate the same sizes:
 *
 *   30 %   32 ..  256  kprobe/optprobe slots, ftrace and BPF trampolines
 *                      with one program, BPF dispatchers' stubs
 *   35 %  256 .. 1 Ki  socket filters and seccomp filters as cBPF->eBPF
 *                      (lib/test_bpf.c's JIT images and tcpdump-style
 *                      filters are a few hundred bytes)
 *   25 %  1 Ki .. 4 Ki tracing programs, trampolines with several progs
 *    8 %  4 Ki .. 32 Ki larger tracing/XDP programs
 *    2 %  32 Ki .. 256 Ki large datapath programs (e.g. Cilium's)
 *
 * This is an assumed mix, not a trace of a real system; its shape (most
 * objects well below a page, a long tail of large ones) follows the JIT
 * image sizes of lib/test_bpf.c and of socket/seccomp filters.
 */
static size_t mem_size(u32 *seed)
{
	u32 r = xs32(seed) % 100, u = xs32(seed);

	if (r < 30)
		return 32 + u % (256 - 32);
	if (r < 65)
		return 256 + u % (SZ_1K - 256);
	if (r < 90)
		return SZ_1K + u % (SZ_4K - SZ_1K);
	if (r < 98)
		return SZ_4K + u % (SZ_32K - SZ_4K);
	return SZ_32K + u % (SZ_256K - SZ_32K);
}

static void **mem_objs_live;
static unsigned int mem_nr;
static int mem_path;

static void mem_free(void)
{
	unsigned int i;
	u64 t0 = ktime_get_ns();

	for (i = 0; i < mem_nr; i++)
		obj_free(mem_path, mem_objs_live[i]);
	if (mem_nr)
		pr_info("memfree path=%s objs=%u ns=%llu\n", path_name[mem_path],
			mem_nr, ktime_get_ns() - t0);
	kvfree(mem_objs_live);
	mem_objs_live = NULL;
	mem_nr = 0;
}

static int test_mem(void)
{
	unsigned long requested = 0, rounded = 0, packed = 0, pack_big = 0;
	unsigned long footprint, chunks = 0;
	unsigned long *idx;
	u32 seed = 1;
	unsigned int i;
	u64 t0;

	if (mem_objs_live)
		return -EBUSY;
	mem_objs_live = kvcalloc(mem_objs, sizeof(void *), GFP_KERNEL);
	idx = kvcalloc(mem_objs, sizeof(*idx), GFP_KERNEL);
	if (!mem_objs_live || !idx) {
		kvfree(idx);
		kvfree(mem_objs_live);
		mem_objs_live = NULL;
		return -ENOMEM;
	}
	mem_path = default_path();
	t0 = ktime_get_ns();
	for (i = 0; i < mem_objs; i++) {
		size_t size = mem_size(&seed);

		mem_objs_live[i] = obj_alloc(mem_path, srcbuf, size);
		if (!mem_objs_live[i])
			break;
		mem_nr++;
		requested += size;
		rounded += PAGE_ALIGN(size);
		/* 6.12 bpf_prog_pack: 64 B chunks in 2 MiB packs, big ones alone */
		if (size <= SZ_1M)
			packed += round_up(size, 64);
		else
			pack_big += PAGE_ALIGN(size);
		idx[i] = (unsigned long)mem_objs_live[i] >> PMD_SHIFT;
	}
	t0 = ktime_get_ns() - t0;
	if (mem_path == PATH_POOL) {
		/* distinct 2 MiB chunks holding the objects */
		sort(idx, mem_nr, sizeof(*idx), cmp_u64, NULL);
		for (i = 0; i < mem_nr; i++)
			if (!i || idx[i] != idx[i - 1])
				chunks++;
		footprint = chunks * PMD_SIZE;
	} else {
		footprint = rounded;
	}
	kvfree(idx);
	pr_info("mem path=%s objs=%u requested=%lu footprint=%lu chunks=%lu page_rounded=%lu pack_approx=%lu ns=%llu\n",
		path_name[mem_path], mem_nr, requested, footprint, chunks,
		rounded, DIV_ROUND_UP(packed, SZ_2M) * SZ_2M + pack_big, t0);
	return mem_nr == mem_objs ? 0 : -ENOMEM;
}

/* === the "run" parameter === */

static int run_set(const char *val, const struct kernel_param *kp)
{
	char cmd[16];
	int ret;

	strscpy(cmd, val, sizeof(cmd));
	strim(cmd);
	ret = bench_resolve();
	if (ret)
		return ret;
	mutex_lock(&bench_lock);
	if (!srcbuf) {
		srcbuf = vmalloc(SRC_SIZE);
		if (!srcbuf) {
			ret = -ENOMEM;
			goto out;
		}
		memset(srcbuf, 0xcc, SRC_SIZE);
	}
	if (!strcmp(cmd, "gen"))
		ret = test_gen();
	else if (!strcmp(cmd, "genfree"))
		gen_free();
	else if (!strcmp(cmd, "lat"))
		ret = test_lat();
	else if (!strcmp(cmd, "tput"))
		ret = test_tput();
	else if (!strcmp(cmd, "mem"))
		ret = test_mem();
	else if (!strcmp(cmd, "memfree"))
		mem_free();
	else
		ret = -EINVAL;
	pr_info("done cmd=%s ret=%d\n", cmd, ret);
out:
	mutex_unlock(&bench_lock);
	return ret;
}

static const struct kernel_param_ops run_ops = {
	.set = run_set,
};
module_param_cb(run, &run_ops, NULL, 0200);
MODULE_PARM_DESC(run, "gen|genfree|lat|tput|mem|memfree");

static int __init execmem_bench_init(void)
{
	int ret = bench_resolve();

	if (ret)
		return ret;
	pr_info("init pool=%d\n", path_ok(PATH_POOL));
	return 0;
}

static void __exit execmem_bench_exit(void)
{
	if (gen_objs)
		gen_free();
	if (mem_objs_live)
		mem_free();
	vfree(srcbuf);
}

module_init(execmem_bench_init);
module_exit(execmem_bench_exit);
MODULE_DESCRIPTION("execmem vs 6.12 executable memory benchmark");
MODULE_LICENSE("GPL");
