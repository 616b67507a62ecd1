// SPDX-License-Identifier: GPL-2.0
/*
 * classes/net/entry.c - the kernel's calls into an isolated net driver:
 * net_device_ops and ethtool_ops.
 *
 * Before the driver's net_device is registered, its ops pointers are
 * replaced by copies in which every operation the driver implements is a
 * wrapper (nooks/entry.h); operations it leaves NULL stay NULL, so the
 * kernel behaves exactly as before. A wrapper finds its struct
 * nooks_netdev with container_of() on the ops pointer, enters the domain
 * as a protected call, and when the domain is failed (or the call faults)
 * answers with the stand-in table instead: errors in isolate mode
 * (isolate.c), the net shadow in shadow mode.
 *
 * The ops covered are listed once, in NOOKS_NET_NDO() and NOOKS_NET_ETH():
 * the lists make the wrappers, fill the copies and check stand-in tables.
 */
#define pr_fmt(fmt) "nooks_net: " fmt

#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/slab.h>

#include "entry.h"
#include "nooks_net.h"
#include "wrap.h"

#ifdef CONFIG_NET_POLL_CONTROLLER
#define NOOKS_NET_NDO_POLL(X, XV) \
	XV(ndo_poll_controller, (struct net_device *dev), (dev))
#else
#define NOOKS_NET_NDO_POLL(X, XV)
#endif

/*
 * The net_device_ops the wrappers cover (ndo_start_xmit, which also
 * tracks the buffer, has its own wrapper below): X for ops returning a
 * value, XV for void ones.
 */
#define NOOKS_NET_NDO(X, XV)						\
	X(ndo_init, int, (struct net_device *dev), (dev))		\
	XV(ndo_uninit, (struct net_device *dev), (dev))			\
	X(ndo_open, int, (struct net_device *dev), (dev))		\
	X(ndo_stop, int, (struct net_device *dev), (dev))		\
	X(ndo_features_check, netdev_features_t,			\
	  (struct sk_buff *skb, struct net_device *dev,			\
	   netdev_features_t f), (skb, dev, f))				\
	XV(ndo_change_rx_flags, (struct net_device *dev, int flags),	\
	   (dev, flags))						\
	XV(ndo_set_rx_mode, (struct net_device *dev), (dev))		\
	X(ndo_set_mac_address, int, (struct net_device *dev, void *addr), \
	  (dev, addr))							\
	X(ndo_validate_addr, int, (struct net_device *dev), (dev))	\
	X(ndo_eth_ioctl, int,						\
	  (struct net_device *dev, struct ifreq *ifr, int cmd),		\
	  (dev, ifr, cmd))						\
	X(ndo_siocdevprivate, int,					\
	  (struct net_device *dev, struct ifreq *ifr, void __user *data, \
	   int cmd), (dev, ifr, data, cmd))				\
	X(ndo_change_mtu, int, (struct net_device *dev, int mtu),	\
	  (dev, mtu))							\
	XV(ndo_tx_timeout, (struct net_device *dev, unsigned int q),	\
	   (dev, q))							\
	XV(ndo_get_stats64,						\
	   (struct net_device *dev, struct rtnl_link_stats64 *s), (dev, s)) \
	X(ndo_get_stats, struct net_device_stats *,			\
	  (struct net_device *dev), (dev))				\
	X(ndo_vlan_rx_add_vid, int,					\
	  (struct net_device *dev, __be16 proto, u16 vid),		\
	  (dev, proto, vid))						\
	X(ndo_vlan_rx_kill_vid, int,					\
	  (struct net_device *dev, __be16 proto, u16 vid),		\
	  (dev, proto, vid))						\
	NOOKS_NET_NDO_POLL(X, XV)					\
	X(ndo_fix_features, netdev_features_t,				\
	  (struct net_device *dev, netdev_features_t f), (dev, f))	\
	X(ndo_set_features, int,					\
	  (struct net_device *dev, netdev_features_t f), (dev, f))

