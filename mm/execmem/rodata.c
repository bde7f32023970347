// SPDX-License-Identifier: GPL-2.0
/*
 * Read-only direct-map blocks: memory for the types flagged
 * EXECMEM_RO_BLOCKS (read-only module data), which their users write
 * through a private mapping and then make read-only with set_memory_ro().
 *
 * set_memory_ro() of a vmalloc area also makes the direct-map alias of
 * each page read-only, and that splits the large page the alias sits in;
 * the VM_FLUSH_RESET_PERMS reset at vfree() splits it again. Here the
 * pages come from 2 MiB blocks whose alias is made read-only once, as a
 * whole large page, when the block is added: set_memory_ro() then finds
 * every alias read-only already and keeps the large page. Each object is
 * a 4 KiB-page mapping of its own in the type's range, writable until its
 * user changes it; freeing unmaps it, flushes its TLB range and gives the
 * pages back to their block. At most one empty block is kept, for the
 * next load; the shrinker releases that one too, restoring its alias.
 * Adding a block inside a 1 GiB direct-map page splits that into 2 MiB
 * pages, as adding a pool chunk does; no 2 MiB page is split.
 *
 * Locking: one spinlock for the block list and the page bitmaps. Nothing
 * under it allocates or changes page tables, so the shrinker may take it
 * from reclaim.
 */

#define pr_fmt(fmt) "execmem: " fmt

#include <linux/kmemleak.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <linux/xarray.h>

#include <asm/cacheflush.h>
#include <asm/tlbflush.h>

#include "../internal.h"
#include "internal.h"

/* A block is one large page of the direct map, the size of a chunk. */
#define RO_BLOCK_ORDER	EXECMEM_CHUNK_ORDER
#define RO_BLOCK_PAGES	EXECMEM_CHUNK_PAGES

struct ro_block {
	struct list_head node;
	struct page *page;		/* the first of RO_BLOCK_PAGES */
	unsigned int nr_free;
	DECLARE_BITMAP(used, RO_BLOCK_PAGES);
};

/* One object: its pages, in mapping order. */
struct ro_object {
	unsigned int nr_pages;
	struct page *pages[] __counted_by(nr_pages);
};

static LIST_HEAD(ro_blocks);
static DEFINE_SPINLOCK(ro_lock);
static unsigned int ro_nr_blocks, ro_nr_empty;
static unsigned long ro_pages_used;
static atomic_long_t ro_direct_map_ops;
/* Objects by first page frame of their address; also tells them apart. */
static DEFINE_XARRAY(ro_objects);

static struct ro_block *ro_block_of(struct page *page)
{
	return (struct ro_block *)page_private(page);
}

/* Direct-map changes of a whole block: one large page each. */
static int ro_block_set_alias(struct ro_block *b, bool ro)
{
	atomic_long_inc(&ro_direct_map_ops);
	if (ro)
		return execmem_arch_set_direct_map_ro(b->page, RO_BLOCK_PAGES,
						      true);
	return execmem_arch_set_direct_map(b->page, RO_BLOCK_PAGES, true);
}

static void ro_block_free(struct ro_block *b)
{
	unsigned int i;

	/* An alias that stays read-only must not reach the page allocator. */
	if (WARN_ON_ONCE(ro_block_set_alias(b, false))) {
		kfree(b);
		return;
	}
	for (i = 0; i < RO_BLOCK_PAGES; i++) {
		set_page_private(b->page + i, 0);
		__free_page(b->page + i);
	}
	kfree(b);
}

/* Called without ro_lock: allocates and changes the direct map. */
static struct ro_block *ro_block_create(void)
{
	struct ro_block *b = kzalloc(sizeof(*b), GFP_KERNEL);
	unsigned int i;

	if (!b)
		return NULL;
	b->page = alloc_pages(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY,
			      RO_BLOCK_ORDER);
	if (!b->page) {
		kfree(b);
		return NULL;
	}
	split_page(b->page, RO_BLOCK_ORDER);
	if (ro_block_set_alias(b, true)) {
		/* Partly changed: restore it, as a release does. */
		ro_block_free(b);
		return NULL;
	}
	for (i = 0; i < RO_BLOCK_PAGES; i++)
		set_page_private(b->page + i, (unsigned long)b);
	b->nr_free = RO_BLOCK_PAGES;
	return b;
}

