// SPDX-License-Identifier: GPL-2.0
// vm: --sound ac97,es1370,hda
// timeout: 180
/*
 * Shadow mode on the sound drivers, call by call: a program plays through
 * the raw ALSA ioctls on /dev/snd/pcmC<n>D0p while its driver crashes in
 * the interrupt handler, and checks what the applications only show
 * indirectly: every write returns success and writes every frame, the
 * stream stays RUNNING, its hardware position never goes back and
 * reaches the end, and a control of the card reads the value it was set
 * to before the crash. One variant per driver (the three cards are in
 * the guest).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <sound/asound.h>

#include "kselftest_harness.h"

#define RATE		44100
#define CHANNELS	2
#define PERIOD		1024	/* frames */
#define BUFFER		4096	/* frames */
#define SECONDS		4	/* of playback */
#define FAULT_AT	1	/* seconds in */

/* --- hw_params by hand, as alsa-lib builds them --- */

static struct snd_mask *hw_mask(struct snd_pcm_hw_params *p, int param)
{
	return &p->masks[param - SNDRV_PCM_HW_PARAM_FIRST_MASK];
}

static struct snd_interval *hw_interval(struct snd_pcm_hw_params *p,
					int param)
{
	return &p->intervals[param - SNDRV_PCM_HW_PARAM_FIRST_INTERVAL];
}

static void hw_any(struct snd_pcm_hw_params *p)
{
	int k;

	memset(p, 0, sizeof(*p));
	for (k = SNDRV_PCM_HW_PARAM_FIRST_MASK;
	     k <= SNDRV_PCM_HW_PARAM_LAST_MASK; k++)
		memset(hw_mask(p, k)->bits, 0xff, sizeof(hw_mask(p, k)->bits));
	for (k = SNDRV_PCM_HW_PARAM_FIRST_INTERVAL;
	     k <= SNDRV_PCM_HW_PARAM_LAST_INTERVAL; k++) {
		hw_interval(p, k)->min = 0;
		hw_interval(p, k)->max = ~0U;
	}
	p->rmask = ~0U;
	p->info = ~0U;
}

static void hw_set_mask(struct snd_pcm_hw_params *p, int param,
			unsigned int val)
{
	struct snd_mask *m = hw_mask(p, param);

	memset(m->bits, 0, sizeof(m->bits));
	m->bits[val >> 5] |= 1U << (val & 31);
}

static void hw_set(struct snd_pcm_hw_params *p, int param, unsigned int val)
{
	struct snd_interval *i = hw_interval(p, param);

	i->min = i->max = val;
	i->openmin = i->openmax = 0;
	i->integer = 1;
}

/* --- the guest --- */

static int sh(const char *fmt, const char *a, const char *b)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), fmt, a, b);
	return system(cmd);
}

static long sysfs_long(const char *drv, const char *file)
{
	char path[256];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/shadow/%s/%s", drv, file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* The first line of what @cmd (run with @arg) prints, in @buf. */
static void sh_out(const char *cmd, const char *arg, char *buf, size_t size)
{
	char line[256];
	FILE *f;

	snprintf(line, sizeof(line), cmd, arg);
	buf[0] = 0;
	f = popen(line, "r");
	if (!f)
		return;
	if (!fgets(buf, size, f))
		buf[0] = 0;
	buf[strcspn(buf, "\n")] = 0;
	pclose(f);
}

/* The number of the card @driver drives (tools/guest/shadowdrv-sound). */
static int card_of(const char *driver)
{
	char out[16];

	sh_out("shadowdrv-sound card %s", driver, out, sizeof(out));
	return out[0] ? atoi(out) : -1;
}

/* The percentages amixer shows for the card's Master control. */
static void master(int card, char *buf, size_t size)
{
	char cmd[128];
	size_t n = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd),
		 "amixer -c %d sget Master | grep -o '\\[[0-9]*%%\\]'", card);
	buf[0] = 0;
	f = popen(cmd, "r");
	if (!f)
		return;
	n = fread(buf, 1, size - 1, f);
	buf[n] = 0;
	pclose(f);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

FIXTURE(pcm) {
	int fd;
	int card;
	char irq[128];	/* the interrupt handler, from the driver table */
};

FIXTURE_VARIANT(pcm) {
	const char *driver;
};

FIXTURE_VARIANT_ADD(pcm, snd_intel8x0) {
	.driver = "snd_intel8x0",
};

FIXTURE_VARIANT_ADD(pcm, snd_ens1370) {
	.driver = "snd_ens1370",
};

FIXTURE_VARIANT_ADD(pcm, snd_hda_intel) {
	.driver = "snd_hda_intel",
};

FIXTURE_SETUP(pcm)
{
	char dev[64];

	/* the fault injector loaded now, not while the stream runs */
	ASSERT_EQ(0, system("modprobe shadow_sound && modprobe nooks_swifi"));
	/* the driver the guest loaded at boot, shadowed in place */
	ASSERT_EQ(0, sh("modprobe %s%s", variant->driver, ""));
	ASSERT_EQ(0, sh("shadowctl enable %s shadow%s", variant->driver, " --force"));
	ASSERT_EQ(0, sh("shadowdrv-sound wait %s%s", variant->driver, ""));
	self->card = card_of(variant->driver);
	ASSERT_LE(0, self->card);
	sh_out(". /opt/shadowdrv/bin/lib-drivers.sh && driver_entry %s irq",
	       variant->driver, self->irq, sizeof(self->irq));
	ASSERT_NE(0, self->irq[0]);
	snprintf(dev, sizeof(dev), "/dev/snd/pcmC%dD0p", self->card);
	self->fd = open(dev, O_RDWR);
	ASSERT_LE(0, self->fd) TH_LOG("%s: %s", dev, strerror(errno));
}

