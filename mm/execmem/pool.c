// SPDX-License-Identifier: GPL-2.0
/*
 * execmem pool: areas of 2 MiB chunks, owner lookup, size routing, the
 * deferred trap fill of freed memory and the release of empty areas.
 *
 * An area is what the backend maps in one go: one chunk when the pool
 * grows, several adjacent chunks for an object larger than a chunk. The
 * area is given back only when every chunk in it is empty.
 *
 * Freed memory is not reusable until it holds trap instructions again
 * (invariant I4). Filling it means poking text, which takes text_mutex on
 * x86, and kprobes frees slots with text_mutex held, so the free path only
 * marks the object pending and a worker fills it and returns it.
 */

#define pr_fmt(fmt) "execmem: " fmt

#include "internal.h"

/* Every chunk of every pool, indexed by address >> EXECMEM_CHUNK_SHIFT. */
static DEFINE_XARRAY(execmem_chunks);

/* Delay after the last fill before empty areas beyond the spare go back. */
#define EXECMEM_TRIM_DELAY	(2 * HZ)

const char *const execmem_counter_names[EXECMEM_NR_COUNTERS] = {
	[EXECMEM_CHUNKS_HEALTHY]	= "chunks_healthy",
	[EXECMEM_CHUNKS_DEGRADED]	= "chunks_degraded",
	[EXECMEM_AREAS_ADDED]		= "areas_added",
	[EXECMEM_AREAS_RELEASED]	= "areas_released",
	[EXECMEM_SHRINKER_RELEASES]	= "shrinker_releases",
	[EXECMEM_DIRECT_MAP_OPS]	= "direct_map_ops",
	[EXECMEM_FREES]			= "frees",
	[EXECMEM_UPDATES]		= "updates",
	[EXECMEM_UPDATE_BYTES]		= "update_bytes",
	[EXECMEM_FILLS]			= "fills",
	[EXECMEM_FILL_BYTES]		= "fill_bytes",
	[EXECMEM_BAD_CALLS]		= "bad_calls",
};

/* === Areas and chunks === */

static void execmem_fill_workfn(struct work_struct *work);
static void execmem_trim_workfn(struct work_struct *work);

/**
 * execmem_pool_init - set up an empty pool
 * @pool: the pool
 * @range: range its chunks are mapped in; must outlive the pool
 */
void execmem_pool_init(struct execmem_pool *pool,
		       const struct execmem_range *range)
{
	unsigned int i;

	pool->range = range;
	mutex_init(&pool->lock);
	mutex_init(&pool->fill_lock);
	INIT_LIST_HEAD(&pool->areas);
	INIT_LIST_HEAD(&pool->chunks);
	INIT_LIST_HEAD(&pool->pending_chunks);
	INIT_LIST_HEAD(&pool->pending_slabs);
	execmem_slab_init_caches(pool);
	memset(pool->stats, 0, sizeof(pool->stats));
	for (i = 0; i < EXECMEM_NR_COUNTERS; i++)
		atomic_long_set(&pool->counters[i], 0);
	INIT_WORK(&pool->fill_work, execmem_fill_workfn);
	INIT_DELAYED_WORK(&pool->trim_work, execmem_trim_workfn);
	pool->spare = EXECMEM_SPARE_AREAS;
}

static void area_free_structs(struct execmem_area *area)
{
	unsigned int i;

	for (i = 0; i < area->nr_chunks; i++)
		kvfree(area->chunks[i]);
	kfree(area);
}

/**
 * execmem_pool_grow - map a new area, not yet visible to allocations
 * @pool: the pool
 * @nr_chunks: chunks in the area
 * @nid: NUMA node for its memory
 *
 * Sleeps. Must not be called with pool->lock held: mapping may reclaim,
 * and the shrinker takes that lock.
 *
 * Return: the area, to be passed to execmem_pool_publish(), or NULL.
 */
