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

static NOOKS_RELEASE(snd_card)
{
	snd_card_free((struct snd_card *)obj->key);
}

/* Cards: registered class objects of the driver. */
struct nooks_obj_type nooks_snd_obj_card = {
	.name = "snd_card", .stage = NOOKS_STAGE_CLASS,
	.release = nooks_snd_card_release,
};

struct nooks_obj_type nooks_snd_obj_card_devm = {
	.name = "snd_card_devm", .stage = NOOKS_STAGE_CLASS, .devres = true,
};

static int nooks_snd_card_new(struct device *parent, int idx, const char *xid,
			      struct module *module, int extra_size,
			      struct snd_card **card_ret)
{
	struct nooks_domain *dom = nooks_caller_domain();
	int ret = snd_card_new(parent, idx, xid, module, extra_size, card_ret);

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
	int ret = snd_devm_card_new(parent, idx, xid, module, extra_size,
				    card_ret);

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

static const struct nooks_import nooks_snd_card_list[] = {
	NOOKS_IMPORT(snd_device_new, nooks_snd_device_new),
	NOOKS_IMPORT(snd_card_new, nooks_snd_card_new),
	NOOKS_IMPORT(snd_devm_card_new, nooks_snd_devm_card_new),
	NOOKS_IMPORT(snd_card_free, nooks_snd_card_free),
	NOOKS_IMPORT(snd_card_free_when_closed, nooks_snd_card_free_when_closed),
};

const struct nooks_import_table nooks_sound_card_imports = {
	.name = "snd",
	.imports = nooks_snd_card_list,
	.n = ARRAY_SIZE(nooks_snd_card_list),
};
