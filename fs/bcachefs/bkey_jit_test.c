// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the compiled bkey unpack routines (bkey.c,
 * bch2_compile_bkey_format()), which live in jit_alloc() memory.
 *
 * Random key formats, some made the way bcachefs makes them (from the
 * ranges of the keys of a node, bch2_bkey_format_done()) and some with
 * arbitrary field widths and offsets, are compiled; random keys are packed
 * in each and the compiled routine must unpack every one exactly as the C
 * unpack does. No filesystem is needed.
 */
#include <kunit/test.h>
#include <linux/execmem.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/unaligned.h>

#include "bcachefs.h"
#include "bkey.h"
#include "bset.h"

#define NR_FORMATS	512
#define NR_KEYS		256

struct unpack_test {
	struct rnd_state rnd;
	struct bkey_format f;
	u64 min[BKEY_NR_FIELDS];
	u64 max[BKEY_NR_FIELDS];
};

static u64 rnd64(struct unpack_test *t)
{
	return ((u64)prandom_u32_state(&t->rnd) << 32) |
		prandom_u32_state(&t->rnd);
}

/* a random value of at most @bits bits, all widths equally likely */
static u64 rnd_bits(struct unpack_test *t, unsigned int bits)
{
	unsigned int w = prandom_u32_state(&t->rnd) % (bits + 1);

	return w ? rnd64(t) >> (64 - w) : 0;
}

/*
 * Where each field of enum bch_bkey_fields lives in struct bkey
 * (bkey_fields() lists them in enum order: unpack_test_init() checks).
 */
static const struct {
	unsigned int id, offset, size;
} test_fields[BKEY_NR_FIELDS] = {
#define x(_id, _field)	{ _id, offsetof(struct bkey, _field),	\
			  sizeof_field(struct bkey, _field) },
	bkey_fields()
#undef x
};

static unsigned int field_bits(unsigned int id)
{
	return test_fields[id].size * BITS_PER_BYTE;
}

static void test_field_set(struct bkey *k, unsigned int id, u64 v)
{
	void *p = (void *)k + test_fields[id].offset;

	if (test_fields[id].size == sizeof(u64))
		memcpy(p, &v, sizeof(u64));
	else
		put_unaligned((u32)v, (u32 *)p);
}

static u64 test_field_get(const struct bkey *k, unsigned int id)
{
	const void *p = (const void *)k + test_fields[id].offset;
	u64 v;

	if (test_fields[id].size == sizeof(u64)) {
		memcpy(&v, p, sizeof(u64));
		return v;
	}
	return get_unaligned((const u32 *)p);
}

static u64 field_limit(unsigned int id)
{
	return field_bits(id) == 64 ? U64_MAX : (1ULL << field_bits(id)) - 1;
}

/* a format from random field ranges, as bcachefs makes one for a node */
static void format_from_ranges(struct unpack_test *t)
{
	struct bkey_format_state s;
	struct bkey lo, hi;
	unsigned int i;

	bkey_init(&lo);
	bkey_init(&hi);
	for (i = 0; i < BKEY_NR_FIELDS; i++) {
		u64 a = rnd_bits(t, field_bits(i));
		u64 span = rnd_bits(t, field_bits(i));

		test_field_set(&lo, i, a);
		test_field_set(&hi, i, span > field_limit(i) - a ? field_limit(i) :
			a + span);
	}
	bch2_bkey_format_init(&s);
	bch2_bkey_format_add_key(&s, &lo);
	bch2_bkey_format_add_key(&s, &hi);
	t->f = bch2_bkey_format_done(&s);
}

/* a format with arbitrary field widths and offsets (not byte aligned) */
static void format_arbitrary(struct unpack_test *t)
{
	unsigned int i, bits = KEY_PACKED_BITS_START;

	memset(&t->f, 0, sizeof(t->f));
	t->f.nr_fields = BKEY_NR_FIELDS;
	for (i = 0; i < BKEY_NR_FIELDS; i++) {
		unsigned int w = prandom_u32_state(&t->rnd) %
				 (field_bits(i) + 1);
		u64 range = w == 64 ? U64_MAX : (1ULL << w) - 1;
		u64 off = rnd_bits(t, field_bits(i));

		if (off > field_limit(i) - range)
			off = field_limit(i) - range;
		t->f.bits_per_field[i] = w;
		t->f.field_offset[i] = cpu_to_le64(off);
		bits += w;
	}
	t->f.key_u64s = DIV_ROUND_UP(bits, 64);
}

