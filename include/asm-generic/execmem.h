/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __ASM_GENERIC_EXECMEM_H
#define __ASM_GENERIC_EXECMEM_H

/*
 * The hooks of the execmem ROX pool (mm/execmem/). An architecture that
 * selects ARCH_HAS_EXECMEM_ROX implements them, defines
 * EXECMEM_TRAP_BYTE in its own <asm/execmem.h> and includes this file
 * from there. Other architectures get this file alone (mandatory-y):
 * they have no pool, and nothing calls the hooks. Only mm/execmem/
 * calls them.
 */

#include <linux/types.h>

struct page;

/**
 * execmem_arch_fill_trap - fill memory with trapping instructions
 * @ptr: start
 * @size: bytes
 * @writable: @ptr is a writable mapping (a new area before it becomes
 *	      ROX); otherwise @ptr is ROX and must be written by text poke
 *
 * Free pool memory holds nothing else (invariant I4): a jump into it
 * traps.
 */
void execmem_arch_fill_trap(void *ptr, size_t size, bool writable);

/**
 * execmem_arch_copy - copy into ROX memory through the text-poke mechanism
 * @dst: destination
 * @src: source
 * @len: bytes
 *
 * Return: @dst, or NULL on failure.
 */
void *execmem_arch_copy(void *dst, const void *src, size_t len);

/**
 * execmem_arch_set_direct_map - remove or restore direct-map aliases
 * @page: first page, aligned to @nr pages
 * @nr: pages: a whole chunk for a healthy area, 1 for a degraded one
 * @valid: true to restore (present, writable), false to remove
 *
 * Must not split a large direct-map page that @page .. @page + @nr
 * covers whole. Flushes the TLB.
 *
 * Return: 0 or a negative error.
 */
int execmem_arch_set_direct_map(struct page *page, unsigned int nr,
				bool valid);

/**
 * execmem_arch_set_direct_map_ro - make an alias present and read-only, or
 *				    remove it
 * @page: first page, as for execmem_arch_set_direct_map()
 * @nr: pages, as for execmem_arch_set_direct_map()
 * @present: true to make the alias present and read-only, false to
 *	     remove it
 *
 * For readers of all memory through the direct map, such as the
 * hibernation snapshot (the alias was removed), and for the read-only
 * direct-map blocks (the alias was present and writable). The alias is
 * never writable afterwards. Same rules on large pages as
 * execmem_arch_set_direct_map().
 *
 * Return: 0 or a negative error.
 */
int execmem_arch_set_direct_map_ro(struct page *page, unsigned int nr,
				   bool present);

#endif /* __ASM_GENERIC_EXECMEM_H */
