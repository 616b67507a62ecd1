// SPDX-License-Identifier: GPL-2.0
/*
 * sndplay CARD SECONDS [PAUSE_EVERY]: play SECONDS of silence on
 * /dev/snd/pcmC<CARD>D0p (44.1 kHz, stereo, 16 bit, 1024-frame periods,
 * 4 periods) through the raw ALSA ioctls, and measure how the stream went.
 * With PAUSE_EVERY (seconds of frames), the stream is paused for a second
 * that often, as a user would (SNDRV_PCM_IOCTL_PAUSE), and must come back
 * PAUSED and then RUNNING; the pauses do not count as late.
 *
 *   frames=     frames written (every write must succeed in full)
 *   late_ms=    wall time to play them and drain, minus their duration:
 *               the audio gap a recovery added (plus the drain's rounding,
 *               under a period)
 *   errors=     failed or short writes, a state other than RUNNING, or
 *               a hardware position that went back
 *
 * Exit status 0 when errors=0. For the sound benchmark (tools/bench) and
 * by hand.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <sound/asound.h>

#define RATE		44100
#define CHANNELS	2
#define PERIOD		1024
#define BUFFER		(4 * PERIOD)

static struct snd_mask *mask(struct snd_pcm_hw_params *p, int k)
{
	return &p->masks[k - SNDRV_PCM_HW_PARAM_FIRST_MASK];
}

static struct snd_interval *interval(struct snd_pcm_hw_params *p, int k)
{
	return &p->intervals[k - SNDRV_PCM_HW_PARAM_FIRST_INTERVAL];
}

static void set_mask(struct snd_pcm_hw_params *p, int k, unsigned int v)
{
	memset(mask(p, k)->bits, 0, sizeof(mask(p, k)->bits));
	mask(p, k)->bits[v >> 5] = 1U << (v & 31);
}

static void set_int(struct snd_pcm_hw_params *p, int k, unsigned int v)
{
	interval(p, k)->min = interval(p, k)->max = v;
	interval(p, k)->integer = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Pause @fd's running stream for a second; @paused adds the time. */
static int pause_second(int fd, double *paused)
{
	struct snd_pcm_status st;
	double t = now();

	if (ioctl(fd, SNDRV_PCM_IOCTL_PAUSE, 1)) {
		perror("pause");
		return 1;
	}
	sleep(1);
	memset(&st, 0, sizeof(st));
	if (ioctl(fd, SNDRV_PCM_IOCTL_STATUS, &st) ||
	    st.state != SNDRV_PCM_STATE_PAUSED) {
		fprintf(stderr, "state %d while paused\n", st.state);
		return 1;
	}
	if (ioctl(fd, SNDRV_PCM_IOCTL_PAUSE, 0)) {
		perror("resume");
		return 1;
	}
	*paused += now() - t;
	return 0;
}

int main(int argc, char **argv)
{
	static short silence[PERIOD * CHANNELS];
	struct snd_pcm_hw_params hw;
	struct snd_pcm_status st;
	unsigned long frames = 0, total, last_ptr = 0, every = 0, next = 0;
	double t0, paused = 0;
	int fd, k, errors = 0;
	char dev[64];

	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: sndplay CARD SECONDS [PAUSE_EVERY]\n");
		return 2;
	}
	total = (unsigned long)(atof(argv[2]) * RATE);
	if (argc == 4)
		every = (unsigned long)(atof(argv[3]) * RATE);
	next = every;
	snprintf(dev, sizeof(dev), "/dev/snd/pcmC%sD0p", argv[1]);
	fd = open(dev, O_RDWR);
	if (fd < 0) {
		perror(dev);
		return 1;
	}
	memset(&hw, 0, sizeof(hw));
	for (k = SNDRV_PCM_HW_PARAM_FIRST_MASK; k <= SNDRV_PCM_HW_PARAM_LAST_MASK; k++)
		memset(mask(&hw, k)->bits, 0xff, sizeof(mask(&hw, k)->bits));
	for (k = SNDRV_PCM_HW_PARAM_FIRST_INTERVAL;
	     k <= SNDRV_PCM_HW_PARAM_LAST_INTERVAL; k++)
		interval(&hw, k)->max = ~0U;
	hw.rmask = ~0U;
	set_mask(&hw, SNDRV_PCM_HW_PARAM_ACCESS, SNDRV_PCM_ACCESS_RW_INTERLEAVED);
	set_mask(&hw, SNDRV_PCM_HW_PARAM_FORMAT, SNDRV_PCM_FORMAT_S16_LE);
	set_mask(&hw, SNDRV_PCM_HW_PARAM_SUBFORMAT, SNDRV_PCM_SUBFORMAT_STD);
	set_int(&hw, SNDRV_PCM_HW_PARAM_CHANNELS, CHANNELS);
	set_int(&hw, SNDRV_PCM_HW_PARAM_RATE, RATE);
	set_int(&hw, SNDRV_PCM_HW_PARAM_PERIOD_SIZE, PERIOD);
	set_int(&hw, SNDRV_PCM_HW_PARAM_BUFFER_SIZE, BUFFER);
	if (ioctl(fd, SNDRV_PCM_IOCTL_HW_PARAMS, &hw) ||
	    ioctl(fd, SNDRV_PCM_IOCTL_PREPARE)) {
		perror("hw_params/prepare");
		return 1;
	}
	t0 = now();
	while (frames < total) {
		struct snd_xferi x = { .buf = silence, .frames = PERIOD };

		errno = 0;
		if (ioctl(fd, SNDRV_PCM_IOCTL_WRITEI_FRAMES, &x) ||
		    x.result != PERIOD) {
			int err = errno;

			memset(&st, 0, sizeof(st));
			ioctl(fd, SNDRV_PCM_IOCTL_STATUS, &st);
			fprintf(stderr, "write at frame %lu: %s (%ld frames), state %d\n",
				frames, err ? strerror(err) : "short",
				(long)x.result, st.state);
			errors++;
			if (ioctl(fd, SNDRV_PCM_IOCTL_PREPARE))
				break;
			continue;
		}
		frames += x.result;
		memset(&st, 0, sizeof(st));
		if (ioctl(fd, SNDRV_PCM_IOCTL_STATUS, &st) ||
		    st.state != SNDRV_PCM_STATE_RUNNING) {
			fprintf(stderr, "state %d at frame %lu\n", st.state,
				frames);
			errors++;
			continue;
		}
		if (st.hw_ptr < last_ptr) {
			fprintf(stderr, "hw_ptr went back: %lu -> %lu\n", last_ptr,
				(unsigned long)st.hw_ptr);
			errors++;
		}
		last_ptr = st.hw_ptr;
		if (every && frames >= next) {
			next += every;
			errors += pause_second(fd, &paused);
		}
	}
	if (ioctl(fd, SNDRV_PCM_IOCTL_DRAIN)) {
		perror("drain");
		errors++;
	}
	printf("frames=%lu\nlate_ms=%.1f\nerrors=%d\n", frames,
	       1000 * (now() - t0 - paused - (double)frames / RATE), errors);
	close(fd);
	return errors ? 1 : 0;
}
