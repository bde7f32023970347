// SPDX-License-Identifier: GPL-2.0
/*
 * execmem slab caches: sub-page objects packed into pool pages.
 *
 * One cache per type and size class (16 B .. 3 KiB, see
 * execmem_slab_sizes[]). A slab is one or three pool pages; its allocation
 * and pending bitmaps and the requested size of each object live in a
 * kmalloc()ed descriptor, never in the executable pages themselves.
 *
 * A slab's pages record the slab's id in pool->slabs, an allocating
 * xarray, instead of a pointer: a page word has 32 bits. The id is taken
 * when the descriptor is allocated, before pool->lock, and given back
 * when the slab is destroyed, under it (interrupts are off then, so the
 * xarray is used with XA_FLAGS_LOCK_IRQ).
 *
 * Every function here but execmem_slab_desc_alloc() and
 * execmem_slab_desc_free() is called with pool->lock held, and slab.c is
 * the only writer of slab bitmaps.
 */

#include "internal.h"

/*
 * Size classes: powers of two and the sizes halfway between them, so an
 * object wastes at most a third of its size. A class that does not divide
 * a page (384, 768, 1536, 3072 B) uses slabs of three pages, which it
 * divides exactly; 48, 96 and 192 B lose at most 64 B of a page.
 */
static const unsigned short execmem_slab_sizes[] = {
	16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048,
	3072,
};

static_assert(ARRAY_SIZE(execmem_slab_sizes) == EXECMEM_NR_CLASSES);
static_assert(EXECMEM_SLAB_MAX == 3072);

static unsigned int class_slab_pages(unsigned int size)
{
	return size >= 384 && size % 3 == 0 ? 3 : 1;
}

/**
 * execmem_slab_class - size class index for an object size
 * @size: requested bytes, 1..%EXECMEM_SLAB_MAX
 *
 * Return: index into pool->caches[type][], or -EINVAL if @size does not
 * belong in a slab.
 */
int execmem_slab_class(size_t size)
{
	unsigned int c;

	if (!size || size > EXECMEM_SLAB_MAX)
		return -EINVAL;
	for (c = 0; execmem_slab_sizes[c] < size; c++)
		;
	return c;
}

/**
 * execmem_slab_size - bytes an object of a size takes in its slab
 * @size: requested bytes, 1..%EXECMEM_SLAB_MAX
 *
 * Return: the size of its class.
 */
unsigned int execmem_slab_size(size_t size)
{
	return execmem_slab_sizes[execmem_slab_class(size)];
}

/**
 * execmem_slab_init_caches - set up the empty caches of a pool
 * @pool: the pool
 */
void execmem_slab_init_caches(struct execmem_pool *pool)
{
	unsigned int t, c;

	for (t = 0; t < EXECMEM_TYPE_MAX; t++) {
		for (c = 0; c < EXECMEM_NR_CLASSES; c++) {
			struct execmem_cache *cache = &pool->caches[t][c];

			cache->size = execmem_slab_sizes[c];
			cache->slab_pages = class_slab_pages(cache->size);
			cache->slab_objs = (cache->slab_pages << PAGE_SHIFT) /
					   cache->size;
			cache->type = t;
			INIT_LIST_HEAD(&cache->partial);
			INIT_LIST_HEAD(&cache->full);
		}
	}
	xa_init_flags(&pool->slabs, XA_FLAGS_ALLOC1 | XA_FLAGS_LOCK_IRQ);
}

static unsigned int slab_nr_objs(size_t size)
{
	unsigned int csize = execmem_slab_size(size);

	return (class_slab_pages(csize) << PAGE_SHIFT) / csize;
}

/**
 * execmem_slab_desc_alloc - allocate a slab descriptor for a size class
 * @pool: the pool the slab will be in
 * @size: an object size of the class, 1..%EXECMEM_SLAB_MAX
 *
 * Called without pool->lock: it may reclaim.
 *
 * Return: a descriptor with an id, for execmem_slab_alloc(), or NULL.
 */
