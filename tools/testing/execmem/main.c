// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the execmem core: mm/execmem/{api,pool,pages,slab}.c
 * compiled unchanged against the shims in execmem_internal.h, with the
 * backend seam implemented by harness.c on memfd mappings.
 *
 * Output: KTAP (harness.c): header, plan, "ok N name" / "not ok N name"
 * per test, then "N tests run, N passed, N failed[, N skipped]".
 */
#include "kernel.c"

#include <time.h>

/* === Test framework === */

static int t_failed;
static long t_warns;	/* WARNs accounted for so far */

#define T_FAIL(...) do {						\
	printf("# %s:%d: ", __func__, __LINE__);			\
	printf(__VA_ARGS__);						\
	printf("\n");							\
	t_failed++;							\
} while (0)
#define T_ASSERT(c) do {						\
	if (!(c)) {							\
		T_FAIL("assertion failed: %s", #c);			\
		return;							\
	}								\
} while (0)
#define T_EXPECT(c) do { if (!(c)) T_FAIL("expectation failed: %s", #c); } while (0)
#define T_EQ(a, b) do {							\
	long long __a = (long long)(a), __b = (long long)(b);		\
	if (__a != __b) {						\
		T_FAIL("%s == %lld, expected %s == %lld", #a, __a, #b, __b); \
		return;							\
	}								\
} while (0)
/* Exactly @n WARNs since the last check. */
#define T_WARNS(n) do {							\
	long __n = hs.warns - t_warns;					\
	t_warns = hs.warns;						\
	if (__n != (n)) {						\
		T_FAIL("%ld WARNs, expected %d", __n, (n));		\
		return;							\
	}								\
} while (0)

/*
 * Free as kprobes does, with text_mutex held: the trap fill is deferred
 * to the worker, which these tests run when they say so.
 */
static void free_deferred(void *p)
{
	mutex_lock(&text_mutex);
	execmem_free(p);
	mutex_unlock(&text_mutex);
}

static struct execmem_pool *jit_pool(void)
{
	return execmem_type_to_pool(EXECMEM_JIT);
}

/* Run all pending work and release every empty area. */
static void quiesce(void)
{
	struct execmem_pool *pool;
	unsigned int i;

	harness_run_work(true);
	for (i = 0; (pool = execmem_pool_by_index(i)); i++)
		execmem_pool_trim(pool, 0, ULONG_MAX, false);
	/* The release worker unmaps them after the grace period. */
	harness_run_work(false);
}

static unsigned long pool_nr_areas(struct execmem_pool *pool)
{
	struct execmem_area *area;
	unsigned long n = 0;

	list_for_each_entry(area, &pool->areas, node)
		n++;
	return n;
}

/* State of the page at @addr, -1 if it is not pool memory. */
static int page_state(unsigned long addr)
{
	struct execmem_chunk *chunk = execmem_chunk_lookup(addr);

	return chunk ? (int)execmem_pages_state(chunk,
					execmem_chunk_index(chunk, addr)) : -1;
}

/* The slab of the page at @addr, NULL if it backs none. */
static struct execmem_slab *slab_at(unsigned long addr)
{
	struct execmem_chunk *chunk = execmem_chunk_lookup(addr);
	unsigned int idx;

	if (!chunk)
		return NULL;
	idx = execmem_chunk_index(chunk, addr);
	if (execmem_pages_state(chunk, idx) != EXECMEM_PG_SLAB)
		return NULL;
	return execmem_slab_of(chunk->area->pool, chunk, idx);
}

static unsigned long total_objs(void)
{
	struct execmem_pool *pool;
	unsigned long n = 0;
	unsigned int i, t;

	for (i = 0; (pool = execmem_pool_by_index(i)); i++)
		for (t = 0; t < EXECMEM_TYPE_MAX; t++)
			n += pool->stats[t].objs;
	return n;
}

static bool all_cc(const void *p, size_t len)
{
	size_t w;

	return bytes_are(p, len, 0xcc, &w);
}

/* Is the free-list state of @chunk exactly one order-9 block? */
static bool chunk_one_block(struct execmem_chunk *chunk)
{
	unsigned int o;

	for (o = 0; o < EXECMEM_CHUNK_ORDER; o++)
		if (chunk->nr_blocks[o])
			return false;
	return chunk->nr_free == EXECMEM_CHUNK_PAGES &&
	       chunk->nr_blocks[EXECMEM_CHUNK_ORDER] == 1 &&
	       bitmap_weight(chunk->free_map, EXECMEM_FREE_BITS) == 1 &&
	       execmem_pages_state(chunk, 0) == EXECMEM_PG_FREE;
}

/* Free every live object of every pool: a failed test leaves no debris. */
static unsigned long free_all_live(void)
{
	struct execmem_pool *pool;
	struct execmem_chunk *c;
	unsigned long *addrs = NULL, n = 0, cap = 0, k;
	unsigned int i, j;

	for (i = 0; (pool = execmem_pool_by_index(i)); i++) {
		mutex_lock(&pool->lock);
		list_for_each_entry(c, &pool->chunks, node) {
			for (j = 0; j < EXECMEM_CHUNK_PAGES; j++) {
				unsigned int st = execmem_pages_state(c, j), o;
				struct execmem_slab *sl;
				struct execmem_run run;

				if (n + 512 > cap) {
					cap = 2 * cap + 1024;
					addrs = realloc(addrs, cap * sizeof(*addrs));
				}
				if (st == EXECMEM_PG_RUN &&
				    execmem_pages_run(c, j, &run) &&
				    run.start == execmem_page_addr(c, j))
					addrs[n++] = run.start;
				if (st != EXECMEM_PG_SLAB)
					continue;
				sl = execmem_slab_of(pool, c, j);
				for (o = 0; o < sl->nr_objs; o++)
					if (test_bit(o, sl->used) &&
					    !test_bit(o, sl->pending))
						addrs[n++] = sl->addr +
							o * sl->cache->size;
			}
		}
		mutex_unlock(&pool->lock);
	}
	for (k = 0; k < n; k++)
		free_deferred((void *)addrs[k]);
	free(addrs);
	return n;
}

/* === Tests === */

static void test_init_routing(void)
{
	void *p;

	T_EXPECT(execmem_is_rox(EXECMEM_JIT));
	T_EXPECT(execmem_is_rox(EXECMEM_BPF));
	T_EXPECT(execmem_is_rox(EXECMEM_KPROBES));
	T_EXPECT(!execmem_is_rox(EXECMEM_DEFAULT));
	T_EXPECT(!execmem_is_rox(EXECMEM_FTRACE));
	T_EXPECT(!execmem_is_rox(EXECMEM_MODULE_DATA));
	T_EXPECT(!execmem_is_rox(EXECMEM_TYPE_MAX));
	T_ASSERT(jit_pool());
	T_EXPECT(execmem_type_to_pool(EXECMEM_BPF) == jit_pool());
	T_EXPECT(execmem_type_to_pool(EXECMEM_KPROBES) == jit_pool());
	T_EXPECT(execmem_pool_by_index(0) == jit_pool());
	T_EXPECT(!execmem_pool_by_index(1));
	/* The non-pool path: per-allocation "vmalloc". */
	p = execmem_alloc(EXECMEM_DEFAULT, 5000);
	T_ASSERT(p);
	T_EQ(hs.vmallocs, 1);
	T_EXPECT(!is_execmem_pool_text((unsigned long)p));
	free_deferred(p);
	T_EQ(hs.vmallocs, 0);
	free_deferred(NULL);
	T_WARNS(0);
}

static void test_slab_class_fn(void)
{
	T_EQ(execmem_slab_class(0), -EINVAL);
	T_EQ(execmem_slab_class(1), 0);
	T_EQ(execmem_slab_class(16), 0);
	T_EQ(execmem_slab_class(17), 1);
	T_EQ(execmem_slab_class(32), 1);
	T_EQ(execmem_slab_class(33), 2);
	T_EQ(execmem_slab_class(48), 2);
	T_EQ(execmem_slab_class(49), 3);
	T_EQ(execmem_slab_size(192), 192);
	T_EQ(execmem_slab_size(193), 256);
	T_EQ(execmem_slab_size(1025), 1536);
	T_EQ(execmem_slab_size(2049), 3072);
	T_EQ(execmem_slab_class(3072), EXECMEM_NR_CLASSES - 1);
	T_EQ(execmem_slab_class(3073), -EINVAL);
	/* What the review measured: 192, 1088, 2112 and 4160 bytes. */
	T_EQ(execmem_size_roundup(EXECMEM_BPF, 192), 192);
	T_EQ(execmem_size_roundup(EXECMEM_BPF, 1088), 1536);
	T_EQ(execmem_size_roundup(EXECMEM_BPF, 2112), 3072);
	T_EQ(execmem_size_roundup(EXECMEM_BPF, 4160), 8192);
	T_EQ(execmem_size_roundup(EXECMEM_DEFAULT, 100), 100);
}