FIXTURE_TEARDOWN(pcm)
{
	if (self->fd >= 0)
		close(self->fd);
	sh("shadowctl disable %s%s", variant->driver, " --force");
}

TEST_F_TIMEOUT(pcm, crash_while_playing, 60)
{
	static short silence[PERIOD * CHANNELS];
	struct snd_pcm_hw_params hw;
	struct snd_pcm_status st;
	unsigned long last = 0, frames = 0, total = RATE * SECONDS;
	long fail0 = sysfs_long(variant->driver, "failures");
	long rec0 = sysfs_long(variant->driver, "recoveries");
	double t0, took;
	bool injected = false;
	pid_t injector = -1;
	int status;
	char vol[128], before[128], after[128];

	/* a mixer setting the crash must not lose */
	snprintf(vol, sizeof(vol), "amixer -q -c %d sset Master 30%%",
		 self->card);
	ASSERT_EQ(0, system(vol));
	master(self->card, before, sizeof(before));
	ASSERT_NE(0, before[0]);

	hw_any(&hw);
	hw_set_mask(&hw, SNDRV_PCM_HW_PARAM_ACCESS,
		    SNDRV_PCM_ACCESS_RW_INTERLEAVED);
	hw_set_mask(&hw, SNDRV_PCM_HW_PARAM_FORMAT, SNDRV_PCM_FORMAT_S16_LE);
	hw_set_mask(&hw, SNDRV_PCM_HW_PARAM_SUBFORMAT,
		    SNDRV_PCM_SUBFORMAT_STD);
	hw_set(&hw, SNDRV_PCM_HW_PARAM_CHANNELS, CHANNELS);
	hw_set(&hw, SNDRV_PCM_HW_PARAM_RATE, RATE);
	hw_set(&hw, SNDRV_PCM_HW_PARAM_PERIOD_SIZE, PERIOD);
	hw_set(&hw, SNDRV_PCM_HW_PARAM_BUFFER_SIZE, BUFFER);
	ASSERT_EQ(0, ioctl(self->fd, SNDRV_PCM_IOCTL_HW_PARAMS, &hw))
		TH_LOG("hw_params: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(self->fd, SNDRV_PCM_IOCTL_PREPARE));

	t0 = now();
	while (frames < total) {
		struct snd_xferi x = { .buf = silence, .frames = PERIOD };

		ASSERT_EQ(0, ioctl(self->fd, SNDRV_PCM_IOCTL_WRITEI_FRAMES, &x))
			TH_LOG("write at frame %lu: %s", frames, strerror(errno));
		frames += x.result;
		memset(&st, 0, sizeof(st));
		ASSERT_EQ(0, ioctl(self->fd, SNDRV_PCM_IOCTL_STATUS, &st));
		ASSERT_EQ(PERIOD, x.result)
			TH_LOG("short write at frame %lu: state %d", frames,
			       st.state);
		ASSERT_EQ(SNDRV_PCM_STATE_RUNNING, st.state)
			TH_LOG("state %d at frame %lu", st.state, frames);
		ASSERT_LE(last, st.hw_ptr)
			TH_LOG("hw_ptr went back: %lu -> %lu", last,
			       (unsigned long)st.hw_ptr);
		ASSERT_LE(st.hw_ptr, st.appl_ptr);
		last = st.hw_ptr;

		if (!injected && frames >= RATE * FAULT_AT) {
			/* the stream must not starve meanwhile: a child arms it */
			injector = fork();
			ASSERT_LE(0, injector);
			if (!injector)
				_exit(sh("shadowctl inject %s null --function %s",
					 variant->driver, self->irq) ? 1 : 0);
			injected = true;
		}
	}
	ASSERT_EQ(injector, waitpid(injector, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("shadowctl inject failed");
	ASSERT_EQ(0, ioctl(self->fd, SNDRV_PCM_IOCTL_DRAIN))
		TH_LOG("drain: %s", strerror(errno));
	memset(&st, 0, sizeof(st));
	ASSERT_EQ(0, ioctl(self->fd, SNDRV_PCM_IOCTL_STATUS, &st));
	/* every frame written was played (a drain ends on an interrupt) */
	ASSERT_LE(frames, st.hw_ptr);
	ASSERT_EQ(SNDRV_PCM_STATE_SETUP, st.state);
	took = now() - t0;
	TH_LOG("%s: %lu frames in %.2f s", variant->driver, frames, took);
	ASSERT_LT(took, SECONDS + 2.0);

	ASSERT_EQ(fail0 + 1, sysfs_long(variant->driver, "failures"));
	ASSERT_EQ(rec0 + 1, sysfs_long(variant->driver, "recoveries"));
	master(self->card, after, sizeof(after));
	ASSERT_STREQ(before, after);
}

TEST_HARNESS_MAIN
