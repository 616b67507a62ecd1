// SPDX-License-Identifier: GPL-2.0
/*
 * classes/net/wrap_net.c - net devices and NAPI instances of an isolated
 * driver.
 *
 * register_netdev() interposes on the device's ops (entry.c) before the
 * kernel can call them; NAPI poll functions run as protected calls. In
 * shadow mode the net shadow's hooks (struct nooks_net_hooks) give a
 * restarted driver the devices it kept.
 */
#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "nooks_net.h"
#include "wrap.h"

/*
 * The net class's data of the driver calling, isolated or not: a driver
 * switched to mode off is re-probed natively with its text still bound,
 * so that it gets the devices the shadow kept (nooks/domain.c).
 */
static struct nooks_net_domain *nooks_net_caller(unsigned long ret_ip,
						 struct nooks_domain **domp)
{
	struct nooks_domain *dom = nooks_domain_find_caller(ret_ip, true);

	*domp = dom;
	return dom ? nooks_net_domain(dom) : NULL;
}

static bool nooks_isolated(struct nooks_domain *dom)
{
	return dom && READ_ONCE(dom->mode) != NOOKS_MODE_OFF;
}

/* Is @dev kept for a re-probe (the driver's unregister and free skipped)? */
static bool nooks_net_kept(struct nooks_domain *dom,
			   struct nooks_net_domain *nd, struct net_device *dev)
{
	bool kept = false;

	if (!nd)
		return false;
	mutex_lock(&nd->lock);
	if (nd->hooks && nd->hooks->kept)
		kept = nd->hooks->kept(dom, dev);
	mutex_unlock(&nd->lock);
	return kept;
}

static struct net_device *nooks_alloc_etherdev_mqs(int sizeof_priv,
						   unsigned int txqs,
						   unsigned int rxqs)
{
	struct nooks_domain *dom;
	struct nooks_net_domain *nd = nooks_net_caller(_RET_IP_, &dom);
	struct net_device *dev = NULL;

	/* a restarted driver gets the net_device the shadow kept */
	if (nd) {
		mutex_lock(&nd->lock);
		if (nd->hooks && nd->hooks->alloc)
			dev = nd->hooks->alloc(dom, sizeof_priv, txqs, rxqs);
		mutex_unlock(&nd->lock);
		if (dev)
			return dev;
	}
	dev = alloc_etherdev_mqs(sizeof_priv, txqs, rxqs);
	if (dev && nooks_isolated(dom))
		nooks_track_add(dom, &nooks_net_obj_netdev, (unsigned long)dev,
				0, 0, 0);
	return dev;
}

static void nooks_free_netdev(struct net_device *dev)
{
	struct nooks_domain *dom;
	struct nooks_net_domain *nd = nooks_net_caller(_RET_IP_, &dom);

	if (nooks_net_kept(dom, nd, dev))
		return;
	if (nooks_isolated(dom))
		nooks_track_del(dom, &nooks_net_obj_netdev, (unsigned long)dev,
				NULL);
	free_netdev(dev);
}

static NOOKS_RELEASE(net_netdev)
{
	free_netdev((struct net_device *)obj->key);
}

struct nooks_obj_type nooks_net_obj_netdev = {
	.name = "netdev", .stage = NOOKS_STAGE_CLASS,
	.release = nooks_net_netdev_release,
};
EXPORT_SYMBOL_GPL(nooks_net_obj_netdev);

static int nooks_register_netdev(struct net_device *dev)
{
	struct nooks_domain *dom;
	struct nooks_net_domain *nd = nooks_net_caller(_RET_IP_, &dom);
	bool kept = false;
	int ret;

	if (!nd)
		return register_netdev(dev);
	mutex_lock(&nd->lock);
	if (nd->hooks && nd->hooks->register_dev)
		kept = nd->hooks->register_dev(dom, dev);
	mutex_unlock(&nd->lock);
	if (kept)
		return 0;	/* a kept device, registered all along */
	if (!nooks_isolated(dom))
		return register_netdev(dev);
	ret = nooks_netdev_wrap(dom, dev);
	if (ret)
		return ret;
	ret = register_netdev(dev);
	if (ret) {
		nooks_netdev_unwrap(dom, dev);
		return ret;
	}
	nooks_netdev_registered(dom, dev);
	return 0;
}

/**
 * nooks_netdev_registered() - a wrapped net device of the driver is
 *	registered: track the registration, tell the recovery layer
 * @dom: the driver's domain
 * @dev: the device, wrapped by nooks_netdev_wrap()
 */
void nooks_netdev_registered(struct nooks_domain *dom, struct net_device *dev)
{
	struct nooks_net_domain *nd = nooks_net_domain(dom);
	struct nooks_netdev *nn;

	nooks_track_add(dom, &nooks_net_obj_netdev_reg, (unsigned long)dev,
			0, 0, 0);
	if (!nd)
		return;
	mutex_lock(&nd->lock);
	nn = nooks_netdev_find(nd, dev);
	if (nn && nd->hooks && nd->hooks->registered)
		nd->hooks->registered(dom, nn);
	mutex_unlock(&nd->lock);
}

