// SPDX-License-Identifier: GPL-2.0
/*
 * classes/net/standin.c - active mode: the shadow answers for a failed
 * net driver, so that no application call fails.
 *
 *  - transmit is held: the queue is stopped and the packet goes back to
 *    the qdisc (NETDEV_TX_BUSY), to leave when the driver is back and has
 *    its link (link.c: the kernel keeps seeing the carrier on meanwhile);
 *  - open, stop, MTU, MAC address, rx mode, features, VLAN filters and
 *    ethtool rings, coalescing, pause, WoL and message level are accepted:
 *    the kernel keeps most of them in the net_device, the rest is logged;
 *    all is replayed after the restart;
 *  - what cannot be answered or replayed (link settings, EEPROM, LED,
 *    private ioctls) fails with -EAGAIN: try again in a moment;
 *  - queries are answered from the log (driver info, link settings, ring
 *    and coalescing parameters) and statistics from the last counters;
 *    the link reads down, or up while the kernel's view of the carrier
 *    is held (link.c; the tap in log.c answers then).
 */
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/netdevice.h>

#include "net.h"
#include "shadow_trace.h"

static int shadow_net_ok(struct net_device *dev)
{
	trace_shadow_standin(netdev_name(dev), "accepted");
	return 0;
}

static void shadow_net_nothing(struct net_device *dev)
{
}

/*
 * The queue stops; the hand back wakes it (shadow_net_tx_resume()). A
 * transmit that chose the stand-in just before the hand back may stop
 * the queue just after the hand back looked at it: it then finds the
 * driver handed back and wakes the queue itself (the qdisc sends the
 * packet again), or the queue would stay stopped until the kernel's
 * transmit watchdog.
 */
static netdev_tx_t shadow_net_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct nooks_netdev *nn = nooks_netdev_of(dev);
	u16 q = skb_get_queue_mapping(skb);

	netif_stop_subqueue(dev, q);
	/* pairs with the barrier of the hand back (shadow_net_tx_resume()) */
	smp_mb__after_atomic();
	if (!READ_ONCE(nn->divert) && !READ_ONCE(nn->hold_xmit) &&
	    READ_ONCE(nn->dom->state) == NOOKS_STATE_RUNNING)
		netif_wake_subqueue(dev, q);
	else
		trace_shadow_standin(netdev_name(dev), "xmit_held");
	return NETDEV_TX_BUSY;
}

static void shadow_net_rx_flags(struct net_device *dev, int flags)
{
}

static int shadow_net_set_mac(struct net_device *dev, void *addr)
{
	trace_shadow_standin(netdev_name(dev), "set_mac_address");
	return eth_mac_addr(dev, addr);	/* replayed to the driver later */
}

static int shadow_net_ioctl(struct net_device *dev, struct ifreq *ifr, int cmd)
{
	return -EAGAIN;
}

static int shadow_net_private(struct net_device *dev, struct ifreq *ifr,
			      void __user *data, int cmd)
{
	return -EAGAIN;
}

static int shadow_net_mtu(struct net_device *dev, int mtu)
{
	WRITE_ONCE(dev->mtu, mtu);	/* replayed to the driver later */
	trace_shadow_standin(netdev_name(dev), "change_mtu");
	return 0;
}

static void shadow_net_tx_timeout(struct net_device *dev, unsigned int q)
{
}

static void shadow_net_stats64(struct net_device *dev,
			       struct rtnl_link_stats64 *s)
{
	struct shadow_net_dev *sn = shadow_net_of(dev);
	unsigned long flags;

	spin_lock_irqsave(&sn->lock, flags);
	*s = sn->last;
	spin_unlock_irqrestore(&sn->lock, flags);
	trace_shadow_standin(netdev_name(dev), "get_stats64");
}

static struct net_device_stats *shadow_net_stats(struct net_device *dev)
{
	trace_shadow_standin(netdev_name(dev), "get_stats");
	return &shadow_net_of(dev)->stats;
}

