// SPDX-License-Identifier: GPL-2.0
/*
 * execmem page allocator: runs of pages inside 2 MiB chunks.
 *
 * Each chunk is a buddy system of orders 0..EXECMEM_CHUNK_ORDER. The free
 * blocks of each order are bits in chunk->free_map, one bit per possible
 * block of that order, so the whole descriptor of a chunk is a few
 * bitmaps and one 32-bit word per page (see EXECMEM_PG_STATE). A run of n
 * pages is cut from a block of order ceil(log2(n)) and the unused tail
 * goes straight back, so a run wastes less than a page. Freeing coalesces
 * with free buddies, so a chunk whose runs are all freed is one free block
 * again.
 *
 * Every function here but execmem_pages_init_area() is called with
 * pool->lock held, and pages.c is the only reader and writer of the page
 * words and free bitmaps.
 */

#include "internal.h"

/* Bit of the block of @order that starts at page @idx in chunk->free_map. */
static unsigned int block_bit(unsigned int idx, unsigned int order)
{
	return 2 * (EXECMEM_CHUNK_PAGES - (EXECMEM_CHUNK_PAGES >> order)) +
	       (idx >> order);
}

static void set_word(struct execmem_chunk *chunk, unsigned int idx,
		     enum execmem_page_state state, u32 rest)
{
	chunk->pages[idx] = FIELD_PREP(EXECMEM_PG_STATE, state) | rest;
}

static void pages_block_add(struct execmem_chunk *chunk, unsigned int idx,
			    unsigned int order)
{
	set_word(chunk, idx, EXECMEM_PG_FREE, 0);
	__set_bit(block_bit(idx, order), chunk->free_map);
	chunk->nr_blocks[order]++;
}

static void pages_block_del(struct execmem_chunk *chunk, unsigned int idx,
			    unsigned int order)
{
	__clear_bit(block_bit(idx, order), chunk->free_map);
	chunk->nr_blocks[order]--;
	set_word(chunk, idx, EXECMEM_PG_NONE, 0);
}

/* Free the block [idx, idx + 2^order) and merge it with its free buddies. */
static void pages_block_free(struct execmem_chunk *chunk, unsigned int idx,
			     unsigned int order)
{
	while (order < EXECMEM_CHUNK_ORDER) {
		unsigned int buddy = idx ^ (1U << order);

		if (!test_bit(block_bit(buddy, order), chunk->free_map))
			break;
		pages_block_del(chunk, buddy, order);
		idx &= buddy;
		order++;
	}
	pages_block_add(chunk, idx, order);
}

/* Free [idx, idx + nr) as the largest aligned blocks that tile it. */
static void pages_range_free(struct execmem_chunk *chunk, unsigned int idx,
			     unsigned int nr)
{
	unsigned int end = idx + nr;

	while (idx < end) {
		unsigned int order = idx ? __ffs(idx) : EXECMEM_CHUNK_ORDER;

		order = min_t(unsigned int, order, ilog2(end - idx));
		pages_block_free(chunk, idx, order);
		idx += 1U << order;
	}
}

/**
 * execmem_pages_init_area - make each chunk of a new area one free block
 * @area: an area from execmem_chunks_grow(), not yet visible to anybody
 */
void execmem_pages_init_area(struct execmem_area *area)
{
	unsigned int c;

	for (c = 0; c < area->nr_chunks; c++) {
		struct execmem_chunk *chunk = area->chunks[c];

		memset(chunk->nr_blocks, 0, sizeof(chunk->nr_blocks));
		bitmap_zero(chunk->free_map, EXECMEM_FREE_BITS);
		bitmap_zero(chunk->pending, EXECMEM_CHUNK_PAGES);
		/* The addresses may have held code before: dirty. */
		bitmap_fill(chunk->dirty, EXECMEM_CHUNK_PAGES);
		memset(chunk->pages, 0, sizeof(chunk->pages));
		pages_block_add(chunk, 0, EXECMEM_CHUNK_ORDER);
		chunk->nr_free = EXECMEM_CHUNK_PAGES;
	}
}

/* Smallest order >= @order with a free block in @chunk, or -1. */
static int pages_fit(struct execmem_chunk *chunk, unsigned int order)
{
	for (; order <= EXECMEM_CHUNK_ORDER; order++)
		if (chunk->nr_blocks[order])
			return order;
	return -1;
}

/*
 * First page of a free block of @order, picked at random among the
 * chunk's blocks of that order: any of them serves equally well, so the
 * choice costs no fragmentation and gives runs and slabs unpredictable
 * addresses inside the chunk.
 */
