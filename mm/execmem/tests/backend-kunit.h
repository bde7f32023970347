/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit tests of the backend's error paths (mm/execmem/backend.c), with
 * failures injected into set_memory_rox() and set_memory_nx() through
 * KUnit static stubs. Included at the end of backend.c. The failing
 * stubs change no page table: a test must not split mappings that other
 * tests check.
 *
 * A failed protection must never leave a page both writable through the
 * direct map and executable through the pool mapping (invariant I1):
 * execute permission goes before the direct-map alias comes back, and a
 * range that cannot be made non-executable is leaked.
 */

#include <kunit/test.h>
#include <kunit/static_stub.h>

static struct {
	struct vm_struct *vm;		/* of the range being mapped */
	bool alias_back_at_nx;		/* direct map present when NX ran */
	int nx_calls;
} backend_test;

/*
 * Fails without changing anything: making part of the range ROX for real
 * would split its PMD and its direct-map page for good, and later tests
 * would meet those pages and addresses again.
 */
static int backend_test_rox_fails(unsigned long addr, unsigned int nr)
{
	backend_test.vm = find_vm_area((void *)addr);
	return -ENOMEM;
}

static int backend_test_nx_checked(unsigned long addr, unsigned int nr)
{
	struct vm_struct *vm = find_vm_area((void *)addr);

	backend_test.nx_calls++;
	if (vm)
		backend_test.alias_back_at_nx |=
			kernel_page_present(vm->pages[0]) ||
			kernel_page_present(vm->pages[nr - 1]);
	return set_memory_nx(addr, nr);
}

static int backend_test_nx_fails(unsigned long addr, unsigned int nr)
{
	backend_test.nx_calls++;
	return -ENOMEM;
}

static const struct execmem_range *backend_test_range(struct kunit *test)
{
	struct execmem_pool *pool = execmem_type_to_pool(EXECMEM_JIT);

	if (!pool)
		kunit_skip(test, "EXECMEM_JIT has no ROX pool");
	memset(&backend_test, 0, sizeof(backend_test));
	return pool->range;
}

/* Give back a range the backend leaked on purpose of the test. */
static void backend_test_release(struct kunit *test,
				 struct execmem_mapping *map)
{
	kunit_deactivate_static_stub(test, backend_set_nx);
	KUNIT_EXPECT_EQ(test, execmem_backend_unmap(map), 0);
}

/* set_memory_rox() fails: NX first, then the alias, then free. */
static void backend_test_map_rox_fails(struct kunit *test)
{
	const struct execmem_range *range = backend_test_range(test);
	struct execmem_mapping map = { };
	int err;

	kunit_activate_static_stub(test, backend_set_rox,
				   backend_test_rox_fails);
	kunit_activate_static_stub(test, backend_set_nx,
				   backend_test_nx_checked);
	pr_info("execmem-test: expect-warn begin\n");
	err = execmem_backend_map(range, EXECMEM_CHUNK_SIZE, NUMA_NO_NODE,
				  &map);
	pr_info("execmem-test: expect-warn end\n");
	KUNIT_EXPECT_EQ(test, err, -ENOMEM);
	KUNIT_EXPECT_FALSE(test, map.leaked);
	KUNIT_EXPECT_EQ(test, backend_test.nx_calls, 1);
	KUNIT_EXPECT_FALSE_MSG(test, backend_test.alias_back_at_nx,
			       "direct-map alias restored before NX");
	KUNIT_EXPECT_NOT_NULL(test, backend_test.vm);
	KUNIT_EXPECT_NULL(test, find_vm_area((void *)map.start));
	/* Removed and restored: one change each way per chunk. */
	KUNIT_EXPECT_EQ(test, map.direct_map_ops, map.huge ? 2 : 2 * 512);
}

/* Neither ROX nor NX: the range is leaked, its alias stays removed. */
static void backend_test_map_nx_fails(struct kunit *test)
{
	const struct execmem_range *range = backend_test_range(test);
	struct execmem_mapping map = { };
	struct vm_struct *vm;
	int err;

	kunit_activate_static_stub(test, backend_set_rox,
				   backend_test_rox_fails);
	kunit_activate_static_stub(test, backend_set_nx, backend_test_nx_fails);
	pr_info("execmem-test: expect-warn begin\n");
	err = execmem_backend_map(range, EXECMEM_CHUNK_SIZE, NUMA_NO_NODE,
				  &map);
	pr_info("execmem-test: expect-warn end\n");
	KUNIT_EXPECT_EQ(test, err, -ENOMEM);
	KUNIT_EXPECT_TRUE(test, map.leaked);
	vm = find_vm_area((void *)map.start);
	KUNIT_ASSERT_NOT_NULL(test, vm);
	KUNIT_EXPECT_FALSE(test, kernel_page_present(vm->pages[0]));
	KUNIT_EXPECT_EQ(test, map.direct_map_ops, map.huge ? 1 : 512);
	backend_test_release(test, &map);
}

/* NX fails at release: the range is kept, never made writable. */
static void backend_test_unmap_nx_fails(struct kunit *test)
{
	const struct execmem_range *range = backend_test_range(test);
	struct execmem_mapping map = { };
	struct vm_struct *vm;
	int err;

	KUNIT_ASSERT_EQ(test, execmem_backend_map(range, EXECMEM_CHUNK_SIZE,
						  NUMA_NO_NODE, &map), 0);
	kunit_activate_static_stub(test, backend_set_nx, backend_test_nx_fails);
	pr_info("execmem-test: expect-warn begin\n");
	err = execmem_backend_unmap(&map);
	pr_info("execmem-test: expect-warn end\n");
	KUNIT_EXPECT_EQ(test, err, -ENOMEM);
	vm = find_vm_area((void *)map.start);
	KUNIT_ASSERT_NOT_NULL(test, vm);
	KUNIT_EXPECT_FALSE(test, kernel_page_present(vm->pages[0]));
	backend_test_release(test, &map);
}

static struct kunit_case backend_test_cases[] = {
	KUNIT_CASE(backend_test_map_rox_fails),
	KUNIT_CASE(backend_test_map_nx_fails),
	KUNIT_CASE(backend_test_unmap_nx_fails),
	{}
};

static struct kunit_suite backend_test_suite = {
	.name = "execmem_backend",
	.test_cases = backend_test_cases,
};

kunit_test_suite(backend_test_suite);
