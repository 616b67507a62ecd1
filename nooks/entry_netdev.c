// SPDX-License-Identifier: GPL-2.0
/*
 * nooks/entry_netdev.c - the kernel's calls into an isolated net driver:
 * net_device_ops and ethtool_ops.
 *
 * Before the driver's net_device is registered, its ops pointers are
 * replaced by copies in which every operation the driver implements is a
 * nooks wrapper; operations it leaves NULL stay NULL, so the kernel
 * behaves exactly as before. A wrapper finds its struct nooks_netdev with
 * container_of() on the ops pointer, enters the domain as a protected
 * call, and when the domain is failed (or the call faults) answers with
 * the stand-in table instead: errors in isolate mode (nooks_standin_*),
 * the class shadow in shadow mode.
 */
#define pr_fmt(fmt) "nooks: " fmt

#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/slab.h>

#include "domain.h"
#include "netdev.h"
#include "wrap.h"

#define NOOKS_OP(of, tbl, stbl, op, rtype, proto, args)			\
static rtype nooks_##op proto						\
{									\
	struct nooks_netdev *nn = of(dev);				\
	rtype ret;							\
									\
	if (unlikely(READ_ONCE(nn->divert)))				\
		return nn->stbl->op args;				\
	NOOKS_CALL(nn->dom, #op, ret, nn->tbl->op args,			\
		   nn->stbl->op args);					\
	return ret;							\
}

#define NOOKS_OP_VOID(of, tbl, stbl, op, proto, args)			\
static void nooks_##op proto						\
{									\
	struct nooks_netdev *nn = of(dev);				\
									\
	if (unlikely(READ_ONCE(nn->divert))) {				\
		nn->stbl->op args;					\
		return;							\
	}								\
	NOOKS_CALL_VOID(nn->dom, #op, nn->tbl->op args,			\
			nn->stbl->op args);				\
}

#define NDO(op, rtype, proto, args) \
	NOOKS_OP(nooks_netdev_of, orig, standin, op, rtype, proto, args)
#define NDO_VOID(op, proto, args) \
	NOOKS_OP_VOID(nooks_netdev_of, orig, standin, op, proto, args)
#define ETH(op, rtype, proto, args) \
	NOOKS_OP(nooks_netdev_of_eth, eorig, estandin, op, rtype, proto, args)
#define ETH_VOID(op, proto, args) \
	NOOKS_OP_VOID(nooks_netdev_of_eth, eorig, estandin, op, proto, args)

/* The net_device_ops and ethtool_ops the wrappers cover. */
NDO(ndo_init, int, (struct net_device *dev), (dev))
NDO_VOID(ndo_uninit, (struct net_device *dev), (dev))
NDO(ndo_open, int, (struct net_device *dev), (dev))
NDO(ndo_stop, int, (struct net_device *dev), (dev))
NDO(ndo_features_check, netdev_features_t,
	(struct sk_buff *skb, struct net_device *dev, netdev_features_t f),
	(skb, dev, f))
NDO_VOID(ndo_change_rx_flags, (struct net_device *dev, int flags), (dev, flags))
NDO_VOID(ndo_set_rx_mode, (struct net_device *dev), (dev))
NDO(ndo_set_mac_address, int, (struct net_device *dev, void *addr),
	(dev, addr))
NDO(ndo_validate_addr, int, (struct net_device *dev), (dev))
NDO(ndo_eth_ioctl, int, (struct net_device *dev, struct ifreq *ifr, int cmd),
	(dev, ifr, cmd))
NDO(ndo_siocdevprivate, int,
	(struct net_device *dev, struct ifreq *ifr, void __user *data, int cmd),
	(dev, ifr, data, cmd))
NDO(ndo_change_mtu, int, (struct net_device *dev, int mtu), (dev, mtu))
NDO_VOID(ndo_tx_timeout, (struct net_device *dev, unsigned int q), (dev, q))
NDO_VOID(ndo_get_stats64,
	 (struct net_device *dev, struct rtnl_link_stats64 *s), (dev, s))
