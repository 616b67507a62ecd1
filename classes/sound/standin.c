// SPDX-License-Identifier: GPL-2.0
/*
 * classes/sound/standin.c - the sound shadow answering for a failed driver.
 *
 * A stream the driver was playing or recording stays RUNNING: the
 * shadow freezes it. Its position holds where ALSA last saw it (pointer
 * answers that position), and every 10 ms the shadow wakes whoever waits
 * on the stream: ALSA's wait for room or data gives up with -EIO after
 * about 1.1 buffer times without progress, and each wake-up restarts
 * that wait. The application sees a pause, not an error; the data it
 * writes meanwhile waits in the buffer (and is played after the restart,
 * from the frozen position on: nothing is skipped).
 *
 * Where it holds it: ALSA last read the position at the previous period
 * interrupt, and the hardware played on until the fault stopped it; the
 * shadow estimates how far from the time since the driver reported that
 * position (shadow_snd_played())
 * and the replay counts those frames as played, so that they are not
 * played twice.
 *
 * Why hold the position rather than advance it at the nominal rate: an
 * advancing position would have the shadow discard the application's
 * data (playback) or invent silence (capture) for the length of the
 * restart; holding it keeps every frame, at the cost of the stream
 * running late by the restart's length, which is the audible gap either
 * way.
 *
 * What sets a stream up (hw_params, prepare, trigger, hw_free) succeeds
 * and only changes ALSA's state, which the replay reads; an open waits
 * for the driver to be back and then goes to it; a close forgets the
 * stream. Control writes are taken and logged (log.c), reads answer the
 * logged value.
 */
#define pr_fmt(fmt) "shadow_sound: " fmt

#include <linux/jiffies.h>
#include <linux/minmax.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <sound/core.h>
#include <sound/pcm.h>

#include "domain.h"
#include "shadow_trace.h"
#include "sound.h"

/* How often a frozen stream's waiters are woken. */
#define SHADOW_SND_WAKE_MS	10
/* How long an open waits for the driver to be back. */
#define SHADOW_SND_OPEN_WAIT_MS	10000

static struct shadow_snd *shadow_snd_of_sub(struct snd_pcm_substream *s)
{
	return shadow_snd_of(nooks_snd_pcm_of(s)->dom);
}

static int shadow_snd_pcm_open(struct snd_pcm_substream *s)
{
	struct shadow_snd *ss = shadow_snd_of_sub(s);
	char name[32];
	long left;

	if (!ss)
		return -ENODEV;
	left = wait_event_interruptible_timeout(ss->back,
			!READ_ONCE(ss->active) || READ_ONCE(ss->gave_up),
			msecs_to_jiffies(SHADOW_SND_OPEN_WAIT_MS));
	if (left < 0)
		return left;
	trace_shadow_standin(shadow_snd_sub_name(s, name, sizeof(name)),
			     "open_waited");
	if (!left || READ_ONCE(ss->gave_up))
		return -ENODEV;
	return nooks_snd_pcm_driver.open(s);
}

static int shadow_snd_pcm_close(struct snd_pcm_substream *s)
{
	struct nooks_snd_sub *sub = nooks_snd_sub_of(s);
	struct nooks_snd_domain *sd = nooks_snd_domain(nooks_snd_pcm_of(s)->dom);
	struct shadow_snd *ss = shadow_snd_of_sub(s);
	char name[32];
	int ret = 0;

	/* a replay in progress brings the stream back or gives it up */
	if (ss)
		mutex_lock(&ss->replay);
	spin_lock_irq(&sd->pcms_lock);
	clear_bit(NOOKS_SND_SUB_LIVE, &sub->flags);
	spin_unlock_irq(&sd->pcms_lock);
	if (test_and_clear_bit(NOOKS_SND_SUB_BACK, &sub->flags)) {
		/* replayed meanwhile: the restarted driver has the stream */
		ret = nooks_snd_pcm_driver.close(s);
	} else {
		trace_shadow_standin(shadow_snd_sub_name(s, name, sizeof(name)),
				     "close");
		/* the failed driver's per-stream data is gone */
		s->runtime->private_free = NULL;
		s->runtime->private_data = NULL;
	}
	if (ss)
		mutex_unlock(&ss->replay);
	return ret;
}

static int shadow_snd_pcm_ioctl(struct snd_pcm_substream *s, unsigned int cmd,
				void *arg)
{
	return snd_pcm_lib_ioctl(s, cmd, arg);
}

