// SPDX-License-Identifier: GPL-2.0
/*
 * iostall FILE SECONDS [BLOCK_KIB]: a steady O_DIRECT write and read-back
 * loop over the first 16 MiB of FILE for SECONDS, and what it saw:
 *
 *   ops=         writes plus reads done
 *   bytes=       bytes written plus read
 *   secs=        how long the loop ran
 *   bytes_per_s= its throughput
 *   max_gap_ms=  the longest time between two completed I/Os: the stall a
 *                recovery added (at least one I/O's own time)
 *   errors=      failed or short writes and reads
 *   mismatches=  blocks read back different from what was written
 *
 * Each block (BLOCK_KIB, default 64) is written with a pattern of its
 * offset and pass, then read back and compared: a write lost or done
 * twice with stale data shows. FILE is filled once first (with O_DIRECT
 * overwrites of allocated blocks, the loop's I/O goes to the device and
 * the file system's journal stays out of it). Exit status 0 when errors
 * and mismatches are 0. For the ide benchmark (tools/bench) and by hand.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define REGION	(16UL << 20)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fill(uint64_t *buf, size_t len, uint64_t off, uint64_t pass)
{
	size_t i;

	for (i = 0; i < len / sizeof(*buf); i++)
		buf[i] = (off + i * sizeof(*buf)) ^ (pass << 40);
}

int main(int argc, char **argv)
{
	unsigned long errors = 0, mismatches = 0, ops = 0, bytes = 0;
	double secs, t0, last, gap = 0, t;
	uint64_t *wbuf, *rbuf, pass = 0;
	size_t blk, off;
	int fd;

	if (argc < 3) {
		fprintf(stderr, "usage: iostall FILE SECONDS [BLOCK_KIB]\n");
		return 2;
	}
	secs = atof(argv[2]);
	blk = (argc > 3 ? strtoul(argv[3], NULL, 0) : 64) << 10;
	if (!blk || REGION % blk) {
		fprintf(stderr, "iostall: bad block size\n");
		return 2;
	}
	if (posix_memalign((void **)&wbuf, 4096, blk) ||
	    posix_memalign((void **)&rbuf, 4096, blk))
		return 1;
	fd = open(argv[1], O_RDWR | O_CREAT | O_DIRECT, 0644);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	for (off = 0; off < REGION; off += blk) {
		fill(wbuf, blk, off, pass);
		if (pwrite(fd, wbuf, blk, off) != (ssize_t)blk) {
			perror("iostall: fill");
			return 1;
		}
	}
	if (fsync(fd)) {
		perror("iostall: fsync");
		return 1;
	}
	t0 = last = now();
	for (off = 0; (t = now()) - t0 < secs; off = (off + blk) % REGION) {
		if (!off)
			pass++;
		fill(wbuf, blk, off, pass);
		if (pwrite(fd, wbuf, blk, off) != (ssize_t)blk)
			errors++;
		t = now();
		gap = t - last > gap ? t - last : gap;
		last = t;
		memset(rbuf, 0, blk);
		if (pread(fd, rbuf, blk, off) != (ssize_t)blk)
			errors++;
		else if (memcmp(rbuf, wbuf, blk))
			mismatches++;
		t = now();
		gap = t - last > gap ? t - last : gap;
		last = t;
		ops += 2;
		bytes += 2 * blk;
	}
	t = now() - t0;
	printf("ops=%lu\nbytes=%lu\nsecs=%.3f\nbytes_per_s=%.0f\n", ops, bytes,
	       t, bytes / t);
	printf("max_gap_ms=%.2f\nerrors=%lu\nmismatches=%lu\n", gap * 1e3,
	       errors, mismatches);
	close(fd);
	return errors || mismatches;
}
