// SPDX-License-Identifier: GPL-2.0
/*
 * The execmem core, compiled unchanged against the harness shims: api.c
 * from $(O)/gen (see the Makefile), the other files from mm/execmem/.
 * #included by main.c and fuzz.c so their tests reach static functions.
 */
#define pr_fmt(fmt) "execmem: " fmt
#include "execmem_internal.h"	/* the harness shims: include first */

/*
 * The kernel is built without -Wextra: keep its W=2-level warnings
 * (-Wsign-compare, -Wunused-parameter) out of the harness build only.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "mm/execmem/api.c"	/* made by patches/, in $(O)/gen */
#include "../../../mm/execmem/pool.c"
#include "../../../mm/execmem/pages.c"
#include "../../../mm/execmem/slab.c"
#include "../../../mm/execmem/chunks.c"
#pragma GCC diagnostic pop

#include "harness.c"
#include "model.c"