static void test_slab_classes(void)
{
	struct execmem_pool *pool = jit_pool();
	unsigned int c, half;

	for (c = 0; c < EXECMEM_NR_CLASSES; c++) {
		struct execmem_cache *cache = &pool->caches[EXECMEM_JIT][c];
		unsigned int size = cache->size;
		unsigned long span = (unsigned long)cache->slab_pages << PAGE_SHIFT;

		for (half = 0; half < 2; half++) {
			unsigned int req = !half ? size :
					   c ? cache[-1].size + 1 : 1;
			unsigned int nr = cache->slab_objs, i, k;
			void **objs = calloc(nr + 1, sizeof(void *));
			DECLARE_BITMAP(seen, 3 * PAGE_SIZE / 16) = { 0 };
			unsigned long page, used0 = pool->stats[EXECMEM_JIT].used;
			struct execmem_slab *sl;
			void *again;

			T_EQ(span / size, nr);
			T_EQ(execmem_size_roundup(EXECMEM_JIT, req), size);
			for (i = 0; i <= nr; i++) {
				objs[i] = execmem_alloc(EXECMEM_JIT, req);
				T_ASSERT(objs[i]);
				/* Aligned to the largest power of two in size. */
				T_EQ((unsigned long)objs[i] % (size & -size), 0);
				T_ASSERT(all_cc(objs[i], size));
			}
			/*
			 * nr objects fill one slab, each object of it once,
			 * in random order; the next one is elsewhere.
			 */
			page = (unsigned long)objs[0];
			for (i = 1; i < nr; i++)
				page = min(page, (unsigned long)objs[i]);
			T_EQ(page % PAGE_SIZE, 0);
			for (i = 0; i < nr; i++) {
				unsigned long off = (unsigned long)objs[i] - page;

				T_EXPECT(off < span && off % size == 0);
				T_EXPECT(!test_and_set_bit(off / size, seen));
			}
			T_EXPECT((unsigned long)objs[nr] - page >= span);
			sl = slab_at(page);
			T_ASSERT(sl);
			for (i = 1; i < cache->slab_pages; i++)
				T_EXPECT(slab_at(page + i * PAGE_SIZE) == sl);
			T_EQ(sl->nr_objs, nr);
			T_EQ(sl->cache->size, size);
			T_EQ(pool->stats[EXECMEM_JIT].used - used0,
			     (unsigned long)(nr + 1) * size);
			/* Freed: not reusable before the fill. */
			k = ((unsigned long)objs[1] - page) / size;
			free_deferred(objs[1]);
			again = execmem_alloc(EXECMEM_JIT, req);
			T_ASSERT(again && again != objs[1]);
			free_deferred(again);
			harness_run_work(false);
			/* Reusable after the fill: its bit is clear again. */
			T_EXPECT(!test_bit(k, sl->used));
			T_EXPECT(!test_bit(k, sl->pending));
			T_EQ(sl->nr_used, nr - 1);
			again = execmem_alloc(EXECMEM_JIT, req);
			T_ASSERT(again);
			objs[1] = again;
			for (i = 0; i <= nr; i++)
				free_deferred(objs[i]);
			T_EXPECT(page_state(page) == EXECMEM_PG_SLAB);
			harness_run_work(false);
			/* The empty slab gave its pages back. */
			T_EXPECT(page_state(page) != EXECMEM_PG_SLAB);
			T_EQ(cache->nr_slabs, 0);
			T_ASSERT(all_cc((void *)page, span));
			free(objs);
		}
	}
	T_WARNS(0);
}

static void test_slab_types_apart(void)
{
	void *a = execmem_alloc(EXECMEM_JIT, 64);
	void *b = execmem_alloc(EXECMEM_BPF, 64);
	void *c = execmem_alloc(EXECMEM_KPROBES, 64);

	T_ASSERT(a && b && c);
	T_EXPECT(((unsigned long)a & PAGE_MASK) != ((unsigned long)b & PAGE_MASK));
	T_EXPECT(((unsigned long)a & PAGE_MASK) != ((unsigned long)c & PAGE_MASK));
	T_EQ(jit_pool()->stats[EXECMEM_BPF].objs, 1);
	free_deferred(a);
	free_deferred(b);
	free_deferred(c);
}

static void test_page_runs(void)
{
	struct execmem_pool *pool = jit_pool();
	unsigned int n;

	quiesce();
	for (n = 1; n <= EXECMEM_CHUNK_PAGES; n++) {
		size_t size = n * PAGE_SIZE - (n == 1 ? 1000 : n % 4000);
		struct execmem_chunk *chunk;
		struct execmem_run run;
		unsigned int i, free0;
		void *p;

		p = execmem_alloc(EXECMEM_JIT, size);
		T_ASSERT(p);
		T_EQ((unsigned long)p % PAGE_SIZE, 0);
		chunk = execmem_chunk_lookup((unsigned long)p);
		T_ASSERT(chunk);
		T_EQ(page_state((unsigned long)p), EXECMEM_PG_RUN);
		T_ASSERT(execmem_pages_run(chunk, execmem_chunk_index(chunk,
					   (unsigned long)p), &run));
		T_EQ(run.nr_pages, n);
		T_EQ(run.size, size);
		T_EQ(run.start, (unsigned long)p);
		for (i = 1; i < n; i++)
			T_EQ(page_state((unsigned long)p + i * PAGE_SIZE),
			     EXECMEM_PG_TAIL);
		/* Waste below one page. */
		T_EQ(chunk->nr_free, EXECMEM_CHUNK_PAGES - n);
		T_EQ(pool->stats[EXECMEM_JIT].used, PAGE_ALIGN(size));
		free0 = chunk->nr_free;
		free_deferred(p);
		T_EQ(chunk->nr_free, free0);
		harness_run_work(false);
		T_ASSERT(chunk_one_block(chunk));
	}
	T_EQ(pool_nr_areas(pool), 1);
	T_WARNS(0);
}

static void test_buddy_coalesce(void)
{
	static const unsigned int sizes[] = { 1, 3, 5, 7, 17, 100, 2, 64, 33, 9 };
	void *objs[10];
	struct execmem_chunk *chunk;
	unsigned int i, sum = 0;
	unsigned long long seed = 42;

	quiesce();
	for (i = 0; i < 10; i++) {
		objs[i] = execmem_alloc(EXECMEM_BPF, sizes[i] * PAGE_SIZE);
		T_ASSERT(objs[i]);
		sum += sizes[i];
		T_EXPECT(execmem_chunk_lookup((unsigned long)objs[i]) ==
			 execmem_chunk_lookup((unsigned long)objs[0]));
	}
	chunk = execmem_chunk_lookup((unsigned long)objs[0]);
	T_EQ(chunk->nr_free, EXECMEM_CHUNK_PAGES - sum);
	/* Free in a scrambled order, some fills in between. */
	for (i = 0; i < 10; i++) {
		unsigned int j;

		seed = seed * 6364136223846793005ULL + 1;
		j = (seed >> 33) % (10 - i);
		free_deferred(objs[j]);
		objs[j] = objs[9 - i];
		if (i % 3 == 1)
			harness_run_work(false);
	}
	harness_run_work(false);
	T_EXPECT(chunk_one_block(chunk));
	T_ASSERT(all_cc((void *)chunk->start, EXECMEM_CHUNK_SIZE));
}

