/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types and functions shared between the layers of the execmem ROX pool.
 *
 * Layers, top to bottom (one file each); calls only go down:
 *   api.c     public entry points, boot parameter (always built)
 *   vmalloc.c the per-allocation path of Linux 6.12 (always built)
 *   pool.c    object front end: size routing, owner lookup, checked
 *             writes, free and trap fill
 *   slab.c    power-of-two caches for sub-page objects
 *   pages.c   buddy allocator of page runs inside 2 MiB chunks
 *   chunks.c  chunk store: the pools, areas, the chunk xarray, grow,
 *             publish, trim and release
 *   backend.c mapping, direct map and text poking (kernel only; the host
 *             harness implements the same seam with mmap)
 *   hibernate.c PM notifier: shows the direct-map aliases read-only for
 *             the hibernation snapshot, through the chunk store
 *
 * No allocator metadata lives in executable memory: every structure below
 * is kmalloc()ed.
 *
 * Locking. pool->lock is a spinlock: nothing that may sleep or enter
 * reclaim ever runs under it, so a free is safe from any context,
 * including shrinkers of other subsystems (invariant I8). Memory that
 * may be needed under it (slab descriptors, xarray slots) is allocated
 * before it is taken. pool->write_lock serialises every write into pool
 * memory: execmem_update() holds it from the owner check to the end of
 * the write, and the trap fill holds it while freed memory goes from
 * pending to free, so a write never lands in memory that was reused.
 *
 * Lock order: pool->write_lock -> text_mutex -> pool->lock. A free only
 * takes pool->lock; it fills synchronously only for types whose users
 * free outside text_mutex's inner locks (see pool.c), and only when it
 * can take pool->write_lock without waiting and cannot hold text_mutex.
 * The chunk store's map lock (a mutex, chunks.c) is taken without
 * pool->lock, around mapping and unmapping an area, possibly under
 * text_mutex (kprobes allocates slots with it held): text_mutex -> map
 * lock; a free never takes it.
 */
#ifndef __MM_EXECMEM_INTERNAL_H
#define __MM_EXECMEM_INTERNAL_H

#include "execmem_internal.h"

/* === Geometry === */

/* A chunk is the unit mapped with one PMD and removed from the direct map. */
#define EXECMEM_CHUNK_SHIFT	PMD_SHIFT
#define EXECMEM_CHUNK_SIZE	BIT(EXECMEM_CHUNK_SHIFT)
#define EXECMEM_CHUNK_ORDER	(EXECMEM_CHUNK_SHIFT - PAGE_SHIFT)
#define EXECMEM_CHUNK_PAGES	BIT(EXECMEM_CHUNK_ORDER)

/*
 * Objects up to 3 KiB go to slab caches: powers of two from 16 B and the
 * sizes halfway between them from 48 B (see slab.c). Larger ones get page
 * runs.
 */
#define EXECMEM_SLAB_MIN_SHIFT	4
#define EXECMEM_SLAB_MAX	3072
#define EXECMEM_NR_CLASSES	15

/* Empty single-chunk areas kept back from trimming, per pool. */
#define EXECMEM_SPARE_AREAS	1

/* === Page descriptors === */

/**
 * enum execmem_page_state - what a page of a chunk is used for
 * @EXECMEM_PG_NONE: free, but not the head of a free block
 * @EXECMEM_PG_FREE: head of a free buddy block
 * @EXECMEM_PG_RUN: head of a live page run
 * @EXECMEM_PG_TAIL: page of a live or pending run after its head
 * @EXECMEM_PG_PENDING: head of a freed run waiting for its trap fill
 * @EXECMEM_PG_SLAB: page backs a slab
 */
enum execmem_page_state {
	EXECMEM_PG_NONE,
	EXECMEM_PG_FREE,
	EXECMEM_PG_RUN,
	EXECMEM_PG_TAIL,
	EXECMEM_PG_PENDING,
	EXECMEM_PG_SLAB,
};

/*
 * Each page of a chunk is described by one 32-bit word, written only by
 * pages.c. The state is in the low bits; the rest depends on it:
 *
 *   RUN, PENDING  owner type, EXECMEM_RUN_CONT, pages in the run - 1 and
 *                 bytes used of its last page - 1, so the requested size
 *                 is exact without storing it whole;
 *   TAIL          index of the run's head page;
 *   SLAB          id of the slab descriptor (see slab.c);
 *   FREE          nothing: free blocks are in the chunk's free bitmaps.
 *
 * A run that continues an object larger than a chunk (EXECMEM_RUN_CONT)
 * starts at page 0 of a chunk of the object's area; the object starts at
 * the area's first byte.
 */
