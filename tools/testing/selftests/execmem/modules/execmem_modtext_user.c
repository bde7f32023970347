// SPDX-License-Identifier: GPL-2.0
/*
 * execmem_modtext_user: uses a symbol of execmem_modtext. Loaded without
 * it, the load fails on an unresolved symbol after the module's memory
 * is laid out (tools/testing/selftests/execmem/modtext.sh).
 */
#include <linux/module.h>

extern int execmem_modtext_sum;

static int __init execmem_modtext_user_init(void)
{
	return READ_ONCE(execmem_modtext_sum) >= 0 ? 0 : -EINVAL;
}

static void __exit execmem_modtext_user_exit(void)
{
}

module_init(execmem_modtext_user_init);
module_exit(execmem_modtext_user_exit);
MODULE_DESCRIPTION("User of an execmem_modtext symbol");
MODULE_LICENSE("GPL");
