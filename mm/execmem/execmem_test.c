// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the execmem ROX pool.
 *
 * Most tests run against a private pool over the same range as the
 * EXECMEM_JIT pool, so they see exactly the chunks they create. The
 * invariant tests walk the real kernel page tables.
 *
 * Tests that feed bad input expect WARNs; they bracket them with
 * "execmem-test: expect-warn begin/end" lines so that log checkers can
 * tell them from real ones.
 */

#include <kunit/test.h>
#include <linux/debug_locks.h>
#include <linux/memory.h>
#include <linux/sched/mm.h>
#include <linux/proc_fs.h>
#include <linux/random.h>
#include <linux/seq_file.h>
#include <linux/set_memory.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include <asm/execmem.h>
#include <asm/tlbflush.h>

#include "internal.h"

struct execmem_test_ctx {
	struct execmem_pool *pool;
};

static const struct execmem_range *test_range(void)
{
	struct execmem_pool *pool = execmem_type_to_pool(EXECMEM_JIT);

	return pool ? pool->range : NULL;
}

static int execmem_test_init(struct kunit *test)
{
	struct execmem_test_ctx *ctx;

	if (!test_range())
		kunit_skip(test, "no ROX pool for EXECMEM_JIT on this system");
	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	ctx->pool = kzalloc(sizeof(*ctx->pool), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx->pool);
	execmem_pool_init(ctx->pool, test_range());
	ctx->pool->spare = 0;
	test->priv = ctx;
	return 0;
}

static void execmem_test_exit(struct kunit *test)
{
	struct execmem_test_ctx *ctx = test->priv;

	if (!ctx)
		return;
	KUNIT_EXPECT_EQ(test, execmem_pool_destroy(ctx->pool), 0);
	/* leaked areas stay listed for hibernation and point at the pool */
	if (list_empty(&ctx->pool->areas) &&
	    !execmem_read(ctx->pool, EXECMEM_AREAS_LEAKED))
		kfree(ctx->pool);
}

static struct execmem_pool *tpool(struct kunit *test)
{
	return ((struct execmem_test_ctx *)test->priv)->pool;
}

static bool all_trap(const void *p, size_t len)
{
	return !memchr_inv(p, EXECMEM_TRAP_BYTE, len);
}

static void *talloc(struct kunit *test, size_t size)
{
	void *p = execmem_pool_alloc(tpool(test), EXECMEM_JIT, size,
				     NUMA_NO_NODE);

	KUNIT_ASSERT_NOT_NULL(test, p);
	return p;
}

/* Fill an object with a pattern through execmem_update() and check it. */
static void write_pattern(struct kunit *test, void *p, size_t size, u8 seed)
{
	u8 *buf = kvmalloc(size, GFP_KERNEL);
	size_t i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < size; i++)
		buf[i] = seed + i * 7;
	KUNIT_EXPECT_EQ(test, execmem_update(p, buf, size), 0);
	KUNIT_EXPECT_EQ(test, memcmp(p, buf, size), 0);
	kvfree(buf);
}

/* === Page-table checks (x86) === */

#ifdef CONFIG_X86
/* The pool mapping of @addr is one RO+X PMD. */
static bool pool_pmd_rox(unsigned long addr)
{
	unsigned int level;
	pte_t *pte = lookup_address(addr, &level);

	return pte && level == PG_LEVEL_2M &&
	       (pte_flags(*pte) & _PAGE_PRESENT) &&
	       !(pte_flags(*pte) & _PAGE_RW) && !(pte_flags(*pte) & _PAGE_NX);
}

/* The direct map of @page is absent and still a 2 MiB entry. */
static bool direct_map_removed_whole(struct page *page)
{
	unsigned int level;
	pte_t *pte = lookup_address((unsigned long)page_address(page), &level);

	return pte && !(pte_flags(*pte) & _PAGE_PRESENT) &&
	       level >= PG_LEVEL_2M;
}

static unsigned long direct_map_4k_kb(void)
{
	char *buf = kzalloc(PAGE_SIZE, GFP_KERNEL);
	struct seq_file m = { .buf = buf, .size = PAGE_SIZE };
	unsigned long kb = ULONG_MAX;
	char *s;

	if (!buf)
		return kb;
	arch_report_meminfo(&m);
	s = strstr(buf, "DirectMap4k:");
	if (s && sscanf(s, "DirectMap4k: %lu", &kb) != 1)
		kb = ULONG_MAX;
	kfree(buf);
	return kb;
}
#endif

/* === Tests === */

