// SPDX-License-Identifier: GPL-2.0
/*
 * nooks/bus_pci.c - the PCI bus side of a domain: the driver's pci_driver
 * callbacks as protected calls (kernel to driver), stopping a failed
 * driver's devices, and the unbind, reset and re-bind of its devices that
 * a live attach or a restart does. (The PCI resources the driver takes
 * are tracked by wrap_pci.c.)
 */
#define pr_fmt(fmt) "nooks: " fmt

#include <linux/device.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "bus_pci.h"
#include "domain.h"
#include "swifi.h"
#include "track.h"
#include "wrap.h"

static struct nooks_domain *nooks_pci_domain(struct pci_dev *pdev)
{
	return nooks_domain_of_pdrv(to_pci_driver(pdev->dev.driver));
}

static int nooks_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct nooks_domain *dom = nooks_pci_domain(pdev);
	int ret;

	if (WARN_ON_ONCE(!dom))
		return -ENODEV;
	NOOKS_CALL(dom, "probe", ret, dom->orig_probe(pdev, id), -EIO);
	return ret;
}

/*
 * A driver left fail-stopped with its devices bound (a restart in place
 * failed and its class stood in for it) is not called on removal: what
 * could make the kernel call it and the class objects it registered are
 * released now, while the device is still bound (an ATA host's SCSI hosts
 * and disks must go before the unbind frees the host). Device-managed
 * objects go with the unbind; the rest as for any failed driver.
 */
static void nooks_pci_remove_failstop(struct nooks_domain *dom)
{
	if (READ_ONCE(dom->state) == NOOKS_STATE_FAILSTOP)
		nooks_track_release(dom, NOOKS_STAGE_ENTRY, NOOKS_STAGE_CLASS,
				    NULL);
}

/*
 * A failed driver is not called: its resources are released by the
 * tracker instead (nooks/restart.c, and nooks_pci_remove_failstop()).
 */
static void nooks_pci_remove(struct pci_dev *pdev)
{
	struct nooks_domain *dom = nooks_pci_domain(pdev);

	if (WARN_ON_ONCE(!dom) || !dom->orig_remove)
		return;
	NOOKS_CALL_VOID(dom, "remove", dom->orig_remove(pdev),
			nooks_pci_remove_failstop(dom));
}

static void nooks_pci_shutdown(struct pci_dev *pdev)
{
	struct nooks_domain *dom = nooks_pci_domain(pdev);

	if (WARN_ON_ONCE(!dom) || !dom->orig_shutdown)
		return;
	NOOKS_CALL_VOID(dom, "shutdown", dom->orig_shutdown(pdev), (void)0);
}

/**
 * nooks_pci_wrap_driver() - route a pci_driver's callbacks through nooks
 * @dom: the driver's domain
 * @pdrv: its pci_driver (writable module data), not yet bound to devices
 */
void nooks_pci_wrap_driver(struct nooks_domain *dom, struct pci_driver *pdrv)
{
	if (pdrv->probe == nooks_pci_probe)
		return;		/* wrapped already */
	dom->orig_probe = pdrv->probe;
	dom->orig_remove = pdrv->remove;
	dom->orig_shutdown = pdrv->shutdown;
	WRITE_ONCE(dom->pdrv, pdrv);
	if (pdrv->probe)
		pdrv->probe = nooks_pci_probe;
	if (pdrv->remove)
		pdrv->remove = nooks_pci_remove;
	if (pdrv->shutdown)
		pdrv->shutdown = nooks_pci_shutdown;
}

/**
 * nooks_pci_unwrap_driver() - give a pci_driver its own callbacks back
 * @dom: the driver's domain; its devices are unbound
 */
void nooks_pci_unwrap_driver(struct nooks_domain *dom)
{
	struct pci_driver *pdrv = dom->pdrv;

	if (!pdrv || pdrv->probe != nooks_pci_probe)
		return;
	pdrv->probe = dom->orig_probe;
	pdrv->remove = dom->orig_remove;
	pdrv->shutdown = dom->orig_shutdown;
	WRITE_ONCE(dom->pdrv, NULL);
	synchronize_rcu();
}