static void test_best_fit(void)
{
	void *x, *z, *w, *p;
	struct execmem_chunk *a, *b;

	quiesce();
	x = execmem_alloc(EXECMEM_JIT, EXECMEM_CHUNK_SIZE);	/* all of A */
	z = execmem_alloc(EXECMEM_JIT, PAGE_SIZE);		/* B */
	w = execmem_alloc(EXECMEM_JIT, PAGE_SIZE);		/* B */
	T_ASSERT(x && z && w);
	a = execmem_chunk_lookup((unsigned long)x);
	b = execmem_chunk_lookup((unsigned long)z);
	T_ASSERT(a != b && execmem_chunk_lookup((unsigned long)w) == b);
	free_deferred(x);
	free_deferred(z);
	harness_run_work(false);
	T_ASSERT(chunk_one_block(a));
	/* A has an order-9 block, B an order-0 hole: B's hole wins. */
	p = execmem_alloc(EXECMEM_JIT, PAGE_SIZE);
	T_EXPECT(p == z);
	free_deferred(p);
	/* Two pages: B's order-1 block, not A. */
	p = execmem_alloc(EXECMEM_JIT, 2 * PAGE_SIZE);
	T_EXPECT(execmem_chunk_lookup((unsigned long)p) == b);
	free_deferred(p);
	free_deferred(w);
}

static void test_large_objects(void)
{
	struct execmem_pool *pool = jit_pool();
	size_t size = EXECMEM_CHUNK_SIZE + 5000;
	struct execmem_chunk *c0, *c1;
	struct execmem_owner owner;
	struct execmem_run run;
	long rel0 = harness_trace.chunk_release;
	unsigned char buf[64];
	void *p, *small, *tiny, *huge3;

	quiesce();
	p = execmem_alloc(EXECMEM_BPF, size);
	T_ASSERT(p);
	T_EQ((unsigned long)p % EXECMEM_CHUNK_SIZE, 0);
	c0 = execmem_chunk_lookup((unsigned long)p);
	c1 = execmem_chunk_lookup((unsigned long)p + EXECMEM_CHUNK_SIZE);
	T_ASSERT(c0 && c1 && c0->area == c1->area);
	T_EQ(c0->area->nr_chunks, 2);
	T_EQ(c1->start, c0->start + EXECMEM_CHUNK_SIZE);
	T_EXPECT(c1->pages[0] & EXECMEM_RUN_CONT);
	T_ASSERT(execmem_pages_run(c1, 1, &run));
	T_EQ(run.chunk, c0);
	T_EQ(run.start, (unsigned long)p);
	T_EQ(run.size, size);
	T_EQ(run.nr_pages, EXECMEM_CHUNK_PAGES);
	T_EQ(pool->stats[EXECMEM_BPF].used, PAGE_ALIGN(size));
	T_EQ(pool->stats[EXECMEM_BPF].requested, size);
	/* Owner from the second chunk, an update across the boundary. */
	T_EQ(execmem_pool_lookup((unsigned long)p + size - 10, 10, &owner), 0);
	T_EQ(owner.start, (unsigned long)p);
	T_EQ(owner.size, size);
	memset(buf, 0x5a, sizeof(buf));
	T_EQ(execmem_update((char *)p + EXECMEM_CHUNK_SIZE - 32, buf, 64), 0);
	T_EXPECT(!memcmp((char *)p + EXECMEM_CHUNK_SIZE - 32, buf, 64));
	T_EQ(execmem_update((char *)p + size - 63, buf, 64), -EINVAL);
	T_WARNS(1);
	/* The tail of the last chunk serves other objects. */
	small = execmem_alloc(EXECMEM_JIT, 3 * PAGE_SIZE);
	tiny = execmem_alloc(EXECMEM_JIT, 100);
	T_ASSERT(small && tiny);
	T_EXPECT(execmem_chunk_lookup((unsigned long)small) == c1);
	T_EXPECT(execmem_chunk_lookup((unsigned long)tiny) == c1);
	T_EQ(pool_nr_areas(pool), 1);
	free_deferred(p);
	harness_run_work(false);
	T_EXPECT(execmem_chunk_empty(c0));
	T_ASSERT(all_cc((void *)c0->start, EXECMEM_CHUNK_SIZE));
	T_ASSERT(all_cc((void *)c1->start, PAGE_SIZE));
	/* Not released while the tail is in use. */
	T_EQ(execmem_pool_trim(pool, 0, ULONG_MAX, false), 0);
	free_deferred(small);
	free_deferred(tiny);
	harness_run_work(false);
	T_EQ(execmem_pool_trim(pool, 0, ULONG_MAX, false), 1);
	harness_run_work(false);
	T_EQ(harness_trace.chunk_release - rel0, 1);
	T_EQ(harness_trace.last_chunk_size, 2 * EXECMEM_CHUNK_SIZE);
	T_EQ(hs.nr_areas, 0);
	/* 3 MiB, and exactly two chunks. */
	huge3 = execmem_alloc(EXECMEM_KPROBES, 3 << 20);
	p = execmem_alloc(EXECMEM_KPROBES, 2 * EXECMEM_CHUNK_SIZE);
	T_ASSERT(huge3 && p);
	T_EQ(hs.nr_areas, 2);
	T_EXPECT(all_cc(huge3, 3 << 20) && all_cc(p, 2 * EXECMEM_CHUNK_SIZE));
	free_deferred(huge3);
	free_deferred(p);
	quiesce();
	T_EQ(hs.nr_areas, 0);
	T_WARNS(0);
}

static void test_owner_lookup(void)
{
	struct execmem_owner o;
	unsigned long a, s;
	int local;
	void *p = execmem_alloc(EXECMEM_JIT, 10000);
	void *q = execmem_alloc(EXECMEM_KPROBES, 100);

	T_ASSERT(p && q);
	a = (unsigned long)p;
	s = (unsigned long)q;
	T_EQ(execmem_pool_lookup(a, 0, &o), 0);
	T_EQ(o.start, a);
	T_EQ(o.size, 10000);
	T_EQ(o.type, EXECMEM_JIT);
	T_EXPECT(o.pool == jit_pool());
	T_EQ(execmem_pool_lookup(a + 5000, 100, &o), 0);
	T_EQ(o.start, a);
	T_EQ(execmem_pool_lookup(a + 9999, 1, &o), 0);
	T_EQ(execmem_pool_lookup(a + 9999, 2, &o), -EINVAL);
	T_EQ(execmem_pool_lookup(a, 10001, &o), -EINVAL);
	T_EQ(execmem_pool_lookup(a + 5000, ~0UL, &o), -EINVAL);
	T_EQ(execmem_pool_lookup(s + 50, 50, &o), 0);
	T_EQ(o.start, s);
	T_EQ(o.type, EXECMEM_KPROBES);
	T_EQ(execmem_pool_lookup(s + 50, 51, &o), -EINVAL);
	T_EQ(execmem_pool_lookup(s + 128, 1, &o), -EINVAL);
	T_EQ(execmem_pool_lookup((unsigned long)&local, 1, &o), -ENOENT);
	free_deferred(p);
	T_EQ(execmem_pool_lookup(a, 1, &o), -EINVAL);
	free_deferred(q);
	T_EQ(execmem_pool_lookup(s, 1, &o), -EINVAL);
	T_WARNS(0);
}

/* Regression: lookup with @len 0 accepted the byte one past the object. */
static void test_lookup_len0_past_end(void)
{
	struct execmem_owner o;
	void *p = execmem_alloc(EXECMEM_JIT, 10000);
	void *q = execmem_alloc(EXECMEM_JIT, 100);
	int r1, r2;

	T_ASSERT(p && q);
	r1 = execmem_pool_lookup((unsigned long)p + 10000, 0, &o);
	r2 = execmem_pool_lookup((unsigned long)q + 100, 0, &o);
	free_deferred(p);
	free_deferred(q);
	T_EQ(r1, -EINVAL);
	T_EQ(r2, -EINVAL);
}

static void test_deferred_fill(void)
{
	struct execmem_pool *pool = jit_pool();
	unsigned char code[2 * PAGE_SIZE];
	long fills0 = execmem_read(pool, EXECMEM_FILLS);
	long fb0 = execmem_read(pool, EXECMEM_FILL_BYTES);
	struct execmem_owner o;
	void *p, *p2, *s, *s2;

	memset(code, 0x11, sizeof(code));
	p = execmem_alloc(EXECMEM_JIT, sizeof(code));
	s = execmem_alloc(EXECMEM_JIT, 200);
	T_ASSERT(p && s);
	T_EQ(execmem_update(p, code, sizeof(code)), 0);
	T_EQ(execmem_update(s, code, 200), 0);
	free_deferred(p);
	free_deferred(s);
	T_EXPECT(harness_work_pending());
	/* Not filled yet, and not reusable. */
	T_EXPECT(((unsigned char *)p)[0] == 0x11);
	T_EQ(execmem_pool_lookup((unsigned long)p, 1, &o), -EINVAL);
	p2 = execmem_alloc(EXECMEM_JIT, sizeof(code));
	s2 = execmem_alloc(EXECMEM_JIT, 200);
	T_ASSERT(p2 && s2);
	T_EXPECT(p2 != p && s2 != s);
	free_deferred(p2);
	free_deferred(s2);
	harness_run_work(false);
	T_EXPECT(all_cc(p, sizeof(code)));
	T_EXPECT(all_cc(s, 256));
	T_EXPECT(execmem_read(pool, EXECMEM_FILLS) - fills0 >= 3);
	T_EQ(execmem_read(pool, EXECMEM_FILL_BYTES) - fb0,
	     2 * sizeof(code) + 2 * 256);
	/* Reusable now. */
	p2 = execmem_alloc(EXECMEM_JIT, sizeof(code));
	s2 = execmem_alloc(EXECMEM_JIT, 200);
	T_EXPECT(p2 == p || p2 != NULL);
	T_EXPECT(s2 == s || s2 != NULL);
	free_deferred(p2);
	free_deferred(s2);
	T_WARNS(0);
}

