// SPDX-License-Identifier: GPL-2.0
/*
 * execmem chunk store: the registry of pools, their areas of 2 MiB chunks,
 * and the xarray that finds the chunk of any address in O(1).
 *
 * An area is what the backend maps in one go: one chunk when a pool
 * grows, several adjacent chunks for an object larger than a chunk. An
 * area is given back only when every chunk in it is empty, and only after
 * a grace period, because lockless lookups (the unwinder, the extable,
 * is_execmem_pool_text()) may still be looking at its chunks.
 *
 * Nothing here allocates or sleeps under pool->lock: allocating happens
 * in execmem_chunks_grow() and execmem_chunks_insert(), before the area
 * is published, and unmapping happens in a worker after the area has
 * left every list.
 *
 * Every area of every pool (private ones included) is also on one list
 * from the moment it is mapped until it is unmapped, so that its
 * direct-map alias can be shown read-only for the hibernation snapshot
 * (execmem_chunks_show_aliases()). execmem_map_lock, a mutex, covers the
 * mapping and unmapping of an area and the walk of that list; it is taken
 * by grow, by the release worker and by the PM notifier, never by a free.
 * The trim and release workers run on system_freezable_wq, so neither is
 * mapping or unmapping an area while a snapshot is taken (the fill worker
 * only pokes text and stays on system_unbound_wq).
 */

#define pr_fmt(fmt) "execmem: " fmt

#include "internal.h"

/*
 * Every chunk of every pool, indexed by address >> EXECMEM_CHUNK_SHIFT.
 * Its lock is taken under pool->lock, which frees take with interrupts
 * off, so it is IRQ-safe too.
 */
static DEFINE_XARRAY_FLAGS(execmem_chunks, XA_FLAGS_LOCK_IRQ);

/*
 * The lowest and highest address any area was ever mapped at: lookups of
 * addresses outside cannot be pool memory and skip the xarray (the
 * unwinder asks about every word on a stack). They only widen, under
 * execmem_map_lock, before the area's chunks are stored, and so before
 * anybody can be given an address inside.
 */
static unsigned long execmem_chunks_lo = ULONG_MAX, execmem_chunks_hi;

/* Every mapped area (area->mapped_node) and the state of their aliases. */
static DEFINE_MUTEX(execmem_map_lock);
static LIST_HEAD(execmem_mapped);
static bool execmem_aliases_shown;

/* Delay after the last fill before empty areas beyond the spare go back. */
#define EXECMEM_TRIM_DELAY	(2 * HZ)

static void execmem_trim_workfn(struct work_struct *work);
static void execmem_release_workfn(struct work_struct *work);

/* === The registry of pools === */

/* One pool per distinct ROX range; types with equal ranges share one. */
static struct execmem_pool execmem_pools[EXECMEM_TYPE_MAX];
static struct execmem_pool *execmem_type_pool[EXECMEM_TYPE_MAX] __ro_after_init;

static bool execmem_range_equal(const struct execmem_range *a,
				const struct execmem_range *b)
{
	return a->start == b->start && a->end == b->end &&
	       a->fallback_start == b->fallback_start &&
	       a->fallback_end == b->fallback_end &&
	       pgprot_val(a->pgprot) == pgprot_val(b->pgprot) &&
	       a->alignment == b->alignment && a->flags == b->flags;
}

/**
 * execmem_pools_claim - the pool that will serve a type, at boot
 * @type: an &enum execmem_type whose range has %EXECMEM_ROX_POOL
 * @range: that range; must outlive the pool
 * @fresh: set to true if the pool is new and must be initialised
 *
 * Types are claimed in increasing order; a type whose range equals that
 * of an earlier type shares its pool.
 *
 * Return: the pool.
 */
