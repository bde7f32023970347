// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of bpf_prog_pack_alloc()/bpf_prog_pack_free() when BPF images
 * come from the execmem ROX pool.
 *
 * The predictor flush is made countable for the duration of the suite: the
 * bpf_arch_pred_flush static call is pointed at a counter and the
 * bpf_pred_flush_enabled key is turned on; both are restored afterwards.
 * Nothing else allocates BPF images while built-in KUnit suites run.
 */

#include <kunit/test.h>
#include <linux/execmem.h>
#include <linux/filter.h>
#include <linux/jump_label.h>
#include <linux/sizes.h>
#include <linux/static_call.h>

#define BPF_TEST_ALIGN	64	/* BPF_PROG_CHUNK_SIZE in kernel/bpf/core.c */

static atomic_t bpf_test_flushes;
static void (*bpf_test_saved_flush)(void);
static bool bpf_test_saved_key;

static void bpf_test_count_flush(void)
{
	atomic_inc(&bpf_test_flushes);
}

static void bpf_test_fill(void *area, unsigned int size)
{
	/* Must never be called: pool memory is ROX, already trap-filled. */
	WARN_ONCE(1, "bpf_prog_pack test: fill callback called on pool memory\n");
}

static int bpf_pool_suite_init(struct kunit_suite *suite)
{
	bpf_test_saved_flush = static_call_query(bpf_arch_pred_flush);
	bpf_test_saved_key = static_key_enabled(&bpf_pred_flush_enabled);
	static_call_update(bpf_arch_pred_flush, bpf_test_count_flush);
	if (!bpf_test_saved_key)
		static_branch_enable(&bpf_pred_flush_enabled);
	return 0;
}

static void bpf_pool_suite_exit(struct kunit_suite *suite)
{
	if (!bpf_test_saved_key)
		static_branch_disable(&bpf_pred_flush_enabled);
	static_call_update(bpf_arch_pred_flush, bpf_test_saved_flush);
}

static int bpf_pool_test_init(struct kunit *test)
{
	if (!execmem_is_rox(EXECMEM_BPF))
		kunit_skip(test, "EXECMEM_BPF is not served by a ROX pool");
	return 0;
}

static void *pack_alloc(struct kunit *test, u32 size, bool was_classic)
{
	void *p = bpf_prog_pack_alloc(size, bpf_test_fill, was_classic);

	KUNIT_ASSERT_NOT_NULL(test, p);
	return p;
}

static int flushes(void)
{
	return atomic_read(&bpf_test_flushes);
}

/* Images are pool objects: ROX, trap-filled, aligned like pack chunks. */
static void bpf_pool_test_objects(struct kunit *test)
{
	static const u32 sizes[] = {
		64, 192, 1024, 2048, PAGE_SIZE, 3 * PAGE_SIZE + 64, SZ_2M + 64,
	};
	void *p[ARRAY_SIZE(sizes)];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		u8 *b;

		p[i] = pack_alloc(test, sizes[i], false);
		b = p[i];
		KUNIT_EXPECT_TRUE(test, is_execmem_pool_text((unsigned long)b));
		KUNIT_EXPECT_TRUE(test, is_execmem_pool_text((unsigned long)b +
							     sizes[i] - 1));
		KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)b,
						   BPF_TEST_ALIGN));
#ifdef CONFIG_X86
		KUNIT_EXPECT_EQ(test, b[0], 0xcc);
		KUNIT_EXPECT_EQ(test, b[sizes[i] - 1], 0xcc);
#endif
	}
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		bpf_prog_pack_free(p[i], sizes[i]);
}