#define EXECMEM_PG_STATE	GENMASK(2, 0)
#define EXECMEM_PG_TYPE		GENMASK(5, 3)
#define EXECMEM_RUN_CONT	BIT(6)
#define EXECMEM_PG_NR		GENMASK(6 + EXECMEM_CHUNK_ORDER, 7)
#define EXECMEM_PG_LAST		GENMASK(6 + EXECMEM_CHUNK_ORDER + PAGE_SHIFT, \
					7 + EXECMEM_CHUNK_ORDER)
#define EXECMEM_PG_HEAD		GENMASK(2 + EXECMEM_CHUNK_ORDER, 3)
#define EXECMEM_PG_SLAB_ID	GENMASK(31, 3)

/* Every type fits in EXECMEM_PG_TYPE (the mask over its lowest bit). */
static_assert(EXECMEM_TYPE_MAX - 1 <=
	      EXECMEM_PG_TYPE / (EXECMEM_PG_TYPE & -EXECMEM_PG_TYPE));
static_assert(6 + EXECMEM_CHUNK_ORDER + PAGE_SHIFT < 32);

/* Bits of the free-block bitmaps of all orders, 2^(order + 1) - 1. */
#define EXECMEM_FREE_BITS	(2 * EXECMEM_CHUNK_PAGES - 1)

/**
 * struct execmem_run - a page run, decoded by execmem_pages_run()
 * @chunk: chunk of the run's head page (the object's first chunk)
 * @idx: index of the head page in @chunk
 * @start: first byte of the object
 * @size: requested bytes of the object, all its chunks together
 * @nr_pages: pages of the run in @chunk
 * @type: owner type
 * @pending: freed, waiting for its trap fill
 */
struct execmem_run {
	struct execmem_chunk *chunk;
	unsigned int idx;
	unsigned long start;
	unsigned long size;
	unsigned int nr_pages;
	unsigned int type;
	bool pending;
};

/* === Chunks and areas === */

struct execmem_pool;
struct execmem_area;

/**
 * struct execmem_chunk - one 2 MiB chunk of pool memory
 * @start: first byte, %EXECMEM_CHUNK_SIZE aligned
 * @area: the mapping this chunk is part of
 * @node: on pool->chunks
 * @pending_node: on pool->pending_chunks while @pending is not empty
 * @nr_free: free pages (not in a run, a slab or pending)
 * @nr_blocks: free buddy blocks, per order
 * @free_map: heads of free blocks: for each order in turn, one bit per
 *	      block of that order (see pages.c)
 * @pending: heads of freed runs waiting for their trap fill
 * @dirty: pages that may have held code since the last predictor flush
 *	   (see execmem_alloc_clean()); all of a new chunk's pages are
 * @pages: one descriptor word per page (see EXECMEM_PG_STATE)
 *
 * All but @start and @area are protected by the pool's lock.
 */
struct execmem_chunk {
	unsigned long start;
	struct execmem_area *area;
	struct list_head node;
	struct list_head pending_node;
	unsigned int nr_free;
	u16 nr_blocks[EXECMEM_CHUNK_ORDER + 1];
	DECLARE_BITMAP(free_map, EXECMEM_FREE_BITS);
	DECLARE_BITMAP(pending, EXECMEM_CHUNK_PAGES);
	DECLARE_BITMAP(dirty, EXECMEM_CHUNK_PAGES);
	u32 pages[EXECMEM_CHUNK_PAGES];
};

/* The descriptor of a 2 MiB chunk of 4 KiB pages fits one 4 KiB kmalloc. */
static_assert(PAGE_SHIFT != 12 || sizeof(struct execmem_chunk) <= SZ_4K);

/**
 * struct execmem_mapping - an address range the backend has mapped
 * @start: first byte, %EXECMEM_CHUNK_SIZE aligned
 * @size: bytes, a multiple of %EXECMEM_CHUNK_SIZE
 * @nid: NUMA node the memory came from
 * @huge: mapped with PMDs, its direct-map alias changed in whole
 *	  %EXECMEM_CHUNK_SIZE units; false for a degraded mapping (PTEs,
 *	  scattered pages, the alias changed page by page)
 * @direct_map_ops: direct-map changes made for it so far (statistics)
 * @leaked: a failed execmem_backend_map() could not make it
 *	    non-executable again and left it mapped
 * @priv: the backend's handle (the vm_struct in the kernel)
 *
 * Written only by the backend; the chunk store reads it.
 */
