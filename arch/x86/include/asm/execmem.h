/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_EXECMEM_H
#define _ASM_X86_EXECMEM_H

#include <linux/execmem.h>

void __init x86_execmem_setup_rox(struct execmem_info *info);

#endif /* _ASM_X86_EXECMEM_H */