/*
 * The record goes even when the domain is turning native (mode off while
 * its devices are unbound): the wrapped ops must not outlive the device.
 */
static void nooks_unregister_netdev(struct net_device *dev)
{
	struct nooks_domain *dom;
	struct nooks_net_domain *nd = nooks_net_caller(_RET_IP_, &dom);

	if (nooks_net_kept(dom, nd, dev))
		return;		/* kept for the re-probe, registered */
	unregister_netdev(dev);
	if (dom) {
		nooks_track_del(dom, &nooks_net_obj_netdev_reg,
				(unsigned long)dev, NULL);
		nooks_netdev_unwrap(dom, dev);
	}
}

static NOOKS_RELEASE(net_netdev_reg)
{
	struct net_device *dev = (struct net_device *)obj->key;

	unregister_netdev(dev);
	nooks_netdev_unwrap(dom, dev);
}

/* Released before the allocation it registered (same stage, earlier). */
struct nooks_obj_type nooks_net_obj_netdev_reg = {
	.name = "netdev_registration", .stage = NOOKS_STAGE_CLASS,
	.release = nooks_net_netdev_reg_release,
};
EXPORT_SYMBOL_GPL(nooks_net_obj_netdev_reg);

/* NAPI */

/* The NAPI instance whose poll runs on this CPU, until the driver completes it. */
static DEFINE_PER_CPU(struct napi_struct *, nooks_napi_polling);

static bool nooks_napi_complete_done(struct napi_struct *n, int work_done)
{
	if (this_cpu_read(nooks_napi_polling) == n)
		this_cpu_write(nooks_napi_polling, NULL);
	return napi_complete_done(n, work_done);
}

/*
 * Is @napi on a poll list? Linked both ways when it is; list_del_init()
 * leaves both links on itself. A driver that wrote over its instance (a
 * wild store into its private area) leaves one link on itself: on no
 * list either, since an insertion is long over by the time this asks.
 */
static bool nooks_napi_linked(struct napi_struct *napi)
{
	struct list_head *next = READ_ONCE(napi->poll_list.next);
	struct list_head *prev = READ_ONCE(napi->poll_list.prev);

	return next != &napi->poll_list && prev != &napi->poll_list;
}

/*
 * Did the driver's poll return less than its budget without completing
 * @napi? The stack then believes the driver will complete it, and nobody
 * ever polls it again: the device receives no more, and napi_disable()
 * waits forever. Only for a poll from net_rx_action(), which takes the
 * instance off every list before the call: a busy poll or a NAPI thread
 * keeps the instance scheduled by design, and netpoll has no budget.
 */
static bool nooks_napi_orphaned(struct napi_struct *napi, int budget,
				int ret, bool completed)
{
	unsigned long state = READ_ONCE(napi->state);

	if (completed || !budget || ret >= budget)
		return false;
	if (state & (NAPIF_STATE_NPSVC | NAPIF_STATE_IN_BUSY_POLL |
		     NAPIF_STATE_THREADED))
		return false;
	return (state & NAPIF_STATE_SCHED) && !nooks_napi_linked(napi);
}

static int nooks_napi_poll(struct napi_struct *napi, int budget)
{
	struct nooks_domain *dom;
	int (*poll)(struct napi_struct *napi, int budget);
	bool completed;
	int ret;

	poll = nooks_cb_get(napi, &dom);
	if (!poll) {
		napi_complete(napi);
		return 0;
	}
	this_cpu_write(nooks_napi_polling, napi);
	NOOKS_CALL(dom, "napi_poll", ret, poll(napi, budget), -1);
	completed = this_cpu_read(nooks_napi_polling) != napi;
	this_cpu_write(nooks_napi_polling, NULL);
	if (ret < 0) {
		/*
		 * The driver failed inside its poll: it will never complete
		 * this NAPI instance, so complete it here, or the stack would
		 * keep it scheduled forever.
		 */
		if (test_bit(NAPI_STATE_SCHED, &napi->state))
			napi_complete(napi);
		ret = 0;
	} else if (nooks_napi_orphaned(napi, budget, ret, completed)) {
		/* nothing faulted, but the driver broke the NAPI contract */
		napi_complete(napi);
		nooks_domain_found(dom, NOOKS_FAULT_HANG, (unsigned long)poll,
				   "NAPI instance left scheduled by poll");
	}
	return ret;
}

