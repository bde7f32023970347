// SPDX-License-Identifier: GPL-2.0
/*
 * execmem_demo: drive the ROX pool through the jit_*() interface.
 *
 * On load, generates @nr_funcs tiny x86-64 functions of mixed sizes with
 * jit_alloc(), calls each one and checks its result, rewrites every tenth
 * with jit_update() and checks again. They stay live until the module is
 * unloaded, so the pool's debugfs figures can be read in between.
 *
 * Writing N to /sys/module/execmem_demo/parameters/churn generates,
 * checks and frees N more functions, 256 live at a time, so that a test
 * can watch the direct map across pool activity alone.
 *
 * Writing anything to /sys/module/execmem_demo/parameters/run calls the
 * functions generated on load again and fails the write if one returns a
 * wrong value (for example after a hibernation and resume).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/execmem.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/unaligned.h>
#include <linux/vmalloc.h>

static unsigned int nr_funcs = 1000;
module_param(nr_funcs, uint, 0444);
MODULE_PARM_DESC(nr_funcs, "functions to generate");

static void **funcs;
static unsigned int churn_bad;

#ifdef CONFIG_X86_64
/*
 * endbr64; mov $imm32, %eax; then @pad bytes of nops; ret. The padding
 * gives the mix of object sizes of real generators (16 B .. 3 pages).
 */
static size_t gen(u8 *buf, u32 imm, size_t pad)
{
	static const u8 endbr[] = { 0xf3, 0x0f, 0x1e, 0xfa };
	size_t n = 0;

	memcpy(buf, endbr, sizeof(endbr));
	n += sizeof(endbr);
	buf[n++] = 0xb8;
	memcpy(buf + n, &imm, sizeof(imm));
	n += sizeof(imm);
	memset(buf + n, 0x90, pad);
	n += pad;
	buf[n++] = 0xc3;
	return n;
}

static size_t pad_for(unsigned int i)
{
	/* Mostly small, some around a page, a few of several pages. */
	if (i % 50 == 49)
		return 3 * PAGE_SIZE + i;
	if (i % 10 == 9)
		return PAGE_SIZE - 32 + i % 97;
	return (i * 37) % 500;
}

static int churn_set(const char *val, const struct kernel_param *kp)
{
	const unsigned int nr_live = 256;
	unsigned int n, i;
	void **live;
	u8 *buf;
	int ret;

	ret = kstrtouint(val, 0, &n);
	if (ret)
		return ret;
	live = kcalloc(nr_live, sizeof(*live), GFP_KERNEL);
	buf = vmalloc(4 * PAGE_SIZE);
	if (!buf || !live) {
		kfree(live);
		vfree(buf);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		unsigned int slot = i % nr_live;
		int (*fn)(void);

		jit_free(live[slot]);
		live[slot] = jit_alloc(buf, gen(buf, i, pad_for(i % 1000)));
		fn = live[slot];
		if (!fn || fn() != i)
			churn_bad++;
	}
	for (i = 0; i < nr_live; i++)
		jit_free(live[i]);
	kfree(live);
	vfree(buf);
	pr_info("churn of %u functions, %u bad results so far\n", n, churn_bad);
	return churn_bad ? -EINVAL : 0;
}

static const struct kernel_param_ops churn_ops = {
	.set = churn_set,
};
module_param_cb(churn, &churn_ops, NULL, 0200);
MODULE_PARM_DESC(churn, "write N: generate, run and free N functions");

/* The value the @i-th function returns: those rewritten on load differ. */
static int expected(unsigned int i)
{
	return i % 10 ? i : i + 1000000;
}

static int run_set(const char *val, const struct kernel_param *kp)
{
	unsigned int i, bad = 0;

	for (i = 0; i < nr_funcs; i++) {
		int (*fn)(void) = funcs[i];

		if (fn() != expected(i))
			bad++;
	}
	pr_info("ran %u functions, %u bad results\n", nr_funcs, bad);
	return bad ? -EINVAL : 0;
}

static const struct kernel_param_ops run_ops = {
	.set = run_set,
};
module_param_cb(run, &run_ops, NULL, 0200);
MODULE_PARM_DESC(run, "write anything: call the functions made on load again");

static int __init execmem_demo_init(void)
{
	size_t max = 4 * PAGE_SIZE, len, total = 0;
	u8 *buf = vmalloc(max);
	unsigned int i, bad = 0;
	u8 imm[4];

	if (!buf)
		return -ENOMEM;
	funcs = kcalloc(nr_funcs, sizeof(*funcs), GFP_KERNEL);
	if (!funcs) {
		vfree(buf);
		return -ENOMEM;
	}
	for (i = 0; i < nr_funcs; i++) {
		int (*fn)(void);

		len = gen(buf, i, pad_for(i));
		funcs[i] = jit_alloc(buf, len);
		if (!funcs[i]) {
			pr_err("jit_alloc of %zu bytes failed\n", len);
			bad++;
			break;
		}
		total += len;
		fn = funcs[i];
		if (fn() != i)
			bad++;
		if (i % 10)
			continue;
		put_unaligned(i + 1000000, (u32 *)imm);
		if (jit_update(funcs[i] + 5, imm, sizeof(imm)) || fn() != i + 1000000)
			bad++;
	}
	vfree(buf);
	pr_info("generated %u functions, %zu bytes of code, %u bad results\n",
		i, total, bad);
	if (bad) {
		for (i = 0; i < nr_funcs; i++)
			jit_free(funcs[i]);
		kfree(funcs);
		return -EINVAL;
	}
	return 0;
}
#else
static int __init execmem_demo_init(void)
{
	pr_info("no code generator for this architecture\n");
	return -EOPNOTSUPP;
}
#endif

static void __exit execmem_demo_exit(void)
{
	unsigned int i;

	for (i = 0; i < nr_funcs; i++)
		jit_free(funcs[i]);
	kfree(funcs);
}

module_init(execmem_demo_init);
module_exit(execmem_demo_exit);
MODULE_DESCRIPTION("Demo of the execmem jit_*() interface");
MODULE_LICENSE("GPL");
