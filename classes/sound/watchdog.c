// SPDX-License-Identifier: GPL-2.0
/*
 * classes/sound/watchdog.c - the sound shadow's progress check: a driver
 * whose running stream stops moving without faulting has failed.
 *
 * A sound driver that breaks without faulting (an interrupt handler that
 * no longer reports periods, a pointer op that returns a stale position)
 * leaves the stream RUNNING with its hardware position still: the
 * application blocks until ALSA's own timeout (10 s, then "playback write
 * error (DMA or IRQ trouble?)" and -EIO), and the player stops. The
 * class's check, which the shadow manager runs every check_ms
 * (shadow/health.c), looks at each RUNNING substream of a shadowed
 * driver: one whose hardware position (ALSA's hw_ptr, which the period
 * interrupts and the application's calls move) has not moved for
 * stall_ms, and for at least three periods (a stream with long periods
 * moves once a period), fails the driver with "stream stall". A stream
 * paused, drained, stopped or in overrun is not running and is not
 * looked at.
 *
 * The runtime a substream points to goes when its file is closed: it is
 * read under the substream's PCM timer lock, under which ALSA clears the
 * pointer before freeing it; a substream without a timer is not checked.
 */
#define pr_fmt(fmt) "shadow_sound: " fmt

#include <linux/jiffies.h>
#include <linux/moduleparam.h>
#include <sound/core.h>
#include <sound/pcm.h>
#include <sound/timer.h>

#include "domain.h"
#include "sound.h"

static unsigned int stall_ms = 1000;
module_param(stall_ms, uint, 0644);
MODULE_PARM_DESC(stall_ms,
		 "a running stream whose position does not move for this long (ms, and three periods) is a failure of the driver (0: never)");

/*
 * Has @s, a substream of a record, been running with its position still
 * for @ms (and three periods)? Its state is kept in @sub. Caller holds
 * the domain's pcms_lock.
 */
static bool shadow_snd_sub_stalled(struct snd_pcm_substream *s,
				   struct nooks_snd_sub *sub, unsigned int ms)
{
	struct snd_pcm_runtime *rt;
	snd_pcm_uframes_t hw = 0;
	unsigned int period_ms = 0, periods = 3;
	bool running = false;

	if (!s->timer)
		return false;
	spin_lock(&s->timer->lock);
	rt = s->runtime;
	if (rt && rt->state == SNDRV_PCM_STATE_RUNNING && rt->rate) {
		running = true;
		hw = rt->status->hw_ptr;
		period_ms = div_u64((u64)rt->period_size * MSEC_PER_SEC,
				    rt->rate);
		/* a lead-in (shift.c) holds the position up to a buffer */
		if (test_bit(NOOKS_SND_SUB_LEAD_IN, &sub->flags))
			periods += rt->periods;
	}
	spin_unlock(&s->timer->lock);
	if (!running || hw != sub->wd_hw_ptr || !sub->wd_since) {
		sub->wd_hw_ptr = hw;
		sub->wd_since = running ? jiffies | 1 : 0;
		return false;
	}
	return time_after_eq(jiffies, sub->wd_since +
			     msecs_to_jiffies(max(ms, periods * period_ms)));
}

/**
 * shadow_snd_check() - the sound class's progress check
 * @dom: a shadowed domain whose driver runs
 *
 * Called by the shadow manager (struct shadow_class_ops.check).
 *
 * Return: "stream stall" or NULL.
 */
const char *shadow_snd_check(struct nooks_domain *dom)
{
	struct nooks_snd_domain *sd = nooks_snd_domain(dom);
	unsigned int ms = READ_ONCE(stall_ms);
	struct snd_pcm_substream *s, *stalled = NULL;
	struct nooks_snd_sub *sub;
	struct nooks_snd_pcm *p;
	char name[32];

	if (!sd || !ms)
		return NULL;
	spin_lock_irq(&sd->pcms_lock);
	list_for_each_entry(p, &sd->pcms, node) {
		if (READ_ONCE(p->divert))
			continue;
		nooks_snd_pcm_for_each_substream(p, s) {
			sub = nooks_snd_pcm_sub(p, s);
			if (sub && shadow_snd_sub_stalled(s, sub, ms) &&
			    !stalled) {
				stalled = s;
				shadow_snd_sub_name(s, name, sizeof(name));
			}
		}
	}
	spin_unlock_irq(&sd->pcms_lock);
	if (!stalled)
		return NULL;
	pr_warn("%s: %s: running, its position still for %u ms\n", dom->name,
		name, ms);
	return "stream stall";
}
