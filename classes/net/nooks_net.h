/* SPDX-License-Identifier: GPL-2.0 */
/*
 * classes/net/nooks_net.h - the net class's part of the isolation layer
 * (nooks_net.ko), as the net shadow (shadow_net.ko) sees it.
 *
 * nooks_net.ko registers with nooks.ko the net imports of a driver
 * (net devices, NAPI, socket buffers), the object types only net drivers
 * have, and wraps every net_device_ops and ethtool_ops of an isolated
 * driver's net devices (entry.c). What a failed driver answers in isolate
 * mode is isolate.c; in shadow mode the net shadow diverts the calls to
 * its own stand-ins and keeps the devices through the restart with the
 * hooks below.
 */
#ifndef _NOOKS_NET_H
#define _NOOKS_NET_H

#include <linux/ethtool.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>

#include "domain.h"

/**
 * struct nooks_netdev - the entry record of one wrapped net_device
 * @node: entry in the domain's list (struct nooks_net_domain)
 * @dom: the driver's domain
 * @dev: the net_device
 * @orig: the driver's net_device_ops
 * @eorig: the driver's ethtool_ops, or NULL
 * @ops: what the kernel calls: wrappers for every op in @orig
 * @eops: what the kernel calls: wrappers for every op in @eorig
 * @standin: answers while the driver is failed or recovering; covers
 *	every op the wrappers cover (checked when it is installed)
 * @estandin: the same for ethtool
 * @divert: send every call to @standin even while the domain runs (the
 *	shadow sets it while it stands in and clears it when it hands the
 *	device back after the replay)
 * @hold_xmit: send transmits to @standin even when the calls go to the
 *	driver again (the shadow holds them while a restarted driver waits
 *	for its link)
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
	bool hold_xmit;
	void *priv;
};

struct nooks_net_hooks;

/**
 * struct nooks_net_domain - the net class's data of one domain
 * @lock: protects @netdevs and @hooks; the hooks run under it. Taken
 *	before rtnl_lock. @netdevs is also walked without it from any
 *	context while the domain is failed: it changes only in the driver's
 *	probe and remove, never while the driver is failed.
 * @netdevs: struct nooks_netdev of the driver's registered net devices
 * @hooks: the net shadow's hooks while the domain is shadowed, or NULL
 */
struct nooks_net_domain {
	struct mutex lock;
	struct list_head netdevs;
	const struct nooks_net_hooks *hooks;
};

/**
 * struct nooks_net_hooks - the net shadow's say in a driver's net devices
 * @alloc: the restarted driver allocates a net_device: return the kept
 *	one to give it back, or NULL
 * @register_dev: the driver registers @dev: return true if @dev is a kept
 *	device that is registered already (re-bound by the hook)
 * @reclaim: the restarted driver passed @dev to an import before
 *	registering it: if @dev is a kept device, put the wrappers back in
 *	front of the ops the probe wrote into it
 * @registered: a new net_device of the driver is registered and wrapped
 *	(start logging it)
 * @gone: the driver unregistered a net_device
 * @kept: is @dev kept for a re-probe? The driver's unregister_netdev() and
 *	free_netdev() of it then do nothing (its remove in a planned restart,
 *	or an error path of the re-probe)
 *
 * All run in process context with the domain's nooks_net_domain.lock held.
 */
struct nooks_net_hooks {
	struct net_device *(*alloc)(struct nooks_domain *dom, int sizeof_priv,
				    unsigned int txqs, unsigned int rxqs);
	bool (*register_dev)(struct nooks_domain *dom, struct net_device *dev);
	bool (*reclaim)(struct nooks_domain *dom, struct net_device *dev);
	void (*registered)(struct nooks_domain *dom, struct nooks_netdev *nn);
	void (*gone)(struct nooks_domain *dom, struct nooks_netdev *nn);
	bool (*kept)(struct nooks_domain *dom, struct net_device *dev);
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

struct nooks_net_domain *nooks_net_domain(struct nooks_domain *dom);
void nooks_net_set_hooks(struct nooks_domain *dom,
			 const struct nooks_net_hooks *hooks);
struct nooks_netdev *nooks_netdev_find(struct nooks_net_domain *nd,
				       struct net_device *dev);
int nooks_net_check_standin(const struct net_device_ops *ops,
			    const struct ethtool_ops *eops, const char *who);
bool nooks_net_covers(struct nooks_domain *dom);
int nooks_net_adopt(struct nooks_domain *dom);
int nooks_netdev_close(struct nooks_netdev *nn);
void nooks_netdev_stats(struct nooks_netdev *nn, struct rtnl_link_stats64 *s);
void nooks_net_let_go(struct nooks_domain *dom);

/* Object types only net drivers have (nooks_net.ko). */
extern struct nooks_obj_type nooks_net_obj_napi;
extern struct nooks_obj_type nooks_net_obj_netdev_reg;
extern struct nooks_obj_type nooks_net_obj_netdev;
extern struct nooks_obj_type nooks_net_obj_skb;

/* What a failed driver answers in isolate mode (isolate.c). */
extern const struct net_device_ops nooks_net_isolate_ops;
extern const struct ethtool_ops nooks_net_isolate_ethtool_ops;

/* nooks_net.ko internal */
extern const struct nooks_import_table nooks_net_imports;
extern const struct nooks_import_table nooks_net_skb_imports;
int nooks_netdev_wrap(struct nooks_domain *dom, struct net_device *dev);
void nooks_netdev_registered(struct nooks_domain *dom, struct net_device *dev);
void nooks_netdev_unwrap(struct nooks_domain *dom, struct net_device *dev);
void nooks_net_stop(struct nooks_domain *dom);

#endif /* _NOOKS_NET_H */