struct execmem_pool *execmem_pools_claim(enum execmem_type type,
					 const struct execmem_range *range,
					 bool *fresh)
{
	unsigned int u;

	for (u = 0; u < type; u++) {
		if (execmem_type_pool[u] &&
		    execmem_range_equal(execmem_type_pool[u]->range, range)) {
			execmem_type_pool[type] = execmem_type_pool[u];
			*fresh = false;
			return execmem_type_pool[type];
		}
	}
	execmem_type_pool[type] = &execmem_pools[type];
	*fresh = true;
	return execmem_type_pool[type];
}

/*
 * The chunk and slab xarrays take their nodes from a cache that
 * radix_tree_init() creates after early_trace_init(), where
 * "ftrace=function" asks for a trampoline. Until the early initcalls no
 * type is served by a pool: execmem_is_rox() is false and allocations take
 * the per-allocation path, as with "execmem.pool=off".
 */
static bool execmem_pools_ready __read_mostly;

static int __init execmem_pools_ready_init(void)
{
	WRITE_ONCE(execmem_pools_ready, true);
	return 0;
}
early_initcall(execmem_pools_ready_init);

/**
 * execmem_type_to_pool - the pool serving a type
 * @type: an &enum execmem_type
 *
 * Return: the pool, or NULL if @type is not served by a ROX pool (or not
 * yet: before the early initcalls).
 */
struct execmem_pool *execmem_type_to_pool(enum execmem_type type)
{
	if (type >= EXECMEM_TYPE_MAX || !READ_ONCE(execmem_pools_ready))
		return NULL;
	return execmem_type_pool[type];
}

/**
 * execmem_pool_by_index - iterate over the distinct pools
 * @i: index, from 0
 *
 * Return: the @i-th pool in use, or NULL past the last.
 */
struct execmem_pool *execmem_pool_by_index(unsigned int i)
{
	unsigned int t;

	for (t = 0; t < EXECMEM_TYPE_MAX; t++) {
		if (execmem_type_pool[t] != &execmem_pools[t])
			continue;
		if (!i--)
			return &execmem_pools[t];
	}
	return NULL;
}

/**
 * execmem_chunks_init - set up the chunk store of an empty pool
 * @pool: the pool
 * @range: range its chunks are mapped in; must outlive the pool
 */
void execmem_chunks_init(struct execmem_pool *pool,
			 const struct execmem_range *range)
{
	unsigned int i;

	pool->range = range;
	spin_lock_init(&pool->lock);
	INIT_LIST_HEAD(&pool->areas);
	INIT_LIST_HEAD(&pool->chunks);
	INIT_LIST_HEAD(&pool->released);
	for (i = 0; i < EXECMEM_NR_COUNTERS; i++)
		atomic_long_set(&pool->counters[i], 0);
	INIT_DELAYED_WORK(&pool->trim_work, execmem_trim_workfn);
	INIT_WORK(&pool->release_work, execmem_release_workfn);
	pool->spare = EXECMEM_SPARE_AREAS;
	pool->trim_at = 0;
}

/* === Areas === */

static void area_free_structs(struct execmem_area *area)
{
	unsigned int i;

	for (i = 0; i < area->nr_chunks; i++)
		kfree(area->chunks[i]);
	kfree(area);
}

/* Show or hide @area's direct-map alias; the map lock is held. */
static int area_show_alias(struct execmem_area *area, bool show)
{
	unsigned long ops = area->map.direct_map_ops;
	int err;

	lockdep_assert_held(&execmem_map_lock);
	err = execmem_backend_show_alias(&area->map, show);
	execmem_count(area->pool, EXECMEM_DIRECT_MAP_OPS,
		      area->map.direct_map_ops - ops);
	return err;
}

/**
 * execmem_chunks_grow - map a new area, not yet visible to anybody
 * @pool: the pool
 * @nr_chunks: chunks in the area
 * @nid: NUMA node for its memory
 *
 * Sleeps and may reclaim: must not be called with pool->lock held. The
 * caller sets up the pages of the area, then makes it visible with
 * execmem_chunks_insert() and execmem_chunks_publish().
 *
 * Return: the area, or NULL.
 */
