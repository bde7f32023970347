/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shims for the execmem core (mm/execmem/ *.c), in place of the
 * kernel header mm/execmem/execmem_internal.h: same include guard, so the
 * kernel files compile unchanged when this header is included first.
 *
 * Definitions of the non-inline shims live in harness.c.
 */
#ifndef __MM_EXECMEM_EXECMEM_INTERNAL_H
#define __MM_EXECMEM_EXECMEM_INTERNAL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* === Types and compiler === */

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef unsigned int gfp_t;

#define GFP_KERNEL		0x1u
#define __weak			__attribute__((weak))
#define __init
#define __initdata
#define early_param(str, fn)	static int (*__harness_early_param_##fn)(char *) __attribute__((unused)) = fn
#define __ro_after_init
#define __read_mostly
#define __counted_by(m)
#define static_assert(expr, ...)	_Static_assert(expr, #expr)
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define fallthrough		__attribute__((__fallthrough__))
#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)	(*(volatile __typeof__(x) *)&(x) = (v))
#define EXPORT_SYMBOL_GPL(sym)	extern int __harness_export_##sym
#define core_initcall(fn)	extern int __harness_initcall_##fn
/* Early initcalls run when the harness starts. */
#define early_initcall(fn)						\
	static void __attribute__((constructor)) __harness_early_##fn(void) \
	{ fn(); }

#define __ARG_PLACEHOLDER_1 0,
#define __take_second_arg(__ignored, val, ...) val
#define __is_defined(x)			___is_defined(x)
#define ___is_defined(val)		____is_defined(__ARG_PLACEHOLDER_##val)
#define ____is_defined(arg1_or_junk)	__take_second_arg(arg1_or_junk 1, 0)
#define IS_ENABLED(option)		__is_defined(option)

#define CONFIG_EXECMEM 1
#define CONFIG_EXECMEM_ROX_POOL 1

#define BIT(n)			(1UL << (n))
#define BITS_PER_LONG		(8 * (int)sizeof(long))
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))
#define BITS_TO_LONGS(n)	DIV_ROUND_UP(n, BITS_PER_LONG)
#define HZ			100

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define min(a, b) ({ __typeof__(a) __a = (a); __typeof__(b) __b = (b); \
		     __a < __b ? __a : __b; })
#define max(a, b) ({ __typeof__(a) __a = (a); __typeof__(b) __b = (b); \
		     __a > __b ? __a : __b; })
#define min_t(t, a, b)	min((t)(a), (t)(b))
#define max_t(t, a, b)	max((t)(a), (t)(b))

#define struct_size(p, member, n) \
	(sizeof(*(p)) + (size_t)(n) * sizeof((p)->member[0]))

/* === Memory geometry === */

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))
#define PAGE_ALIGN(x)	(((x) + PAGE_SIZE - 1) & PAGE_MASK)
#define PMD_SHIFT	21
#define PMD_SIZE	(1UL << PMD_SHIFT)

/* A fake module range: only its size matters to the core. */
#define VMALLOC_START	0xffffc90000000000UL
#define VMALLOC_END	0xffffe8ffffffffffUL
#define HARNESS_RANGE_START	0xffffffffa0000000UL
#define HARNESS_RANGE_END	0xfffffffffeffffffUL

typedef struct { unsigned long pgprot; } pgprot_t;
#define __pgprot(x)		((pgprot_t){ (x) })
#define pgprot_val(x)		((x).pgprot)
#define PAGE_KERNEL		__pgprot(0x63)
#define PAGE_KERNEL_EXEC	__pgprot(0x163)
#define PAGE_KERNEL_ROX		__pgprot(0x161)
#define kasan_reset_tag(p)	(p)

#define NUMA_NO_NODE	(-1)
extern int harness_node;
static inline int numa_node_id(void) { return harness_node; }
static inline int numa_mem_id(void) { return harness_node; }
#define MAX_NUMNODES	64
static inline int in_interrupt(void) { return 0; }

/* === log2 === */

#define ilog2(n)	((int)(BITS_PER_LONG - 1 - __builtin_clzl((unsigned long)(n))))
#define order_base_2(n)	((n) > 1 ? ilog2((n) - 1) + 1 : 0)
#define __ffs(x)	((unsigned long)__builtin_ctzl((unsigned long)(x)))

/* === Random numbers: a seeded generator, see harness.c === */

u32 get_random_u32_below(u32 ceil);

/* === Bit fields (linux/bitfield.h) === */

