// SPDX-License-Identifier: GPL-2.0
/*
 * classes/net/main.c - the shadow of every network driver.
 *
 * One class for all net drivers, no per-driver code: it works on the
 * net_device and its ops, which every net driver has.
 *
 *   passive     log (log.c) while the driver runs
 *   active      after a fault: stop the queues (carrier stays on so that
 *               the qdisc holds packets), answer for the driver
 *               (standin.c), fold the statistics
 *   recovering  keep the registered net_device while nooks releases the
 *               driver's other resources; when the restarted driver
 *               allocates and registers a net device, give it the kept one
 *               (same name, ifindex, addresses, routes, sockets); then
 *               replay the log (replay.c)
 *
 * Through a restart the kernel keeps seeing the carrier as it was
 * (link.c): the restarted driver's carrier changes do not reach
 * link-watch until it has its link again.
 *
 * While the driver runs, progress checks (watchdog.c) fail it when it
 * stops moving packets without faulting.
 */
#define pr_fmt(fmt) "shadow_net: " fmt

#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "net.h"
#include "shadow.h"

static const struct nooks_net_hooks shadow_net_hooks;

/* Shadow @nn (caller holds dom->ctl or is the registering driver). */
static void shadow_net_add(struct nooks_netdev *nn)
{
	struct shadow_net_dev *sn;

	if (nn->priv)
		return;
	sn = kzalloc(sizeof(*sn), GFP_KERNEL);
	if (!sn) {
		netdev_warn(nn->dev, "shadow: out of memory, not shadowed\n");
		return;
	}
	sn->nn = nn;
	spin_lock_init(&sn->lock);
	shadow_net_link_init(sn);
	shadow_net_log_start(sn);
}

static void shadow_net_del(struct nooks_netdev *nn)
{
	struct shadow_net_dev *sn = nn->priv;

	if (!sn)
		return;
	shadow_net_link_drop(sn, false);
	rtnl_lock();
	shadow_net_log_stop(sn);
	rtnl_unlock();
	synchronize_net();	/* taps and stand-ins still running */
	nn->priv = NULL;
	kfree(sn);
}

/* @fn on each of @dom's net devices, under the domain's net lock. */
static void shadow_net_for_each(struct nooks_domain *dom,
				void (*fn)(struct nooks_netdev *nn))
{
	struct nooks_net_domain *nd = nooks_net_domain(dom);
	struct nooks_netdev *nn;

	if (!nd)
		return;
	mutex_lock(&nd->lock);
	list_for_each_entry(nn, &nd->netdevs, node)
		fn(nn);
	mutex_unlock(&nd->lock);
}

static void shadow_net_attach(struct nooks_domain *dom)
{
	if (!nooks_net_domain(dom))
		return;
	shadow_net_for_each(dom, shadow_net_add);
	nooks_net_set_hooks(dom, &shadow_net_hooks);
}

static void shadow_net_detach(struct nooks_domain *dom)
{
	if (!nooks_net_domain(dom))
		return;
	nooks_net_set_hooks(dom, NULL);
	shadow_net_for_each(dom, shadow_net_del);
}

static void shadow_net_registered(struct nooks_domain *dom,
				  struct nooks_netdev *nn)
{
	shadow_net_add(nn);
}

static void shadow_net_gone(struct nooks_domain *dom, struct nooks_netdev *nn)
{
	struct shadow_net_dev *sn = nn->priv;

	/* the device is unregistered: nothing calls the taps any more */
	if (sn) {
		shadow_net_link_forget(sn);
		nn->priv = NULL;
		synchronize_net();
		kfree(sn);
	}
}

/*
 * Any context. The list of net devices does not change while the driver
 * is failed: it changes only in the driver's probe and remove.
 */
static void shadow_net_failed(struct nooks_domain *dom)
{
	struct nooks_net_domain *nd = nooks_net_domain(dom);
	struct nooks_netdev *nn;

	if (!nd)
		return;
	list_for_each_entry(nn, &nd->netdevs, node) {
		struct shadow_net_dev *sn = nn->priv;
		unsigned long flags;

		if (!sn) {
			netif_tx_stop_all_queues(nn->dev);
			netif_carrier_off(nn->dev);
			continue;
		}
		spin_lock_irqsave(&sn->lock, flags);
		WRITE_ONCE(nn->divert, true);
		shadow_net_link_hold(sn);
		spin_unlock_irqrestore(&sn->lock, flags);
		netif_tx_stop_all_queues(nn->dev);
		shadow_net_stats_fold(sn);
	}
}

/* The shadow of @dev, or NULL; caller holds the domain's net lock. */
static struct shadow_net_dev *shadow_net_find(struct nooks_net_domain *nd,
					      struct net_device *dev)
{
	struct nooks_netdev *nn = nooks_netdev_find(nd, dev);

	return nn ? nn->priv : NULL;
}

