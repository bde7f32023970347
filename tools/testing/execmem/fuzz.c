// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the input is a stream of operations (alloc, free,
 * update, run the fill/trim work, bad calls) against the execmem API,
 * checked against the reference model of model.c.
 */
#include "kernel.c"

static bool fuzz_ready;

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct model m;
	struct model_src s = { .data = data, .len = size };
	struct execmem_pool *pool;
	unsigned int i;
	long warns;

	if (!fuzz_ready) {
		hs.quiet = true;
		execmem_init();
		fuzz_ready = true;
	}
	model_init(&m);
	warns = hs.warns;
	while (!m.failed && m.ops < 400 && model_step(&m, &s, true))
		;
	harness_run_work(false);
	m.npend = 0;
	model_check(&m, true);
	model_destroy(&m);
	harness_run_work(true);
	for (i = 0; (pool = execmem_pool_by_index(i)); i++)
		execmem_pool_trim(pool, 0, ULONG_MAX, false);
	harness_run_work(false);	/* the release worker */
	warns = hs.warns - warns;
	if (m.failed || hs.errors || hs.lockdep || hs.nr_areas || hs.vmallocs ||
	    warns != m.bad_calls) {
		printf("execmem fuzz: %s; errors %ld lockdep %ld areas %ld vmallocs %ld WARNs %ld for %ld bad calls\n",
		       m.failed ? m.why : "model ok", hs.errors, hs.lockdep,
		       hs.nr_areas, hs.vmallocs, warns, m.bad_calls);
		abort();
	}
	return 0;
}
