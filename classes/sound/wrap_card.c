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

static const struct nooks_import nooks_snd_card_list[] = {
	{ "snd_device_new", nooks_snd_device_new },
};

const struct nooks_import_table nooks_sound_card_imports = {
	.name = "snd",
	.imports = nooks_snd_card_list,
	.n = ARRAY_SIZE(nooks_snd_card_list),
};