#define GENMASK(h, l)	((~0UL >> (BITS_PER_LONG - 1 - (h))) & (~0UL << (l)))
#define FIELD_PREP(mask, val)	(((unsigned long)(val) << __builtin_ctzl(mask)) & (mask))
#define FIELD_GET(mask, reg)	(((reg) & (mask)) >> __builtin_ctzl(mask))
#define FIELD_MAX(mask)		((mask) >> __builtin_ctzl(mask))
#define SZ_4K			4096

/* === Printing and WARN === */

void harness_printk(const char *lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void harness_warn(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif
#define pr_err(fmt, ...)	harness_printk("err", pr_fmt(fmt), ##__VA_ARGS__)
#define pr_crit(fmt, ...)	harness_printk("crit", pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...)	harness_printk("warn", pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...)	harness_printk("info", pr_fmt(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...)	harness_printk("debug", pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn_ratelimited(fmt, ...) pr_warn(fmt, ##__VA_ARGS__)

#define WARN(cond, fmt, ...) ({						\
	int __w = !!(cond);						\
	if (__w)							\
		harness_warn(__FILE__, __LINE__, fmt, ##__VA_ARGS__);	\
	__w; })
#define WARN_ON(cond)	WARN(cond, "WARN_ON(%s)\n", #cond)
#define WARN_ONCE(cond, fmt, ...) ({					\
	static bool __warned;						\
	int __w = !!(cond);						\
	if (__w && !__warned) {						\
		__warned = true;					\
		harness_warn(__FILE__, __LINE__, fmt, ##__VA_ARGS__);	\
	}								\
	__w; })
#define WARN_ON_ONCE(cond) WARN_ONCE(cond, "WARN_ON_ONCE(%s)\n", #cond)
#define BUG_ON(cond) do { if (cond) { harness_warn(__FILE__, __LINE__, \
		"BUG_ON(%s)\n", #cond); abort(); } } while (0)

/* === Lists (include/linux/list.h subset) === */

struct list_head {
	struct list_head *next, *prev;
};

#define LIST_POISON1	((struct list_head *)0x100)
#define LIST_POISON2	((struct list_head *)0x122)
#define LIST_HEAD_INIT(name)	{ &(name), &(name) }
#define LIST_HEAD(name)		struct list_head name = LIST_HEAD_INIT(name)

static inline void INIT_LIST_HEAD(struct list_head *l)
{
	l->next = l;
	l->prev = l;
}

static inline void __list_add(struct list_head *n, struct list_head *prev,
			      struct list_head *next)
{
	next->prev = n;
	n->next = next;
	n->prev = prev;
	prev->next = n;
}

static inline void list_add(struct list_head *n, struct list_head *h)
{
	__list_add(n, h, h->next);
}

static inline void list_add_tail(struct list_head *n, struct list_head *h)
{
	__list_add(n, h->prev, h);
}

static inline void __list_del_entry(struct list_head *e)
{
	e->next->prev = e->prev;
	e->prev->next = e->next;
}

static inline void list_del(struct list_head *e)
{
	__list_del_entry(e);
	e->next = LIST_POISON1;
	e->prev = LIST_POISON2;
}

static inline void list_del_init(struct list_head *e)
{
	__list_del_entry(e);
	INIT_LIST_HEAD(e);
}

static inline void list_move(struct list_head *e, struct list_head *h)
{
	__list_del_entry(e);
	list_add(e, h);
}

static inline void list_move_tail(struct list_head *e, struct list_head *h)
{
	__list_del_entry(e);
	list_add_tail(e, h);
}

static inline void list_splice_init(struct list_head *list,
				    struct list_head *head)
{
	if (list->next == list)
		return;
	list->next->prev = head;
	list->prev->next = head->next;
	head->next->prev = list->prev;
	head->next = list->next;
	INIT_LIST_HEAD(list);
}

static inline int list_empty(const struct list_head *h)
{
	return h->next == h;
}

#define list_entry(ptr, type, member)	container_of(ptr, type, member)
#define list_first_entry(ptr, type, member) \
	list_entry((ptr)->next, type, member)
#define list_last_entry(ptr, type, member) \
	list_entry((ptr)->prev, type, member)
#define list_first_entry_or_null(ptr, type, member) ({		\
	struct list_head *__h = (ptr);					\
	struct list_head *__p = __h->next;				\
	__p != __h ? list_entry(__p, type, member) : NULL; })
#define list_next_entry(pos, member) \
	list_entry((pos)->member.next, __typeof__(*(pos)), member)
#define list_prev_entry(pos, member) \
	list_entry((pos)->member.prev, __typeof__(*(pos)), member)
#define list_for_each_entry(pos, head, member)				\
	for (pos = list_first_entry(head, __typeof__(*pos), member);	\
	     &pos->member != (head);					\
	     pos = list_next_entry(pos, member))
