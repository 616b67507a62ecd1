// SPDX-License-Identifier: GPL-2.0
/*
 * nooks/wrap_devres.c - device-managed resources of an isolated driver:
 * the devm_kmalloc() family and the managed PCI helpers (pcim_*).
 *
 * The driver core releases these when the device is unbound, in reverse
 * order of acquisition; the tracker records them (debugfs "objects",
 * leak checks) but never frees them itself: a restart unbinds the
 * devices after the release phase, which frees them, and the records
 * are then forgotten (nooks_track_forget_devres()). A shadow that must
 * keep a device-managed object across the restart (a sound card) takes
 * its devres node off the device in its keep hook, and tracks it again
 * when it gives it back to the restarted driver.
 * Device-managed interrupts are in wrap_irq.c: their handlers must run as
 * protected calls.
 */
#include <linux/device.h>
#include <linux/pci.h>

#include "domain.h"
#include "wrap.h"

static void *nooks_devm_kmalloc(struct device *dev, size_t size, gfp_t gfp)
{
	struct nooks_domain *dom = nooks_caller_domain();
	void *p = devm_kmalloc(dev, size, gfp);

	if (p && dom)
		nooks_track_add(dom, &nooks_obj_devm_kmalloc, (unsigned long)p,
				(unsigned long)dev, 0, 0);
	return p;
}

static void nooks_devm_kfree(struct device *dev, const void *p)
{
	struct nooks_domain *dom = nooks_caller_domain();

	if (dom)
		nooks_track_del(dom, &nooks_obj_devm_kmalloc, (unsigned long)p,
				NULL);
	devm_kfree(dev, p);
}

static int nooks_pcim_enable_device(struct pci_dev *pdev)
{
	struct nooks_domain *dom = nooks_caller_domain();
	int ret = pcim_enable_device(pdev);

	if (!ret && dom)
		nooks_track_add(dom, &nooks_obj_pcim_enable, (unsigned long)pdev,
				0, 0, 0);
	return ret;
}

static void __iomem *nooks_pcim_iomap(struct pci_dev *pdev, int bar,
				      unsigned long maxlen)
{
	struct nooks_domain *dom = nooks_caller_domain();
	void __iomem *p = pcim_iomap(pdev, bar, maxlen);

	if (p && dom)
		nooks_track_add(dom, &nooks_obj_pcim_iomap, (unsigned long)p,
				(unsigned long)pdev, bar, 0);
	return p;
}

static void nooks_pcim_iounmap(struct pci_dev *pdev, void __iomem *p)
{
	struct nooks_domain *dom = nooks_caller_domain();

	if (dom)
		nooks_track_del(dom, &nooks_obj_pcim_iomap, (unsigned long)p,
				NULL);
	pcim_iounmap(pdev, p);
}

/* Regions and mappings of the BARs in @mask, one record per BAR. */
static int nooks_pcim_iomap_regions(struct pci_dev *pdev, int mask,
				    const char *name)
{
	struct nooks_domain *dom = nooks_caller_domain();
	void __iomem * const *tbl;
	int ret, bar;

	ret = pcim_iomap_regions(pdev, mask, name);
	if (ret || !dom)
		return ret;
	tbl = pcim_iomap_table(pdev);
	for (bar = 0; tbl && bar < PCI_STD_NUM_BARS; bar++)
		if ((mask & BIT(bar)) && tbl[bar])
			nooks_track_add(dom, &nooks_obj_pcim_iomap,
					(unsigned long)tbl[bar],
					(unsigned long)pdev, bar, 0);
	return 0;
}

/* All freed by the driver core at unbind, never by the tracker. */
NOOKS_RELEASE(devm_kmalloc)
{
}

NOOKS_RELEASE(pcim_enable)
{
}

NOOKS_RELEASE(pcim_iomap)
{
}

static const struct nooks_import nooks_devres_list[] = {
	NOOKS_IMPORT(devm_kmalloc, nooks_devm_kmalloc),
	NOOKS_IMPORT(devm_kfree, nooks_devm_kfree),
	NOOKS_IMPORT(pcim_enable_device, nooks_pcim_enable_device),
	NOOKS_IMPORT(pcim_iomap, nooks_pcim_iomap),
	NOOKS_IMPORT(pcim_iounmap, nooks_pcim_iounmap),
	NOOKS_IMPORT(pcim_iomap_regions, nooks_pcim_iomap_regions),
};

const struct nooks_import_table nooks_devres_imports = {
	.name = "devres",
	.imports = nooks_devres_list,
	.n = ARRAY_SIZE(nooks_devres_list),
};
