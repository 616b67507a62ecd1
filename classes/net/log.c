// SPDX-License-Identifier: GPL-2.0
/*
 * classes/net/log.c - passive mode: what the shadow learns while the
 * driver runs.
 *
 * Most of a net device's configuration is kernel state that survives the
 * driver: the net_device itself (name, ifindex, flags, MTU, features),
 * addresses and routes, the multicast and unicast lists, VLAN filters.
 * What lives only in the driver and must be logged: ethtool settings the
 * user changed (rings, coalescing, pause, WoL, message level), and the
 * answers to queries (driver info, link settings) that the shadow gives
 * while the driver is gone. Statistics are made monotonic: counters of
 * earlier driver instances are added to what the current one reports.
 *
 * The taps sit in the wrapped ops table in front of nooks' wrappers.
 */
#include <linux/netdevice.h>

#include "net.h"

/* dst += src, field by field (both are arrays of u64) */
static void shadow_net_add64(struct rtnl_link_stats64 *dst,
			     const struct rtnl_link_stats64 *src)
{
	u64 *d = (u64 *)dst;
	const u64 *s = (const u64 *)src;
	unsigned int i;

	for (i = 0; i < sizeof(*dst) / sizeof(u64); i++)
		d[i] += s[i];
}

static void shadow_net_tap_stats64(struct net_device *dev,
				   struct rtnl_link_stats64 *s)
{
	struct shadow_net_dev *sn = shadow_net_of(dev);
	unsigned long flags;

	if (READ_ONCE(sn->nn->divert)) {
		spin_lock_irqsave(&sn->lock, flags);
		*s = sn->last;
		spin_unlock_irqrestore(&sn->lock, flags);
		return;
	}
	sn->wrapped.ndo_get_stats64(dev, s);
	spin_lock_irqsave(&sn->lock, flags);
	shadow_net_add64(s, &sn->base);
	sn->last = *s;
	spin_unlock_irqrestore(&sn->lock, flags);
}

static struct net_device_stats *shadow_net_tap_stats(struct net_device *dev)
{
	struct shadow_net_dev *sn = shadow_net_of(dev);
	struct rtnl_link_stats64 now;
	struct net_device_stats *p;
	unsigned long flags;
	unsigned long *out;
	const u64 *in;
	unsigned int i;

	if (READ_ONCE(sn->nn->divert))
		return &sn->stats;
	p = sn->wrapped.ndo_get_stats(dev);
	if (!p || p == &sn->stats)
		return p;
	netdev_stats_to_stats64(&now, p);
	spin_lock_irqsave(&sn->lock, flags);
	shadow_net_add64(&now, &sn->base);
	sn->last = now;
	/* struct net_device_stats: the first fields of stats64, as longs */
	out = (unsigned long *)&sn->stats;
	in = (const u64 *)&now;
	for (i = 0; i < sizeof(sn->stats) / sizeof(unsigned long); i++)
		out[i] = in[i];
	spin_unlock_irqrestore(&sn->lock, flags);
	return &sn->stats;
}

/**
 * shadow_net_stats_fold() - the driver failed: its counters restart at 0
 * @sn: the device's shadow
 *
 * Any context. What was last reported becomes the base added to the next
 * driver instance's counters.
 */
void shadow_net_stats_fold(struct shadow_net_dev *sn)
{
	unsigned long flags;

	spin_lock_irqsave(&sn->lock, flags);
	sn->base = sn->last;
	spin_unlock_irqrestore(&sn->lock, flags);
}

static void shadow_net_tap_drvinfo(struct net_device *dev,
				   struct ethtool_drvinfo *info)
{
	struct shadow_net_dev *sn = shadow_net_of(dev);

	sn->ewrapped.get_drvinfo(dev, info);
	if (!READ_ONCE(sn->nn->divert)) {
		sn->drvinfo = *info;
		sn->have_drvinfo = true;
	}
}

static int shadow_net_tap_get_ksettings(struct net_device *dev,
					struct ethtool_link_ksettings *k)
{
	struct shadow_net_dev *sn = shadow_net_of(dev);
	int ret = sn->ewrapped.get_link_ksettings(dev, k);

	if (!ret && !READ_ONCE(sn->nn->divert)) {
		sn->ksettings = *k;
		sn->have_ksettings = true;
	}
	return ret;
}

/*
 * The link as the kernel sees it: up while a restart holds the carrier
 * (link.c), for those who ask ethtool rather than read the carrier (a
 * bond with use_carrier 0).
 */
static u32 shadow_net_tap_get_link(struct net_device *dev)
{
	struct shadow_net_dev *sn = shadow_net_of(dev);

	if (READ_ONCE(sn->link_held))
		return 1;
	return sn->ewrapped.get_link(dev);
}