struct execmem_mapping {
	unsigned long start;
	size_t size;
	int nid;
	bool huge;
	unsigned long direct_map_ops;
	bool leaked;
	void *priv;
};

/**
 * struct execmem_area - one mapping made by the backend: 1..n chunks
 * @map: the mapping
 * @nr_chunks: number of chunks in @chunks
 * @pool: owner
 * @node: on pool->areas, or on pool->released once unpublished
 * @mapped_node: on the chunk store's list of mapped areas, from map to
 *		 unmap (chunks.c)
 * @rcu_cookie: grace-period state at unpublish; the area is unmapped once
 *		it has elapsed (lockless lookups may still see its chunks)
 * @chunks: the chunks, in address order
 *
 * Immutable after creation except @node and @rcu_cookie (pool lock) and
 * @mapped_node (the chunk store's map lock).
 */
struct execmem_area {
	struct execmem_mapping map;
	unsigned int nr_chunks;
	struct execmem_pool *pool;
	struct list_head node;
	struct list_head mapped_node;
	unsigned long rcu_cookie;
	struct execmem_chunk *chunks[] __counted_by(nr_chunks);
};

/* === Slab caches === */

/**
 * struct execmem_slab - one to three pages of equally sized objects
 * @node: on cache->partial or cache->full
 * @pending_node: on pool->pending_slabs while @nr_pending
 * @cache: owner
 * @addr: address of object 0
 * @id: index in pool->slabs, kept in the words of the slab's pages
 * @nr_objs: objects in the slab
 * @nr_used: allocated objects, pending ones included
 * @nr_pending: freed objects waiting for their trap fill
 * @used: allocation bitmap (pending objects stay set)
 * @pending: freed, not yet filled
 * @sizes: requested size of each live object
 *
 * Protected by the pool's lock. Lives in kmalloc memory (invariant I2).
 */
struct execmem_slab {
	struct list_head node;
	struct list_head pending_node;
	struct execmem_cache *cache;
	unsigned long addr;
	u32 id;
	unsigned short nr_objs;
	unsigned short nr_used;
	unsigned short nr_pending;
	unsigned long *used;
	unsigned long *pending;
	u16 *sizes;
};

/**
 * struct execmem_cache - slabs of one size class for one type
 * @size: object size in bytes
 * @slab_pages: pages per slab
 * @slab_objs: objects per slab
 * @type: &enum execmem_type of the objects
 * @partial: slabs with a free object
 * @full: slabs without one
 * @nr_slabs: slabs in the cache
 * @nr_objs: live objects (pending ones excluded)
 *
 * Protected by the pool's lock.
 */
struct execmem_cache {
	unsigned int size;
	unsigned short slab_pages;
	unsigned short slab_objs;
	unsigned int type;
	struct list_head partial;
	struct list_head full;
	unsigned long nr_slabs;
	unsigned long nr_objs;
};

/* === Statistics === */

/**
 * enum execmem_counter - pool event counters and gauges
 * @EXECMEM_CHUNKS_HEALTHY: chunks mapped by PMDs (gauge)
 * @EXECMEM_CHUNKS_DEGRADED: chunks mapped by PTEs (gauge)
 * @EXECMEM_AREAS_ADDED: areas created
 * @EXECMEM_AREAS_RELEASED: areas given back to the page allocator
 * @EXECMEM_SHRINKER_RELEASES: of those, released by the shrinker
 * @EXECMEM_DIRECT_MAP_OPS: direct map changes (each a whole 2 MiB unit on
 *	a healthy chunk)
 * @EXECMEM_FREES: objects freed
 * @EXECMEM_UPDATES: execmem_update() calls that wrote
 * @EXECMEM_UPDATE_BYTES: bytes they wrote
 * @EXECMEM_FILLS: trap fills of freed memory
 * @EXECMEM_FILL_BYTES: bytes filled
 * @EXECMEM_BAD_CALLS: calls rejected for bad input (each with a WARN)
 * @EXECMEM_AREAS_LEAKED: areas that could not be made non-executable
 *	at release and were leaked instead of getting a writable alias
 * @EXECMEM_DEFERRED_FILLS: frees whose trap fill went to the worker
 * @EXECMEM_FILL_WINDOW_MAX_US: longest time freed memory waited for its
 *	trap fill, in microseconds (gauge)
 * @EXECMEM_NR_COUNTERS: number of counters
 */
