// SPDX-License-Identifier: GPL-2.0
/*
 * classes/sound/log.c - the sound shadow's log of mixer settings.
 *
 * Every value a control of the driver took (an application's write, the
 * boot's "alsactl restore", a write the shadow took for the failed
 * driver) is logged by element, the last one per element. The restarted
 * driver's codec starts from its reset values; the replay writes the
 * logged ones through the new controls' put, so that the codec registers
 * are set by the driver's own code and amixer reads back what the user
 * set.
 */
#define pr_fmt(fmt) "shadow_sound: " fmt

#include <linux/slab.h>
#include <sound/core.h>

#include "domain.h"
#include "shadow_trace.h"
#include "sound.h"

/* The element of @kctl that @id names, as a name-based id. */
static void shadow_snd_log_id(struct snd_kcontrol *kctl,
			      const struct snd_ctl_elem_id *id,
			      struct snd_ctl_elem_id *out)
{
	struct snd_ctl_elem_id tmp = *id;

	*out = kctl->id;
	out->index += snd_ctl_get_ioff(kctl, &tmp);
	out->numid = 0;
}

static bool shadow_snd_log_same(const struct snd_ctl_elem_id *a,
				const struct snd_ctl_elem_id *b)
{
	return a->iface == b->iface && a->device == b->device &&
	       a->subdevice == b->subdevice && a->index == b->index &&
	       !strncmp(a->name, b->name, sizeof(a->name));
}

static struct shadow_snd_val *shadow_snd_log_find(struct shadow_snd *ss,
						  struct snd_card *card,
						  const struct snd_ctl_elem_id *id)
{
	struct shadow_snd_val *e;

	list_for_each_entry(e, &ss->log, node)
		if (e->card == card && shadow_snd_log_same(&e->id, id))
			return e;
	return NULL;
}

/* The hook of the put wrapper: under RCU, must not sleep. */
void shadow_snd_log_put(struct nooks_domain *dom, struct snd_card *card,
			struct snd_kcontrol *kctl,
			const struct snd_ctl_elem_value *v)
{
	struct shadow_snd *ss = shadow_snd_of(dom);
	struct shadow_snd_val *e;
	struct snd_ctl_elem_id id;
	unsigned long flags;

	if (!ss)
		return;
	shadow_snd_log_id(kctl, &v->id, &id);
	spin_lock_irqsave(&ss->lock, flags);
	e = shadow_snd_log_find(ss, card, &id);
	if (!e) {
		e = kzalloc(sizeof(*e), GFP_ATOMIC);
		if (!e)
			goto out;	/* the value is not replayed */
		e->card = card;
		e->id = id;
		list_add_tail(&e->node, &ss->log);
	}
	e->val = *v;
	e->val.id = id;
out:
	spin_unlock_irqrestore(&ss->lock, flags);
}

/**
 * shadow_snd_log_get() - a control's value, from the log
 * @ss: the shadow
 * @kctl: the control
 * @v: the element to read, filled with its logged value
 *
 * Return: 0, or -EBUSY when nothing was logged for the element.
 */
int shadow_snd_log_get(struct shadow_snd *ss, struct snd_kcontrol *kctl,
		       struct snd_ctl_elem_value *v)
{
	struct shadow_snd_val *e;
	struct snd_ctl_elem_id id;
	unsigned long flags;
	int ret = -EBUSY;

	shadow_snd_log_id(kctl, &v->id, &id);
	spin_lock_irqsave(&ss->lock, flags);
	e = shadow_snd_log_find(ss, nooks_snd_ctl_card(kctl), &id);
	if (e) {
		memcpy(&v->value, &e->val.value, sizeof(v->value));
		ret = 0;
	}
	spin_unlock_irqrestore(&ss->lock, flags);
	return ret;
}

/**
 * shadow_snd_log_replay() - write the logged values to a card's controls
 * @ss: the shadow
 * @card: a kept card, its controls added by the restarted driver
 *
 * Process context. An element that is gone is skipped; a put that fails
 * is reported and the rest still written.
 */
