// SPDX-License-Identifier: GPL-2.0
/*
 * classes/sound/replay.c - bring a kept card's streams back on the
 * restarted driver.
 *
 * The restarted driver built its card again around the kept card, PCMs
 * and runtimes (keep.c, main.c), but knows none of the streams the
 * applications hold open. For each live stream, the replay calls the
 * driver as ALSA did, up to the state ALSA has it in:
 *
 *   open        the driver binds its per-stream data; the constraint rules
 *               its old open added go (they may point into the failed
 *               driver's memory), its new ones stay; the stream's refined
 *               hardware description is ALSA's and is kept
 *   hw_params   the parameters last accepted (the codec's rate, ...)
 *   prepare     the hardware is set up at buffer offset 0
 *   start       a running, draining or paused stream: the buffer is
 *               rotated so that the frame due next is at offset 0 (past
 *               what the hardware played after ALSA's last position, as
 *               estimated at the fault: standin.c), and positions are
 *               translated (shift.c); then the stream starts (and
 *               pauses again if it was paused). A buffer the application
 *               maps cannot be rotated: the hardware then leads in from
 *               offset 0 to the stream's, its position held meanwhile
 *
 * The mixer log is written first (log.c), so that the codec is set up as
 * the user left it before sound flows again.
 */
#define pr_fmt(fmt) "shadow_sound: " fmt

#include <linux/slab.h>
#include <sound/core.h>
#include <sound/pcm.h>

#include "domain.h"
#include "shadow_trace.h"
#include "sound.h"

/* Drop the constraint rules [@lo, @hi) of @rt (the old driver's). */
static void shadow_snd_rules_drop(struct snd_pcm_runtime *rt, unsigned int lo,
				  unsigned int hi)
{
	struct snd_pcm_hw_constraints *c = &rt->hw_constraints;

	if (lo >= hi || hi > c->rules_num)
		return;
	memmove(&c->rules[lo], &c->rules[hi],
		(c->rules_num - hi) * sizeof(c->rules[0]));
	c->rules_num -= hi - lo;
}

/*
 * Drop the rules of @s's runtime that the driver's open added before it
 * was isolated (an adopted stream: where they are is not known): those
 * with the domain's code, or with a pointer the core does not give its
 * own (the core's take none, an integer, the substream or its hardware
 * description; a driver's points at its lists or its chip, which may be
 * the failed driver's memory).
 */
static void shadow_snd_rules_drop_adopted(struct nooks_domain *dom,
					  struct snd_pcm_substream *s)
{
	struct snd_pcm_runtime *rt = s->runtime;
	struct snd_pcm_hw_constraints *c = &rt->hw_constraints;
	unsigned int i, n = 0;

	for (i = 0; i < c->rules_num; i++) {
		struct snd_pcm_hw_rule *r = &c->rules[i];
		unsigned long priv = (unsigned long)r->private;

		if (nooks_domain_in_text(dom, (unsigned long)r->func) ||
		    (priv >= PAGE_SIZE && r->private != s &&
		     r->private != &rt->hw))
			continue;
		c->rules[n++] = *r;
	}
	c->rules_num = n;
}

/*
 * A running stream whose buffer cannot be rotated (the application maps
 * it: aplay through plughw, PulseAudio): its restarted hardware plays from
 * offset 0 up to where the stream is due, ALSA's position held meanwhile
 * (nooks_snd_pcm_lead_in()). Of the frames at offsets 0 on, those of the
 * buffer's next lap the application wrote already are kept.
 */
static void shadow_snd_lead_in(struct snd_pcm_substream *s,
			       struct nooks_snd_sub *sub)
{
	struct snd_pcm_runtime *rt = s->runtime;
	snd_pcm_uframes_t b = rt->buffer_size, hw = rt->status->hw_ptr;
	snd_pcm_uframes_t at = hw % b + sub->played, next = hw - hw % b + b;
	snd_pcm_sframes_t ahead = 0;

	if (at < b && s->stream == SNDRV_PCM_STREAM_PLAYBACK) {
		ahead = (snd_pcm_sframes_t)(rt->control->appl_ptr - next);
		ahead = clamp_t(snd_pcm_sframes_t, ahead, 0, at);
	}
	nooks_snd_pcm_lead_in(s, at % b, ahead);
}

static int shadow_snd_replay_sub(struct shadow_snd *ss,
				 struct snd_pcm_substream *s)
{
	struct snd_pcm_runtime *rt = s->runtime;
	struct nooks_snd_sub *sub = nooks_snd_sub_of(s);
	snd_pcm_state_t state = rt->state;
	struct snd_pcm_hardware hw = rt->hw;
	struct snd_pcm_hw_params *params;
	char name[32];
	int ret;

	WRITE_ONCE(sub->jump_ns, 0);	/* the restarted hardware's run */
	s->private_data = s->pcm->private_data;
	rt->private_free = NULL;
	rt->private_data = NULL;
	if (test_and_clear_bit(NOOKS_SND_SUB_ADOPTED, &sub->flags))
		shadow_snd_rules_drop_adopted(ss->dom, s);
	else
		shadow_snd_rules_drop(rt, sub->rules_lo, sub->rules_hi);
	sub->rules_lo = rt->hw_constraints.rules_num;
	ret = nooks_snd_pcm_driver.open(s);
	trace_shadow_replay(shadow_snd_sub_name(s, name, sizeof(name)),
			    "open");
	sub->rules_hi = rt->hw_constraints.rules_num;
	rt->hw = hw;
	if (ret || state == SNDRV_PCM_STATE_OPEN)
		return ret;