static struct execmem_area *execmem_pool_grow(struct execmem_pool *pool,
					      unsigned int nr_chunks, int nid)
{
	struct execmem_area *area;
	unsigned int i;

	area = kzalloc(struct_size(area, chunks, nr_chunks), GFP_KERNEL);
	if (!area)
		return NULL;
	area->nr_chunks = nr_chunks;
	area->pool = pool;
	INIT_LIST_HEAD(&area->node);
	for (i = 0; i < nr_chunks; i++) {
		area->chunks[i] = kvzalloc(sizeof(*area->chunks[i]),
					   GFP_KERNEL);
		if (!area->chunks[i])
			goto fail;
	}
	if (execmem_backend_map(pool, area, (size_t)nr_chunks <<
				EXECMEM_CHUNK_SHIFT, nid))
		goto fail;

	for (i = 0; i < nr_chunks; i++) {
		struct execmem_chunk *chunk = area->chunks[i];

		chunk->start = area->start + ((unsigned long)i <<
					      EXECMEM_CHUNK_SHIFT);
		chunk->area = area;
		INIT_LIST_HEAD(&chunk->pending);
		INIT_LIST_HEAD(&chunk->pending_node);
		execmem_pages_init_chunk(chunk);
	}
	execmem_count(pool, EXECMEM_AREAS_ADDED, 1);
	trace_execmem_chunk_add(area->start, (size_t)nr_chunks <<
				EXECMEM_CHUNK_SHIFT, area->nid, area->huge);
	return area;
fail:
	area_free_structs(area);
	return NULL;
}

static int execmem_pool_publish(struct execmem_pool *pool,
				struct execmem_area *area)
{
	unsigned int i;
	int err;

	lockdep_assert_held(&pool->lock);

	for (i = 0; i < area->nr_chunks; i++) {
		struct execmem_chunk *chunk = area->chunks[i];

		err = xa_err(xa_store(&execmem_chunks,
				      chunk->start >> EXECMEM_CHUNK_SHIFT,
				      chunk, GFP_KERNEL));
		if (err) {
			while (i--)
				xa_erase(&execmem_chunks, area->chunks[i]->start >>
					 EXECMEM_CHUNK_SHIFT);
			return err;
		}
	}
	for (i = 0; i < area->nr_chunks; i++)
		list_add_tail(&area->chunks[i]->node, &pool->chunks);
	list_add_tail(&area->node, &pool->areas);
	execmem_count(pool, area->huge ? EXECMEM_CHUNKS_HEALTHY :
		      EXECMEM_CHUNKS_DEGRADED, area->nr_chunks);
	return 0;
}

static void execmem_pool_unpublish(struct execmem_pool *pool,
				   struct execmem_area *area)
{
	unsigned int i;

	lockdep_assert_held(&pool->lock);

	for (i = 0; i < area->nr_chunks; i++) {
		xa_erase(&execmem_chunks,
			 area->chunks[i]->start >> EXECMEM_CHUNK_SHIFT);
		list_del(&area->chunks[i]->node);
	}
	list_del_init(&area->node);
	execmem_count(pool, area->huge ? EXECMEM_CHUNKS_HEALTHY :
		      EXECMEM_CHUNKS_DEGRADED, -(long)area->nr_chunks);
}

static void execmem_area_release(struct execmem_pool *pool,
				 struct execmem_area *area)
{
	trace_execmem_chunk_release(area->start, (size_t)area->nr_chunks <<
				    EXECMEM_CHUNK_SHIFT, area->nid, area->huge);
	execmem_backend_unmap(pool, area);
	area_free_structs(area);
	execmem_count(pool, EXECMEM_AREAS_RELEASED, 1);
}

/**
 * execmem_chunk_lookup - chunk holding an address
 * @addr: any address
 *
 * The caller holds the owning pool's lock, or knows the chunk cannot go.
 *
 * Return: the chunk, or NULL if @addr is not pool memory.
 */
struct execmem_chunk *execmem_chunk_lookup(unsigned long addr)
{
	return xa_load(&execmem_chunks, addr >> EXECMEM_CHUNK_SHIFT);
}

/* The pool that holds @addr, or NULL. Chunks are freed after a grace period. */
static struct execmem_pool *execmem_addr_pool(unsigned long addr)
{
	struct execmem_chunk *chunk;
	struct execmem_pool *pool = NULL;