static int shadow_net_vid(struct net_device *dev, __be16 proto, u16 vid)
{
	return 0;	/* the kernel keeps the VLAN list; replayed later */
}

static netdev_features_t shadow_net_fix_features(struct net_device *dev,
						 netdev_features_t f)
{
	return f;
}

static int shadow_net_set_features(struct net_device *dev,
				   netdev_features_t f)
{
	return 0;	/* dev->features is updated by the kernel; replayed */
}

const struct net_device_ops shadow_net_standin_ops = {
	.ndo_init		= shadow_net_ok,
	.ndo_uninit		= shadow_net_nothing,
	.ndo_open		= shadow_net_ok,
	.ndo_stop		= shadow_net_ok,
	.ndo_start_xmit		= shadow_net_xmit,
	.ndo_features_check	= passthru_features_check,
	.ndo_change_rx_flags	= shadow_net_rx_flags,
	.ndo_set_rx_mode	= shadow_net_nothing,
	.ndo_set_mac_address	= shadow_net_set_mac,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_eth_ioctl		= shadow_net_ioctl,
	.ndo_siocdevprivate	= shadow_net_private,
	.ndo_change_mtu		= shadow_net_mtu,
	.ndo_tx_timeout		= shadow_net_tx_timeout,
	.ndo_get_stats64	= shadow_net_stats64,
	.ndo_get_stats		= shadow_net_stats,
	.ndo_vlan_rx_add_vid	= shadow_net_vid,
	.ndo_vlan_rx_kill_vid	= shadow_net_vid,
#ifdef CONFIG_NET_POLL_CONTROLLER
	.ndo_poll_controller	= shadow_net_nothing,
#endif
	.ndo_fix_features	= shadow_net_fix_features,
	.ndo_set_features	= shadow_net_set_features,
};

static void shadow_net_drvinfo(struct net_device *dev,
			       struct ethtool_drvinfo *info)
{
	struct shadow_net_dev *sn = shadow_net_of(dev);

	if (sn->have_drvinfo)
		*info = sn->drvinfo;
	trace_shadow_standin(netdev_name(dev), "get_drvinfo");
}

static int shadow_net_zero(struct net_device *dev)
{
	return 0;
}

static void shadow_net_regs(struct net_device *dev, struct ethtool_regs *r,
			    void *p)
{
}

static void shadow_net_get_wol(struct net_device *dev,
			       struct ethtool_wolinfo *w)
{
	struct shadow_net_dev *sn = shadow_net_of(dev);

	if (sn->set_wol)
		*w = sn->wol;
}

static int shadow_net_set_wol(struct net_device *dev,
			      struct ethtool_wolinfo *w)
{
	struct shadow_net_dev *sn = shadow_net_of(dev);

	sn->wol = *w;
	sn->set_wol = true;
	return 0;
}

static u32 shadow_net_get_msglevel(struct net_device *dev)
{
	return shadow_net_of(dev)->msglevel;
}

static void shadow_net_set_msglevel(struct net_device *dev, u32 v)
{
	struct shadow_net_dev *sn = shadow_net_of(dev);

	sn->msglevel = v;
	sn->set_msglevel = true;
}

/* no link while the driver is restarting */
static u32 shadow_net_get_link(struct net_device *dev)
{
	return 0;
}

static int shadow_net_eeprom(struct net_device *dev, struct ethtool_eeprom *e,
			     u8 *b)
{
	return -EAGAIN;
}

static int shadow_net_get_coal(struct net_device *dev,
			       struct ethtool_coalesce *c,
			       struct kernel_ethtool_coalesce *k,
			       struct netlink_ext_ack *x)
{
	struct shadow_net_dev *sn = shadow_net_of(dev);

	if (sn->set_coal) {
		*c = sn->coal;
		*k = sn->kcoal;
	}
	return 0;
}

static int shadow_net_set_coal(struct net_device *dev,
			       struct ethtool_coalesce *c,
			       struct kernel_ethtool_coalesce *k,
			       struct netlink_ext_ack *x)
{
	struct shadow_net_dev *sn = shadow_net_of(dev);