enum execmem_counter {
	EXECMEM_CHUNKS_HEALTHY,
	EXECMEM_CHUNKS_DEGRADED,
	EXECMEM_AREAS_ADDED,
	EXECMEM_AREAS_RELEASED,
	EXECMEM_SHRINKER_RELEASES,
	EXECMEM_DIRECT_MAP_OPS,
	EXECMEM_FREES,
	EXECMEM_UPDATES,
	EXECMEM_UPDATE_BYTES,
	EXECMEM_FILLS,
	EXECMEM_FILL_BYTES,
	EXECMEM_BAD_CALLS,
	EXECMEM_AREAS_LEAKED,
	EXECMEM_DEFERRED_FILLS,
	EXECMEM_FILL_WINDOW_MAX_US,
	EXECMEM_NR_COUNTERS,
};

/**
 * struct execmem_type_stats - live memory of one type in one pool
 * @objs: live objects
 * @requested: bytes asked for
 * @used: bytes taken from the pool (size class or whole pages)
 */
struct execmem_type_stats {
	unsigned long objs;
	unsigned long requested;
	unsigned long used;
};

/* === Pools === */

/**
 * struct execmem_pool - ROX memory for the types that share one range
 * @range: where chunks are mapped and with which protection
 * @lock: protects everything below it except @write_lock, the work items
 *	  and @counters; never held across anything that sleeps
 * @areas: every published area of the pool
 * @chunks: every chunk of the pool, in the order they were added
 * @pending_chunks: chunks with freed runs waiting for their trap fill
 * @pending_slabs: slabs with freed objects waiting for their trap fill
 * @released: unpublished areas waiting for a grace period and the unmap
 * @caches: slab caches, per type and size class
 * @slabs: every slab descriptor of the pool, by id (has its own lock)
 * @stats: live memory per type
 * @pending_since: jiffies when the oldest pending object was freed
 * @dirty_seq: moves whenever pages become dirty (new or freed); only
 *	       a predictor flush that began after a read of it cleans them
 * @remote_nodes: nodes whose last grow got memory from another node; an
 *		  allocation for them takes any chunk before growing
 * @spare: empty single-chunk areas to keep
 * @write_lock: serialises writes into pool memory (updates, trap fills)
 * @fill_work: fills freed objects that could not be filled at free time
 * @trim_work: gives back empty areas once the pool is idle
 * @trim_at: jiffies before which @trim_work only re-arms itself
 * @release_work: unmaps released areas after their grace period
 * @counters: event counters, see &enum execmem_counter
 *
 * See "Locking" at the top of this file.
 */
struct execmem_pool {
	const struct execmem_range *range;
	spinlock_t lock;		/* see above */
	struct list_head areas;
	struct list_head chunks;
	struct list_head pending_chunks;
	struct list_head pending_slabs;
	struct list_head released;
	struct execmem_cache caches[EXECMEM_TYPE_MAX][EXECMEM_NR_CLASSES];
	struct xarray slabs;
	struct execmem_type_stats stats[EXECMEM_TYPE_MAX];
	unsigned long pending_since;
	u64 dirty_seq;
	DECLARE_BITMAP(remote_nodes, MAX_NUMNODES);
	unsigned int spare;
	struct mutex write_lock;	/* see above */
	struct work_struct fill_work;
	struct delayed_work trim_work;
	unsigned long trim_at;
	struct work_struct release_work;
	atomic_long_t counters[EXECMEM_NR_COUNTERS];
};

/**
 * struct execmem_owner - what an address belongs to
 * @pool: pool of the object
 * @start: first byte of the object
 * @size: requested size of the object
 * @type: type of the object
 */
struct execmem_owner {
	struct execmem_pool *pool;
	unsigned long start;
	unsigned long size;
	unsigned int type;
};

static inline void execmem_count(struct execmem_pool *pool,
				 enum execmem_counter c, long n)
{
	atomic_long_add(n, &pool->counters[c]);
}

static inline unsigned long execmem_read(struct execmem_pool *pool,
					 enum execmem_counter c)
{
	return atomic_long_read(&pool->counters[c]);
}

