// SPDX-License-Identifier: GPL-2.0
/*
 * A reference model of the live objects, shared by the randomized test
 * and the fuzz target. It checks what the allocator promises:
 *  - no two live objects overlap, freed memory is not handed out before
 *    the trap fill has run (I4);
 *  - every live object holds what was last written with execmem_update();
 *  - after the pending work ran, every byte of every area outside live
 *    objects is 0xCC (I4);
 *  - per-type stats equal the model's sums;
 *  - every bad call gets exactly one WARN and changes nothing (I6).
 */

struct mobj {
	unsigned long addr;
	size_t size;
	int type;
	bool pool;
	unsigned char *data;	/* expected content (pool objects) */
};

struct mrange {
	unsigned long addr;
	size_t len;
};

struct model {
	struct mobj *objs;
	int n, cap;
	struct mrange *pend;	/* freed, maybe not yet filled */
	int npend, pcap;
	bool concurrent;	/* the work runs in another thread */
	int failed;
	char why[512];
	long ops;
	long bad_calls;		/* each must WARN once */
};

#define MODEL_FAIL(m, ...) do {						\
	if (!(m)->failed)						\
		snprintf((m)->why, sizeof((m)->why), __VA_ARGS__);	\
	(m)->failed++;							\
} while (0)

static const int model_pool_types[] = { EXECMEM_JIT, EXECMEM_BPF,
					EXECMEM_KPROBES };

/* The promised size classes: powers of two and halfway sizes to 3 KiB. */
static size_t model_used(size_t size)
{
	static const size_t classes[] = { 16, 32, 48, 64, 96, 128, 192, 256,
					  384, 512, 768, 1024, 1536, 2048,
					  3072 };
	unsigned int i;

	for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (size <= classes[i])
			return classes[i];
	return PAGE_ALIGN(size);
}

static void model_init(struct model *m)
{
	memset(m, 0, sizeof(*m));
}

static bool bytes_are(const unsigned char *p, size_t len, unsigned char v,
		      size_t *where)
{
	static unsigned char pat[4096];
	size_t i, n;

	if (pat[0] != v)
		memset(pat, v, sizeof(pat));
	for (i = 0; i < len; i += n) {
		n = min_t(size_t, len - i, sizeof(pat));
		if (memcmp(p + i, pat, n))
			break;
	}
	if (i >= len)
		return true;
	for (; p[i] == v; i++)
		;
	*where = i;
	return false;
}

/* The live object whose [addr, addr + used) contains @addr, or -1. */
static int model_find_containing(struct model *m, unsigned long addr)
{
	int i;

	for (i = 0; i < m->n; i++)
		if (m->objs[i].pool && addr >= m->objs[i].addr &&
		    addr - m->objs[i].addr < model_used(m->objs[i].size))
			return i;
	return -1;
}

static void *model_alloc(struct model *m, int type, size_t size)
{
	struct execmem_pool *pool = execmem_type_to_pool(type);
	unsigned long a, used = model_used(size), align;
	struct mobj *o;
	size_t where;
	void *p;
	int i;

	p = execmem_alloc(type, size);
	if (!p) {
		MODEL_FAIL(m, "alloc(type %d, %zu) failed", type, size);
		return NULL;
	}
	a = (unsigned long)p;
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 64;
		m->objs = realloc(m->objs, m->cap * sizeof(*m->objs));
	}
	o = &m->objs[m->n++];
	o->addr = a;
	o->size = size;
	o->type = type;
	o->pool = pool;
	o->data = NULL;
	if (!pool) {
		if (harness_find_area(a))
			MODEL_FAIL(m, "non-pool object %p inside a pool area", p);
		return p;
	}
	align = size > EXECMEM_SLAB_MAX ? PAGE_SIZE : (used & -used);
	if (a % align)
		MODEL_FAIL(m, "object %p of %zu bytes not aligned to %lu", p,
			   size, align);
	if (!harness_find_area(a) || !harness_find_area(a + used - 1))
		MODEL_FAIL(m, "object %p+%lu not inside pool areas", p, used);
	for (i = 0; i < m->n - 1; i++) {
		struct mobj *q = &m->objs[i];

		if (q->pool && a < q->addr + model_used(q->size) &&
		    q->addr < a + used)
			MODEL_FAIL(m, "object %p+%lu overlaps live %#lx+%zu", p,
				   used, q->addr, model_used(q->size));
	}
	if (!m->concurrent) {
		for (i = 0; i < m->npend; i++)
			if (a < m->pend[i].addr + m->pend[i].len &&
			    m->pend[i].addr < a + used)
				MODEL_FAIL(m, "object %p+%lu reuses memory freed at %#lx before its trap fill",
					   p, used, m->pend[i].addr);
	}
	if (!bytes_are(p, used, 0xcc, &where))
		MODEL_FAIL(m, "new object %p (%zu bytes): byte %zu is %#x, not a trap",
			   p, size, where, ((unsigned char *)p)[where]);
	o->data = malloc(size);
	memset(o->data, 0xcc, size);
	return p;
}