	rcu_read_lock();
	chunk = execmem_chunk_lookup(addr);
	if (chunk)
		pool = chunk->area->pool;
	rcu_read_unlock();
	return pool;
}

/**
 * execmem_pool_owns - whether an address lies in pool memory
 * @addr: any address
 *
 * Return: true if @addr is inside a chunk of any pool.
 */
bool execmem_pool_owns(unsigned long addr)
{
	return execmem_addr_pool(addr);
}

/* === Owner lookup === */

static bool chunk_owner(struct execmem_chunk *chunk, unsigned long addr,
			struct execmem_owner *owner)
{
	struct execmem_page *pg = &chunk->pages[execmem_chunk_index(chunk, addr)];
	unsigned int idx;

	switch (pg->state) {
	case EXECMEM_PG_SLAB:
		return execmem_slab_owner(pg->slab, addr, owner);
	case EXECMEM_PG_TAIL:
		pg = &chunk->pages[pg->head];
		fallthrough;
	case EXECMEM_PG_RUN:
		if (pg->state != EXECMEM_PG_RUN)
			return false;
		idx = pg - chunk->pages;
		if (pg->flags & EXECMEM_RUN_CONT) {
			unsigned long head = execmem_page_addr(chunk, idx) -
					     pg->size;

			chunk = execmem_chunk_lookup(head);
			if (!chunk)
				return false;
			return chunk_owner(chunk, head, owner);
		}
		owner->start = execmem_page_addr(chunk, idx);
		owner->size = pg->size;
		owner->type = pg->type;
		return true;
	default:
		return false;
	}
}

/**
 * execmem_pool_lookup - find the live object that holds a byte range
 * @addr: first byte
 * @len: bytes, 0 for just @addr
 * @owner: filled in on success
 *
 * Return: 0 if [@addr, @addr + @len) lies inside one live object,
 * -ENOENT if @addr is not pool memory, -EINVAL if it is pool memory but
 * not inside a live object or the range crosses its end.
 */
int execmem_pool_lookup(unsigned long addr, size_t len,
			struct execmem_owner *owner)
{
	struct execmem_pool *pool = execmem_addr_pool(addr);
	struct execmem_chunk *chunk;
	int ret = -EINVAL;

	if (!pool)
		return -ENOENT;
	owner->pool = pool;
	mutex_lock(&pool->lock);
	chunk = execmem_chunk_lookup(addr);
	if (chunk && chunk->area->pool == pool &&
	    chunk_owner(chunk, addr, owner) &&
	    addr - owner->start < owner->size &&
	    len <= owner->size - (addr - owner->start))
		ret = 0;
	mutex_unlock(&pool->lock);
	return ret;
}

/**
 * execmem_bad_call - count and report a call rejected for bad input
 * @pool: the pool the input pointed into, or NULL
 */
void execmem_bad_call(struct execmem_pool *pool)
{
	if (pool)
		execmem_count(pool, EXECMEM_BAD_CALLS, 1);
}

/* === Allocation === */

static unsigned long pool_alloc_run(struct execmem_pool *pool,
				    unsigned int type, size_t size, int nid,
				    bool strict)
{
	unsigned int nr = DIV_ROUND_UP(size, PAGE_SIZE);
	struct execmem_chunk *chunk;
	unsigned long addr;

	addr = execmem_pages_alloc(pool, nr, nid, strict);
	if (!addr)
		return 0;
	chunk = execmem_chunk_lookup(addr);
	execmem_pages_set_run(chunk, execmem_chunk_index(chunk, addr), nr,
			      type, size, 0);
	pool->stats[type].objs++;
	pool->stats[type].requested += size;
	pool->stats[type].used += (unsigned long)nr << PAGE_SHIFT;
	return addr;
}

/*
 * An object larger than a chunk gets a new area of adjacent chunks: whole
 * runs in all but the last chunk, whose unused tail stays free for other
 * objects. Waste is below one page.
 */
