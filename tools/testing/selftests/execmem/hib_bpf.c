// SPDX-License-Identifier: GPL-2.0
/*
 * hib_bpf: keep BPF programs loaded across a hibernation and resume.
 *
 * Loads NR eBPF socket filters (each returns its own number), runs each
 * once with BPF_PROG_TEST_RUN, creates READY and waits until GO exists
 * (the test hibernates and resumes meanwhile), then runs every program
 * again. Exit status 0 if every run returned the right value both times.
 *
 * usage: hib_bpf NR READY GO
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bpf_util.h"

/* what program @i returns: 2 + @i % 50 instructions, base 1000 + @i */
static unsigned int expect(unsigned int i)
{
	return 1000 + i + i % 50;
}

static unsigned int run_all(const int *fds, unsigned int nr, const char *when)
{
	unsigned int i, bad = 0, r = 0;

	for (i = 0; i < nr; i++) {
		if (test_run_once(fds[i], &r) || r != expect(i)) {
			if (!bad)
				fprintf(stderr, "hib_bpf: %s: program %u: %s, ret %u\n",
					when, i, strerror(errno), r);
			bad++;
		}
	}
	printf("# hib_bpf: %s: %u programs run, %u bad\n", when, nr, bad);
	fflush(stdout);
	return bad;
}

int main(int argc, char **argv)
{
	static struct bpf_insn insns[64];
	unsigned int nr, i, bad;
	int *fds, fd;

	if (argc != 4) {
		fprintf(stderr, "usage: hib_bpf NR READY GO\n");
		return 2;
	}
	nr = strtoul(argv[1], NULL, 0);
	fds = calloc(nr, sizeof(*fds));
	if (!fds)
		return 2;
	for (i = 0; i < nr; i++) {
		fds[i] = load_counter(insns, 2 + i % 50, 1000 + i);
		if (fds[i] < 0) {
			fprintf(stderr, "hib_bpf: load %u: %s\n", i, strerror(errno));
			return 1;
		}
	}
	bad = run_all(fds, nr, "before");
	fd = open(argv[2], O_CREAT | O_WRONLY, 0644);
	if (fd < 0)
		return 2;
	close(fd);
	while (access(argv[3], F_OK))
		usleep(100000);
	bad += run_all(fds, nr, "after");
	return bad ? 1 : 0;
}
