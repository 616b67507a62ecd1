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
 * In isolate mode a restarted driver makes a new card. In shadow mode the
 * sound shadow (shadow_sound.ko) keeps the card through hooks
 * (struct nooks_snd_hooks): the restarted driver's card and PCMs are the
 * kept ones.
 */
#define pr_fmt(fmt) "nooks_sound: " fmt

#include <linux/module.h>
#include <linux/slab.h>

#include "domain.h"
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

static struct nooks_iface nooks_sound_iface;

/**
 * nooks_snd_domain() - the sound class's data of a domain
 * @dom: the domain
 *
 * Return: the data; NULL only while the sound class is being unloaded.
 */
struct nooks_snd_domain *nooks_snd_domain(struct nooks_domain *dom)
{
	return nooks_iface_data(dom, &nooks_sound_iface);
}
EXPORT_SYMBOL_GPL(nooks_snd_domain);

/**
 * nooks_snd_set_hooks() - give the sound shadow its say in a domain
 * @dom: the domain, its ctl held
 * @hooks: the shadow's hooks, or NULL to take them back
 *
 * Taking them back waits until no wrapper still runs one.
 */
void nooks_snd_set_hooks(struct nooks_domain *dom,
			 const struct nooks_snd_hooks *hooks)
{
	struct nooks_snd_domain *sd = nooks_snd_domain(dom);

	lockdep_assert_held(&dom->ctl);
	if (!sd)
		return;
	mutex_lock(&sd->lock);
	rcu_assign_pointer(sd->hooks, hooks);
	mutex_unlock(&sd->lock);
	if (!hooks)
		synchronize_rcu();
}
EXPORT_SYMBOL_GPL(nooks_snd_set_hooks);

/* The shadow's hooks of @dom; caller holds the domain's sound lock. */
const struct nooks_snd_hooks *nooks_snd_hooks_get(struct nooks_domain *dom)
{
	struct nooks_snd_domain *sd = nooks_snd_domain(dom);

	return sd ? rcu_dereference_protected(sd->hooks,
					      lockdep_is_held(&sd->lock)) : NULL;
}

static int nooks_sound_domain_add(struct nooks_domain *dom)
{
	struct nooks_snd_domain *sd = kzalloc(sizeof(*sd), GFP_KERNEL);

	if (!sd)
		return -ENOMEM;
	mutex_init(&sd->lock);
	spin_lock_init(&sd->pcms_lock);
	INIT_LIST_HEAD(&sd->pcms);
	nooks_iface_set_data(dom, &nooks_sound_iface, sd);
	return 0;
}

/* The domain is native or unloaded: its cards were freed. */
static void nooks_sound_domain_del(struct nooks_domain *dom)
{
	struct nooks_snd_domain *sd = nooks_snd_domain(dom);
	struct nooks_snd_pcm *p, *tmp;

	if (!sd)
		return;
	/* not expected: a card outlives its driver; forget, do not touch */
	list_for_each_entry_safe(p, tmp, &sd->pcms, node) {
		pr_warn("%s: a PCM record was left: forgotten\n", dom->name);
		list_del_init(&p->node);
	}
	nooks_iface_set_data(dom, &nooks_sound_iface, NULL);
	mutex_destroy(&sd->lock);
	kfree(sd);
}

static struct nooks_iface nooks_sound_iface = {
	.name		= "sound",
	.owner		= THIS_MODULE,
	.imports	= nooks_sound_tables,
	.nr_imports	= ARRAY_SIZE(nooks_sound_tables),
	.types		= nooks_sound_types,
	.nr_types	= ARRAY_SIZE(nooks_sound_types),
	.helpers	= nooks_sound_helpers,
	.domain_add	= nooks_sound_domain_add,
	.domain_del	= nooks_sound_domain_del,
	.reset		= nooks_snd_statics_reset,
	.in_place	= nooks_snd_in_place,
	.hold		= nooks_snd_hold,
	.adopt		= nooks_snd_adopt,
	.let_go		= nooks_snd_let_go,
};

static int __init nooks_sound_init(void)
{
	int ret = nooks_snd_ctl_check(&nooks_snd_ctl_isolate, "isolate") ?:
		  nooks_snd_pcm_check(&nooks_snd_pcm_isolate, "isolate") ?:
		  nooks_snd_card_init();

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