static void *pool_alloc_large(struct execmem_pool *pool, unsigned int type,
			      size_t size, int nid)
{
	unsigned long nr = DIV_ROUND_UP(size, PAGE_SIZE);
	unsigned int nr_chunks = DIV_ROUND_UP(nr, EXECMEM_CHUNK_PAGES);
	struct execmem_area *area;
	unsigned int i;

	area = execmem_pool_grow(pool, nr_chunks, nid);
	if (!area)
		return NULL;
	mutex_lock(&pool->lock);
	if (execmem_pool_publish(pool, area)) {
		mutex_unlock(&pool->lock);
		execmem_area_release(pool, area);
		return NULL;
	}
	for (i = 0; i < nr_chunks; i++) {
		struct execmem_chunk *chunk = area->chunks[i];
		unsigned int n = min_t(unsigned long, nr, EXECMEM_CHUNK_PAGES);

		/* A fresh chunk is one free block: the run starts at page 0. */
		execmem_pages_alloc_in(chunk, n);
		execmem_pages_set_run(chunk, 0, n, type,
				      i ? chunk->start - area->start : size,
				      i ? EXECMEM_RUN_CONT : 0);
		nr -= n;
	}
	pool->stats[type].objs++;
	pool->stats[type].requested += size;
	pool->stats[type].used += PAGE_ALIGN(size);
	mutex_unlock(&pool->lock);
	return (void *)area->start;
}

/**
 * execmem_pool_alloc - allocate ROX memory filled with trap instructions
 * @pool: the pool
 * @type: owner type, for accounting and slab separation
 * @size: bytes, 1..range size
 * @nid: preferred NUMA node, or %NUMA_NO_NODE
 *
 * Sleeps. Safe with text_mutex held.
 *
 * Return: the object, or NULL.
 */
void *execmem_pool_alloc(struct execmem_pool *pool, unsigned int type,
			 size_t size, int nid)
{
	struct execmem_area *area = NULL;
	unsigned long addr;
	int tries;

	if (size > EXECMEM_CHUNK_SIZE)
		return pool_alloc_large(pool, type, size, nid);

	/*
	 * Grow at most twice: other allocations may take the new chunk. The
	 * first attempt takes new pages only from chunks on @nid, so a node
	 * without room grows a chunk of its own; later attempts take what
	 * there is (the node may have had no memory for the new chunk).
	 */
	for (tries = 0; ; tries++) {
		bool strict = !tries && nid != NUMA_NO_NODE;

		mutex_lock(&pool->lock);
		if (area && execmem_pool_publish(pool, area)) {
			mutex_unlock(&pool->lock);
			execmem_area_release(pool, area);
			return NULL;
		}
		if (size <= EXECMEM_SLAB_MAX)
			addr = execmem_slab_alloc(pool, type, size, nid, strict);
		else
			addr = pool_alloc_run(pool, type, size, nid, strict);
		mutex_unlock(&pool->lock);
		if (addr || tries == 2)
			return (void *)addr;
		area = execmem_pool_grow(pool, 1, nid);
		if (!area)
			return NULL;
	}
}

/* === Free and trap fill === */

/**
 * execmem_pool_free - free a pool object
 * @ptr: the object's first byte
 *
 * The memory becomes reusable after the deferred trap fill. Never pokes
 * text itself, so it is safe with text_mutex held.
 *
 * Return: 0, -ENOENT if @ptr is not pool memory, -EINVAL (counted as a
 * bad call) if it is but is not the start of a live object (double free,
 * interior pointer).
 */