static inline unsigned int execmem_chunk_index(struct execmem_chunk *chunk,
					       unsigned long addr)
{
	return (addr - chunk->start) >> PAGE_SHIFT;
}

static inline unsigned long execmem_page_addr(struct execmem_chunk *chunk,
					      unsigned int idx)
{
	return chunk->start + ((unsigned long)idx << PAGE_SHIFT);
}

static inline bool execmem_chunk_empty(struct execmem_chunk *chunk)
{
	return chunk->nr_free == EXECMEM_CHUNK_PAGES;
}

/* One accounting helper for every allocation (@sign 1) and free (-1). */
static inline void execmem_account(struct execmem_pool *pool,
				   unsigned int type, unsigned long requested,
				   unsigned long used, int sign)
{
	struct execmem_type_stats *st = &pool->stats[type];

	st->objs += sign;
	st->requested += sign * requested;
	st->used += sign * used;
}

#ifdef CONFIG_EXECMEM_ROX_POOL
/* What api.c calls; with the pool off, the stubs below. */
void execmem_pools_init(struct execmem_info *info);
struct execmem_pool *execmem_type_to_pool(enum execmem_type type);
struct execmem_pool *execmem_addr_pool(unsigned long addr);
void *execmem_pool_alloc(struct execmem_pool *pool, unsigned int type,
			 size_t size, int nid);
void *execmem_pool_alloc_clean(struct execmem_pool *pool, unsigned int type,
			       size_t size, int nid, u64 *flush_seq);
void execmem_pool_flushed(struct execmem_pool *pool, u64 seq);
int execmem_pool_free(void *ptr);
int execmem_pool_update(void *dst, const void *src, size_t len, int type);
size_t execmem_pool_size_roundup(size_t size);

/* rodata.c: read-only direct-map blocks (EXECMEM_RO_BLOCKS) */
struct execmem_rodata_stats {
	unsigned long blocks;
	unsigned long empty_blocks;
	unsigned long pages_used;
	unsigned long direct_map_ops;
};

void *execmem_rodata_alloc(const struct execmem_range *range, size_t size);
bool execmem_rodata_free(void *ptr);
unsigned long execmem_rodata_releasable(void);
unsigned long execmem_rodata_trim(unsigned long nr);
void execmem_rodata_stats(struct execmem_rodata_stats *st);
#else
static inline void *execmem_rodata_alloc(const struct execmem_range *range,
					 size_t size)
{
	return NULL;
}

static inline bool execmem_rodata_free(void *ptr) { return false; }

static inline void execmem_pools_init(struct execmem_info *info) { }
static inline struct execmem_pool *execmem_type_to_pool(enum execmem_type type)
{
	return NULL;
}

static inline void *execmem_pool_alloc(struct execmem_pool *pool,
				       unsigned int type, size_t size, int nid)
{
	return NULL;
}

static inline int execmem_pool_free(void *ptr) { return -ENOENT; }

static inline void *execmem_pool_alloc_clean(struct execmem_pool *pool,
					     unsigned int type, size_t size,
					     int nid, u64 *flush_seq)
{
	return NULL;
}
#endif

/* pool.c: the object front end */
int execmem_pool_lookup(unsigned long addr, size_t len,
			struct execmem_owner *owner);
void execmem_pool_drain(struct execmem_pool *pool);

/* slab.c, called with pool->lock held unless noted */
void execmem_slab_init_caches(struct execmem_pool *pool);
int execmem_slab_class(size_t size);
unsigned int execmem_slab_size(size_t size);
struct execmem_slab *execmem_slab_desc_alloc(struct execmem_pool *pool,
					     size_t size);	/* no lock */
void execmem_slab_desc_free(struct execmem_pool *pool,
			    struct execmem_slab *slab);	/* no lock */
struct execmem_slab *execmem_slab_of(struct execmem_pool *pool,
				     struct execmem_chunk *chunk,
				     unsigned int idx);
int execmem_slab_alloc(struct execmem_pool *pool, unsigned int type,
		       size_t size, int nid, bool strict, bool clean,
		       struct execmem_slab **desc, unsigned long *addr);
int execmem_slab_free(struct execmem_pool *pool, struct execmem_slab *slab,
		      unsigned long addr);
bool execmem_slab_owner(struct execmem_slab *slab, unsigned long addr,
			struct execmem_owner *owner);