void shadow_snd_log_replay(struct shadow_snd *ss, struct snd_card *card)
{
	struct snd_ctl_elem_value *v;
	struct shadow_snd_val *e;
	struct snd_kcontrol *kctl;
	unsigned int i, n = 0;
	char name[32];
	int ret;

	v = kmalloc(sizeof(*v), GFP_KERNEL);
	if (!v)
		return;
	for (i = 0; ; i++) {
		bool found = false;

		/* the n-th entry: the puts below log, so no lock is held */
		spin_lock_irq(&ss->lock);
		list_for_each_entry(e, &ss->log, node) {
			if (e->card != card || n++ != i)
				continue;
			*v = e->val;
			found = true;
			break;
		}
		n = 0;
		spin_unlock_irq(&ss->lock);
		if (!found)
			break;
		down_read(&card->controls_rwsem);
		kctl = snd_ctl_find_id_locked(card, &v->id);
		ret = kctl && kctl->put ? kctl->put(kctl, v) : -ENOENT;
		up_read(&card->controls_rwsem);
		if (ret < 0)
			pr_warn("%s: control %s not restored (%d)\n",
				ss->dom->name, v->id.name, ret);
	}
	kfree(v);
	snprintf(name, sizeof(name), "controlC%d", card->number);
	trace_shadow_replay(name, "mixer");
}

/* What shadow_snd_log_snapshot() hands each control. */
struct shadow_snd_snap {
	struct shadow_snd *ss;
	struct snd_card *card;
	struct snd_ctl_elem_value *v;
	unsigned int n;
};

/* Log the value each readable and writable element of @kctl has now. */
static int shadow_snd_log_snap_one(struct snd_kcontrol *kctl, void *arg)
{
	const unsigned int rw = SNDRV_CTL_ELEM_ACCESS_READ |
				SNDRV_CTL_ELEM_ACCESS_WRITE;
	struct shadow_snd_snap *snap = arg;
	unsigned int i;

	for (i = 0; i < kctl->count; i++) {
		if ((kctl->vd[i].access & rw) != rw ||
		    (kctl->vd[i].access & SNDRV_CTL_ELEM_ACCESS_VOLATILE))
			continue;
		memset(snap->v, 0, sizeof(*snap->v));
		snap->v->id = kctl->id;
		snap->v->id.index += i;
		snap->v->id.numid += i;
		/* the wrapper: a protected call of the driver's get */
		if (kctl->get(kctl, snap->v) < 0)
			continue;
		shadow_snd_log_put(snap->ss->dom, snap->card, kctl, snap->v);
		snap->n++;
	}
	return 0;
}

/* Collect the cards the domain's driver has (tracked class objects). */
struct shadow_snd_cards {
	struct snd_card *card[SHADOW_SND_CARDS_MAX];
	unsigned int n;
};

static bool shadow_snd_collect_card(const struct nooks_obj *obj, void *arg)
{
	struct shadow_snd_cards *c = arg;

	if (c->n < ARRAY_SIZE(c->card))
		c->card[c->n++] = (struct snd_card *)obj->key;
	return false;
}

/**
 * shadow_snd_log_snapshot() - log the values the controls have now
 * @ss: the shadow, attached to a domain whose driver runs
 *
 * A driver shadowed only now (a switch from isolate or from off, or the
 * shadow loaded later) was given its mixer settings before the log
 * began: they are read through the driver's get, so that a replay
 * writes them back. Process context, domain ctl held.
 */
void shadow_snd_log_snapshot(struct shadow_snd *ss)
{
	struct shadow_snd_cards *cards;
	struct shadow_snd_snap snap = { .ss = ss };
	unsigned int i;

	cards = kzalloc(sizeof(*cards), GFP_KERNEL);
	snap.v = kmalloc(sizeof(*snap.v), GFP_KERNEL);
	if (!cards || !snap.v)
		goto out;
	nooks_track_any(ss->dom, &nooks_snd_obj_card, shadow_snd_collect_card,
			cards);
	nooks_track_any(ss->dom, &nooks_snd_obj_card_devm,
			shadow_snd_collect_card, cards);
	for (i = 0; i < cards->n; i++) {
		snap.card = cards->card[i];
		nooks_snd_ctl_for_each(ss->dom, snap.card,
				       shadow_snd_log_snap_one, &snap);
	}
	if (snap.n)
		pr_info("%s: %u mixer values logged as they are\n",
			ss->dom->name, snap.n);
out:
	kfree(snap.v);
	kfree(cards);
}

/* Forget every logged value. */
void shadow_snd_log_free(struct shadow_snd *ss)
{
	struct shadow_snd_val *e, *tmp;

	spin_lock_irq(&ss->lock);
	list_for_each_entry_safe(e, tmp, &ss->log, node) {
		list_del(&e->node);
		kfree(e);
	}
	spin_unlock_irq(&ss->lock);
}