/* Keep @sn's device for the re-probe: what to give back is noted now. */
static void shadow_net_mark_kept(struct shadow_net_dev *sn)
{
	struct net_device *dev = sn->nn->dev;

	sn->kept = true;
	sn->rebound = false;
	sn->parent = dev->dev.parent;
	memcpy(sn->name, dev->name, IFNAMSIZ);
	memcpy(sn->mac, dev->dev_addr, min_t(unsigned int, dev->addr_len,
					     MAX_ADDR_LEN));
}

/* Keep the shadowed net devices, registered, for the restarted driver. */
static bool shadow_net_keep(struct nooks_domain *dom,
			    const struct nooks_obj *obj)
{
	struct nooks_net_domain *nd = nooks_net_domain(dom);
	struct shadow_net_dev *sn;

	if (!nd || (obj->type != &nooks_net_obj_netdev &&
		    obj->type != &nooks_net_obj_netdev_reg))
		return false;
	mutex_lock(&nd->lock);
	sn = shadow_net_find(nd, (struct net_device *)obj->key);
	mutex_unlock(&nd->lock);
	if (!sn)
		return false;
	if (!sn->kept)
		shadow_net_mark_kept(sn);
	return true;
}

/*
 * NAPI instances the old driver left on a kept device (its remove in a
 * planned restart runs, but not the free_netdev() that would delete
 * them; after a fault the tracker deleted those it knew): they live in
 * the private area about to be cleared. Disabled by the driver's close.
 */
static void shadow_net_napi_forget(struct net_device *dev)
{
	struct napi_struct *napi, *tmp;
	bool any = false;

	list_for_each_entry_safe(napi, tmp, &dev->napi_list, dev_list) {
		__netif_napi_del(napi);
		any = true;
	}
	if (any)
		synchronize_net();
}

/*
 * The restarted driver allocates its net device: give it the kept one,
 * with its private area cleared as alloc_etherdev would have it: one of
 * the device nooks is binding (a driver with two NICs gets each its own
 * back; a probe nooks did not start may have any). Called with the
 * domain's net lock held.
 */
static struct net_device *shadow_net_alloc(struct nooks_domain *dom,
					   int sizeof_priv, unsigned int txqs,
					   unsigned int rxqs)
{
	struct nooks_net_domain *nd = nooks_net_domain(dom);
	struct device *probing = READ_ONCE(dom->probing);
	struct net_device *dev = NULL;
	struct nooks_netdev *nn;
	unsigned int i;

	lockdep_assert_held(&nd->lock);
	list_for_each_entry(nn, &nd->netdevs, node) {
		struct shadow_net_dev *sn = nn->priv;

		if (!sn || !sn->kept || sn->rebound ||
		    nn->dev->num_tx_queues != txqs ||
		    nn->dev->num_rx_queues != rxqs)
			continue;
		/* never another device's */
		if (probing && sn->parent && sn->parent != probing)
			continue;
		dev = nn->dev;
		shadow_net_napi_forget(dev);
		memset(netdev_priv(dev), 0, sizeof_priv);
		/* transmit queues as new: no bytes in flight (BQL), running */
		netdev_reset_queue(dev);
		for (i = 0; i < dev->num_tx_queues; i++)
			netdev_tx_reset_queue(netdev_get_tx_queue(dev, i));
		sn->rebound = true;
		break;
	}
	return dev;
}

/*
 * The restarted driver set its ops (and maybe a placeholder name) in the
 * kept device, which is registered all along: the stack and other drivers
 * (a bond's link monitor, ethtool) read those pointers at any time, and
 * must not reach the half-probed driver through them. Note what the probe
 * set and put the wrappers back in front of it: from the first import the
 * driver calls with the device after setting them (NAPI), and again when it
 * registers the device. Called with the domain's net lock held.
 *
 * Return: true if @dev is a kept device the re-probe took back.
 */
static bool shadow_net_reclaim(struct nooks_domain *dom,
			       struct net_device *dev)
{
	struct shadow_net_dev *sn;
	struct nooks_netdev *nn;

	sn = shadow_net_find(nooks_net_domain(dom), dev);
	if (!sn || !sn->rebound)
		return false;
	nn = sn->nn;
	memcpy(dev->name, sn->name, IFNAMSIZ);
	if (dev->netdev_ops != &nn->ops) {
		nn->orig = dev->netdev_ops;
		WRITE_ONCE(dev->netdev_ops, &nn->ops);
	}
	if (nn->eorig && dev->ethtool_ops != &nn->eops) {
		nn->eorig = dev->ethtool_ops;
		WRITE_ONCE(dev->ethtool_ops, &nn->eops);
	}
	return true;
}

/* A kept device of @dom (the re-probe may free it on an error path). */
static bool shadow_net_kept(struct nooks_domain *dom, struct net_device *dev)
{
	struct shadow_net_dev *sn = shadow_net_find(nooks_net_domain(dom), dev);

	return sn && sn->kept;
}

