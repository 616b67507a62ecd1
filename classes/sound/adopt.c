// SPDX-License-Identifier: GPL-2.0
/*
 * classes/sound/adopt.c - isolate a running sound driver where it runs.
 *
 * A sound driver loaded natively has registered its cards; applications
 * hold their PCM and control files open, a stream may be playing.
 * Unbinding the driver to probe it again isolated would disconnect the
 * cards under them. The sound class isolates it where it runs instead (an
 * in-place switch, nooks/domain.c), as classes/ide does for ATA hosts:
 *
 *   hold    for each card of the driver's bound devices: its PCMs' opens
 *           and closes wait (open_mutex), its controls' callbacks wait
 *           (controls_rwsem for writing); each open stream's lock is taken
 *           once, so that a trigger or pointer call that began has ended.
 *           The interrupt stays enabled: a running stream keeps playing.
 *   adopt   as at an isolated creation: the card becomes a tracked class
 *           object, each PCM direction gets an entry record (wrap_pcm.c;
 *           its open streams' parameters are taken from the runtime), each
 *           control of the domain's code its wrappers (wrap_ctl.c), and
 *           the interrupt handler becomes a protected call where it is
 *           (nooks_irq_adopt(), the interrupt disabled for the swap only;
 *           one the driver frees itself is tracked, so that a restart
 *           frees it)
 *   let go  the controls and PCMs released: the calls that waited go
 *           through the domain's entries
 *
 * Back to native in place: the same hold, then the reverse of adopt for
 * every card (the substreams' and controls' own callbacks back, the card
 * forgotten); nooks gives the interrupts back. A stream the shadow
 * restarted at another buffer offset plays translated by its record
 * (shift.c) until it is prepared again: the switch back waits for that
 * (-EBUSY, mode unchanged).
 *
 * What the hold does not stop: a PCM ioctl that passed its entry checks
 * before the hold may call the driver's trigger or pointer while the call
 * sites are bound; such a call runs as it would natively (a lock it took
 * natively is released through a wrapper, which lets an untracked lock
 * go). The interrupt handler may run during the binding too, natively (no
 * protected call) until it is adopted. A proc file's read, and timers and
 * work items the driver set up natively (HDA's power-save and jack work),
 * run unprotected until the driver is restarted.
 */
#define pr_fmt(fmt) "nooks_sound: " fmt

#include <linux/device.h>
#include <linux/interrupt.h>
#include <linux/pci.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <sound/core.h>
#include <sound/pcm.h>

#include "domain.h"
#include "nooks_sound.h"

/* Cards per domain an in-place switch handles (SNDRV_CARDS at most). */
#define NOOKS_SND_HOLD_MAX	8
/* Interrupts of one card. */
#define NOOKS_SND_IRQS_MAX	4

/* @card's PCM devices, one per call of @fn. */
static void nooks_snd_each_pcm(struct snd_card *card,
			       void (*fn)(struct snd_pcm *pcm, bool on),
			       bool on)
{
	struct snd_device *dev;

	if (on) {
		list_for_each_entry(dev, &card->devices, list)
			if (dev->type == SNDRV_DEV_PCM)
				fn(dev->device_data, on);
	} else {
		list_for_each_entry_reverse(dev, &card->devices, list)
			if (dev->type == SNDRV_DEV_PCM)
				fn(dev->device_data, on);
	}
}

/*
 * The registered cards of the devices bound to @dom's driver, referenced,
 * into @cards. Return: how many, or -E2BIG, -ENODEV (a device without a
 * card: its driver has not made it, or makes it asynchronously still).
 */
struct nooks_snd_find {
	struct snd_card **cards;
	unsigned int n;
};

static int nooks_snd_find_dev(struct device *dev, void *data)
{
	struct nooks_snd_find *f = data;
	unsigned int before = f->n;
	struct snd_card *card;
	int i;

	for (i = 0; i < SNDRV_CARDS; i++) {
		card = snd_card_ref(i);
		if (!card)
			continue;
		if (card->dev != dev) {
			snd_card_unref(card);
			continue;
		}
		if (!card->registered || f->n == NOOKS_SND_HOLD_MAX) {
			snd_card_unref(card);
			return card->registered ? -E2BIG : -ENODEV;
		}
		f->cards[f->n++] = card;
	}
	return f->n == before ? -ENODEV : 0;
}

