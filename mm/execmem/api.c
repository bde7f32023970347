// SPDX-License-Identifier: GPL-2.0
/*
 * execmem: the public interface.
 *
 * execmem_alloc() routes a type whose range carries %EXECMEM_ROX_POOL to
 * that range's ROX pool; every other type, every type when the pool is
 * not built, and every type after "execmem.pool=off" on the command line,
 * keeps the per-allocation vmalloc of Linux 6.12. Pool objects are
 * written with execmem_update() only.
 */

#define pr_fmt(fmt) "execmem: " fmt

#include "internal.h"

#define CREATE_TRACE_POINTS
#include <trace/events/execmem.h>

static struct execmem_info *execmem_info __ro_after_init;
static struct execmem_info default_execmem_info __ro_after_init;

static bool execmem_pool_enabled __initdata = true;

/* "execmem.pool=off": 6.12's behaviour without a rebuild. */
static int __init execmem_pool_param(char *s)
{
	if (!s)
		return -EINVAL;
	if (!strcmp(s, "off"))
		execmem_pool_enabled = false;
	else if (strcmp(s, "on"))
		return -EINVAL;
	return 0;
}
early_param("execmem.pool", execmem_pool_param);

/* === Public interface === */

static void *alloc(enum execmem_type type, size_t size, u64 *flush_seq)
{
	struct execmem_pool *pool = execmem_type_to_pool(type);
	void *p;

	if (!pool) {
		if (flush_seq)
			*flush_seq = 1;
		return execmem_backend_vmalloc(&execmem_info->ranges[type],
					       size);
	}
	if (WARN(!size || size > pool->range->end - pool->range->start,
		 "execmem: bad allocation size %zu for type %d\n", size, type)) {
		execmem_bad_call(pool);
		return NULL;
	}
	if (flush_seq)
		p = execmem_pool_alloc_clean(pool, type, size, numa_mem_id(),
					     flush_seq);
	else
		p = execmem_pool_alloc(pool, type, size, numa_mem_id());
	if (!p) {
		pr_warn_ratelimited("unable to allocate %zu bytes\n", size);
		return NULL;
	}
	trace_execmem_alloc((unsigned long)p, type, size);
	return p;
}

void *execmem_alloc(enum execmem_type type, size_t size)
{
	return alloc(type, size, NULL);
}

/**
 * execmem_alloc_clean - allocate executable memory that held no freed code
 *			 since the last branch predictor flush, if possible
 * @type: type of the allocation
 * @size: how many bytes of memory are required
 * @flush_seq: set to 0 if the memory is clean; otherwise the caller must
 *	       flush the branch predictors before the code in it can run,
 *	       and then pass this value to execmem_flushed()
 *
 * For code that must not run where predictions trained by earlier code
 * may still point (classic BPF from unprivileged users): memory freed by
 * any user of the pool is dirty until the next flush, fresh memory too.
 * Without a ROX pool for @type, the memory is always reported dirty.
 *
 * Return: the memory, as execmem_alloc() gives it, or NULL.
 */
void *execmem_alloc_clean(enum execmem_type type, size_t size, u64 *flush_seq)
{
	return alloc(type, size, flush_seq);
}

/**
 * execmem_flushed - report a branch predictor flush
 * @type: the type execmem_alloc_clean() was called for
 * @flush_seq: the value it returned, read before the flush began
 *
 * Makes all free memory of the pool serving @type clean again, unless
 * some became dirty after @flush_seq was read.
 */
void execmem_flushed(enum execmem_type type, u64 flush_seq)
{
	struct execmem_pool *pool = execmem_type_to_pool(type);

	if (pool)
		execmem_pool_flushed(pool, flush_seq);
}

