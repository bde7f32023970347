// SPDX-License-Identifier: GPL-2.0
/*
 * x86 hooks for the execmem ROX pool: INT3 fill, text_poke for writes, and
 * direct-map changes in whole large pages.
 */

#include <linux/execmem.h>
#include <linux/mm.h>
#include <linux/set_memory.h>
#include <linux/string.h>

#include <asm/text-patching.h>

void execmem_arch_fill_trap(void *ptr, size_t size, bool writable)
{
	if (writable)
		memset(ptr, INT3_INSN_OPCODE, size);
	else
		text_poke_set(ptr, INT3_INSN_OPCODE, size);
}

void *execmem_arch_copy(void *dst, const void *src, size_t len)
{
	return text_poke_copy(dst, src, len);
}

/*
 * set_direct_map_invalid_noflush() works on one 4 KiB page and splits the
 * large page around it. CPA on a whole, aligned large page keeps it large.
 * Invalidating only clears _PAGE_PRESENT; set_memory_rox() of the pool
 * mapping has made the alias read-only meanwhile, so restoring makes it
 * writable again.
 */
int execmem_arch_set_direct_map(struct page *page, unsigned int nr, bool valid)
{
	unsigned long addr = (unsigned long)page_address(page);
	int err;

	if (!valid)
		return set_memory_np(addr, nr);
	err = set_memory_p(addr, nr);
	if (!err)
		err = set_memory_rw(addr, nr);
	return err;
}