/* Writing through bpf_arch_text_copy() lands in the image. */
static void bpf_pool_test_text_copy(struct kunit *test)
{
	static const u8 code[] = { 0x90, 0x90, 0x0f, 0x0b, 0xc3 };
	u8 *p = pack_alloc(test, 256, false);
	void *ret;

	ret = bpf_arch_text_copy(p + 64, (void *)code, sizeof(code));
	KUNIT_EXPECT_FALSE(test, IS_ERR_OR_NULL(ret));
	KUNIT_EXPECT_EQ(test, memcmp(p + 64, code, sizeof(code)), 0);
#ifdef CONFIG_X86
	KUNIT_EXPECT_EQ(test, p[63], 0xcc);
	KUNIT_EXPECT_EQ(test, p[64 + sizeof(code)], 0xcc);
#endif
	bpf_prog_pack_free(p, 256);
}

/*
 * A cBPF image flushes only if it lands where code was freed since the
 * last flush, and the pool prefers memory where none was: a free next to
 * it, or by another pool user, costs no flush. eBPF images never flush.
 */
static void bpf_pool_test_flush(struct kunit *test)
{
	void *c0, *c1, *c2, *c3, *c4, *e0, *e1;
	int n;

	/* Whatever happened before: this one flushes at most once. */
	n = flushes();
	c0 = pack_alloc(test, 64, true);
	KUNIT_EXPECT_LE(test, flushes() - n, 1);

	n = flushes();
	c1 = pack_alloc(test, 64, true);
	KUNIT_EXPECT_EQ_MSG(test, flushes() - n, 0,
			    "cBPF in clean memory must not flush");

	/*
	 * Once filled (now, or later by the worker), c0's page is dirty:
	 * c2 takes clean memory either way.
	 */
	bpf_prog_pack_free(c0, 64);
	n = flushes();
	c2 = pack_alloc(test, 64, true);
	KUNIT_EXPECT_EQ_MSG(test, flushes() - n, 0,
			    "cBPF after a free elsewhere must not flush");
	c3 = pack_alloc(test, 128, true);
	KUNIT_EXPECT_EQ(test, flushes() - n, 0);

	/* eBPF never flushes, freed memory or not. */
	bpf_prog_pack_free(c1, 64);
	n = flushes();
	e0 = pack_alloc(test, 64, false);
	bpf_prog_pack_free(e0, 64);
	e1 = pack_alloc(test, 3 * PAGE_SIZE, false);
	KUNIT_EXPECT_EQ_MSG(test, flushes() - n, 0, "eBPF must never flush");

	/* Clean pages are still left for a multi-page cBPF image. */
	c4 = pack_alloc(test, 3 * PAGE_SIZE, true);
	KUNIT_EXPECT_EQ(test, flushes() - n, 0);

	bpf_prog_pack_free(c2, 64);
	bpf_prog_pack_free(c3, 128);
	bpf_prog_pack_free(c4, 3 * PAGE_SIZE);
	bpf_prog_pack_free(e1, 3 * PAGE_SIZE);
}

/* Images above a chunk are flushed too (the pack path only warned). */
static void bpf_pool_test_flush_large(struct kunit *test)
{
	void *c0, *c1;
	int n;

	c0 = pack_alloc(test, 64, true);
	bpf_prog_pack_free(c0, 64);
	n = flushes();
	c1 = pack_alloc(test, SZ_2M + PAGE_SIZE, true);
	KUNIT_EXPECT_EQ(test, flushes() - n, 1);
	bpf_prog_pack_free(c1, SZ_2M + PAGE_SIZE);
}

/* No flush at all when the architecture has not wired one up. */
static void bpf_pool_test_flush_disabled(struct kunit *test)
{
	void *c0, *c1;
	int n;

	static_branch_disable(&bpf_pred_flush_enabled);
	c0 = pack_alloc(test, 64, true);
	bpf_prog_pack_free(c0, 64);
	n = flushes();
	c1 = pack_alloc(test, 64, true);
	KUNIT_EXPECT_EQ(test, flushes() - n, 0);
	bpf_prog_pack_free(c1, 64);
	static_branch_enable(&bpf_pred_flush_enabled);
}

#ifdef CONFIG_X86_64
static noinline int bpf_test_traced(int a, long b)
{
	return a + b;
}

