/* SPDX-License-Identifier: GPL-2.0 */
/*
 * classes/sound/sound.h - the sound shadow (shadow_sound.ko), private.
 */
#ifndef _SHADOW_SOUND_H
#define _SHADOW_SOUND_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/wait.h>
#include <sound/control.h>
#include <sound/core.h>
#include <sound/pcm.h>

#include "nooks_sound.h"

/* Cards of one driver the shadow looks at once (at attach). */
#define SHADOW_SND_CARDS_MAX	8

/**
 * struct shadow_snd_card - a card kept for the restarted driver
 * @node: in shadow_snd.kept
 * @card: the card
 * @rebound: the restarted driver took it back
 * @registered: ... and registered it (its probe is done)
 */
struct shadow_snd_card {
	struct list_head node;
	struct snd_card *card;
	bool rebound;
	bool registered;
};

/**
 * struct shadow_snd_val - the last value written to a control element
 * @node: in shadow_snd.log
 * @card: the control's card
 * @id: the element (by name, interface, device, subdevice and index)
 * @val: its value
 */
struct shadow_snd_val {
	struct list_head node;
	struct snd_card *card;
	struct snd_ctl_elem_id id;
	struct snd_ctl_elem_value val;
};

/**
 * struct shadow_snd - the sound shadow of one domain
 * @dom: the domain
 * @lock: protects @log
 * @log: struct shadow_snd_val, the control writes
 * @kept: struct shadow_snd_card, cards kept through a restart (dom->ctl)
 * @active: the shadow stands in for the failed driver
 * @gave_up: the driver was left fail-stopped
 * @wake: while active, wakes the applications that wait on a stream, so
 *	that their wait does not time out (ALSA's -EIO after ~1.1 buffers)
 * @back: opens that came while active wait here for the driver; the
 *	recovery waits here for the kept cards to be registered again
 * @replay: held while the open streams are replayed; a close of a live
 *	stream takes it
 */
struct shadow_snd {
	struct nooks_domain *dom;
	spinlock_t lock;
	struct list_head log;
	struct list_head kept;
	bool active;
	bool gave_up;
	struct timer_list wake;
	wait_queue_head_t back;
	struct mutex replay;
};

/* The shadow of @dom, or NULL. */
static inline struct shadow_snd *shadow_snd_of(struct nooks_domain *dom)
{
	struct nooks_snd_domain *sd = nooks_snd_domain(dom);

	return sd ? READ_ONCE(sd->shadow) : NULL;
}

/* The device node name of substream @s's PCM: pcmC0D0p. */
static inline const char *shadow_snd_sub_name(struct snd_pcm_substream *s,
					      char *buf, size_t size)
{
	snprintf(buf, size, "pcmC%dD%d%c", s->pcm->card->number,
		 s->pcm->device, s->stream ? 'c' : 'p');
	return buf;
}

/* log.c */
void shadow_snd_log_put(struct nooks_domain *dom, struct snd_card *card,
			struct snd_kcontrol *kctl,
			const struct snd_ctl_elem_value *v);
int shadow_snd_log_get(struct shadow_snd *ss, struct snd_kcontrol *kctl,
		       struct snd_ctl_elem_value *v);
void shadow_snd_log_replay(struct shadow_snd *ss, struct snd_card *card);
void shadow_snd_log_free(struct shadow_snd *ss);
void shadow_snd_log_snapshot(struct shadow_snd *ss);

/* standin.c */
extern const struct snd_pcm_ops shadow_snd_pcm_standin;
extern const struct nooks_snd_ctl_ops shadow_snd_ctl_standin;
void shadow_snd_freeze(struct shadow_snd *ss);
void shadow_snd_wake(struct timer_list *t);

/* watchdog.c */
const char *shadow_snd_check(struct nooks_domain *dom);

/* replay.c */
int shadow_snd_replay(struct shadow_snd *ss, struct snd_card *card);

#endif /* _SHADOW_SOUND_H */