static void nooks_snd_unref_all(struct snd_card **cards, unsigned int n)
{
	while (n)
		snd_card_unref(cards[--n]);
}

static int nooks_snd_find_cards(struct nooks_domain *dom,
				struct snd_card **cards)
{
	struct pci_driver *pdrv = READ_ONCE(dom->pdrv);
	struct nooks_snd_find f = { .cards = cards };
	int ret;

	if (!pdrv)
		return -ENODEV;
	ret = driver_for_each_device(&pdrv->driver, NULL, &f,
				     nooks_snd_find_dev);
	if (ret) {
		nooks_snd_unref_all(cards, f.n);
		return ret;
	}
	return f.n;
}

/**
 * nooks_snd_in_place() - can the sound class isolate a running driver?
 * @dom: the domain, its ctl held, its pci_driver found
 *
 * Return: true when each device bound to the driver carries a registered
 * card of its own.
 */
bool nooks_snd_in_place(struct nooks_domain *dom)
{
	struct snd_card *cards[NOOKS_SND_HOLD_MAX];
	int n = nooks_snd_find_cards(dom, cards);

	if (n <= 0)
		return false;
	nooks_snd_unref_all(cards, n);
	return true;
}

/* The interrupts whose cookie is @card's driver data. */
static unsigned int nooks_snd_irqs(struct snd_card *card, unsigned int *irqs,
				   bool any)
{
	if (!card->private_data)
		return 0;
	return nooks_irq_find_actions(card->private_data, irqs,
				      NOOKS_SND_IRQS_MAX, any);
}

static void nooks_snd_hold_pcm(struct snd_pcm *pcm, bool on)
{
	struct snd_pcm_substream *s;
	int dir;

	if (!on) {
		mutex_unlock(&pcm->open_mutex);
		return;
	}
	mutex_lock(&pcm->open_mutex);
	/* a trigger or pointer call under the stream lock has ended */
	for (dir = 0; dir < 2; dir++)
		for (s = pcm->streams[dir].substream; s; s = s->next) {
			if (!s->runtime)
				continue;
			snd_pcm_stream_lock_irq(s);
			snd_pcm_stream_unlock_irq(s);
		}
}

/*
 * The interrupt stays enabled: a playing stream needs its period
 * interrupts (snd_intel8x0 moves the hardware's last valid buffer entry
 * there; without them for longer than the buffer, ~200 ms for mpg123, the
 * DMA halts) and the (un)binding of the call sites takes longer than
 * that under emulation. Its handler is swapped with the interrupt
 * disabled only (nooks_snd_adopt_card(), nooks_irq_let_go()).
 */
static void nooks_snd_hold_card(struct snd_card *card, bool on)
{
	if (on) {
		nooks_snd_each_pcm(card, nooks_snd_hold_pcm, true);
		down_write(&card->controls_rwsem);
		return;
	}
	up_write(&card->controls_rwsem);
	nooks_snd_each_pcm(card, nooks_snd_hold_pcm, false);
}

/**
 * nooks_snd_hold() - bring a running sound driver's cards to rest, or let go
 * @dom: the domain, its ctl held
 * @on: hold, or let go of what a hold (successful or not) held
 *
 * Return: 0; -ENODEV or -E2BIG when the cards are not the driver's alone
 * (nothing held), -ENOMEM; -EBUSY when the domain goes native while a
 * stream plays translated (shift.c): held, to be let go.
 */
int nooks_snd_hold(struct nooks_domain *dom, bool on)
{
	struct nooks_snd_domain *sd = nooks_snd_domain(dom);
	struct snd_card **cards;
	unsigned int i;
	int n;

	if (!sd)
		return -ENODEV;
	if (!on) {
		for (i = sd->nheld; i-- > 0; )
			nooks_snd_hold_card(sd->held[i], false);
		WRITE_ONCE(sd->holder, NULL);
		nooks_snd_unref_all(sd->held, sd->nheld);
		kfree(sd->held);
		sd->held = NULL;
		sd->nheld = 0;
		return 0;
	}
	if (WARN_ON(sd->held))
		return -EBUSY;
	cards = kcalloc(NOOKS_SND_HOLD_MAX, sizeof(*cards), GFP_KERNEL);
	if (!cards)
		return -ENOMEM;
	n = nooks_snd_find_cards(dom, cards);
	if (n <= 0) {
		kfree(cards);
		return n ?: -ENODEV;
	}
	sd->held = cards;
	sd->nheld = n;
	WRITE_ONCE(sd->holder, current);
	for (i = 0; i < n; i++)
		nooks_snd_hold_card(cards[i], true);
	if (dom->mode != NOOKS_MODE_OFF)
		for (i = 0; i < n; i++)
			if (nooks_snd_pcm_shifted(dom, cards[i])) {
				dev_err(cards[i]->dev,
					"card %d: a stream restarted by a recovery plays translated until it is prepared again or closed\n",
					cards[i]->number);
				return -EBUSY;
			}
	return 0;
}