int execmem_pool_free(void *ptr)
{
	unsigned long addr = (unsigned long)ptr;
	struct execmem_pool *pool = execmem_addr_pool(addr);
	struct execmem_chunk *chunk;
	struct execmem_owner owner;
	struct execmem_page *pg;
	int ret = -EINVAL;

	if (!pool)
		return -ENOENT;

	mutex_lock(&pool->lock);
	chunk = execmem_chunk_lookup(addr);
	if (!chunk || chunk->area->pool != pool ||
	    !chunk_owner(chunk, addr, &owner) || owner.start != addr)
		goto out;
	pg = &chunk->pages[execmem_chunk_index(chunk, addr)];
	if (pg->state == EXECMEM_PG_SLAB) {
		ret = execmem_slab_free(pool, pg->slab, addr);
		goto out;
	}
	pg->state = EXECMEM_PG_PENDING;
	list_add_tail(&pg->node, &chunk->pending);
	if (list_empty(&chunk->pending_node))
		list_add_tail(&chunk->pending_node, &pool->pending_chunks);
	pool->stats[owner.type].objs--;
	pool->stats[owner.type].requested -= owner.size;
	pool->stats[owner.type].used -= PAGE_ALIGN(owner.size);
	ret = 0;
out:
	/*
	 * Count before unlocking: a filler already running may make the
	 * memory reusable as soon as the lock is dropped, and
	 * execmem_reuse_seq() must have changed by then.
	 */
	if (!ret)
		execmem_count(pool, EXECMEM_FREES, 1);
	mutex_unlock(&pool->lock);
	if (ret) {
		execmem_bad_call(pool);
		return ret;
	}
	trace_execmem_free(addr, owner.type, owner.size);
	execmem_pool_queue_fill(pool);
	return 0;
}

/**
 * execmem_pool_queue_fill - have the worker fill and return freed memory
 * @pool: the pool
 */
void execmem_pool_queue_fill(struct execmem_pool *pool)
{
	queue_work(system_unbound_wq, &pool->fill_work);
}

static void fill(struct execmem_pool *pool, unsigned long addr, size_t len)
{
	execmem_backend_fill((void *)addr, len);
	execmem_count(pool, EXECMEM_FILLS, 1);
	execmem_count(pool, EXECMEM_FILL_BYTES, len);
}

/* Fill and return one pending run, with the pool lock held on entry/exit. */
static void fill_one_run(struct execmem_pool *pool, struct execmem_chunk *chunk)
{
	struct execmem_page *pg;
	unsigned long size, addr;
	unsigned int idx, left;

	pg = list_first_entry(&chunk->pending, struct execmem_page, node);
	list_del(&pg->node);
	if (list_empty(&chunk->pending))
		list_del_init(&chunk->pending_node);
	idx = pg - chunk->pages;
	addr = execmem_page_addr(chunk, idx);
	size = pg->size;

	/* The pages stay PENDING/TAIL, so nobody can use them meanwhile. */
	mutex_unlock(&pool->lock);
	fill(pool, addr, PAGE_ALIGN(size));
	mutex_lock(&pool->lock);

	left = DIV_ROUND_UP(size, PAGE_SIZE);
	while (left) {
		unsigned int n = chunk->pages[idx].nr_pages;

		execmem_pages_free(chunk, idx, n);
		left -= n;
		if (left) {
			/* Next chunk of an object larger than a chunk. */
			chunk = execmem_chunk_lookup(chunk->start +
						     EXECMEM_CHUNK_SIZE);
			idx = 0;
		}
	}
}

/* Fill the pending objects of one slab, with the pool lock held. */
static void fill_one_slab(struct execmem_pool *pool, struct execmem_slab *slab)
{
	DECLARE_BITMAP(done, PAGE_SIZE >> EXECMEM_SLAB_MIN_SHIFT);
	unsigned int size = slab->cache->size;
	unsigned int rs, re;

	list_del_init(&slab->pending_node);
	bitmap_copy(done, slab->pending, slab->nr_objs);

	mutex_unlock(&pool->lock);
	for_each_set_bitrange(rs, re, done, slab->nr_objs)
		fill(pool, slab->addr + rs * size, (re - rs) * size);
	mutex_lock(&pool->lock);

	execmem_slab_filled(pool, slab, done);
}

/**
 * execmem_pool_drain - fill and return all memory freed so far
 * @pool: the pool
 *
 * Sleeps; takes text_mutex through the text poke on some architectures,
 * so it must not be called with text_mutex held.
 */
