// SPDX-License-Identifier: GPL-2.0
/*
 * execmem pool: the object front end. Size routing, owner lookup, checked
 * writes, free and the trap fill of freed memory.
 *
 * Freed memory is not reusable until it holds trap instructions again
 * (invariant I4). Filling it means poking text, which takes text_mutex on
 * x86, and kprobes frees slots with text_mutex held. A free therefore
 * only marks the object pending under pool->lock and then fills it at
 * once where its type's users allow that and the context is safe (see
 * execmem_free_fills[]); otherwise a worker fills it.
 */

#define pr_fmt(fmt) "execmem: " fmt

#include "internal.h"

/**
 * execmem_pools_init - set up a pool for each distinct ROX range
 * @info: the final execmem parameters; must outlive the pools
 *
 * The chunk store's registry hands out the pools; types with equal ranges
 * share one.
 */
void execmem_pools_init(struct execmem_info *info)
{
	unsigned int t;

	for (t = 0; t < EXECMEM_TYPE_MAX; t++) {
		struct execmem_range *r = &info->ranges[t];
		struct execmem_pool *pool;
		bool fresh;

		if (!(r->flags & EXECMEM_ROX_POOL))
			continue;
		pool = execmem_pools_claim(t, r, &fresh);
		if (fresh)
			execmem_pool_init(pool, r);
	}
}

static void execmem_fill_workfn(struct work_struct *work);

/**
 * execmem_pool_init - set up an empty pool
 * @pool: the pool
 * @range: range its chunks are mapped in; must outlive the pool
 */
void execmem_pool_init(struct execmem_pool *pool,
		       const struct execmem_range *range)
{
	execmem_chunks_init(pool, range);
	mutex_init(&pool->write_lock);
	INIT_LIST_HEAD(&pool->pending_chunks);
	INIT_LIST_HEAD(&pool->pending_slabs);
	execmem_slab_init_caches(pool);
	memset(pool->stats, 0, sizeof(pool->stats));
	bitmap_zero(pool->remote_nodes, MAX_NUMNODES);
	pool->pending_since = 0;
	INIT_WORK(&pool->fill_work, execmem_fill_workfn);
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
	return execmem_chunks_destroy(pool);
}

/**
 * execmem_bad_call - count a call rejected for bad input
 * @pool: the pool the input pointed into, or NULL
 */
void execmem_bad_call(struct execmem_pool *pool)
{
	if (pool)
		execmem_count(pool, EXECMEM_BAD_CALLS, 1);
}

/* === Owner lookup === */

/* Where an owner lies: its chunk, the page's index, its slab or NULL. */
struct pool_place {
	struct execmem_chunk *chunk;
	unsigned int idx;
	struct execmem_slab *slab;
};

static bool chunk_owner(struct execmem_pool *pool, unsigned long addr,
			struct execmem_owner *owner, struct pool_place *place)
{
	struct execmem_chunk *chunk = place->chunk;
	unsigned int idx = execmem_chunk_index(chunk, addr);
	struct execmem_run run;

	place->idx = idx;
	place->slab = NULL;
	if (execmem_pages_state(chunk, idx) == EXECMEM_PG_SLAB) {
		place->slab = execmem_slab_of(pool, chunk, idx);
		return !WARN_ON_ONCE(!place->slab) &&
		       execmem_slab_owner(place->slab, addr, owner);
	}
	if (!execmem_pages_run(chunk, idx, &run) || run.pending)
		return false;
	owner->start = run.start;
	owner->size = run.size;
	owner->type = run.type;
	return true;
}

/*
 * With pool->lock held: the live object holding [addr, addr + len), and
 * where it lies.
 */
static int pool_owner(struct execmem_pool *pool, unsigned long addr,
		      size_t len, struct execmem_owner *owner,
		      struct pool_place *place)
{
	lockdep_assert_held(&pool->lock);

	owner->pool = pool;
	place->chunk = execmem_chunk_lookup(addr);
	if (!place->chunk || place->chunk->area->pool != pool ||
	    !chunk_owner(pool, addr, owner, place) ||
	    addr - owner->start >= owner->size ||
	    len > owner->size - (addr - owner->start))
		return -EINVAL;
	return 0;
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
	struct pool_place place;
	unsigned long flags;
	int ret;

	if (!pool)
		return -ENOENT;
	spin_lock_irqsave(&pool->lock, flags);
	ret = pool_owner(pool, addr, len, owner, &place);
	spin_unlock_irqrestore(&pool->lock, flags);
	return ret;
}

/* === Checked writes === */