static void test_jit_api(void)
{
	unsigned char code[300], more[10];
	long up0 = execmem_read(jit_pool(), EXECMEM_UPDATES);
	void *p;

	memset(code, 0x90, sizeof(code));
	memset(more, 0xc3, sizeof(more));
	p = jit_alloc(code, sizeof(code));
	T_ASSERT(p);
	T_EXPECT(!memcmp(p, code, sizeof(code)));
	T_EXPECT(jit_pool()->stats[EXECMEM_JIT].requested == sizeof(code));
	T_EQ(jit_update((char *)p + 290, more, 10), 0);
	T_EXPECT(!memcmp((char *)p + 290, more, 10));
	T_EQ(jit_update((char *)p + 291, more, 10), -EINVAL);
	T_WARNS(1);
	T_EQ(execmem_read(jit_pool(), EXECMEM_UPDATES) - up0, 2);
	jit_free(p);
	T_EQ(jit_pool()->stats[EXECMEM_JIT].objs, 0);
	T_WARNS(0);
}

/* Snapshot of everything a rejected call must leave alone. */
struct snap {
	struct execmem_type_stats st[EXECMEM_TYPE_MAX];
	unsigned long nr_free, areas, pending;
};

static void take_snap(struct snap *s)
{
	struct execmem_pool *pool = jit_pool();
	struct execmem_chunk *c;

	memset(s, 0, sizeof(*s));
	memcpy(s->st, pool->stats, sizeof(s->st));
	list_for_each_entry(c, &pool->chunks, node)
		s->nr_free += c->nr_free;
	s->areas = hs.nr_areas;
	s->pending = harness_work_pending();
}

static bool same_snap(void)
{
	struct snap now, *then = &(struct snap){ 0 };
	extern struct snap t_snap;

	take_snap(&now);
	*then = t_snap;
	return !memcmp(&now, then, sizeof(now));
}
struct snap t_snap;

static void test_bad_calls(void)
{
	struct execmem_pool *pool = jit_pool();
	unsigned char buf[64] = { 0 };
	long bad0;
	int local = 0;
	void *p = execmem_alloc(EXECMEM_JIT, 100);
	void *r = execmem_alloc(EXECMEM_BPF, 3 * PAGE_SIZE);
	void *f = execmem_alloc(EXECMEM_JIT, 100);

	T_ASSERT(p && r && f);
	free_deferred(f);
	harness_run_work(false);
	f = execmem_alloc(EXECMEM_BPF, 100);	/* another slab: f's slot is free */
	T_ASSERT(f);
	free_deferred(f);
	T_WARNS(0);
	take_snap(&t_snap);
	bad0 = execmem_read(pool, EXECMEM_BAD_CALLS);

	/* Double free (object pending), then after its fill. */
	free_deferred(f);
	T_WARNS(1);
	T_EXPECT(same_snap());
	/* Interior pointers. */
	free_deferred((char *)p + 16);
	T_WARNS(1);
	free_deferred((char *)r + PAGE_SIZE);
	T_WARNS(1);
	free_deferred((char *)r + 1);
	T_WARNS(1);
	T_EXPECT(same_snap());
	/* Foreign pointer: not pool memory, goes to vfree(), which warns. */
	free_deferred(&local);
	T_WARNS(1);
	T_EXPECT(same_snap());
	/* Zero and oversized sizes. */
	T_EXPECT(!execmem_alloc(EXECMEM_JIT, 0));
	T_WARNS(1);
	T_EXPECT(!execmem_alloc(EXECMEM_KPROBES,
				HARNESS_RANGE_END - HARNESS_RANGE_START + 1));
	T_WARNS(1);
	T_EXPECT(!jit_alloc(buf, 0));
	T_WARNS(1);
	T_EXPECT(same_snap());
	T_EQ(execmem_read(pool, EXECMEM_BAD_CALLS) - bad0, 4 + 3);
	/* Out-of-bounds, freed, foreign, wrapping updates. */
	T_EQ(execmem_update((char *)p + 90, buf, 11), -EINVAL);
	T_WARNS(1);
	T_EQ(execmem_update((char *)r + 3 * PAGE_SIZE - 1, buf, 2), -EINVAL);
	T_WARNS(1);
	T_EQ(execmem_update((char *)r + 3 * PAGE_SIZE, buf, 1), -EINVAL);
	T_WARNS(1);
	T_EQ(execmem_update(f, buf, 1), -EINVAL);
	T_WARNS(1);
	T_EQ(execmem_update(&local, buf, 1), -EINVAL);
	T_WARNS(1);
	T_EQ(execmem_update((char *)r + 10, buf, ~0UL - 5), -EINVAL);
	T_WARNS(1);
	T_EQ(execmem_read(pool, EXECMEM_BAD_CALLS) - bad0, 4 + 3 + 5);
	T_EXPECT(same_snap());
	T_EXPECT(all_cc(p, 100) && all_cc(r, 3 * PAGE_SIZE));
	free_deferred(p);
	free_deferred(r);
	T_WARNS(0);
}

/* A rejected free_deferred() is counted in the pool's bad_calls. */
static void test_bad_free_counted(void)
{
	struct execmem_pool *pool = jit_pool();
	void *p = execmem_alloc(EXECMEM_JIT, 100);
	long bad0 = execmem_read(pool, EXECMEM_BAD_CALLS);

	T_ASSERT(p);
	free_deferred(p);
	free_deferred(p);
	free_deferred((char *)p + 1);
	T_WARNS(2);
	T_EQ(execmem_read(pool, EXECMEM_BAD_CALLS) - bad0, 2);
}

static void test_trim_spare(void)
{
	struct execmem_pool *pool = jit_pool();
	long rel0, shr0;
	void *p[3];
	int i;

	quiesce();
	T_EQ(hs.nr_areas, 0);
	for (i = 0; i < 3; i++) {
		p[i] = execmem_alloc(EXECMEM_JIT, EXECMEM_CHUNK_SIZE);
		T_ASSERT(p[i]);
	}
	T_EQ(hs.nr_areas, 3);
	T_EQ(execmem_read(pool, EXECMEM_CHUNKS_HEALTHY), 3);
	for (i = 0; i < 3; i++)
		free_deferred(p[i]);
	T_EQ(execmem_pool_releasable(pool, false), 0);
	harness_run_work(false);
	T_EQ(execmem_pool_releasable(pool, false), 2);
	/* The shrinker does not wait for the lock. */
	mutex_lock(&pool->lock);
	T_EQ(execmem_pool_releasable(pool, true), 0);
	T_EQ(execmem_pool_trim(pool, 0, ULONG_MAX, true), 0);
	mutex_unlock(&pool->lock);
	rel0 = execmem_read(pool, EXECMEM_AREAS_RELEASED);
	shr0 = execmem_read(pool, EXECMEM_SHRINKER_RELEASES);
	T_EQ(execmem_pool_trim(pool, pool->spare, 1, true), 1);
	harness_run_work(false);
	T_EQ(execmem_read(pool, EXECMEM_SHRINKER_RELEASES) - shr0, 1);
	/* The idle trim (delayed work) keeps the spare. */
	harness_run_work(true);
	T_EQ(hs.nr_areas, 1);
	T_EQ(pool_nr_areas(pool), 1);
	T_EQ(execmem_read(pool, EXECMEM_AREAS_RELEASED) - rel0, 2);
	T_EQ(execmem_read(pool, EXECMEM_CHUNKS_HEALTHY), 1);
	T_EQ(execmem_pool_releasable(pool, false), 0);
	T_EQ(execmem_pool_trim(pool, 0, ULONG_MAX, false), 1);
	harness_run_work(false);
	T_EQ(hs.nr_areas, 0);
	T_EQ(execmem_read(pool, EXECMEM_CHUNKS_HEALTHY), 0);
	T_WARNS(0);
}