void execmem_pool_drain(struct execmem_pool *pool)
{
	mutex_lock(&pool->fill_lock);
	mutex_lock(&pool->lock);
	for (;;) {
		struct execmem_chunk *chunk;
		struct execmem_slab *slab;

		chunk = list_first_entry_or_null(&pool->pending_chunks,
						 struct execmem_chunk,
						 pending_node);
		if (chunk) {
			fill_one_run(pool, chunk);
			continue;
		}
		slab = list_first_entry_or_null(&pool->pending_slabs,
						struct execmem_slab,
						pending_node);
		if (!slab)
			break;
		fill_one_slab(pool, slab);
	}
	mutex_unlock(&pool->lock);
	mutex_unlock(&pool->fill_lock);
}

static void execmem_fill_workfn(struct work_struct *work)
{
	struct execmem_pool *pool = container_of(work, struct execmem_pool,
						 fill_work);

	execmem_pool_drain(pool);
	mod_delayed_work(system_unbound_wq, &pool->trim_work,
			 EXECMEM_TRIM_DELAY);
}

/* === Releasing empty areas === */

static bool area_empty(struct execmem_area *area)
{
	unsigned int i;

	for (i = 0; i < area->nr_chunks; i++)
		if (!execmem_chunk_empty(area->chunks[i]))
			return false;
	return true;
}

/**
 * execmem_pool_releasable - empty areas beyond the spare
 * @pool: the pool
 * @shrinker: called from the shrinker: do not wait for the pool lock
 *
 * Return: how many areas execmem_pool_trim() would give back now.
 */
unsigned long execmem_pool_releasable(struct execmem_pool *pool, bool shrinker)
{
	struct execmem_area *area;
	unsigned long n = 0;

	/* Reclaim may run under pool->lock: an allocation there sleeps. */
	if (shrinker) {
		if (!mutex_trylock(&pool->lock))
			return 0;
	} else {
		mutex_lock(&pool->lock);
	}
	list_for_each_entry(area, &pool->areas, node)
		n += area_empty(area);
	mutex_unlock(&pool->lock);
	return n > pool->spare ? n - pool->spare : 0;
}

/**
 * execmem_pool_trim - give empty areas back to the page allocator
 * @pool: the pool
 * @keep: empty areas to keep
 * @max: most areas to release
 * @shrinker: called from the shrinker: do not wait for the pool lock
 *
 * Return: areas released.
 */
unsigned long execmem_pool_trim(struct execmem_pool *pool, unsigned int keep,
				unsigned long max, bool shrinker)
{
	struct execmem_area *area, *tmp;
	unsigned long n = 0;
	LIST_HEAD(gone);

	if (shrinker) {
		if (!mutex_trylock(&pool->lock))
			return 0;
	} else {
		mutex_lock(&pool->lock);
	}
	/* Newest first: the spare kept is the most recently added area. */
	list_for_each_entry_safe_reverse(area, tmp, &pool->areas, node) {
		if (n == max)
			break;
		if (!area_empty(area))
			continue;
		if (keep) {
			keep--;
			continue;
		}
		execmem_pool_unpublish(pool, area);
		list_add(&area->node, &gone);
		n++;
	}
	mutex_unlock(&pool->lock);

	if (!n)
		return 0;
	/* execmem_addr_pool() may still look at the chunks. */
	synchronize_rcu();
	list_for_each_entry_safe(area, tmp, &gone, node) {
		list_del(&area->node);
		execmem_area_release(pool, area);
		if (shrinker)
			execmem_count(pool, EXECMEM_SHRINKER_RELEASES, 1);
	}
	return n;
}

static void execmem_trim_workfn(struct work_struct *work)
{
	struct execmem_pool *pool = container_of(to_delayed_work(work),
						 struct execmem_pool,
						 trim_work);

	execmem_pool_trim(pool, pool->spare, ULONG_MAX, false);
}

/**
 * execmem_pool_destroy - tear down a pool that no longer has objects
 * @pool: the pool
 *
 * Return: 0, or -EBUSY if objects are still live (the pool is left
 * usable).
 */
int execmem_pool_destroy(struct execmem_pool *pool)
{
	flush_work(&pool->fill_work);
	execmem_pool_drain(pool);
	cancel_delayed_work_sync(&pool->trim_work);
	execmem_pool_trim(pool, 0, ULONG_MAX, false);
	return list_empty(&pool->areas) ? 0 : -EBUSY;
}