/*
 * Keep one empty block for the next user: move any other to @release (a
 * free may empty several, two loads may add one each).
 */
static void ro_keep_one_empty_locked(struct list_head *release)
{
	struct ro_block *b, *tmp;

	lockdep_assert_held(&ro_lock);
	list_for_each_entry_safe(b, tmp, &ro_blocks, node) {
		if (ro_nr_empty <= 1)
			break;
		if (b->nr_free != RO_BLOCK_PAGES)
			continue;
		list_move(&b->node, release);
		ro_nr_blocks--;
		ro_nr_empty--;
	}
}

/* Give pages back; blocks that fell empty beyond the spare go on @release. */
static void ro_put_locked(struct page **pages, unsigned int nr,
			  struct list_head *release)
{
	struct ro_block *b;
	unsigned int i;

	lockdep_assert_held(&ro_lock);
	for (i = 0; i < nr; i++) {
		b = ro_block_of(pages[i]);
		__clear_bit(pages[i] - b->page, b->used);
		ro_pages_used--;
		if (++b->nr_free == RO_BLOCK_PAGES)
			ro_nr_empty++;
	}
	ro_keep_one_empty_locked(release);
}

static void ro_release(struct list_head *release)
{
	struct ro_block *b, *tmp;

	list_for_each_entry_safe(b, tmp, release, node)
		ro_block_free(b);
}

static void ro_put(struct page **pages, unsigned int nr)
{
	LIST_HEAD(release);

	spin_lock(&ro_lock);
	ro_put_locked(pages, nr, &release);
	spin_unlock(&ro_lock);
	ro_release(&release);
}

static int ro_take(struct page **pages, unsigned int nr)
{
	unsigned int got = 0, i;
	struct ro_block *b;
	LIST_HEAD(release);

	for (;;) {
		spin_lock(&ro_lock);
		list_for_each_entry(b, &ro_blocks, node) {
			if (b->nr_free == RO_BLOCK_PAGES && got < nr)
				ro_nr_empty--;
			while (b->nr_free && got < nr) {
				i = find_first_zero_bit(b->used, RO_BLOCK_PAGES);
				__set_bit(i, b->used);
				b->nr_free--;
				ro_pages_used++;
				pages[got++] = b->page + i;
			}
			if (got == nr)
				break;
		}
		if (got == nr)
			ro_keep_one_empty_locked(&release);
		spin_unlock(&ro_lock);
		if (got == nr) {
			ro_release(&release);
			return 0;
		}
		b = ro_block_create();
		if (!b) {
			ro_put(pages, got);
			return -ENOMEM;
		}
		spin_lock(&ro_lock);
		list_add_tail(&b->node, &ro_blocks);
		ro_nr_blocks++;
		ro_nr_empty++;
		spin_unlock(&ro_lock);
	}
}

/**
 * execmem_rodata_alloc - memory from the read-only direct-map blocks
 * @range: the type's range; its protection is that of the mapping
 * @size: bytes
 *
 * Return: a page-aligned mapping of @size bytes in @range, or NULL when
 * the blocks cannot serve it (the caller falls back to vmalloc): the
 * range wants more than page alignment (KASAN without KASAN_VMALLOC), or
 * memory is short.
 */