#define list_for_each_entry_safe(pos, n, head, member)			\
	for (pos = list_first_entry(head, __typeof__(*pos), member),	\
	     n = list_next_entry(pos, member);				\
	     &pos->member != (head);					\
	     pos = n, n = list_next_entry(n, member))
#define list_for_each_entry_safe_reverse(pos, n, head, member)		\
	for (pos = list_last_entry(head, __typeof__(*pos), member),	\
	     n = list_prev_entry(pos, member);				\
	     &pos->member != (head);					\
	     pos = n, n = list_prev_entry(n, member))
#define list_for_each_entry_continue_reverse(pos, head, member)	\
	for (pos = list_prev_entry(pos, member);			\
	     &pos->member != (head);					\
	     pos = list_prev_entry(pos, member))

/* === Bitmaps === */

#define DECLARE_BITMAP(name, bits)	unsigned long name[BITS_TO_LONGS(bits)]
#define BIT_WORD(nr)	((nr) / BITS_PER_LONG)
#define BIT_MASK(nr)	(1UL << ((nr) % BITS_PER_LONG))

static inline void __set_bit(unsigned long nr, unsigned long *addr)
{
	addr[BIT_WORD(nr)] |= BIT_MASK(nr);
}

static inline void __clear_bit(unsigned long nr, unsigned long *addr)
{
	addr[BIT_WORD(nr)] &= ~BIT_MASK(nr);
}

static inline void __assign_bit(unsigned long nr, unsigned long *addr,
				bool value)
{
	if (value)
		__set_bit(nr, addr);
	else
		__clear_bit(nr, addr);
}

static inline bool test_bit(unsigned long nr, const unsigned long *addr)
{
	return addr[BIT_WORD(nr)] & BIT_MASK(nr);
}

static inline bool test_and_set_bit(unsigned long nr, unsigned long *addr)
{
	bool old = test_bit(nr, addr);

	addr[BIT_WORD(nr)] |= BIT_MASK(nr);
	return old;
}

static inline unsigned long find_next_bit_val(const unsigned long *addr,
					      unsigned long size,
					      unsigned long off, bool set)
{
	for (; off < size; off++)
		if (test_bit(off, addr) == set)
			return off;
	return size;
}

#define find_next_bit(a, s, o)		find_next_bit_val(a, s, o, true)
#define find_next_zero_bit(a, s, o)	find_next_bit_val(a, s, o, false)
#define find_first_bit(a, s)		find_next_bit_val(a, s, 0, true)
#define find_first_zero_bit(a, s)	find_next_bit_val(a, s, 0, false)

static inline unsigned int bitmap_weight(const unsigned long *src,
					 unsigned int nbits)
{
	unsigned int i, w = 0;

	for (i = 0; i < nbits; i++)
		w += test_bit(i, src);
	return w;
}

/* Like the kernel: whole words are copied. */
static inline unsigned long find_nth_bit(const unsigned long *addr,
					 unsigned long size, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < size; i++)
		if (test_bit(i, addr) && !n--)
			return i;
	return size;
}

static inline bool bitmap_empty(const unsigned long *src, unsigned int nbits)
{
	return find_first_bit(src, nbits) >= nbits;
}

static inline void bitmap_set(unsigned long *map, unsigned int start,
			      unsigned int nbits)
{
	while (nbits--)
		__set_bit(start++, map);
}

/* Like the kernel: whole words are set. */
static inline void bitmap_fill(unsigned long *dst, unsigned int nbits)
{
	memset(dst, 0xff, BITS_TO_LONGS(nbits) * sizeof(long));
}

static inline void bitmap_zero(unsigned long *dst, unsigned int nbits)
{
	memset(dst, 0, BITS_TO_LONGS(nbits) * sizeof(long));
}

static inline void bitmap_copy(unsigned long *dst, const unsigned long *src,
			       unsigned int nbits)
{
	memcpy(dst, src, BITS_TO_LONGS(nbits) * sizeof(long));
}

static inline bool bitmap_andnot(unsigned long *dst, const unsigned long *a,
				 const unsigned long *b, unsigned int nbits)
{
	unsigned int k;
	unsigned long r = 0;

	for (k = 0; k < BITS_TO_LONGS(nbits); k++)
		r |= (dst[k] = a[k] & ~b[k]);
	return r != 0;
}

#define for_each_set_bitrange(b, e, addr, size)				\
	for ((b) = 0;							\
	     (b) = find_next_bit((addr), (size), b),			\
	     (e) = find_next_zero_bit((addr), (size), (b) + 1),	\
	     (b) < (size);						\
	     (b) = (e) + 1)

