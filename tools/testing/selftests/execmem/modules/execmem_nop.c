// SPDX-License-Identifier: GPL-2.0
/*
 * execmem_nop: a minimal module for the module load/unload churn stage of
 * the benchmark (tools/testing/selftests/execmem/bench.sh). Its text is
 * allocated and freed by the module loader of the kernel under test.
 * With fail_init=1 its init fails, and the loader must undo the load.
 */
#include <linux/module.h>

static bool fail_init;
module_param(fail_init, bool, 0444);

static noinline int execmem_nop_work(int x)
{
	return x * 3 + 1;
}

static int __init execmem_nop_init(void)
{
	if (fail_init)
		return -EINVAL;
	return execmem_nop_work(0) == 1 ? 0 : -EINVAL;
}

static void __exit execmem_nop_exit(void)
{
}

module_init(execmem_nop_init);
module_exit(execmem_nop_exit);
MODULE_DESCRIPTION("Minimal module for load/unload churn");
MODULE_LICENSE("GPL");
