/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_EXECMEM_H
#define _ASM_X86_EXECMEM_H

#include <linux/execmem.h>

#include <asm/text-patching.h>

/* What free pool memory is filled with: INT3 (invariant I4). */
#define EXECMEM_TRAP_BYTE	INT3_INSN_OPCODE

void __init x86_execmem_setup_rox(struct execmem_info *info);

#include <asm-generic/execmem.h>

#endif /* _ASM_X86_EXECMEM_H */
