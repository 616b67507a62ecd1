/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nooks/bus_pci.h - the PCI bus side of a domain (bus_pci.c).
 */
#ifndef _NOOKS_BUS_PCI_H
#define _NOOKS_BUS_PCI_H

#include <linux/types.h>

struct device;
struct nooks_domain;
struct pci_driver;

/**
 * struct nooks_held_dev - a device held across an unbind and a re-bind
 * @dev: the device, with a reference
 * @enabled: nooks keeps it enabled (a PCI device that was enabled)
 */
struct nooks_held_dev {
	struct device *dev;
	bool enabled;
};

/* Devices of a driver, held across an unbind/bind (bus_pci.c). */
struct nooks_devlist {
	struct nooks_held_dev *devs;
	unsigned int n, max;
};

void nooks_pci_wrap_driver(struct nooks_domain *dom, struct pci_driver *pdrv);
void nooks_pci_unwrap_driver(struct nooks_domain *dom);
void nooks_pci_find_driver(struct nooks_domain *dom);
void nooks_pci_quiesce(struct nooks_domain *dom);
int nooks_pci_hold_devices(struct nooks_domain *dom, struct nooks_devlist *l);
void nooks_pci_unbind_devices(struct nooks_domain *dom,
			      struct nooks_devlist *l);
void nooks_pci_reset_devices(struct nooks_devlist *l);
int nooks_pci_bind_devices(struct nooks_domain *dom, struct nooks_devlist *l);
void nooks_pci_put_devices(struct nooks_devlist *l);

#endif /* _NOOKS_BUS_PCI_H */
