// SPDX-License-Identifier: GPL-2.0
/*
 * classes/sound/iface.c - nooks_sound.ko: the sound class of the
 * isolation layer, registered with nooks.ko as a struct nooks_iface.
 *
 * What it covers so far: the objects a sound driver hands over to its
 * card (wrap_card.c), which the card frees, not the tracker. The card, PCM and
 * control interposition, the codec libraries in the driver's domain and
 * the sound shadow come with the sound class proper (issue 12); until
 * then a sound driver is isolated with what nooks.ko covers (memory,
 * interrupts, PCI, device-managed resources) and restarted as a new card.
 */
#define pr_fmt(fmt) "nooks_sound: " fmt

#include <linux/module.h>

#include "nooks_sound.h"

static const struct nooks_import_table * const nooks_sound_tables[] = {
	&nooks_sound_card_imports,
};

static struct nooks_iface nooks_sound_iface = {
	.name		= "sound",
	.owner		= THIS_MODULE,
	.imports	= nooks_sound_tables,
	.nr_imports	= ARRAY_SIZE(nooks_sound_tables),
};

static int __init nooks_sound_init(void)
{
	return nooks_iface_register(&nooks_sound_iface);
}

static void __exit nooks_sound_exit(void)
{
	nooks_iface_unregister(&nooks_sound_iface);
}

module_init(nooks_sound_init);
module_exit(nooks_sound_exit);

MODULE_DESCRIPTION("Nooks isolation of sound drivers");
MODULE_LICENSE("GPL");