static void nooks_netif_napi_add_weight(struct net_device *dev,
					struct napi_struct *napi,
					int (*poll)(struct napi_struct *, int),
					int weight)
{
	struct nooks_domain *dom;
	struct nooks_net_domain *nd = nooks_net_caller(_RET_IP_, &dom);

	/* a re-probe: the ops it just set must not stay exposed */
	if (nd) {
		mutex_lock(&nd->lock);
		if (nd->hooks && nd->hooks->reclaim)
			nd->hooks->reclaim(dom, dev);
		mutex_unlock(&nd->lock);
	}
	dom = nooks_caller_domain();
	if (dom && !nooks_cb_set(dom, napi, poll, NULL)) {
		nooks_track_add(dom, &nooks_net_obj_napi, (unsigned long)napi,
				0, 0, 0);
		poll = nooks_napi_poll;
	}
	netif_napi_add_weight(dev, napi, poll, weight);
}

static void nooks_netif_napi_del(struct napi_struct *napi)
{
	struct nooks_domain *dom = nooks_caller_domain();

	if (dom)
		nooks_track_del(dom, &nooks_net_obj_napi, (unsigned long)napi, NULL);
	__netif_napi_del(napi);
}

static void nooks_napi_enable(struct napi_struct *napi)
{
	struct nooks_domain *dom = nooks_caller_domain();

	if (dom)
		nooks_track_set(dom, &nooks_net_obj_napi, (unsigned long)napi, 0, 1);
	napi_enable(napi);
}

static void nooks_napi_disable(struct napi_struct *napi)
{
	struct nooks_domain *dom = nooks_caller_domain();

	napi_disable(napi);
	if (dom)
		nooks_track_set(dom, &nooks_net_obj_napi, (unsigned long)napi, 0, 0);
}

/* How long a failed driver's NAPI instance may stay scheduled, unlisted. */
#define NOOKS_NAPI_WAIT_MS	100

/* What a poll list link of @napi points to, for the log. */
static const char *nooks_napi_link(struct napi_struct *napi,
				   struct list_head *p)
{
	if (p == &napi->poll_list)
		return "itself";
	if (p == LIST_POISON1 || p == LIST_POISON2)
		return "poison";
	return p ? "a list" : "NULL";
}

/*
 * Disable a failed driver's NAPI instance. napi_disable() waits until no
 * one owns the instance; a driver that scheduled it and never completed
 * it (napi_schedule_prep() without __napi_schedule(), or a poll that broke
 * the contract) leaves it owned forever. Once new schedules are refused,
 * an instance still scheduled but on no poll list after NOOKS_NAPI_WAIT_MS
 * has no owner left but the driver: taken over as it is.
 */
static void nooks_net_napi_stop(struct napi_struct *napi)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(NOOKS_NAPI_WAIT_MS);
	struct nooks_domain *dom;
	bool told = false;

	set_bit(NAPI_STATE_DISABLE, &napi->state);
	while (test_bit(NAPI_STATE_SCHED, &napi->state)) {
		if (time_after(jiffies, deadline)) {
			if (!nooks_napi_linked(napi)) {
				pr_warn("nooks: NAPI instance %ps left scheduled by the failed driver: taken over\n",
					nooks_cb_get(napi, &dom));
				INIT_LIST_HEAD(&napi->poll_list);
				return;
			}
			if (!told)
				pr_warn("nooks: NAPI instance %ps of the failed driver still on a poll list (state %#lx, next %s, prev %s)\n",
					nooks_cb_get(napi, &dom), napi->state,
					nooks_napi_link(napi, napi->poll_list.next),
					nooks_napi_link(napi, napi->poll_list.prev));
			told = true;
		}
		usleep_range(20, 200);
	}
	napi_disable(napi);
}

/*
 * Disable (if the driver had enabled it) and delete: napi_disable() on an
 * instance that was never enabled would wait forever.
 */
static NOOKS_RELEASE(net_napi)
{
	struct napi_struct *napi = (struct napi_struct *)obj->key;

	if (obj->a[0])
		nooks_net_napi_stop(napi);
	__netif_napi_del(napi);
	nooks_cb_del(napi);
}

struct nooks_obj_type nooks_net_obj_napi = {
	.name = "napi", .stage = NOOKS_STAGE_ENTRY,
	.release = nooks_net_napi_release,
};
EXPORT_SYMBOL_GPL(nooks_net_obj_napi);

static const struct nooks_import nooks_net_list[] = {
	NOOKS_IMPORT(alloc_etherdev_mqs, nooks_alloc_etherdev_mqs),
	NOOKS_IMPORT(free_netdev, nooks_free_netdev),
	NOOKS_IMPORT(register_netdev, nooks_register_netdev),
	NOOKS_IMPORT(unregister_netdev, nooks_unregister_netdev),
	NOOKS_IMPORT(netif_napi_add_weight, nooks_netif_napi_add_weight),
	NOOKS_IMPORT(__netif_napi_del, nooks_netif_napi_del),
	NOOKS_IMPORT(napi_enable, nooks_napi_enable),
	NOOKS_IMPORT(napi_disable, nooks_napi_disable),
	NOOKS_IMPORT(napi_complete_done, nooks_napi_complete_done),
};

const struct nooks_import_table nooks_net_imports = {
	.name = "netdev",
	.imports = nooks_net_list,
	.n = ARRAY_SIZE(nooks_net_list),
};
