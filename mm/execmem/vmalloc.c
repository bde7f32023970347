// SPDX-License-Identifier: GPL-2.0
/*
 * The per-allocation path of Linux 6.12: every object is a vmalloc area
 * of its own, with the type's protection, flagged VM_FLUSH_RESET_PERMS so
 * that vfree() resets the permissions its user changed. Types without a
 * ROX pool use it, and so does every type when the pool is not built.
 *
 * The pool maps its areas with execmem_vmalloc() too, but never with
 * VM_FLUSH_RESET_PERMS: that flag is how execmem_backend_vfree() tells the
 * two apart, so that no pool area ever reaches vfree() from here.
 */

#define pr_fmt(fmt) "execmem: " fmt

#include <linux/kasan.h>
#include <linux/vmalloc.h>

#include "internal.h"

/**
 * execmem_vmalloc - vmalloc in a type's range, or in its fallback range
 * @range: the range
 * @size: bytes
 * @align: alignment
 * @pgprot: protection of the mapping
 * @vm_flags: VM_* flags
 * @nid: NUMA node, or %NUMA_NO_NODE
 *
 * Return: the memory (with KASAN shadow where the range asks for it), or
 * NULL.
 */
void *execmem_vmalloc(const struct execmem_range *range, size_t size,
		      size_t align, pgprot_t pgprot, unsigned long vm_flags,
		      int nid)
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
	void *p = execmem_vmalloc(range, size, range->alignment,
				  range->pgprot, VM_FLUSH_RESET_PERMS,
				  NUMA_NO_NODE);

	if (!p)
		pr_warn_ratelimited("unable to allocate memory\n");
	return p;
}

/**
 * execmem_backend_vfree - free memory from execmem_backend_vmalloc()
 * @ptr: the memory
 *
 * Refuses, with a WARN, a pointer that is not the start of an area made
 * by execmem_backend_vmalloc(): a pool area (for example a double free
 * that raced with the release of its area) or any other vmalloc memory.
 */
void execmem_backend_vfree(void *ptr)
{
	struct vm_struct *vm = find_vm_area(ptr);
	bool ours = !vm || (kasan_reset_tag(vm->addr) == kasan_reset_tag(ptr) &&
			    (vm->flags & VM_FLUSH_RESET_PERMS));

	if (WARN(!ours, "execmem: free of %p, which execmem_alloc() did not return\n",
		 ptr))
		return;
	vfree(ptr);
}
