// SPDX-License-Identifier: GPL-2.0
/*
 * nooks/wrap_pci.c - the PCI and I/O resources an isolated driver takes
 * (driver to kernel). Its pci_driver callbacks (kernel to driver) are
 * bus_pci.c's.
 */
#define pr_fmt(fmt) "nooks: " fmt

#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/pci.h>

#include "bus_pci.h"
#include "domain.h"
#include "wrap.h"

/* driver to kernel */

static int nooks_pci_register_driver(struct pci_driver *pdrv,
				     struct module *owner, const char *name)
{
	struct nooks_domain *dom = nooks_caller_domain();

	if (dom)
		nooks_pci_wrap_driver(dom, pdrv);
	return __pci_register_driver(pdrv, owner, name);
}

/*
 * The driver's enables of a device, counted in the record (a[0]): a
 * release gives back exactly those, not an enable someone else holds
 * (a restart keeps the device enabled across the re-probe, bus_pci.c).
 */
static void nooks_pci_enable_count(struct nooks_domain *dom,
				   struct pci_dev *pdev, long delta)
{
	struct nooks_obj o;
	long n = 0;

	if (nooks_track_get(dom, &nooks_obj_pci_enable, (unsigned long)pdev,
			    &o))
		n = o.a[0];
	n += delta;
	if (n > 0)
		nooks_track_add(dom, &nooks_obj_pci_enable, (unsigned long)pdev,
				n, 0, 0);
	else
		nooks_track_del(dom, &nooks_obj_pci_enable,
				(unsigned long)pdev, NULL);
}

static int nooks_pci_enable_device(struct pci_dev *pdev)
{
	struct nooks_domain *dom = nooks_caller_domain();
	int ret = pci_enable_device(pdev);

	if (!ret && dom)
		nooks_pci_enable_count(dom, pdev, 1);
	return ret;
}

static int nooks_pci_enable_device_mem(struct pci_dev *pdev)
{
	struct nooks_domain *dom = nooks_caller_domain();
	int ret = pci_enable_device_mem(pdev);

	if (!ret && dom)
		nooks_pci_enable_count(dom, pdev, 1);
	return ret;
}

static void nooks_pci_disable_device(struct pci_dev *pdev)
{
	struct nooks_domain *dom = nooks_caller_domain();

	if (dom)
		nooks_pci_enable_count(dom, pdev, -1);
	pci_disable_device(pdev);
}

NOOKS_RELEASE(pci_enable)
{
	struct pci_dev *pdev = (struct pci_dev *)obj->key;
	unsigned long n;

	for (n = obj->a[0]; n && pci_is_enabled(pdev); n--)
		pci_disable_device(pdev);
}

static int nooks_pci_request_selected_regions(struct pci_dev *pdev, int bars,
					      const char *name)
{
	struct nooks_domain *dom = nooks_caller_domain();
	int ret = pci_request_selected_regions(pdev, bars, name);

	if (!ret && dom)
		nooks_track_add(dom, &nooks_obj_pci_regions,
				(unsigned long)pdev, bars, 0, 0);
	return ret;
}

static int nooks_pci_request_regions(struct pci_dev *pdev, const char *name)
{
	return nooks_pci_request_selected_regions(pdev,
			(1 << PCI_STD_NUM_BARS) - 1, name);
}

static void nooks_pci_release_selected_regions(struct pci_dev *pdev,
					       int bars)
{
	struct nooks_domain *dom = nooks_caller_domain();

	if (dom)
		nooks_track_del(dom, &nooks_obj_pci_regions,
				(unsigned long)pdev, NULL);
	pci_release_selected_regions(pdev, bars);
}

static void nooks_pci_release_regions(struct pci_dev *pdev)
{
	nooks_pci_release_selected_regions(pdev, (1 << PCI_STD_NUM_BARS) - 1);
}

NOOKS_RELEASE(pci_regions)
{
	pci_release_selected_regions((struct pci_dev *)obj->key, obj->a[0]);
}

/* I/O regions are keyed by their start: release gives no resource back */
static struct resource *nooks_request_region(struct resource *parent,
					     resource_size_t start,
					     resource_size_t n,
					     const char *name, int flags)
{
	struct nooks_domain *dom = nooks_caller_domain();
	struct resource *res = __request_region(parent, start, n, name, flags);

	if (res && dom)
		nooks_track_add(dom, &nooks_obj_region, start, n,
				(unsigned long)parent, 0);
	return res;
}

static void nooks_release_region(struct resource *parent,
				 resource_size_t start, resource_size_t n)
{
	struct nooks_domain *dom = nooks_caller_domain();

	if (dom)
		nooks_track_del(dom, &nooks_obj_region, start, NULL);
	__release_region(parent, start, n);
}

NOOKS_RELEASE(region)
{
	__release_region((struct resource *)obj->a[1], obj->key, obj->a[0]);
}

static void __iomem *nooks_track_iomap(struct nooks_domain *dom,
				       void __iomem *p)
{
	if (p && dom)
		nooks_track_add(dom, &nooks_obj_iomap, (unsigned long)p, 0, 0, 0);
	return p;
}

static void __iomem *nooks_ioremap(resource_size_t offset, unsigned long size)
{
	return nooks_track_iomap(nooks_caller_domain(), ioremap(offset, size));
}