static void model_free_idx(struct model *m, int i)
{
	struct mobj o = m->objs[i];
	struct execmem_pool *pool = o.pool ? execmem_type_to_pool(o.type) : NULL;
	unsigned long deferred = pool ? execmem_read(pool, EXECMEM_DEFERRED_FILLS) : 0;
	size_t where;

	execmem_free((void *)o.addr);
	m->objs[i] = m->objs[--m->n];
	/*
	 * Filled before execmem_free() returned, unless it was deferred; a
	 * fill at free time fills everything pending, earlier frees too.
	 */
	if (o.pool && !m->concurrent &&
	    execmem_read(pool, EXECMEM_DEFERRED_FILLS) == deferred) {
		if (!bytes_are((void *)o.addr, model_used(o.size), 0xcc, &where))
			MODEL_FAIL(m, "freed object %#lx: byte %zu is not a trap after execmem_free()",
				   o.addr, where);
		m->npend = 0;
	} else if (o.pool) {
		if (m->npend == m->pcap) {
			m->pcap = m->pcap ? 2 * m->pcap : 64;
			m->pend = realloc(m->pend, m->pcap * sizeof(*m->pend));
		}
		m->pend[m->npend].addr = o.addr;
		m->pend[m->npend++].len = model_used(o.size);
	}
	free(o.data);
}

static void model_check_obj(struct model *m, struct mobj *o)
{
	size_t where;
	const unsigned char *p = (const unsigned char *)o->addr;

	if (!o->pool)
		return;
	if (memcmp(p, o->data, o->size)) {
		for (where = 0; p[where] == o->data[where]; where++)
			;
		MODEL_FAIL(m, "object %#lx (%zu bytes): byte %zu is %#x, expected %#x",
			   o->addr, o->size, where, p[where], o->data[where]);
	}
	/* Bytes past the requested size cannot be written: still traps. */
	if (!bytes_are(p + o->size, model_used(o->size) - o->size, 0xcc, &where))
		MODEL_FAIL(m, "object %#lx: slack byte %zu is not a trap",
			   o->addr, o->size + where);
}

static int model_update_idx(struct model *m, int i, size_t off, size_t len,
			    unsigned int seed)
{
	struct mobj *o = &m->objs[i];
	unsigned char *buf;
	size_t k;
	int ret;

	if (!o->pool || off >= o->size)
		return 0;
	if (len > o->size - off)
		len = o->size - off;
	buf = malloc(len ? len : 1);
	for (k = 0; k < len; k++)
		buf[k] = (unsigned char)(seed + k * 7 + (k >> 8));
	ret = execmem_update((void *)(o->addr + off), buf, len);
	if (ret)
		MODEL_FAIL(m, "update(%#lx + %zu, %zu) = %d", o->addr, off, len,
			   ret);
	else
		memcpy(o->data + off, buf, len);
	free(buf);
	model_check_obj(m, o);
	return ret;
}

