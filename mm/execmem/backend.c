// SPDX-License-Identifier: GPL-2.0
/*
 * execmem backend: the only part of the pool that touches page tables, the
 * direct map or text. The host harness (tools/testing/execmem/) implements
 * the same functions with mmap() and mprotect().
 *
 * A new area is mapped in a sequence that never leaves a writable and an
 * executable mapping of the same page at the same time (invariant I1):
 *
 *  1. huge vmalloc, RW+NX, 2 MiB aligned, at a random place in the range,
 *     on an explicit node (6.12 spreads a NUMA_NO_NODE request over the
 *     online nodes and then maps it with PTEs);
 *  2. fill with trap instructions through that RW+NX mapping;
 *  3. remove the direct-map alias, one call per 2 MiB unit (invariant I5);
 *  4. make the vmalloc mapping ROX, which keeps its PMDs (invariant I3).
 *
 * Release reverses it: NX first, then the direct map comes back (present,
 * RW, still 2 MiB), then vfree() unmaps and frees the pages. When a step
 * that removes execute permission fails, the area is leaked instead. The area is
 * never flagged VM_FLUSH_RESET_PERMS, whose vfree() resets the direct map
 * one 4 KiB page at a time.
 */

#define pr_fmt(fmt) "execmem: " fmt

#include <kunit/static_stub.h>
#include <linux/random.h>
#include <linux/set_memory.h>
#include <linux/vmalloc.h>

#include "internal.h"

/* === Pool areas === */

typedef int (*direct_map_op_t)(struct page *page, unsigned int nr, bool on);

/*
 * Apply an arch direct-map operation to the alias of @map, in the units in
 * which it was removed: whole chunks on a huge mapping, pages otherwise.
 * On failure *@done says how many pages were changed before it.
 */
static int direct_map_each(struct execmem_mapping *map, direct_map_op_t op,
			   bool on, unsigned int *done)
{
	struct vm_struct *vm = map->priv;
	unsigned int step = map->huge ? EXECMEM_CHUNK_PAGES : 1;
	unsigned int nr = map->size >> PAGE_SHIFT;
	unsigned int i;
	int err;

	for (i = 0; i < nr; i += step) {
		err = op(vm->pages[i], step, on);
		if (err) {
			*done = i;
			return err;
		}
		map->direct_map_ops++;
	}
	return 0;
}

static int set_direct_map(struct execmem_mapping *map, bool valid)
{
	unsigned int done;

	return direct_map_each(map, execmem_arch_set_direct_map, valid, &done);
}

/*
 * Chunks land at a random 2 MiB-aligned place in the type's range, as
 * far as the range has room there; the range's start is the fallback.
 */
static void *map_random(const struct execmem_range *range, size_t size,
			int nid)
{
	unsigned long start = ALIGN(range->start, EXECMEM_CHUNK_SIZE);
	struct execmem_range r = *range;
	unsigned long slots;
	void *p;

	if (range->end > start && range->end - start > size) {
		slots = (range->end - start - size) >> EXECMEM_CHUNK_SHIFT;
		r.start = start + ((unsigned long)get_random_u32_below(slots + 1)
				   << EXECMEM_CHUNK_SHIFT);
		r.fallback_start = 0;
		r.fallback_end = 0;
		p = execmem_vmalloc(&r, size, EXECMEM_CHUNK_SIZE, PAGE_KERNEL,
				    VM_ALLOW_HUGE_VMAP | VM_NO_GUARD, nid);
		if (p)
			return p;
	}
	return execmem_vmalloc(range, size, EXECMEM_CHUNK_SIZE, PAGE_KERNEL,
			       VM_ALLOW_HUGE_VMAP | VM_NO_GUARD, nid);
}

/* The permission changes, one function each so that KUnit can fail them. */
static int backend_set_rox(unsigned long addr, unsigned int nr)
{
	KUNIT_STATIC_STUB_REDIRECT(backend_set_rox, addr, nr);
	return set_memory_rox(addr, nr);
}

static int backend_set_nx(unsigned long addr, unsigned int nr)
{
	KUNIT_STATIC_STUB_REDIRECT(backend_set_nx, addr, nr);
	return set_memory_nx(addr, nr);
}