/*
 * Trampolines are sized in an ordinary buffer against a stand-in address:
 * the size must be the one arch_prepare_bpf_trampoline() then emits into
 * the pool object.
 */
static void bpf_pool_test_trampoline(struct kunit *test)
{
	static const u32 flags[] = {
		0, BPF_TRAMP_F_CALL_ORIG | BPF_TRAMP_F_SKIP_FRAME,
		BPF_TRAMP_F_CALL_ORIG | BPF_TRAMP_F_RET_FENTRY_RET,
	};
	struct btf_func_model m = {
		.ret_size = 8, .nr_args = 2, .arg_size = { 4, 8 },
	};
	void *func = bpf_test_traced;
	struct bpf_tramp_links *tlinks;
	struct bpf_tramp_image *im;
	struct bpf_tramp_link *l;
	struct bpf_prog *prog;
	unsigned int i;

	tlinks = kunit_kcalloc(test, BPF_TRAMP_MAX, sizeof(*tlinks),
			       GFP_KERNEL);
	im = kunit_kzalloc(test, sizeof(*im), GFP_KERNEL);
	l = kunit_kzalloc(test, sizeof(*l), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tlinks);
	KUNIT_ASSERT_NOT_NULL(test, im);
	KUNIT_ASSERT_NOT_NULL(test, l);
	prog = bpf_prog_alloc(bpf_prog_size(1), 0);
	KUNIT_ASSERT_NOT_NULL(test, prog);
	prog->jited = 1;
	prog->type = BPF_PROG_TYPE_TRACING;
	prog->expected_attach_type = BPF_TRACE_FENTRY;
	prog->bpf_func = (void *)bpf_test_traced;
	l->link.prog = prog;
	tlinks[BPF_TRAMP_FENTRY].links[0] = l;
	tlinks[BPF_TRAMP_FENTRY].nr_links = 1;
	tlinks[BPF_TRAMP_FEXIT].links[0] = l;
	tlinks[BPF_TRAMP_FEXIT].nr_links = 1;

	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		int size, ret;
		u8 *image;

		size = arch_bpf_trampoline_size(&m, flags[i], tlinks, func);
		KUNIT_ASSERT_GT(test, size, 0);
		image = arch_alloc_bpf_trampoline(size);
		KUNIT_ASSERT_NOT_NULL(test, image);
		KUNIT_EXPECT_TRUE(test,
				  is_execmem_pool_text((unsigned long)image));
		ret = arch_prepare_bpf_trampoline(im, image, image + size, &m,
						  flags[i], tlinks, func);
		KUNIT_EXPECT_EQ_MSG(test, ret, size, "flags %#x", flags[i]);
		KUNIT_EXPECT_EQ(test, arch_protect_bpf_trampoline(image, size),
				0);
		KUNIT_EXPECT_NE(test, image[0], 0xcc);
		arch_free_bpf_trampoline(image, size);
	}
	__bpf_prog_free(prog);
}
#endif

static struct kunit_case bpf_pool_test_cases[] = {
	KUNIT_CASE(bpf_pool_test_objects),
	KUNIT_CASE(bpf_pool_test_text_copy),
	KUNIT_CASE(bpf_pool_test_flush),
	KUNIT_CASE(bpf_pool_test_flush_large),
	KUNIT_CASE(bpf_pool_test_flush_disabled),
#ifdef CONFIG_X86_64
	KUNIT_CASE(bpf_pool_test_trampoline),
#endif
	{}
};

static struct kunit_suite bpf_pool_test_suite = {
	.name = "bpf_prog_pack_pool",
	.suite_init = bpf_pool_suite_init,
	.suite_exit = bpf_pool_suite_exit,
	.init = bpf_pool_test_init,
	.test_cases = bpf_pool_test_cases,
};

kunit_test_suite(bpf_pool_test_suite);

MODULE_DESCRIPTION("KUnit tests of BPF images in the execmem ROX pool");
MODULE_LICENSE("GPL");