/* === Atomics === */

typedef struct { long counter; } atomic_long_t;

static inline void atomic_long_add(long n, atomic_long_t *v)
{
	__atomic_fetch_add(&v->counter, n, __ATOMIC_RELAXED);
}

static inline long atomic_long_read(const atomic_long_t *v)
{
	return __atomic_load_n(&v->counter, __ATOMIC_RELAXED);
}

static inline void atomic_long_set(atomic_long_t *v, long n)
{
	__atomic_store_n(&v->counter, n, __ATOMIC_RELAXED);
}

/* === Locking === */

struct mutex {
	pthread_mutex_t m;
	pthread_t owner;	/* valid while @held */
	int held;
};

void mutex_init(struct mutex *m);
void mutex_lock(struct mutex *m);
int mutex_trylock(struct mutex *m);
void mutex_unlock(struct mutex *m);
void harness_lockdep_assert_held(struct mutex *m, const char *file, int line);
void harness_lockdep_assert_not_held(struct mutex *m, const char *file,
				     int line);
#define lockdep_assert_held(m) harness_lockdep_assert_held(m, __FILE__, __LINE__)
#define lockdep_assert_not_held(m) \
	harness_lockdep_assert_not_held(m, __FILE__, __LINE__)
int mutex_is_locked(struct mutex *m);
#define READ_ONCE(x)	(*(const volatile __typeof__(x) *)&(x))
#define DEFINE_MUTEX(name) struct mutex name = { .m = PTHREAD_MUTEX_INITIALIZER }

/* text_mutex: the lock the arch's text poke takes (kernel/extable.c). */
extern struct mutex text_mutex;

/*
 * Spinlocks are mutexes here, so that lockdep_assert_held() and the
 * recursion check cover them. harness_in_atomic counts held spinlocks:
 * an allocation or a sleep while it is non-zero is a harness error, as
 * it would be a "sleeping function called from invalid context" splat.
 */
typedef struct mutex spinlock_t;
extern __thread int harness_in_atomic;
#define spin_lock_init(l)	mutex_init(l)
#define spin_lock_irqsave(l, f) \
	do { (f) = 0; mutex_lock(l); harness_in_atomic++; } while (0)
#define spin_unlock_irqrestore(l, f) \
	do { (void)(f); harness_in_atomic--; mutex_unlock(l); } while (0)
#define spin_trylock_irqsave(l, f) \
	({ (f) = 0; mutex_trylock(l) ? (harness_in_atomic++, 1) : 0; })
void harness_might_sleep(const char *file, int line);
#define might_sleep() harness_might_sleep(__FILE__, __LINE__)

/* The current task: only the flags the core reads. */
#define PF_MEMALLOC	0x00000800
struct task_struct { unsigned int flags; };
extern __thread struct task_struct harness_current;
#define current (&harness_current)

/* Time: jiffies advance by one per read, so windows are non-zero. */
extern unsigned long harness_jiffies;
#define jiffies (__atomic_add_fetch(&harness_jiffies, 1, __ATOMIC_RELAXED))
#define jiffies_to_usecs(j)	((unsigned int)((j) * (1000000 / HZ)))

/* RCU: a reader-writer lock; synchronize_rcu() waits for all readers. */
void rcu_read_lock(void);
void rcu_read_unlock(void);
void synchronize_rcu(void);
static inline unsigned long get_state_synchronize_rcu(void) { return 0; }
#define cond_synchronize_rcu(cookie) ((void)(cookie), synchronize_rcu())

/* === Allocation (with failure injection) === */

void *harness_kmalloc(size_t size, bool zero);
/*
 * Called by every allocation that may reclaim, as direct reclaim would
 * call the shrinkers of other subsystems (with PF_MEMALLOC set).
 */
extern void (*harness_reclaim_hook)(void);
void harness_kfree(const void *p);
#define kmalloc(s, g)	harness_kmalloc(s, false)
#define kzalloc(s, g)	harness_kmalloc(s, true)
#define kvzalloc(s, g)	harness_kmalloc(s, true)
#define kfree(p)	harness_kfree(p)
#define kvfree(p)	harness_kfree(p)

/* === XArray: a locked hash map === */

#define XA_BUCKETS 256
struct xa_node;
struct xarray {
	pthread_mutex_t lock;
	struct xa_node *bucket[XA_BUCKETS];
};
#define DEFINE_XARRAY(name) \
	struct xarray name = { .lock = PTHREAD_MUTEX_INITIALIZER }