static int shadow_snd_pcm_hw_params(struct snd_pcm_substream *s,
				    struct snd_pcm_hw_params *p)
{
	return 0;	/* logged by the wrapper, replayed to the driver */
}

static int shadow_snd_pcm_ok(struct snd_pcm_substream *s)
{
	return 0;
}

static int shadow_snd_pcm_trigger(struct snd_pcm_substream *s, int cmd)
{
	char name[32];

	trace_shadow_standin(shadow_snd_sub_name(s, name, sizeof(name)),
			     "trigger");
	return 0;	/* the stream's state is ALSA's: the replay reads it */
}

/* The frozen position: where ALSA last saw the stream. */
static snd_pcm_uframes_t shadow_snd_pcm_pointer(struct snd_pcm_substream *s)
{
	struct snd_pcm_runtime *rt = s->runtime;

	return rt->buffer_size ? rt->status->hw_ptr % rt->buffer_size : 0;
}

static int shadow_snd_pcm_time(struct snd_pcm_substream *s,
			       struct timespec64 *st, struct timespec64 *at,
			       struct snd_pcm_audio_tstamp_config *c,
			       struct snd_pcm_audio_tstamp_report *r)
{
	snd_pcm_gettime(s->runtime, st);
	*at = (struct timespec64){ };
	r->actual_type = SNDRV_PCM_AUDIO_TSTAMP_TYPE_DEFAULT;
	return 0;
}

/* The driver's own copies while frozen: its hardware is gone; dropped. */
static int shadow_snd_pcm_silence(struct snd_pcm_substream *s, int ch,
				  unsigned long pos, unsigned long n)
{
	return 0;
}

static int shadow_snd_pcm_copy_user(struct snd_pcm_substream *s, int ch,
				    unsigned long pos, void __user *b,
				    unsigned long n)
{
	return 0;
}

static int shadow_snd_pcm_copy_kernel(struct snd_pcm_substream *s, int ch,
				      unsigned long pos, void *b,
				      unsigned long n)
{
	return 0;
}

static struct page *shadow_snd_pcm_page(struct snd_pcm_substream *s,
					unsigned long off)
{
	return NULL;
}

static int shadow_snd_pcm_mmap(struct snd_pcm_substream *s,
			       struct vm_area_struct *v)
{
	return snd_pcm_lib_default_mmap(s, v);
}

const struct snd_pcm_ops shadow_snd_pcm_standin = {
	.open		= shadow_snd_pcm_open,
	.close		= shadow_snd_pcm_close,
	.ioctl		= shadow_snd_pcm_ioctl,
	.hw_params	= shadow_snd_pcm_hw_params,
	.hw_free	= shadow_snd_pcm_ok,
	.prepare	= shadow_snd_pcm_ok,
	.trigger	= shadow_snd_pcm_trigger,
	.sync_stop	= shadow_snd_pcm_ok,
	.pointer	= shadow_snd_pcm_pointer,
	.get_time_info	= shadow_snd_pcm_time,
	.fill_silence	= shadow_snd_pcm_silence,
	.copy_user	= shadow_snd_pcm_copy_user,
	.copy_kernel	= shadow_snd_pcm_copy_kernel,
	.page		= shadow_snd_pcm_page,
	.mmap		= shadow_snd_pcm_mmap,
	.ack		= shadow_snd_pcm_ok,
};

static int shadow_snd_ctl_info(struct snd_kcontrol *k,
			       struct snd_ctl_elem_info *i)
{
	return -EBUSY;
}

static int shadow_snd_ctl_get(struct snd_kcontrol *k,
			      struct snd_ctl_elem_value *v)
{
	struct shadow_snd *ss = shadow_snd_of(nooks_snd_ctl_domain(k));

	return ss ? shadow_snd_log_get(ss, k, v) : -EBUSY;
}

static int shadow_snd_ctl_put(struct snd_kcontrol *k,
			      struct snd_ctl_elem_value *v)
{
	trace_shadow_standin(k->id.name, "put");
	return 0;	/* logged by the wrapper, replayed to the driver */
}

static int shadow_snd_ctl_tlv(struct snd_kcontrol *k, int flag,
			      unsigned int size, unsigned int __user *tlv)
{
	return -EBUSY;
}

const struct nooks_snd_ctl_ops shadow_snd_ctl_standin = {
	.info	= shadow_snd_ctl_info,
	.get	= shadow_snd_ctl_get,
	.put	= shadow_snd_ctl_put,
	.tlv	= shadow_snd_ctl_tlv,
};

