// SPDX-License-Identifier: GPL-2.0
/*
 * classes/sound/main.c - the shadow of every sound driver.
 *
 * One class for the PCI sound drivers, with no per-driver code: it works
 * on the card, its PCMs and controls, which every ALSA driver has.
 *
 *   passive     log the mixer settings (log.c); the PCM entry records
 *               remember each stream's parameters (wrap_pcm.c)
 *   active      after a fault: freeze the open streams and answer for
 *               the driver (standin.c)
 *   recovering  keep each registered card, out of devres, stripped of what
 *               the failed driver built on it (keep.c), while nooks
 *               releases the rest; give the card and its PCMs to the
 *               restarted driver when it creates them (same card number,
 *               devices, open files); then replay (replay.c)
 *
 * A restart that fails leaves the kept cards to be disconnected and
 * freed: the applications get an error once and can close.
 */
#define pr_fmt(fmt) "shadow_sound: " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <sound/core.h>
#include <sound/pcm.h>

#include "domain.h"
#include "shadow.h"
#include "sound.h"

/* How long a recovery waits for an asynchronous probe to end. */
#define SHADOW_SND_PROBE_WAIT_MS	10000

static const struct nooks_snd_hooks shadow_snd_hooks;

static void shadow_snd_attach(struct nooks_domain *dom)
{
	struct nooks_snd_domain *sd = nooks_snd_domain(dom);
	struct shadow_snd *ss;

	if (!sd || sd->shadow)
		return;
	ss = kzalloc(sizeof(*ss), GFP_KERNEL);
	if (!ss) {
		pr_warn("%s: out of memory, not shadowed\n", dom->name);
		return;
	}
	ss->dom = dom;
	spin_lock_init(&ss->lock);
	INIT_LIST_HEAD(&ss->log);
	INIT_LIST_HEAD(&ss->kept);
	timer_setup(&ss->wake, shadow_snd_wake, 0);
	init_waitqueue_head(&ss->back);
	mutex_init(&ss->replay);
	WRITE_ONCE(sd->shadow, ss);
	nooks_snd_pcm_set_standin(dom, &shadow_snd_pcm_standin);
	nooks_snd_ctl_set_standin(dom, &shadow_snd_ctl_standin);
	nooks_snd_set_hooks(dom, &shadow_snd_hooks);
	if (READ_ONCE(dom->state) == NOOKS_STATE_RUNNING)
		shadow_snd_log_snapshot(ss);
}

static void shadow_snd_detach(struct nooks_domain *dom)
{
	struct nooks_snd_domain *sd = nooks_snd_domain(dom);
	struct shadow_snd *ss = sd ? sd->shadow : NULL;

	if (!ss)
		return;
	nooks_snd_set_hooks(dom, NULL);		/* waits for the hooks */
	nooks_snd_pcm_set_standin(dom, NULL);
	nooks_snd_ctl_set_standin(dom, NULL);
	synchronize_rcu();			/* stand-ins that started */
	WRITE_ONCE(ss->active, false);
	del_timer_sync(&ss->wake);
	WRITE_ONCE(sd->shadow, NULL);
	shadow_snd_log_free(ss);
	WARN_ON(!list_empty(&ss->kept));
	mutex_destroy(&ss->replay);
	kfree(ss);
}

/* Any context: stand in for the driver's streams and controls. */
static void shadow_snd_failed(struct nooks_domain *dom)
{
	struct shadow_snd *ss = shadow_snd_of(dom);

	if (ss)
		shadow_snd_freeze(ss);
}

/* Keep a registered card, out of devres and stripped, for the restart. */
static bool shadow_snd_keep(struct nooks_domain *dom,
			    const struct nooks_obj *obj)
{
	struct shadow_snd *ss = shadow_snd_of(dom);
	struct snd_card *card = (struct snd_card *)obj->key;
	struct shadow_snd_card *kc;
	int ret;

	if (!ss || (obj->type != &nooks_snd_obj_card &&
		    obj->type != &nooks_snd_obj_card_devm))
		return false;
	if (!card->registered)
		return false;
	kc = kzalloc(sizeof(*kc), GFP_KERNEL);
	if (!kc)
		return false;
	ret = nooks_snd_card_take(card);
	if (ret) {
		dev_warn(card->dev, "shadow: card %d not kept (%d)\n",
			 card->number, ret);
		kfree(kc);
		return false;
	}
	nooks_snd_card_strip(dom, card);
	kc->card = card;
	list_add_tail(&kc->node, &ss->kept);
	return true;
}

/*
 * The restarted driver creates its card: give it the kept one of the same
 * device, its driver data cleared as a new card's, back in devres.
 */
static struct snd_card *shadow_snd_card_new(struct nooks_domain *dom,
					    struct device *parent,
					    size_t extra_size)
{
	struct shadow_snd *ss = shadow_snd_of(dom);
	struct shadow_snd_card *kc;

	if (!ss)
		return NULL;
	list_for_each_entry(kc, &ss->kept, node) {
		struct snd_card *card = kc->card;

		if (kc->rebound || card->dev != parent)
			continue;
		if (nooks_snd_card_give(card))
			return NULL;
		if (extra_size && card->private_data)
			memset(card->private_data, 0, extra_size);
		card->private_free = NULL;
		kc->rebound = true;
		return card;
	}
	return NULL;
}

