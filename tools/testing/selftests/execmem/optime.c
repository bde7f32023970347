// SPDX-License-Identifier: GPL-2.0
/*
 * optime: time one user-visible kernel operation of the bench workload and
 * print its latency in nanoseconds (CLOCK_MONOTONIC around the system call
 * alone, so neither fork nor exec of a shell command is counted).
 *
 *   optime write [-a] FILE STRING   one write(2) of STRING (O_APPEND with -a)
 *   optime insmod MODULE.ko [ARGS]  finit_module(2)
 *   optime rmmod NAME               delete_module(2)
 *
 * Prints "NS" on success (exit 0); on failure prints nothing on stdout,
 * the error on stderr, and exits 1. The guest's busybox date has no %N, so
 * bench.sh cannot time these itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int usage(void)
{
	fprintf(stderr, "usage: optime write [-a] FILE STRING | insmod MODULE.ko [ARGS] | rmmod NAME\n");
	return 2;
}

static int op_write(int argc, char **argv)
{
	int flags = O_WRONLY | O_TRUNC, fd;
	unsigned long long t0, t1;
	size_t len;
	ssize_t n;

	if (argc > 0 && !strcmp(argv[0], "-a")) {
		flags = O_WRONLY | O_APPEND;
		argc--;
		argv++;
	}
	if (argc != 2)
		return usage();
	fd = open(argv[0], flags);
	if (fd < 0) {
		fprintf(stderr, "optime: open %s: %s\n", argv[0], strerror(errno));
		return 1;
	}
	len = strlen(argv[1]);
	t0 = now_ns();
	n = write(fd, argv[1], len);
	t1 = now_ns();
	if (n != (ssize_t)len) {
		fprintf(stderr, "optime: write %s: %s\n", argv[0],
			n < 0 ? strerror(errno) : "short write");
		close(fd);
		return 1;
	}
	close(fd);
	printf("%llu\n", t1 - t0);
	return 0;
}

static int op_insmod(int argc, char **argv)
{
	unsigned long long t0, t1;
	char params[1024] = "";
	int fd, i;
	long r;

	if (argc < 1)
		return usage();
	for (i = 1; i < argc; i++) {
		if (strlen(params) + strlen(argv[i]) + 2 > sizeof(params))
			return usage();
		if (i > 1)
			strcat(params, " ");
		strcat(params, argv[i]);
	}
	fd = open(argv[0], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "optime: open %s: %s\n", argv[0], strerror(errno));
		return 1;
	}
	t0 = now_ns();
	r = syscall(__NR_finit_module, fd, params, 0);
	t1 = now_ns();
	close(fd);
	if (r) {
		fprintf(stderr, "optime: finit_module %s: %s\n", argv[0], strerror(errno));
		return 1;
	}
	printf("%llu\n", t1 - t0);
	return 0;
}

static int op_rmmod(int argc, char **argv)
{
	unsigned long long t0, t1;
	long r;

	if (argc != 1)
		return usage();
	t0 = now_ns();
	r = syscall(__NR_delete_module, argv[0], O_NONBLOCK);
	t1 = now_ns();
	if (r) {
		fprintf(stderr, "optime: delete_module %s: %s\n", argv[0], strerror(errno));
		return 1;
	}
	printf("%llu\n", t1 - t0);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "write"))
		return op_write(argc - 2, argv + 2);
	if (!strcmp(argv[1], "insmod"))
		return op_insmod(argc - 2, argv + 2);
	if (!strcmp(argv[1], "rmmod"))
		return op_rmmod(argc - 2, argv + 2);
	return usage();
}
