// SPDX-License-Identifier: GPL-2.0
/*
 * execmem page allocator: runs of pages inside 2 MiB chunks.
 *
 * Each chunk is a buddy system of orders 0..EXECMEM_CHUNK_ORDER with its
 * own free lists. A run of n pages is cut from a block of order
 * ceil(log2(n)) and the unused tail goes straight back, so a run wastes
 * less than a page. Freeing coalesces with free buddies, so a chunk whose
 * runs are all freed is one free block again.
 *
 * Every function here but execmem_pages_init_area() is called with
 * pool->lock held, and pages.c is the only writer of page state.
 */

#include "internal.h"

static void pages_block_add(struct execmem_chunk *chunk, unsigned int idx,
			    unsigned int order)
{
	struct execmem_page *pg = &chunk->pages[idx];

	pg->state = EXECMEM_PG_FREE;
	pg->order = order;
	list_add(&pg->node, &chunk->free_area[order]);
}

static void pages_block_del(struct execmem_chunk *chunk, unsigned int idx)
{
	struct execmem_page *pg = &chunk->pages[idx];

	list_del(&pg->node);
	pg->state = EXECMEM_PG_NONE;
}

/* Free the block [idx, idx + 2^order) and merge it with its free buddies. */
static void pages_block_free(struct execmem_chunk *chunk, unsigned int idx,
			     unsigned int order)
{
	while (order < EXECMEM_CHUNK_ORDER) {
		unsigned int buddy = idx ^ (1U << order);
		struct execmem_page *bp = &chunk->pages[buddy];

		if (bp->state != EXECMEM_PG_FREE || bp->order != order)
			break;
		pages_block_del(chunk, buddy);
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
	unsigned int c, i;

	for (c = 0; c < area->nr_chunks; c++) {
		struct execmem_chunk *chunk = area->chunks[c];

		for (i = 0; i <= EXECMEM_CHUNK_ORDER; i++)
			INIT_LIST_HEAD(&chunk->free_area[i]);
		for (i = 0; i < EXECMEM_CHUNK_PAGES; i++)
			chunk->pages[i].state = EXECMEM_PG_NONE;
		pages_block_add(chunk, 0, EXECMEM_CHUNK_ORDER);
		chunk->nr_free = EXECMEM_CHUNK_PAGES;
	}
}

/* Smallest order >= @order with a free block in @chunk, or -1. */
static int pages_fit(struct execmem_chunk *chunk, unsigned int order)
{
	for (; order <= EXECMEM_CHUNK_ORDER; order++)
		if (!list_empty(&chunk->free_area[order]))
			return order;
	return -1;
}

static unsigned long pages_take(struct execmem_chunk *chunk,
				unsigned int nr, unsigned int order,
				unsigned int have)
{
	struct execmem_page *pg;
	unsigned int idx;

	pg = list_first_entry(&chunk->free_area[have], struct execmem_page,
			      node);
	idx = pg - chunk->pages;
	pages_block_del(chunk, idx);
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
	return pages_take(chunk, nr_pages, order, have);
}

/**
 * execmem_pages_alloc - allocate a run of pages from a pool
 * @pool: the pool
 * @nr_pages: pages wanted, 1..%EXECMEM_CHUNK_PAGES
 * @nid: preferred NUMA node, or %NUMA_NO_NODE
 * @strict: only use chunks on @nid
 *
 * Best fit: the chunk whose smallest sufficient free block is smallest,
 * on @nid if any chunk there has room.
 *
 * Return: address of the (unmarked) run, or 0 if no chunk has room.
 */
unsigned long execmem_pages_alloc(struct execmem_pool *pool,
				  unsigned int nr_pages, int nid, bool strict)
{
	unsigned int order = order_base_2(nr_pages);
	struct execmem_chunk *chunk, *best = NULL;
	int best_have = INT_MAX;
	bool best_local = false;

	lockdep_assert_held(&pool->lock);

	list_for_each_entry(chunk, &pool->chunks, node) {
		bool local = nid == NUMA_NO_NODE || chunk->area->nid == nid;
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
	return pages_take(best, nr_pages, order, best_have);
}

/**
 * execmem_pages_set_run - describe an allocated run
 * @chunk: chunk of the run
 * @idx: index of the first page
 * @nr_pages: pages in the run
 * @type: owner type
 * @size: requested bytes
 * @flags: %EXECMEM_RUN_CONT for a run continuing a multi-chunk object
 */
void execmem_pages_set_run(struct execmem_chunk *chunk, unsigned int idx,
			   unsigned int nr_pages, unsigned int type,
			   unsigned long size, u8 flags)
{
	struct execmem_page *pg = &chunk->pages[idx];
	unsigned int i;

	pg->state = EXECMEM_PG_RUN;
	pg->nr_pages = nr_pages;
	pg->size = size;
	pg->type = type;
	pg->flags = flags;
	for (i = 1; i < nr_pages; i++) {
		chunk->pages[idx + i].state = EXECMEM_PG_TAIL;
		chunk->pages[idx + i].head = idx;
	}
}

/**
 * execmem_pages_set_slab - make an allocated page back a slab
 * @chunk: chunk of the page
 * @idx: index of the page
 * @slab: the slab
 */
void execmem_pages_set_slab(struct execmem_chunk *chunk, unsigned int idx,
			    struct execmem_slab *slab)
{
	chunk->pages[idx].state = EXECMEM_PG_SLAB;
	chunk->pages[idx].slab = slab;
}

/**
 * execmem_pages_set_pending - mark a freed run as waiting for its fill
 * @chunk: chunk of the run
 * @idx: index of its head page
 */
void execmem_pages_set_pending(struct execmem_chunk *chunk, unsigned int idx)
{
	struct execmem_page *pg = &chunk->pages[idx];

	pg->state = EXECMEM_PG_PENDING;
	list_add_tail(&pg->node, &chunk->pending);
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
		chunk->pages[idx + i].state = EXECMEM_PG_NONE;
	pages_range_free(chunk, idx, nr_pages);
	chunk->nr_free += nr_pages;
}