static void test_counters_degraded(void)
{
	struct execmem_pool *pool = jit_pool();
	long add0 = execmem_read(pool, EXECMEM_AREAS_ADDED);
	long ta0 = harness_trace.alloc, tf0 = harness_trace.free;
	long tc0 = harness_trace.chunk_add;
	unsigned char b[8] = { 1 };
	struct execmem_area *area;
	void *p, *q;

	quiesce();
	hs.degraded = true;
	p = execmem_alloc(EXECMEM_JIT, 5000);
	hs.degraded = false;
	T_ASSERT(p);
	area = execmem_chunk_lookup((unsigned long)p)->area;
	T_EXPECT(!area->map.huge);
	T_EXPECT(!harness_trace.last_chunk_huge);
	T_EQ(execmem_read(pool, EXECMEM_CHUNKS_DEGRADED), 1);
	T_EQ(execmem_read(pool, EXECMEM_CHUNKS_HEALTHY), 0);
	q = execmem_alloc(EXECMEM_JIT, EXECMEM_CHUNK_SIZE);
	T_ASSERT(q);
	T_EQ(execmem_read(pool, EXECMEM_CHUNKS_HEALTHY), 1);
	T_EQ(execmem_read(pool, EXECMEM_AREAS_ADDED) - add0, 2);
	T_EQ(harness_trace.chunk_add - tc0, 2);
	T_EQ(harness_trace.alloc - ta0, 2);
	T_EQ(execmem_update(p, b, 8), 0);
	T_EQ(harness_trace.free - tf0, 0);
	free_deferred(p);
	free_deferred(q);
	T_EQ(harness_trace.free - tf0, 2);
	quiesce();
	T_EQ(execmem_read(pool, EXECMEM_CHUNKS_DEGRADED), 0);
	T_EQ(execmem_read(pool, EXECMEM_CHUNKS_HEALTHY), 0);
	T_WARNS(0);
}

/* One fixed sequence touching every allocation point. */
static void fi_sequence(void)
{
	static const size_t sizes[] = { 100, 100, 3000, 3 * PAGE_SIZE,
					(3 << 20), 16, 2048, EXECMEM_CHUNK_SIZE };
	unsigned char b[4] = { 1, 2, 3, 4 };
	void *p[8];
	unsigned int i;

	for (i = 0; i < 8; i++) {
		p[i] = execmem_alloc(i & 1 ? EXECMEM_BPF : EXECMEM_JIT, sizes[i]);
		if (p[i] && execmem_update(p[i], b, 4))
			T_FAIL("update after injected failure");
	}
	for (i = 0; i < 8; i += 2)
		free_deferred(p[i]);
	harness_run_work(false);
	for (i = 1; i < 8; i += 2)
		free_deferred(p[i]);
	harness_run_work(true);
}

static void test_kmalloc_failure_injection(void)
{
	long base_live, n, k, mode;

	quiesce();
	base_live = hs.live_allocs;
	n = hs.allocs;
	fi_sequence();
	quiesce();
	n = hs.allocs - n;
	T_ASSERT(n > 5);
	T_EQ(hs.live_allocs, base_live);
	for (mode = 0; mode < 2; mode++) {
		for (k = 1; k <= n + 1; k++) {
			hs.fail_nth = hs.allocs + k;
			hs.fail_every_from = mode;
			fi_sequence();
			harness_reset_knobs();
			quiesce();
			if (hs.nr_areas || hs.live_allocs != base_live ||
			    total_objs() || hs.errors) {
				T_FAIL("mode %ld, failing allocation %ld of %ld: %ld areas, %ld leaked allocations, %lu objects",
				       mode, k, n, hs.nr_areas,
				       hs.live_allocs - base_live, total_objs());
				return;
			}
		}
	}
	/* The backend failing to map. */
	for (k = 1; k <= 6; k++) {
		hs.map_fail_nth = hs.map_calls + k;
		fi_sequence();
		harness_reset_knobs();
		quiesce();
		T_EQ(hs.nr_areas, 0);
		T_EQ(hs.live_allocs, base_live);
	}
	T_WARNS(0);
}

/* Regression: the third grow of execmem_pool_alloc() leaked its area. */
static void test_grow_leak(void)
{
	struct execmem_pool *pool = jit_pool();
	size_t words = BITS_TO_LONGS(PAGE_SIZE / 16);
	void *p;

	quiesce();
	/* Fail only the slab descriptor of class 16. */
	hs.fail_size = sizeof(struct execmem_slab) + 2 * words * sizeof(long) +
		       (PAGE_SIZE / 16) * sizeof(u16);
	p = execmem_alloc(EXECMEM_JIT, 16);
	harness_reset_knobs();
	T_ASSERT(!p);
	quiesce();
	T_EQ(pool_nr_areas(pool), 0);
	T_EQ(hs.nr_areas, 0);	/* an area mapped but never published */
}

static void test_exec_view_faults(void)
{
	void *p = execmem_alloc(EXECMEM_JIT, 64);
	void *r = execmem_alloc(EXECMEM_KPROBES, 5 * PAGE_SIZE);
	struct harness_area *ha;

	T_ASSERT(p && r);
	T_EXPECT(*(volatile unsigned char *)p == 0xcc);
	T_EXPECT(harness_write_faults(p));
	T_EXPECT(harness_write_faults((char *)r + 3 * PAGE_SIZE + 7));
	ha = harness_find_area((unsigned long)p);
	T_ASSERT(ha);
	T_EXPECT(harness_write_faults((void *)(ha->start + ha->size - 1)));
	T_EXPECT(!harness_has_wx_mapping());
	free_deferred(p);
	free_deferred(r);
	harness_run_work(true);
	T_EXPECT(!harness_has_wx_mapping());
}

static bool in_area(const void *s, size_t len)
{
	struct harness_area *ha;
	unsigned long a = (unsigned long)s;

	list_for_each_entry(ha, &harness_areas, node)
		if (a < ha->start + ha->size && ha->start < a + len)
			return true;
	return false;
}

static void test_metadata_outside(void)
{
	struct execmem_pool *pool = jit_pool();
	struct execmem_area *area;
	struct model m;
	unsigned int i, j;
	unsigned long checked = 0;
	struct model_src s = { .state = 7 };

	model_init(&m);
	for (i = 0; i < 400; i++)
		model_step(&m, &s, false);
	T_EXPECT(!in_area(pool, sizeof(*pool)));
	list_for_each_entry(area, &pool->areas, node) {
		T_EXPECT(!in_area(area, struct_size(area, chunks, area->nr_chunks)));
		for (i = 0; i < area->nr_chunks; i++) {
			struct execmem_chunk *c = area->chunks[i];

			T_EXPECT(!in_area(c, sizeof(*c)));
			checked++;
			for (j = 0; j < EXECMEM_CHUNK_PAGES; j++) {
				struct execmem_slab *sl;

				if (execmem_pages_state(c, j) != EXECMEM_PG_SLAB)
					continue;
				sl = execmem_slab_of(pool, c, j);
				T_EXPECT(!in_area(sl, sizeof(*sl)));
				T_EXPECT(!in_area(sl->used, 2 * sizeof(long)));
				T_EXPECT(!in_area(sl->sizes, sl->nr_objs * 2));
				checked++;
			}
		}
	}
	T_EXPECT(checked > 2);
	model_destroy(&m);
	if (m.failed)
		T_FAIL("model: %s", m.why);
}

static void test_destroy(void)
{
	struct execmem_pool *pool = jit_pool();
	void *p = execmem_alloc(EXECMEM_JIT, 300);

	T_ASSERT(p);
	T_EQ(execmem_pool_destroy(pool), -EBUSY);
	T_EQ(execmem_pool_lookup((unsigned long)p, 300, &(struct execmem_owner){0}), 0);
	free_deferred(p);
	T_EQ(execmem_pool_destroy(pool), 0);
	T_EQ(hs.nr_areas, 0);
	p = execmem_alloc(EXECMEM_JIT, 300);	/* still usable */
	T_ASSERT(p);
	free_deferred(p);
	T_WARNS(0);
}

static unsigned int nr_seeds = 4, nr_ops = 2500;

