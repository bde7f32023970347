// SPDX-License-Identifier: GPL-2.0
/*
 * kcore_read ADDR LEN: read LEN bytes of kernel virtual memory at ADDR
 * through /proc/kcore and print how many were trap (0xcc), zero or other.
 * Exit status 0 if the read completed, 1 otherwise.
 */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned long addr, len, i, trap = 0, zero = 0, other = 0;
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	unsigned char *buf;
	int fd, n;

	if (argc != 3) {
		fprintf(stderr, "usage: %s ADDR LEN\n", argv[0]);
		return 2;
	}
	addr = strtoul(argv[1], NULL, 0);
	len = strtoul(argv[2], NULL, 0);
	buf = malloc(len);
	fd = open("/proc/kcore", O_RDONLY);
	if (!buf || fd < 0 || pread(fd, &eh, sizeof(eh), 0) != sizeof(eh)) {
		perror("kcore");
		return 1;
	}
	for (n = 0; n < eh.e_phnum; n++) {
		if (pread(fd, &ph, sizeof(ph), eh.e_phoff + n * sizeof(ph)) !=
		    sizeof(ph))
			return 1;
		if (ph.p_type != PT_LOAD || addr < ph.p_vaddr ||
		    addr + len > ph.p_vaddr + ph.p_memsz)
			continue;
		if (pread(fd, buf, len, ph.p_offset + addr - ph.p_vaddr) !=
		    (ssize_t)len) {
			perror("pread");
			return 1;
		}
		for (i = 0; i < len; i++) {
			if (buf[i] == 0xcc)
				trap++;
			else if (!buf[i])
				zero++;
			else
				other++;
		}
		printf("read %lu bytes at %#lx: trap %lu zero %lu other %lu\n",
		       len, addr, trap, zero, other);
		return 0;
	}
	fprintf(stderr, "no kcore segment covers %#lx+%lu\n", addr, len);
	return 1;
}
