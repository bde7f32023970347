/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Harness stand-in for include/trace/events/execmem.h: each event bumps a
 * counter and records its last arguments, for the tests to check.
 */
#ifndef _HARNESS_TRACE_EXECMEM_H
#define _HARNESS_TRACE_EXECMEM_H

#include <stdbool.h>
#include <stddef.h>

struct harness_trace {
	long alloc, free, chunk_add, chunk_release;
	unsigned long last_addr;	/* alloc/free */
	unsigned int last_type;
	size_t last_size;
	unsigned long last_chunk_start;	/* chunk_add/chunk_release */
	size_t last_chunk_size;
	bool last_chunk_huge;
};
extern struct harness_trace harness_trace;

static inline void trace_execmem_alloc(unsigned long addr, unsigned int type,
				       size_t size)
{
	__atomic_fetch_add(&harness_trace.alloc, 1, __ATOMIC_RELAXED);
	harness_trace.last_addr = addr;
	harness_trace.last_type = type;
	harness_trace.last_size = size;
}

static inline void trace_execmem_free(unsigned long addr, unsigned int type,
				      size_t size)
{
	__atomic_fetch_add(&harness_trace.free, 1, __ATOMIC_RELAXED);
	harness_trace.last_addr = addr;
	harness_trace.last_type = type;
	harness_trace.last_size = size;
}

static inline void trace_execmem_chunk_add(unsigned long start, size_t size,
					   int nid, bool huge)
{
	(void)nid;
	__atomic_fetch_add(&harness_trace.chunk_add, 1, __ATOMIC_RELAXED);
	harness_trace.last_chunk_start = start;
	harness_trace.last_chunk_size = size;
	harness_trace.last_chunk_huge = huge;
}

static inline void trace_execmem_chunk_release(unsigned long start,
					       size_t size, int nid, bool huge)
{
	(void)nid;
	__atomic_fetch_add(&harness_trace.chunk_release, 1, __ATOMIC_RELAXED);
	harness_trace.last_chunk_start = start;
	harness_trace.last_chunk_size = size;
	harness_trace.last_chunk_huge = huge;
}

#endif /* _HARNESS_TRACE_EXECMEM_H */
