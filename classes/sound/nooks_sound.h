/* SPDX-License-Identifier: GPL-2.0 */
/*
 * classes/sound/nooks_sound.h - the sound class of the isolation layer
 * (nooks_sound.ko), and what it offers the sound shadow (shadow_sound.ko).
 */
#ifndef _NOOKS_SOUND_H
#define _NOOKS_SOUND_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <sound/control.h>
#include <sound/pcm.h>

#include "iface.h"

struct device;
struct nooks_domain;
struct snd_card;
struct snd_ctl_elem_value;
struct snd_kcontrol;
struct task_struct;

/* After a trigger, how long a stream's positions are not judged, at least */
#define NOOKS_SND_JUMP_GRACE_MS	50

/* struct nooks_snd_sub.flags: bit numbers (atomic bit operations) */
#define NOOKS_SND_SUB_LIVE	0	/* open when the driver failed */
#define NOOKS_SND_SUB_PARAMS	1	/* @params holds the last hw_params */
#define NOOKS_SND_SUB_SHIFT	2	/* position translated by @shift */
#define NOOKS_SND_SUB_BACK	3	/* replayed to the restarted driver */
#define NOOKS_SND_SUB_ADOPTED	4	/* opened natively: no rule range */
#define NOOKS_SND_SUB_LEAD_IN	5	/* position held until @lead_to */

/**
 * struct nooks_snd_sub - what the entry record remembers of one substream
 * @flags: NOOKS_SND_SUB_*
 * @params: the hw_params the driver last accepted (or the shadow did)
 * @rules_lo: first hw constraint rule the driver's open added
 * @rules_hi: one past the last one
 * @shift: frames by which the restarted hardware's buffer position lags
 *	the stream's (the shadow rotated the buffer by as much): the position
 *	the kernel sees is the hardware's plus @shift, modulo the buffer
 * @played: frames of a playback stream the hardware had played past
 *	ALSA's last position when the driver failed, as the shadow estimates
 *	them; the replay counts them as played
 * @pos_ns: local_clock() when the driver last reported the position (its
 *	pointer op), or 0: what the shadow estimates @played from
 * @lead_to: a stream whose buffer could not be rotated (shift.c): the
 *	buffer offset the restarted hardware, started at 0, must reach before
 *	the kernel sees its position move (the kernel's position is held at
 *	the stream's until then)
 * @lead_last: the driver's position at its last pointer call of the
 *	lead-in (a smaller one means it wrapped: the lead-in is over)
 * @jump_pos: the driver's own position at its last pointer call, for the
 *	jump check (wrap_pcm.c)
 * @jump_ns: local_clock() of that call, or 0 (a new run: not judged)
 * @jump_from: local_clock() before which positions are not judged (a
 *	trigger's grace: wrap_pcm.c)
 * @wd_hw_ptr: the sound shadow's progress check (watchdog.c): the
 *	position it saw last
 * @wd_since: jiffies (| 1) since when the running stream's position is
 *	@wd_hw_ptr, or 0
 */
struct nooks_snd_sub {
	unsigned long flags;
	struct snd_pcm_hw_params params;
	unsigned int rules_lo, rules_hi;
	snd_pcm_uframes_t shift;
	snd_pcm_uframes_t played;
	snd_pcm_uframes_t lead_to;
	snd_pcm_uframes_t lead_last;
	u64 pos_ns;
	snd_pcm_uframes_t jump_pos;
	u64 jump_ns;
	u64 jump_from;
	snd_pcm_uframes_t wd_hw_ptr;
	unsigned long wd_since;
};

/**
 * struct nooks_snd_pcm - entry record of one wrapped snd_pcm_ops table
 * @ops: the copy the kernel calls (first: see nooks_snd_pcm_of())
 * @dom: the domain that set the table
 * @divert: every call goes to @standin (a shadow stands in)
 * @orig: the driver's table
 * @standin: who answers while the driver cannot
 * @node: in the domain's list of records (struct nooks_snd_domain)
 * @pcm: the PCM device
 * @stream: its direction (SNDRV_PCM_STREAM_*)
 * @rcu: frees the record (a copy op may still look at it: shift.c)
 * @nsubs: entries in @subs
 * @subs: per substream, by substream number
 */