/**
 * execmem_backend_map - map a new range of pool memory
 * @range: where, and on which node's memory
 * @size: bytes, a multiple of %EXECMEM_CHUNK_SIZE
 * @nid: NUMA node, %NUMA_NO_NODE for the current one
 * @map: filled in; @map->direct_map_ops counts the direct-map changes
 *	 made, on failure too
 *
 * On success the range is read-only and executable, filled with trap
 * instructions, and has no alias in the direct map. On failure nothing
 * is mapped, unless the range could not be made non-executable again:
 * then it stays mapped, never writable, and @map->leaked is set.
 *
 * Return: 0 or a negative error.
 */
int execmem_backend_map(const struct execmem_range *range, size_t size,
			int nid, struct execmem_mapping *map)
{
	unsigned int nr = size >> PAGE_SHIFT;
	struct vm_struct *vm;
	void *p;
	int err;

	if (nid == NUMA_NO_NODE)
		nid = numa_node_id();
	p = map_random(range, size, nid);
	if (!p)
		return -ENOMEM;
	vm = find_vm_area(p);
	map->start = (unsigned long)p;
	map->size = size;
	map->huge = is_vm_area_hugepages(p);
	map->nid = page_to_nid(vm->pages[0]);
	map->priv = vm;
	if (!map->huge)
		pr_warn_ratelimited("no 2 MiB page: area at %p mapped with PTEs\n",
				    p);

	/* Still RW+NX: fill through the vmalloc mapping itself. */
	execmem_arch_fill_trap(p, size, true);

	err = set_direct_map(map, false);
	if (!err)
		err = backend_set_rox(map->start, nr);
	if (err) {
		pr_err("cannot protect area at %p: %d\n", p, err);
		/*
		 * set_memory_rox() may have made part of it executable: NX
		 * first, so no page is ever writable through the direct map
		 * and executable here. If even that fails, leak the area.
		 */
		if (WARN_ON(backend_set_nx(map->start, nr))) {
			map->leaked = true;
			return err;
		}
		/* Pages without their alias must not go back either. */
		if (WARN_ON(set_direct_map(map, true))) {
			map->leaked = true;
			return err;
		}
		vfree(p);
		return err;
	}
	return 0;
}

/**
 * execmem_backend_unmap - give a mapped range's memory back
 * @map: from execmem_backend_map(), holding no object
 *
 * If the range cannot be made non-executable, it is leaked rather than
 * given a writable alias.
 *
 * Return: 0, or a negative error if the range was leaked.
 */
int execmem_backend_unmap(struct execmem_mapping *map)
{
	int err;

	/* Not executable any more before any alias becomes writable. */
	err = backend_set_nx(map->start, map->size >> PAGE_SHIFT);
	if (WARN_ON(err))
		return err;
	/* Pages without their alias must not go back to the allocator. */
	err = set_direct_map(map, true);
	if (WARN_ON(err))
		return err;
	vfree((void *)map->start);
	return 0;
}

/**
 * execmem_backend_show_alias - show or hide a mapping's direct-map alias
 * @map: a mapping from execmem_backend_map(), whose alias it removed;
 *	 @map->direct_map_ops counts the changes
 * @show: true: make the alias present and read-only; false: remove it
 *	  again
 *
 * In the same units as the alias was removed (whole 2 MiB on a huge
 * mapping), so the direct map is not split. The alias is never writable:
 * the mapping itself stays ROX meanwhile. All or nothing: on failure the
 * alias is as it was.
 *
 * Return: 0 or a negative error.
 */
int execmem_backend_show_alias(struct execmem_mapping *map, bool show)
{
	struct vm_struct *vm = map->priv;
	unsigned int step = map->huge ? EXECMEM_CHUNK_PAGES : 1;
	unsigned int i, done;
	int err;

	err = direct_map_each(map, execmem_arch_set_direct_map_ro, show, &done);
	if (!err)
		return 0;
	/* All or nothing: put back the units changed before the failure. */
	for (i = 0; i < done; i += step) {
		WARN_ON(execmem_arch_set_direct_map_ro(vm->pages[i], step, !show));
		map->direct_map_ops++;
	}
	return err;
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

#ifdef CONFIG_EXECMEM_KUNIT_TEST
#include "tests/backend-kunit.h"
#endif
