/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Body of the execmem_parNN modules: sixteen distinct modules built from
 * one source (see Makefile), so that modtext.sh can load and unload them
 * concurrently, as udev loads different modules at boot.
 */
#include <linux/jump_label.h>
#include <linux/module.h>

static DEFINE_STATIC_KEY_FALSE(par_key);
static int par_seed = 5;
module_param(par_seed, int, 0444);

static noinline int par_work(int x)
{
	if (static_branch_unlikely(&par_key))
		return x;
	return x * READ_ONCE(par_seed) + 1;
}

static int __init par_init(void)
{
	return par_work(1) > 0 ? 0 : -EINVAL;
}

static void __exit par_exit(void)
{
}

module_init(par_init);
module_exit(par_exit);
MODULE_DESCRIPTION("One of sixteen modules for parallel loads");
MODULE_LICENSE("GPL");
