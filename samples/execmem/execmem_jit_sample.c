// SPDX-License-Identifier: GPL-2.0-only
/*
 * execmem_jit_sample: how a run-time code generator uses jit_alloc(),
 * jit_update() and jit_free().
 *
 * It generates "long f(long x) { return x * K; }" for a few constants K in
 * x86-64 code, calls each, changes K of one of them in place and frees
 * them. The rules every generator follows are marked "RULE".
 *
 * Loading fails with -EINVAL if a generated function returns a wrong
 * value, so the sample doubles as a smoke test (make check loads it).
 *
 * With calls=N it also times N indirect calls of a generated function and
 * N of the same function compiled into this module, and prints both in
 * ns per call (the hot-path stage of make demo reads them).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/execmem.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <asm/cpufeature.h>
#include <asm/nospec-branch.h>

typedef long (*mul_fn)(long x);

/*
 * Layout of one generated function:
 *	[endbr64]		indirect call target (RULE: IBT)
 *	movabs rax, K		48 b8 imm64
 *	imul rax, rdi		48 0f af c7
 *	ret; int3 x 4		or jmp x86_return_thunk (RULE: return thunk)
 */
#define ENDBR_LEN	(IS_ENABLED(CONFIG_X86_KERNEL_IBT) ? 4 : 0)
#define IMM_OFF		(ENDBR_LEN + 2)
#define RET_OFF		(IMM_OFF + 8 + 4)
#define FN_LEN		(RET_OFF + 5)

static void gen_mul(u8 *buf, long k)
{
	u8 *p = buf;

	if (IS_ENABLED(CONFIG_X86_KERNEL_IBT)) {
		memcpy(p, "\xf3\x0f\x1e\xfa", 4);
		p += 4;
	}
	*p++ = 0x48;
	*p++ = 0xb8;
	memcpy(p, &k, sizeof(k));
	p += sizeof(k);
	memcpy(p, "\x48\x0f\xaf\xc7", 4);
	p += 4;
	memcpy(p, "\xc3\xcc\xcc\xcc\xcc", 5);
}

/*
 * RULE: code must return through the kernel's return thunk when one is in
 * use. The JMP is relative, so it is written once the address is known.
 */
static int link_return(u8 *fn, u8 *buf)
{
	s32 rel;

	if (!cpu_feature_enabled(X86_FEATURE_RETHUNK))
		return 0;
	rel = (long)x86_return_thunk - (long)(fn + RET_OFF + 5);
	buf[RET_OFF] = 0xe9;
	memcpy(buf + RET_OFF + 1, &rel, sizeof(rel));
	/* nothing calls @fn yet: rewriting it is safe */
	return jit_update(fn + RET_OFF, buf + RET_OFF, 5);
}

static mul_fn make_mul(long k)
{
	u8 buf[FN_LEN];
	u8 *fn;

	gen_mul(buf, k);
	/* RULE: the code is built in ordinary memory; jit_alloc() copies it */
	fn = jit_alloc(buf, sizeof(buf));
	if (!fn)
		return NULL;
	if (link_return(fn, buf)) {
		jit_free(fn);
		return NULL;
	}
	return (mul_fn)fn;
}

static const long factors[] = { 3, -7, 1000003, 0x123456789aL };

static unsigned int calls;
module_param(calls, uint, 0444);
MODULE_PARM_DESC(calls, "time this many calls of a generated and of a compiled function (0: no timing)");

/* the compiled twin of the generated f1 (factors[1]) */
static noinline long mul_compiled(long x)
{
	return x * -7;
}

static mul_fn compiled_fn = mul_compiled;

/* ns for @n indirect calls of @fn; READ_ONCE() keeps the call indirect */
static u64 time_calls(mul_fn *fnp, unsigned int n)
{
	mul_fn fn = READ_ONCE(*fnp);
	long acc = 0;
	unsigned int i;
	u64 t0;

	t0 = ktime_get_ns();
	for (i = 0; i < n; i++)
		acc += fn(i);
	t0 = ktime_get_ns() - t0;
	/* use the result so that the loop stays */
	if (acc != -7L * ((long)n * (n - 1) / 2))
		pr_err("timing loop: wrong sum %ld\n", acc);
	return t0;
}

static void time_generated(mul_fn *fn)
{
	u64 gen, comp;

	if (!calls)
		return;
	gen = time_calls(fn, calls);
	comp = time_calls(&compiled_fn, calls);
	/* tenths of a ns per call */
	gen = div_u64(gen * 10, calls);
	comp = div_u64(comp * 10, calls);
	pr_info("timing: %u calls: generated %llu.%llu ns/call, compiled %llu.%llu ns/call\n",
		calls, gen / 10, gen % 10, comp / 10, comp % 10);
}

static int __init execmem_jit_sample_init(void)
{
	mul_fn fns[ARRAY_SIZE(factors)] = {};
	long k = 42, x = 11;
	int i, ret = 0;

	/* RULE: without a ROX pool there is no jit_alloc(): keep a fallback */
	if (!execmem_is_rox(EXECMEM_JIT)) {
		pr_info("no ROX pool for EXECMEM_JIT, nothing to show\n");
		return 0;
	}

	for (i = 0; i < ARRAY_SIZE(factors); i++) {
		fns[i] = make_mul(factors[i]);
		if (!fns[i]) {
			ret = -ENOMEM;
			goto out;
		}
		if (fns[i](x) != x * factors[i]) {
			pr_err("f%d(%ld) = %ld, want %ld\n", i, x, fns[i](x),
			       x * factors[i]);
			ret = -EINVAL;
			goto out;
		}
		pr_info("f%d at %p: f%d(%ld) = %ld\n", i, fns[i], i, x,
			fns[i](x));
	}

	/*
	 * RULE: jit_update() may rewrite live code only while no CPU runs the
	 * bytes being replaced; here nothing else knows fns[0].
	 */
	if (jit_update((u8 *)fns[0] + IMM_OFF, &k, sizeof(k))) {
		ret = -EINVAL;
		goto out;
	}
	if (fns[0](x) != x * k) {
		pr_err("after update f0(%ld) = %ld, want %ld\n", x, fns[0](x),
		       x * k);
		ret = -EINVAL;
		goto out;
	}
	pr_info("after jit_update: f0(%ld) = %ld\n", x, fns[0](x));
	time_generated(&fns[1]);

out:
	/* RULE: jit_free() once no CPU can still run the code */
	for (i = 0; i < ARRAY_SIZE(fns); i++)
		jit_free(fns[i]);
	if (!ret)
		pr_info("ok\n");
	return ret;
}

static void __exit execmem_jit_sample_exit(void)
{
}

module_init(execmem_jit_sample_init);
module_exit(execmem_jit_sample_exit);
MODULE_DESCRIPTION("Sample run-time code generator on jit_alloc()");
MODULE_LICENSE("GPL");