/* After the re-probe: replay every kept device's log. */
static int shadow_net_recover(struct nooks_domain *dom)
{
	struct nooks_net_domain *nd = nooks_net_domain(dom);
	struct nooks_netdev *nn;
	int ret = 0;

	if (!nd)
		return 0;
	mutex_lock(&nd->lock);
	rtnl_lock();
	list_for_each_entry(nn, &nd->netdevs, node) {
		struct shadow_net_dev *sn = nn->priv;

		if (!sn || !sn->kept)
			continue;
		sn->kept = false;
		if (!sn->rebound) {
			netdev_err(nn->dev, "shadow: restarted driver did not take the device back\n");
			ret = -ENODEV;
			continue;
		}
		sn->rebound = false;
		if (!ret)
			ret = shadow_net_replay(sn);
		if (!ret)
			shadow_net_link_give_back(sn);
	}
	rtnl_unlock();
	mutex_unlock(&nd->lock);
	return ret;
}

static const struct nooks_net_hooks shadow_net_hooks = {
	.alloc		= shadow_net_alloc,
	.register_dev	= shadow_net_reclaim,
	.reclaim	= shadow_net_reclaim,
	.registered	= shadow_net_registered,
	.gone		= shadow_net_gone,
	.kept		= shadow_net_kept,
};

/* Planned restarts (a switch of mode): every bound device has a netdev. */
static bool shadow_net_live(struct nooks_domain *dom)
{
	return nooks_net_covers(dom);
}

/*
 * A planned restart begins: take over the devices the driver registered
 * before it was isolated, stand in for each (as after a fault: queues
 * stopped, carrier kept, counters folded), close it through the driver's
 * ndo_stop and keep it through the driver's remove. From mode off this
 * runs before the driver is isolated (its ndo_stop is called natively).
 */
static int shadow_net_quiesce(struct nooks_domain *dom)
{
	struct nooks_net_domain *nd = nooks_net_domain(dom);
	struct rtnl_link_stats64 stats;
	struct nooks_netdev *nn;
	unsigned long flags;
	int ret;

	if (!nd)
		return 0;
	ret = nooks_net_adopt(dom);
	if (ret < 0)
		return ret;
	ret = 0;
	mutex_lock(&nd->lock);
	rtnl_lock();
	list_for_each_entry(nn, &nd->netdevs, node) {
		struct shadow_net_dev *sn = nn->priv;

		if (!sn) {
			ret = -ENOMEM;	/* not shadowed: nobody would stand in */
			break;
		}
		/* the last counters, the base of the re-probed driver's */
		nooks_netdev_stats(nn, &stats);
		spin_lock_irqsave(&sn->lock, flags);
		sn->last = stats;
		WRITE_ONCE(nn->divert, true);
		/* before the close drops the carrier */
		shadow_net_link_hold(sn);
		spin_unlock_irqrestore(&sn->lock, flags);
		netif_tx_stop_all_queues(nn->dev);
		shadow_net_stats_fold(sn);
		shadow_net_mark_kept(sn);
		ret = nooks_netdev_close(nn);
		if (ret)
			break;
	}
	rtnl_unlock();
	mutex_unlock(&nd->lock);
	return ret;
}

/* Back to native: the driver gets its link back before it is let go. */
static void shadow_net_settle_del(struct nooks_netdev *nn)
{
	if (nn->priv)
		shadow_net_link_drop(nn->priv, true);
	shadow_net_del(nn);
}

/* After the planned re-probe: replay; back to native, let go. */
static int shadow_net_resume(struct nooks_domain *dom, bool native)
{
	struct nooks_net_domain *nd = nooks_net_domain(dom);
	int ret;

	ret = shadow_net_recover(dom);
	if (ret || !native || !nd)
		return ret;
	nooks_net_set_hooks(dom, NULL);
	shadow_net_for_each(dom, shadow_net_settle_del);
	nooks_net_let_go(dom);
	return 0;
}

static void shadow_net_let_carrier(struct nooks_netdev *nn)
{
	if (nn->priv)
		shadow_net_link_drop(nn->priv, false);
}

/* Fail-stopped: the kernel learns what the carrier is. */
static void shadow_net_stopped(struct nooks_domain *dom)
{
	shadow_net_for_each(dom, shadow_net_let_carrier);
}

static const struct shadow_class_ops shadow_net_ops = {
	.attach		= shadow_net_attach,
	.detach		= shadow_net_detach,
	.failed		= shadow_net_failed,
	.keep		= shadow_net_keep,
	.recover	= shadow_net_recover,
	.stopped	= shadow_net_stopped,
	.check		= shadow_net_check,
	.live		= shadow_net_live,
	.quiesce	= shadow_net_quiesce,
	.resume		= shadow_net_resume,
};

static struct shadow_class shadow_net_class = {
	.name	= "net",
	.ops	= &shadow_net_ops,
};

static int __init shadow_net_init(void)
{
	int ret;

	ret = nooks_net_check_standin(&shadow_net_standin_ops,
				      &shadow_net_standin_ethtool_ops,
				      "shadow_net");
	if (ret)
		return ret;
	return shadow_class_register(&shadow_net_class);
}

static void __exit shadow_net_exit(void)
{
	shadow_class_unregister(&shadow_net_class);
}

module_init(shadow_net_init);
module_exit(shadow_net_exit);

MODULE_DESCRIPTION("Shadow driver for network devices");
MODULE_LICENSE("GPL");