static unsigned int pages_pick_block(struct execmem_chunk *chunk,
				     unsigned int order)
{
	unsigned int first = block_bit(0, order);
	unsigned int end = first + (EXECMEM_CHUNK_PAGES >> order);
	unsigned long n = get_random_u32_below(chunk->nr_blocks[order]);

	n += bitmap_weight(chunk->free_map, first);
	return (find_nth_bit(chunk->free_map, end, n) - first) << order;
}

/* Take the free block of order @have at @idx for a run of @nr pages. */
static unsigned long pages_take(struct execmem_chunk *chunk,
				unsigned int nr, unsigned int order,
				unsigned int have, unsigned int idx)
{
	pages_block_del(chunk, idx, have);
	/* Split down to @order, the upper halves go back. */
	while (have > order) {
		have--;
		pages_block_add(chunk, idx + (1U << have), have);
	}
	/* Give back the tail the run does not need. */
	if (nr < (1U << order))
		pages_range_free(chunk, idx + nr, (1U << order) - nr);
	chunk->nr_free -= nr;
	return execmem_page_addr(chunk, idx);
}

/**
 * execmem_pages_alloc_in - allocate a run of pages in a given chunk
 * @chunk: the chunk
 * @nr_pages: pages wanted, 1..%EXECMEM_CHUNK_PAGES
 *
 * The run is not marked; the caller describes it with
 * execmem_pages_set_run() or makes it a slab.
 *
 * Return: address of the run, or 0 if @chunk has no room.
 */
unsigned long execmem_pages_alloc_in(struct execmem_chunk *chunk,
				     unsigned int nr_pages)
{
	unsigned int order = order_base_2(nr_pages);
	int have = pages_fit(chunk, order);

	if (have < 0)
		return 0;
	return pages_take(chunk, nr_pages, order, have,
			  pages_pick_block(chunk, have));
}

/**
 * execmem_pages_clean - whether pages held no code since the last flush
 * @chunk: the chunk
 * @idx: index of the first page
 * @nr_pages: number of pages
 *
 * Return: true if none of the pages is dirty.
 */
bool execmem_pages_clean(const struct execmem_chunk *chunk, unsigned int idx,
			 unsigned int nr_pages)
{
	return find_next_bit(chunk->dirty, idx + nr_pages, idx) >=
	       idx + nr_pages;
}

/**
 * execmem_pages_mark_dirty - note that pages held code that was freed
 * @chunk: the chunk
 * @idx: index of the first page
 * @nr_pages: number of pages
 *
 * Called before the pages can be allocated again.
 */
void execmem_pages_mark_dirty(struct execmem_chunk *chunk, unsigned int idx,
			      unsigned int nr_pages)
{
	bitmap_set(chunk->dirty, idx, nr_pages);
	chunk->area->pool->dirty_seq++;
}

/* A free block of order @order.. whose first @nr pages are clean, or -1. */
static int pages_fit_clean(struct execmem_chunk *chunk, unsigned int nr,
			   unsigned int order, unsigned int *idx)
{
	for (; order <= EXECMEM_CHUNK_ORDER; order++) {
		unsigned int first = block_bit(0, order);
		unsigned int end = first + (EXECMEM_CHUNK_PAGES >> order);
		unsigned int b;

		if (!chunk->nr_blocks[order])
			continue;
		for (b = find_next_bit(chunk->free_map, end, first); b < end;
		     b = find_next_bit(chunk->free_map, end, b + 1)) {
			*idx = (b - first) << order;
			if (execmem_pages_clean(chunk, *idx, nr))
				return order;
		}
	}
	return -1;
}

/**
 * execmem_pages_alloc - allocate a run of pages from a pool
 * @pool: the pool
 * @nr_pages: pages wanted, 1..%EXECMEM_CHUNK_PAGES
 * @nid: preferred NUMA node, or %NUMA_NO_NODE
 * @strict: only use chunks on @nid
 * @clean: only use pages that are not dirty (execmem_pages_clean())
 *
 * Best fit: the chunk whose smallest sufficient free block is smallest,
 * on @nid if any chunk there has room. With @clean, the first clean
 * block found, in any chunk (unless @strict).
 *
 * Return: address of the (unmarked) run, or 0 if no chunk has room.
 */