static int nooks_pci_quiesce_one(struct device *dev, void *data)
{
	struct pci_dev *pdev = to_pci_dev(dev);

	pci_intx(pdev, 0);
	pci_clear_master(pdev);
	return 0;
}

/* Call @fn, which never fails, for each device of @dom's driver. */
static void nooks_pci_for_each(struct nooks_domain *dom,
			       int (*fn)(struct device *dev, void *data),
			       const char *what)
{
	struct pci_driver *pdrv = READ_ONCE(dom->pdrv);

	if (pdrv && driver_for_each_device(&pdrv->driver, NULL, NULL, fn))
		pr_warn_ratelimited("%s: cannot %s devices\n", dom->name, what);
}

/**
 * nooks_pci_quiesce() - stop a failed driver's devices: no more DMA, no more
 *	interrupts (bus mastering and INTx off)
 * @dom: the failed domain
 *
 * Any context: only configuration-space writes.
 */
void nooks_pci_quiesce(struct nooks_domain *dom)
{
	nooks_pci_for_each(dom, nooks_pci_quiesce_one, "quiesce");
}

static int nooks_pci_unquiesce_one(struct device *dev, void *data)
{
	struct pci_dev *pdev = to_pci_dev(dev);

	if (!pdev->msi_enabled && !pdev->msix_enabled)
		pci_intx(pdev, 1);
	pci_set_master(pdev);
	return 0;
}

/**
 * nooks_pci_unquiesce() - undo nooks_pci_quiesce() for a driver restarted
 *	in place (struct nooks_domain_ops.restart): bus mastering and INTx on
 * @dom: the domain, its driver's devices still bound
 *
 * Process context.
 */
void nooks_pci_unquiesce(struct nooks_domain *dom)
{
	nooks_pci_for_each(dom, nooks_pci_unquiesce_one, "unquiesce");
}
EXPORT_SYMBOL_GPL(nooks_pci_unquiesce);

/* The pci_driver a live module registered, if any. */
static int nooks_pci_match_owner(struct device_driver *drv, void *data)
{
	struct nooks_domain *dom = data;

	if (drv->owner != dom->mod)
		return 0;
	dom->pdrv = to_pci_driver(drv);
	return 1;
}

static int nooks_count_dev(struct device *dev, void *data)
{
	(*(unsigned int *)data)++;
	return 0;
}

static int nooks_collect_dev(struct device *dev, void *data)
{
	struct nooks_devlist *l = data;

	if (l->n < l->max)
		l->devs[l->n++].dev = get_device(dev);
	return 0;
}

/**
 * nooks_pci_hold_devices() - take hold of the driver's devices
 * @dom: the domain
 * @l: receives the devices, with a reference each, for
 *	nooks_pci_unbind_devices() and then nooks_pci_bind_devices() (or
 *	nooks_pci_put_devices())
 *
 * An enabled device stays enabled until the hold is dropped, whatever the
 * driver and the tracker do meanwhile: disabling a PCI device and
 * enabling it again go through the platform's interrupt routing (ACPI
 * methods, interpreted: 130 ms each way for a QEMU NIC), and a restart
 * needs neither. The re-probe's pci_enable_device() then only counts.
 *
 * Return: 0, -ENOMEM or -EINVAL (@l is empty then).
 */
int nooks_pci_hold_devices(struct nooks_domain *dom, struct nooks_devlist *l)
{
	struct pci_driver *pdrv = dom->pdrv;
	struct nooks_held_dev *h;
	unsigned int i, n = 0;

	l->n = 0;
	l->max = 0;
	l->devs = NULL;
	if (!pdrv)
		return 0;
	if (driver_for_each_device(&pdrv->driver, NULL, &n, nooks_count_dev))
		return -EINVAL;
	if (!n)
		return 0;
	l->devs = kcalloc(n, sizeof(*l->devs), GFP_KERNEL);
	if (!l->devs)
		return -ENOMEM;
	l->max = n;
	if (driver_for_each_device(&pdrv->driver, NULL, l, nooks_collect_dev)) {
		nooks_pci_put_devices(l);
		return -EINVAL;
	}
	for (i = 0; i < l->n; i++) {
		h = &l->devs[i];
		if (dev_is_pci(h->dev) && pci_is_enabled(to_pci_dev(h->dev)))
			h->enabled = !pci_enable_device(to_pci_dev(h->dev));
	}
	return 0;
}

