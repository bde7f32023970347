// SPDX-License-Identifier: GPL-2.0
/*
 * execmem backend: the only part of the pool that touches page tables, the
 * direct map or text. The host harness (tools/testing/execmem/) implements
 * the same functions with mmap() and mprotect().
 *
 * A new area is mapped in a sequence that never leaves a writable and an
 * executable mapping of the same page at the same time (invariant I1):
 *
 *  1. huge vmalloc, RW+NX, 2 MiB aligned, on an explicit node (6.12 spreads
 *     a NUMA_NO_NODE request over the online nodes and then maps it with
 *     PTEs);
 *  2. fill with trap instructions through that RW+NX mapping;
 *  3. remove the direct-map alias, one call per 2 MiB unit (invariant I5);
 *  4. make the vmalloc mapping ROX, which keeps its PMDs (invariant I3).
 *
 * Release reverses it: NX first, then the direct map comes back (present,
 * RW, still 2 MiB), then vfree() unmaps and frees the pages. The area is
 * never flagged VM_FLUSH_RESET_PERMS, whose vfree() resets the direct map
 * one 4 KiB page at a time.
 */

#define pr_fmt(fmt) "execmem: " fmt

#include <linux/set_memory.h>
#include <linux/kasan.h>
#include <linux/vmalloc.h>

#include "internal.h"

/* === The 6.12 path, for types without a ROX pool === */

static void *__execmem_vmalloc(const struct execmem_range *range, size_t size,
			       size_t align, pgprot_t pgprot,
			       unsigned long vm_flags, int nid)
{
	gfp_t gfp = GFP_KERNEL | __GFP_NOWARN;
	void *p;

	if (range->flags & EXECMEM_KASAN_SHADOW)
		vm_flags |= VM_DEFER_KMEMLEAK;
	p = __vmalloc_node_range(size, align, range->start, range->end, gfp,
				 pgprot, vm_flags, nid,
				 __builtin_return_address(0));
	if (!p && range->fallback_start)
		p = __vmalloc_node_range(size, align, range->fallback_start,
					 range->fallback_end, gfp, pgprot,
					 vm_flags, nid,
					 __builtin_return_address(0));
	if (!p)
		return NULL;
	if ((range->flags & EXECMEM_KASAN_SHADOW) &&
	    kasan_alloc_module_shadow(p, size, GFP_KERNEL) < 0) {
		vfree(p);
		return NULL;
	}
	return kasan_reset_tag(p);
}

/**
 * execmem_backend_vmalloc - per-allocation vmalloc of Linux 6.12
 * @range: the type's range
 * @size: bytes
 *
 * Return: memory with @range's protection, or NULL.
 */
void *execmem_backend_vmalloc(const struct execmem_range *range, size_t size)
{
	void *p = __execmem_vmalloc(range, size, range->alignment,
				    range->pgprot, VM_FLUSH_RESET_PERMS,
				    NUMA_NO_NODE);

	if (!p)
		pr_warn_ratelimited("unable to allocate memory\n");
	return p;
}

/**
 * execmem_backend_vfree - free memory from execmem_backend_vmalloc()
 * @ptr: the memory
 */
void execmem_backend_vfree(void *ptr)
{
	vfree(ptr);
}

/* === Pool areas === */

static int set_direct_map(struct execmem_pool *pool, struct page **pages,
			  unsigned int nr, bool huge, bool valid)
{
	unsigned int step = huge ? EXECMEM_CHUNK_PAGES : 1;
	unsigned int i;
	int err;

	for (i = 0; i < nr; i += step) {
		err = execmem_arch_set_direct_map(pages[i], step, valid);
		if (err)
			return err;
		execmem_count(pool, EXECMEM_DIRECT_MAP_OPS, 1);
	}
	return 0;
}

/**
 * execmem_backend_map - map a new pool area
 * @pool: the pool; its range says where and how
 * @area: area to map: sets @area->start, ->huge, ->nid and ->priv
 * @size: bytes, a multiple of %EXECMEM_CHUNK_SIZE
 * @nid: NUMA node, %NUMA_NO_NODE for the current one
 *
 * Return: 0 or a negative error.
 */
int execmem_backend_map(struct execmem_pool *pool, struct execmem_area *area,
			size_t size, int nid)
{
	unsigned int nr = size >> PAGE_SHIFT;
	struct vm_struct *vm;
	void *p;
	int err;

	if (nid == NUMA_NO_NODE)
		nid = numa_node_id();
	p = __execmem_vmalloc(pool->range, size, EXECMEM_CHUNK_SIZE,
			      PAGE_KERNEL, VM_ALLOW_HUGE_VMAP | VM_NO_GUARD,
			      nid);
	if (!p)
		return -ENOMEM;
	vm = find_vm_area(p);
	area->start = (unsigned long)p;
	area->huge = is_vm_area_hugepages(p);
	area->nid = page_to_nid(vm->pages[0]);
	area->priv = vm;
	if (!area->huge)
		pr_warn_ratelimited("no 2 MiB page: area at %p mapped with PTEs\n",
				    p);

	/* Still RW+NX: fill through the vmalloc mapping itself. */
	execmem_arch_fill_trap(p, size, true);

	err = set_direct_map(pool, vm->pages, nr, area->huge, false);
	if (!err)
		err = set_memory_rox((unsigned long)p, nr);
	if (err) {
		pr_err("cannot protect area at %p: %d\n", p, err);
		set_direct_map(pool, vm->pages, nr, area->huge, true);
		vfree(p);
		return err;
	}
	return 0;
}

/**
 * execmem_backend_unmap - give an area's memory back
 * @pool: the pool
 * @area: an area from execmem_backend_map() that holds no object
 */
void execmem_backend_unmap(struct execmem_pool *pool,
			   struct execmem_area *area)
{
	struct vm_struct *vm = area->priv;
	unsigned int nr = get_vm_area_size(vm) >> PAGE_SHIFT;

	/* Not executable any more before any alias becomes writable. */
	WARN_ON(set_memory_nx(area->start, nr));
	WARN_ON(set_direct_map(pool, vm->pages, nr, area->huge, true));
	vfree((void *)area->start);
}

/* === Text === */

/**
 * execmem_backend_fill - fill pool memory with trap instructions
 * @dst: start
 * @len: bytes
 */
void execmem_backend_fill(void *dst, size_t len)
{
	execmem_arch_fill_trap(dst, len, false);
}

/**
 * execmem_backend_copy - write into pool memory
 * @dst: destination
 * @src: source
 * @len: bytes
 *
 * Return: 0 or -EFAULT.
 */
int execmem_backend_copy(void *dst, const void *src, size_t len)
{
	return execmem_arch_copy(dst, src, len) ? 0 : -EFAULT;
}
