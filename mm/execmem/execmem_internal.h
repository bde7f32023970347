/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel headers used by the execmem core.
 *
 * The host harness in tools/testing/execmem/ supplies its own header with
 * this include guard, so the core files compile unchanged in user space.
 * Keep this file a list of includes and nothing else.
 */
#ifndef __MM_EXECMEM_EXECMEM_INTERNAL_H
#define __MM_EXECMEM_EXECMEM_INTERNAL_H

#include <linux/bitfield.h>
#include <linux/bitmap.h>
#include <linux/bug.h>
#include <linux/cleanup.h>
#include <linux/execmem.h>
#include <linux/init.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/memory.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/topology.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include <asm/execmem.h>

#include <trace/events/execmem.h>

#endif /* __MM_EXECMEM_EXECMEM_INTERNAL_H */