/**
 * nooks_pci_unbind_devices() - unbind the driver from the held devices
 * @dom: the domain
 * @l: its devices, from nooks_pci_hold_devices()
 */
void nooks_pci_unbind_devices(struct nooks_domain *dom,
			      struct nooks_devlist *l)
{
	unsigned int i;

	for (i = 0; i < l->n; i++)
		device_release_driver(l->devs[i].dev);
	/* the driver core freed the device-managed objects */
	nooks_track_forget_devres(dom);
	nooks_irq_purge(dom);
}

/* Drop the hold on one device. */
static void nooks_pci_unhold(struct nooks_held_dev *h)
{
	if (h->enabled)
		pci_disable_device(to_pci_dev(h->dev));
	put_device(h->dev);
}

/**
 * nooks_pci_put_devices() - drop the held devices without binding them
 * @l: the devices; a device no driver holds enabled is disabled now
 */
void nooks_pci_put_devices(struct nooks_devlist *l)
{
	unsigned int i;

	for (i = 0; i < l->n; i++)
		nooks_pci_unhold(&l->devs[i]);
	kfree(l->devs);
	l->devs = NULL;
	l->n = 0;
}

/**
 * nooks_pci_bind_devices() - bind the held devices again and drop them
 * @dom: the domain whose driver had them; @dom->probing names each device
 *	while it is bound
 * @l: the devices; each goes to whatever driver wants it
 *
 * Return: 0 when every device got a driver, else -ENODEV.
 */
int nooks_pci_bind_devices(struct nooks_domain *dom, struct nooks_devlist *l)
{
	unsigned int i, n = l->n, bound = 0;

	for (i = 0; i < n; i++) {
		struct nooks_held_dev *h = &l->devs[i];

		/*
		 * What a first pci_enable_device() does and the probe's no
		 * longer will on a held device: let INTx through again (a
		 * failure turned it off, nooks_pci_quiesce()).
		 */
		if (h->enabled && !to_pci_dev(h->dev)->msi_enabled &&
		    !to_pci_dev(h->dev)->msix_enabled)
			pci_intx(to_pci_dev(h->dev), 1);
		WRITE_ONCE(dom->probing, h->dev);
		if (device_attach(h->dev) > 0)
			bound++;
		WRITE_ONCE(dom->probing, NULL);
	}
	nooks_pci_put_devices(l);
	return bound == n ? 0 : -ENODEV;
}

/**
 * nooks_pci_find_driver() - find the pci_driver a loaded module registered
 * @dom: the domain; sets @dom->pdrv when the module registered one
 */
void nooks_pci_find_driver(struct nooks_domain *dom)
{
	if (!dom->pdrv)
		bus_for_each_drv(&pci_bus_type, NULL, dom,
				 nooks_pci_match_owner);
}

/**
 * nooks_pci_reset_devices() - reset unbound devices before the re-probe
 * @l: the devices, unbound by nooks_pci_unbind_devices()
 */
void nooks_pci_reset_devices(struct nooks_devlist *l)
{
	unsigned int i;

	for (i = 0; i < l->n; i++) {
		struct pci_dev *pdev;

		if (!dev_is_pci(l->devs[i].dev))
			continue;
		pdev = to_pci_dev(l->devs[i].dev);
		/*
		 * FLR, PM or bus reset, whichever the device supports; a device
		 * without any is reset by its driver's probe.
		 */
		pci_reset_function(pdev);
	}
}