static void execmem_test_slab_classes(struct kunit *test)
{
	unsigned int c;

	for (c = 0; c < EXECMEM_NR_CLASSES; c++) {
		struct execmem_cache *cache = &tpool(test)->caches[EXECMEM_JIT][c];
		size_t size = cache->size;
		size_t sizes[] = { size, c ? cache[-1].size + 1 : 1, size - 1 };
		unsigned int i;

		for (i = 0; i < ARRAY_SIZE(sizes); i++) {
			void *a, *b;

			if (!sizes[i])
				continue;
			KUNIT_EXPECT_EQ(test, execmem_slab_class(sizes[i]),
					sizes[i] <= 16 ? 0 : (int)c);
			KUNIT_EXPECT_EQ(test, execmem_pool_size_roundup(sizes[i]),
					size);
			a = talloc(test, sizes[i]);
			b = talloc(test, sizes[i]);
			/* Aligned to the largest power of two in the size. */
			KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)a,
							   size & -size));
			KUNIT_EXPECT_TRUE(test, all_trap(a, size));
			/* Two objects of a class share a slab, not overlap. */
			KUNIT_EXPECT_GE(test, abs((long)(a - b)), (long)size);
			write_pattern(test, a, sizes[i], c);
			write_pattern(test, b, sizes[i], c + 1);
			KUNIT_EXPECT_EQ(test, execmem_pool_free(a), 0);
			KUNIT_EXPECT_EQ(test, execmem_pool_free(b), 0);
		}
	}
	execmem_pool_drain(tpool(test));
	for (c = 0; c < EXECMEM_NR_CLASSES; c++)
		KUNIT_EXPECT_EQ(test, tpool(test)->caches[EXECMEM_JIT][c].nr_slabs, 0UL);
}

/*
 * Item 9: execmem_size_roundup(), which bpf_jit_limit is charged with, is
 * what the pool really takes: the sizes the review measured.
 */
static void execmem_test_size_roundup(struct kunit *test)
{
	static const size_t sizes[] = { 192, 1088, 2112, 4160, 100000 };
	struct execmem_pool *pool = tpool(test);
	unsigned int i;

	if (!execmem_is_rox(EXECMEM_BPF))
		kunit_skip(test, "EXECMEM_BPF is not served by the ROX pool");
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		unsigned long used = pool->stats[EXECMEM_BPF].used;
		void *p = execmem_pool_alloc(pool, EXECMEM_BPF, sizes[i],
					     NUMA_NO_NODE);

		KUNIT_ASSERT_NOT_NULL(test, p);
		KUNIT_EXPECT_EQ(test, pool->stats[EXECMEM_BPF].used - used,
				execmem_size_roundup(EXECMEM_BPF, sizes[i]));
		KUNIT_EXPECT_EQ(test, execmem_pool_free(p), 0);
	}
	KUNIT_EXPECT_EQ(test, execmem_size_roundup(EXECMEM_BPF, 192), 192UL);
	KUNIT_EXPECT_EQ(test, execmem_size_roundup(EXECMEM_BPF, 1088), 1536UL);
	KUNIT_EXPECT_EQ(test, execmem_size_roundup(EXECMEM_BPF, 2112), 3072UL);
	KUNIT_EXPECT_EQ(test, execmem_size_roundup(EXECMEM_BPF, 4160), 8192UL);
}

static void execmem_test_slab_packing(struct kunit *test)
{
	void *objs[PAGE_SIZE / 64];
	unsigned int i;

	/* A page of 64-byte objects is one slab: one page of pool memory. */
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		objs[i] = talloc(test, 60);
	for (i = 1; i < ARRAY_SIZE(objs); i++)
		KUNIT_EXPECT_EQ(test, PAGE_ALIGN_DOWN((unsigned long)objs[i]),
				PAGE_ALIGN_DOWN((unsigned long)objs[0]));
	KUNIT_EXPECT_EQ(test, tpool(test)->caches[EXECMEM_JIT][execmem_slab_class(60)].nr_slabs,
			1UL);
	KUNIT_EXPECT_EQ(test, tpool(test)->stats[EXECMEM_JIT].requested,
			60UL * ARRAY_SIZE(objs));
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		KUNIT_EXPECT_EQ(test, execmem_pool_free(objs[i]), 0);
	execmem_pool_drain(tpool(test));
	KUNIT_EXPECT_EQ(test, tpool(test)->stats[EXECMEM_JIT].objs, 0UL);
}

static void execmem_test_page_runs(struct kunit *test)
{
	static const unsigned int pages[] = { 1, 2, 3, 5, 17, 100, 255, 511, 512 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		size_t size = pages[i] * PAGE_SIZE - 1;
		struct execmem_owner owner;
		void *p = talloc(test, size);

		KUNIT_EXPECT_TRUE(test, PAGE_ALIGNED(p));
		KUNIT_EXPECT_TRUE(test, all_trap(p, size));
		/* Any interior byte finds the object: O(1) lookup. */
		KUNIT_EXPECT_EQ(test, execmem_pool_lookup((unsigned long)p +
							  size - 1, 1, &owner), 0);
		KUNIT_EXPECT_PTR_EQ(test, (void *)owner.start, p);
		KUNIT_EXPECT_EQ(test, owner.size, size);
		write_pattern(test, p, size, i);
		KUNIT_EXPECT_EQ(test, execmem_pool_free(p), 0);
		execmem_pool_drain(tpool(test));
		KUNIT_EXPECT_TRUE(test, all_trap(p, size));
	}
}

