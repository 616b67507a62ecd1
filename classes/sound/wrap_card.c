// SPDX-License-Identifier: GPL-2.0
/*
 * classes/sound/wrap_card.c - what a sound driver hands to its card.
 *
 * snd_device_new(card, type, device_data, ops) makes @device_data (a
 * codec, a chip structure the driver allocated) a component of the card:
 * the card frees it, through ops->dev_free, when it is freed itself. For
 * the tracker it is no longer the driver's memory: a restart that freed
 * it and then let the unbind free the card (a device-managed card,
 * snd_devm_card_new()) would free it twice. snd_ens1370's AK4531 codec is
 * one such object.
 *
 * The card itself is a class object: a device-managed card
 * (snd_devm_card_new()) is recorded and left to the unbind, which frees
 * it; a card the driver frees itself (snd_card_new()) is freed by the
 * tracker when the driver cannot (after a failure, the wrapped remove
 * does not enter the driver).
 *
 * In shadow mode the card of a restarted driver is the one the shadow
 * kept (keep.c): the shadow's card_new hook hands it back. A card the
 * driver frees itself stayed tracked; a device-managed one is tracked
 * again (the unbind forgot every device-managed object).
 */
#include <sound/core.h>

#include "domain.h"
#include "nooks_sound.h"
#include "wrap.h"

static int nooks_snd_device_new(struct snd_card *card, enum snd_device_type type,
				void *device_data,
				const struct snd_device_ops *ops)
{
	struct nooks_domain *dom = nooks_caller_domain();
	int ret = snd_device_new(card, type, device_data, ops);

	if (!ret && dom)
		nooks_track_handover(dom, device_data);
	return ret;
}

/* A card the failed driver cannot free: its components must not call it. */
static NOOKS_RELEASE(snd_card)
{
	struct snd_card *card = (struct snd_card *)obj->key;

	nooks_snd_card_disarm(card);
	snd_card_free(card);
}

/* Cards: registered class objects of the driver. */
struct nooks_obj_type nooks_snd_obj_card = {
	.name = "snd_card", .stage = NOOKS_STAGE_CLASS,
	.release = nooks_snd_card_release,
};
EXPORT_SYMBOL_GPL(nooks_snd_obj_card);

struct nooks_obj_type nooks_snd_obj_card_devm = {
	.name = "snd_card_devm", .stage = NOOKS_STAGE_CLASS, .devres = true,
};
EXPORT_SYMBOL_GPL(nooks_snd_obj_card_devm);

/* The card the shadow kept for the restarted driver of @dom, if any. */
static struct snd_card *nooks_snd_card_kept(struct nooks_domain *dom,
					    struct device *parent,
					    size_t extra_size)
{
	struct nooks_snd_domain *sd = dom ? nooks_snd_domain(dom) : NULL;
	const struct nooks_snd_hooks *hooks;
	struct snd_card *card = NULL;

	if (!sd)
		return NULL;
	mutex_lock(&sd->lock);
	hooks = nooks_snd_hooks_get(dom);
	if (hooks && hooks->card_new)
		card = hooks->card_new(dom, parent, extra_size);
	mutex_unlock(&sd->lock);
	return card;
}

static int nooks_snd_card_new(struct device *parent, int idx, const char *xid,
			      struct module *module, int extra_size,
			      struct snd_card **card_ret)
{
	struct nooks_domain *dom = nooks_caller_domain();
	struct snd_card *kept = nooks_snd_card_kept(dom, parent, extra_size);
	int ret;

	if (kept) {
		*card_ret = kept;
		return 0;
	}
	ret = snd_card_new(parent, idx, xid, module, extra_size, card_ret);

	if (!ret && dom)
		nooks_track_add(dom, &nooks_snd_obj_card,
				(unsigned long)*card_ret, 0, 0, 0);
	return ret;
}

static int nooks_snd_devm_card_new(struct device *parent, int idx,
				   const char *xid, struct module *module,
				   size_t extra_size, struct snd_card **card_ret)
{
	struct nooks_domain *dom = nooks_caller_domain();
	struct snd_card *kept = nooks_snd_card_kept(dom, parent, extra_size);
	int ret;

	if (kept) {
		/* the unbind forgot it with the device-managed objects */
		nooks_track_add(dom, &nooks_snd_obj_card_devm,
				(unsigned long)kept, 0, 0, 0);
		*card_ret = kept;
		return 0;
	}
	ret = snd_devm_card_new(parent, idx, xid, module, extra_size, card_ret);

	if (!ret && dom)
		nooks_track_add(dom, &nooks_snd_obj_card_devm,
				(unsigned long)*card_ret, 0, 0, 0);
	return ret;
}

static int nooks_snd_card_free(struct snd_card *card)
{
	struct nooks_domain *dom = nooks_caller_domain();

	if (dom)
		nooks_track_del(dom, &nooks_snd_obj_card, (unsigned long)card,
				NULL);
	return snd_card_free(card);
}

static int nooks_snd_card_free_when_closed(struct snd_card *card)
{
	struct nooks_domain *dom = nooks_caller_domain();

	if (dom)
		nooks_track_del(dom, &nooks_snd_obj_card, (unsigned long)card,
				NULL);
	return snd_card_free_when_closed(card);
}

/* A card registered: the shadow waits for it after an asynchronous probe. */
static int nooks_snd_card_register(struct snd_card *card)
{
	struct nooks_domain *dom = nooks_caller_domain();
	struct nooks_snd_domain *sd = dom ? nooks_snd_domain(dom) : NULL;
	const struct nooks_snd_hooks *hooks;
	int ret = snd_card_register(card);

	if (ret || !sd)
		return ret;
	mutex_lock(&sd->lock);
	hooks = nooks_snd_hooks_get(dom);
	if (hooks && hooks->card_registered)
		hooks->card_registered(dom, card);
	mutex_unlock(&sd->lock);
	return 0;
}

static const struct nooks_import nooks_snd_card_list[] = {
	NOOKS_IMPORT(snd_device_new, nooks_snd_device_new),
	NOOKS_IMPORT(snd_device_free, nooks_snd_pcm_device_free),
	NOOKS_IMPORT(snd_card_new, nooks_snd_card_new),
	NOOKS_IMPORT(snd_devm_card_new, nooks_snd_devm_card_new),
	NOOKS_IMPORT(snd_card_register, nooks_snd_card_register),
	NOOKS_IMPORT(snd_card_free, nooks_snd_card_free),
	NOOKS_IMPORT(snd_card_free_when_closed, nooks_snd_card_free_when_closed),
};

const struct nooks_import_table nooks_sound_card_imports = {
	.name = "snd",
	.imports = nooks_snd_card_list,
	.n = ARRAY_SIZE(nooks_snd_card_list),
};