unsigned long execmem_pages_alloc(struct execmem_pool *pool,
				  unsigned int nr_pages, int nid, bool strict,
				  bool clean)
{
	unsigned int order = order_base_2(nr_pages), idx;
	struct execmem_chunk *chunk, *best = NULL;
	int best_have = INT_MAX;
	bool best_local = false;

	lockdep_assert_held(&pool->lock);

	if (clean) {
		list_for_each_entry(chunk, &pool->chunks, node) {
			int have;

			if (strict && chunk->area->map.nid != nid)
				continue;
			have = pages_fit_clean(chunk, nr_pages, order, &idx);
			if (have >= 0)
				return pages_take(chunk, nr_pages, order, have,
						  idx);
		}
		return 0;
	}

	list_for_each_entry(chunk, &pool->chunks, node) {
		bool local = nid == NUMA_NO_NODE || chunk->area->map.nid == nid;
		int have = pages_fit(chunk, order);

		if (have < 0 || (strict && !local))
			continue;
		if (best && best_local && !local)
			continue;
		if (best && local == best_local && have >= best_have)
			continue;
		best = chunk;
		best_have = have;
		best_local = local;
		if (local && have == order)
			break;
	}
	if (!best)
		return 0;
	return pages_take(best, nr_pages, order, best_have,
			  pages_pick_block(best, best_have));
}

/**
 * execmem_pages_set_run - describe an allocated run
 * @chunk: chunk of the run
 * @idx: index of the first page
 * @nr_pages: pages in the run
 * @type: owner type
 * @size: requested bytes that lie in this run: more than @nr_pages - 1
 *	  pages, at most @nr_pages pages
 * @flags: %EXECMEM_RUN_CONT for a run continuing a multi-chunk object
 */
void execmem_pages_set_run(struct execmem_chunk *chunk, unsigned int idx,
			   unsigned int nr_pages, unsigned int type,
			   unsigned long size, u32 flags)
{
	unsigned long last = size - ((unsigned long)(nr_pages - 1) << PAGE_SHIFT);
	unsigned int i;

	WARN_ON_ONCE(!last || last > PAGE_SIZE);
	set_word(chunk, idx, EXECMEM_PG_RUN,
		 FIELD_PREP(EXECMEM_PG_TYPE, type) |
		 FIELD_PREP(EXECMEM_PG_NR, nr_pages - 1) |
		 FIELD_PREP(EXECMEM_PG_LAST, last - 1) |
		 (flags & EXECMEM_RUN_CONT));
	for (i = 1; i < nr_pages; i++)
		set_word(chunk, idx + i, EXECMEM_PG_TAIL,
			 FIELD_PREP(EXECMEM_PG_HEAD, idx));
}

/**
 * execmem_pages_set_slab - make an allocated page back a slab
 * @chunk: chunk of the page
 * @idx: index of the page
 * @id: the slab's id (see execmem_slab_of())
 */
void execmem_pages_set_slab(struct execmem_chunk *chunk, unsigned int idx,
			    u32 id)
{
	set_word(chunk, idx, EXECMEM_PG_SLAB, FIELD_PREP(EXECMEM_PG_SLAB_ID, id));
}

/**
 * execmem_pages_state - what a page is used for
 * @chunk: the chunk
 * @idx: index of the page
 *
 * Return: an &enum execmem_page_state.
 */
enum execmem_page_state execmem_pages_state(const struct execmem_chunk *chunk,
					    unsigned int idx)
{
	return FIELD_GET(EXECMEM_PG_STATE, chunk->pages[idx]);
}

/**
 * execmem_pages_slab_id - id of the slab a page backs
 * @chunk: the chunk
 * @idx: index of a page in state %EXECMEM_PG_SLAB
 *
 * Return: the id given to execmem_pages_set_slab().
 */
u32 execmem_pages_slab_id(const struct execmem_chunk *chunk, unsigned int idx)
{
	return FIELD_GET(EXECMEM_PG_SLAB_ID, chunk->pages[idx]);
}

static unsigned long run_bytes(u32 word)
{
	return ((unsigned long)FIELD_GET(EXECMEM_PG_NR, word) << PAGE_SHIFT) +
	       FIELD_GET(EXECMEM_PG_LAST, word) + 1;
}

static bool is_cont(const struct execmem_chunk *chunk)
{
	u32 word = chunk->pages[0];

	return FIELD_GET(EXECMEM_PG_STATE, word) == EXECMEM_PG_RUN &&
	       (word & EXECMEM_RUN_CONT);
}

/*
 * Chunks after the first that continue the object whose run is @run:
 * 0 unless the run fills the first chunk of its area.
 */
static unsigned int run_cont_chunks(const struct execmem_run *run)
{
	struct execmem_area *area = run->chunk->area;
	unsigned int c = 1;

	if (run->nr_pages != EXECMEM_CHUNK_PAGES || run->chunk != area->chunks[0])
		return 0;
	while (c < area->nr_chunks && is_cont(area->chunks[c]))
		c++;
	return c - 1;
}