void *execmem_rodata_alloc(const struct execmem_range *range, size_t size)
{
	unsigned int nr = PAGE_ALIGN(size) >> PAGE_SHIFT;
	size_t len = (size_t)nr << PAGE_SHIFT;
	struct vm_struct *vm = NULL;
	struct ro_object *obj;
	unsigned long addr;

	if (!nr || range->alignment > PAGE_SIZE)
		return NULL;
	obj = kvmalloc(struct_size(obj, pages, nr), GFP_KERNEL);
	if (!obj)
		return NULL;
	obj->nr_pages = nr;
	if (ro_take(obj->pages, nr))
		goto free_obj;
	vm = __get_vm_area_caller(len, VM_MAP, range->start,
				  range->end, execmem_rodata_alloc);
	if (!vm && range->fallback_start)
		vm = __get_vm_area_caller(len, VM_MAP,
					  range->fallback_start,
					  range->fallback_end,
					  execmem_rodata_alloc);
	if (!vm)
		goto put;
	addr = (unsigned long)vm->addr;
	if (vmap_pages_range_noflush(addr, addr + len,
				     range->pgprot, obj->pages, PAGE_SHIFT))
		goto unmap;
	flush_cache_vmap(addr, addr + len);
	if (xa_insert(&ro_objects, addr >> PAGE_SHIFT, obj, GFP_KERNEL))
		goto unmap;
	/* Known to kmemleak as vmalloc memory is, for the loader's calls. */
	kmemleak_vmalloc(vm, len, GFP_KERNEL);
	return vm->addr;

unmap:
	free_vm_area(vm);
	flush_tlb_kernel_range(addr, addr + len);
put:
	ro_put(obj->pages, nr);
free_obj:
	kvfree(obj);
	return NULL;
}

/**
 * execmem_rodata_free - free memory from execmem_rodata_alloc()
 * @ptr: the memory
 *
 * Context: process context; sleeps.
 * Return: false if @ptr is not the start of such memory (nothing done).
 */
bool execmem_rodata_free(void *ptr)
{
	unsigned long addr = (unsigned long)ptr;
	struct ro_object *obj;
	struct vm_struct *vm;

	if (!PAGE_ALIGNED(addr))
		return false;
	/* Only an area made here: not one that reused a vfree()d address. */
	vm = find_vm_area(ptr);
	if (!vm || vm->caller != execmem_rodata_alloc || vm->addr != ptr)
		return false;
	obj = xa_erase(&ro_objects, addr >> PAGE_SHIFT);
	if (!obj)
		return false;
	kmemleak_free(ptr);
	vm = remove_vm_area(ptr);
	/* Gone meanwhile: its pages may still be mapped, keep them. */
	if (WARN_ON_ONCE(!vm))
		return true;
	kfree(vm);
	/* No stale translation may outlive the pages' next user's write. */
	flush_tlb_kernel_range(addr, addr + ((size_t)obj->nr_pages << PAGE_SHIFT));
	ro_put(obj->pages, obj->nr_pages);
	kvfree(obj);
	return true;
}

/**
 * execmem_rodata_releasable - empty blocks the shrinker may release
 *
 * Return: their number.
 */
unsigned long execmem_rodata_releasable(void)
{
	return READ_ONCE(ro_nr_empty);
}

/**
 * execmem_rodata_trim - release empty blocks
 * @nr: at most this many
 *
 * Context: may be reclaim. Nothing allocates under ro_lock; restoring a
 * block's alias is a CPA call and a TLB flush, as the pool's release.
 * Return: the number released.
 */
unsigned long execmem_rodata_trim(unsigned long nr)
{
	struct ro_block *b, *tmp;
	unsigned long n = 0;
	LIST_HEAD(release);

	spin_lock(&ro_lock);
	list_for_each_entry_safe(b, tmp, &ro_blocks, node) {
		if (n == nr)
			break;
		if (b->nr_free != RO_BLOCK_PAGES)
			continue;
		list_move(&b->node, &release);
		ro_nr_blocks--;
		ro_nr_empty--;
		n++;
	}
	spin_unlock(&ro_lock);
	ro_release(&release);
	return n;
}

/**
 * execmem_rodata_stats - figures of the blocks
 * @st: filled in
 */
void execmem_rodata_stats(struct execmem_rodata_stats *st)
{
	spin_lock(&ro_lock);
	st->blocks = ro_nr_blocks;
	st->empty_blocks = ro_nr_empty;
	st->pages_used = ro_pages_used;
	spin_unlock(&ro_lock);
	st->direct_map_ops = atomic_long_read(&ro_direct_map_ops);
}