struct execmem_area *execmem_chunks_grow(struct execmem_pool *pool,
					 unsigned int nr_chunks, int nid)
{
	struct execmem_area *area;
	unsigned int i;
	int err;

	might_sleep();
	area = kzalloc(struct_size(area, chunks, nr_chunks), GFP_KERNEL);
	if (!area)
		return NULL;
	area->nr_chunks = nr_chunks;
	area->pool = pool;
	INIT_LIST_HEAD(&area->node);
	for (i = 0; i < nr_chunks; i++) {
		area->chunks[i] = kzalloc(sizeof(*area->chunks[i]), GFP_KERNEL);
		if (!area->chunks[i])
			goto fail;
	}
	mutex_lock(&execmem_map_lock);
	err = execmem_backend_map(pool->range, (size_t)nr_chunks <<
				  EXECMEM_CHUNK_SHIFT, nid, &area->map);
	/* A failed map may have changed the direct map and back. */
	execmem_count(pool, EXECMEM_DIRECT_MAP_OPS, area->map.direct_map_ops);
	if (area->map.leaked) {
		/*
		 * Memory the backend could not give back keeps its structs
		 * and stays listed, so that a hibernation snapshot finds its
		 * alias shown read-only like every other area's.
		 */
		execmem_count(pool, EXECMEM_AREAS_LEAKED, 1);
		list_add_tail(&area->mapped_node, &execmem_mapped);
		if (execmem_aliases_shown)
			WARN_ON(area_show_alias(area, true));
		mutex_unlock(&execmem_map_lock);
		return NULL;
	}
	if (err) {
		mutex_unlock(&execmem_map_lock);
		goto fail;
	}
	if (area->map.start < execmem_chunks_lo)
		WRITE_ONCE(execmem_chunks_lo, area->map.start);
	if (area->map.start + area->map.size > execmem_chunks_hi)
		WRITE_ONCE(execmem_chunks_hi, area->map.start + area->map.size);
	/*
	 * A hibernation snapshot is being prepared: like every other area,
	 * this one shows its alias read-only until it is over. If it cannot,
	 * it is given back (or, if even that fails, leaked) rather than used
	 * with an alias the snapshot would split.
	 */
	if (execmem_aliases_shown && area_show_alias(area, true)) {
		err = execmem_backend_unmap(&area->map);
		if (err) {
			/* the structs stay too: the area stays listed */
			list_add_tail(&area->mapped_node, &execmem_mapped);
			execmem_count(pool, EXECMEM_AREAS_LEAKED, 1);
			mutex_unlock(&execmem_map_lock);
			return NULL;
		}
		mutex_unlock(&execmem_map_lock);
		goto fail;
	}
	list_add_tail(&area->mapped_node, &execmem_mapped);
	mutex_unlock(&execmem_map_lock);

	for (i = 0; i < nr_chunks; i++) {
		struct execmem_chunk *chunk = area->chunks[i];

		chunk->start = area->map.start +
			       ((unsigned long)i << EXECMEM_CHUNK_SHIFT);
		chunk->area = area;
		INIT_LIST_HEAD(&chunk->node);
		INIT_LIST_HEAD(&chunk->pending_node);
	}
	execmem_count(pool, EXECMEM_AREAS_ADDED, 1);
	trace_execmem_chunk_add(area->map.start, area->map.size,
				area->map.nid, area->map.huge);
	return area;
fail:
	area_free_structs(area);
	return NULL;
}

/* With interrupts off (under pool->lock). */
static void chunks_erase(struct execmem_area *area, unsigned int nr)
{
	while (nr--)
		xa_erase(&execmem_chunks,
			 area->chunks[nr]->start >> EXECMEM_CHUNK_SHIFT);
}

/**
 * execmem_chunks_insert - make an area's chunks visible to lookups
 * @area: an area from execmem_chunks_grow() whose pages are set up
 *
 * Allocates xarray nodes: must not be called with pool->lock held.
 *
 * Return: 0, or a negative error (then pass @area to
 * execmem_chunks_discard()).
 */