/* The ethtool_ops the wrappers cover. */
#define NOOKS_NET_ETH(X, XV)						\
	XV(get_drvinfo, (struct net_device *dev, struct ethtool_drvinfo *i), \
	   (dev, i))							\
	X(get_regs_len, int, (struct net_device *dev), (dev))		\
	XV(get_regs,							\
	   (struct net_device *dev, struct ethtool_regs *r, void *p),	\
	   (dev, r, p))							\
	XV(get_wol, (struct net_device *dev, struct ethtool_wolinfo *w), \
	   (dev, w))							\
	X(set_wol, int, (struct net_device *dev, struct ethtool_wolinfo *w), \
	  (dev, w))							\
	X(get_msglevel, u32, (struct net_device *dev), (dev))		\
	XV(set_msglevel, (struct net_device *dev, u32 v), (dev, v))	\
	X(nway_reset, int, (struct net_device *dev), (dev))		\
	X(get_link, u32, (struct net_device *dev), (dev))		\
	X(get_eeprom_len, int, (struct net_device *dev), (dev))		\
	X(get_eeprom, int,						\
	  (struct net_device *dev, struct ethtool_eeprom *e, u8 *b),	\
	  (dev, e, b))							\
	X(set_eeprom, int,						\
	  (struct net_device *dev, struct ethtool_eeprom *e, u8 *b),	\
	  (dev, e, b))							\
	X(get_coalesce, int,						\
	  (struct net_device *dev, struct ethtool_coalesce *c,		\
	   struct kernel_ethtool_coalesce *k, struct netlink_ext_ack *x), \
	  (dev, c, k, x))						\
	X(set_coalesce, int,						\
	  (struct net_device *dev, struct ethtool_coalesce *c,		\
	   struct kernel_ethtool_coalesce *k, struct netlink_ext_ack *x), \
	  (dev, c, k, x))						\
	XV(get_ringparam,						\
	   (struct net_device *dev, struct ethtool_ringparam *r,	\
	    struct kernel_ethtool_ringparam *k, struct netlink_ext_ack *x), \
	   (dev, r, k, x))						\
	X(set_ringparam, int,						\
	  (struct net_device *dev, struct ethtool_ringparam *r,		\
	   struct kernel_ethtool_ringparam *k, struct netlink_ext_ack *x), \
	  (dev, r, k, x))						\
	XV(get_pauseparam,						\
	   (struct net_device *dev, struct ethtool_pauseparam *p), (dev, p)) \
	X(set_pauseparam, int,						\
	  (struct net_device *dev, struct ethtool_pauseparam *p), (dev, p)) \
	XV(self_test,							\
	   (struct net_device *dev, struct ethtool_test *t, u64 *d),	\
	   (dev, t, d))							\
	XV(get_strings, (struct net_device *dev, u32 set, u8 *d),	\
	   (dev, set, d))						\
	X(set_phys_id, int,						\
	  (struct net_device *dev, enum ethtool_phys_id_state s), (dev, s)) \
	XV(get_ethtool_stats,						\
	   (struct net_device *dev, struct ethtool_stats *s, u64 *d),	\
	   (dev, s, d))							\
	X(get_sset_count, int, (struct net_device *dev, int set), (dev, set)) \
	X(get_ts_info, int,						\
	  (struct net_device *dev, struct ethtool_ts_info *i), (dev, i)) \
	X(get_link_ksettings, int,					\
	  (struct net_device *dev, struct ethtool_link_ksettings *k),	\
	  (dev, k))							\
	X(set_link_ksettings, int,					\
	  (struct net_device *dev,					\
	   const struct ethtool_link_ksettings *k), (dev, k))

#define NDO(op, rtype, proto, args)					\
	NOOKS_ENTRY_OP(nooks_net_##op, nooks_netdev_of(dev), orig, standin, \
		       op, rtype, proto, args)
#define NDO_VOID(op, proto, args)					\
	NOOKS_ENTRY_OP_VOID(nooks_net_##op, nooks_netdev_of(dev), orig,	\
			    standin, op, proto, args)
#define ETH(op, rtype, proto, args)					\
	NOOKS_ENTRY_OP(nooks_net_##op, nooks_netdev_of_eth(dev), eorig,	\
		       estandin, op, rtype, proto, args)
#define ETH_VOID(op, proto, args)					\
	NOOKS_ENTRY_OP_VOID(nooks_net_##op, nooks_netdev_of_eth(dev), eorig, \
			    estandin, op, proto, args)

NOOKS_NET_NDO(NDO, NDO_VOID)
NOOKS_NET_ETH(ETH, ETH_VOID)

/*
 * Transmit: the driver owns the buffer from the call on (tracked before
 * the call, so that the driver freeing it inside is seen, with the time
 * and the device for the transmit progress check), unless it answers
 * NETDEV_TX_BUSY. If the driver faults, the buffer stays tracked
 * and is freed with its other resources; the packet counts as sent.
 */
static netdev_tx_t nooks_net_ndo_start_xmit(struct sk_buff *skb,
					struct net_device *dev)
{
	struct nooks_netdev *nn = nooks_netdev_of(dev);
	struct nooks_domain *dom = nn->dom;
	struct nooks_frame f __uninitialized;
	netdev_tx_t ret;

	if (unlikely(READ_ONCE(nn->divert) || READ_ONCE(nn->hold_xmit)) ||
	    !nooks_entry_begin(dom))
		return nn->standin->ndo_start_xmit(skb, dev);
	nooks_track_add(dom, &nooks_net_obj_skb, (unsigned long)skb,
			jiffies | 1, (unsigned long)dev, 0);
	if (nooks_call_begin(&f, dom, "ndo_start_xmit")) {
		nooks_entry_end(dom);
		return NETDEV_TX_OK;
	}
	ret = nn->orig->ndo_start_xmit(skb, dev);
	nooks_call_end(&f);
	nooks_entry_end(dom);
	if (ret != NETDEV_TX_OK)
		nooks_track_del(dom, &nooks_net_obj_skb, (unsigned long)skb, NULL);
	return ret;
}

/* Substitute the wrapper for every op the driver implements. */
#define WRAP_NDO(op, ...)	NOOKS_ENTRY_WRAP(o, op, nooks_net_##op);