struct execmem_slab *execmem_slab_desc_alloc(struct execmem_pool *pool,
					     size_t size)
{
	unsigned int nr = slab_nr_objs(size);
	size_t words = BITS_TO_LONGS(nr);
	struct execmem_slab *slab;

	slab = kzalloc(sizeof(*slab) + 2 * words * sizeof(long) +
		       nr * sizeof(u16), GFP_KERNEL);
	if (!slab)
		return NULL;
	slab->nr_objs = nr;
	slab->used = (unsigned long *)(slab + 1);
	slab->pending = slab->used + words;
	slab->sizes = (u16 *)(slab->pending + words);
	INIT_LIST_HEAD(&slab->pending_node);
	if (xa_alloc_irq(&pool->slabs, &slab->id, slab,
			 XA_LIMIT(1, FIELD_MAX(EXECMEM_PG_SLAB_ID)),
			 GFP_KERNEL)) {
		kfree(slab);
		return NULL;
	}
	return slab;
}

/**
 * execmem_slab_desc_free - free a descriptor execmem_slab_alloc() did not use
 * @pool: its pool
 * @slab: from execmem_slab_desc_alloc(), or NULL
 */
void execmem_slab_desc_free(struct execmem_pool *pool,
			    struct execmem_slab *slab)
{
	if (!slab)
		return;
	xa_erase_irq(&pool->slabs, slab->id);
	kfree(slab);
}

/**
 * execmem_slab_of - the slab a page backs
 * @pool: the pool of the page's chunk
 * @chunk: the chunk
 * @idx: index of a page in state %EXECMEM_PG_SLAB
 *
 * Return: the slab, or NULL if the page's id names none (a bug).
 */
struct execmem_slab *execmem_slab_of(struct execmem_pool *pool,
				     struct execmem_chunk *chunk,
				     unsigned int idx)
{
	return xa_load(&pool->slabs, execmem_pages_slab_id(chunk, idx));
}

static int slab_create(struct execmem_pool *pool, struct execmem_cache *cache,
		       int nid, bool strict, bool clean,
		       struct execmem_slab **desc)
{
	struct execmem_slab *slab = *desc;
	struct execmem_chunk *chunk;
	unsigned long addr;
	unsigned int i;

	/* Allocating here could enter reclaim under pool->lock. */
	if (!slab || slab->nr_objs != cache->slab_objs)
		return -EAGAIN;
	addr = execmem_pages_alloc(pool, cache->slab_pages, nid, strict, clean);
	if (!addr)
		return -ENOMEM;
	*desc = NULL;
	slab->cache = cache;
	slab->addr = addr;

	chunk = execmem_chunk_lookup(addr);
	for (i = 0; i < cache->slab_pages; i++)
		execmem_pages_set_slab(chunk, execmem_chunk_index(chunk, addr) + i,
				       slab->id);

	list_add(&slab->node, &cache->partial);
	cache->nr_slabs++;
	return 0;
}

static bool slab_clean(struct execmem_slab *slab)
{
	struct execmem_chunk *chunk = execmem_chunk_lookup(slab->addr);

	return execmem_pages_clean(chunk, execmem_chunk_index(chunk, slab->addr),
				   slab->cache->slab_pages);
}

static void slab_destroy(struct execmem_pool *pool, struct execmem_slab *slab)
{
	struct execmem_chunk *chunk = execmem_chunk_lookup(slab->addr);

	WARN_ON_ONCE(!list_empty(&slab->pending_node));
	list_del(&slab->node);
	slab->cache->nr_slabs--;
	execmem_pages_free(chunk, execmem_chunk_index(chunk, slab->addr),
			   slab->cache->slab_pages);
	/* Interrupts are off under pool->lock: no xa_erase_irq() here. */
	xa_erase(&pool->slabs, slab->id);
	kfree(slab);
}

/**
 * execmem_slab_alloc - allocate a sub-page object
 * @pool: the pool
 * @type: owner type
 * @size: requested bytes, 1..%EXECMEM_SLAB_MAX
 * @nid: preferred NUMA node for a new slab
 * @strict: take a new slab's page only from a chunk on @nid
 * @clean: prefer a slab whose pages are clean (execmem_pages_clean()):
 *	   an existing one, else a new one on clean pages, else any
 * @desc: a descriptor from execmem_slab_desc_alloc() for a new slab, or
 *	  NULL; set to NULL when it is used
 * @addr: set to the address of the object
 *
 * Return: 0, -EAGAIN if a new slab is needed and @desc is missing (drop
 * the lock, allocate one, try again), or -ENOMEM if the pool needs to
 * grow first.
 */
int execmem_slab_alloc(struct execmem_pool *pool, unsigned int type,
		       size_t size, int nid, bool strict, bool clean,
		       struct execmem_slab **desc, unsigned long *addr)
{
	struct execmem_cache *cache;
	struct execmem_slab *slab;
	unsigned int i;
	int ret;