/**
 * execmem_pool_update - write into a live pool object
 * @dst: destination
 * @src: source
 * @len: bytes; 0 only checks @dst
 * @type: the object must be of this type, or -1 for any type
 *
 * The owner check and the write both happen under pool->write_lock, which
 * the trap fill holds while it makes freed memory reusable: the write
 * lands in the object it was checked against, or, if the owner frees the
 * object meanwhile, in pending memory that is trap-filled after it.
 *
 * Return: 0, -ENOENT if @dst is not pool memory, -EINVAL (with a WARN,
 * counted) if it is not inside a live object of @type or the range
 * crosses the object's end, -EFAULT if the write failed.
 */
int execmem_pool_update(void *dst, const void *src, size_t len, int type)
{
	unsigned long addr = (unsigned long)dst, flags;
	struct execmem_pool *pool = execmem_addr_pool(addr);
	struct execmem_owner owner;
	struct pool_place place;
	int ret;

	if (!pool)
		return -ENOENT;
	lockdep_assert_not_held(&text_mutex);

	mutex_lock(&pool->write_lock);
	spin_lock_irqsave(&pool->lock, flags);
	ret = pool_owner(pool, addr, len, &owner, &place);
	if (!ret && type >= 0 && owner.type != type)
		ret = -EINVAL;
	spin_unlock_irqrestore(&pool->lock, flags);
	if (!ret && len) {
		if (execmem_backend_copy(dst, src, len)) {
			ret = -EFAULT;
		} else {
			execmem_count(pool, EXECMEM_UPDATES, 1);
			execmem_count(pool, EXECMEM_UPDATE_BYTES, len);
		}
	}
	mutex_unlock(&pool->write_lock);

	if (WARN(ret == -EINVAL,
		 "execmem: update of %zu bytes at %p is outside a live %sobject\n",
		 len, dst, type >= 0 ? "jit_alloc() " : ""))
		execmem_bad_call(pool);
	return ret;
}

/* === Allocation === */

static int pool_alloc_run(struct execmem_pool *pool, unsigned int type,
			  size_t size, int nid, bool strict, bool clean,
			  unsigned long *addr)
{
	unsigned int nr = DIV_ROUND_UP(size, PAGE_SIZE);
	struct execmem_chunk *chunk;

	*addr = clean ? execmem_pages_alloc(pool, nr, nid, strict, true) : 0;
	if (!*addr)
		*addr = execmem_pages_alloc(pool, nr, nid, strict, false);
	if (!*addr)
		return -ENOMEM;
	chunk = execmem_chunk_lookup(*addr);
	execmem_pages_set_run(chunk, execmem_chunk_index(chunk, *addr), nr,
			      type, size, 0);
	execmem_account(pool, type, size, (unsigned long)nr << PAGE_SHIFT, 1);
	return 0;
}

/* A new area whose pages are set up and whose chunks can be looked up. */
static struct execmem_area *pool_grow(struct execmem_pool *pool,
				      unsigned int nr_chunks, int nid)
{
	struct execmem_area *area = execmem_chunks_grow(pool, nr_chunks, nid);

	if (!area)
		return NULL;
	execmem_pages_init_area(area);
	if (execmem_chunks_insert(area)) {
		execmem_chunks_discard(pool, area);
		return NULL;
	}
	/* Whatever the growth was for, give back what stays unused. */
	execmem_pool_arm_trim(pool);
	return area;
}

/*
 * An object larger than a chunk gets a new area of adjacent chunks: whole
 * runs in all but the last chunk, whose unused tail stays free for other
 * objects. Waste is below one page.
 */
static void *pool_alloc_large(struct execmem_pool *pool, unsigned int type,
			      size_t size, int nid, u64 *flush_seq)
{
	unsigned long nr = DIV_ROUND_UP(size, PAGE_SIZE), left = size, flags;
	unsigned int nr_chunks = DIV_ROUND_UP(nr, EXECMEM_CHUNK_PAGES);
	struct execmem_area *area;
	unsigned int i;

	area = pool_grow(pool, nr_chunks, nid);
	if (!area)
		return NULL;
	spin_lock_irqsave(&pool->lock, flags);
	execmem_chunks_publish(pool, area);
	for (i = 0; i < nr_chunks; i++) {
		struct execmem_chunk *chunk = area->chunks[i];
		unsigned int n = min_t(unsigned long, nr, EXECMEM_CHUNK_PAGES);
		unsigned long bytes = min_t(unsigned long, left,
					    EXECMEM_CHUNK_SIZE);

		/* A fresh chunk is one free block: the run starts at page 0. */
		execmem_pages_alloc_in(chunk, n);
		execmem_pages_set_run(chunk, 0, n, type, bytes,
				      i ? EXECMEM_RUN_CONT : 0);
		nr -= n;
		left -= bytes;
	}
	execmem_account(pool, type, size, PAGE_ALIGN(size), 1);
	/* A new area is dirty; the sequence moved when it was published. */
	if (flush_seq)
		*flush_seq = pool->dirty_seq;
	spin_unlock_irqrestore(&pool->lock, flags);
	return (void *)area->map.start;
}