static void execmem_test_coalescing(struct kunit *test)
{
	struct execmem_chunk *chunk;
	void *objs[64];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(objs); i++)
		objs[i] = talloc(test, (i % 7 + 1) * PAGE_SIZE);
	/* Free in an order that leaves holes first. */
	for (i = 0; i < ARRAY_SIZE(objs); i += 2)
		KUNIT_EXPECT_EQ(test, execmem_pool_free(objs[i]), 0);
	for (i = 1; i < ARRAY_SIZE(objs); i += 2)
		KUNIT_EXPECT_EQ(test, execmem_pool_free(objs[i]), 0);
	execmem_pool_drain(tpool(test));
	list_for_each_entry(chunk, &tpool(test)->chunks, node) {
		KUNIT_EXPECT_TRUE(test, execmem_chunk_empty(chunk));
		KUNIT_EXPECT_EQ(test, chunk->nr_blocks[EXECMEM_CHUNK_ORDER], 1);
		KUNIT_EXPECT_TRUE(test, all_trap((void *)chunk->start,
						 EXECMEM_CHUNK_SIZE));
	}
}

static void execmem_test_large(struct kunit *test)
{
	size_t size = 2 * EXECMEM_CHUNK_SIZE + 3 * PAGE_SIZE + 100;
	struct execmem_owner owner;
	void *p = talloc(test, size), *q;

	KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)p, EXECMEM_CHUNK_SIZE));
	KUNIT_EXPECT_EQ(test, execmem_pool_lookup((unsigned long)p + size - 8,
						  8, &owner), 0);
	KUNIT_EXPECT_PTR_EQ(test, (void *)owner.start, p);
	KUNIT_EXPECT_NE(test, execmem_pool_lookup((unsigned long)p + size - 8,
						  9, &owner), 0);
	write_pattern(test, p, size, 3);
#ifdef CONFIG_X86
	KUNIT_EXPECT_TRUE(test, pool_pmd_rox((unsigned long)p + EXECMEM_CHUNK_SIZE));
#endif
	/* The rest of the last chunk serves other objects: waste < 1 page. */
	q = talloc(test, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, (unsigned long)q,
			(unsigned long)p + PAGE_ALIGN(size));
	KUNIT_EXPECT_EQ(test, execmem_pool_free(p), 0);
	KUNIT_EXPECT_EQ(test, execmem_pool_free(q), 0);
	execmem_pool_drain(tpool(test));
	KUNIT_EXPECT_EQ(test, execmem_pool_trim(tpool(test), 0, ULONG_MAX,
						false), 1UL);
}

static void execmem_test_trap_after_free(struct kunit *test)
{
	void *p = talloc(test, 200), *q;

	write_pattern(test, p, 200, 9);
	/* Hold the filler off: before the fill, p cannot be handed out. */
	mutex_lock(&tpool(test)->write_lock);
	KUNIT_EXPECT_EQ(test, execmem_pool_free(p), 0);
	q = talloc(test, 200);
	KUNIT_EXPECT_PTR_NE(test, p, q);
	KUNIT_EXPECT_FALSE(test, all_trap(p, 200));
	mutex_unlock(&tpool(test)->write_lock);
	execmem_pool_drain(tpool(test));
	KUNIT_EXPECT_TRUE(test, all_trap(p, 256));
	KUNIT_EXPECT_EQ(test, execmem_pool_free(q), 0);
}

static void execmem_test_bad_input(struct kunit *test)
{
	struct execmem_pool *pool = execmem_type_to_pool(EXECMEM_JIT);
	unsigned long bad = execmem_read(pool, EXECMEM_BAD_CALLS);
	u8 buf[64] = { };
	void *p, *q;

	p = execmem_alloc(EXECMEM_JIT, 48);
	q = execmem_alloc(EXECMEM_JIT, 3 * PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, q);

	pr_info("execmem-test: expect-warn begin\n");
	KUNIT_EXPECT_NULL(test, execmem_alloc(EXECMEM_JIT, 0));
	KUNIT_EXPECT_NULL(test, execmem_alloc(EXECMEM_JIT, SIZE_MAX / 2));
	/* Out of bounds, crossing the end, and not an object. */
	KUNIT_EXPECT_EQ(test, execmem_update(p + 40, buf, 16), -EINVAL);
	KUNIT_EXPECT_EQ(test, execmem_update(q + 3 * PAGE_SIZE - 1, buf, 2),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, execmem_update(buf, buf, 1), -EINVAL);
	/* Interior pointer, then double free. */
	execmem_free(q + PAGE_SIZE);
	execmem_free(p + 16);
	execmem_free(p);
	execmem_free(p);
	pr_info("execmem-test: expect-warn end\n");

	KUNIT_EXPECT_EQ(test, execmem_read(pool, EXECMEM_BAD_CALLS) - bad, 7UL);
	/* The object survived the bad calls intact. */
	write_pattern(test, q, 3 * PAGE_SIZE, 1);
	execmem_free(q);
}

static void execmem_test_update_bounds(struct kunit *test)
{
	u8 buf[128];
	u8 *p = talloc(test, 100);

	memset(buf, 0x90, sizeof(buf));
	KUNIT_EXPECT_EQ(test, execmem_update(p, buf, 100), 0);
	KUNIT_EXPECT_EQ(test, execmem_update(p + 99, buf, 1), 0);
	KUNIT_EXPECT_EQ(test, execmem_update(p + 50, buf, 0), 0);
	KUNIT_EXPECT_TRUE(test, all_trap(p + 100, 28));
	KUNIT_EXPECT_EQ(test, execmem_pool_free(p), 0);
}