void execmem_free(void *ptr)
{
	int ret;

	if (!ptr)
		return;
	ret = execmem_pool_free(ptr);
	if (ret == -ENOENT) {
		/*
		 * This memory may be RO, and freeing RO memory in an
		 * interrupt is not supported by vmalloc.
		 */
		WARN_ON(in_interrupt());
		execmem_backend_vfree(ptr);
		return;
	}
	WARN(ret, "execmem: bad free of %p (double free or not an object start)\n",
	     ptr);
}

/**
 * execmem_is_rox - whether a type is served from the ROX pool
 * @type: an &enum execmem_type
 *
 * Memory of such a type is mapped read-only and executable from the
 * start, holds trap instructions until written, and must be written with
 * execmem_update() only; its users never change its permissions.
 *
 * Return: true if execmem_alloc(@type, ...) returns ROX pool memory.
 */
bool execmem_is_rox(enum execmem_type type)
{
	return execmem_type_to_pool(type);
}
EXPORT_SYMBOL_GPL(execmem_is_rox);

/**
 * is_execmem_pool_text - whether an address lies in ROX pool memory
 * @addr: any address
 *
 * Lockless (RCU) and O(1); usable from any context, including the stack
 * unwinder and NMIs. Pool memory holds only code and trap instructions.
 *
 * Return: true if @addr is inside a chunk of a ROX pool.
 */
bool is_execmem_pool_text(unsigned long addr)
{
	return execmem_addr_pool(addr);
}
EXPORT_SYMBOL_GPL(is_execmem_pool_text);

/**
 * execmem_size_roundup - bytes an allocation of a type really takes
 * @type: an &enum execmem_type
 * @size: requested bytes
 *
 * For charging limits (bpf_jit_limit) with what the memory costs: a ROX
 * pool rounds objects up to a slab size class or to whole pages.
 *
 * Return: @size rounded up as execmem_alloc(@type, @size) rounds it; @size
 * itself for types not served by a ROX pool.
 */
size_t execmem_size_roundup(enum execmem_type type, size_t size)
{
	if (!size || !execmem_type_to_pool(type))
		return size;
	return execmem_pool_size_roundup(size);
}

static int execmem_write(void *dst, const void *src, size_t len, int type)
{
	int ret = execmem_pool_update(dst, src, len, type);

	if (ret == -ENOENT) {
		WARN(1, "execmem: update of %zu bytes at %p: not pool memory\n",
		     len, dst);
		return -EINVAL;
	}
	return ret;
}

/**
 * execmem_update - write into ROX pool memory
 * @dst: destination, inside a live object returned by execmem_alloc()
 * @src: source in ordinary kernel memory
 * @len: bytes to write; [@dst, @dst + @len) must stay inside the object
 *
 * Writes through the architecture's text-poke mechanism; no writable
 * alias of pool memory is created. The owner check and the write are
 * serialised against the trap fill of freed memory, so the write never
 * reaches memory that was freed and handed out again. Sleeps. Must not
 * be called with text_mutex held.
 *
 * Return: 0, or -EINVAL (with a WARN) if @dst is not inside a live pool
 * object or the range crosses its end (also for @len 0), or -EFAULT if
 * the architecture could not write.
 */
int execmem_update(void *dst, const void *src, size_t len)
{
	return execmem_write(dst, src, len, -1);
}
EXPORT_SYMBOL_GPL(execmem_update);

/**
 * jit_alloc - allocate executable memory for run-time generated code
 * @src: the code, in ordinary kernel memory
 * @len: its length in bytes
 *
 * For code generators outside the core users (BPF, kprobes, ftrace,
 * modules). The code is copied into a ROX pool object of at least @len
 * bytes, placed in the module range so that it may call kernel functions
 * directly. Objects below half a page share pages with other objects.
 *
 * Return: the executable copy, or NULL if allocation failed or the ROX
 * pool is not available on this system (callers keep a generic fallback).
 */
void *jit_alloc(const void *src, size_t len)
{
	void *p;

	if (!execmem_is_rox(EXECMEM_JIT))
		return NULL;
	p = execmem_alloc(EXECMEM_JIT, len);
	if (!p)
		return NULL;
	if (execmem_update(p, src, len)) {
		execmem_free(p);
		return NULL;
	}
	return p;
}
EXPORT_SYMBOL_GPL(jit_alloc);