static void random_run(unsigned long long seed, bool concurrent)
{
	struct model m;
	struct model_src s = { .state = seed * 0x9e3779b97f4a7c15ULL + 1 };
	unsigned int i;

	model_init(&m);
	m.concurrent = concurrent;
	hs.quiet = true;
	if (concurrent)
		harness_start_worker();
	for (i = 0; i < nr_ops && !m.failed; i++) {
		model_step(&m, &s, !concurrent);
		if (i % 200 == 199)
			model_check(&m, false);
	}
	if (concurrent)
		harness_stop_worker();
	harness_run_work(false);
	m.npend = 0;
	model_check(&m, true);
	model_destroy(&m);
	harness_run_work(false);
	hs.quiet = false;
	t_warns = hs.warns;
	if (m.failed)
		T_FAIL("seed %llu: op %ld: %s (%d failures)", seed, m.ops,
		       m.why, m.failed);
}

static void test_random(void)
{
	unsigned long long seed0 = 1, s;

	if (getenv("EXECMEM_SEED"))
		seed0 = strtoull(getenv("EXECMEM_SEED"), NULL, 0);
	for (s = seed0; s < seed0 + nr_seeds; s++) {
		printf("# random: seed %llu, %u ops\n", s, nr_ops);
		random_run(s, false);
	}
}

static void test_concurrent_worker(void)
{
	unsigned long long s;

	for (s = 100; s < 102; s++) {
		printf("# concurrent: seed %llu, %u ops\n", s, nr_ops);
		random_run(s, true);
	}
}

/* === Runner === */


/* === Regression tests for the review of 2026-12 === */

static void *reclaim_victim;
static unsigned int reclaim_freed;

/* A shrinker of another subsystem that frees pool text (bcachefs). */
static void reclaim_frees_victim(void)
{
	void *p = reclaim_victim;

	reclaim_victim = NULL;
	if (p) {
		execmem_free(p);
		reclaim_freed++;
	}
}

/*
 * I8: an allocation the pool makes may enter reclaim, and reclaim may free
 * pool objects. No allocation runs under pool->lock, so this neither
 * deadlocks (the old slab_create() allocated under it: recursive lock)
 * nor allocates under the spinlock (harness_in_atomic).
 */
static void test_reclaim_frees(void)
{
	unsigned int i;
	void *p[40];

	reclaim_freed = 0;
	for (i = 0; i < 40; i++) {
		size_t size = jit_pool()->caches[0][i % EXECMEM_NR_CLASSES].size;

		reclaim_victim = execmem_alloc(EXECMEM_JIT, size);
		T_ASSERT(reclaim_victim);
		harness_reclaim_hook = reclaim_frees_victim;
		/* Every size class needs a new slab: a descriptor allocation. */
		p[i] = execmem_alloc(EXECMEM_KPROBES, size);
		harness_reclaim_hook = NULL;
		T_ASSERT(p[i]);
		if (reclaim_victim)
			execmem_free(reclaim_victim);
	}
	/* At least one new slab per size class, each from reclaim. */
	T_EXPECT(reclaim_freed >= EXECMEM_NR_CLASSES);
	for (i = 0; i < 40; i++)
		execmem_free(p[i]);
	T_EQ(hs.lockdep, 0);
}

static void *race_obj, *race_new;
static bool race_filled;

static void *race_worker(void *arg)
{
	(void)arg;
	harness_run_work(false);
	__atomic_store_n(&race_filled, true, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * The owner frees the object while execmem_update() writes it, and the
 * fill worker runs on another CPU: the filled memory must not be handed
 * out (and so written) before the update is over.
 */
static void race_free_during_copy(void *dst)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	pthread_t t;

	(void)dst;
	harness_copy_hook = NULL;
	free_deferred(race_obj);
	pthread_create(&t, NULL, race_worker, NULL);
	nanosleep(&ts, NULL);
	race_new = execmem_alloc(EXECMEM_JIT, 256);
	pthread_detach(t);
}

static void test_update_free_race(void)
{
	unsigned char buf[256];
	size_t where;

	memset(buf, 0x90, sizeof(buf));
	race_obj = execmem_alloc(EXECMEM_JIT, 256);
	T_ASSERT(race_obj);
	race_filled = false;
	harness_copy_hook = race_free_during_copy;
	/* The write races with the free: it may land, but only in race_obj. */
	execmem_update(race_obj, buf, sizeof(buf));
	T_ASSERT(race_new);
	T_EXPECT(race_new != race_obj);
	T_EXPECT(bytes_are(race_new, 256, 0xcc, &where));
	while (!__atomic_load_n(&race_filled, __ATOMIC_ACQUIRE))
		;
	/* I4: after the fill, the freed object holds traps again. */
	T_EXPECT(bytes_are(race_obj, 256, 0xcc, &where));
	execmem_free(race_new);
}

/* jit_update() writes only jit_alloc() objects; a zero length is checked. */
static void test_jit_update_owner(void)
{
	static const unsigned char code[] = { 0xc3 };
	void *bpf = execmem_alloc(EXECMEM_BPF, 64);
	void *jit = jit_alloc(code, sizeof(code));
	size_t where;

	T_ASSERT(bpf && jit);
	T_EQ(jit_update(bpf, code, 1), -EINVAL);
	T_WARNS(1);
	T_EXPECT(bytes_are(bpf, 64, 0xcc, &where));
	T_EQ(jit_update(jit, code, 1), 0);
	T_EQ(execmem_update((char *)jit + 100, code, 0), -EINVAL);
	T_WARNS(1);
	T_EQ(execmem_update((void *)code, code, 0), -EINVAL);
	T_WARNS(1);
	T_EQ(execmem_update(jit, code, 0), 0);
	execmem_free(bpf);
	jit_free(jit);
}

/*
 * Item 10: a BPF free without text_mutex fills before it returns, as
 * bpf_prog_pack_free() invalidated in 6.12; kprobes and code generators
 * free under locks of their own, and always defer.
 */
static void test_free_fills_now(void)
{
	struct execmem_pool *pool = execmem_type_to_pool(EXECMEM_BPF);
	unsigned char buf[100];
	long deferred = execmem_read(pool, EXECMEM_DEFERRED_FILLS);
	size_t where;
	void *p, *q;

	memset(buf, 0x90, sizeof(buf));
	p = execmem_alloc(EXECMEM_BPF, 100);
	q = execmem_alloc(EXECMEM_BPF, 3 * PAGE_SIZE);
	T_ASSERT(p && q);
	T_EQ(execmem_update(p, buf, 100), 0);
	T_EQ(execmem_update(q, buf, 100), 0);
	execmem_free(p);
	execmem_free(q);
	T_EQ(execmem_read(pool, EXECMEM_DEFERRED_FILLS), deferred);
	T_EXPECT(bytes_are(p, 128, 0xcc, &where));
	T_EXPECT(bytes_are(q, 3 * PAGE_SIZE, 0xcc, &where));
	/* Under text_mutex it is deferred, and counted. */
	p = execmem_alloc(EXECMEM_BPF, 100);
	T_EQ(execmem_update(p, buf, 100), 0);
	free_deferred(p);
	T_EQ(execmem_read(pool, EXECMEM_DEFERRED_FILLS), deferred + 1);
	T_EXPECT(!bytes_are(p, 100, 0xcc, &where));
	harness_run_work(false);
	T_EXPECT(bytes_are(p, 128, 0xcc, &where));
	/* A kprobe slot: always the worker. */
	p = execmem_alloc(EXECMEM_KPROBES, 100);
	T_EQ(execmem_update(p, buf, 100), 0);
	execmem_free(p);
	T_EQ(execmem_read(pool, EXECMEM_DEFERRED_FILLS), deferred + 2);
	harness_run_work(false);
	T_EXPECT(bytes_are(p, 128, 0xcc, &where));
}

/*
 * Item 6: when growing for a node gets memory from another node, later
 * allocations for that node use the chunk instead of growing again.
 */
static void test_node_fallback(void)
{
	struct execmem_pool *pool = jit_pool();
	long added = execmem_read(pool, EXECMEM_AREAS_ADDED);
	unsigned int i;
	void *p[20];

	quiesce();
	added = execmem_read(pool, EXECMEM_AREAS_ADDED);
	harness_node = 1;
	hs.mem_node = 0;
	for (i = 0; i < 20; i++) {
		p[i] = execmem_alloc(EXECMEM_JIT, 2 * PAGE_SIZE);
		T_ASSERT(p[i]);
	}
	T_EQ(execmem_read(pool, EXECMEM_AREAS_ADDED) - added, 1);
	for (i = 0; i < 20; i++)
		execmem_free(p[i]);
	harness_node = 0;
	hs.mem_node = -1;
	/* The grow armed the trim: the idle area goes back by itself. */
	T_EXPECT(pool->trim_work.work.pending);
}

/* A node's grow fails: chunks of other nodes still serve it. */
static void test_node_grow_fails(void)
{
	void *a, *b;

	quiesce();
	a = execmem_alloc(EXECMEM_JIT, PAGE_SIZE);	/* a chunk on node 0 */
	T_ASSERT(a);
	harness_node = 1;
	hs.map_fail_nth = hs.map_calls + 1;
	b = execmem_alloc(EXECMEM_JIT, PAGE_SIZE);
	harness_node = 0;
	hs.map_fail_nth = 0;
	T_ASSERT(b);
	T_EQ(execmem_chunk_lookup((unsigned long)b)->area->map.nid, 0);
	execmem_free(a);
	execmem_free(b);
}

/* Item 9: the spare is one chunk, never a whole multi-chunk area. */
static void test_spare_one_chunk(void)
{
	struct execmem_pool *pool = jit_pool();
	void *p;

	quiesce();
	T_EQ(hs.nr_areas, 0);
	p = execmem_alloc(EXECMEM_JIT, 5 * EXECMEM_CHUNK_SIZE - PAGE_SIZE);
	T_ASSERT(p);
	T_EQ(hs.nr_areas, 1);
	execmem_free(p);
	harness_run_work(false);	/* the fill worker */
	T_EQ(execmem_pool_releasable(pool, false), 1);
	T_EQ(execmem_pool_trim(pool, pool->spare, ULONG_MAX, false), 1);
	harness_run_work(false);
	T_EQ(hs.nr_areas, 0);
}

/* The release of a trimmed area waits for its grace period. */
static void test_release_after_gp(void)
{
	struct execmem_pool *pool = jit_pool();
	unsigned long n, ops;
	long areas;
	bool gone;
	void *p;

	quiesce();
	ops = execmem_read(pool, EXECMEM_DIRECT_MAP_OPS);
	p = execmem_alloc(EXECMEM_JIT, PAGE_SIZE);
	T_ASSERT(p);
	/* The chunk store counts what the backend reports: one 2 MiB change. */
	T_EQ(execmem_read(pool, EXECMEM_DIRECT_MAP_OPS) - ops, 1);
	execmem_free(p);
	harness_run_work(false);	/* the fill worker */
	rcu_read_lock();
	n = execmem_pool_trim(pool, 0, ULONG_MAX, false);
	/* Unpublished at once, still mapped for the reader. */
	gone = !is_execmem_pool_text((unsigned long)p);
	areas = hs.nr_areas;
	rcu_read_unlock();
	T_EQ(n, 1);
	T_EXPECT(gone);
	T_EQ(areas, 1);
	harness_run_work(false);
	T_EQ(hs.nr_areas, 0);
	T_EQ(execmem_read(pool, EXECMEM_DIRECT_MAP_OPS) - ops, 2);
}

/*
 * No metadata allocation of the pool is larger than a page: a chunk's
 * descriptor was 16,616 B (a 32 KiB kmalloc) with a list_head and a
 * pointer per page.
 */
static void test_metadata_fits_page(void)
{
	static const size_t sizes[] = { 16, 48, 100, 384, 3000, PAGE_SIZE,
					5 * PAGE_SIZE, EXECMEM_CHUNK_SIZE,
					5 * EXECMEM_CHUNK_SIZE / 2 };
	void *p[ARRAY_SIZE(sizes)];
	unsigned int i;

	quiesce();
	printf("# chunk descriptor %zu B, slab descriptor header %zu B\n",
	       sizeof(struct execmem_chunk), sizeof(struct execmem_slab));
	hs.max_alloc = 0;
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		p[i] = execmem_alloc(i % 2 ? EXECMEM_BPF : EXECMEM_JIT, sizes[i]);
		T_ASSERT(p[i]);
	}
	T_EXPECT(jit_pool()->stats[EXECMEM_JIT].objs +
		 jit_pool()->stats[EXECMEM_BPF].objs >= ARRAY_SIZE(sizes));
	printf("# largest metadata allocation %zu B\n", hs.max_alloc);
	T_EXPECT(hs.max_alloc > 0 && hs.max_alloc <= PAGE_SIZE);
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		free_deferred(p[i]);
	T_WARNS(0);
}