/* build a random valid format and record the range of each field */
static void random_format(struct kunit *test, struct unpack_test *t)
{
	struct printbuf err = PRINTBUF;
	unsigned int i;

	if (prandom_u32_state(&t->rnd) & 1)
		format_from_ranges(t);
	else
		format_arbitrary(t);

	KUNIT_ASSERT_EQ_MSG(test, bch2_bkey_format_invalid(NULL, &t->f, 0, &err),
			    0, "generated an invalid format: %s", err.buf);
	printbuf_exit(&err);

	for (i = 0; i < BKEY_NR_FIELDS; i++) {
		t->min[i] = le64_to_cpu(t->f.field_offset[i]);
		t->max[i] = t->min[i] + (t->f.bits_per_field[i] == 64 ? U64_MAX :
			    (1ULL << t->f.bits_per_field[i]) - 1);
	}
}

/* a random key in the ranges of the format, packed */
static void random_key(struct kunit *test, struct unpack_test *t,
		       struct bkey *k, struct bkey_packed *p)
{
	unsigned int i;

	bkey_init(k);
	k->type = prandom_u32_state(&t->rnd) % KEY_TYPE_MAX;
	k->needs_whiteout = prandom_u32_state(&t->rnd) & 1;
	for (i = 0; i < BKEY_NR_FIELDS; i++) {
		u64 span = t->max[i] - t->min[i];
		u64 v = rnd64(t);

		/* favour the edges of the range */
		switch (prandom_u32_state(&t->rnd) % 4) {
		case 0:
			v = 0;
			break;
		case 1:
			v = span;
			break;
		default:
			if (span != U64_MAX)
				v %= span + 1;
		}
		test_field_set(k, i, t->min[i] + v);
	}
	KUNIT_ASSERT_TRUE(test, bch2_bkey_pack_key(p, k, &t->f));
}

/* every key unpacked by @fn equals the C unpack and the original key */
static void check_unpack(struct kunit *test, struct unpack_test *t,
			 compiled_unpack_fn fn)
{
	u64 buf[BKEY_U64s + 1];
	struct bkey_packed *p = (void *)buf;
	struct bkey k, want, got;
	unsigned int i, j;

	for (i = 0; i < NR_KEYS; i++) {
		memset(buf, 0xa5, sizeof(buf));
		random_key(test, t, &k, p);
		want = __bch2_bkey_unpack_key(&t->f, p);
		memset(&got, 0x5a, sizeof(got));
		fn(&got, p);
		KUNIT_ASSERT_EQ_MSG(test, memcmp(&got, &want, sizeof(got)), 0,
				    "key %u: compiled unpack differs from C unpack",
				    i);
		for (j = 0; j < BKEY_NR_FIELDS; j++)
			KUNIT_ASSERT_EQ(test, test_field_get(&got, j), test_field_get(&k, j));
		KUNIT_ASSERT_EQ(test, got.type, k.type);
		KUNIT_ASSERT_EQ(test, got.u64s, (u8)BKEY_U64s);
	}
}

static void unpack_test_init(struct kunit *test, struct unpack_test *t)
{
	u64 seed = get_random_u64();
	unsigned int i;

	for (i = 0; i < BKEY_NR_FIELDS; i++)
		KUNIT_ASSERT_EQ(test, test_fields[i].id, i);

	if (!execmem_is_rox(EXECMEM_JIT))
		kunit_skip(test, "no ROX pool for EXECMEM_JIT: the C unpack is used");
	kunit_info(test, "seed %llu\n", seed);
	prandom_seed_state(&t->rnd, seed);
}