static void execmem_test_shrinker_release(struct kunit *test)
{
	struct execmem_pool *pool = tpool(test);
	struct page *page;
	void *p = talloc(test, PAGE_SIZE);

	page = vmalloc_to_page(p);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_FALSE(test, kernel_page_present(page));
	KUNIT_EXPECT_EQ(test, execmem_pool_free(p), 0);
	execmem_pool_drain(pool);
	pool->spare = 1;
	KUNIT_EXPECT_EQ(test, execmem_pool_releasable(pool, false), 0UL);
	pool->spare = 0;
	KUNIT_EXPECT_EQ(test, execmem_pool_releasable(pool, false), 1UL);
	KUNIT_EXPECT_EQ(test, execmem_pool_trim(pool, 0, ULONG_MAX, true), 1UL);
	KUNIT_EXPECT_EQ(test, execmem_read(pool, EXECMEM_SHRINKER_RELEASES), 1UL);
	/* The shrinker only unpublishes; a worker unmaps after a GP. */
	execmem_pool_flush_released(pool);
	KUNIT_EXPECT_EQ(test, execmem_read(pool, EXECMEM_AREAS_RELEASED), 1UL);
	/* The direct map is back, as a large mapping. */
	KUNIT_EXPECT_TRUE(test, kernel_page_present(page));
#ifdef CONFIG_X86
	{
		unsigned int level;

		lookup_address((unsigned long)page_address(page), &level);
		KUNIT_EXPECT_GE(test, level, (unsigned int)PG_LEVEL_2M);
	}
#endif
}

static void execmem_test_text_mutex(struct kunit *test)
{
	void *p;

	/* kprobes allocates and frees slots with text_mutex held. */
	mutex_lock(&text_mutex);
	p = execmem_pool_alloc(tpool(test), EXECMEM_JIT, 64, NUMA_NO_NODE);
	if (p)
		KUNIT_EXPECT_EQ(test, execmem_pool_free(p), 0);
	mutex_unlock(&text_mutex);
	KUNIT_EXPECT_NOT_NULL(test, p);
	execmem_pool_drain(tpool(test));
}

static void execmem_test_numa(struct kunit *test)
{
	struct execmem_chunk *chunk;
	unsigned int i;
	int nid;

	if (num_online_nodes() < 2)
		kunit_skip(test, "needs two NUMA nodes, have %d",
			   num_online_nodes());
	for_each_online_node(nid) {
		unsigned long added = execmem_read(tpool(test),
						   EXECMEM_AREAS_ADDED);
		void *p[20];

		if (!node_state(nid, N_MEMORY)) {
			/*
			 * A memoryless node: its chunk comes from another
			 * node, and later allocations for it use that chunk
			 * instead of growing again.
			 */
			for (i = 0; i < ARRAY_SIZE(p); i++) {
				p[i] = execmem_pool_alloc(tpool(test), EXECMEM_JIT,
							  2 * PAGE_SIZE, nid);
				KUNIT_ASSERT_NOT_NULL(test, p[i]);
			}
			kunit_info(test, "memoryless node %d: %lu areas for %zu allocations\n",
				   nid, execmem_read(tpool(test), EXECMEM_AREAS_ADDED) -
				   added, ARRAY_SIZE(p));
			KUNIT_EXPECT_LE(test, execmem_read(tpool(test),
							   EXECMEM_AREAS_ADDED) - added,
					1UL);
			for (i = 0; i < ARRAY_SIZE(p); i++)
				KUNIT_EXPECT_EQ(test, execmem_pool_free(p[i]), 0);
			continue;
		}
		p[0] = execmem_pool_alloc(tpool(test), EXECMEM_JIT, PAGE_SIZE,
					  nid);
		KUNIT_ASSERT_NOT_NULL(test, p[0]);
		chunk = execmem_chunk_lookup((unsigned long)p[0]);
		KUNIT_EXPECT_EQ(test, chunk->area->map.nid, nid);
		KUNIT_EXPECT_TRUE(test, chunk->area->map.huge);
#ifdef CONFIG_X86
		KUNIT_EXPECT_TRUE(test, pool_pmd_rox((unsigned long)p[0]));
#endif
		KUNIT_EXPECT_EQ(test, execmem_pool_free(p[0]), 0);
	}
	execmem_pool_drain(tpool(test));
}

#ifdef CONFIG_X86
/* I1, I3, I5: every healthy chunk is one RO+X PMD with no direct-map alias. */
static void check_pool_mappings(struct kunit *test, struct execmem_pool *pool,
				unsigned int *nr_huge)
{
	unsigned int not_pmd = 0, not_whole = 0, present = 0;
	struct execmem_chunk *chunk;
	unsigned long flags;

	/* Count under the lock, report after: a failed expectation allocates. */
	spin_lock_irqsave(&pool->lock, flags);
	list_for_each_entry(chunk, &pool->chunks, node) {
		struct page *page = vmalloc_to_page((void *)chunk->start);
		unsigned int i;

		if (!chunk->area->map.huge)
			continue;
		(*nr_huge)++;
		not_pmd += !pool_pmd_rox(chunk->start);
		not_whole += !direct_map_removed_whole(page);
		for (i = 0; i < EXECMEM_CHUNK_PAGES; i++)
			present += kernel_page_present(page + i);
	}
	spin_unlock_irqrestore(&pool->lock, flags);
	KUNIT_EXPECT_EQ_MSG(test, not_pmd, 0, "chunks not mapped by one RO+X PMD");
	KUNIT_EXPECT_EQ_MSG(test, not_whole, 0, "direct map split around chunks");
	KUNIT_EXPECT_EQ_MSG(test, present, 0, "pool pages in the direct map");
}