void execmem_slab_filled(struct execmem_pool *pool, struct execmem_slab *slab,
			 const unsigned long *done);

/* pages.c, called with pool->lock held unless noted */
void execmem_pages_init_area(struct execmem_area *area);	/* no lock */
unsigned long execmem_pages_alloc(struct execmem_pool *pool,
				  unsigned int nr_pages, int nid, bool strict,
				  bool clean);
bool execmem_pages_clean(const struct execmem_chunk *chunk, unsigned int idx,
			 unsigned int nr_pages);
void execmem_pages_mark_dirty(struct execmem_chunk *chunk, unsigned int idx,
			      unsigned int nr_pages);
unsigned long execmem_pages_alloc_in(struct execmem_chunk *chunk,
				     unsigned int nr_pages);
void execmem_pages_free(struct execmem_chunk *chunk, unsigned int idx,
			unsigned int nr_pages);
void execmem_pages_set_run(struct execmem_chunk *chunk, unsigned int idx,
			   unsigned int nr_pages, unsigned int type,
			   unsigned long size, u32 flags);
void execmem_pages_set_slab(struct execmem_chunk *chunk, unsigned int idx,
			    u32 id);
enum execmem_page_state execmem_pages_state(const struct execmem_chunk *chunk,
					    unsigned int idx);
u32 execmem_pages_slab_id(const struct execmem_chunk *chunk, unsigned int idx);
bool execmem_pages_run(struct execmem_chunk *chunk, unsigned int idx,
		       struct execmem_run *run);
void execmem_pages_set_pending(struct execmem_chunk *chunk, unsigned int idx);
bool execmem_pages_take_pending(struct execmem_chunk *chunk,
				struct execmem_run *run);
bool execmem_pages_has_pending(const struct execmem_chunk *chunk);
void execmem_pages_free_run(const struct execmem_run *run);

/* chunks.c: the chunk store */
void execmem_chunks_init(struct execmem_pool *pool,
			 const struct execmem_range *range);
int execmem_chunks_destroy(struct execmem_pool *pool);
struct execmem_chunk *execmem_chunk_lookup(unsigned long addr);
struct execmem_area *execmem_chunks_grow(struct execmem_pool *pool,
					 unsigned int nr_chunks, int nid);
int execmem_chunks_insert(struct execmem_area *area);
void execmem_chunks_publish(struct execmem_pool *pool,
			    struct execmem_area *area);
void execmem_chunks_discard(struct execmem_pool *pool,
			    struct execmem_area *area);
unsigned long execmem_pool_releasable(struct execmem_pool *pool, bool shrinker);
unsigned long execmem_pool_trim(struct execmem_pool *pool, unsigned int keep,
				unsigned long max, bool shrinker);
void execmem_pool_arm_trim(struct execmem_pool *pool);
void execmem_pool_flush_released(struct execmem_pool *pool);
int execmem_chunks_show_aliases(bool show);
bool execmem_chunks_aliases_settled(void);

/* chunks.c: the registry of pools */
struct execmem_pool *execmem_pools_claim(enum execmem_type type,
					 const struct execmem_range *range,
					 bool *fresh);
struct execmem_pool *execmem_pool_by_index(unsigned int i);

/* pool.c */
void execmem_pool_init(struct execmem_pool *pool,
		       const struct execmem_range *range);
int execmem_pool_destroy(struct execmem_pool *pool);
void execmem_bad_call(struct execmem_pool *pool);

/*
 * backend.c (or the host harness): the only code that maps or pokes text.
 * Operations on address ranges; they know nothing of pools, areas or
 * counters.
 */
int execmem_backend_map(const struct execmem_range *range, size_t size,
			int nid, struct execmem_mapping *map);
int execmem_backend_unmap(struct execmem_mapping *map);
int execmem_backend_show_alias(struct execmem_mapping *map, bool show);
void execmem_backend_fill(void *dst, size_t len);
int execmem_backend_copy(void *dst, const void *src, size_t len);

/* vmalloc.c: the per-allocation path of Linux 6.12 (always built) */
void *execmem_vmalloc(const struct execmem_range *range, size_t size,
		      size_t align, pgprot_t pgprot, unsigned long vm_flags,
		      int nid);
void *execmem_backend_vmalloc(const struct execmem_range *range, size_t size,
			      bool reset_perms);
void execmem_backend_vfree(void *ptr);

#endif /* __MM_EXECMEM_INTERNAL_H */
