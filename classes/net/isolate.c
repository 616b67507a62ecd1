// SPDX-License-Identifier: GPL-2.0
/*
 * classes/net/isolate.c - what a failed net driver answers in isolate mode.
 *
 * While a domain is failed or restarting, nothing enters the driver; the
 * kernel's calls get these answers instead: configuration changes fail
 * with -EIO, packets are dropped and counted, queries get empty answers.
 * (In shadow mode the class shadow answers instead, so that applications
 * see no error.)
 */
#include <linux/ethtool.h>
#include <linux/module.h>
#include <linux/netdevice.h>

#include "nooks_net.h"

static int nooks_net_isolate_eio(struct net_device *dev)
{
	return -EIO;
}

static int nooks_net_isolate_zero(struct net_device *dev)
{
	return 0;
}

static void nooks_net_isolate_nothing(struct net_device *dev)
{
}

static netdev_tx_t nooks_net_isolate_xmit(struct sk_buff *skb,
				      struct net_device *dev)
{
	dev_core_stats_tx_dropped_inc(dev);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

static netdev_features_t nooks_net_isolate_features(struct sk_buff *skb,
						struct net_device *dev,
						netdev_features_t f)
{
	return f;
}

static void nooks_net_isolate_rx_flags(struct net_device *dev, int flags)
{
}

static int nooks_net_isolate_mac(struct net_device *dev, void *addr)
{
	return -EIO;
}

static int nooks_net_isolate_ioctl(struct net_device *dev, struct ifreq *ifr,
			       int cmd)
{
	return -EIO;
}

static int nooks_net_isolate_private(struct net_device *dev, struct ifreq *ifr,
				 void __user *data, int cmd)
{
	return -EIO;
}

static int nooks_net_isolate_mtu(struct net_device *dev, int mtu)
{
	return -EIO;
}

static void nooks_net_isolate_tx_timeout(struct net_device *dev, unsigned int q)
{
}

static void nooks_net_isolate_stats64(struct net_device *dev,
				  struct rtnl_link_stats64 *s)
{
	netdev_stats_to_stats64(s, &dev->stats);
}

static struct net_device_stats *nooks_net_isolate_stats(struct net_device *dev)
{
	return &dev->stats;
}

static int nooks_net_isolate_vid(struct net_device *dev, __be16 proto, u16 vid)
{
	return -EIO;
}

static netdev_features_t nooks_net_isolate_fix_features(struct net_device *dev,
						    netdev_features_t f)
{
	return f;
}

static int nooks_net_isolate_set_features(struct net_device *dev,
				      netdev_features_t f)
{
	return -EIO;
}

const struct net_device_ops nooks_net_isolate_ops = {
	.ndo_init		= nooks_net_isolate_eio,
	.ndo_uninit		= nooks_net_isolate_nothing,
	.ndo_open		= nooks_net_isolate_eio,
	.ndo_stop		= nooks_net_isolate_zero,
	.ndo_start_xmit		= nooks_net_isolate_xmit,
	.ndo_features_check	= nooks_net_isolate_features,
	.ndo_change_rx_flags	= nooks_net_isolate_rx_flags,
	.ndo_set_rx_mode	= nooks_net_isolate_nothing,
	.ndo_set_mac_address	= nooks_net_isolate_mac,
	.ndo_validate_addr	= nooks_net_isolate_eio,
	.ndo_eth_ioctl		= nooks_net_isolate_ioctl,
	.ndo_siocdevprivate	= nooks_net_isolate_private,
	.ndo_change_mtu		= nooks_net_isolate_mtu,
	.ndo_tx_timeout		= nooks_net_isolate_tx_timeout,
	.ndo_get_stats64	= nooks_net_isolate_stats64,
	.ndo_get_stats		= nooks_net_isolate_stats,
	.ndo_vlan_rx_add_vid	= nooks_net_isolate_vid,
	.ndo_vlan_rx_kill_vid	= nooks_net_isolate_vid,
#ifdef CONFIG_NET_POLL_CONTROLLER
	.ndo_poll_controller	= nooks_net_isolate_nothing,
#endif
	.ndo_fix_features	= nooks_net_isolate_fix_features,
	.ndo_set_features	= nooks_net_isolate_set_features,
};
EXPORT_SYMBOL_GPL(nooks_net_isolate_ops);

static void nooks_net_isolate_drvinfo(struct net_device *dev,
				  struct ethtool_drvinfo *i)
{
}

static void nooks_net_isolate_regs(struct net_device *dev, struct ethtool_regs *r,
			       void *p)
{
}

static void nooks_net_isolate_get_wol(struct net_device *dev,
				  struct ethtool_wolinfo *w)
{
}

static int nooks_net_isolate_set_wol(struct net_device *dev,
				 struct ethtool_wolinfo *w)
{
	return -EIO;
}

static u32 nooks_net_isolate_u32(struct net_device *dev)
{
	return 0;
}

static void nooks_net_isolate_set_msglevel(struct net_device *dev, u32 v)
{
}

static int nooks_net_isolate_eeprom(struct net_device *dev,
				struct ethtool_eeprom *e, u8 *b)
{
	return -EIO;
}

static int nooks_net_isolate_coalesce(struct net_device *dev,
				  struct ethtool_coalesce *c,
				  struct kernel_ethtool_coalesce *k,
				  struct netlink_ext_ack *x)
{
	return -EIO;
}

static void nooks_net_isolate_get_ring(struct net_device *dev,
				   struct ethtool_ringparam *r,
				   struct kernel_ethtool_ringparam *k,
				   struct netlink_ext_ack *x)
{
}

static int nooks_net_isolate_set_ring(struct net_device *dev,
				  struct ethtool_ringparam *r,
				  struct kernel_ethtool_ringparam *k,
				  struct netlink_ext_ack *x)
{
	return -EIO;
}

static void nooks_net_isolate_get_pause(struct net_device *dev,
				    struct ethtool_pauseparam *p)
{
}

static int nooks_net_isolate_set_pause(struct net_device *dev,
				   struct ethtool_pauseparam *p)
{
	return -EIO;
}

static void nooks_net_isolate_self_test(struct net_device *dev,
				    struct ethtool_test *t, u64 *d)
{
	t->flags |= ETH_TEST_FL_FAILED;
}

static void nooks_net_isolate_strings(struct net_device *dev, u32 set, u8 *d)
{
}

static int nooks_net_isolate_phys_id(struct net_device *dev,
				 enum ethtool_phys_id_state s)
{
	return -EIO;
}

static void nooks_net_isolate_ethtool_stats(struct net_device *dev,
					struct ethtool_stats *s, u64 *d)
{
}

static int nooks_net_isolate_sset_count(struct net_device *dev, int set)
{
	return -EIO;
}

static int nooks_net_isolate_ts_info(struct net_device *dev,
				 struct ethtool_ts_info *i)
{
	return -EIO;
}

static int nooks_net_isolate_get_ksettings(struct net_device *dev,
				       struct ethtool_link_ksettings *k)
{
	return -EIO;
}

static int nooks_net_isolate_set_ksettings(struct net_device *dev,
				       const struct ethtool_link_ksettings *k)
{
	return -EIO;
}

const struct ethtool_ops nooks_net_isolate_ethtool_ops = {
	.get_drvinfo		= nooks_net_isolate_drvinfo,
	.get_regs_len		= nooks_net_isolate_zero,
	.get_regs		= nooks_net_isolate_regs,
	.get_wol		= nooks_net_isolate_get_wol,
	.set_wol		= nooks_net_isolate_set_wol,
	.get_msglevel		= nooks_net_isolate_u32,
	.set_msglevel		= nooks_net_isolate_set_msglevel,
	.nway_reset		= nooks_net_isolate_eio,
	.get_link		= nooks_net_isolate_u32,
	.get_eeprom_len		= nooks_net_isolate_zero,
	.get_eeprom		= nooks_net_isolate_eeprom,
	.set_eeprom		= nooks_net_isolate_eeprom,
	.get_coalesce		= nooks_net_isolate_coalesce,
	.set_coalesce		= nooks_net_isolate_coalesce,
	.get_ringparam		= nooks_net_isolate_get_ring,
	.set_ringparam		= nooks_net_isolate_set_ring,
	.get_pauseparam		= nooks_net_isolate_get_pause,
	.set_pauseparam		= nooks_net_isolate_set_pause,
	.self_test		= nooks_net_isolate_self_test,
	.get_strings		= nooks_net_isolate_strings,
	.set_phys_id		= nooks_net_isolate_phys_id,
	.get_ethtool_stats	= nooks_net_isolate_ethtool_stats,
	.get_sset_count		= nooks_net_isolate_sset_count,
	.get_ts_info		= nooks_net_isolate_ts_info,
	.get_link_ksettings	= nooks_net_isolate_get_ksettings,
	.set_link_ksettings	= nooks_net_isolate_set_ksettings,
};
EXPORT_SYMBOL_GPL(nooks_net_isolate_ethtool_ops);