NDO(ndo_get_stats, struct net_device_stats *, (struct net_device *dev), (dev))
NDO(ndo_vlan_rx_add_vid, int,
	(struct net_device *dev, __be16 proto, u16 vid), (dev, proto, vid))
NDO(ndo_vlan_rx_kill_vid, int,
	(struct net_device *dev, __be16 proto, u16 vid), (dev, proto, vid))
#ifdef CONFIG_NET_POLL_CONTROLLER
NDO_VOID(ndo_poll_controller, (struct net_device *dev), (dev))
#endif
NDO(ndo_fix_features, netdev_features_t,
	(struct net_device *dev, netdev_features_t f), (dev, f))
NDO(ndo_set_features, int, (struct net_device *dev, netdev_features_t f),
	(dev, f))

ETH_VOID(get_drvinfo, (struct net_device *dev, struct ethtool_drvinfo *i),
	 (dev, i))
ETH(get_regs_len, int, (struct net_device *dev), (dev))
ETH_VOID(get_regs, (struct net_device *dev, struct ethtool_regs *r, void *p),
	 (dev, r, p))
ETH_VOID(get_wol, (struct net_device *dev, struct ethtool_wolinfo *w), (dev, w))
ETH(set_wol, int, (struct net_device *dev, struct ethtool_wolinfo *w), (dev, w))
ETH(get_msglevel, u32, (struct net_device *dev), (dev))
ETH_VOID(set_msglevel, (struct net_device *dev, u32 v), (dev, v))
ETH(nway_reset, int, (struct net_device *dev), (dev))
ETH(get_link, u32, (struct net_device *dev), (dev))
ETH(get_eeprom_len, int, (struct net_device *dev), (dev))
ETH(get_eeprom, int,
	(struct net_device *dev, struct ethtool_eeprom *e, u8 *b), (dev, e, b))
ETH(set_eeprom, int,
	(struct net_device *dev, struct ethtool_eeprom *e, u8 *b), (dev, e, b))
ETH(get_coalesce, int,
	(struct net_device *dev, struct ethtool_coalesce *c,
	 struct kernel_ethtool_coalesce *k, struct netlink_ext_ack *x),
	(dev, c, k, x))
ETH(set_coalesce, int,
	(struct net_device *dev, struct ethtool_coalesce *c,
	 struct kernel_ethtool_coalesce *k, struct netlink_ext_ack *x),
	(dev, c, k, x))
ETH_VOID(get_ringparam,
	 (struct net_device *dev, struct ethtool_ringparam *r,
	  struct kernel_ethtool_ringparam *k, struct netlink_ext_ack *x),
	 (dev, r, k, x))
ETH(set_ringparam, int,
	(struct net_device *dev, struct ethtool_ringparam *r,
	 struct kernel_ethtool_ringparam *k, struct netlink_ext_ack *x),
	(dev, r, k, x))
ETH_VOID(get_pauseparam,
	 (struct net_device *dev, struct ethtool_pauseparam *p), (dev, p))
ETH(set_pauseparam, int,
	(struct net_device *dev, struct ethtool_pauseparam *p), (dev, p))
ETH_VOID(self_test, (struct net_device *dev, struct ethtool_test *t, u64 *d),
	 (dev, t, d))
ETH_VOID(get_strings, (struct net_device *dev, u32 set, u8 *d), (dev, set, d))
ETH(set_phys_id, int,
	(struct net_device *dev, enum ethtool_phys_id_state s), (dev, s))
ETH_VOID(get_ethtool_stats,
	 (struct net_device *dev, struct ethtool_stats *s, u64 *d), (dev, s, d))
ETH(get_sset_count, int, (struct net_device *dev, int set), (dev, set))
ETH(get_ts_info, int, (struct net_device *dev, struct ethtool_ts_info *i),
	(dev, i))
ETH(get_link_ksettings, int,
	(struct net_device *dev, struct ethtool_link_ksettings *k), (dev, k))
