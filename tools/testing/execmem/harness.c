// SPDX-License-Identifier: GPL-2.0
/*
 * Definitions of the shims and the backend seam for the host harness.
 * #included after the kernel files, into the same program.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

struct harness_state hs;
struct harness_trace harness_trace;
int harness_node;
LIST_HEAD(harness_areas);
pthread_mutex_t harness_areas_lock = PTHREAD_MUTEX_INITIALIZER;

void harness_reset_knobs(void)
{
	hs.fail_nth = 0;
	hs.fail_every_from = 0;
	hs.fail_size = 0;
	hs.map_fail_nth = 0;
	hs.show_fail_nth = 0;
	hs.degraded = false;
	hs.mem_node = -1;
	harness_copy_hook = NULL;
	harness_reclaim_hook = NULL;
}

/* === Printing === */

void harness_printk(const char *lvl, const char *fmt, ...)
{
	va_list ap;

	if (!hs.verbose)
		return;
	va_start(ap, fmt);
	printf("# pr_%s: ", lvl);
	vprintf(fmt, ap);
	va_end(ap);
	if (fmt[0] && fmt[strlen(fmt) - 1] != '\n')
		putchar('\n');
}

void harness_warn(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	__atomic_fetch_add(&hs.warns, 1, __ATOMIC_RELAXED);
	if (hs.quiet)
		return;
	va_start(ap, fmt);
	printf("# WARNING at %s:%d: ", file, line);
	vprintf(fmt, ap);
	va_end(ap);
	if (fmt[0] && fmt[strlen(fmt) - 1] != '\n')
		putchar('\n');
}

static void harness_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static void harness_error(const char *fmt, ...)
{
	va_list ap;

	__atomic_fetch_add(&hs.errors, 1, __ATOMIC_RELAXED);
	va_start(ap, fmt);
	printf("# HARNESS ERROR: ");
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/*
 * === KTAP reporting ===
 *
 * The test program prints KTAP version 1: the header and the plan, one
 * "ok N name" / "not ok N name" line per test, diagnostics as "# ..."
 * lines, and last, as tools/testing/vma does, the totals line
 * "N tests run, N passed, N failed" (", N skipped" only if one was).
 */
static unsigned int ktap_nr, ktap_passed, ktap_failed, ktap_skipped;

void harness_ktap_plan(unsigned int nr_tests)
{
	printf("KTAP version 1\n1..%u\n", nr_tests);
}

void harness_ktap_result(const char *name, bool ok, const char *skip)
{
	ktap_nr++;
	if (!ok) {
		ktap_failed++;
		printf("not ok %u %s\n", ktap_nr, name);
	} else if (skip) {
		ktap_skipped++;
		printf("ok %u %s # SKIP %s\n", ktap_nr, name, skip);
	} else {
		ktap_passed++;
		printf("ok %u %s\n", ktap_nr, name);
	}
}

/*
 * Run @cmd through the shell as the test @name. Its output becomes "# "
 * diagnostics; it fails if it exits non-zero, and a line "SKIP: reason"
 * makes it a skip (make check's fuzz run, which needs clang's libFuzzer).
 */
void harness_ktap_run_command(const char *name, const char *cmd)
{
	char line[512], skip[512] = "";
	bool ok;
	FILE *f;
	int st;

	fflush(stdout);
	f = popen(cmd, "r");
	if (!f) {
		printf("# %s: cannot run '%s'\n", name, cmd);
		harness_ktap_result(name, false, NULL);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "SKIP: ", 6))
			snprintf(skip, sizeof(skip), "%s", line + 6);
		printf("%s%s\n", line[0] == '#' ? "" : "# ", line);
	}
	st = pclose(f);
	ok = st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
	if (!ok)
		printf("# %s: '%s' exited with status %d\n", name, cmd,
		       st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	harness_ktap_result(name, ok, skip[0] ? skip : NULL);
}

/* Print the totals line; returns the exit status of the test program. */
int harness_ktap_finish(void)
{
	printf("%u tests run, %u passed, %u failed", ktap_nr, ktap_passed,
	       ktap_failed);
	if (ktap_skipped)
		printf(", %u skipped", ktap_skipped);
	printf("\n");
	return ktap_failed ? 1 : 0;
}

/* === Locking === */

void mutex_init(struct mutex *m)
{
	pthread_mutex_init(&m->m, NULL);
	m->held = 0;
}