	if (test_bit(NOOKS_SND_SUB_PARAMS, &sub->flags)) {
		params = kmemdup(&sub->params, sizeof(*params), GFP_KERNEL);
		if (!params)
			return -ENOMEM;
		ret = nooks_snd_pcm_driver.hw_params(s, params);
		kfree(params);
		trace_shadow_replay(shadow_snd_sub_name(s, name, sizeof(name)),
				    "hw_params");
	}
	if (ret || state == SNDRV_PCM_STATE_SETUP ||
	    state == SNDRV_PCM_STATE_XRUN ||
	    state == SNDRV_PCM_STATE_DISCONNECTED)
		return ret;

	ret = nooks_snd_pcm_driver.prepare(s);
	trace_shadow_replay(shadow_snd_sub_name(s, name, sizeof(name)),
			    "prepare");
	if (ret || state == SNDRV_PCM_STATE_PREPARED ||
	    state == SNDRV_PCM_STATE_SUSPENDED)
		return ret;

	/*
	 * Running, draining or paused: on from where ALSA froze it, past
	 * what the hardware had played of it (its first position update
	 * moves on by as much, and ALSA's check of positions against time
	 * is told the time it took).
	 */
	ret = nooks_snd_pcm_shift(s, (rt->status->hw_ptr + sub->played) %
				     rt->buffer_size);
	if (ret == -EOPNOTSUPP) {
		shadow_snd_lead_in(s, sub);
		trace_shadow_replay(shadow_snd_sub_name(s, name, sizeof(name)),
				    "lead_in");
	} else if (ret) {
		pr_warn("%s: stream %s: position not kept (%d): it may skip\n",
			ss->dom->name, s->name, ret);
	}
	if (ret)
		sub->played = 0;
	snd_pcm_stream_lock_irq(s);
	if (test_bit(NOOKS_SND_SUB_LEAD_IN, &sub->flags))
		/*
		 * The position holds through the lead-in: not a period
		 * interrupt acknowledged twice (ALSA would count a buffer
		 * played)
		 */
		rt->hw_ptr_interrupt = (rt->status->hw_ptr + rt->boundary -
					rt->period_size) % rt->boundary;
	rt->hw_ptr_jiffies = jiffies -
		DIV_ROUND_UP((u64)sub->played * HZ, rt->rate);
	sub->played = 0;
	ret = nooks_snd_pcm_driver.trigger(s, SNDRV_PCM_TRIGGER_START);
	if (!ret && state == SNDRV_PCM_STATE_PAUSED)
		ret = nooks_snd_pcm_driver.trigger(s,
						   SNDRV_PCM_TRIGGER_PAUSE_PUSH);
	snd_pcm_stream_unlock_irq(s);
	trace_shadow_replay(shadow_snd_sub_name(s, name, sizeof(name)),
			    state == SNDRV_PCM_STATE_PAUSED ? "start+pause" :
							      "start");
	return ret;
}

/* Replay the live streams of one record; then it calls the driver again. */
static int shadow_snd_replay_pcm(struct shadow_snd *ss, struct nooks_snd_pcm *p)
{
	struct nooks_snd_domain *sd = nooks_snd_domain(ss->dom);
	struct snd_pcm_substream *s;
	int ret = 0, err;

	nooks_snd_pcm_for_each_substream(p, s) {
		struct nooks_snd_sub *sub = nooks_snd_pcm_sub(p, s);

		if (!sub || !test_bit(NOOKS_SND_SUB_LIVE, &sub->flags))
			continue;
		err = shadow_snd_replay_sub(ss, s);
		if (err) {
			pr_err("%s: stream %s not replayed (%d)\n",
			       ss->dom->name, s->name, err);
			ret = ret ?: err;
			continue;
		}
		spin_lock_irq(&sd->pcms_lock);
		clear_bit(NOOKS_SND_SUB_LIVE, &sub->flags);
		set_bit(NOOKS_SND_SUB_BACK, &sub->flags);
		spin_unlock_irq(&sd->pcms_lock);
	}
	if (!ret)
		WRITE_ONCE(p->divert, false);
	return ret;
}

/**
 * shadow_snd_replay() - give a kept card's state to the restarted driver
 * @ss: the shadow
 * @card: the card, taken back by the restarted driver
 *
 * Process context, the domain's ctl held.
 *
 * Return: 0, or the first error (the driver is then left fail-stopped).
 */
int shadow_snd_replay(struct shadow_snd *ss, struct snd_card *card)
{
	struct nooks_snd_domain *sd = nooks_snd_domain(ss->dom);
	struct nooks_snd_pcm *p;
	int ret = 0;

	shadow_snd_log_replay(ss, card);
	mutex_lock(&ss->replay);
	/* the records change only in the driver's probe and card free */
	list_for_each_entry(p, &sd->pcms, node) {
		if (p->pcm->card != card || !READ_ONCE(p->divert))
			continue;
		ret = shadow_snd_replay_pcm(ss, p) ?: ret;
	}
	mutex_unlock(&ss->replay);
	return ret;
}
