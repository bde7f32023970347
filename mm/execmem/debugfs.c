// SPDX-License-Identifier: GPL-2.0
/*
 * execmem debugfs: /sys/kernel/debug/execmem/, readable by root only.
 *
 *   stats   one "name value" line per figure, per pool, then those of the
 *           read-only direct-map blocks
 *   chunks  one line per chunk: start, node, mapping, free pages
 *
 * Addresses are printed raw, like page_tables/kernel, so that the two can
 * be matched; both are for root only.
 */

#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/seq_file.h>

#include "internal.h"

static const char *const execmem_type_names[EXECMEM_TYPE_MAX] = {
	[EXECMEM_DEFAULT]	= "module_text",
	[EXECMEM_KPROBES]	= "kprobes",
	[EXECMEM_FTRACE]	= "ftrace",
	[EXECMEM_BPF]		= "bpf",
	[EXECMEM_MODULE_DATA]	= "module_data",
	[EXECMEM_MODULE_RODATA]	= "module_rodata",
	[EXECMEM_JIT]		= "jit",
};

static_assert(ARRAY_SIZE(execmem_type_names) == EXECMEM_TYPE_MAX);

/* Unsized, so that a counter added without a name fails to build. */
static const char *const execmem_counter_names[] = {
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
	[EXECMEM_AREAS_LEAKED]		= "areas_leaked",
	[EXECMEM_DEFERRED_FILLS]	= "deferred_fills",
	[EXECMEM_FILL_WINDOW_MAX_US]	= "fill_window_max_us",
};

static_assert(ARRAY_SIZE(execmem_counter_names) == EXECMEM_NR_COUNTERS);

static void stats_show_pool(struct seq_file *m, unsigned int id,
			    struct execmem_pool *pool)
{
	unsigned long free = 0, slab_free[EXECMEM_TYPE_MAX] = { }, flags;
	struct execmem_chunk *chunk;
	unsigned int i, t, c;

	seq_printf(m, "pool%u_range 0x%lx-0x%lx\n", id, pool->range->start,
		   pool->range->end);
	for (i = 0; i < EXECMEM_NR_COUNTERS; i++)
		seq_printf(m, "pool%u_%s %lu\n", id, execmem_counter_names[i],
			   execmem_read(pool, i));

	spin_lock_irqsave(&pool->lock, flags);
	list_for_each_entry(chunk, &pool->chunks, node)
		free += chunk->nr_free;
	seq_printf(m, "pool%u_free_bytes %lu\n", id, free << PAGE_SHIFT);
	for (t = 0; t < EXECMEM_TYPE_MAX; t++) {
		for (c = 0; c < EXECMEM_NR_CLASSES; c++) {
			struct execmem_cache *cache = &pool->caches[t][c];

			slab_free[t] += (cache->nr_slabs * cache->slab_objs -
					 cache->nr_objs) * cache->size;
		}
	}
	for (t = 0; t < EXECMEM_TYPE_MAX; t++) {
		struct execmem_type_stats *st = &pool->stats[t];

		seq_printf(m, "pool%u_%s_objs %lu\n", id, execmem_type_names[t],
			   st->objs);
		seq_printf(m, "pool%u_%s_requested_bytes %lu\n", id,
			   execmem_type_names[t], st->requested);
		seq_printf(m, "pool%u_%s_live_bytes %lu\n", id,
			   execmem_type_names[t], st->used);
		seq_printf(m, "pool%u_%s_slab_free_bytes %lu\n", id,
			   execmem_type_names[t], slab_free[t]);
	}
	for (c = 0; c < EXECMEM_NR_CLASSES; c++) {
		unsigned int size = pool->caches[0][c].size;
		unsigned int per_slab = pool->caches[0][c].slab_objs;
		unsigned long slabs = 0, objs = 0;

		for (t = 0; t < EXECMEM_TYPE_MAX; t++) {
			slabs += pool->caches[t][c].nr_slabs;
			objs += pool->caches[t][c].nr_objs;
		}
		seq_printf(m, "pool%u_class%u_slabs %lu\n", id, size, slabs);
		seq_printf(m, "pool%u_class%u_objs %lu\n", id, size, objs);
		seq_printf(m, "pool%u_class%u_live_bytes %lu\n", id, size,
			   objs * size);
		seq_printf(m, "pool%u_class%u_free_bytes %lu\n", id, size,
			   (slabs * per_slab - objs) * size);
	}
	spin_unlock_irqrestore(&pool->lock, flags);
}

static int stats_show(struct seq_file *m, void *v)
{
	struct execmem_rodata_stats ro;
	struct execmem_pool *pool;
	unsigned int i;

	for (i = 0; (pool = execmem_pool_by_index(i)); i++)
		stats_show_pool(m, i, pool);
	execmem_rodata_stats(&ro);
	seq_printf(m, "rodata_blocks %lu\n", ro.blocks);
	seq_printf(m, "rodata_empty_blocks %lu\n", ro.empty_blocks);
	seq_printf(m, "rodata_pages_used %lu\n", ro.pages_used);
	seq_printf(m, "rodata_direct_map_ops %lu\n", ro.direct_map_ops);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

static int chunks_show(struct seq_file *m, void *v)
{
	struct execmem_chunk *chunk;
	struct execmem_pool *pool;
	unsigned long flags;
	unsigned int i;

	seq_puts(m, "# pool start node mapping free_pages\n");
	for (i = 0; (pool = execmem_pool_by_index(i)); i++) {
		spin_lock_irqsave(&pool->lock, flags);
		list_for_each_entry(chunk, &pool->chunks, node)
			seq_printf(m, "%u 0x%lx %d %s %u\n", i,
				   chunk->start, chunk->area->map.nid,
				   chunk->area->map.huge ? "pmd" : "pte",
				   chunk->nr_free);
		spin_unlock_irqrestore(&pool->lock, flags);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(chunks);

static int __init execmem_debugfs_init(void)
{
	struct dentry *dir;

	if (!execmem_pool_by_index(0))
		return 0;
	dir = debugfs_create_dir("execmem", NULL);
	debugfs_create_file("stats", 0400, dir, NULL, &stats_fops);
	debugfs_create_file("chunks", 0400, dir, NULL, &chunks_fops);
	return 0;
}
late_initcall(execmem_debugfs_init);