/*
 * Frames a playing stream's hardware played past ALSA's last position
 * before the fault: the time since the driver reported that position
 * (its pointer op, wrap_pcm.c; else since ALSA took it, in jiffies), at
 * the stream's rate, rounded up, and no more than the application had
 * written. Over-estimating skips a few frames (a gap); under-estimating
 * would play frames twice. Any context, racing the stream's own updates:
 * an estimate either way.
 */
static snd_pcm_uframes_t shadow_snd_played(struct snd_pcm_substream *s,
					   struct nooks_snd_sub *sub)
{
	struct snd_pcm_runtime *rt = s->runtime;
	snd_pcm_state_t state = READ_ONCE(rt->state);
	u64 at = READ_ONCE(sub->pos_ns), elapsed;
	snd_pcm_uframes_t frames;
	snd_pcm_sframes_t written;

	/* in a lead-in (shift.c) the hardware has not reached ALSA's position */
	if (s->stream != SNDRV_PCM_STREAM_PLAYBACK || !rt->rate ||
	    test_bit(NOOKS_SND_SUB_LEAD_IN, &sub->flags) ||
	    (state != SNDRV_PCM_STATE_RUNNING &&
	     state != SNDRV_PCM_STATE_DRAINING))
		return 0;
	if (at)
		elapsed = local_clock() - at;
	else
		elapsed = jiffies_to_nsecs(jiffies - READ_ONCE(rt->hw_ptr_jiffies) + 1);
	if (elapsed > NSEC_PER_SEC)
		return 0;
	frames = DIV_ROUND_UP_ULL(elapsed * rt->rate, NSEC_PER_SEC);
	written = snd_pcm_playback_hw_avail(rt);
	if (written <= 0)
		return 0;
	return min3(frames, (snd_pcm_uframes_t)written, rt->buffer_size - 1);
}

/**
 * shadow_snd_freeze() - stand in for a failed driver's streams
 * @ss: the shadow
 *
 * Any context. Every stream open now is live: the replay brings it back.
 */
void shadow_snd_freeze(struct shadow_snd *ss)
{
	struct nooks_snd_domain *sd = nooks_snd_domain(ss->dom);
	struct snd_pcm_substream *s;
	struct nooks_snd_sub *sub;
	struct nooks_snd_pcm *p;
	unsigned long flags;
	bool any = false;

	WRITE_ONCE(ss->active, true);
	nooks_snd_ctl_divert(ss->dom, true);
	spin_lock_irqsave(&sd->pcms_lock, flags);
	list_for_each_entry(p, &sd->pcms, node) {
		WRITE_ONCE(p->divert, true);
		nooks_snd_pcm_for_each_substream(p, s) {
			sub = nooks_snd_pcm_sub(p, s);
			if (!sub)
				continue;
			clear_bit(NOOKS_SND_SUB_BACK, &sub->flags);
			if (s->runtime) {
				/* a second failure: the first one's estimate */
				if (!test_and_set_bit(NOOKS_SND_SUB_LIVE,
						      &sub->flags))
					sub->played = shadow_snd_played(s, sub);
				any = true;
			}
		}
	}
	spin_unlock_irqrestore(&sd->pcms_lock, flags);
	if (any)
		mod_timer(&ss->wake, jiffies +
			  msecs_to_jiffies(SHADOW_SND_WAKE_MS));
}

/* Timer: wake the waiters of every live stream while the shadow stands in. */
void shadow_snd_wake(struct timer_list *t)
{
	struct shadow_snd *ss = from_timer(ss, t, wake);
	struct nooks_snd_domain *sd = nooks_snd_domain(ss->dom);
	struct snd_pcm_substream *s;
	struct nooks_snd_sub *sub;
	struct nooks_snd_pcm *p;
	unsigned long flags;

	if (!sd || !READ_ONCE(ss->active))
		return;
	spin_lock_irqsave(&sd->pcms_lock, flags);
	list_for_each_entry(p, &sd->pcms, node) {
		nooks_snd_pcm_for_each_substream(p, s) {
			sub = nooks_snd_pcm_sub(p, s);
			if (sub && test_bit(NOOKS_SND_SUB_LIVE, &sub->flags) &&
			    s->runtime) {
				wake_up(&s->runtime->sleep);
				wake_up(&s->runtime->tsleep);
			}
		}
	}
	spin_unlock_irqrestore(&sd->pcms_lock, flags);
	mod_timer(&ss->wake, jiffies + msecs_to_jiffies(SHADOW_SND_WAKE_MS));
}