static void execmem_test_invariants(struct kunit *test)
{
	unsigned int nr_huge = 0, i;
	struct execmem_pool *pool;
	void *objs[8];

	for (i = 0; i < ARRAY_SIZE(objs); i++)
		objs[i] = talloc(test, (16U << i) * 9);
	check_pool_mappings(test, tpool(test), &nr_huge);
	KUNIT_EXPECT_GT(test, nr_huge, 0U);
	for (i = 0; (pool = execmem_pool_by_index(i)); i++)
		check_pool_mappings(test, pool, &nr_huge);
	KUNIT_EXPECT_EQ(test, execmem_read(tpool(test), EXECMEM_CHUNKS_DEGRADED), 0UL);
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		KUNIT_EXPECT_EQ(test, execmem_pool_free(objs[i]), 0);
}

/* I5: a churn of 10,000 objects of mixed sizes never splits the direct map. */
static void execmem_test_churn_direct_map(struct kunit *test)
{
	unsigned long before = direct_map_4k_kb(), after;
	const unsigned int nr = 10000, live = 512;
	void **objs;
	unsigned int i;

	objs = kcalloc(live, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	for (i = 0; i < nr; i++) {
		unsigned int slot = get_random_u32_below(live);
		u32 r = get_random_u32();
		size_t size;

		if (objs[slot]) {
			KUNIT_EXPECT_EQ(test, execmem_pool_free(objs[slot]), 0);
			objs[slot] = NULL;
		}
		/* Mostly small (trampolines, slots), some pages, few large. */
		if (r % 100 < 70)
			size = 16 + r % 2032;
		else if (r % 100 < 98)
			size = PAGE_SIZE + r % (16 * PAGE_SIZE);
		else
			size = 64 * PAGE_SIZE + r % (256 * PAGE_SIZE);
		objs[slot] = execmem_pool_alloc(tpool(test), EXECMEM_JIT, size,
						NUMA_NO_NODE);
		KUNIT_EXPECT_NOT_NULL(test, objs[slot]);
		if (i % 1000 == 999)
			execmem_pool_drain(tpool(test));
	}
	for (i = 0; i < live; i++)
		if (objs[i])
			KUNIT_EXPECT_EQ(test, execmem_pool_free(objs[i]), 0);
	kfree(objs);
	execmem_pool_drain(tpool(test));
	execmem_pool_trim(tpool(test), 0, ULONG_MAX, false);
	execmem_pool_flush_released(tpool(test));
	after = direct_map_4k_kb();
	kunit_info(test, "DirectMap4k before %lu kB after %lu kB, areas added %lu\n",
		   before, after, execmem_read(tpool(test), EXECMEM_AREAS_ADDED));
	KUNIT_EXPECT_NE(test, before, ULONG_MAX);
	KUNIT_EXPECT_EQ(test, after, before);
}

/* The mapping level of @addr, or 0 if it is not mapped. */
static unsigned int map_level(unsigned long addr)
{
	unsigned int level;
	pte_t *pte = lookup_address(addr, &level);

	return pte && (pte_flags(*pte) & _PAGE_PRESENT) ? level : 0;
}

static bool map_writable(unsigned long addr)
{
	unsigned int level;
	pte_t *pte = lookup_address(addr, &level);

	return pte && (pte_flags(*pte) & _PAGE_RW);
}

/*
 * I5 for read-only module data: the pages' direct-map alias is read-only
 * before the user writes them, set_memory_ro() of the mapping changes no
 * alias (same level, DirectMap4k unchanged), and a free gives the pages
 * back; a pointer that is not an object start is refused.
 */
static void execmem_test_rodata_blocks(struct kunit *test)
{
	struct execmem_range r = *test_range();
	struct execmem_rodata_stats st0, st1;
	const unsigned int nr = 5;
	unsigned int level[5], i;
	unsigned long before;
	u8 *p, x = 0;

	/* The module range has no shadow of its own for these mappings. */
	if (IS_ENABLED(CONFIG_KASAN) && !IS_ENABLED(CONFIG_KASAN_VMALLOC))
		kunit_skip(test, "KASAN without KASAN_VMALLOC: the blocks are not used");
	r.pgprot = PAGE_KERNEL;
	r.alignment = PAGE_SIZE;
	r.flags = EXECMEM_RO_BLOCKS;
	execmem_rodata_stats(&st0);
	/* Before: adding a block must not split a 2 MiB page either. */
	before = direct_map_4k_kb();
	p = execmem_rodata_alloc(&r, nr * PAGE_SIZE - 100);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_TRUE(test, map_writable((unsigned long)p));
	memset(p, 0x5a, nr * PAGE_SIZE);
	for (i = 0; i < nr; i++) {
		struct page *page = vmalloc_to_page(p + i * PAGE_SIZE);
		void *alias;

		KUNIT_ASSERT_NOT_NULL(test, page);
		alias = page_address(page);
		level[i] = map_level((unsigned long)alias);
		KUNIT_EXPECT_NE(test, level[i], 0U);
		KUNIT_EXPECT_FALSE(test, map_writable((unsigned long)alias));
		KUNIT_EXPECT_EQ(test, *(u8 *)alias, 0x5a);
		KUNIT_EXPECT_EQ(test, copy_to_kernel_nofault(alias, &x, 1),
				-EFAULT);
	}
	KUNIT_EXPECT_EQ(test, set_memory_ro((unsigned long)p, nr), 0);
	KUNIT_EXPECT_FALSE(test, map_writable((unsigned long)p));
	for (i = 0; i < nr; i++) {
		void *alias = page_address(vmalloc_to_page(p + i * PAGE_SIZE));

		KUNIT_EXPECT_EQ(test, map_level((unsigned long)alias), level[i]);
	}
	KUNIT_EXPECT_EQ(test, direct_map_4k_kb(), before);
	execmem_rodata_stats(&st1);
	KUNIT_EXPECT_EQ(test, st1.pages_used, st0.pages_used + nr);
	KUNIT_EXPECT_GE(test, st1.blocks, 1UL);

	KUNIT_EXPECT_FALSE(test, execmem_rodata_free(p + PAGE_SIZE));
	KUNIT_EXPECT_FALSE(test, execmem_rodata_free(p + 1));
	KUNIT_EXPECT_TRUE(test, execmem_rodata_free(p));
	KUNIT_EXPECT_FALSE(test, execmem_rodata_free(p));
	execmem_rodata_stats(&st1);
	KUNIT_EXPECT_EQ(test, st1.pages_used, st0.pages_used);
	KUNIT_EXPECT_LE(test, st1.empty_blocks, 1UL);
	KUNIT_EXPECT_EQ(test, direct_map_4k_kb(), before);
}

#ifdef CONFIG_HIBERNATION
/* The direct map of @page is present, read-only and a 2 MiB entry. */
static bool direct_map_ro_whole(struct page *page)
{
	unsigned int level;
	pte_t *pte = lookup_address((unsigned long)page_address(page), &level);

	return pte && (pte_flags(*pte) & _PAGE_PRESENT) &&
	       !(pte_flags(*pte) & _PAGE_RW) && level >= PG_LEVEL_2M;
}

static void hide_aliases(void *unused)
{
	execmem_chunks_show_aliases(false);
}

/*
 * What the hibernation snapshot does with a page (safe_copy_page() in
 * kernel/power/snapshot.c): copy it through the direct map, making it
 * present for the copy if it is not.
 */
static void snapshot_copy_page(void *dst, struct page *page)
{
	if (kernel_page_present(page)) {
		copy_page(dst, page_address(page));
		return;
	}
	set_direct_map_default_noflush(page);
	copy_page(dst, page_address(page));
	set_direct_map_invalid_noflush(page);
	flush_tlb_kernel_range((unsigned long)page_address(page),
			       (unsigned long)page_address(page) + PAGE_SIZE);
}

/*
 * I1, I5 across hibernation: between PM_HIBERNATION_PREPARE and
 * PM_POST_HIBERNATION every chunk's alias is present read-only as one
 * 2 MiB entry, so the snapshot copies pool pages without a writable
 * alias and without splitting the direct map; afterwards the alias is
 * gone again, still 2 MiB. An area mapped inside the window gets its
 * alias shown too, and one released inside the window leaves normally.
 */
static void execmem_test_hibernate_aliases(struct kunit *test)
{
	unsigned long before = direct_map_4k_kb();
	struct page *page, *big_page;
	void *p, *big, *buf;
	int ret;

	/* one page for each copy: the last check reads the first again */
	buf = kunit_kmalloc(test, 2 * PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	p = talloc(test, 200);
	write_pattern(test, p, 200, 3);
	page = vmalloc_to_page(p);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_ASSERT_TRUE(test, direct_map_removed_whole(page));

	/* what the PM notifier does at PM_HIBERNATION_PREPARE */
	ret = execmem_chunks_show_aliases(true);
	KUNIT_EXPECT_EQ(test, ret, 0);
	/* a failed assertion must not leave every alias shown for good */
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, hide_aliases,
							NULL), 0);
	KUNIT_EXPECT_TRUE(test, direct_map_ro_whole(page));
	KUNIT_EXPECT_TRUE(test, kernel_page_present(page));

	/* A new area inside the window (more than a chunk: a new area). */
	big = talloc(test, EXECMEM_CHUNK_SIZE + PAGE_SIZE);
	big_page = vmalloc_to_page(big);
	KUNIT_ASSERT_NOT_NULL(test, big_page);
	KUNIT_EXPECT_TRUE(test, direct_map_ro_whole(big_page));

	/* The snapshot's copy reads the object's bytes through the alias. */
	snapshot_copy_page(buf, page);
	KUNIT_EXPECT_EQ(test, memcmp(buf + offset_in_page(p), p, 200), 0);
	snapshot_copy_page(buf + PAGE_SIZE, big_page);
	KUNIT_EXPECT_EQ(test, memcmp(buf + PAGE_SIZE, big, PAGE_SIZE), 0);
	KUNIT_EXPECT_TRUE(test, direct_map_ro_whole(page));
	KUNIT_EXPECT_TRUE(test, direct_map_ro_whole(big_page));
	KUNIT_EXPECT_TRUE(test, pool_pmd_rox((unsigned long)p & ~(EXECMEM_CHUNK_SIZE - 1)));

	/* An area released inside the window goes back present. */
	KUNIT_EXPECT_EQ(test, execmem_pool_free(big), 0);
	execmem_pool_drain(tpool(test));
	execmem_pool_trim(tpool(test), 0, ULONG_MAX, false);
	execmem_pool_flush_released(tpool(test));

	/* ... and at PM_POST_HIBERNATION */
	ret = execmem_chunks_show_aliases(false);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_TRUE(test, direct_map_removed_whole(page));
	KUNIT_EXPECT_FALSE(test, kernel_page_present(page));
	KUNIT_EXPECT_TRUE(test, kernel_page_present(big_page));
	KUNIT_EXPECT_TRUE(test, pool_pmd_rox((unsigned long)p & ~(EXECMEM_CHUNK_SIZE - 1)));
	KUNIT_EXPECT_EQ(test, memcmp(buf + offset_in_page(p), p, 200), 0);
	KUNIT_EXPECT_EQ(test, execmem_pool_free(p), 0);
	execmem_pool_drain(tpool(test));
	KUNIT_EXPECT_NE(test, before, ULONG_MAX);
	KUNIT_EXPECT_EQ(test, direct_map_4k_kb(), before);
}
#endif /* CONFIG_HIBERNATION */
#endif

