// SPDX-License-Identifier: GPL-2.0
/*
 * nooks/standin.c - what a failed net driver answers in isolate mode.
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

#include "netdev.h"

static int nooks_standin_eio(struct net_device *dev)
{
	return -EIO;
}

static int nooks_standin_zero(struct net_device *dev)
{
	return 0;
}

static void nooks_standin_nothing(struct net_device *dev)
{
}

static netdev_tx_t nooks_standin_xmit(struct sk_buff *skb,
				      struct net_device *dev)
{
	dev_core_stats_tx_dropped_inc(dev);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

static netdev_features_t nooks_standin_features(struct sk_buff *skb,
						struct net_device *dev,
						netdev_features_t f)
{
	return f;
}

static void nooks_standin_rx_flags(struct net_device *dev, int flags)
{
}

static int nooks_standin_mac(struct net_device *dev, void *addr)
{
	return -EIO;
}

static int nooks_standin_ioctl(struct net_device *dev, struct ifreq *ifr,
			       int cmd)
{
	return -EIO;
}

static int nooks_standin_private(struct net_device *dev, struct ifreq *ifr,
				 void __user *data, int cmd)
{
	return -EIO;
}

static int nooks_standin_mtu(struct net_device *dev, int mtu)
{
	return -EIO;
}

static void nooks_standin_tx_timeout(struct net_device *dev, unsigned int q)
{
}

static void nooks_standin_stats64(struct net_device *dev,
				  struct rtnl_link_stats64 *s)
{
	netdev_stats_to_stats64(s, &dev->stats);
}

static struct net_device_stats *nooks_standin_stats(struct net_device *dev)
{
	return &dev->stats;
}

static int nooks_standin_vid(struct net_device *dev, __be16 proto, u16 vid)
{
	return -EIO;
}

static netdev_features_t nooks_standin_fix_features(struct net_device *dev,
						    netdev_features_t f)
{
	return f;
}

static int nooks_standin_set_features(struct net_device *dev,
				      netdev_features_t f)
{
	return -EIO;
}

const struct net_device_ops nooks_standin_netdev_ops = {
	.ndo_init		= nooks_standin_eio,
	.ndo_uninit		= nooks_standin_nothing,
	.ndo_open		= nooks_standin_eio,
	.ndo_stop		= nooks_standin_zero,
	.ndo_start_xmit		= nooks_standin_xmit,
	.ndo_features_check	= nooks_standin_features,
	.ndo_change_rx_flags	= nooks_standin_rx_flags,
	.ndo_set_rx_mode	= nooks_standin_nothing,
	.ndo_set_mac_address	= nooks_standin_mac,
	.ndo_validate_addr	= nooks_standin_eio,
	.ndo_eth_ioctl		= nooks_standin_ioctl,
	.ndo_siocdevprivate	= nooks_standin_private,
	.ndo_change_mtu		= nooks_standin_mtu,
	.ndo_tx_timeout		= nooks_standin_tx_timeout,
	.ndo_get_stats64	= nooks_standin_stats64,
	.ndo_get_stats		= nooks_standin_stats,
	.ndo_vlan_rx_add_vid	= nooks_standin_vid,
	.ndo_vlan_rx_kill_vid	= nooks_standin_vid,
#ifdef CONFIG_NET_POLL_CONTROLLER
	.ndo_poll_controller	= nooks_standin_nothing,
#endif
	.ndo_fix_features	= nooks_standin_fix_features,
	.ndo_set_features	= nooks_standin_set_features,
};
EXPORT_SYMBOL_GPL(nooks_standin_netdev_ops);

static void nooks_standin_drvinfo(struct net_device *dev,
				  struct ethtool_drvinfo *i)
{
}

static void nooks_standin_regs(struct net_device *dev, struct ethtool_regs *r,
			       void *p)
{
}

static void nooks_standin_get_wol(struct net_device *dev,
				  struct ethtool_wolinfo *w)
{
}

static int nooks_standin_set_wol(struct net_device *dev,
				 struct ethtool_wolinfo *w)
{
	return -EIO;
}

static u32 nooks_standin_u32(struct net_device *dev)
{
	return 0;
}

static void nooks_standin_set_msglevel(struct net_device *dev, u32 v)
{
}

static int nooks_standin_eeprom(struct net_device *dev,
				struct ethtool_eeprom *e, u8 *b)
{
	return -EIO;
}

static int nooks_standin_coalesce(struct net_device *dev,
				  struct ethtool_coalesce *c,
				  struct kernel_ethtool_coalesce *k,
				  struct netlink_ext_ack *x)
{
	return -EIO;
}

static void nooks_standin_get_ring(struct net_device *dev,
				   struct ethtool_ringparam *r,
				   struct kernel_ethtool_ringparam *k,
				   struct netlink_ext_ack *x)
{
}

static int nooks_standin_set_ring(struct net_device *dev,
				  struct ethtool_ringparam *r,
				  struct kernel_ethtool_ringparam *k,
				  struct netlink_ext_ack *x)
{
	return -EIO;
}

static void nooks_standin_get_pause(struct net_device *dev,
				    struct ethtool_pauseparam *p)
{
}

static int nooks_standin_set_pause(struct net_device *dev,
				   struct ethtool_pauseparam *p)
{
	return -EIO;
}

static void nooks_standin_self_test(struct net_device *dev,
				    struct ethtool_test *t, u64 *d)
{
	t->flags |= ETH_TEST_FL_FAILED;
}

static void nooks_standin_strings(struct net_device *dev, u32 set, u8 *d)
{
}

static int nooks_standin_phys_id(struct net_device *dev,
				 enum ethtool_phys_id_state s)
{
	return -EIO;
}

static void nooks_standin_ethtool_stats(struct net_device *dev,
					struct ethtool_stats *s, u64 *d)
{
}

static int nooks_standin_sset_count(struct net_device *dev, int set)
{
	return -EIO;
}

static int nooks_standin_ts_info(struct net_device *dev,
				 struct ethtool_ts_info *i)
{
	return -EIO;
}

static int nooks_standin_get_ksettings(struct net_device *dev,
				       struct ethtool_link_ksettings *k)
{
	return -EIO;
}

static int nooks_standin_set_ksettings(struct net_device *dev,
				       const struct ethtool_link_ksettings *k)
{
	return -EIO;
}

const struct ethtool_ops nooks_standin_ethtool_ops = {
	.get_drvinfo		= nooks_standin_drvinfo,
	.get_regs_len		= nooks_standin_zero,
	.get_regs		= nooks_standin_regs,
	.get_wol		= nooks_standin_get_wol,
	.set_wol		= nooks_standin_set_wol,
	.get_msglevel		= nooks_standin_u32,
	.set_msglevel		= nooks_standin_set_msglevel,
	.nway_reset		= nooks_standin_eio,
	.get_link		= nooks_standin_u32,
	.get_eeprom_len		= nooks_standin_zero,
	.get_eeprom		= nooks_standin_eeprom,
	.set_eeprom		= nooks_standin_eeprom,
	.get_coalesce		= nooks_standin_coalesce,
	.set_coalesce		= nooks_standin_coalesce,
	.get_ringparam		= nooks_standin_get_ring,
	.set_ringparam		= nooks_standin_set_ring,
	.get_pauseparam		= nooks_standin_get_pause,
	.set_pauseparam		= nooks_standin_set_pause,
	.self_test		= nooks_standin_self_test,
	.get_strings		= nooks_standin_strings,
	.set_phys_id		= nooks_standin_phys_id,
	.get_ethtool_stats	= nooks_standin_ethtool_stats,
	.get_sset_count		= nooks_standin_sset_count,
	.get_ts_info		= nooks_standin_ts_info,
	.get_link_ksettings	= nooks_standin_get_ksettings,
	.set_link_ksettings	= nooks_standin_set_ksettings,
};
EXPORT_SYMBOL_GPL(nooks_standin_ethtool_ops);
