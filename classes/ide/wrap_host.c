// SPDX-License-Identifier: GPL-2.0
/*
 * classes/ide/wrap_host.c - the ATA hosts an isolated driver activates.
 *
 * ata_piix prepares its host (ports, taskfile and DMA registers) and then
 * activates it: libata starts the ports, requests the interrupt and
 * registers a SCSI host per port, whose disks the file systems use.
 * Before the activation goes on, each port's operations become the
 * domain's entries (wrap_port.c); the record of the host lives as long as
 * the host is bound to the driver (a device-managed action frees it after
 * libata has stopped the ports).
 *
 * The host is a tracked class object: a generic restart (isolate mode)
 * detaches it first, so that its SCSI hosts and disks go before the
 * unbind frees the host (the driver's own remove, which would detach it,
 * is not called for a failed driver). The ide shadow restarts the driver
 * in place instead and the host never goes (classes/ide/main.c).
 */
#define pr_fmt(fmt) "nooks_ide: " fmt

#include <linux/device.h>
#include <linux/libata.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "bind.h"
#include "domain.h"
#include "nooks_ide.h"
#include "wrap.h"

/*
 * Generic restart, or a driver left fail-stopped: the host's ports and
 * their SCSI hosts go first. The detach removes the disks, which syncs
 * their file systems, which waits for the commands in flight: one the
 * failed driver was issuing is taken as issued, and an error handler may
 * be waiting for a restart that will not come. So the error handlers are
 * told the host is leaving (they unload their ports at once) and the
 * commands are aborted before, not after the SCSI timeout.
 */
static void nooks_ata_host_release(struct nooks_domain *dom,
				   const struct nooks_obj *obj)
{
	struct ata_host *host = (struct ata_host *)obj->key;
	struct nooks_ata_domain *ad = nooks_ata_domain(dom);
	unsigned long flags;
	unsigned int i;

	if (ad) {
		WRITE_ONCE(ad->leaving, true);
		wake_up_all(&ad->wq);
	}
	for (i = 0; i < host->n_ports; i++) {
		struct ata_port *ap = host->ports[i];

		spin_lock_irqsave(ap->lock, flags);
		ata_port_abort(ap);
		spin_unlock_irqrestore(ap->lock, flags);
	}
	ata_host_detach(host);
}

struct nooks_obj_type nooks_ata_obj_host = {
	.name = "ata_host", .stage = NOOKS_STAGE_CLASS,
	.release = nooks_ata_host_release,
};

/* Device-managed action: the host is let go (unbind, failed probe). */
static void nooks_ata_host_free(void *data)
{
	struct nooks_ata_host *h = data;
	struct nooks_ata_domain *ad = h->port[0].ad;
	unsigned int i;

	for (i = 0; i < h->nr_ports; i++)
		nooks_ata_port_unwrap(&h->port[i]);
	mutex_lock(&ad->lock);
	list_del(&h->node);
	mutex_unlock(&ad->lock);
	kfree(h);
}

/**
 * nooks_ata_host_add() - wrap an ATA host's ports for a domain
 * @dom: the domain
 * @ad: its ide data
 * @host: the host, not started yet, or at rest (adopt.c)
 *
 * Until the host is let go (a device-managed action on its device, or
 * nooks_ata_host_let_go()).
 *
 * Return: 0 or -ENOMEM.
 */
int nooks_ata_host_add(struct nooks_domain *dom, struct nooks_ata_domain *ad,
		       struct ata_host *host)
{
	struct nooks_ata_host *h;
	unsigned int i, n = 0;

	for (i = 0; i < host->n_ports; i++)
		if (!ata_port_is_dummy(host->ports[i]))
			n++;
	if (!n)
		return 0;
	h = kzalloc(struct_size(h, port, n), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	h->host = host;
	for (i = 0; i < host->n_ports; i++)
		if (!ata_port_is_dummy(host->ports[i]))
			nooks_ata_port_wrap(&h->port[h->nr_ports++], dom, ad,
					    host->ports[i]);
	mutex_lock(&ad->lock);
	list_add_tail(&h->node, &ad->hosts);
	/* a re-probe after a generic restart: the hosts are back */
	WRITE_ONCE(ad->leaving, false);
	mutex_unlock(&ad->lock);
	return devm_add_action_or_reset(host->dev, nooks_ata_host_free, h);
}

/**
 * nooks_ata_host_find() - is a host wrapped for a domain?
 * @ad: the domain's ide data
 * @host: the host
 *
 * Return: true if its ports are the domain's entries.
 */
bool nooks_ata_host_find(struct nooks_ata_domain *ad, struct ata_host *host)
{
	struct nooks_ata_host *h;
	bool found = false;

	mutex_lock(&ad->lock);
	list_for_each_entry(h, &ad->hosts, node)
		if (h->host == host)
			found = true;
	mutex_unlock(&ad->lock);
	return found;
}

/**
 * nooks_ata_host_let_go() - give a wrapped host's ports their own operations
 * @ad: the domain's ide data
 * @host: the host, at rest
 */
void nooks_ata_host_let_go(struct nooks_ata_domain *ad, struct ata_host *host)
{
	struct nooks_ata_host *h, *found = NULL;

	mutex_lock(&ad->lock);
	list_for_each_entry(h, &ad->hosts, node)
		if (h->host == host)
			found = h;
	mutex_unlock(&ad->lock);
	if (found)
		devm_release_action(host->dev, nooks_ata_host_free, found);
}

static int nooks_ata_pci_sff_activate_host(struct ata_host *host,
					   irq_handler_t irq_handler,
					   struct scsi_host_template *sht)
{
	struct nooks_domain *dom = nooks_caller_domain();
	struct nooks_ata_domain *ad = dom ? nooks_ata_domain(dom) : NULL;
	int ret;

	if (!ad)
		return ata_pci_sff_activate_host(host, irq_handler, sht);
	ret = nooks_ata_host_add(dom, ad, host);
	if (ret)
		return ret;
	ret = ata_pci_sff_activate_host(host, irq_handler, sht);
	if (!ret)
		nooks_track_add(dom, &nooks_ata_obj_host, (unsigned long)host,
				0, 0, 0);
	return ret;
}

static void nooks_ata_pci_remove_one(struct pci_dev *pdev)
{
	struct nooks_domain *dom = nooks_caller_domain();
	struct ata_host *host = pci_get_drvdata(pdev);

	if (dom && host)
		nooks_track_del(dom, &nooks_ata_obj_host, (unsigned long)host,
				NULL);
	ata_pci_remove_one(pdev);
}

static const struct nooks_import nooks_ata_host_list[] = {
	NOOKS_IMPORT(ata_pci_sff_activate_host, nooks_ata_pci_sff_activate_host),
	NOOKS_IMPORT(ata_pci_remove_one, nooks_ata_pci_remove_one),
};

const struct nooks_import_table nooks_ata_host_imports = {
	.name = "ata-host",
	.imports = nooks_ata_host_list,
	.n = ARRAY_SIZE(nooks_ata_host_list),
};