int execmem_chunks_insert(struct execmem_area *area)
{
	unsigned int i;
	int err;

	for (i = 0; i < area->nr_chunks; i++) {
		struct execmem_chunk *chunk = area->chunks[i];

		err = xa_err(xa_store_irq(&execmem_chunks,
					  chunk->start >> EXECMEM_CHUNK_SHIFT,
					  chunk, GFP_KERNEL));
		if (err) {
			while (i--)
				xa_erase_irq(&execmem_chunks,
					     area->chunks[i]->start >>
					     EXECMEM_CHUNK_SHIFT);
			return err;
		}
	}
	return 0;
}

/**
 * execmem_chunks_publish - let allocations use an inserted area
 * @pool: the pool, whose lock is held
 * @area: the area
 */
void execmem_chunks_publish(struct execmem_pool *pool,
			    struct execmem_area *area)
{
	unsigned int i;

	lockdep_assert_held(&pool->lock);

	/* Its pages are all dirty (execmem_pages_init_area()). */
	pool->dirty_seq++;
	for (i = 0; i < area->nr_chunks; i++)
		list_add_tail(&area->chunks[i]->node, &pool->chunks);
	list_add_tail(&area->node, &pool->areas);
	execmem_count(pool, area->map.huge ? EXECMEM_CHUNKS_HEALTHY :
		      EXECMEM_CHUNKS_DEGRADED, area->nr_chunks);
}

/* Take @area off every list and out of the xarray; release it later. */
static void area_retire(struct execmem_pool *pool, struct execmem_area *area,
			bool published)
{
	unsigned int i;

	lockdep_assert_held(&pool->lock);

	chunks_erase(area, area->nr_chunks);
	if (published) {
		for (i = 0; i < area->nr_chunks; i++)
			list_del_init(&area->chunks[i]->node);
		list_del(&area->node);
		execmem_count(pool, area->map.huge ? EXECMEM_CHUNKS_HEALTHY :
			      EXECMEM_CHUNKS_DEGRADED,
			      -(long)area->nr_chunks);
	}
	area->rcu_cookie = get_state_synchronize_rcu();
	list_add_tail(&area->node, &pool->released);
}

/**
 * execmem_chunks_discard - give back an area that was never published
 * @pool: the pool
 * @area: an area from execmem_chunks_grow(), inserted or not
 *
 * The area is unmapped by the release worker after a grace period.
 */
void execmem_chunks_discard(struct execmem_pool *pool,
			    struct execmem_area *area)
{
	unsigned long flags;

	spin_lock_irqsave(&pool->lock, flags);
	area_retire(pool, area, false);
	spin_unlock_irqrestore(&pool->lock, flags);
	queue_work(system_freezable_wq, &pool->release_work);
}

static void area_release(struct execmem_pool *pool, struct execmem_area *area)
{
	unsigned long ops = area->map.direct_map_ops;
	int err;

	trace_execmem_chunk_release(area->map.start, area->map.size,
				    area->map.nid, area->map.huge);
	mutex_lock(&execmem_map_lock);
	err = execmem_backend_unmap(&area->map);
	if (!err)
		list_del(&area->mapped_node);
	mutex_unlock(&execmem_map_lock);
	execmem_count(pool, EXECMEM_DIRECT_MAP_OPS,
		      area->map.direct_map_ops - ops);
	if (err) {
		/*
		 * Still executable: keep the memory and the structs, and
		 * the area on execmem_mapped, whose alias state it keeps.
		 */
		execmem_count(pool, EXECMEM_AREAS_LEAKED, 1);
		return;
	}
	area_free_structs(area);
	execmem_count(pool, EXECMEM_AREAS_RELEASED, 1);
}