static bool mutex_mine(struct mutex *m)
{
	return __atomic_load_n(&m->held, __ATOMIC_ACQUIRE) &&
	       pthread_equal(m->owner, pthread_self());
}

void mutex_lock(struct mutex *m)
{
	if (mutex_mine(m)) {
		printf("# LOCKDEP: recursive mutex_lock(%p): deadlock\n",
		       (void *)m);
		fflush(stdout);
		abort();
	}
	pthread_mutex_lock(&m->m);
	m->owner = pthread_self();
	__atomic_store_n(&m->held, 1, __ATOMIC_RELEASE);
}

int mutex_trylock(struct mutex *m)
{
	if (pthread_mutex_trylock(&m->m))
		return 0;
	m->owner = pthread_self();
	__atomic_store_n(&m->held, 1, __ATOMIC_RELEASE);
	return 1;
}

void mutex_unlock(struct mutex *m)
{
	if (!mutex_mine(m)) {
		__atomic_fetch_add(&hs.lockdep, 1, __ATOMIC_RELAXED);
		printf("# LOCKDEP: mutex_unlock(%p) by a non-owner\n", (void *)m);
		return;
	}
	__atomic_store_n(&m->held, 0, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&m->m);
}

void harness_lockdep_assert_held(struct mutex *m, const char *file, int line)
{
	if (mutex_mine(m))
		return;
	__atomic_fetch_add(&hs.lockdep, 1, __ATOMIC_RELAXED);
	printf("# LOCKDEP: %s:%d: lock %p not held\n", file, line, (void *)m);
}

void harness_lockdep_assert_not_held(struct mutex *m, const char *file,
				     int line)
{
	if (!mutex_mine(m))
		return;
	__atomic_fetch_add(&hs.lockdep, 1, __ATOMIC_RELAXED);
	printf("# LOCKDEP: %s:%d: lock %p held\n", file, line, (void *)m);
}

int mutex_is_locked(struct mutex *m)
{
	return __atomic_load_n(&m->held, __ATOMIC_ACQUIRE);
}

struct mutex text_mutex = { .m = PTHREAD_MUTEX_INITIALIZER };
__thread int harness_in_atomic;
__thread struct task_struct harness_current;
unsigned long harness_jiffies;

void harness_might_sleep(const char *file, int line)
{
	if (!harness_in_atomic)
		return;
	__atomic_fetch_add(&hs.lockdep, 1, __ATOMIC_RELAXED);
	printf("# LOCKDEP: %s:%d: might sleep with a spinlock held\n", file,
	       line);
}

static pthread_rwlock_t rcu_lock = PTHREAD_RWLOCK_INITIALIZER;

void rcu_read_lock(void)
{
	pthread_rwlock_rdlock(&rcu_lock);
}

void rcu_read_unlock(void)
{
	pthread_rwlock_unlock(&rcu_lock);
}

void synchronize_rcu(void)
{
	might_sleep();
	pthread_rwlock_wrlock(&rcu_lock);
	pthread_rwlock_unlock(&rcu_lock);
}

/* === Allocation === */

static bool harness_alloc_fails(size_t size)
{
	long n = __atomic_add_fetch(&hs.allocs, 1, __ATOMIC_RELAXED);

	if (hs.fail_size && size == hs.fail_size)
		return true;
	if (!hs.fail_nth)
		return false;
	if (hs.fail_every_from)
		return n >= hs.fail_nth;
	return n == hs.fail_nth;
}

void (*harness_reclaim_hook)(void);

/* Direct reclaim: the shrinkers of other subsystems run here. */
static void harness_reclaim(void)
{
	void (*hook)(void) = harness_reclaim_hook;
	unsigned int flags = current->flags;

	if (!hook || (flags & PF_MEMALLOC))
		return;
	current->flags |= PF_MEMALLOC;
	hook();
	current->flags = flags;
}

void *harness_kmalloc(size_t size, bool zero)
{
	void *p;

	might_sleep();
	harness_reclaim();
	if (harness_alloc_fails(size))
		return NULL;
	p = zero ? calloc(1, size ? size : 1) : malloc(size ? size : 1);
	if (p) {
		size_t max = __atomic_load_n(&hs.max_alloc, __ATOMIC_RELAXED);

		__atomic_fetch_add(&hs.live_allocs, 1, __ATOMIC_RELAXED);
		while (size > max &&
		       !__atomic_compare_exchange_n(&hs.max_alloc, &max, size,
						    false, __ATOMIC_RELAXED,
						    __ATOMIC_RELAXED))
			;
	}
	return p;
}