/* With pool->lock held: whether the pages of a new object are clean. */
static bool pool_addr_clean(unsigned long addr, size_t size)
{
	struct execmem_chunk *chunk = execmem_chunk_lookup(addr);
	unsigned int idx = execmem_chunk_index(chunk, addr);

	return execmem_pages_clean(chunk, idx,
				   execmem_chunk_index(chunk, addr + size - 1) -
				   idx + 1);
}

/*
 * Sleeps. Safe with text_mutex held. Nothing that allocates runs under
 * pool->lock: a slab descriptor or a new area is made before the lock is
 * taken again. With @flush_seq, prefer clean memory and say whether the
 * object got it: 0, or the dirty sequence to pass to
 * execmem_pool_flushed() after a flush.
 */
static void *pool_alloc(struct execmem_pool *pool, unsigned int type,
			size_t size, int nid, u64 *flush_seq)
{
	bool clean = flush_seq;
	struct execmem_slab *desc = NULL;
	struct execmem_area *area = NULL;
	unsigned long addr = 0, flags;
	int tries = 0, ret;

	might_sleep();
	if (size > EXECMEM_CHUNK_SIZE)
		return pool_alloc_large(pool, type, size, nid, flush_seq);

	/*
	 * The first attempt takes new pages only from chunks on @nid, so a
	 * node without room grows a chunk of its own, unless growing for
	 * @nid got memory from another node last time. Grow at most twice:
	 * other allocations may take the new chunk.
	 */
	for (;;) {
		bool strict;

		spin_lock_irqsave(&pool->lock, flags);
		if (area) {
			execmem_chunks_publish(pool, area);
			if (nid != NUMA_NO_NODE)
				__assign_bit(nid, pool->remote_nodes,
					     area->map.nid != nid);
			area = NULL;
		}
		strict = !tries && nid != NUMA_NO_NODE &&
			 !test_bit(nid, pool->remote_nodes);
		if (size <= EXECMEM_SLAB_MAX)
			ret = execmem_slab_alloc(pool, type, size, nid, strict,
						 clean, &desc, &addr);
		else
			ret = pool_alloc_run(pool, type, size, nid, strict,
					     clean, &addr);
		if (!ret && clean)
			*flush_seq = pool_addr_clean(addr, size) ? 0 :
				     pool->dirty_seq;
		spin_unlock_irqrestore(&pool->lock, flags);

		if (!ret)
			break;
		addr = 0;
		if (ret == -EAGAIN) {
			execmem_slab_desc_free(pool, desc);
			desc = execmem_slab_desc_alloc(pool, size);
			if (!desc)
				break;
			continue;
		}
		if (tries++ == 2)
			break;
		area = pool_grow(pool, 1, nid);
		/* No new chunk: other nodes' chunks still serve. */
		if (!area && (!strict || tries > 1))
			break;
	}
	execmem_slab_desc_free(pool, desc);
	return (void *)addr;
}

/**
 * execmem_pool_alloc - allocate ROX memory filled with trap instructions
 * @pool: the pool
 * @type: owner type, for accounting and slab separation
 * @size: bytes, 1..range size
 * @nid: preferred NUMA node (one with memory), or %NUMA_NO_NODE
 *
 * Sleeps. Safe with text_mutex held.
 *
 * Return: the object, or NULL.
 */
void *execmem_pool_alloc(struct execmem_pool *pool, unsigned int type,
			 size_t size, int nid)
{
	return pool_alloc(pool, type, size, nid, NULL);
}

/**
 * execmem_pool_alloc_clean - allocate memory no freed code has been in
 *			      since the last predictor flush, if there is any
 * @pool: the pool
 * @type: owner type
 * @size: bytes, 1..range size
 * @nid: preferred NUMA node, or %NUMA_NO_NODE
 * @flush_seq: set to 0 if the object is clean, otherwise to the value to
 *	       pass to execmem_pool_flushed() after flushing
 *
 * Return: the object, or NULL.
 */