struct nooks_snd_pcm {
	struct snd_pcm_ops ops;
	struct nooks_domain *dom;
	bool divert;
	const struct snd_pcm_ops *orig;
	const struct snd_pcm_ops *standin;
	struct list_head node;
	struct snd_pcm *pcm;
	int stream;
	struct rcu_head rcu;
	unsigned int nsubs;
	struct nooks_snd_sub subs[];
};

#define nooks_snd_pcm_of(s) container_of((s)->ops, struct nooks_snd_pcm, ops)

/* Each substream @s of record @p's PCM direction. */
#define nooks_snd_pcm_for_each_substream(p, s)				\
	for ((s) = (p)->pcm->streams[(p)->stream].substream; (s);	\
	     (s) = (s)->next)

/* Record @p's memory of its substream @s, or NULL if it has none. */
static inline struct nooks_snd_sub *
nooks_snd_pcm_sub(struct nooks_snd_pcm *p, struct snd_pcm_substream *s)
{
	return s->number < p->nsubs ? &p->subs[s->number] : NULL;
}

/* The record's memory of substream @s. */
static inline struct nooks_snd_sub *nooks_snd_sub_of(struct snd_pcm_substream *s)
{
	return &nooks_snd_pcm_of(s)->subs[s->number];
}

/**
 * struct nooks_snd_ctl_ops - the callbacks of one control
 * @info: describe the control
 * @get: read its value
 * @put: write its value
 * @tlv: read or write its TLV data (dB ranges), when a callback
 */
struct nooks_snd_ctl_ops {
	snd_kcontrol_info_t *info;
	snd_kcontrol_get_t *get;
	snd_kcontrol_put_t *put;
	snd_kcontrol_tlv_rw_t *tlv;
};

/**
 * struct nooks_snd_hooks - the sound shadow's say in a driver's cards
 * @card_new: the restarted driver creates a card for @parent: return the
 *	kept one (already tracked) or NULL. Process context, lock held.
 * @pcm_new: it creates PCM @device of @card with these substream counts:
 *	return the kept PCM or NULL. Process context, lock held.
 * @card_registered: the driver registered @card (its probe is done, also
 *	for a driver that probes asynchronously). Process context.
 * @ctl_put: a control's put succeeded (the driver's or the stand-in's):
 *	log the value. Process context, under RCU: must not sleep.
 * @pcm_standin: the PCM stand-in while the domain is shadowed
 * @ctl_standin: the control stand-in while the domain is shadowed
 */
struct nooks_snd_hooks {
	struct snd_card *(*card_new)(struct nooks_domain *dom,
				     struct device *parent, size_t extra_size);
	struct snd_pcm *(*pcm_new)(struct nooks_domain *dom,
				   struct snd_card *card, int device,
				   int playback_count, int capture_count);
	void (*card_registered)(struct nooks_domain *dom,
				struct snd_card *card);
	void (*ctl_put)(struct nooks_domain *dom, struct snd_card *card,
			struct snd_kcontrol *kctl,
			const struct snd_ctl_elem_value *v);
	const struct snd_pcm_ops *pcm_standin;
	const struct nooks_snd_ctl_ops *ctl_standin;
};

/**
 * struct nooks_snd_domain - the sound class's data of one domain
 * @lock: serialises the hooks' users in the wrappers that create cards
 *	and PCMs (process context)
 * @pcms_lock: protects @pcms; the list is also walked from any context
 *	while the domain is failed (it changes only in probe and card free)
 * @pcms: struct nooks_snd_pcm of the domain's PCM streams
 * @hooks: the sound shadow's hooks while shadowed (RCU), or NULL
 * @shadow: the shadow's data of the domain
 * @held: the cards of the driver's bound devices an in-place switch holds
 *	(adopt.c), each referenced, or NULL
 * @nheld: entries in @held
 * @holder: the task holding them (it holds their controls_rwsem for
 *	writing), or NULL
 */
struct nooks_snd_domain {
	struct mutex lock;
	spinlock_t pcms_lock;
	struct list_head pcms;
	const struct nooks_snd_hooks __rcu *hooks;
	void *shadow;
	struct snd_card **held;
	unsigned int nheld;
	struct task_struct *holder;
};