/**
 * jit_update - rewrite code allocated with jit_alloc()
 * @dst: destination inside an object from jit_alloc()
 * @src: new code
 * @len: bytes to write
 *
 * Only objects of jit_alloc() can be written: a BPF image, a probe slot,
 * a trampoline or any other target is refused. The caller makes sure no
 * CPU executes the bytes being replaced.
 *
 * Return: 0, -EINVAL (with a WARN) if [@dst, @dst + @len) is not inside
 * a live jit_alloc() object, or -EFAULT if the write failed.
 */
int jit_update(void *dst, const void *src, size_t len)
{
	return execmem_write(dst, src, len, EXECMEM_JIT);
}
EXPORT_SYMBOL_GPL(jit_update);

/**
 * jit_free - free code allocated with jit_alloc()
 * @ptr: the object, or NULL
 *
 * The caller makes sure no CPU still executes the code. The memory is
 * filled with trap instructions before it is reused.
 */
void jit_free(void *ptr)
{
	execmem_free(ptr);
}
EXPORT_SYMBOL_GPL(jit_free);

/* === Initialisation === */

static bool execmem_validate(struct execmem_info *info)
{
	struct execmem_range *r = &info->ranges[EXECMEM_DEFAULT];

	if (!r->alignment || !r->start || !r->end || !pgprot_val(r->pgprot)) {
		pr_crit("Invalid parameters for execmem allocator, module loading will fail");
		return false;
	}

	return true;
}

static void execmem_init_missing(struct execmem_info *info)
{
	struct execmem_range *def = &info->ranges[EXECMEM_DEFAULT];
	unsigned int i;

	for (i = EXECMEM_DEFAULT + 1; i < EXECMEM_TYPE_MAX; i++) {
		struct execmem_range *r = &info->ranges[i];

		if (r->start)
			continue;
		*r = *def;
		/* The pool is opted into per type, never inherited. */
		r->flags &= ~EXECMEM_ROX_POOL;
		if (i == EXECMEM_MODULE_DATA)
			r->pgprot = PAGE_KERNEL;
	}
}

/* execmem.pool=off: the opted-in types get their 6.12 protection back. */
static void execmem_pool_off(struct execmem_info *info)
{
	unsigned int i;

	for (i = 0; i < EXECMEM_TYPE_MAX; i++) {
		struct execmem_range *r = &info->ranges[i];

		if (!(r->flags & EXECMEM_ROX_POOL))
			continue;
		r->flags &= ~EXECMEM_ROX_POOL;
		r->pgprot = info->ranges[EXECMEM_DEFAULT].pgprot;
	}
}

struct execmem_info * __weak execmem_arch_setup(void)
{
	return NULL;
}

static void __init __execmem_init(void)
{
	struct execmem_info *info = execmem_arch_setup();

	if (!info) {
		info = &default_execmem_info;
		info->ranges[EXECMEM_DEFAULT].start = VMALLOC_START;
		info->ranges[EXECMEM_DEFAULT].end = VMALLOC_END;
		info->ranges[EXECMEM_DEFAULT].pgprot = PAGE_KERNEL_EXEC;
		info->ranges[EXECMEM_DEFAULT].alignment = 1;
	}

	if (!execmem_validate(info))
		return;

	execmem_init_missing(info);
	if (!execmem_pool_enabled) {
		pr_info("ROX pool disabled on the command line\n");
		execmem_pool_off(info);
	}
	execmem_pools_init(info);

	execmem_info = info;
}

#ifdef CONFIG_ARCH_WANTS_EXECMEM_LATE
static int __init execmem_late_init(void)
{
	__execmem_init();
	return 0;
}
core_initcall(execmem_late_init);
#else
void __init execmem_init(void)
{
	__execmem_init();
}
#endif
