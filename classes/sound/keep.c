// SPDX-License-Identifier: GPL-2.0
/*
 * classes/sound/keep.c - a card kept across its driver's restart.
 *
 * An application's open PCM or control file hangs on the card, its PCM
 * devices and their runtimes; the sound shadow keeps them and gives them
 * to the restarted driver. What the failed driver built on the card
 * around them goes, so that the restarted driver can build it again:
 *
 *   take   a device-managed card (snd_devm_card_new()) leaves the device's
 *          devres list: the unbind would disconnect and free it. Its two
 *          nodes (the card's memory, and the action snd_card_register()
 *          adds) go back with give, before the restarted driver's own.
 *   strip  the card's components but its PCMs, their timers and its
 *          control device: codecs and buses (with their driver callbacks
 *          disarmed first: the driver is the failed one), rawmidi and
 *          hwdep devices, the driver's low-level objects; the controls
 *          the driver and its codec library added; its proc files; the
 *          PCMs' driver data and channel-map controls.
 *
 * (What the driver keeps in module-global variables about its devices is
 * reset for any restart, kept card or not: statics.c.)
 */
#define pr_fmt(fmt) "nooks_sound: " fmt

#include <linux/device.h>
#include <linux/kallsyms.h>
#include <sound/ac97_codec.h>
#include <sound/ak4531_codec.h>
#include <sound/core.h>
#include <sound/hda_codec.h>
#include <sound/info.h>
#include <sound/pcm.h>

#include "domain.h"
#include "nooks_sound.h"
#include "symbols.h"

/* snd.ko's devres release of a managed card and its register action */
static void (*nooks_snd_card_release_fn)(struct device *dev, void *data);
static void (*nooks_snd_card_action_fn)(void *data);

static unsigned short nooks_snd_ac97_read(struct snd_ac97 *ac97,
					  unsigned short reg)
{
	return 0;
}

static void nooks_snd_ac97_write(struct snd_ac97 *ac97, unsigned short reg,
				 unsigned short val)
{
}

/* A failed driver's codec accessors, as the codec library frees a codec. */
static const struct snd_ac97_bus_ops nooks_snd_ac97_dead = {
	.read	= nooks_snd_ac97_read,
	.write	= nooks_snd_ac97_write,
};

static void nooks_snd_ak4531_write(struct snd_ak4531 *ak4531,
				   unsigned short reg, unsigned short val)
{
}

/*
 * Disarm the failed driver's callbacks in a codec or bus the codec
 * libraries free: they would call the driver. The library is known by
 * the name of its (static) free routine ("snd_ac97_dev_free").
 */
static void nooks_snd_device_disarm(struct snd_device *dev)
{
	char fn[KSYM_SYMBOL_LEN];

	if (!dev->ops->dev_free)
		return;
	sprint_symbol_no_offset(fn, (unsigned long)dev->ops->dev_free);
	*strchrnul(fn, ' ') = 0;
	if (!strcmp(fn, "snd_ac97_bus_dev_free")) {
		struct snd_ac97_bus *bus = dev->device_data;

		bus->private_free = NULL;
		bus->ops = &nooks_snd_ac97_dead;
	} else if (!strcmp(fn, "snd_ac97_dev_free")) {
		struct snd_ac97 *ac97 = dev->device_data;

		ac97->private_free = NULL;
		if (ac97->bus)
			ac97->bus->ops = &nooks_snd_ac97_dead;
	} else if (!strcmp(fn, "snd_ak4531_dev_free")) {
		struct snd_ak4531 *ak4531 = dev->device_data;

		ak4531->private_free = NULL;
		ak4531->write = nooks_snd_ak4531_write;
	} else if (!strcmp(fn, "snd_hda_codec_dev_free")) {
		struct hda_codec *codec = dev->device_data;
		struct hda_pcm *cpcm;
		unsigned int refs = 1;	/* the codec's own */

		/*
		 * An HDA codec's removal disconnects and frees its PCMs,
		 * and waits for the streams open on them to close: the
		 * PCMs are the card's to keep, and the streams open now
		 * are the shadow's (their close never reaches the codec).
		 */
		list_for_each_entry(cpcm, &codec->pcm_list_head, list) {
			cpcm->pcm = NULL;
			if (!cpcm->disconnected)
				refs++;	/* dropped as it is disconnected */
		}
		refcount_set(&codec->pcm_ref, refs);
	}
}

/* Does the card keep @dev for the restarted driver? */
static bool nooks_snd_device_kept(struct snd_device *dev)
{
	switch (dev->type) {
	case SNDRV_DEV_PCM:
	case SNDRV_DEV_CONTROL:
	case SNDRV_DEV_TIMER:	/* the PCMs' timers */
		return true;
	default:
		return false;
	}
}

/**
 * nooks_snd_card_disarm() - no component of a card calls the failed driver
 * @card: a card of a failed driver, about to be freed or stripped
 *
 * The codecs and buses the codec libraries free get their driver
 * callbacks disarmed; an HDA codec stops waiting for the streams open on
 * its PCMs to close (their close never reaches it: a stand-in answers).
 */