static void execmem_release_workfn(struct work_struct *work)
{
	struct execmem_pool *pool = container_of(work, struct execmem_pool,
						 release_work);
	struct execmem_area *area, *tmp;
	unsigned long flags, cookie;
	LIST_HEAD(gone);

	spin_lock_irqsave(&pool->lock, flags);
	list_splice_init(&pool->released, &gone);
	spin_unlock_irqrestore(&pool->lock, flags);
	if (list_empty(&gone))
		return;

	/* The last one retired has the newest grace-period state. */
	cookie = list_last_entry(&gone, struct execmem_area, node)->rcu_cookie;
	cond_synchronize_rcu(cookie);
	list_for_each_entry_safe(area, tmp, &gone, node) {
		list_del(&area->node);
		area_release(pool, area);
	}
}

/**
 * execmem_pool_flush_released - wait until retired areas are unmapped
 * @pool: the pool
 */
void execmem_pool_flush_released(struct execmem_pool *pool)
{
	queue_work(system_freezable_wq, &pool->release_work);
	flush_work(&pool->release_work);
}

/* === Direct-map aliases around a hibernation snapshot === */

/**
 * execmem_chunks_show_aliases - show or hide the aliases of every area
 * @show: true: make the direct-map alias of every mapped area present
 *	  and read-only; false: remove it again
 *
 * The hibernation snapshot copies every allocated page through the direct
 * map, and maps a page that is not present there with a one-page,
 * writable change that splits the chunk's 2 MiB direct-map entry. With
 * the aliases shown read-only, in the same whole 2 MiB units in which
 * they were removed, the snapshot reads pool memory without either.
 * Areas mapped while the aliases are shown get theirs shown too; areas
 * released meanwhile go back to the page allocator as usual.
 *
 * Sleeps. On failure the aliases shown so far are hidden again.
 *
 * Return: 0 or a negative error.
 */
int execmem_chunks_show_aliases(bool show)
{
	struct execmem_area *area;
	int err = 0, ret;

	might_sleep();
	mutex_lock(&execmem_map_lock);
	if (execmem_aliases_shown == show)
		goto out;
	list_for_each_entry(area, &execmem_mapped, mapped_node) {
		ret = area_show_alias(area, show);
		if (ret && show) {
			err = ret;
			break;
		}
		/* Hiding cannot be undone: keep going, report the first. */
		if (ret && !err)
			err = ret;
	}
	if (err && show) {
		list_for_each_entry_continue_reverse(area, &execmem_mapped,
						     mapped_node)
			WARN_ON(area_show_alias(area, false));
	} else {
		WARN_ON(err);
		execmem_aliases_shown = show;
	}
out:
	mutex_unlock(&execmem_map_lock);
	return err;
}

/**
 * execmem_chunks_aliases_settled - is every alias in the shown state?
 *
 * For the last check before a snapshot (interrupts off, one CPU): false
 * while an area is being mapped or unmapped, whose alias may be neither
 * shown nor given back yet.
 *
 * Return: false if the aliases are shown and an area is half mapped.
 */
bool execmem_chunks_aliases_settled(void)
{
	return !(READ_ONCE(execmem_aliases_shown) &&
		 mutex_is_locked(&execmem_map_lock));
}

/* === Lookup === */

/**
 * execmem_chunk_lookup - chunk holding an address
 * @addr: any address
 *
 * The caller holds the owning pool's lock, or an RCU read lock and only
 * looks at the chunk's immutable fields.
 *
 * Return: the chunk, or NULL if @addr is not pool memory.
 */
struct execmem_chunk *execmem_chunk_lookup(unsigned long addr)
{
	if (addr < READ_ONCE(execmem_chunks_lo) ||
	    addr >= READ_ONCE(execmem_chunks_hi))
		return NULL;
	return xa_load(&execmem_chunks, addr >> EXECMEM_CHUNK_SHIFT);
}

/**
 * execmem_addr_pool - the pool whose memory holds an address
 * @addr: any address
 *
 * Lockless; any context.
 *
 * Return: the pool, or NULL if @addr is not pool memory.
 */
struct execmem_pool *execmem_addr_pool(unsigned long addr)
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