struct nooks_snd_domain *nooks_snd_domain(struct nooks_domain *dom);
void nooks_snd_set_hooks(struct nooks_domain *dom,
			 const struct nooks_snd_hooks *hooks);
void nooks_snd_pcm_set_standin(struct nooks_domain *dom,
			       const struct snd_pcm_ops *standin);
void nooks_snd_ctl_set_standin(struct nooks_domain *dom,
			       const struct nooks_snd_ctl_ops *standin);
struct nooks_domain *nooks_snd_ctl_domain(struct snd_kcontrol *kctl);
struct snd_card *nooks_snd_ctl_card(struct snd_kcontrol *kctl);
void nooks_snd_ctl_divert(struct nooks_domain *dom, bool divert);
int nooks_snd_ctl_strip(struct nooks_domain *dom, struct snd_card *card);
int nooks_snd_pcm_shift(struct snd_pcm_substream *s, snd_pcm_uframes_t shift);
void nooks_snd_pcm_lead_in(struct snd_pcm_substream *s, snd_pcm_uframes_t to,
			   snd_pcm_uframes_t keep);
struct nooks_snd_pcm *nooks_snd_pcm_find(struct nooks_domain *dom,
					 struct snd_pcm *pcm, int stream);
void nooks_snd_card_strip(struct nooks_domain *dom, struct snd_card *card);
void nooks_snd_card_disarm(struct snd_card *card);
int nooks_snd_ctl_for_each(struct nooks_domain *dom, struct snd_card *card,
			   int (*fn)(struct snd_kcontrol *kctl, void *arg),
			   void *arg);
int nooks_snd_card_take(struct snd_card *card);
int nooks_snd_card_give(struct snd_card *card);

/* The driver's ops of a wrapped substream, called even while diverted. */
extern const struct snd_pcm_ops nooks_snd_pcm_driver;

/* nooks_sound.ko internal */
extern const struct nooks_import_table nooks_sound_card_imports;
extern struct nooks_obj_type nooks_snd_obj_card;
extern struct nooks_obj_type nooks_snd_obj_card_devm;
extern const struct nooks_import_table nooks_sound_ctl_imports;
extern const struct nooks_import_table nooks_sound_pcm_imports;
extern const struct snd_pcm_ops nooks_snd_pcm_isolate;
extern const struct nooks_snd_ctl_ops nooks_snd_ctl_isolate;

int nooks_snd_pcm_shift_copy_user(struct snd_pcm_substream *s, int channel,
				  unsigned long pos, void __user *buf,
				  unsigned long n);
int nooks_snd_pcm_shift_copy_kernel(struct snd_pcm_substream *s, int channel,
				    unsigned long pos, void *buf,
				    unsigned long n);
int nooks_snd_pcm_shift_silence(struct snd_pcm_substream *s, int channel,
				unsigned long pos, unsigned long n);
const struct nooks_snd_hooks *nooks_snd_hooks_get(struct nooks_domain *dom);
int nooks_snd_pcm_check(const struct snd_pcm_ops *standin, const char *who);
int nooks_snd_ctl_check(const struct nooks_snd_ctl_ops *standin,
			const char *who);
void nooks_snd_ctl_exit(void);
int nooks_snd_card_init(void);
void nooks_snd_statics_reset(struct nooks_domain *dom);
void nooks_snd_pcm_device_free(struct snd_card *card, void *device_data);

/* adopt.c: in-place switch; wrap_pcm.c and wrap_ctl.c do it per object */
bool nooks_snd_in_place(struct nooks_domain *dom);
int nooks_snd_hold(struct nooks_domain *dom, bool on);
int nooks_snd_adopt(struct nooks_domain *dom);
void nooks_snd_let_go(struct nooks_domain *dom);
int nooks_snd_pcm_adopt(struct nooks_domain *dom, struct snd_pcm *pcm,
			int stream);
void nooks_snd_pcm_let_go(struct nooks_domain *dom, struct snd_card *card);
bool nooks_snd_pcm_shifted(struct nooks_domain *dom, struct snd_card *card);
int nooks_snd_ctl_adopt(struct nooks_domain *dom, struct snd_card *card);
void nooks_snd_ctl_let_go(struct nooks_domain *dom, struct snd_card *card);

#endif /* _NOOKS_SOUND_H */