/* ... and its PCMs: the kept PCM of the same device number and shape. */
static struct snd_pcm *shadow_snd_pcm_new(struct nooks_domain *dom,
					  struct snd_card *card, int device,
					  int playback_count, int capture_count)
{
	struct shadow_snd *ss = shadow_snd_of(dom);
	struct shadow_snd_card *kc;
	struct snd_device *dev;

	if (!ss)
		return NULL;
	list_for_each_entry(kc, &ss->kept, node) {
		if (kc->card != card || !kc->rebound)
			continue;
		list_for_each_entry(dev, &card->devices, list) {
			struct snd_pcm *pcm = dev->device_data;

			if (dev->type != SNDRV_DEV_PCM || pcm->device != device ||
			    pcm->streams[0].substream_count != playback_count ||
			    pcm->streams[1].substream_count != capture_count)
				continue;
			return pcm;
		}
	}
	return NULL;
}

/* The restarted driver registered a card: its (maybe asynchronous) probe is done. */
static void shadow_snd_card_registered(struct nooks_domain *dom,
				       struct snd_card *card)
{
	struct shadow_snd *ss = shadow_snd_of(dom);
	struct shadow_snd_card *kc;

	if (!ss)
		return;
	list_for_each_entry(kc, &ss->kept, node)
		if (kc->card == card && kc->rebound)
			WRITE_ONCE(kc->registered, true);
	wake_up_all(&ss->back);
}

/*
 * Wait for an asynchronous probe (snd_hda_intel's probe work) to give a
 * kept card back and register it: the re-probe returns before.
 */
static void shadow_snd_wait_probe(struct shadow_snd *ss,
				  struct shadow_snd_card *kc)
{
	long left;

	left = wait_event_timeout(ss->back, READ_ONCE(kc->registered),
				  msecs_to_jiffies(SHADOW_SND_PROBE_WAIT_MS));
	if (!left)
		dev_err(kc->card->dev,
			"shadow: card %d not registered again within %u ms\n",
			kc->card->number, SHADOW_SND_PROBE_WAIT_MS);
}

/* After the re-probe: replay each kept card; the streams flow again. */
static int shadow_snd_recover(struct nooks_domain *dom)
{
	struct shadow_snd *ss = shadow_snd_of(dom);
	struct shadow_snd_card *kc, *tmp;
	int ret = 0;

	if (!ss)
		return 0;
	list_for_each_entry_safe(kc, tmp, &ss->kept, node) {
		shadow_snd_wait_probe(ss, kc);
		if (!kc->rebound || !kc->registered) {
			dev_err(kc->card->dev,
				"shadow: restarted driver did not take card %d back\n",
				kc->card->number);
			ret = ret ?: -ENODEV;
			continue;
		}
		ret = shadow_snd_replay(ss, kc->card) ?: ret;
		list_del(&kc->node);
		kfree(kc);
	}
	if (!ret) {
		WRITE_ONCE(ss->active, false);
		nooks_snd_ctl_divert(dom, false);
		del_timer_sync(&ss->wake);
		wake_up_all(&ss->back);
	}
	return ret;
}

/*
 * The driver is left fail-stopped: a kept card the restarted driver did
 * not take back is disconnected (its applications get an error) and
 * freed once closed; one it took went with its failed probe.
 */
static void shadow_snd_stopped(struct nooks_domain *dom)
{
	struct shadow_snd *ss = shadow_snd_of(dom);
	struct shadow_snd_card *kc, *tmp;

	if (!ss)
		return;
	WRITE_ONCE(ss->gave_up, true);
	WRITE_ONCE(ss->active, false);
	del_timer_sync(&ss->wake);
	wake_up_all(&ss->back);
	list_for_each_entry_safe(kc, tmp, &ss->kept, node) {
		if (!kc->rebound)
			snd_card_free_when_closed(kc->card);
		list_del(&kc->node);
		kfree(kc);
	}
}

static const struct nooks_snd_hooks shadow_snd_hooks = {
	.card_new	= shadow_snd_card_new,
	.pcm_new	= shadow_snd_pcm_new,
	.card_registered = shadow_snd_card_registered,
	.ctl_put	= shadow_snd_log_put,
	.pcm_standin	= &shadow_snd_pcm_standin,
	.ctl_standin	= &shadow_snd_ctl_standin,
};

static const struct shadow_class_ops shadow_snd_ops = {
	.attach		= shadow_snd_attach,
	.detach		= shadow_snd_detach,
	.failed		= shadow_snd_failed,
	.keep		= shadow_snd_keep,
	.recover	= shadow_snd_recover,
	.stopped	= shadow_snd_stopped,
	.check		= shadow_snd_check,
};

static struct shadow_class shadow_snd_class = {
	.name	= "sound",
	.ops	= &shadow_snd_ops,
};

static int __init shadow_snd_init(void)
{
	int ret = nooks_snd_pcm_check(&shadow_snd_pcm_standin, "shadow_sound") ?:
		  nooks_snd_ctl_check(&shadow_snd_ctl_standin, "shadow_sound");

	if (ret)
		return ret;
	return shadow_class_register(&shadow_snd_class);
}

static void __exit shadow_snd_exit(void)
{
	shadow_class_unregister(&shadow_snd_class);
}

module_init(shadow_snd_init);
module_exit(shadow_snd_exit);

MODULE_DESCRIPTION("Shadow driver for sound cards");
MODULE_LICENSE("GPL");