static void nooks_netdev_wrap_ops(struct net_device_ops *o)
{
	NOOKS_ENTRY_WRAP(o, ndo_start_xmit, nooks_net_ndo_start_xmit);
	NOOKS_NET_NDO(WRAP_NDO, WRAP_NDO)
}

static void nooks_netdev_wrap_ethtool(struct ethtool_ops *o)
{
	NOOKS_NET_ETH(WRAP_NDO, WRAP_NDO)
}

#define CHECK_NDO(op, ...)	NOOKS_ENTRY_CHECK(t, op, who, missing);
#define CHECK_ETH(op, ...)	NOOKS_ENTRY_CHECK(e, op, who, missing);

/**
 * nooks_net_check_standin() - does a stand-in answer every wrapped op?
 * @t: the net_device_ops stand-in
 * @e: the ethtool_ops stand-in
 * @who: whose stand-ins, for the message
 *
 * Return: 0, or -EINVAL after naming each op the stand-ins leave NULL.
 */
int nooks_net_check_standin(const struct net_device_ops *t,
			    const struct ethtool_ops *e, const char *who)
{
	unsigned int missing = 0;

	NOOKS_ENTRY_CHECK(t, ndo_start_xmit, who, missing);
	NOOKS_NET_NDO(CHECK_NDO, CHECK_NDO)
	NOOKS_NET_ETH(CHECK_ETH, CHECK_ETH)
	return missing ? -EINVAL : 0;
}
EXPORT_SYMBOL_GPL(nooks_net_check_standin);

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
 * Return: 0, -ENODEV when the net class has no data for @dom, or -ENOMEM.
 */
int nooks_netdev_wrap(struct nooks_domain *dom, struct net_device *dev)
{
	struct nooks_net_domain *nd = nooks_net_domain(dom);
	struct nooks_netdev *nn;

	if (!dev->netdev_ops)
		return 0;
	if (!nd)
		return -ENODEV;
	nn = kzalloc(sizeof(*nn), GFP_KERNEL);
	if (!nn)
		return -ENOMEM;
	nn->dom = dom;
	nn->dev = dev;
	nn->orig = dev->netdev_ops;
	nn->ops = *dev->netdev_ops;
	nooks_netdev_wrap_ops(&nn->ops);
	nn->standin = &nooks_net_isolate_ops;
	nn->eorig = dev->ethtool_ops;
	if (nn->eorig) {
		nn->eops = *dev->ethtool_ops;
		nooks_netdev_wrap_ethtool(&nn->eops);
		nn->estandin = &nooks_net_isolate_ethtool_ops;
	}
	nooks_netdev_report_gaps(nn);

	mutex_lock(&nd->lock);
	list_add_tail(&nn->node, &nd->netdevs);
	mutex_unlock(&nd->lock);
	WRITE_ONCE(dev->netdev_ops, &nn->ops);
	if (nn->eorig)
		WRITE_ONCE(dev->ethtool_ops, &nn->eops);
	return 0;
}

/**
 * nooks_netdev_find() - the entry record of a net device
 * @nd: the domain's net data, its lock held
 * @dev: the net device
 *
 * Return: the record, or NULL when @dev is not one of the domain's.
 */
struct nooks_netdev *nooks_netdev_find(struct nooks_net_domain *nd,
				       struct net_device *dev)
{
	struct nooks_netdev *nn;

	lockdep_assert_held(&nd->lock);
	list_for_each_entry(nn, &nd->netdevs, node)
		if (nn->dev == dev)
			return nn;
	return NULL;
}
EXPORT_SYMBOL_GPL(nooks_netdev_find);

/**
 * nooks_netdev_unwrap() - give a net_device its own ops back
 * @dom: the driver's domain
 * @dev: a net_device that is no longer registered
 */
void nooks_netdev_unwrap(struct nooks_domain *dom, struct net_device *dev)
{
	struct nooks_net_domain *nd = nooks_net_domain(dom);
	struct nooks_netdev *nn;

	if (!nd)
		return;
	mutex_lock(&nd->lock);
	nn = nooks_netdev_find(nd, dev);
	if (nn) {
		list_del(&nn->node);
		if (nd->hooks && nd->hooks->gone)
			nd->hooks->gone(dom, nn);
	}
	mutex_unlock(&nd->lock);
	if (!nn)
		return;
	WRITE_ONCE(dev->netdev_ops, nn->orig);
	if (nn->eorig)
		WRITE_ONCE(dev->ethtool_ops, nn->eorig);
	kfree(nn);
}

/**
 * nooks_net_stop() - detach a failed driver's net devices from the stack
 * @dom: the failed domain
 *
 * Any context (the stop hook of the net interface, isolate mode): stops
 * the transmit queues and drops the carrier so that the stack stops
 * handing packets to the driver.
 */
void nooks_net_stop(struct nooks_domain *dom)
{
	struct nooks_net_domain *nd = nooks_net_domain(dom);
	struct nooks_netdev *nn;

	if (!nd)
		return;
	/* lockless walk: see struct nooks_net_domain */
	list_for_each_entry(nn, &nd->netdevs, node) {
		netif_tx_stop_all_queues(nn->dev);
		netif_carrier_off(nn->dev);
	}
}
