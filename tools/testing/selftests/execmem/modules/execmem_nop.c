// SPDX-License-Identifier: GPL-2.0
/*
 * execmem_nop: a minimal module for the module load/unload churn stage of
 * the benchmark (tools/testing/selftests/execmem/bench.sh). Its text is
 * allocated and freed by the module loader of the kernel under test.
 */
#include <linux/module.h>

static noinline int execmem_nop_work(int x)
{
	return x * 3 + 1;
}

static int __init execmem_nop_init(void)
{
	return execmem_nop_work(0) == 1 ? 0 : -EINVAL;
}

static void __exit execmem_nop_exit(void)
{
}

module_init(execmem_nop_init);
module_exit(execmem_nop_exit);
MODULE_DESCRIPTION("Minimal module for load/unload churn");
MODULE_LICENSE("GPL");
