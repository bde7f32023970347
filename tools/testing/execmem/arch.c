// SPDX-License-Identifier: GPL-2.0
/*
 * The "architecture" of the harness: its own translation unit, so this
 * strong execmem_arch_setup() overrides the __weak one in api.c at link
 * time (both cannot be defined in one translation unit).
 *
 * JIT, BPF and KPROBES opt into the ROX pool with one shared range; the
 * default (module text) range does not.
 */
#include "execmem_internal.h"

static struct execmem_info harness_execmem_info;

struct execmem_info *execmem_arch_setup(void)
{
	struct execmem_range rox = {
		.start = HARNESS_RANGE_START,
		.end = HARNESS_RANGE_END,
		.pgprot = PAGE_KERNEL_ROX,
		.alignment = 1,
		.flags = EXECMEM_ROX_POOL,
	};
	struct execmem_info *info = &harness_execmem_info;

	info->ranges[EXECMEM_DEFAULT] = (struct execmem_range){
		.start = HARNESS_RANGE_START,
		.end = HARNESS_RANGE_END,
		.pgprot = PAGE_KERNEL_EXEC,
		.alignment = 1,
	};
	info->ranges[EXECMEM_JIT] = rox;
	info->ranges[EXECMEM_BPF] = rox;
	info->ranges[EXECMEM_KPROBES] = rox;
	return info;
}