void harness_kfree(const void *p)
{
	if (!p)
		return;
	__atomic_fetch_sub(&hs.live_allocs, 1, __ATOMIC_RELAXED);
	free((void *)p);
}

/* === Random numbers === */

/*
 * Reproducible: the same sequence on every run (EXECMEM_SEED seeds the
 * random test's operations, not this), shared by all threads.
 */
u32 get_random_u32_below(u32 ceil)
{
	static unsigned long long state = 0x2545f4914f6cdd1dULL;
	unsigned long long old, new;

	if (ceil <= 1)
		return 0;
	old = __atomic_load_n(&state, __ATOMIC_RELAXED);
	do {
		new = old * 6364136223846793005ULL + 1442695040888963407ULL;
	} while (!__atomic_compare_exchange_n(&state, &old, new, false,
					      __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	return (u32)((new >> 33) % ceil);
}

/* === XArray === */

struct xa_node {
	struct xa_node *next;
	unsigned long index;
	void *entry;
};

static struct xa_node **xa_slot(struct xarray *xa, unsigned long index)
{
	struct xa_node **pp = &xa->bucket[index % XA_BUCKETS];

	while (*pp && (*pp)->index != index)
		pp = &(*pp)->next;
	return pp;
}

void *xa_load(struct xarray *xa, unsigned long index)
{
	struct xa_node *n;
	void *e;

	pthread_mutex_lock(&xa->lock);
	n = *xa_slot(xa, index);
	e = n ? n->entry : NULL;
	pthread_mutex_unlock(&xa->lock);
	return e;
}

void *xa_erase(struct xarray *xa, unsigned long index)
{
	struct xa_node **pp, *n;
	void *e = NULL;

	pthread_mutex_lock(&xa->lock);
	pp = xa_slot(xa, index);
	n = *pp;
	if (n) {
		*pp = n->next;
		e = n->entry;
		harness_kfree(n);
	}
	pthread_mutex_unlock(&xa->lock);
	return e;
}

/* Like the kernel's: the lowest free index in @limit. */
int xa_alloc(struct xarray *xa, u32 *id, void *entry, struct xa_limit limit,
	     gfp_t gfp)
{
	struct xa_node *n = harness_kmalloc(sizeof(*n), true);
	unsigned long i;

	(void)gfp;
	if (!n)
		return -ENOMEM;
	pthread_mutex_lock(&xa->lock);
	for (i = limit.min; i <= limit.max && *xa_slot(xa, i); i++)
		;
	if (i > limit.max) {
		pthread_mutex_unlock(&xa->lock);
		harness_kfree(n);
		return -EBUSY;
	}
	n->index = i;
	n->entry = entry;
	n->next = xa->bucket[i % XA_BUCKETS];
	xa->bucket[i % XA_BUCKETS] = n;
	pthread_mutex_unlock(&xa->lock);
	*id = i;
	return 0;
}

void *xa_store(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp)
{
	struct xa_node **pp, *n;
	void *old;

	(void)gfp;
	if (!entry)
		return xa_erase(xa, index);
	pthread_mutex_lock(&xa->lock);
	pp = xa_slot(xa, index);
	if (*pp) {
		old = (*pp)->entry;
		(*pp)->entry = entry;
		pthread_mutex_unlock(&xa->lock);
		return old;
	}
	n = harness_kmalloc(sizeof(*n), true);
	if (!n) {
		pthread_mutex_unlock(&xa->lock);
		return xa_mk_err(-ENOMEM);
	}
	n->index = index;
	n->entry = entry;
	*pp = n;
	pthread_mutex_unlock(&xa->lock);
	return NULL;
}

/* === Workqueues === */

static struct workqueue_struct harness_wq;
struct workqueue_struct *system_unbound_wq = &harness_wq;
struct workqueue_struct *system_freezable_wq = &harness_wq;
static LIST_HEAD(work_list);
static pthread_mutex_t work_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work_cond = PTHREAD_COND_INITIALIZER;

static bool work_queue_locked(struct work_struct *w)
{
	if (w->pending)
		return false;
	w->pending = true;
	list_add_tail(&w->entry, &work_list);
	pthread_cond_broadcast(&work_cond);
	return true;
}

bool queue_work(struct workqueue_struct *wq, struct work_struct *work)
{
	bool ret;

	(void)wq;
	pthread_mutex_lock(&work_lock);
	ret = work_queue_locked(work);
	pthread_mutex_unlock(&work_lock);
	return ret;
}

bool mod_delayed_work(struct workqueue_struct *wq, struct delayed_work *dw,
		      unsigned long delay)
{
	bool was;

	(void)wq;
	pthread_mutex_lock(&work_lock);
	dw->delay = delay;
	was = dw->work.pending;
	work_queue_locked(&dw->work);
	pthread_mutex_unlock(&work_lock);
	return was;
}

bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *dw,
			unsigned long delay)
{
	bool queued;

	(void)wq;
	pthread_mutex_lock(&work_lock);
	if (!dw->work.pending)
		dw->delay = delay;
	queued = work_queue_locked(&dw->work);
	pthread_mutex_unlock(&work_lock);
	return queued;
}

/* Take the first runnable work, with work_lock held. */
static struct work_struct *work_next_locked(bool delayed)
{
	struct work_struct *w;

	list_for_each_entry(w, &work_list, entry) {
		if (w->running || (w->delayed && !delayed))
			continue;
		list_del_init(&w->entry);
		w->pending = false;
		w->running = true;
		return w;
	}
	return NULL;
}

static void work_run(struct work_struct *w)
{
	w->func(w);
	pthread_mutex_lock(&work_lock);
	w->running = false;
	pthread_cond_broadcast(&work_cond);
	pthread_mutex_unlock(&work_lock);
}

int harness_run_work(bool delayed)
{
	struct work_struct *w;
	int n = 0;

	for (;;) {
		pthread_mutex_lock(&work_lock);
		w = work_next_locked(delayed);
		pthread_mutex_unlock(&work_lock);
		if (!w)
			return n;
		work_run(w);
		n++;
	}
}

bool harness_work_pending(void)
{
	bool ret;

	pthread_mutex_lock(&work_lock);
	ret = !list_empty(&work_list);
	pthread_mutex_unlock(&work_lock);
	return ret;
}

bool flush_work(struct work_struct *work)
{
	bool ran = false;

	pthread_mutex_lock(&work_lock);
	for (;;) {
		if (work->running) {
			pthread_cond_wait(&work_cond, &work_lock);
			continue;
		}
		if (!work->pending)
			break;
		list_del_init(&work->entry);
		work->pending = false;
		work->running = true;
		pthread_mutex_unlock(&work_lock);
		work_run(work);
		ran = true;
		pthread_mutex_lock(&work_lock);
	}
	pthread_mutex_unlock(&work_lock);
	return ran;
}

bool cancel_delayed_work_sync(struct delayed_work *dw)
{
	bool was;

	pthread_mutex_lock(&work_lock);
	was = dw->work.pending;
	if (was) {
		list_del_init(&dw->work.entry);
		dw->work.pending = false;
	}
	while (dw->work.running)
		pthread_cond_wait(&work_cond, &work_lock);
	pthread_mutex_unlock(&work_lock);
	return was;
}

static pthread_t worker;
static bool worker_stop, worker_on;

static void *worker_fn(void *arg)
{
	struct work_struct *w;

	(void)arg;
	pthread_mutex_lock(&work_lock);
	while (!worker_stop) {
		/* The worker runs delayed work too: time flies. */
		w = work_next_locked(true);
		if (!w) {
			pthread_cond_wait(&work_cond, &work_lock);
			continue;
		}
		pthread_mutex_unlock(&work_lock);
		work_run(w);
		pthread_mutex_lock(&work_lock);
	}
	pthread_mutex_unlock(&work_lock);
	return NULL;
}

void harness_start_worker(void)
{
	worker_stop = false;
	worker_on = true;
	pthread_create(&worker, NULL, worker_fn, NULL);
}

void harness_stop_worker(void)
{
	if (!worker_on)
		return;
	pthread_mutex_lock(&work_lock);
	worker_stop = true;
	pthread_cond_broadcast(&work_cond);
	pthread_mutex_unlock(&work_lock);
	pthread_join(worker, NULL);
	worker_on = false;
}

/* === Backend: the non-pool path === */

/* rodata.c is not in the harness: no harness type is EXECMEM_RO_BLOCKS. */
void *execmem_rodata_alloc(const struct execmem_range *range, size_t size)
{
	(void)range;
	(void)size;
	return NULL;
}

bool execmem_rodata_free(void *ptr)
{
	(void)ptr;
	return false;
}

struct vm_obj {
	struct vm_obj *next;
	void *p;
};
static struct vm_obj *vm_objs;
static pthread_mutex_t vm_lock = PTHREAD_MUTEX_INITIALIZER;

void *execmem_backend_vmalloc(const struct execmem_range *range, size_t size,
			      bool reset_perms)
{
	struct vm_obj *o;

	(void)range;
	(void)reset_perms;
	if (!size)
		return NULL;
	o = malloc(sizeof(*o));
	o->p = aligned_alloc(PAGE_SIZE, PAGE_ALIGN(size));
	memset(o->p, 0, PAGE_ALIGN(size));
	pthread_mutex_lock(&vm_lock);
	o->next = vm_objs;
	vm_objs = o;
	hs.vmallocs++;
	pthread_mutex_unlock(&vm_lock);
	return o->p;
}

void execmem_backend_vfree(void *ptr)
{
	struct vm_obj **pp, *o;

	pthread_mutex_lock(&vm_lock);
	for (pp = &vm_objs; *pp && (*pp)->p != ptr; pp = &(*pp)->next)
		;
	o = *pp;
	if (o) {
		*pp = o->next;
		hs.vmallocs--;
	}
	pthread_mutex_unlock(&vm_lock);
	/* What vfree() says about an address it does not know. */
	if (WARN(!o, "Trying to vfree() nonexistent vm area (%p)\n", ptr))
		return;
	free(o->p);
	free(o);
}

/* === Backend: pool areas, a memfd mapped R+X plus a private RW alias === */

int execmem_backend_map(const struct execmem_range *range, size_t size,
			int nid, struct execmem_mapping *map)
{
	struct harness_area *ha;
	unsigned char *res, *x;
	unsigned long aligned;
	int fd;

	(void)range;
	hs.map_calls++;
	if (hs.map_fail_nth && hs.map_calls == hs.map_fail_nth)
		return -ENOMEM;
	if (size % EXECMEM_CHUNK_SIZE) {
		harness_error("backend_map of %zu bytes", size);
		return -EINVAL;
	}
	fd = memfd_create("execmem", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, size)) {
		perror("memfd");
		abort();
	}
	res = mmap(NULL, size + EXECMEM_CHUNK_SIZE, PROT_NONE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (res == MAP_FAILED) {
		perror("mmap");
		abort();
	}
	aligned = ((unsigned long)res + EXECMEM_CHUNK_SIZE - 1) &
		  ~(EXECMEM_CHUNK_SIZE - 1);
	if (aligned > (unsigned long)res)
		munmap(res, aligned - (unsigned long)res);
	munmap((void *)(aligned + size),
	       (unsigned long)res + size + EXECMEM_CHUNK_SIZE - aligned - size);
	ha = calloc(1, sizeof(*ha));
	ha->rw = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (ha->rw == MAP_FAILED) {
		perror("mmap rw");
		abort();
	}
	/* Trap fill while nothing executable maps it yet. */
	memset(ha->rw, 0xcc, size);
	x = mmap((void *)aligned, size, PROT_READ | PROT_EXEC,
		 MAP_SHARED | MAP_FIXED, fd, 0);
	if (x == MAP_FAILED) {
		perror("mmap rx");
		abort();
	}
	ha->start = aligned;
	ha->size = size;
	ha->fd = fd;
	ha->map = map;
	map->start = aligned;
	map->size = size;
	map->huge = !hs.degraded;
	map->nid = nid == NUMA_NO_NODE ? numa_node_id() : nid;
	if (hs.mem_node >= 0)	/* the node had no memory: vmalloc fell back */
		map->nid = hs.mem_node;
	map->priv = ha;
	/* As the kernel's: the alias goes in chunk (or page) units. */
	map->direct_map_ops += size / (map->huge ? EXECMEM_CHUNK_SIZE : PAGE_SIZE);
	pthread_mutex_lock(&harness_areas_lock);
	list_add_tail(&ha->node, &harness_areas);
	hs.nr_areas++;
	pthread_mutex_unlock(&harness_areas_lock);
	if (hs.map_leak_nth && hs.map_calls == hs.map_leak_nth) {
		/*
		 * As the kernel's when NX fails: mapped, alias gone, leaked.
		 * It stays on harness_areas but no longer counts as an area.
		 */
		map->leaked = true;
		hs.nr_areas--;
		return -ENOMEM;
	}
	return 0;
}

int execmem_backend_unmap(struct execmem_mapping *map)
{
	struct harness_area *ha = map->priv;

	if (!ha || ha->map != map || ha->start != map->start) {
		harness_error("backend_unmap of unknown area %p", (void *)map);
		return -EINVAL;
	}
	map->direct_map_ops += map->size / (map->huge ? EXECMEM_CHUNK_SIZE :
					    PAGE_SIZE);
	pthread_mutex_lock(&harness_areas_lock);
	list_del(&ha->node);
	hs.nr_areas--;
	pthread_mutex_unlock(&harness_areas_lock);
	munmap((void *)ha->start, ha->size);
	munmap(ha->rw, ha->size);
	close(ha->fd);
	free(ha);
	return 0;
}

/* The direct-map alias is modelled by a flag: shown (read-only) or not. */
int execmem_backend_show_alias(struct execmem_mapping *map, bool show)
{
	struct harness_area *ha = map->priv;

	if (!ha || ha->map != map) {
		harness_error("show_alias of unknown mapping %p", (void *)map);
		return -EINVAL;
	}
	if (ha->alias_shown == show)
		harness_error("show_alias(%d) of a mapping already so", show);
	if (show && ++hs.show_calls == hs.show_fail_nth)
		return -ENOMEM;
	ha->alias_shown = show;
	map->direct_map_ops++;
	return 0;
}

struct harness_area *harness_find_area(unsigned long addr)
{
	struct harness_area *ha, *ret = NULL;

	pthread_mutex_lock(&harness_areas_lock);
	list_for_each_entry(ha, &harness_areas, node) {
		if (addr >= ha->start && addr - ha->start < ha->size) {
			ret = ha;
			break;
		}
	}
	pthread_mutex_unlock(&harness_areas_lock);
	return ret;
}

/* The "text poke": write through the RW alias of the area. */
static unsigned char *poke_addr(void *dst, size_t len, const char *what)
{
	struct harness_area *ha = harness_find_area((unsigned long)dst);

	if (!ha || len > ha->size - ((unsigned long)dst - ha->start)) {
		harness_error("%s of %zu bytes at %p outside a pool area",
			      what, len, dst);
		return NULL;
	}
	return ha->rw + ((unsigned long)dst - ha->start);
}

void execmem_backend_fill(void *dst, size_t len)
{
	unsigned char *p = poke_addr(dst, len, "fill");

	if (p)
		memset(p, 0xcc, len);
	__atomic_fetch_add(&hs.fills, 1, __ATOMIC_RELAXED);
}

void (*harness_copy_hook)(void *dst);

int execmem_backend_copy(void *dst, const void *src, size_t len)
{
	unsigned char *p = poke_addr(dst, len, "copy");

	if (!p)
		return -EFAULT;
	if (harness_copy_hook)
		harness_copy_hook(dst);
	memcpy(p, src, len);
	__atomic_fetch_add(&hs.copies, 1, __ATOMIC_RELAXED);
	return 0;
}

/* === Checks === */

static sigjmp_buf fault_jmp;

static void fault_handler(int sig)
{
	(void)sig;
	siglongjmp(fault_jmp, 1);
}

bool harness_write_faults(void *p)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return false;
	if (!pid) {
		struct sigaction sa = { .sa_handler = fault_handler };

		sigaction(SIGSEGV, &sa, NULL);
		sigaction(SIGBUS, &sa, NULL);
		if (sigsetjmp(fault_jmp, 1))
			_exit(42);
		*(volatile unsigned char *)p = 0x90;
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 42;
}

bool harness_has_wx_mapping(void)
{
	char line[512], perms[8];
	bool wx = false;
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %7s", perms) == 1 &&
		    perms[1] == 'w' && perms[2] == 'x') {
			printf("# W+X mapping: %s", line);
			wx = true;
		}
	}
	fclose(f);
	return wx;
}