	lockdep_assert_held(&pool->lock);

	cache = &pool->caches[type][execmem_slab_class(size)];
	if (clean) {
		list_for_each_entry(slab, &cache->partial, node)
			if (slab_clean(slab))
				goto found;
		ret = slab_create(pool, cache, nid, strict, true, desc);
		if (ret == -EAGAIN)
			return ret;
		/* Otherwise no clean pages are left: take any slab. */
	}
	if (list_empty(&cache->partial)) {
		ret = slab_create(pool, cache, nid, strict, false, desc);
		if (ret)
			return ret;
	}
	slab = list_first_entry(&cache->partial, struct execmem_slab, node);
found:
	/* Any free object will do: start looking at a random one. */
	i = find_next_zero_bit(slab->used, slab->nr_objs,
			       get_random_u32_below(slab->nr_objs));
	if (i >= slab->nr_objs)
		i = find_first_zero_bit(slab->used, slab->nr_objs);
	__set_bit(i, slab->used);
	slab->sizes[i] = size;
	if (++slab->nr_used == slab->nr_objs)
		list_move(&slab->node, &cache->full);
	cache->nr_objs++;
	execmem_account(pool, type, size, cache->size, 1);
	*addr = slab->addr + (unsigned long)i * cache->size;
	return 0;
}

/**
 * execmem_slab_owner - describe the live object of a slab holding @addr
 * @slab: the slab
 * @addr: any address inside the slab's page
 * @owner: filled in on success
 *
 * Return: true if @addr lies inside a live (allocated, not pending) object.
 */
bool execmem_slab_owner(struct execmem_slab *slab, unsigned long addr,
			struct execmem_owner *owner)
{
	unsigned int size = slab->cache->size;
	unsigned int i = (addr - slab->addr) / size;

	if (i >= slab->nr_objs || !test_bit(i, slab->used) ||
	    test_bit(i, slab->pending))
		return false;
	owner->start = slab->addr + (unsigned long)i * size;
	owner->size = slab->sizes[i];
	owner->type = slab->cache->type;
	return true;
}

/**
 * execmem_slab_free - mark an object freed; its memory is reused only after
 *		       the trap fill (execmem_slab_filled())
 * @pool: the pool
 * @slab: slab of the object
 * @addr: the object's first byte
 *
 * Return: 0, or -EINVAL for a pointer that is not a live object's start.
 */
int execmem_slab_free(struct execmem_pool *pool, struct execmem_slab *slab,
		      unsigned long addr)
{
	struct execmem_cache *cache = slab->cache;
	struct execmem_owner owner;
	unsigned int i;

	lockdep_assert_held(&pool->lock);

	if (!execmem_slab_owner(slab, addr, &owner) || owner.start != addr)
		return -EINVAL;
	i = (addr - slab->addr) / cache->size;
	__set_bit(i, slab->pending);
	slab->nr_pending++;
	/* The filler takes the slab off the list while it works on it. */
	if (list_empty(&slab->pending_node))
		list_add_tail(&slab->pending_node, &pool->pending_slabs);
	cache->nr_objs--;
	execmem_account(pool, cache->type, owner.size, cache->size, -1);
	return 0;
}

/**
 * execmem_slab_filled - make filled objects free for reuse
 * @pool: the pool
 * @slab: the slab
 * @done: bitmap of the objects whose trap fill has completed
 *
 * The filler has taken @slab off pool->pending_slabs before filling; a
 * free that came meanwhile has put it back.
 * Frees the slab's page when no object is left in it.
 */
void execmem_slab_filled(struct execmem_pool *pool, struct execmem_slab *slab,
			 const unsigned long *done)
{
	struct execmem_cache *cache = slab->cache;
	unsigned int n = bitmap_weight(done, slab->nr_objs);
	struct execmem_chunk *chunk;

	lockdep_assert_held(&pool->lock);

	chunk = execmem_chunk_lookup(slab->addr);
	execmem_pages_mark_dirty(chunk, execmem_chunk_index(chunk, slab->addr),
				 cache->slab_pages);
	bitmap_andnot(slab->used, slab->used, done, slab->nr_objs);
	bitmap_andnot(slab->pending, slab->pending, done, slab->nr_objs);
	slab->nr_pending -= n;
	if (slab->nr_used == slab->nr_objs)
		list_move(&slab->node, &cache->partial);
	slab->nr_used -= n;
	if (!slab->nr_used)
		slab_destroy(pool, slab);
}
