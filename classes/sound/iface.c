// SPDX-License-Identifier: GPL-2.0
/*
 * classes/sound/iface.c - nooks_sound.ko: the sound class of the
 * isolation layer, registered with nooks.ko as a struct nooks_iface.
 *
 * What it covers so far:
 *  - the cards (tracked class objects) and the objects a sound driver
 *    hands over to its card (wrap_card.c), which the card frees, not the
 *    tracker;
 *  - the mixer controls the driver adds (wrap_ctl.c) and the ops of its
 *    PCM streams (wrap_pcm.c): their callbacks are protected calls;
 *  - the codec libraries: a driver's domain covers the codec modules it
 *    uses (nooks_sound_helpers, nooks/group.c), so snd_ac97_codec's
 *    controls, which call the driver's codec accessors, are entries of
 *    snd_intel8x0's domain.
 * The sound shadow comes with the sound class proper (issue 12); until
 * then a sound driver is restarted as a new card.
 */
#define pr_fmt(fmt) "nooks_sound: " fmt

#include <linux/module.h>

#include "nooks_sound.h"

static const struct nooks_import_table * const nooks_sound_tables[] = {
	&nooks_sound_card_imports,
	&nooks_sound_ctl_imports,
	&nooks_sound_pcm_imports,
};

static struct nooks_obj_type * const nooks_sound_types[] = {
	&nooks_snd_obj_card, &nooks_snd_obj_card_devm,
};

/*
 * The codec libraries of the PCI sound drivers, and HDA's codec core and
 * codec drivers: they run code for one card's driver.
 */
static const char * const nooks_sound_helpers[] = {
	"snd_ac97_codec",
	"snd_ak4531_codec",
	"snd_hda_core",
	"snd_hda_codec",
	"snd_hda_codec_*",
	NULL
};

static struct nooks_iface nooks_sound_iface = {
	.name		= "sound",
	.owner		= THIS_MODULE,
	.imports	= nooks_sound_tables,
	.nr_imports	= ARRAY_SIZE(nooks_sound_tables),
	.types		= nooks_sound_types,
	.nr_types	= ARRAY_SIZE(nooks_sound_types),
	.helpers	= nooks_sound_helpers,
};

static int __init nooks_sound_init(void)
{
	int ret = nooks_snd_ctl_check() ?: nooks_snd_pcm_check();

	if (ret)
		return ret;
	return nooks_iface_register(&nooks_sound_iface);
}

static void __exit nooks_sound_exit(void)
{
	nooks_iface_unregister(&nooks_sound_iface);
	nooks_snd_ctl_exit();
}

module_init(nooks_sound_init);
module_exit(nooks_sound_exit);

MODULE_DESCRIPTION("Nooks isolation of sound drivers");
MODULE_LICENSE("GPL");