/*
 * Objects do not land at predictable places inside a chunk: the first
 * object of a new slab, and a page run taken among several free blocks
 * of the same order. Placement was lowest-first (slabs) and last-freed
 * first (runs), the same on every run.
 */
static void test_placement_in_chunk(void)
{
	DECLARE_BITMAP(offs, PAGE_SIZE / 64) = { 0 };
	DECLARE_BITMAP(pages, 16) = { 0 };
	unsigned int r, i;

	for (r = 0; r < 20; r++) {
		void *p, *run[16];

		quiesce();
		p = execmem_alloc(EXECMEM_JIT, 64);
		T_ASSERT(p);
		__set_bit(((unsigned long)p % PAGE_SIZE) / 64, offs);
		free_deferred(p);

		quiesce();
		for (i = 0; i < 16; i++) {
			run[i] = execmem_alloc(EXECMEM_JIT, 2 * PAGE_SIZE);
			T_ASSERT(run[i]);
		}
		for (i = 0; i < 16; i += 2)
			free_deferred(run[i]);
		harness_run_work(false);
		/* Eight free order-1 blocks: which one serves? */
		p = execmem_alloc(EXECMEM_JIT, 2 * PAGE_SIZE);
		T_ASSERT(p);
		for (i = 0; i < 16; i += 2)
			if (p == run[i])
				__set_bit(i, pages);
		for (i = 1; i < 16; i += 2)
			free_deferred(run[i]);
		free_deferred(p);
	}
	printf("# 20 new slabs: %u distinct first offsets; 8 free runs: %u chosen\n",
	       bitmap_weight(offs, PAGE_SIZE / 64), bitmap_weight(pages, 16));
	T_EXPECT(bitmap_weight(offs, PAGE_SIZE / 64) >= 8);
	T_EXPECT(bitmap_weight(pages, 16) >= 3);
	T_WARNS(0);
}

/*
 * Memory for code that needs a predictor flush (cBPF) is clean unless
 * code was freed there since the last flush: a free elsewhere, of any
 * type, does not make the next allocation ask for a flush. The old
 * sequence moved on every free of every type of the pool.
 */
static void test_clean_alloc(void)
{
	struct execmem_pool *pool = jit_pool();
	struct execmem_chunk *chunk;
	void *a, *b, *c, *d, *k;
	u64 seq, s2;

	quiesce();
	a = execmem_alloc_clean(EXECMEM_BPF, 200, &seq);
	T_ASSERT(a);
	T_EXPECT(seq != 0);		/* a new chunk is dirty */
	execmem_flushed(EXECMEM_BPF, seq);
	b = execmem_alloc_clean(EXECMEM_BPF, 200, &s2);
	T_ASSERT(b);
	T_EQ(s2, 0);

	/* Another type's free, in its own slab: still clean. */
	k = execmem_alloc(EXECMEM_KPROBES, 64);
	T_ASSERT(k);
	execmem_free(k);
	harness_run_work(false);
	c = execmem_alloc_clean(EXECMEM_BPF, 200, &s2);
	T_ASSERT(c);
	T_EQ(s2, 0);

	/* A BPF free dirties its slab: the next one goes elsewhere, clean. */
	execmem_free(b);
	harness_run_work(false);
	d = execmem_alloc_clean(EXECMEM_BPF, 200, &s2);
	T_ASSERT(d);
	T_EQ(s2, 0);
	T_EXPECT(((unsigned long)d & PAGE_MASK) != ((unsigned long)a & PAGE_MASK));
	b = execmem_alloc(EXECMEM_BPF, 200);	/* eBPF: any memory */
	T_ASSERT(b);

	/* A flush that raced with a free cleans nothing. */
	seq = pool->dirty_seq;
	execmem_free(b);
	harness_run_work(false);
	execmem_flushed(EXECMEM_BPF, seq);
	chunk = execmem_chunk_lookup((unsigned long)a);
	T_EXPECT(!execmem_pages_clean(chunk, execmem_chunk_index(chunk,
				      (unsigned long)a), 1));
	execmem_flushed(EXECMEM_BPF, pool->dirty_seq);
	T_EXPECT(execmem_pages_clean(chunk, 0, EXECMEM_CHUNK_PAGES));

	/* An object above a chunk gets a new, dirty area. */
	k = execmem_alloc_clean(EXECMEM_BPF, EXECMEM_CHUNK_SIZE + PAGE_SIZE, &s2);
	T_ASSERT(k);
	T_EXPECT(s2 != 0);
	execmem_free(k);

	execmem_free(a);
	execmem_free(c);
	execmem_free(d);
	T_WARNS(0);
}

