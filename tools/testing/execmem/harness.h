/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host harness: knobs and helpers the tests use on top of the shims.
 */
#ifndef _EXECMEM_HARNESS_H
#define _EXECMEM_HARNESS_H

#include "execmem_internal.h"

/* A pool area as the harness backend mapped it. */
struct harness_area {
	struct list_head node;		/* on harness_areas */
	unsigned long start;		/* the executable (R+X) view */
	size_t size;
	unsigned char *rw;		/* the RW alias, used by fill/copy only */
	int fd;				/* the memfd */
	struct execmem_mapping *map;
	bool alias_shown;		/* execmem_backend_show_alias() state */
};

/* Counters and knobs; the tests reset them through harness_reset_knobs(). */
struct harness_state {
	long warns;		/* WARN*()s that fired */
	long lockdep;		/* lockdep assertion failures */
	long errors;		/* harness-detected misuse (bad fill range...) */
	long allocs;		/* kmalloc calls so far */
	long live_allocs;	/* kmalloc'd objects not yet freed */
	size_t max_alloc;	/* largest kmalloc() since a test reset it */
	long fail_nth;		/* make the fail_nth-th kmalloc from now fail */
	long fail_every_from;	/* with fail_nth: fail it and all after */
	size_t fail_size;	/* fail every kmalloc of exactly this size */
	long map_calls;
	long map_fail_nth;	/* make the nth backend_map from now fail */
	long map_leak_nth;	/* make it fail and leak the mapped range */
	long show_calls;	/* execmem_backend_show_alias() calls */
	long show_fail_nth;	/* make the show_calls-th show (not hide) fail */
	bool degraded;		/* map areas as degraded (PTEs) */
	int mem_node;		/* >= 0: every area's memory comes from here */
	long nr_areas;		/* areas currently mapped */
	long vmallocs;		/* live execmem_backend_vmalloc() objects */
	long fills, copies;
	bool quiet;		/* do not print WARNs */
	bool verbose;		/* print pr_*() */
};
extern struct harness_state hs;
extern struct list_head harness_areas;
extern pthread_mutex_t harness_areas_lock;

/* Called by execmem_backend_copy() after its checks, before writing. */
extern void (*harness_copy_hook)(void *dst);

void harness_reset_knobs(void);
/* Run pending work: the fill work; the delayed (trim) work if @delayed. */
int harness_run_work(bool delayed);
/* Run pending work from a second thread until harness_stop_worker(). */
void harness_start_worker(void);
void harness_stop_worker(void);
bool harness_work_pending(void);
struct harness_area *harness_find_area(unsigned long addr);
/* Returns true if writing to @p from a child process faults. */
bool harness_write_faults(void *p);
/* Returns true if some mapping of the process is writable and executable. */
bool harness_has_wx_mapping(void);

/* KTAP output of the test program (harness.c). */
void harness_ktap_plan(unsigned int nr_tests);
/* @skip: NULL, or the reason of a skip (then @ok is true). */
void harness_ktap_result(const char *name, bool ok, const char *skip);
void harness_ktap_run_command(const char *name, const char *cmd);
int harness_ktap_finish(void);

#endif
