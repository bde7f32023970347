// SPDX-License-Identifier: GPL-2.0
/*
 * kcore_peek ADDR: print the 64-bit value at kernel virtual address ADDR,
 * read through /proc/kcore (bench.sh reads ftrace_update_time with it).
 * Exit status 0 if the read completed, 1 otherwise.
 */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned long addr, val;
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int fd, n;

	if (argc != 2) {
		fprintf(stderr, "usage: %s ADDR\n", argv[0]);
		return 2;
	}
	addr = strtoul(argv[1], NULL, 16);
	fd = open("/proc/kcore", O_RDONLY);
	if (fd < 0 || pread(fd, &eh, sizeof(eh), 0) != sizeof(eh)) {
		perror("kcore");
		return 1;
	}
	for (n = 0; n < eh.e_phnum; n++) {
		if (pread(fd, &ph, sizeof(ph), eh.e_phoff + n * sizeof(ph)) !=
		    sizeof(ph))
			return 1;
		if (ph.p_type != PT_LOAD || addr < ph.p_vaddr ||
		    addr + 8 > ph.p_vaddr + ph.p_memsz)
			continue;
		if (pread(fd, &val, 8, ph.p_offset + addr - ph.p_vaddr) != 8)
			return 1;
		printf("%lu\n", val);
		return 0;
	}
	fprintf(stderr, "no kcore segment covers %#lx\n", addr);
	return 1;
}