#define DEFINE_XARRAY_FLAGS(name, flags) DEFINE_XARRAY(name)
#define XA_FLAGS_LOCK_IRQ	0
#define XA_FLAGS_ALLOC1		0
struct xa_limit {
	u32 max;
	u32 min;
};
#define XA_LIMIT(_min, _max)	(struct xa_limit){ .min = (_min), .max = (_max) }
static inline void xa_init_flags(struct xarray *xa, unsigned int flags)
{
	(void)flags;
	memset(xa, 0, sizeof(*xa));
	pthread_mutex_init(&xa->lock, NULL);
}
int xa_alloc(struct xarray *xa, u32 *id, void *entry, struct xa_limit limit,
	     gfp_t gfp);
#define xa_alloc_irq(xa, id, e, l, g)	xa_alloc(xa, id, e, l, g)
#define xa_store_irq(xa, i, e, g)	xa_store(xa, i, e, g)
#define xa_erase_irq(xa, i)		xa_erase(xa, i)
void *xa_load(struct xarray *xa, unsigned long index);
void *xa_store(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp);
void *xa_erase(struct xarray *xa, unsigned long index);

static inline void *xa_mk_err(long err)
{
	return (void *)((unsigned long)(-err) << 2 | 2);
}

static inline int xa_err(void *entry)
{
	if (((unsigned long)entry & 3) == 2 && (unsigned long)entry < 4096 * 4)
		return -(int)((unsigned long)entry >> 2);
	return 0;
}

/* === Workqueues: pending work runs when a test says so === */

struct work_struct;
typedef void (*work_func_t)(struct work_struct *work);

struct work_struct {
	work_func_t func;
	struct list_head entry;	/* on the harness queue while pending */
	bool pending;
	bool running;
	bool delayed;		/* part of a delayed_work */
};

struct delayed_work {
	struct work_struct work;
	unsigned long delay;
};

struct workqueue_struct { int unused; };
extern struct workqueue_struct *system_unbound_wq;
extern struct workqueue_struct *system_freezable_wq;

#define INIT_WORK(w, f) do { (w)->func = (f); INIT_LIST_HEAD(&(w)->entry); \
	(w)->pending = (w)->running = (w)->delayed = false; } while (0)
#define INIT_DELAYED_WORK(dw, f) do { INIT_WORK(&(dw)->work, f); \
	(dw)->work.delayed = true; (dw)->delay = 0; } while (0)
#define to_delayed_work(w) container_of(w, struct delayed_work, work)

bool queue_work(struct workqueue_struct *wq, struct work_struct *work);
bool mod_delayed_work(struct workqueue_struct *wq, struct delayed_work *dw,
		      unsigned long delay);
bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *dw,
			unsigned long delay);
bool flush_work(struct work_struct *work);
bool cancel_delayed_work_sync(struct delayed_work *dw);

/* === The public API: include/linux/execmem.h of the overlay === */

enum execmem_type {
	EXECMEM_DEFAULT,
	EXECMEM_MODULE_TEXT = EXECMEM_DEFAULT,
	EXECMEM_KPROBES,
	EXECMEM_FTRACE,
	EXECMEM_BPF,
	EXECMEM_MODULE_DATA,
	EXECMEM_MODULE_RODATA,
	EXECMEM_JIT,
	EXECMEM_TYPE_MAX,
};

enum execmem_range_flags {
	EXECMEM_KASAN_SHADOW	= (1 << 0),
	EXECMEM_ROX_POOL	= (1 << 1),
	EXECMEM_RO_BLOCKS	= (1 << 2),
};

struct execmem_range {
	unsigned long   start;
	unsigned long   end;
	unsigned long   fallback_start;
	unsigned long   fallback_end;
	pgprot_t        pgprot;
	unsigned int	alignment;
	enum execmem_range_flags flags;
};

struct execmem_info {
	struct execmem_range	ranges[EXECMEM_TYPE_MAX];
};

struct execmem_info *execmem_arch_setup(void);
void *execmem_alloc(enum execmem_type type, size_t size);
void execmem_free(void *ptr);
bool execmem_is_rox(enum execmem_type type);
int execmem_update(void *dst, const void *src, size_t len);
bool is_execmem_pool_text(unsigned long addr);
void *execmem_alloc_clean(enum execmem_type type, size_t size, u64 *flush_seq);
void execmem_flushed(enum execmem_type type, u64 flush_seq);
void *jit_alloc(const void *src, size_t len);
int jit_update(void *dst, const void *src, size_t len);
void jit_free(void *ptr);
void execmem_init(void);

#include <trace/events/execmem.h>

#endif /* __MM_EXECMEM_EXECMEM_INTERNAL_H */
