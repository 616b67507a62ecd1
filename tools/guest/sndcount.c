// SPDX-License-Identifier: GPL-2.0
/*
 * sndcount - a bit-exact check of a sound stream through driver crashes.
 *
 *   sndcount gen FRAMES        write FRAMES stereo S16_LE frames to stdout
 *                              whose samples count: frame k (from 1) has
 *                              left = k mod 65536 and right = 0x8000 |
 *                              (k >> 16), so no frame is silence and each
 *                              names its place in the stream
 *   sndcount check FILE FRAMES read a capture of that stream (what QEMU's
 *                              wav audio backend recorded of the device's
 *                              output, unchanged when the guest plays at
 *                              the backend's rate and format; read through
 *                              a FIFO, with a WAV header at each voice
 *                              open: the backend truncates its file) and
 *                              check that it holds frames 1..FRAMES, each
 *                              once and in order, with silence allowed
 *                              between them and gaps (frames never
 *                              played) reported
 *
 * check prints one line of key=value pairs:
 *   frames   counted frames in the capture
 *   gaps     places where the count jumps forward, missing the frames
 *            between (the audio a recovery lost)
 *   missing  frames of 1..FRAMES the capture lacks (the sum of the gaps
 *            and what is missing at the end)
 *   max_gap  the longest jump, in frames
 *   dups     frames played again or out of order (the count goes back)
 *   altered  frames that are neither a counted frame nor silence
 *   pause    silent frames between the first and the last counted frame
 * and exits 1 when a frame was played twice, out of order or altered, 2
 * on a usage or file error. The gaps are the test's to bound.
 *
 * Built static for the guest (make guest); it runs on the host as well.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int gen(unsigned long frames)
{
	unsigned long k;
	int16_t buf[2 * 1024];
	size_t n = 0;

	for (k = 1; k <= frames; k++) {
		buf[n++] = (int16_t)(uint16_t)(k & 0xffff);
		buf[n++] = (int16_t)(uint16_t)(0x8000 | ((k >> 16) & 0x7fff));
		if (n == sizeof(buf) / sizeof(buf[0]) || k == frames) {
			if (fwrite(buf, sizeof(buf[0]), n, stdout) != n)
				return 2;
			n = 0;
		}
	}
	return fflush(stdout) ? 2 : 0;
}

static uint16_t le16(const unsigned char *p)
{
	return p[0] | p[1] << 8;
}

static int check(const char *path, unsigned long want)
{
	unsigned long frames = 0, gaps = 0, missing = 0, max_gap = 0;
	unsigned long dups = 0, altered = 0, pause = 0, silent = 0;
	unsigned long expect = 1, k;
	unsigned char s[4];
	uint16_t l, r;
	FILE *f;

	f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return 2;
	}
	/*
	 * QEMU's wav backend writes a 44-byte header each time the device
	 * opens its voice (a driver's restart does): a capture read from a
	 * FIFO holds several, and the sizes in them are never filled in.
	 */
	while (fread(s, 1, 4, f) == 4) {
		if (!memcmp(s, "RIFF", 4)) {
			if (fseek(f, 40, SEEK_CUR))
				break;
			continue;
		}
		if (expect > want)
			continue;	/* the stream ended: stale buffer */
		l = le16(s);
		r = le16(s + 2);
		if (!l && !r) {
			silent++;
			continue;
		}
		if (!(r & 0x8000)) {
			altered++;
			continue;
		}
		k = (unsigned long)(r & 0x7fff) << 16 | l;
		if (frames)
			pause += silent;
		silent = 0;
		frames++;
		if (k < expect || k > want) {
			dups++;
			continue;
		}
		if (k > expect) {
			gaps++;
			missing += k - expect;
			if (k - expect > max_gap)
				max_gap = k - expect;
		}
		expect = k + 1;
	}
	fclose(f);
	missing += want + 1 - expect;
	printf("frames=%lu gaps=%lu missing=%lu max_gap=%lu dups=%lu altered=%lu pause=%lu\n",
	       frames, gaps, missing, max_gap, dups, altered, pause);
	return dups || altered ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "gen"))
		return gen(strtoul(argv[2], NULL, 0));
	if (argc == 4 && !strcmp(argv[1], "check"))
		return check(argv[2], strtoul(argv[3], NULL, 0));
	fprintf(stderr, "usage: sndcount gen FRAMES | check FILE.wav FRAMES\n");
	return 2;
}