static int cmp_mobj(const void *a, const void *b)
{
	const struct mobj *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Run the pending work; afterwards nothing is pending any more. */
static void model_run_work(struct model *m, bool delayed)
{
	if (!m->concurrent)
		harness_run_work(delayed);
	m->npend = 0;
}

/* Compare everything; @settled: the fill work has run since the last free. */
static void model_check(struct model *m, bool settled)
{
	struct execmem_type_stats want[EXECMEM_TYPE_MAX];
	struct harness_area *ha;
	struct mobj *sorted;
	int i, t;

	memset(want, 0, sizeof(want));
	sorted = malloc((m->n + 1) * sizeof(*sorted));
	for (i = 0; i < m->n; i++) {
		struct mobj *o = &m->objs[i];

		sorted[i] = *o;
		if (!o->pool)
			continue;
		model_check_obj(m, o);
		want[o->type].objs++;
		want[o->type].requested += o->size;
		want[o->type].used += model_used(o->size);
	}
	qsort(sorted, m->n, sizeof(*sorted), cmp_mobj);
	for (i = 1; i < m->n; i++) {
		if (sorted[i - 1].pool && sorted[i].pool &&
		    sorted[i - 1].addr + model_used(sorted[i - 1].size) >
		    sorted[i].addr)
			MODEL_FAIL(m, "objects %#lx and %#lx overlap",
				   sorted[i - 1].addr, sorted[i].addr);
	}
	for (t = 0; t < EXECMEM_TYPE_MAX; t++) {
		struct execmem_pool *pool = execmem_type_to_pool(t);
		struct execmem_type_stats got;

		if (!pool)
			continue;
		mutex_lock(&pool->lock);
		got = pool->stats[t];
		mutex_unlock(&pool->lock);
		if (got.objs != want[t].objs ||
		    got.requested != want[t].requested ||
		    got.used != want[t].used)
			MODEL_FAIL(m, "type %d stats objs/requested/used %lu/%lu/%lu, model %lu/%lu/%lu",
				   t, got.objs, got.requested, got.used,
				   want[t].objs, want[t].requested,
				   want[t].used);
	}
	if (settled) {
		/* Every byte outside live objects is a trap (I4). */
		int j;

		pthread_mutex_lock(&harness_areas_lock);
		list_for_each_entry(ha, &harness_areas, node) {
			unsigned long a = ha->start, end = ha->start + ha->size;
			size_t where;

			/* Areas are not in address order. */
			j = 0;
			while (j < m->n && (!sorted[j].pool ||
					    sorted[j].addr < ha->start))
				j++;
			while (a < end) {
				unsigned long next = end;

				if (j < m->n && sorted[j].pool &&
				    sorted[j].addr < end)
					next = sorted[j].addr;
				if (!bytes_are((void *)a, next - a, 0xcc, &where)) {
					MODEL_FAIL(m, "free byte at %#lx is %#x, not a trap",
						   a + where,
						   *(unsigned char *)(a + where));
					break;
				}
				if (next == end)
					break;
				a = next + model_used(sorted[j].size);
				j++;
				while (j < m->n && !sorted[j].pool)
					j++;
			}
		}
		pthread_mutex_unlock(&harness_areas_lock);
	}
	free(sorted);
}

static void model_free_all(struct model *m)
{
	while (m->n)
		model_free_idx(m, m->n - 1);
}

static void model_destroy(struct model *m)
{
	model_free_all(m);
	free(m->objs);
	free(m->pend);
	m->objs = NULL;
	m->pend = NULL;
	m->cap = m->pcap = m->npend = 0;
}

/* === Bad calls: each one WARN, no change === */

enum model_bad {
	BAD_DOUBLE_FREE,
	BAD_INTERIOR_FREE,
	BAD_UPDATE_OOB,
	BAD_ZERO_SIZE,
	BAD_OVERSIZE,
	BAD_UPDATE_FREED,
	BAD_NR,
};

static void model_bad(struct model *m, enum model_bad kind, unsigned int r)
{
	long warns = hs.warns;
	unsigned long addr = 0;
	unsigned char buf[16] = { 0 };
	int i, ret = 0;
	void *p;

	switch (kind) {
	case BAD_DOUBLE_FREE:
	case BAD_UPDATE_FREED:
		if (!m->npend)
			return;
		addr = m->pend[r % m->npend].addr;
		/* It may be live again (reused after a fill). */
		if (model_find_containing(m, addr) >= 0)
			return;
		if (kind == BAD_DOUBLE_FREE) {
			execmem_free((void *)addr);
		} else {
			ret = execmem_update((void *)addr, buf, 1);
			if (ret != -EINVAL)
				MODEL_FAIL(m, "update of freed %#lx = %d", addr,
					   ret);
		}
		break;
	case BAD_INTERIOR_FREE:
		if (!m->n)
			return;
		i = r % m->n;
		if (!m->objs[i].pool || m->objs[i].size < 2)
			return;
		addr = m->objs[i].addr + 1 + (r >> 8) % (m->objs[i].size - 1);
		execmem_free((void *)addr);
		break;
	case BAD_UPDATE_OOB:
		if (!m->n)
			return;
		i = r % m->n;
		if (!m->objs[i].pool)
			return;
		addr = m->objs[i].addr + m->objs[i].size - 1 -
		       (r >> 8) % min_t(size_t, m->objs[i].size, 15);
		ret = execmem_update((void *)addr, buf, 16);
		if (ret != -EINVAL)
			MODEL_FAIL(m, "out-of-bounds update at %#lx = %d", addr,
				   ret);
		break;
	case BAD_ZERO_SIZE:
	case BAD_OVERSIZE:
		p = execmem_alloc(model_pool_types[r % 3], kind == BAD_ZERO_SIZE ?
				  0 : HARNESS_RANGE_END - HARNESS_RANGE_START + 1 +
				  (r >> 8));
		if (p)
			MODEL_FAIL(m, "bad-size allocation returned %p", p);
		break;
	default:
		return;
	}
	m->bad_calls++;
	if (hs.warns - warns != 1)
		MODEL_FAIL(m, "bad call %d at %#lx: %ld WARNs, expected 1", kind,
			   addr, hs.warns - warns);
}

/* === Random operations, from a generator or from fuzz input === */

struct model_src {
	const unsigned char *data;	/* fuzz input, or NULL */
	size_t len, pos;
	unsigned long long state;	/* xorshift state */
};

static unsigned int src_u32(struct model_src *s)
{
	unsigned int v = 0;
	int k;

	if (s->data) {
		for (k = 0; k < 4; k++)
			v = v << 8 | (s->pos < s->len ? s->data[s->pos++] : 0);
		return v;
	}
	s->state ^= s->state << 13;
	s->state ^= s->state >> 7;
	s->state ^= s->state << 17;
	return (unsigned int)(s->state >> 16);
}

static size_t src_size(struct model_src *s)
{
	unsigned int r = src_u32(s), k = r % 100, v = r / 100;

	if (k < 45)
		return 1 + v % 256;
	if (k < 70)
		return 1 + v % EXECMEM_SLAB_MAX;
	if (k < 90)
		return EXECMEM_SLAB_MAX + 1 + v % (64 << 10);
	if (k < 98)
		return 1 + v % EXECMEM_CHUNK_SIZE;
	return EXECMEM_CHUNK_SIZE + 1 + v % (1 << 20);
}

/* One random operation; returns false when fuzz input is used up. */
static bool model_step(struct model *m, struct model_src *s, bool bad_calls)
{
	unsigned int r, op;

	if (s->data && s->pos >= s->len)
		return false;
	r = src_u32(s);
	op = r % 100;
	r /= 100;
	m->ops++;
	if (op < 40 || !m->n) {
		int type = r % 20 ? model_pool_types[r % 3] :
			   (r & 32 ? EXECMEM_DEFAULT : EXECMEM_MODULE_DATA);

		model_alloc(m, type, src_size(s));
	} else if (op < 70) {
		model_free_idx(m, r % m->n);
	} else if (op < 88) {
		unsigned int r2 = src_u32(s);
		int i = r % m->n;
		size_t sz = m->objs[i].size;

		model_update_idx(m, i, sz > 1 ? r2 % sz : 0,
				 1 + (src_u32(s) % (r2 & 1 ? 64 : sz)), r2);
	} else if (op < 94) {
		model_run_work(m, false);
		if (!m->concurrent && (m->ops & 3) == 0)
			model_check(m, true);
	} else if (op < 96) {
		model_run_work(m, true);
	} else if (bad_calls) {
		model_bad(m, r % BAD_NR, src_u32(s));
	}
	return true;
}
