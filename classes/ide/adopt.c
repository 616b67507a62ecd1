// SPDX-License-Identifier: GPL-2.0
/*
 * classes/ide/adopt.c - isolate a running ATA driver where it runs.
 *
 * An ATA driver loaded natively has bound its devices: their hosts are
 * activated, the disks on them mounted. Unbinding the driver to probe it
 * again isolated would remove the disks. The ide class isolates it where
 * it runs instead (an in-place switch, nooks/domain.c), in the same steps
 * as a restart of the ide shadow needs no unbind:
 *
 *   hold    block each port's SCSI host (the block layer keeps new
 *           requests), wait until no command is in flight and no error
 *           handling runs or is due, and disable the hosts' interrupts:
 *           then nothing of the driver or of libata runs for these ports,
 *           and their call sites can be bound without a call pairing a
 *           native half with a wrapped one
 *   adopt   as at an isolated activation (wrap_host.c): each port's
 *           operations become the domain's entries and the host a tracked
 *           class object; the interrupt handler libata requested is made
 *           a protected call where it is (nooks_irq_adopt(): the action
 *           keeps its cookie, which devres frees it with)
 *   let go  interrupts enabled, SCSI hosts unblocked: the held requests
 *           are dispatched, now through the domain's entries
 *
 * Back to native in place, the same hold, then the reverse of adopt for
 * every host (nooks_ata_let_go(): the ports' own tables back, the host
 * forgotten); nooks makes the interrupts and the timers and work items it
 * wrapped the driver's own again (nooks_irq_let_go(), nooks_cb_let_go())
 * and restores the call sites before the hosts are let go.
 *
 * The domain must cover libata (nooks/group.c: no other ATA driver
 * loaded); the hosts are the drivers' data of the bound devices, as
 * libata's ata_host_alloc() sets it. libata's timers and work items set
 * up natively run unprotected until the driver is restarted.
 */
#define pr_fmt(fmt) "nooks_ide: " fmt

#include <linux/delay.h>
#include <linux/device.h>
#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/libata.h>
#include <linux/pci.h>
#include <scsi/scsi_host.h>

#include "domain.h"
#include "nooks_ide.h"

/* How long the ports may take to finish their commands and error handling. */
#define NOOKS_ATA_REST_MS	5000
/* Interrupts of one host (a legacy-mode PIIX has two). */
#define NOOKS_ATA_IRQS_MAX	4

/* The activated ATA host of a device bound to an ATA driver, or NULL. */
static struct ata_host *nooks_ata_host_of(struct device *dev)
{
	struct ata_host *host = dev_get_drvdata(dev);

	return host && host->dev == dev && host->n_ports ? host : NULL;
}

/* Port @i of @host if it is a real one, with a SCSI host, else NULL. */
static struct ata_port *nooks_ata_port(struct ata_host *host, unsigned int i)
{
	struct ata_port *ap = host->ports[i];

	return ata_port_is_dummy(ap) || !ap->scsi_host ? NULL : ap;
}

static int nooks_ata_count_host(struct device *dev, void *data)
{
	unsigned int *n = data;

	if (!nooks_ata_host_of(dev))
		return -ENODEV;
	(*n)++;
	return 0;
}

/**
 * nooks_ata_in_place() - can the ide class isolate a running driver?
 * @dom: the domain, its ctl held, its mode off
 *
 * Return: true when the domain covers libata and each device bound to the
 * driver carries an activated ATA host.
 */
bool nooks_ata_in_place(struct nooks_domain *dom)
{
	struct pci_driver *pdrv = READ_ONCE(dom->pdrv);
	unsigned int n = 0;

	if (!pdrv || !nooks_group_covers(dom, "libata"))
		return false;
	return !driver_for_each_device(&pdrv->driver, NULL, &n,
				       nooks_ata_count_host) && n;
}

/* Nothing in flight on @ap, no error handling running or due. */
static bool nooks_ata_port_rests(struct ata_port *ap)
{
	struct Scsi_Host *shost = ap->scsi_host;
	unsigned long flags;
	bool rests;

	spin_lock_irqsave(ap->lock, flags);
	rests = !ap->qc_active &&
		!(ap->pflags & (ATA_PFLAG_EH_PENDING | ATA_PFLAG_EH_IN_PROGRESS));
	spin_unlock_irqrestore(ap->lock, flags);
	return rests && !scsi_host_busy(shost) && !scsi_host_in_recovery(shost);
}

/**
 * struct nooks_ata_hold - one pass of nooks_ata_hold() over the devices
 * @on: hold (true) or let go
 * @deadline: jiffies by which the ports must rest
 * @err: the first port that did not rest (-EBUSY)
 */
struct nooks_ata_hold {
	bool on;
	unsigned long deadline;
	int err;
};

static void nooks_ata_irqs(struct ata_host *host, bool disable)
{
	unsigned int irqs[NOOKS_ATA_IRQS_MAX], n, i;

	/* natively requested, adopted, or requested isolated */
	n = nooks_irq_find_actions(host, irqs, ARRAY_SIZE(irqs), true);
	for (i = 0; i < n; i++) {
		if (disable)
			disable_irq(irqs[i]);	/* waits for the handler */
		else
			enable_irq(irqs[i]);
	}
}