/* === Releasing empty areas === */

static bool area_empty(struct execmem_area *area)
{
	unsigned int i;

	for (i = 0; i < area->nr_chunks; i++)
		if (!execmem_chunk_empty(area->chunks[i]))
			return false;
	return true;
}

/*
 * Walk empty areas newest first; the first @keep single-chunk ones stay.
 * The shrinker only try-locks: reclaim may run where the lock is held.
 */
static unsigned long pool_scan(struct execmem_pool *pool, unsigned int keep,
			       unsigned long max, bool retire, bool shrinker)
{
	struct execmem_area *area, *tmp;
	unsigned long n = 0, flags;

	if (shrinker) {
		if (!spin_trylock_irqsave(&pool->lock, flags))
			return 0;
	} else {
		spin_lock_irqsave(&pool->lock, flags);
	}
	list_for_each_entry_safe_reverse(area, tmp, &pool->areas, node) {
		if (n == max)
			break;
		if (!area_empty(area))
			continue;
		if (keep && area->nr_chunks == 1) {
			keep--;
			continue;
		}
		if (retire)
			area_retire(pool, area, true);
		n++;
	}
	spin_unlock_irqrestore(&pool->lock, flags);
	return n;
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
	return pool_scan(pool, pool->spare, ULONG_MAX, false, shrinker);
}

/**
 * execmem_pool_trim - give empty areas back to the page allocator
 * @pool: the pool
 * @keep: empty single-chunk areas to keep
 * @max: most areas to release
 * @shrinker: called from the shrinker: do not wait for the pool lock
 *
 * The areas leave the pool at once; they are unmapped by a worker after
 * a grace period, so this never sleeps and is safe in reclaim.
 *
 * Return: areas released.
 */
unsigned long execmem_pool_trim(struct execmem_pool *pool, unsigned int keep,
				unsigned long max, bool shrinker)
{
	unsigned long n = pool_scan(pool, keep, max, true, shrinker);

	if (n) {
		if (shrinker)
			execmem_count(pool, EXECMEM_SHRINKER_RELEASES, n);
		queue_work(system_freezable_wq, &pool->release_work);
	}
	return n;
}

/**
 * execmem_pool_arm_trim - trim the pool once it has been idle for a while
 * @pool: the pool
 */
void execmem_pool_arm_trim(struct execmem_pool *pool)
{
	/*
	 * Called for every free that fills at once: push the deadline; the
	 * work, if already queued, stays queued (no timer is moved) and
	 * re-arms itself until the deadline.
	 */
	WRITE_ONCE(pool->trim_at, jiffies + EXECMEM_TRIM_DELAY);
	/*
	 * Not a plain pending test: queue_delayed_work()'s test_and_set_bit()
	 * is fully ordered after the store above, so a work that has just
	 * started either sees the new deadline or is queued again here.
	 */
	queue_delayed_work(system_freezable_wq, &pool->trim_work,
			   EXECMEM_TRIM_DELAY);
}

static void execmem_trim_workfn(struct work_struct *work)
{
	struct execmem_pool *pool = container_of(to_delayed_work(work),
						 struct execmem_pool,
						 trim_work);
	long left = (long)(READ_ONCE(pool->trim_at) - jiffies);

	if (left > 0) {
		queue_delayed_work(system_freezable_wq, &pool->trim_work, left);
		return;
	}
	execmem_pool_trim(pool, pool->spare, ULONG_MAX, false);
}

/**
 * execmem_chunks_destroy - give back every empty area, spare included
 * @pool: the pool
 *
 * Return: 0, or -EBUSY if areas with objects are left.
 */
int execmem_chunks_destroy(struct execmem_pool *pool)
{
	cancel_delayed_work_sync(&pool->trim_work);
	execmem_pool_trim(pool, 0, ULONG_MAX, false);
	execmem_pool_flush_released(pool);
	return list_empty(&pool->areas) ? 0 : -EBUSY;
}