/**
 * execmem_pages_run - describe the live or pending run holding a page
 * @chunk: the chunk
 * @idx: index of any page of the run, in any chunk of its object
 * @run: filled in on success
 *
 * Return: true if the page belongs to a live or pending run.
 */
bool execmem_pages_run(struct execmem_chunk *chunk, unsigned int idx,
		       struct execmem_run *run)
{
	struct execmem_area *area = chunk->area;
	u32 word = chunk->pages[idx];
	unsigned int state, c, n;

	if (FIELD_GET(EXECMEM_PG_STATE, word) == EXECMEM_PG_TAIL) {
		idx = FIELD_GET(EXECMEM_PG_HEAD, word);
		word = chunk->pages[idx];
	}
	if (FIELD_GET(EXECMEM_PG_STATE, word) == EXECMEM_PG_RUN &&
	    (word & EXECMEM_RUN_CONT)) {
		/* An object larger than a chunk starts its area. */
		chunk = area->chunks[0];
		idx = 0;
		word = chunk->pages[0];
	}
	state = FIELD_GET(EXECMEM_PG_STATE, word);
	if (state != EXECMEM_PG_RUN && state != EXECMEM_PG_PENDING)
		return false;

	run->chunk = chunk;
	run->idx = idx;
	run->start = execmem_page_addr(chunk, idx);
	run->size = run_bytes(word);
	run->nr_pages = FIELD_GET(EXECMEM_PG_NR, word) + 1;
	run->type = FIELD_GET(EXECMEM_PG_TYPE, word);
	run->pending = state == EXECMEM_PG_PENDING;
	n = run_cont_chunks(run);
	for (c = 1; c <= n; c++)
		run->size += run_bytes(area->chunks[c]->pages[0]);
	return true;
}

/**
 * execmem_pages_set_pending - mark a freed run as waiting for its fill
 * @chunk: chunk of the run
 * @idx: index of its head page
 */
void execmem_pages_set_pending(struct execmem_chunk *chunk, unsigned int idx)
{
	chunk->pages[idx] &= ~EXECMEM_PG_STATE;
	chunk->pages[idx] |= FIELD_PREP(EXECMEM_PG_STATE, EXECMEM_PG_PENDING);
	__set_bit(idx, chunk->pending);
}

/**
 * execmem_pages_take_pending - take the next pending run of a chunk
 * @chunk: the chunk
 * @run: filled in with the run
 *
 * The run stays pending (nobody can allocate or look it up as live) until
 * execmem_pages_free_run(); it is only taken off the chunk's queue.
 *
 * Return: true if there was one; false if the queue is empty.
 */
bool execmem_pages_take_pending(struct execmem_chunk *chunk,
				struct execmem_run *run)
{
	unsigned int idx = find_first_bit(chunk->pending, EXECMEM_CHUNK_PAGES);

	if (idx >= EXECMEM_CHUNK_PAGES)
		return false;
	__clear_bit(idx, chunk->pending);
	return execmem_pages_run(chunk, idx, run);
}

/**
 * execmem_pages_has_pending - whether a chunk has runs waiting for a fill
 * @chunk: the chunk
 *
 * Return: true if execmem_pages_take_pending() would find one.
 */
bool execmem_pages_has_pending(const struct execmem_chunk *chunk)
{
	return !bitmap_empty(chunk->pending, EXECMEM_CHUNK_PAGES);
}

/**
 * execmem_pages_free - return a run of pages to its chunk
 * @chunk: chunk of the run
 * @idx: index of the first page
 * @nr_pages: pages in the run
 *
 * The pages must already hold trap instructions.
 */
void execmem_pages_free(struct execmem_chunk *chunk, unsigned int idx,
			unsigned int nr_pages)
{
	unsigned int i;

	for (i = 0; i < nr_pages; i++)
		set_word(chunk, idx + i, EXECMEM_PG_NONE, 0);
	execmem_pages_mark_dirty(chunk, idx, nr_pages);
	pages_range_free(chunk, idx, nr_pages);
	chunk->nr_free += nr_pages;
}

/**
 * execmem_pages_free_run - return a filled run, in all its chunks
 * @run: from execmem_pages_take_pending()
 */
void execmem_pages_free_run(const struct execmem_run *run)
{
	struct execmem_area *area = run->chunk->area;
	unsigned int n = run_cont_chunks(run), c;

	/* Counted before freeing: a freed chunk no longer continues the run. */
	for (c = 1; c <= n; c++)
		execmem_pages_free(area->chunks[c], 0,
				   FIELD_GET(EXECMEM_PG_NR,
					     area->chunks[c]->pages[0]) + 1);
	execmem_pages_free(run->chunk, run->idx, run->nr_pages);
}
