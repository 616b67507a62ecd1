// SPDX-License-Identifier: GPL-2.0
/*
 * classes/net/adopt.c - net devices of a driver that runs while it is
 * switched to or from isolation (a planned restart, nooks/domain.c).
 *
 * A driver that was loaded natively registered its net devices with the
 * kernel's own functions: nothing wrapped their ops or tracked them. To
 * isolate it without the devices going away, the class takes them over
 * as they are (nooks_net_adopt()): wrapped ops, tracked registration;
 * the shadow then closes them through the driver's own ndo_stop
 * (nooks_netdev_close()) and keeps them through the driver's remove and
 * re-probe. Back to native, the class lets go of a device the re-probed
 * driver took back (nooks_net_let_go()): the driver's own ops again.
 */
#define pr_fmt(fmt) "nooks_net: " fmt

#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/net_namespace.h>

#include "nooks_net.h"
#include "wrap.h"

/* at most this many net devices of one driver are taken over */
#define NOOKS_NET_ADOPT_MAX	16

/* Is @dev a net device of a device bound to @drv? Caller holds RTNL. */
static bool nooks_net_of_driver(struct net_device *dev,
				const struct device_driver *drv)
{
	return dev->dev.parent && dev->dev.parent->driver == drv &&
	       dev->reg_state == NETREG_REGISTERED;
}

static int nooks_net_has_netdev(struct device *parent, void *data)
{
	struct net_device *dev;
	struct net *net;
	bool found = false;

	rtnl_lock();
	for_each_net(net) {
		for_each_netdev(net, dev) {
			if (dev->dev.parent == parent &&
			    dev->reg_state == NETREG_REGISTERED) {
				found = true;
				break;
			}
		}
		if (found)
			break;
	}
	rtnl_unlock();
	return found ? 0 : -ENODEV;
}

/**
 * nooks_net_covers() - has every device of a driver a net device?
 * @dom: the domain, its ctl held, its pci_driver found
 *
 * Return: true when the driver has bound devices and each is the parent
 * of a registered net device (the net class can keep them all).
 */
bool nooks_net_covers(struct nooks_domain *dom)
{
	struct pci_driver *pdrv = READ_ONCE(dom->pdrv);

	if (!pdrv || !nooks_net_domain(dom))
		return false;
	return !driver_for_each_device(&pdrv->driver, NULL, NULL,
				       nooks_net_has_netdev);
}
EXPORT_SYMBOL_GPL(nooks_net_covers);

/**
 * nooks_net_adopt() - take over the net devices a driver registered natively
 * @dom: the domain, its ctl held, isolated (its text bound)
 *
 * Each registered net device of a device bound to the driver and not
 * wrapped yet gets wrapped ops and a tracked registration, and the
 * recovery layer's registered hook, as if the driver had registered it
 * isolated.
 *
 * Return: the number of devices taken over, or -ENOMEM.
 */
int nooks_net_adopt(struct nooks_domain *dom)
{
	struct nooks_net_domain *nd = nooks_net_domain(dom);
	struct pci_driver *pdrv = READ_ONCE(dom->pdrv);
	struct net_device *devs[NOOKS_NET_ADOPT_MAX];
	struct net_device *dev;
	struct nooks_netdev *nn;
	unsigned int i, n = 0;
	struct net *net;
	int ret = 0, adopted = 0;

	lockdep_assert_held(&dom->ctl);
	if (!nd || !pdrv)
		return 0;
	rtnl_lock();
	for_each_net(net) {
		for_each_netdev(net, dev) {
			if (!nooks_net_of_driver(dev, &pdrv->driver) ||
			    n == NOOKS_NET_ADOPT_MAX)
				continue;
			dev_hold(dev);
			devs[n++] = dev;
		}
	}
	rtnl_unlock();

	for (i = 0; i < n; i++) {
		dev = devs[i];
		mutex_lock(&nd->lock);
		nn = nooks_netdev_find(nd, dev);
		mutex_unlock(&nd->lock);
		if (nn || ret)
			goto next;
		ret = nooks_netdev_wrap(dom, dev);
		if (ret)
			goto next;
		nooks_track_add(dom, &nooks_net_obj_netdev, (unsigned long)dev,
				0, 0, 0);
		nooks_netdev_registered(dom, dev);
		adopted++;
next:
		dev_put(dev);
	}
	return ret ?: adopted;
}
EXPORT_SYMBOL_GPL(nooks_net_adopt);

