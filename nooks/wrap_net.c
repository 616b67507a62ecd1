// SPDX-License-Identifier: GPL-2.0
/*
 * nooks/wrap_net.c - net devices and NAPI instances of an isolated driver.
 *
 * register_netdev() interposes on the device's ops (entry_netdev.c) before
 * the kernel can call them; NAPI poll functions run as protected calls.
 */
#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "domain.h"
#include "netdev.h"
#include "wrap.h"

static struct net_device *nooks_alloc_etherdev_mqs(int sizeof_priv,
						   unsigned int txqs,
						   unsigned int rxqs)
{
	struct nooks_domain *dom = nooks_caller_domain();
	struct net_device *dev;

	/* a restarted driver gets the net_device the shadow kept */
	if (dom && nooks_hook(dom, netdev_alloc)) {
		dev = dom->ops->netdev_alloc(dom, sizeof_priv, txqs, rxqs);
		if (dev)
			return dev;
	}
	dev = alloc_etherdev_mqs(sizeof_priv, txqs, rxqs);
	if (dev && dom)
		nooks_track_add(dom, NOOKS_OBJ_NETDEV, (unsigned long)dev,
				0, 0, 0);
	return dev;
}

static void nooks_free_netdev(struct net_device *dev)
{
	struct nooks_domain *dom = nooks_caller_domain();

	if (dom)
		nooks_track_del(dom, NOOKS_OBJ_NETDEV, (unsigned long)dev,
				NULL);
	free_netdev(dev);
}

NOOKS_RELEASE(netdev)
{
	free_netdev((struct net_device *)obj->key);
}

static int nooks_register_netdev(struct net_device *dev)
{
	struct nooks_domain *dom = nooks_caller_domain();
	int ret;

	if (!dom)
		return register_netdev(dev);
	if (nooks_hook(dom, netdev_register) &&
	    dom->ops->netdev_register(dom, dev))
		return 0;	/* a kept device, registered all along */
	ret = nooks_netdev_wrap(dom, dev);
	if (ret)
		return ret;
	ret = register_netdev(dev);
	if (ret) {
		nooks_netdev_unwrap(dom, dev);
		return ret;
	}
	nooks_track_add(dom, NOOKS_OBJ_NETDEV_REG, (unsigned long)dev, 0, 0, 0);
	if (nooks_hook(dom, netdev_registered)) {
		struct nooks_netdev *nn;

		mutex_lock(&dom->lock);
		nn = nooks_netdev_find(dom, dev);
		mutex_unlock(&dom->lock);
		if (nn)
			dom->ops->netdev_registered(dom, nn);
	}
	return 0;
}

static void nooks_unregister_netdev(struct net_device *dev)
{
	struct nooks_domain *dom = nooks_caller_domain();

	unregister_netdev(dev);
	if (dom) {
		nooks_track_del(dom, NOOKS_OBJ_NETDEV_REG, (unsigned long)dev,
				NULL);
		nooks_netdev_unwrap(dom, dev);
	}
}

NOOKS_RELEASE(netdev_reg)
{
	struct net_device *dev = (struct net_device *)obj->key;

	unregister_netdev(dev);
	nooks_netdev_unwrap(dom, dev);
}

/* NAPI */

static int nooks_napi_poll(struct napi_struct *napi, int budget)
{
	struct nooks_domain *dom;
	int (*poll)(struct napi_struct *napi, int budget);
	int ret;

	poll = nooks_cb_get(napi, &dom);
	if (!poll)
		return 0;
	NOOKS_CALL(dom, "napi_poll", ret, poll(napi, budget), -1);
	if (ret < 0) {
		/*
		 * The driver failed inside its poll: it will never complete
		 * this NAPI instance, so complete it here, or the stack would
		 * keep it scheduled forever.
		 */
		if (test_bit(NAPI_STATE_SCHED, &napi->state))
			napi_complete(napi);
		ret = 0;
	}
	return ret;
}

static void nooks_netif_napi_add_weight(struct net_device *dev,
					struct napi_struct *napi,
					int (*poll)(struct napi_struct *, int),
					int weight)
{
	struct nooks_domain *dom = nooks_caller_domain();

	if (dom && !nooks_cb_set(dom, napi, poll)) {
		nooks_track_add(dom, NOOKS_OBJ_NAPI, (unsigned long)napi,
				0, 0, 0);
		poll = nooks_napi_poll;
	}
	netif_napi_add_weight(dev, napi, poll, weight);
}

static void nooks_netif_napi_del(struct napi_struct *napi)
{
	struct nooks_domain *dom = nooks_caller_domain();

	if (dom)
		nooks_track_del(dom, NOOKS_OBJ_NAPI, (unsigned long)napi, NULL);
	__netif_napi_del(napi);
}

static void nooks_napi_enable(struct napi_struct *napi)
{
	struct nooks_domain *dom = nooks_caller_domain();

	if (dom)
		nooks_track_set(dom, NOOKS_OBJ_NAPI, (unsigned long)napi, 0, 1);
	napi_enable(napi);
}

static void nooks_napi_disable(struct napi_struct *napi)
{
	struct nooks_domain *dom = nooks_caller_domain();

	napi_disable(napi);
	if (dom)
		nooks_track_set(dom, NOOKS_OBJ_NAPI, (unsigned long)napi, 0, 0);
}

/*
 * Disable (if the driver had enabled it) and delete: napi_disable() on an
 * instance that was never enabled would wait forever.
 */
NOOKS_RELEASE(napi)
{
	struct napi_struct *napi = (struct napi_struct *)obj->key;

	if (obj->a[0])
		napi_disable(napi);
	__netif_napi_del(napi);
	nooks_cb_del(napi);
}

static const struct nooks_import nooks_net_list[] = {
	{ "alloc_etherdev_mqs", nooks_alloc_etherdev_mqs },
	{ "free_netdev", nooks_free_netdev },
	{ "register_netdev", nooks_register_netdev },
	{ "unregister_netdev", nooks_unregister_netdev },
	{ "netif_napi_add_weight", nooks_netif_napi_add_weight },
	{ "__netif_napi_del", nooks_netif_napi_del },
	{ "napi_enable", nooks_napi_enable },
	{ "napi_disable", nooks_napi_disable },
};

const struct nooks_import_table nooks_net_imports = {
	nooks_net_list, ARRAY_SIZE(nooks_net_list)
};
