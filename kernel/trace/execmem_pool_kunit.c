// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the tracing users of the execmem ROX pool: kprobe
 * instruction slots, optprobe detour buffers and ftrace trampolines are
 * pool objects, are text to kernel_text_address(), and run.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/execmem.h>
#include <linux/ftrace.h>
#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/slab.h>

#define TT_MAX_KPROBES	32
#define TT_TRAMPS	16
#define TT_PROBE_STEP	8
#define TT_TARGET_NOPS	512

/*
 * Probe targets: runs of NOPs, probed every TT_PROBE_STEP bytes so that
 * each probe has room to be optimized. Several short functions rather
 * than one long one: optimizing a probe decodes its whole function.
 * Never called.
 */
#define TT_TARGET(n)							\
static noinline void __used tt_target##n(void)				\
{									\
	asm volatile(".rept 512\n\tnop\n\t.endr");			\
}

TT_TARGET(0) TT_TARGET(1) TT_TARGET(2) TT_TARGET(3)

static void (* const tt_targets[])(void) = {
	tt_target0, tt_target1, tt_target2, tt_target3,
};

static int tt_sink;

#define TT_FN(n) static noinline void tt_fn##n(void) { WRITE_ONCE(tt_sink, n); }
TT_FN(0) TT_FN(1) TT_FN(2) TT_FN(3) TT_FN(4) TT_FN(5) TT_FN(6) TT_FN(7)
TT_FN(8) TT_FN(9) TT_FN(10) TT_FN(11) TT_FN(12) TT_FN(13) TT_FN(14) TT_FN(15)

static void (* const tt_fns[TT_TRAMPS])(void) = {
	tt_fn0, tt_fn1, tt_fn2, tt_fn3, tt_fn4, tt_fn5, tt_fn6, tt_fn7,
	tt_fn8, tt_fn9, tt_fn10, tt_fn11, tt_fn12, tt_fn13, tt_fn14, tt_fn15,
};

static atomic_t tt_hits;

static int tt_pre(struct kprobe *p, struct pt_regs *regs)
{
	return 0;
}

static void notrace tt_ftrace_func(unsigned long ip, unsigned long parent_ip,
				   struct ftrace_ops *op,
				   struct ftrace_regs *fregs)
{
	atomic_inc(&tt_hits);
}

struct tt_ctx {
	struct kprobe *kps;
	struct kprobe **kpp;
	unsigned int nr_kps;
	struct ftrace_ops ops[TT_TRAMPS];
	unsigned int nr_ops;
};

static bool get_kprobe_addr_used(struct tt_ctx *c, unsigned long addr)
{
	unsigned int i;

	for (i = 0; i < c->nr_kps; i++)
		if ((unsigned long)c->kps[i].addr == addr)
			return true;
	return false;
}

/* Register up to @n probes on tt_probe_target(); return how many. */
static unsigned int tt_add_kprobes(struct kunit *test, struct tt_ctx *c,
				   unsigned int n)
{
	unsigned int t = 0, off = 32;

	while (c->nr_kps < n && t < ARRAY_SIZE(tt_targets)) {
		struct kprobe *p = &c->kps[c->nr_kps];
		unsigned long addr = (unsigned long)tt_targets[t] + off;

		off += TT_PROBE_STEP;
		if (off + 16 > TT_TARGET_NOPS) {
			t++;
			off = 32;
		}
		if (get_kprobe_addr_used(c, addr))
			continue;
		memset(p, 0, sizeof(*p));
		p->addr = (kprobe_opcode_t *)addr;
		p->pre_handler = tt_pre;
		if (register_kprobe(p))
			continue;
		c->kpp[c->nr_kps++] = p;
	}
	return c->nr_kps;
}

static void tt_del_kprobes(struct tt_ctx *c)
{
	if (c->nr_kps)
		unregister_kprobes(c->kpp, c->nr_kps);
	c->nr_kps = 0;
}

static void tt_add_tramps(struct kunit *test, struct tt_ctx *c)
{
	unsigned int i;

	for (i = 0; i < TT_TRAMPS; i++) {
		struct ftrace_ops *ops = &c->ops[i];

		memset(ops, 0, sizeof(*ops));
		ops->func = tt_ftrace_func;
		if (ftrace_set_filter_ip(ops, (unsigned long)tt_fns[i], 0, 0))
			break;
		if (register_ftrace_function(ops)) {
			ftrace_free_filter(ops);
			break;
		}
		c->nr_ops++;
	}
}

static void tt_del_tramps(struct tt_ctx *c)
{
	while (c->nr_ops) {
		struct ftrace_ops *ops = &c->ops[--c->nr_ops];

		unregister_ftrace_function(ops);
		ftrace_free_filter(ops);
	}
}