static void execmem_test_jit_api(struct kunit *test)
{
#ifdef CONFIG_X86
	/* endbr64; mov $42, %eax; ret */
	static const u8 code[] = { 0xf3, 0x0f, 0x1e, 0xfa,
				   0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3 };
	static const u8 imm[] = { 0x07, 0x00, 0x00, 0x00 };
	int (*fn)(void);
	u8 *p = jit_alloc(code, sizeof(code));

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_TRUE(test, execmem_is_rox(EXECMEM_JIT));
	fn = (void *)p;
	KUNIT_EXPECT_EQ(test, fn(), 42);
	KUNIT_EXPECT_EQ(test, jit_update(p + 5, imm, sizeof(imm)), 0);
	KUNIT_EXPECT_EQ(test, fn(), 7);
	jit_free(p);
#else
	kunit_skip(test, "no code sample for this architecture");
#endif
}

/*
 * I8: a shrinker of another subsystem (bcachefs' btree cache) frees pool
 * text from inside reclaim. Lockdep has seen the pool allocate (a new
 * slab, a new chunk); if any of that happened under a lock the free path
 * takes, freeing inside fs_reclaim closes a cycle and lockdep reports it.
 */
static void execmem_test_free_in_reclaim(struct kunit *test)
{
	struct execmem_pool *pool = tpool(test);
	unsigned int noreclaim;
	void *p, *q;

	if (!IS_ENABLED(CONFIG_LOCKDEP))
		kunit_skip(test, "needs CONFIG_LOCKDEP to see the lock order");
	KUNIT_ASSERT_TRUE_MSG(test, debug_locks, "lockdep already off");
	/* A new chunk and a new slab: every allocation the pool makes. */
	p = talloc(test, 48);
	q = talloc(test, 5 * PAGE_SIZE);

	fs_reclaim_acquire(GFP_KERNEL);
	noreclaim = memalloc_noreclaim_save();
	KUNIT_EXPECT_EQ(test, execmem_pool_free(p), 0);
	KUNIT_EXPECT_EQ(test, execmem_pool_free(q), 0);
	/* The shrinker path too: trimming never sleeps. */
	execmem_pool_trim(pool, 0, ULONG_MAX, true);
	memalloc_noreclaim_restore(noreclaim);
	fs_reclaim_release(GFP_KERNEL);

	KUNIT_EXPECT_TRUE(test, debug_locks);
	/* In reclaim the fill was left to the worker. */
	KUNIT_EXPECT_GE(test, execmem_read(pool, EXECMEM_DEFERRED_FILLS), 2UL);
	execmem_pool_drain(pool);
}