/* The tracked type of @card. */
static struct nooks_obj_type *nooks_snd_card_type(struct snd_card *card)
{
	return card->managed ? &nooks_snd_obj_card_devm : &nooks_snd_obj_card;
}

/* Undo nooks_snd_adopt_card() (as far as it went) on a held card. */
static void nooks_snd_let_go_card(struct nooks_domain *dom,
				  struct snd_card *card)
{
	unsigned int irqs[NOOKS_SND_IRQS_MAX], n, i;

	/* interrupts requested isolated are nooks's (nooks_irq_let_go()) */
	n = nooks_snd_irqs(card, irqs, false);
	for (i = 0; i < n; i++)
		nooks_irq_unadopt(card->dev, irqs[i], card->private_data);
	nooks_snd_ctl_let_go(dom, card);
	nooks_snd_pcm_let_go(dom, card);
	nooks_track_del(dom, nooks_snd_card_type(card), (unsigned long)card,
			NULL);
}

static int nooks_snd_adopt_card(struct nooks_domain *dom,
				struct snd_card *card)
{
	unsigned int irqs[NOOKS_SND_IRQS_MAX], n, i;
	struct snd_device *dev;
	struct nooks_obj obj;
	int dir, ret;

	if (!nooks_track_get(dom, nooks_snd_card_type(card),
			     (unsigned long)card, &obj))
		nooks_track_add(dom, nooks_snd_card_type(card),
				(unsigned long)card, 0, 0, 0);
	list_for_each_entry(dev, &card->devices, list) {
		if (dev->type != SNDRV_DEV_PCM)
			continue;
		for (dir = 0; dir < 2; dir++) {
			ret = nooks_snd_pcm_adopt(dom, dev->device_data, dir);
			if (ret)
				return ret;
		}
	}
	ret = nooks_snd_ctl_adopt(dom, card);
	if (ret)
		return ret;
	n = nooks_snd_irqs(card, irqs, false);
	for (i = 0; i < n; i++) {
		disable_irq(irqs[i]);		/* waits for the handler */
		ret = nooks_irq_adopt(dom, card->dev, irqs[i],
				      card->private_data);
		enable_irq(irqs[i]);
		if (ret) {
			dev_err(card->dev, "cannot isolate irq %u (%d)\n",
				irqs[i], ret);
			return ret;
		}
	}
	dev_info(card->dev, "card %d taken over: %u interrupts\n",
		 card->number, n);
	return 0;
}

/**
 * nooks_snd_adopt() - take over the cards a running sound driver made
 * @dom: the domain, its call sites bound, its cards held
 *
 * Return: 0, or an error after every card was let go again.
 */
int nooks_snd_adopt(struct nooks_domain *dom)
{
	struct nooks_snd_domain *sd = nooks_snd_domain(dom);
	unsigned int i;
	int ret = 0;

	if (!sd || !sd->held)
		return -ENODEV;
	for (i = 0; i < sd->nheld && !ret; i++)
		ret = nooks_snd_adopt_card(dom, sd->held[i]);
	if (ret)
		for (i = 0; i < sd->nheld; i++)
			nooks_snd_let_go_card(dom, sd->held[i]);
	return ret;
}

/**
 * nooks_snd_let_go() - give a held sound driver's cards their own entries
 * @dom: the domain, its cards held, going back to native in place
 *
 * Each card, adopted or made isolated, is forgotten by the tracker; its
 * PCMs and controls get the driver's callbacks back.
 */
void nooks_snd_let_go(struct nooks_domain *dom)
{
	struct nooks_snd_domain *sd = nooks_snd_domain(dom);
	unsigned int i;

	if (!sd || !sd->held)
		return;
	for (i = 0; i < sd->nheld; i++)
		nooks_snd_let_go_card(dom, sd->held[i]);
}