void *execmem_pool_alloc_clean(struct execmem_pool *pool, unsigned int type,
			       size_t size, int nid, u64 *flush_seq)
{
	return pool_alloc(pool, type, size, nid, flush_seq);
}

/**
 * execmem_pool_flushed - all memory is clean after a predictor flush
 * @pool: the pool
 * @seq: from execmem_pool_alloc_clean(), read before the flush began
 *
 * Memory that became dirty after @seq was read stays dirty, and with it,
 * conservatively, everything: the pool keeps one sequence, not one per
 * page.
 */
void execmem_pool_flushed(struct execmem_pool *pool, u64 seq)
{
	struct execmem_chunk *chunk;
	unsigned long flags;

	spin_lock_irqsave(&pool->lock, flags);
	if (pool->dirty_seq == seq)
		list_for_each_entry(chunk, &pool->chunks, node)
			bitmap_zero(chunk->dirty, EXECMEM_CHUNK_PAGES);
	spin_unlock_irqrestore(&pool->lock, flags);
}

/* === Free and trap fill === */

/*
 * Whether a free of this type may fill the memory with traps before it
 * returns. Filling pokes text, which sleeps and takes text_mutex on x86,
 * so it must not happen under a lock that nests inside text_mutex, or
 * under one that reclaim takes while something holds text_mutex and
 * allocates. The pool cannot see its caller's locks; the types' users
 * decide:
 *  - BPF: bpf_prog_pack_free() poked text itself in 6.12 (the invalidate),
 *    from the same contexts;
 *  - ftrace: trampolines are freed under ftrace_lock, which nests outside
 *    text_mutex;
 *  - kprobes: slots are freed under kprobe_insn_slots.mutex, which nests
 *    inside text_mutex (register_kprobe()), and with text_mutex held;
 *  - run-time code generators free under locks of their own that their
 *    shrinkers take in reclaim (bcachefs' btree cache).
 * The first two fill at once, the others leave it to the fill worker.
 */
static const bool execmem_free_fills[EXECMEM_TYPE_MAX] = {
	[EXECMEM_BPF]		= true,
	[EXECMEM_FTRACE]	= true,
};

/*
 * Even for those: not from interrupts, not from reclaim (a shrinker may
 * free with its own locks held), and not when text_mutex is held, which
 * may be by the caller.
 */
static bool fill_now_allowed(unsigned int type)
{
	return execmem_free_fills[type] && !in_interrupt() &&
	       !(current->flags & PF_MEMALLOC) && !mutex_is_locked(&text_mutex);
}

static void fill(struct execmem_pool *pool, unsigned long addr, size_t len)
{
	execmem_backend_fill((void *)addr, len);
	execmem_count(pool, EXECMEM_FILLS, 1);
	execmem_count(pool, EXECMEM_FILL_BYTES, len);
}

/* Fill and return one pending run; pool->lock is held on entry and exit. */
static void fill_one_run(struct execmem_pool *pool, struct execmem_chunk *chunk,
			 unsigned long *flags)
{
	struct execmem_run run;
	bool found;

	found = execmem_pages_take_pending(chunk, &run);
	if (!execmem_pages_has_pending(chunk))
		list_del_init(&chunk->pending_node);
	if (WARN_ON_ONCE(!found || !run.pending))
		return;

	/* The pages stay PENDING/TAIL, so nobody can use them meanwhile. */
	spin_unlock_irqrestore(&pool->lock, *flags);
	fill(pool, run.start, PAGE_ALIGN(run.size));
	spin_lock_irqsave(&pool->lock, *flags);

	execmem_pages_free_run(&run);
}

/* Fill the pending objects of one slab; pool->lock held on entry/exit. */
static void fill_one_slab(struct execmem_pool *pool, struct execmem_slab *slab,
			  unsigned long *flags)
{
	DECLARE_BITMAP(done, PAGE_SIZE >> EXECMEM_SLAB_MIN_SHIFT);
	unsigned int size = slab->cache->size;
	unsigned int rs, re;

	list_del_init(&slab->pending_node);
	bitmap_copy(done, slab->pending, slab->nr_objs);

	spin_unlock_irqrestore(&pool->lock, *flags);
	for_each_set_bitrange(rs, re, done, slab->nr_objs)
		fill(pool, slab->addr + rs * size, (re - rs) * size);
	spin_lock_irqsave(&pool->lock, *flags);

	execmem_slab_filled(pool, slab, done);
}