ETH(set_link_ksettings, int,
	(struct net_device *dev, const struct ethtool_link_ksettings *k), (dev, k))

/*
 * Transmit: the driver owns the buffer from the call on (tracked before
 * the call, so that the driver freeing it inside is seen), unless it
 * answers NETDEV_TX_BUSY. If the driver faults, the buffer stays tracked
 * and is freed with its other resources; the packet counts as sent.
 */
static netdev_tx_t nooks_ndo_start_xmit(struct sk_buff *skb,
					struct net_device *dev)
{
	struct nooks_netdev *nn = nooks_netdev_of(dev);
	struct nooks_domain *dom = nn->dom;
	struct nooks_frame f;
	netdev_tx_t ret;

	if (unlikely(READ_ONCE(nn->divert)) || !nooks_entry_begin(dom))
		return nn->standin->ndo_start_xmit(skb, dev);
	nooks_track_add(dom, NOOKS_OBJ_SKB, (unsigned long)skb, 0, 0, 0);
	if (nooks_call_begin(&f, dom, "ndo_start_xmit")) {
		nooks_entry_end(dom);
		return NETDEV_TX_OK;
	}
	ret = nn->orig->ndo_start_xmit(skb, dev);
	nooks_call_end(&f);
	nooks_entry_end(dom);
	if (ret != NETDEV_TX_OK)
		nooks_track_del(dom, NOOKS_OBJ_SKB, (unsigned long)skb, NULL);
	return ret;
}

/* Substitute the wrapper for every op the driver implements. */
#define WRAP(tbl, op) do { if ((tbl)->op) (tbl)->op = nooks_##op; } while (0)

static void nooks_netdev_wrap_ops(struct net_device_ops *o)
{
	WRAP(o, ndo_init);
	WRAP(o, ndo_uninit);
	WRAP(o, ndo_open);
	WRAP(o, ndo_stop);
	WRAP(o, ndo_start_xmit);
	WRAP(o, ndo_features_check);
	WRAP(o, ndo_change_rx_flags);
	WRAP(o, ndo_set_rx_mode);
	WRAP(o, ndo_set_mac_address);
	WRAP(o, ndo_validate_addr);
	WRAP(o, ndo_eth_ioctl);
	WRAP(o, ndo_siocdevprivate);
	WRAP(o, ndo_change_mtu);
	WRAP(o, ndo_tx_timeout);
	WRAP(o, ndo_get_stats64);
	WRAP(o, ndo_get_stats);
	WRAP(o, ndo_vlan_rx_add_vid);
	WRAP(o, ndo_vlan_rx_kill_vid);
#ifdef CONFIG_NET_POLL_CONTROLLER
	WRAP(o, ndo_poll_controller);
#endif
	WRAP(o, ndo_fix_features);
	WRAP(o, ndo_set_features);
}

static void nooks_netdev_wrap_ethtool(struct ethtool_ops *o)
{
	WRAP(o, get_drvinfo);
	WRAP(o, get_regs_len);
	WRAP(o, get_regs);
	WRAP(o, get_wol);
	WRAP(o, set_wol);
	WRAP(o, get_msglevel);
	WRAP(o, set_msglevel);
	WRAP(o, nway_reset);
	WRAP(o, get_link);
	WRAP(o, get_eeprom_len);
	WRAP(o, get_eeprom);
	WRAP(o, set_eeprom);
	WRAP(o, get_coalesce);
	WRAP(o, set_coalesce);
	WRAP(o, get_ringparam);
	WRAP(o, set_ringparam);
	WRAP(o, get_pauseparam);
	WRAP(o, set_pauseparam);
	WRAP(o, self_test);
	WRAP(o, get_strings);
	WRAP(o, set_phys_id);
	WRAP(o, get_ethtool_stats);
	WRAP(o, get_sset_count);
	WRAP(o, get_ts_info);
	WRAP(o, get_link_ksettings);
	WRAP(o, set_link_ksettings);
}

