// SPDX-License-Identifier: GPL-2.0
/*
 * classes/ide/iface.c - nooks_ide.ko: the ide (ATA) class of the isolation
 * layer, registered with nooks.ko as a struct nooks_iface.
 *
 * An ATA driver's domain covers libata (a helper, nooks/group.c): the
 * command path, the interrupt handler and error handling that run for
 * ata_piix are libata's. libata's allocations stay its own (the host and
 * its ports are reference counted and outlive a driver), so they are not
 * tracked; its interrupt, timers, work and spinlocks are, like the
 * driver's. The port operations are the domain's entries (wrap_port.c),
 * the activated hosts its class objects (wrap_host.c).
 *
 * A domain covers libata only while no other loaded driver uses it (an
 * AHCI disk next to the PIIX one): libata's calls would be billed to the
 * wrong driver. The port operations are still wrapped then, but faults
 * in libata's own code around them are not contained.
 */
#define pr_fmt(fmt) "nooks_ide: " fmt

#include <linux/module.h>
#include <linux/slab.h>

#include "domain.h"
#include "nooks_ide.h"

static const struct nooks_import_table * const nooks_ide_tables[] = {
	&nooks_ata_host_imports,
};

static struct nooks_obj_type * const nooks_ide_types[] = {
	&nooks_ata_obj_host,
};

static const char * const nooks_ide_helpers[] = {
	"libata",
	NULL
};

static struct nooks_iface nooks_ide_iface;

/**
 * nooks_ata_domain() - the ide class's data of a domain
 * @dom: the domain
 *
 * Return: the data; NULL only while the ide class is being unloaded.
 */
struct nooks_ata_domain *nooks_ata_domain(struct nooks_domain *dom)
{
	return nooks_iface_data(dom, &nooks_ide_iface);
}
EXPORT_SYMBOL_GPL(nooks_ata_domain);

/**
 * nooks_ata_set_standin() - who answers for the driver while it cannot
 * @dom: the domain, its ctl held
 * @standin: the ide shadow's stand-ins, or NULL for isolate mode's
 *	(checked with nooks_ata_check_standin() first)
 */
void nooks_ata_set_standin(struct nooks_domain *dom,
			   const struct ata_port_operations *standin)
{
	struct nooks_ata_domain *ad = nooks_ata_domain(dom);

	lockdep_assert_held(&dom->ctl);
	if (ad)
		WRITE_ONCE(ad->standin, standin ?: &nooks_ata_isolate);
}
EXPORT_SYMBOL_GPL(nooks_ata_set_standin);

static int nooks_ide_domain_add(struct nooks_domain *dom)
{
	struct nooks_ata_domain *ad = kzalloc(sizeof(*ad), GFP_KERNEL);

	if (!ad)
		return -ENOMEM;
	mutex_init(&ad->lock);
	INIT_LIST_HEAD(&ad->hosts);
	init_waitqueue_head(&ad->wq);
	ad->standin = &nooks_ata_isolate;
	nooks_iface_set_data(dom, &nooks_ide_iface, ad);
	return 0;
}

/* The domain is native or unloaded: its hosts were let go. */
static void nooks_ide_domain_del(struct nooks_domain *dom)
{
	struct nooks_ata_domain *ad = nooks_ata_domain(dom);

	if (!ad)
		return;
	if (!list_empty(&ad->hosts))
		pr_warn("%s: an ATA host record was left\n", dom->name);
	nooks_iface_set_data(dom, &nooks_ide_iface, NULL);
	mutex_destroy(&ad->lock);
	kfree(ad);
}

static struct nooks_iface nooks_ide_iface = {
	.name			= "ide",
	.owner			= THIS_MODULE,
	.imports		= nooks_ide_tables,
	.nr_imports		= ARRAY_SIZE(nooks_ide_tables),
	.types			= nooks_ide_types,
	.nr_types		= ARRAY_SIZE(nooks_ide_types),
	.helpers		= nooks_ide_helpers,
	.helpers_own_memory	= true,
	.domain_add		= nooks_ide_domain_add,
	.domain_del		= nooks_ide_domain_del,
	.in_place		= nooks_ata_in_place,
	.hold			= nooks_ata_hold,
	.adopt			= nooks_ata_adopt,
	.let_go			= nooks_ata_let_go,
};

static int __init nooks_ide_init(void)
{
	int ret = nooks_ata_check_standin(&nooks_ata_isolate, "isolate");

	if (ret)
		return ret;
	return nooks_iface_register(&nooks_ide_iface);
}

static void __exit nooks_ide_exit(void)
{
	nooks_iface_unregister(&nooks_ide_iface);
}

module_init(nooks_ide_init);
module_exit(nooks_ide_exit);

MODULE_DESCRIPTION("Nooks isolation of ATA drivers");
MODULE_LICENSE("GPL");
