/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nooks/netdev.h - an isolated driver's net_device as nooks sees it.
 */
#ifndef _NOOKS_NETDEV_H
#define _NOOKS_NETDEV_H

#include <linux/ethtool.h>
#include <linux/list.h>
#include <linux/netdevice.h>

struct nooks_domain;

/**
 * struct nooks_netdev - wrapped ops of one net_device
 * @node: entry in the domain's netdevs list
 * @dom: the driver's domain
 * @dev: the net_device
 * @orig: the driver's net_device_ops
 * @eorig: the driver's ethtool_ops, or NULL
 * @ops: what the kernel calls: wrappers for every op in @orig
 * @eops: what the kernel calls: wrappers for every op in @eorig
 * @standin: answers while the driver is failed or recovering; must
 *	implement every op the wrappers cover
 * @estandin: the same for ethtool
 * @divert: send every call to @standin even while the domain runs (the
 *	shadow sets it while it stands in and clears it when it hands the
 *	device back after the replay)
 * @priv: the recovery layer's per-device data (shadow mode)
 */
struct nooks_netdev {
	struct list_head node;
	struct nooks_domain *dom;
	struct net_device *dev;
	const struct net_device_ops *orig;
	const struct ethtool_ops *eorig;
	struct net_device_ops ops;
	struct ethtool_ops eops;
	const struct net_device_ops *standin;
	const struct ethtool_ops *estandin;
	bool divert;
	void *priv;
};

/* The nooks_netdev of a wrapped net_device (from its ops pointers). */
static inline struct nooks_netdev *nooks_netdev_of(struct net_device *dev)
{
	return container_of(dev->netdev_ops, struct nooks_netdev, ops);
}

static inline struct nooks_netdev *nooks_netdev_of_eth(struct net_device *dev)
{
	return container_of(dev->ethtool_ops, struct nooks_netdev, eops);
}

extern const struct net_device_ops nooks_standin_netdev_ops;
extern const struct ethtool_ops nooks_standin_ethtool_ops;

struct nooks_netdev *nooks_netdev_find(struct nooks_domain *dom,
				       struct net_device *dev);

#endif /* _NOOKS_NETDEV_H */