/**
 * nooks_netdev_close() - close a running net device through its driver
 * @nn: the device's entry record
 *
 * What dev_close() does to the driver, as a protected call when the
 * domain runs (natively when it is not isolated yet), without the
 * kernel seeing the device go down: the kernel's view (IFF_UP, the
 * qdisc and the packets it holds) stays, the caller stands in. Caller
 * holds RTNL.
 *
 * Return: 0, or the driver's error (-EIO when it faulted).
 */
int nooks_netdev_close(struct nooks_netdev *nn)
{
	struct net_device *dev = nn->dev;
	int ret = 0;

	ASSERT_RTNL();
	if (!(dev->flags & IFF_UP))
		return 0;
	/* as __dev_close_many(): not running from the driver's view */
	clear_bit(__LINK_STATE_START, &dev->state);
	/* netif_running() false on every CPU before the driver stops */
	smp_mb__after_atomic();
	if (nn->orig->ndo_stop &&
	    READ_ONCE(nn->dom->state) == NOOKS_STATE_RUNNING)
		NOOKS_CALL(nn->dom, "ndo_stop", ret, nn->orig->ndo_stop(dev),
			   -EIO);
	else if (nn->orig->ndo_stop)
		ret = nn->orig->ndo_stop(dev);	/* not isolated yet */
	set_bit(__LINK_STATE_START, &dev->state);
	return ret;
}
EXPORT_SYMBOL_GPL(nooks_netdev_close);

/**
 * nooks_netdev_stats() - a net device's counters, from its driver
 * @nn: the device's entry record
 * @s: the counters
 *
 * Through the wrapped ops when the domain runs, from the driver's own
 * ops when it is not isolated yet (the wrappers would answer for it).
 */
void nooks_netdev_stats(struct nooks_netdev *nn, struct rtnl_link_stats64 *s)
{
	struct net_device *dev = nn->dev;

	if (READ_ONCE(nn->dom->state) == NOOKS_STATE_RUNNING) {
		dev_get_stats(dev, s);
		return;
	}
	memset(s, 0, sizeof(*s));
	if (nn->orig->ndo_get_stats64)
		nn->orig->ndo_get_stats64(dev, s);
	else if (nn->orig->ndo_get_stats)
		netdev_stats_to_stats64(s, nn->orig->ndo_get_stats(dev));
	else
		netdev_stats_to_stats64(s, &dev->stats);
}
EXPORT_SYMBOL_GPL(nooks_netdev_stats);

/**
 * nooks_net_let_go() - give the running net devices their driver's ops back
 * @dom: the domain, no longer isolated (mode off); the recovery layer let
 *	go of its devices already
 *
 * The devices stay registered and running; their records are freed once
 * no wrapper can still be using them.
 */
void nooks_net_let_go(struct nooks_domain *dom)
{
	struct nooks_net_domain *nd = nooks_net_domain(dom);
	struct nooks_netdev *nn, *tmp;
	LIST_HEAD(gone);

	if (!nd)
		return;
	mutex_lock(&nd->lock);
	list_splice_init(&nd->netdevs, &gone);
	mutex_unlock(&nd->lock);
	if (list_empty(&gone))
		return;
	rtnl_lock();
	list_for_each_entry(nn, &gone, node) {
		WRITE_ONCE(nn->dev->netdev_ops, nn->orig);
		if (nn->eorig)
			WRITE_ONCE(nn->dev->ethtool_ops, nn->eorig);
	}
	rtnl_unlock();
	/* callers that read the wrapped ops before: RCU, RCU-bh, timers */
	synchronize_net();
	list_for_each_entry_safe(nn, tmp, &gone, node)
		kfree(nn);
}
EXPORT_SYMBOL_GPL(nooks_net_let_go);
