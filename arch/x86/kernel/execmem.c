// SPDX-License-Identifier: GPL-2.0
/*
 * x86 hooks for the execmem ROX pool: INT3 fill, text_poke for writes, and
 * direct-map changes in whole large pages.
 */

#include <linux/execmem.h>
#include <linux/init.h>
#include <linux/mm.h>
#include <linux/set_memory.h>
#include <linux/string.h>

#include <asm/execmem.h>
#include <asm/text-patching.h>

/*
 * Types served from the ROX pool: their users write their memory only
 * through execmem_update() and never change its permissions.
 */
static const enum execmem_type x86_rox_types[] __initconst = {
	EXECMEM_MODULE_TEXT,	/* staged by the loader, see kernel/module/stage.c */
	EXECMEM_JIT,
	EXECMEM_BPF,
	EXECMEM_KPROBES,	/* slots written by text_poke() */
	EXECMEM_FTRACE,		/* trampolines published by execmem_update() */
};

/**
 * x86_execmem_setup_rox - opt the converted types into the ROX pool
 * @info: execmem parameters being set up; its default range is final
 *
 * Read-only module data gets the same range, with PAGE_KERNEL, backed by
 * the read-only direct-map blocks unless "rodata=off".
 *
 * Each type gets the module range (keeping its randomised start), so
 * that all of them share one pool. The pool maps its chunks ROX itself;
 * the range keeps the default protection, which is what
 * "execmem.pool=off" gives every type back (EXECMEM_MODULE_TEXT is
 * EXECMEM_DEFAULT, so the loader then writes its text in place as in
 * 6.12).
 */
void __init x86_execmem_setup_rox(struct execmem_info *info)
{
	struct execmem_range rox = info->ranges[EXECMEM_DEFAULT];
	struct execmem_range ro = rox;
	unsigned int i;

	rox.flags |= EXECMEM_ROX_POOL;
	for (i = 0; i < ARRAY_SIZE(x86_rox_types); i++)
		info->ranges[x86_rox_types[i]] = rox;

	/*
	 * CPA keeps a large page whose protection a change would not
	 * alter: set_memory_ro() of memory whose alias is read-only already
	 * splits nothing. With "rodata=off" the loader leaves module data
	 * writable, and the blocks would only make aliases read-only.
	 */
	ro.pgprot = PAGE_KERNEL;
	if (IS_ENABLED(CONFIG_STRICT_MODULE_RWX) && rodata_enabled)
		ro.flags |= EXECMEM_RO_BLOCKS;
	info->ranges[EXECMEM_MODULE_RODATA] = ro;
}

void execmem_arch_fill_trap(void *ptr, size_t size, bool writable)
{
	if (writable)
		memset(ptr, EXECMEM_TRAP_BYTE, size);
	else
		text_poke_set(ptr, EXECMEM_TRAP_BYTE, size);
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

/*
 * For the hibernation snapshot: the alias of a pool area is made present
 * read-only (NX, as the rest of the direct map) and removed again, on
 * the same whole large pages as above. RW is cleared first, so the alias
 * is never present and writable.
 */
int execmem_arch_set_direct_map_ro(struct page *page, unsigned int nr,
				   bool present)
{
	unsigned long addr = (unsigned long)page_address(page);
	int err;

	if (!present)
		return set_memory_np(addr, nr);
	err = set_memory_ro(addr, nr);
	if (!err)
		err = set_memory_p(addr, nr);
	return err;
}
