// SPDX-License-Identifier: GPL-2.0
/*
 * execmem_reloc_overflow: holds an R_X86_64_32 relocation against a
 * kernel symbol, whose address does not fit in 32 bits. The loader
 * refuses it while applying relocations, after the module's memory (and
 * with the ROX pool, the stage of its text) is laid out: the failed load
 * must leave nothing behind (tools/testing/selftests/execmem/modtext.sh).
 */
#include <linux/module.h>

asm(".pushsection .rodata\n\t"
	".long jiffies\n\t"
	".popsection");

static int __init execmem_reloc_overflow_init(void)
{
	return 0;
}

module_init(execmem_reloc_overflow_init);
MODULE_DESCRIPTION("A module the x86 loader refuses: relocation overflow");
MODULE_LICENSE("GPL");