static int shadow_net_tap_set_ring(struct net_device *dev,
				   struct ethtool_ringparam *r,
				   struct kernel_ethtool_ringparam *k,
				   struct netlink_ext_ack *x)
{
	struct shadow_net_dev *sn = shadow_net_of(dev);
	int ret = sn->ewrapped.set_ringparam(dev, r, k, x);

	if (!ret) {
		sn->ring = *r;
		sn->kring = *k;
		sn->set_ring = true;
	}
	return ret;
}

static int shadow_net_tap_set_coal(struct net_device *dev,
				   struct ethtool_coalesce *c,
				   struct kernel_ethtool_coalesce *k,
				   struct netlink_ext_ack *x)
{
	struct shadow_net_dev *sn = shadow_net_of(dev);
	int ret = sn->ewrapped.set_coalesce(dev, c, k, x);

	if (!ret) {
		sn->coal = *c;
		sn->kcoal = *k;
		sn->set_coal = true;
	}
	return ret;
}

static int shadow_net_tap_set_pause(struct net_device *dev,
				    struct ethtool_pauseparam *p)
{
	struct shadow_net_dev *sn = shadow_net_of(dev);
	int ret = sn->ewrapped.set_pauseparam(dev, p);

	if (!ret) {
		sn->pause = *p;
		sn->set_pause = true;
	}
	return ret;
}

static int shadow_net_tap_set_wol(struct net_device *dev,
				  struct ethtool_wolinfo *w)
{
	struct shadow_net_dev *sn = shadow_net_of(dev);
	int ret = sn->ewrapped.set_wol(dev, w);

	if (!ret) {
		sn->wol = *w;
		sn->set_wol = true;
	}
	return ret;
}

static void shadow_net_tap_set_msglevel(struct net_device *dev, u32 v)
{
	struct shadow_net_dev *sn = shadow_net_of(dev);

	sn->ewrapped.set_msglevel(dev, v);
	sn->msglevel = v;
	sn->set_msglevel = true;
}

/* the kernel's transmit watchdog: a failure of the driver (watchdog.c) */
static void shadow_net_tap_tx_timeout(struct net_device *dev, unsigned int q)
{
	struct shadow_net_dev *sn = shadow_net_of(dev);

	if (!shadow_net_watch_tx_timeout(sn))
		sn->wrapped.ndo_tx_timeout(dev, q);
}

#define TAP(tbl, op, fn) do { if ((tbl)->op) (tbl)->op = (fn); } while (0)

/**
 * shadow_net_log_start() - start shadowing a wrapped net device
 * @sn: the shadow, with @sn->nn set
 */
void shadow_net_log_start(struct shadow_net_dev *sn)
{
	struct nooks_netdev *nn = sn->nn;

	sn->wrapped = nn->ops;
	sn->ewrapped = nn->eops;
	nn->priv = sn;
	nn->standin = &shadow_net_standin_ops;
	if (nn->eorig)
		nn->estandin = &shadow_net_standin_ethtool_ops;
	TAP(&nn->ops, ndo_get_stats64, shadow_net_tap_stats64);
	TAP(&nn->ops, ndo_get_stats, shadow_net_tap_stats);
	TAP(&nn->ops, ndo_tx_timeout, shadow_net_tap_tx_timeout);
	if (!nn->eorig)
		return;
	TAP(&nn->eops, get_drvinfo, shadow_net_tap_drvinfo);
	TAP(&nn->eops, get_link_ksettings, shadow_net_tap_get_ksettings);
	TAP(&nn->eops, get_link, shadow_net_tap_get_link);
	TAP(&nn->eops, set_ringparam, shadow_net_tap_set_ring);
	TAP(&nn->eops, set_coalesce, shadow_net_tap_set_coal);
	TAP(&nn->eops, set_pauseparam, shadow_net_tap_set_pause);
	TAP(&nn->eops, set_wol, shadow_net_tap_set_wol);
	TAP(&nn->eops, set_msglevel, shadow_net_tap_set_msglevel);
}

/**
 * shadow_net_log_stop() - hand a net device back to plain nooks
 * @sn: the shadow; freed by the caller after an RCU grace period
 */
void shadow_net_log_stop(struct shadow_net_dev *sn)
{
	struct nooks_netdev *nn = sn->nn;

	nn->ops = sn->wrapped;
	nn->eops = sn->ewrapped;
	nn->standin = &nooks_net_isolate_ops;
	if (nn->eorig)
		nn->estandin = &nooks_net_isolate_ethtool_ops;
	WRITE_ONCE(nn->divert, false);
}