	sn->coal = *c;
	sn->kcoal = *k;
	sn->set_coal = true;
	return 0;
}

static void shadow_net_get_ring(struct net_device *dev,
				struct ethtool_ringparam *r,
				struct kernel_ethtool_ringparam *k,
				struct netlink_ext_ack *x)
{
	struct shadow_net_dev *sn = shadow_net_of(dev);

	if (sn->set_ring) {
		*r = sn->ring;
		*k = sn->kring;
	}
}

static int shadow_net_set_ring(struct net_device *dev,
			       struct ethtool_ringparam *r,
			       struct kernel_ethtool_ringparam *k,
			       struct netlink_ext_ack *x)
{
	struct shadow_net_dev *sn = shadow_net_of(dev);

	sn->ring = *r;
	sn->kring = *k;
	sn->set_ring = true;
	return 0;
}

static void shadow_net_get_pause(struct net_device *dev,
				 struct ethtool_pauseparam *p)
{
	struct shadow_net_dev *sn = shadow_net_of(dev);

	if (sn->set_pause)
		*p = sn->pause;
}

static int shadow_net_set_pause(struct net_device *dev,
				struct ethtool_pauseparam *p)
{
	struct shadow_net_dev *sn = shadow_net_of(dev);

	sn->pause = *p;
	sn->set_pause = true;
	return 0;
}

static void shadow_net_self_test(struct net_device *dev,
				 struct ethtool_test *t, u64 *d)
{
	t->flags |= ETH_TEST_FL_FAILED;
}

static void shadow_net_strings(struct net_device *dev, u32 set, u8 *d)
{
}

static int shadow_net_phys_id(struct net_device *dev,
			      enum ethtool_phys_id_state s)
{
	return -EAGAIN;
}

static void shadow_net_ethtool_stats(struct net_device *dev,
				     struct ethtool_stats *s, u64 *d)
{
}

/* no driver statistics while it restarts: an empty set, not an error */
static int shadow_net_sset_count(struct net_device *dev, int set)
{
	return set == ETH_SS_STATS ? 0 : -EOPNOTSUPP;
}

static int shadow_net_get_ksettings(struct net_device *dev,
				    struct ethtool_link_ksettings *k)
{
	struct shadow_net_dev *sn = shadow_net_of(dev);

	if (sn->have_ksettings)
		*k = sn->ksettings;
	return 0;
}

static int shadow_net_set_ksettings(struct net_device *dev,
				    const struct ethtool_link_ksettings *k)
{
	return -EAGAIN;
}

const struct ethtool_ops shadow_net_standin_ethtool_ops = {
	.get_drvinfo		= shadow_net_drvinfo,
	.get_regs_len		= shadow_net_zero,
	.get_regs		= shadow_net_regs,
	.get_wol		= shadow_net_get_wol,
	.set_wol		= shadow_net_set_wol,
	.get_msglevel		= shadow_net_get_msglevel,
	.set_msglevel		= shadow_net_set_msglevel,
	.nway_reset		= shadow_net_zero,
	.get_link		= shadow_net_get_link,
	.get_eeprom_len		= shadow_net_zero,
	.get_eeprom		= shadow_net_eeprom,
	.set_eeprom		= shadow_net_eeprom,
	.get_coalesce		= shadow_net_get_coal,
	.set_coalesce		= shadow_net_set_coal,
	.get_ringparam		= shadow_net_get_ring,
	.set_ringparam		= shadow_net_set_ring,
	.get_pauseparam		= shadow_net_get_pause,
	.set_pauseparam		= shadow_net_set_pause,
	.self_test		= shadow_net_self_test,
	.get_strings		= shadow_net_strings,
	.set_phys_id		= shadow_net_phys_id,
	.get_ethtool_stats	= shadow_net_ethtool_stats,
	.get_sset_count		= shadow_net_sset_count,
	.get_ts_info		= ethtool_op_get_ts_info,
	.get_link_ksettings	= shadow_net_get_ksettings,
	.set_link_ksettings	= shadow_net_set_ksettings,
};
