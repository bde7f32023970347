/* SPDX-License-Identifier: GPL-2.0 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM execmem

#if !defined(_TRACE_EXECMEM_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_EXECMEM_H

#include <linux/tracepoint.h>

DECLARE_EVENT_CLASS(execmem_object,

	TP_PROTO(unsigned long addr, unsigned int type, size_t size),

	TP_ARGS(addr, type, size),

	TP_STRUCT__entry(
		__field(unsigned long,	addr)
		__field(unsigned int,	type)
		__field(size_t,		size)
	),

	TP_fast_assign(
		__entry->addr	= addr;
		__entry->type	= type;
		__entry->size	= size;
	),

	TP_printk("addr=0x%lx type=%u size=%zu",
		  __entry->addr, __entry->type, __entry->size)
);

/* An object was handed out by the ROX pool. */
DEFINE_EVENT(execmem_object, execmem_alloc,

	TP_PROTO(unsigned long addr, unsigned int type, size_t size),

	TP_ARGS(addr, type, size)
);

/* An object was freed; its memory is reused after the trap fill. */
DEFINE_EVENT(execmem_object, execmem_free,

	TP_PROTO(unsigned long addr, unsigned int type, size_t size),

	TP_ARGS(addr, type, size)
);

DECLARE_EVENT_CLASS(execmem_area,

	TP_PROTO(unsigned long start, size_t size, int nid, bool huge),

	TP_ARGS(start, size, nid, huge),

	TP_STRUCT__entry(
		__field(unsigned long,	start)
		__field(size_t,		size)
		__field(int,		nid)
		__field(bool,		huge)
	),

	TP_fast_assign(
		__entry->start	= start;
		__entry->size	= size;
		__entry->nid	= nid;
		__entry->huge	= huge;
	),

	TP_printk("start=0x%lx size=%zu nid=%d %s",
		  __entry->start, __entry->size, __entry->nid,
		  __entry->huge ? "pmd" : "degraded")
);

/* The pool mapped a new area of one or more 2 MiB chunks. */
DEFINE_EVENT(execmem_area, execmem_chunk_add,

	TP_PROTO(unsigned long start, size_t size, int nid, bool huge),

	TP_ARGS(start, size, nid, huge)
);

/* An empty area went back to the page allocator. */
DEFINE_EVENT(execmem_area, execmem_chunk_release,

	TP_PROTO(unsigned long start, size_t size, int nid, bool huge),

	TP_ARGS(start, size, nid, huge)
);

#endif /* _TRACE_EXECMEM_H */

/* This part must be outside protection */
#include <trace/define_trace.h>