static struct tt_ctx *tt_ctx_alloc(struct kunit *test)
{
	struct tt_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->kps = kunit_kcalloc(test, TT_MAX_KPROBES, sizeof(*c->kps), GFP_KERNEL);
	c->kpp = kunit_kcalloc(test, TT_MAX_KPROBES, sizeof(*c->kpp), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->kps);
	KUNIT_ASSERT_NOT_NULL(test, c->kpp);
	return c;
}

/* Count optimized probes; check that their detour buffers are pool objects. */
static unsigned int tt_nr_optimized(struct kunit *test, struct tt_ctx *c)
{
	unsigned int nr = 0;
#ifdef CONFIG_OPTPROBES
	unsigned int i;

	rcu_read_lock();
	for (i = 0; i < c->nr_kps; i++) {
		struct kprobe *ap = get_kprobe(c->kps[i].addr);
		struct optimized_kprobe *op;
		unsigned long buf;

		if (!ap || !(ap->flags & KPROBE_FLAG_OPTIMIZED))
			continue;
		op = container_of(ap, struct optimized_kprobe, kp);
		buf = (unsigned long)op->optinsn.insn;
		KUNIT_EXPECT_TRUE(test, is_execmem_pool_text(buf));
		KUNIT_EXPECT_TRUE(test, is_kprobe_optinsn_slot(buf));
		nr++;
	}
	rcu_read_unlock();
#endif
	return nr;
}

/* Every kprobe insn slot and optprobe buffer is a pool object. */
static void tt_kprobe_slots_in_pool(struct kunit *test)
{
	struct tt_ctx *c;
	unsigned int i, n;

	if (!execmem_is_rox(EXECMEM_KPROBES))
		kunit_skip(test, "EXECMEM_KPROBES not served by the ROX pool");
	c = tt_ctx_alloc(test);
	n = tt_add_kprobes(test, c, 32);
	KUNIT_ASSERT_GT(test, n, 0);
	for (i = 0; i < n; i++) {
		unsigned long insn = (unsigned long)c->kps[i].ainsn.insn;

		KUNIT_EXPECT_TRUE(test, is_execmem_pool_text(insn));
		KUNIT_EXPECT_TRUE(test, is_kprobe_insn_slot(insn));
		KUNIT_EXPECT_TRUE(test, kernel_text_address(insn));
	}
	/* Give the optimizer time, then check the detour buffers. */
	for (i = 0; i < 100 && !tt_nr_optimized(test, c); i++)
		msleep(100);
	kunit_info(test, "%u of %u probes optimized\n", tt_nr_optimized(test, c), n);
	/* The detour buffers were checked only if there are some. */
	if (IS_ENABLED(CONFIG_OPTPROBES))
		KUNIT_EXPECT_GT(test, tt_nr_optimized(test, c), 0);
	tt_del_kprobes(c);
}

/* Per-ops ftrace trampolines are pool objects and run. */
static void tt_ftrace_tramps_in_pool(struct kunit *test)
{
	struct tt_ctx *c;
	unsigned int i;

	if (!execmem_is_rox(EXECMEM_FTRACE))
		kunit_skip(test, "EXECMEM_FTRACE not served by the ROX pool");
	c = tt_ctx_alloc(test);
	tt_add_tramps(test, c);
	KUNIT_ASSERT_EQ(test, c->nr_ops, TT_TRAMPS);
	atomic_set(&tt_hits, 0);
	for (i = 0; i < TT_TRAMPS; i++) {
		unsigned long t = c->ops[i].trampoline;

		KUNIT_EXPECT_NE(test, t, 0);
		KUNIT_EXPECT_TRUE(test, is_execmem_pool_text(t));
		KUNIT_EXPECT_TRUE(test, is_ftrace_trampoline(t));
		KUNIT_EXPECT_TRUE(test, kernel_text_address(t));
		tt_fns[i]();
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&tt_hits), TT_TRAMPS);
	tt_del_tramps(c);
}

static struct kunit_case execmem_trace_test_cases[] = {
	KUNIT_CASE(tt_kprobe_slots_in_pool),
	KUNIT_CASE(tt_ftrace_tramps_in_pool),
	{}
};

static struct kunit_suite execmem_trace_test_suite = {
	.name = "execmem_trace",
	.test_cases = execmem_trace_test_cases,
};

kunit_test_suite(execmem_trace_test_suite);

MODULE_DESCRIPTION("KUnit tests of kprobes and ftrace on the execmem ROX pool");
MODULE_LICENSE("GPL");
