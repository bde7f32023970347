// SPDX-License-Identifier: GPL-2.0
/*
 * execmem shrinker: under memory pressure, give empty areas of the ROX
 * pools back to the page allocator, keeping a spare in each pool, and the
 * empty read-only direct-map block. The direct map of each chunk and
 * block is restored as one 2 MiB mapping.
 */

#define pr_fmt(fmt) "execmem: " fmt

#include <linux/init.h>
#include <linux/shrinker.h>

#include "internal.h"

static unsigned long execmem_shrink_count(struct shrinker *shrink,
					  struct shrink_control *sc)
{
	struct execmem_pool *pool;
	unsigned long n = 0;
	unsigned int i;

	for (i = 0; (pool = execmem_pool_by_index(i)); i++)
		n += execmem_pool_releasable(pool, true);
	n += execmem_rodata_releasable();
	return n ?: SHRINK_EMPTY;
}

static unsigned long execmem_shrink_scan(struct shrinker *shrink,
					 struct shrink_control *sc)
{
	unsigned long freed = 0;
	struct execmem_pool *pool;
	unsigned int i;

	for (i = 0; (pool = execmem_pool_by_index(i)); i++) {
		if (freed >= sc->nr_to_scan)
			break;
		freed += execmem_pool_trim(pool, pool->spare,
					   sc->nr_to_scan - freed, true);
	}
	if (freed < sc->nr_to_scan)
		freed += execmem_rodata_trim(sc->nr_to_scan - freed);
	return freed ?: SHRINK_STOP;
}

static int __init execmem_shrinker_init(void)
{
	struct shrinker *shrinker;

	if (!execmem_pool_by_index(0))
		return 0;
	shrinker = shrinker_alloc(0, "execmem");
	if (!shrinker)
		return -ENOMEM;
	shrinker->count_objects = execmem_shrink_count;
	shrinker->scan_objects = execmem_shrink_scan;
	/* Each object is a 2 MiB area that costs a TLB flush to rebuild. */
	shrinker->seeks = DEFAULT_SEEKS * 4;
	shrinker_register(shrinker);
	return 0;
}
late_initcall(execmem_shrinker_init);