void nooks_snd_card_disarm(struct snd_card *card)
{
	struct snd_device *dev;

	list_for_each_entry(dev, &card->devices, list)
		nooks_snd_device_disarm(dev);
}

static void nooks_snd_strip_devices(struct nooks_domain *dom,
				    struct snd_card *card)
{
	struct snd_device *dev, *tmp;

	list_for_each_entry_safe_reverse(dev, tmp, &card->devices, list) {
		if (nooks_snd_device_kept(dev))
			continue;
		if (dev->type == SNDRV_DEV_LOWLEVEL) {
			/* ours (PCM entry records) stay; the driver's are its
			 * memory, which the tracker frees
			 */
			if (nooks_domain_in_text(dom,
						 (unsigned long)dev->ops->dev_free)) {
				list_del(&dev->list);
				kfree(dev);
			}
			continue;
		}
		nooks_snd_device_disarm(dev);
		snd_device_free(card, dev->device_data);
	}
}

/* Free the proc files whose handlers are the domain's code. */
static void nooks_snd_strip_proc(struct nooks_domain *dom,
				 struct snd_card *card)
{
	struct snd_info_entry *e, *tmp;

	if (!card->proc_root)
		return;
	list_for_each_entry_safe(e, tmp, &card->proc_root->children, list) {
		if (e->content != SNDRV_INFO_CONTENT_TEXT ||
		    !nooks_domain_in_text(dom, (unsigned long)e->c.text.read))
			continue;
		snd_info_free_entry(e);
	}
}

static void nooks_snd_strip_pcms(struct snd_card *card)
{
	struct snd_device *dev;
	struct snd_pcm *pcm;
	int s;

	list_for_each_entry(dev, &card->devices, list) {
		if (dev->type != SNDRV_DEV_PCM)
			continue;
		pcm = dev->device_data;
		pcm->private_free = NULL;
		pcm->private_data = NULL;
		for (s = 0; s < 2; s++) {
			struct snd_kcontrol *kctl = pcm->streams[s].chmap_kctl;

			if (!kctl)
				continue;
			down_write(&card->controls_rwsem);
			snd_ctl_remove(card, kctl);	/* clears chmap_kctl */
			up_write(&card->controls_rwsem);
		}
	}
}

/**
 * nooks_snd_card_strip() - leave only what the shadow keeps of a card
 * @dom: the failed domain
 * @card: the card, taken out of devres if device-managed
 *
 * Process context, before the failed driver's memory is freed (the codec
 * libraries free theirs here). The card's own driver data (private_data)
 * is the restarted driver's to fill again: its private_free goes.
 */
void nooks_snd_card_strip(struct nooks_domain *dom, struct snd_card *card)
{
	card->private_free = NULL;
	nooks_snd_ctl_strip(dom, card);
	nooks_snd_strip_pcms(card);
	nooks_snd_strip_devices(dom, card);
	nooks_snd_strip_proc(dom, card);
}
EXPORT_SYMBOL_GPL(nooks_snd_card_strip);

/**
 * nooks_snd_card_take() - take a device-managed card out of devres
 * @card: a registered card
 *
 * The unbind of its device then leaves it alone. A card the driver frees
 * itself (snd_card_new()) has nothing to take.
 *
 * Return: 0; -ENOENT if the card's devres release is not there, -EBUSY if
 * the card is not registered (its register action not there).
 */
int nooks_snd_card_take(struct snd_card *card)
{
	if (!card->managed)
		return 0;
	if (!nooks_snd_card_release_fn || !nooks_snd_card_action_fn)
		return -ENOENT;
	if (!card->registered)
		return -EBUSY;
	if (devres_remove(card->dev, nooks_snd_card_release_fn, NULL, NULL) !=
	    card)
		return -ENOENT;
	devm_remove_action(card->dev, nooks_snd_card_action_fn, card);
	return 0;
}
EXPORT_SYMBOL_GPL(nooks_snd_card_take);

/**
 * nooks_snd_card_give() - put a taken card back in devres
 * @card: the card, given to the restarted driver as the one it creates
 *
 * Return: 0 or -ENOMEM.
 */
int nooks_snd_card_give(struct snd_card *card)
{
	if (!card->managed)
		return 0;
	devres_add(card->dev, card);
	/* snd_card_register() of a registered card replaces the action */
	return devm_add_action(card->dev, nooks_snd_card_action_fn, card);
}
EXPORT_SYMBOL_GPL(nooks_snd_card_give);

/* Find snd.ko's static devres callbacks of a managed card. */
int nooks_snd_card_init(void)
{
	nooks_snd_card_release_fn = (void *)nooks_lookup_name("__snd_card_release");
	nooks_snd_card_action_fn = (void *)nooks_lookup_name("trigger_card_free");
	if (!nooks_snd_card_release_fn || !nooks_snd_card_action_fn)
		pr_warn("snd's card devres callbacks not found: device-managed cards cannot be kept\n");
	return 0;
}
