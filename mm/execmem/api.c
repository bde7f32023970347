// SPDX-License-Identifier: GPL-2.0
/*
 * execmem: the public interface.
 *
 * execmem_alloc() routes a type whose range carries %EXECMEM_ROX_POOL to
 * that range's ROX pool; every other type keeps the per-allocation vmalloc
 * of Linux 6.12. Pool objects are written with execmem_update() only.
 */

#define pr_fmt(fmt) "execmem: " fmt

#include "internal.h"

#define CREATE_TRACE_POINTS
#include <trace/events/execmem.h>

/* === Data === */

static struct execmem_info *execmem_info __ro_after_init;
static struct execmem_info default_execmem_info __ro_after_init;

/* One pool per distinct ROX range; types with equal ranges share one. */
static struct execmem_pool execmem_pools[EXECMEM_TYPE_MAX];
static struct execmem_pool *execmem_type_pool[EXECMEM_TYPE_MAX] __ro_after_init;

/* === Internals === */

static bool execmem_range_equal(const struct execmem_range *a,
				const struct execmem_range *b)
{
	return a->start == b->start && a->end == b->end &&
	       a->fallback_start == b->fallback_start &&
	       a->fallback_end == b->fallback_end &&
	       pgprot_val(a->pgprot) == pgprot_val(b->pgprot) &&
	       a->alignment == b->alignment && a->flags == b->flags;
}

static void execmem_init_pools(struct execmem_info *info)
{
	unsigned int t, u;

	for (t = 0; t < EXECMEM_TYPE_MAX; t++) {
		struct execmem_range *r = &info->ranges[t];

		if (!(r->flags & EXECMEM_ROX_POOL))
			continue;
		for (u = 0; u < t; u++) {
			if (execmem_type_pool[u] &&
			    execmem_range_equal(execmem_type_pool[u]->range, r))
				break;
		}
		if (u < t) {
			execmem_type_pool[t] = execmem_type_pool[u];
			continue;
		}
		execmem_pool_init(&execmem_pools[t], r);
		execmem_type_pool[t] = &execmem_pools[t];
	}
}

/**
 * execmem_type_to_pool - the pool serving a type
 * @type: an &enum execmem_type
 *
 * Return: the pool, or NULL if @type is not served by a ROX pool.
 */
struct execmem_pool *execmem_type_to_pool(enum execmem_type type)
{
	if (type >= EXECMEM_TYPE_MAX)
		return NULL;
	return execmem_type_pool[type];
}

/**
 * execmem_pool_by_index - iterate over the distinct pools
 * @i: index, from 0
 *
 * Return: the @i-th pool in use, or NULL past the last.
 */
struct execmem_pool *execmem_pool_by_index(unsigned int i)
{
	unsigned int t;

	for (t = 0; t < EXECMEM_TYPE_MAX; t++) {
		if (execmem_type_pool[t] != &execmem_pools[t])
			continue;
		if (!i--)
			return &execmem_pools[t];
	}
	return NULL;
}

static void *execmem_pool_alloc_checked(struct execmem_pool *pool,
					enum execmem_type type, size_t size)
{
	const struct execmem_range *r = pool->range;
	void *p;

	if (WARN(!size || size > r->end - r->start,
		 "execmem: bad allocation size %zu for type %d\n", size, type)) {
		execmem_bad_call(pool);
		return NULL;
	}
	p = execmem_pool_alloc(pool, type, size, numa_node_id());
	if (!p) {
		pr_warn_ratelimited("unable to allocate %zu bytes\n", size);
		return NULL;
	}
	trace_execmem_alloc((unsigned long)p, type, size);
	return p;
}

/* === Public interface === */

void *execmem_alloc(enum execmem_type type, size_t size)
{
	struct execmem_pool *pool = execmem_type_to_pool(type);

	if (pool)
		return execmem_pool_alloc_checked(pool, type, size);
	return execmem_backend_vmalloc(&execmem_info->ranges[type], size);
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
	return IS_ENABLED(CONFIG_EXECMEM_ROX_POOL) && execmem_pool_owns(addr);
}
EXPORT_SYMBOL_GPL(is_execmem_pool_text);

/**
 * execmem_reuse_seq - detect possible reuse of memory that held other code
 * @type: an &enum execmem_type served by a ROX pool
 *
 * The value changes whenever the pool serving @type frees an object or
 * maps new memory, so memory handed out by execmem_alloc() may have held
 * other code since a caller last read it. A caller that must flush a
 * branch predictor before running code in such memory reads it after
 * allocating and flushes if it differs from the value at its last flush.
 *
 * Return: a sequence number, 0 if @type has no ROX pool.
 */
u64 execmem_reuse_seq(enum execmem_type type)
{
	struct execmem_pool *pool = execmem_type_to_pool(type);

	if (!pool)
		return 0;
	return execmem_read(pool, EXECMEM_FREES) +
	       execmem_read(pool, EXECMEM_AREAS_ADDED);
}
EXPORT_SYMBOL_GPL(execmem_reuse_seq);

/**
 * execmem_update - write into ROX pool memory
 * @dst: destination, inside a live object returned by execmem_alloc()
 * @src: source in ordinary kernel memory
 * @len: bytes to write; [@dst, @dst + @len) must stay inside the object
 *
 * Writes through the architecture's text-poke mechanism; no writable
 * alias of pool memory is created. Sleeps. Must not be called with
 * text_mutex held.
 *
 * Return: 0, or -EINVAL (with a WARN) if the range is not inside one live
 * pool object, or -EFAULT if the architecture could not write.
 */
int execmem_update(void *dst, const void *src, size_t len)
{
	struct execmem_owner owner;
	int ret;

	if (!len)
		return 0;
	ret = execmem_pool_lookup((unsigned long)dst, len, &owner);
	if (WARN(ret, "execmem: update of %zu bytes at %p is outside a live object\n",
		 len, dst)) {
		if (ret != -ENOENT)
			execmem_bad_call(owner.pool);
		return -EINVAL;
	}
	if (execmem_backend_copy(dst, src, len))
		return -EFAULT;
	execmem_count(owner.pool, EXECMEM_UPDATES, 1);
	execmem_count(owner.pool, EXECMEM_UPDATE_BYTES, len);
	return 0;
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
 * The caller makes sure no CPU executes the bytes being replaced.
 *
 * Return: 0, or a negative error as for execmem_update().
 */
int jit_update(void *dst, const void *src, size_t len)
{
	return execmem_update(dst, src, len);
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
	if (IS_ENABLED(CONFIG_EXECMEM_ROX_POOL))
		execmem_init_pools(info);

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