static int nooks_ata_hold_dev(struct device *dev, void *data)
{
	struct ata_host *host = nooks_ata_host_of(dev);
	struct nooks_ata_hold *hd = data;
	struct ata_port *ap;
	unsigned int i;

	if (!host)
		return 0;
	if (!hd->on) {
		nooks_ata_irqs(host, false);
		for (i = 0; i < host->n_ports; i++) {
			ap = nooks_ata_port(host, i);
			if (ap)
				scsi_unblock_requests(ap->scsi_host);
		}
		return 0;
	}
	for (i = 0; i < host->n_ports; i++) {
		ap = nooks_ata_port(host, i);
		if (ap)
			scsi_block_requests(ap->scsi_host);
	}
	for (i = 0; i < host->n_ports; i++) {
		ap = nooks_ata_port(host, i);
		while (ap && !nooks_ata_port_rests(ap)) {
			if (time_after(jiffies, hd->deadline)) {
				dev_err(dev, "ata%u: still busy after %u ms\n",
					ap->print_id, NOOKS_ATA_REST_MS);
				hd->err = hd->err ?: -EBUSY;
				break;
			}
			usleep_range(200, 500);
		}
	}
	/* even when not at rest: the let-go enables them again */
	nooks_ata_irqs(host, true);
	return 0;
}

/**
 * nooks_ata_hold() - bring a running ATA driver's ports to rest, or let go
 * @dom: the domain, its ctl held
 * @on: hold, or let go of what a hold (successful or not) held
 *
 * Return: 0, or -EBUSY when a port was still busy after NOOKS_ATA_REST_MS
 * (its commands stay held until the let-go).
 */
int nooks_ata_hold(struct nooks_domain *dom, bool on)
{
	struct pci_driver *pdrv = READ_ONCE(dom->pdrv);
	struct nooks_ata_hold hd = {
		.on = on,
		.deadline = jiffies + msecs_to_jiffies(NOOKS_ATA_REST_MS),
	};

	if (!pdrv)
		return -ENODEV;
	return driver_for_each_device(&pdrv->driver, NULL, &hd,
				      nooks_ata_hold_dev) ?: hd.err;
}

/* Undo what nooks_ata_adopt_dev() did to @host. */
static void nooks_ata_unadopt(struct nooks_ata_domain *ad,
			      struct ata_host *host)
{
	unsigned int irqs[NOOKS_ATA_IRQS_MAX], n, i;

	n = nooks_irq_find_actions(host, irqs, ARRAY_SIZE(irqs), false);
	for (i = 0; i < n; i++)
		nooks_irq_unadopt(host->dev, irqs[i], host);
	nooks_ata_host_let_go(ad, host);
}

static int nooks_ata_adopt_dev(struct device *dev, void *data)
{
	struct nooks_domain *dom = data;
	struct nooks_ata_domain *ad = nooks_ata_domain(dom);
	struct ata_host *host = nooks_ata_host_of(dev);
	unsigned int irqs[NOOKS_ATA_IRQS_MAX], n, i;
	int ret;

	if (!ad || !host)
		return -ENODEV;
	if (nooks_ata_host_find(ad, host))
		return 0;
	ret = nooks_ata_host_add(dom, ad, host);
	if (ret)
		return ret;
	n = nooks_irq_find_actions(host, irqs, ARRAY_SIZE(irqs), false);
	for (i = 0; i < n; i++) {
		ret = nooks_irq_adopt(dom, dev, irqs[i], host);
		if (ret) {
			dev_err(dev, "cannot isolate irq %u (%d)\n", irqs[i],
				ret);
			nooks_ata_unadopt(ad, host);
			return ret;
		}
	}
	nooks_track_add(dom, &nooks_ata_obj_host, (unsigned long)host, 0, 0, 0);
	dev_info(dev, "ATA host taken over: %u ports, %u interrupts\n",
		 host->n_ports, n);
	return 0;
}

static int nooks_ata_unadopt_dev(struct device *dev, void *data)
{
	struct nooks_domain *dom = data;
	struct nooks_ata_domain *ad = nooks_ata_domain(dom);
	struct ata_host *host = nooks_ata_host_of(dev);

	if (!ad || !host || !nooks_ata_host_find(ad, host))
		return 0;
	nooks_track_del(dom, &nooks_ata_obj_host, (unsigned long)host, NULL);
	nooks_ata_unadopt(ad, host);
	return 0;
}

/**
 * nooks_ata_adopt() - take over the hosts a running ATA driver activated
 * @dom: the domain, its call sites bound, its ports held
 *
 * Return: 0, or an error after every host was let go again.
 */
int nooks_ata_adopt(struct nooks_domain *dom)
{
	struct pci_driver *pdrv = READ_ONCE(dom->pdrv);
	int ret;

	if (!pdrv)
		return -ENODEV;
	ret = driver_for_each_device(&pdrv->driver, NULL, dom,
				     nooks_ata_adopt_dev);
	if (ret && driver_for_each_device(&pdrv->driver, NULL, dom,
					  nooks_ata_unadopt_dev))
		pr_warn("%s: hosts not let go\n", dom->name);
	return ret;
}

/**
 * nooks_ata_let_go() - give a held ATA driver's ports their own operations
 * @dom: the domain, its ports held, going back to native in place
 *
 * Each host, adopted or activated isolated, is forgotten by the tracker
 * and its ports get their driver's table back; an adopted interrupt its
 * handler (the others are nooks's: nooks_irq_let_go()).
 */
void nooks_ata_let_go(struct nooks_domain *dom)
{
	struct pci_driver *pdrv = READ_ONCE(dom->pdrv);

	if (pdrv && driver_for_each_device(&pdrv->driver, NULL, dom,
					   nooks_ata_unadopt_dev))
		pr_warn("%s: hosts not let go\n", dom->name);
}