/*
 * Count the operations left unwrapped (the driver implements them but no
 * wrapper exists): they would run unprotected, so say so once.
 */
static void nooks_netdev_report_gaps(struct nooks_netdev *nn)
{
	const void * const *orig = (const void * const *)nn->orig;
	const void * const *copy = (const void * const *)&nn->ops;
	unsigned int i, gaps = 0;

	for (i = 0; i < sizeof(nn->ops) / sizeof(void *); i++)
		if (orig[i] && copy[i] == orig[i])
			gaps++;
	if (gaps)
		pr_warn("%s: %s: %u net_device_ops not isolated\n",
			nn->dom->name, netdev_name(nn->dev), gaps);
}

/**
 * nooks_netdev_wrap() - interpose on a net_device about to be registered
 * @dom: the driver's domain
 * @dev: the driver's net_device
 *
 * Return: 0 or -ENOMEM.
 */
int nooks_netdev_wrap(struct nooks_domain *dom, struct net_device *dev)
{
	struct nooks_netdev *nn;

	if (!dev->netdev_ops)
		return 0;
	nn = kzalloc(sizeof(*nn), GFP_KERNEL);
	if (!nn)
		return -ENOMEM;
	nn->dom = dom;
	nn->dev = dev;
	nn->orig = dev->netdev_ops;
	nn->ops = *dev->netdev_ops;
	nooks_netdev_wrap_ops(&nn->ops);
	nn->standin = &nooks_standin_netdev_ops;
	nn->eorig = dev->ethtool_ops;
	if (nn->eorig) {
		nn->eops = *dev->ethtool_ops;
		nooks_netdev_wrap_ethtool(&nn->eops);
		nn->estandin = &nooks_standin_ethtool_ops;
	}
	nooks_netdev_report_gaps(nn);

	mutex_lock(&dom->lock);
	list_add_tail(&nn->node, &dom->netdevs);
	mutex_unlock(&dom->lock);
	WRITE_ONCE(dev->netdev_ops, &nn->ops);
	if (nn->eorig)
		WRITE_ONCE(dev->ethtool_ops, &nn->eops);
	return 0;
}

/* Find the nooks_netdev of @dev in @dom; caller holds dom->lock. */
struct nooks_netdev *nooks_netdev_find(struct nooks_domain *dom,
				       struct net_device *dev)
{
	struct nooks_netdev *nn;

	list_for_each_entry(nn, &dom->netdevs, node)
		if (nn->dev == dev)
			return nn;
	return NULL;
}

/**
 * nooks_netdev_unwrap() - give a net_device its own ops back
 * @dom: the driver's domain
 * @dev: a net_device that is no longer registered
 */
void nooks_netdev_unwrap(struct nooks_domain *dom, struct net_device *dev)
{
	struct nooks_netdev *nn;

	mutex_lock(&dom->lock);
	nn = nooks_netdev_find(dom, dev);
	if (nn)
		list_del(&nn->node);
	mutex_unlock(&dom->lock);
	if (!nn)
		return;
	if (nooks_hook(dom, netdev_gone))
		dom->ops->netdev_gone(dom, nn);
	WRITE_ONCE(dev->netdev_ops, nn->orig);
	if (nn->eorig)
		WRITE_ONCE(dev->ethtool_ops, nn->eorig);
	kfree(nn);
}

/**
 * nooks_netdev_stop() - detach a failed driver's net devices from the stack
 * @dom: the failed domain
 *
 * Any context: stops the transmit queues and drops the carrier so that the
 * stack stops handing packets to the driver.
 */
void nooks_netdev_stop(struct nooks_domain *dom)
{
	struct nooks_netdev *nn;

	/* lockless walk: the list only changes under dom->lock in process
	 * context, never while the domain is failed
	 */
	list_for_each_entry(nn, &dom->netdevs, node) {
		netif_tx_stop_all_queues(nn->dev);
		netif_carrier_off(nn->dev);
	}
}