static long nr_aliases_shown(void)
{
	struct harness_area *ha;
	long n = 0;

	pthread_mutex_lock(&harness_areas_lock);
	list_for_each_entry(ha, &harness_areas, node)
		n += ha->alias_shown;
	pthread_mutex_unlock(&harness_areas_lock);
	return n;
}

/*
 * Hibernation (hibernate.c): between show(true) and show(false) every
 * mapped area has its alias shown, areas mapped in between included; an
 * area released in between leaves; a failure to show rolls back, and a
 * grow in the window whose alias cannot be shown gives its area back.
 */
static void test_hibernate_aliases(void)
{
	struct execmem_pool *pool = jit_pool();
	void *a, *b, *c, *d;
	long areas, leaked;

	quiesce();
	a = execmem_alloc(EXECMEM_JIT, PAGE_SIZE);
	b = execmem_alloc(EXECMEM_JIT, EXECMEM_CHUNK_SIZE);
	T_ASSERT(a && b);
	T_EQ(hs.nr_areas, 2);
	T_EQ(nr_aliases_shown(), 0);
	T_EQ(execmem_chunks_show_aliases(true), 0);
	T_EQ(nr_aliases_shown(), 2);
	/* Shown twice: nothing happens (harness_error() otherwise). */
	T_EQ(execmem_chunks_show_aliases(true), 0);
	c = execmem_alloc(EXECMEM_JIT, EXECMEM_CHUNK_SIZE);
	T_ASSERT(c);
	T_EQ(hs.nr_areas, 3);
	T_EQ(nr_aliases_shown(), 3);
	free_deferred(b);
	harness_run_work(false);
	T_EQ(execmem_pool_trim(pool, 0, ULONG_MAX, false), 1);
	harness_run_work(false);
	T_EQ(hs.nr_areas, 2);
	T_EQ(nr_aliases_shown(), 2);
	T_EQ(execmem_chunks_show_aliases(false), 0);
	T_EQ(nr_aliases_shown(), 0);

	/* The second area cannot be shown: the first is hidden again. */
	hs.show_fail_nth = hs.show_calls + 2;
	T_EQ(execmem_chunks_show_aliases(true), -ENOMEM);
	T_EQ(nr_aliases_shown(), 0);
	T_EQ(execmem_chunks_show_aliases(false), 0);

	/* A grow in the window that cannot show its alias maps nothing. */
	T_EQ(execmem_chunks_show_aliases(true), 0);
	hs.show_fail_nth = hs.show_calls + 1;
	areas = hs.nr_areas;
	d = execmem_alloc(EXECMEM_JIT, EXECMEM_CHUNK_SIZE);
	T_EQ(hs.nr_areas, areas + (d ? 1 : 0));
	T_EQ(nr_aliases_shown(), hs.nr_areas);
	T_EQ(execmem_chunks_show_aliases(false), 0);
	T_EQ(nr_aliases_shown(), 0);
	hs.show_fail_nth = 0;
	if (d)
		free_deferred(d);
	free_deferred(a);
	free_deferred(c);
	harness_run_work(false);
	T_WARNS(0);

	/*
	 * A range the backend leaked (mapped, alias removed, cannot go
	 * back) stays listed: its alias is shown and hidden with the rest.
	 * Last: the leaked range stays for the rest of the run.
	 */
	leaked = execmem_read(pool, EXECMEM_AREAS_LEAKED);
	hs.map_leak_nth = hs.map_calls + 1;
	hs.map_fail_nth = hs.map_calls + 2;	/* and no second try */
	T_ASSERT(!execmem_alloc(EXECMEM_JIT, 2 * EXECMEM_CHUNK_SIZE));
	hs.map_leak_nth = hs.map_fail_nth = 0;
	T_EQ(execmem_read(pool, EXECMEM_AREAS_LEAKED), leaked + 1);
	areas = hs.nr_areas;
	T_EQ(execmem_chunks_show_aliases(true), 0);
	T_EQ(nr_aliases_shown(), areas + 1);
	T_EQ(execmem_chunks_show_aliases(false), 0);
	T_EQ(nr_aliases_shown(), 0);
}

struct test {
	const char *name;
	void (*fn)(void);
};

#define T(fn)	{ #fn, test_##fn }

static const struct test tests[] = {
	T(init_routing),
	T(slab_class_fn),
	T(slab_classes),
	T(slab_types_apart),
	T(page_runs),
	T(buddy_coalesce),
	T(best_fit),
	T(large_objects),
	T(owner_lookup),
	T(deferred_fill),
	T(jit_api),
	T(bad_calls),
	T(trim_spare),
	T(counters_degraded),
	T(kmalloc_failure_injection),
	T(exec_view_faults),
	T(metadata_outside),
	T(destroy),
	T(random),
	T(concurrent_worker),
	T(bad_free_counted),
	T(lookup_len0_past_end),
	T(grow_leak),
	T(reclaim_frees),
	T(update_free_race),
	T(jit_update_owner),
	T(free_fills_now),
	T(node_fallback),
	T(spare_one_chunk),
	T(node_grow_fails),
	T(hibernate_aliases),
	T(release_after_gp),
	T(metadata_fits_page),
	T(placement_in_chunk),
	T(clean_alloc),
};

static void print_usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-x NAME=COMMAND]... [FILTER]\n"
		"  FILTER      run only the tests whose name contains it\n"
		"  -x N=CMD    after the unit tests, run CMD as test N\n",
		prog);
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned int i, nr = 0, nr_cmds = 0;
	const char *only, *cmds[8];
	struct timespec t0, t1;
	int opt;

	while ((opt = getopt(argc, argv, "x:")) != -1) {
		if (opt != 'x' || !strchr(optarg, '=') || nr_cmds == 8)
			print_usage(argv[0]);
		cmds[nr_cmds++] = optarg;
	}
	if (argc - optind > 1)
		print_usage(argv[0]);
	only = optind < argc ? argv[optind] : NULL;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (getenv("EXECMEM_SEEDS"))
		nr_seeds = atoi(getenv("EXECMEM_SEEDS"));
	if (getenv("EXECMEM_OPS"))
		nr_ops = atoi(getenv("EXECMEM_OPS"));
	hs.verbose = getenv("EXECMEM_HARNESS_VERBOSE");
	for (i = 0; i < ARRAY_SIZE(tests); i++)
		if (!only || strstr(tests[i].name, only))
			nr++;
	harness_ktap_plan(nr + nr_cmds);
	harness_reset_knobs();
	execmem_init();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		const struct test *t = &tests[i];
		long errs = hs.errors, lockdep = hs.lockdep;

		if (only && !strstr(t->name, only))
			continue;
		t_failed = 0;
		t_warns = hs.warns;
		t->fn();
		harness_reset_knobs();
		if (hs.warns != t_warns)
			T_FAIL("%ld unexpected WARNs", hs.warns - t_warns);
		if (hs.errors != errs)
			T_FAIL("%ld harness errors", hs.errors - errs);
		if (hs.lockdep != lockdep)
			T_FAIL("%ld lockdep failures", hs.lockdep - lockdep);
		if (total_objs()) {
			T_FAIL("%lu objects left live", total_objs());
			free_all_live();
		}
		if (hs.vmallocs)
			T_FAIL("%ld vmalloc objects left", hs.vmallocs);
		quiesce();
		harness_ktap_result(t->name, !t_failed, NULL);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("# %.2f s\n", (t1.tv_sec - t0.tv_sec) +
	       (t1.tv_nsec - t0.tv_nsec) / 1e9);
	for (i = 0; i < nr_cmds; i++) {
		const char *eq = strchr(cmds[i], '=');
		char name[64];

		snprintf(name, sizeof(name), "%.*s", (int)(eq - cmds[i]),
			 cmds[i]);
		harness_ktap_run_command(name, eq + 1);
	}
	return harness_ktap_finish();
}