static void __iomem *nooks_pci_ioremap_bar(struct pci_dev *pdev, int bar)
{
	return nooks_track_iomap(nooks_caller_domain(),
				 pci_ioremap_bar(pdev, bar));
}

static void __iomem *nooks_pci_iomap(struct pci_dev *pdev, int bar,
				     unsigned long max)
{
	return nooks_track_iomap(nooks_caller_domain(),
				 pci_iomap(pdev, bar, max));
}

static void nooks_iounmap(volatile void __iomem *p)
{
	struct nooks_domain *dom = nooks_caller_domain();

	if (dom)
		nooks_track_del(dom, &nooks_obj_iomap, (unsigned long)p, NULL);
	iounmap(p);
}

static void nooks_pci_iounmap(struct pci_dev *pdev, void __iomem *p)
{
	struct nooks_domain *dom = nooks_caller_domain();

	if (dom)
		nooks_track_del(dom, &nooks_obj_iomap, (unsigned long)p, NULL);
	pci_iounmap(pdev, p);
}

/* iounmap() also undoes pci_iomap() of memory BARs; port maps need nothing */
NOOKS_RELEASE(iomap)
{
	void __iomem *p = (void __iomem *)obj->key;

	if (is_vmalloc_addr((const void __force *)p))
		iounmap(p);
}

/* MSI and MSI-X vectors (released after the IRQs that use them) */
static int nooks_pci_alloc_irq_vectors_affinity(struct pci_dev *pdev,
						unsigned int min_vecs,
						unsigned int max_vecs,
						unsigned int flags,
						struct irq_affinity *affd)
{
	struct nooks_domain *dom = nooks_caller_domain();
	int ret = pci_alloc_irq_vectors_affinity(pdev, min_vecs, max_vecs,
						 flags, affd);

	if (ret > 0 && dom)
		nooks_track_add(dom, &nooks_obj_irq_vectors, (unsigned long)pdev,
				0, 0, 0);
	return ret;
}

static void nooks_pci_free_irq_vectors(struct pci_dev *pdev)
{
	struct nooks_domain *dom = nooks_caller_domain();

	if (dom)
		nooks_track_del(dom, &nooks_obj_irq_vectors, (unsigned long)pdev,
				NULL);
	pci_free_irq_vectors(pdev);
}

static int nooks_pci_enable_msi(struct pci_dev *pdev)
{
	struct nooks_domain *dom = nooks_caller_domain();
	int ret = pci_enable_msi(pdev);

	if (!ret && dom)
		nooks_track_add(dom, &nooks_obj_irq_vectors, (unsigned long)pdev,
				1, 0, 0);
	return ret;
}

static void nooks_pci_disable_msi(struct pci_dev *pdev)
{
	struct nooks_domain *dom = nooks_caller_domain();

	if (dom)
		nooks_track_del(dom, &nooks_obj_irq_vectors, (unsigned long)pdev,
				NULL);
	pci_disable_msi(pdev);
}

NOOKS_RELEASE(irq_vectors)
{
	struct pci_dev *pdev = (struct pci_dev *)obj->key;

	if (obj->a[0])
		pci_disable_msi(pdev);
	else
		pci_free_irq_vectors(pdev);
}

static const struct nooks_import nooks_pci_list[] = {
	NOOKS_IMPORT(__pci_register_driver, nooks_pci_register_driver),
	NOOKS_IMPORT(pci_alloc_irq_vectors_affinity, nooks_pci_alloc_irq_vectors_affinity),
	NOOKS_IMPORT(pci_free_irq_vectors, nooks_pci_free_irq_vectors),
	NOOKS_IMPORT(pci_enable_msi, nooks_pci_enable_msi),
	NOOKS_IMPORT(pci_disable_msi, nooks_pci_disable_msi),
	NOOKS_IMPORT(pci_enable_device, nooks_pci_enable_device),
	NOOKS_IMPORT(pci_enable_device_mem, nooks_pci_enable_device_mem),
	NOOKS_IMPORT(pci_disable_device, nooks_pci_disable_device),
	NOOKS_IMPORT(pci_request_selected_regions, nooks_pci_request_selected_regions),
	NOOKS_IMPORT(pci_request_regions, nooks_pci_request_regions),
	NOOKS_IMPORT(pci_release_selected_regions, nooks_pci_release_selected_regions),
	NOOKS_IMPORT(pci_release_regions, nooks_pci_release_regions),
	NOOKS_IMPORT(__request_region, nooks_request_region),
	NOOKS_IMPORT(__release_region, nooks_release_region),
	NOOKS_IMPORT(ioremap, nooks_ioremap),
	NOOKS_IMPORT(pci_ioremap_bar, nooks_pci_ioremap_bar),
	NOOKS_IMPORT(pci_iomap, nooks_pci_iomap),
	NOOKS_IMPORT(iounmap, nooks_iounmap),
	NOOKS_IMPORT(pci_iounmap, nooks_pci_iounmap),
};

const struct nooks_import_table nooks_pci_imports = {
	.name = "pci",
	.imports = nooks_pci_list,
	.n = ARRAY_SIZE(nooks_pci_list),
};