/* many random formats, all compiled and checked, all live at once */
static void bkey_jit_test_random_formats(struct kunit *test)
{
	struct unpack_test *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	compiled_unpack_fn *fns;
	unsigned long pages = 0;
	unsigned int i, j;
	u8 len;

	KUNIT_ASSERT_NOT_NULL(test, t);
	unpack_test_init(test, t);
	fns = kunit_kcalloc(test, NR_FORMATS, sizeof(*fns), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fns);

	for (i = 0; i < NR_FORMATS; i++) {
		random_format(test, t);
		fns[i] = bch2_bkey_unpack_fn_alloc(&t->f, &len);
		KUNIT_ASSERT_NOT_NULL(test, fns[i]);
		KUNIT_ASSERT_GT(test, len, 0);
		KUNIT_EXPECT_TRUE(test, is_execmem_pool_text((unsigned long)fns[i]));
		check_unpack(test, t, fns[i]);
	}

	/* sub-page objects: formats share pages instead of one page each */
	for (i = 0; i < NR_FORMATS; i++) {
		for (j = 0; j < i; j++)
			if (PAGE_ALIGN_DOWN((unsigned long)fns[j]) ==
			    PAGE_ALIGN_DOWN((unsigned long)fns[i]))
				break;
		pages += j == i;
	}
	kunit_info(test, "%u routines in %lu pages\n", NR_FORMATS, pages);
	KUNIT_EXPECT_LE(test, pages, NR_FORMATS / 4);

	for (i = 0; i < NR_FORMATS; i++)
		bch2_bkey_unpack_fn_free(fns[i]);
}

/* a routine recompiled in place with jit_update() unpacks the new format */
static void bkey_jit_test_update_in_place(struct kunit *test)
{
	struct unpack_test *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	u8 code[BKEY_UNPACK_FN_MAX];
	struct bkey_format longest;
	compiled_unpack_fn fn;
	unsigned int tries, updated = 0, refused = 0;
	u8 len;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, t);
	unpack_test_init(test, t);

	/* start from the longest routine of a few formats */
	for (tries = 0; tries < 16; tries++) {
		random_format(test, t);
		if (tries && bch2_compile_bkey_format(&t->f, code) <=
			     bch2_compile_bkey_format(&longest, code))
			continue;
		longest = t->f;
	}
	fn = bch2_bkey_unpack_fn_alloc(&longest, &len);
	KUNIT_ASSERT_NOT_NULL(test, fn);

	for (tries = 0; tries < 4 * NR_FORMATS; tries++) {
		random_format(test, t);
		ret = bch2_bkey_unpack_fn_update(fn, len, &t->f);
		if (ret == -E2BIG) {
			KUNIT_EXPECT_GT(test, bch2_compile_bkey_format(&t->f, code),
					(int)len);
			refused++;
			continue;
		}
		KUNIT_ASSERT_EQ(test, ret, 0);
		check_unpack(test, t, fn);
		updated++;
	}
	kunit_info(test, "%u updated in place, %u refused (longer code)\n",
		   updated, refused);
	KUNIT_EXPECT_GT(test, updated, 0);
	bch2_bkey_unpack_fn_free(fn);
}

/* btree_node_set_format() gives the node a routine and replaces it */
static void bkey_jit_test_node_format(struct kunit *test)
{
	struct unpack_test *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	struct btree *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	u64 buf[BKEY_U64s + 1];
	struct bkey_packed *p = (void *)buf;
	struct bkey k, got;
	unsigned int round, i;

	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_ASSERT_NOT_NULL(test, b);
	unpack_test_init(test, t);

	for (round = 0; round < 8; round++) {
		random_format(test, t);
		btree_node_set_format(b, t->f);
		KUNIT_ASSERT_NOT_NULL(test, b->unpack_fn);
		KUNIT_EXPECT_GT(test, b->unpack_fn_len, 0);
		for (i = 0; i < NR_KEYS; i++) {
			random_key(test, t, &k, p);
			got = bkey_unpack_key(b, p);
			KUNIT_ASSERT_EQ(test, bpos_cmp(got.p, k.p), 0);
			KUNIT_ASSERT_EQ(test, got.size, k.size);
			KUNIT_ASSERT_EQ(test, got.bversion.lo, k.bversion.lo);
			KUNIT_ASSERT_EQ(test, bpos_cmp(bkey_unpack_pos(b, p), k.p), 0);
		}
	}
	bch2_bkey_unpack_fn_free(b->unpack_fn);
}

static struct kunit_case bkey_jit_test_cases[] = {
	KUNIT_CASE(bkey_jit_test_random_formats),
	KUNIT_CASE(bkey_jit_test_update_in_place),
	KUNIT_CASE(bkey_jit_test_node_format),
	{}
};

static struct kunit_suite bkey_jit_test_suite = {
	.name = "bcachefs_bkey_jit",
	.test_cases = bkey_jit_test_cases,
};
kunit_test_suite(bkey_jit_test_suite);