/*
 * Item 10: a BPF image freed outside text_mutex and reclaim is trap-filled
 * before the free returns, as bpf_prog_pack_free() did in 6.12.
 */
static void execmem_test_free_fills_now(struct kunit *test)
{
	struct execmem_pool *pool = tpool(test);
	u8 *p = execmem_pool_alloc(pool, EXECMEM_BPF, 300, NUMA_NO_NODE);
	u8 *q = execmem_pool_alloc(pool, EXECMEM_BPF, 2 * PAGE_SIZE,
				   NUMA_NO_NODE);

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, q);
	write_pattern(test, p, 300, 5);
	write_pattern(test, q, 2 * PAGE_SIZE, 6);
	KUNIT_EXPECT_EQ(test, execmem_pool_free(p), 0);
	KUNIT_EXPECT_EQ(test, execmem_pool_free(q), 0);
	KUNIT_EXPECT_EQ(test, execmem_read(pool, EXECMEM_DEFERRED_FILLS), 0UL);
	KUNIT_EXPECT_TRUE(test, all_trap(p, 512));
	KUNIT_EXPECT_TRUE(test, all_trap(q, 2 * PAGE_SIZE));
}

/* I6: jit_update() writes only jit_alloc() objects; len 0 is checked. */
static void execmem_test_update_owner(struct kunit *test)
{
	struct execmem_pool *pool = execmem_type_to_pool(EXECMEM_BPF);
	unsigned long bad;
	u8 buf[16] = { 0x90 };
	u8 *bpf, *jit;

	if (!pool)
		kunit_skip(test, "EXECMEM_BPF is not served by the ROX pool");
	bad = execmem_read(pool, EXECMEM_BAD_CALLS);
	bpf = execmem_alloc(EXECMEM_BPF, 64);
	jit = jit_alloc(buf, sizeof(buf));
	KUNIT_ASSERT_NOT_NULL(test, bpf);
	KUNIT_ASSERT_NOT_NULL(test, jit);

	pr_info("execmem-test: expect-warn begin\n");
	KUNIT_EXPECT_EQ(test, jit_update(bpf, buf, sizeof(buf)), -EINVAL);
	KUNIT_EXPECT_EQ(test, execmem_update(jit + 200, buf, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, execmem_update(buf, buf, 0), -EINVAL);
	pr_info("execmem-test: expect-warn end\n");

	KUNIT_EXPECT_TRUE(test, all_trap(bpf, 64));
	KUNIT_EXPECT_EQ(test, jit_update(jit, buf, sizeof(buf)), 0);
	KUNIT_EXPECT_EQ(test, execmem_update(jit, buf, 0), 0);
	if (execmem_type_to_pool(EXECMEM_JIT) == pool)
		KUNIT_EXPECT_EQ(test, execmem_read(pool, EXECMEM_BAD_CALLS) - bad,
				2UL);
	execmem_free(bpf);
	jit_free(jit);
}

/*
 * Item 3: a double free that comes after the area left the pool but
 * before it was unmapped finds no chunk. It must not reach vfree() of
 * the still-mapped pool area.
 */
static void execmem_test_double_free_released(struct kunit *test)
{
	struct execmem_pool *pool = tpool(test);
	unsigned int tries;

	for (tries = 0; tries < 8; tries++) {
		void *p = talloc(test, EXECMEM_CHUNK_SIZE + PAGE_SIZE);
		struct vm_struct *vm;

		KUNIT_EXPECT_EQ(test, execmem_pool_free(p), 0);
		execmem_pool_drain(pool);
		KUNIT_EXPECT_EQ(test, execmem_pool_trim(pool, 0, ULONG_MAX,
							false), 1UL);
		vm = find_vm_area(p);
		if (!vm)
			continue;	/* released already: try again */
		pr_info("execmem-test: expect-warn begin\n");
		execmem_free(p);
		pr_info("execmem-test: expect-warn end\n");
		execmem_pool_flush_released(pool);
		KUNIT_EXPECT_EQ(test, execmem_read(pool, EXECMEM_AREAS_RELEASED),
				(unsigned long)tries + 1);
		return;
	}
	kunit_skip(test, "the release worker always won the race");
}

static struct kunit_case execmem_test_cases[] = {
	KUNIT_CASE(execmem_test_free_in_reclaim),
	KUNIT_CASE(execmem_test_free_fills_now),
	KUNIT_CASE(execmem_test_update_owner),
	KUNIT_CASE(execmem_test_double_free_released),
	KUNIT_CASE(execmem_test_slab_classes),
	KUNIT_CASE(execmem_test_size_roundup),
	KUNIT_CASE(execmem_test_slab_packing),
	KUNIT_CASE(execmem_test_page_runs),
	KUNIT_CASE(execmem_test_coalescing),
	KUNIT_CASE(execmem_test_large),
	KUNIT_CASE(execmem_test_trap_after_free),
	KUNIT_CASE(execmem_test_bad_input),
	KUNIT_CASE(execmem_test_update_bounds),
	KUNIT_CASE(execmem_test_shrinker_release),
	KUNIT_CASE(execmem_test_text_mutex),
	KUNIT_CASE(execmem_test_numa),
#ifdef CONFIG_X86
	KUNIT_CASE(execmem_test_invariants),
	KUNIT_CASE_SLOW(execmem_test_churn_direct_map),
	KUNIT_CASE(execmem_test_rodata_blocks),
#ifdef CONFIG_HIBERNATION
	KUNIT_CASE(execmem_test_hibernate_aliases),
#endif
#endif
	KUNIT_CASE(execmem_test_jit_api),
	{}
};

static struct kunit_suite execmem_test_suite = {
	.name = "execmem",
	.init = execmem_test_init,
	.exit = execmem_test_exit,
	.test_cases = execmem_test_cases,
};

kunit_test_suite(execmem_test_suite);

MODULE_DESCRIPTION("KUnit tests for the execmem ROX pool");
MODULE_LICENSE("GPL");