/* Fill everything pending; pool->write_lock is held. */
static void pool_drain_locked(struct execmem_pool *pool)
{
	unsigned long flags, window;
	bool any = false;

	lockdep_assert_held(&pool->write_lock);

	spin_lock_irqsave(&pool->lock, flags);
	for (;;) {
		struct execmem_chunk *chunk;
		struct execmem_slab *slab;

		chunk = list_first_entry_or_null(&pool->pending_chunks,
						 struct execmem_chunk,
						 pending_node);
		if (chunk) {
			fill_one_run(pool, chunk, &flags);
			any = true;
			continue;
		}
		slab = list_first_entry_or_null(&pool->pending_slabs,
						struct execmem_slab,
						pending_node);
		if (!slab)
			break;
		fill_one_slab(pool, slab, &flags);
		any = true;
	}
	window = any ? jiffies_to_usecs(jiffies - pool->pending_since) : 0;
	if (window > execmem_read(pool, EXECMEM_FILL_WINDOW_MAX_US))
		atomic_long_set(&pool->counters[EXECMEM_FILL_WINDOW_MAX_US],
				window);
	spin_unlock_irqrestore(&pool->lock, flags);
}

/* Fill what is pending unless another writer is busy. */
static int pool_try_drain(struct execmem_pool *pool)
{
	if (!mutex_trylock(&pool->write_lock))
		return -EBUSY;
	pool_drain_locked(pool);
	mutex_unlock(&pool->write_lock);
	return 0;
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
	lockdep_assert_not_held(&text_mutex);
	mutex_lock(&pool->write_lock);
	pool_drain_locked(pool);
	mutex_unlock(&pool->write_lock);
}

static void execmem_fill_workfn(struct work_struct *work)
{
	struct execmem_pool *pool = container_of(work, struct execmem_pool,
						 fill_work);

	execmem_pool_drain(pool);
	execmem_pool_arm_trim(pool);
}

/* With pool->lock held: mark the object at @addr pending. */
static int pool_mark_pending(struct execmem_pool *pool, unsigned long addr,
			     struct execmem_owner *owner)
{
	struct pool_place place;
	int ret;

	ret = pool_owner(pool, addr, 0, owner, &place);
	if (ret || owner->start != addr)
		return -EINVAL;
	if (list_empty(&pool->pending_chunks) &&
	    list_empty(&pool->pending_slabs))
		pool->pending_since = jiffies;
	if (place.slab)
		return execmem_slab_free(pool, place.slab, addr);

	execmem_pages_set_pending(place.chunk, place.idx);
	if (list_empty(&place.chunk->pending_node))
		list_add_tail(&place.chunk->pending_node, &pool->pending_chunks);
	execmem_account(pool, owner->type, owner->size,
			PAGE_ALIGN(owner->size), -1);
	return 0;
}

/**
 * execmem_pool_free - free a pool object
 * @ptr: the object's first byte
 *
 * Safe from any context, with text_mutex held and from shrinkers: takes
 * only pool->lock, and fills the memory with trap instructions at once
 * only for the types whose users allow it and where that is safe (see
 * execmem_free_fills[]); otherwise the fill worker does it. The memory is
 * reused only after its fill.
 *
 * Return: 0, -ENOENT if @ptr is not pool memory, -EINVAL (counted as a
 * bad call) if it is but is not the start of a live object (double free,
 * interior pointer).
 */
int execmem_pool_free(void *ptr)
{
	unsigned long addr = (unsigned long)ptr, flags;
	struct execmem_pool *pool = execmem_addr_pool(addr);
	struct execmem_owner owner;
	int ret;

	if (!pool)
		return -ENOENT;

	spin_lock_irqsave(&pool->lock, flags);
	ret = pool_mark_pending(pool, addr, &owner);
	if (!ret)
		execmem_count(pool, EXECMEM_FREES, 1);
	spin_unlock_irqrestore(&pool->lock, flags);
	if (ret) {
		execmem_bad_call(pool);
		return ret;
	}
	trace_execmem_free(addr, owner.type, owner.size);

	if (fill_now_allowed(owner.type) && !pool_try_drain(pool)) {
		execmem_pool_arm_trim(pool);
		return 0;
	}
	execmem_count(pool, EXECMEM_DEFERRED_FILLS, 1);
	queue_work(system_unbound_wq, &pool->fill_work);
	return 0;
}

/**
 * execmem_pool_size_roundup - bytes an object takes in a pool
 * @size: requested bytes, at least 1
 *
 * Return: the size of its slab class, or whole pages.
 */
size_t execmem_pool_size_roundup(size_t size)
{
	if (size <= EXECMEM_SLAB_MAX)
		return execmem_slab_size(size);
	return PAGE_ALIGN(size);
}
