// SPDX-License-Identifier: GPL-2.0
/*
 * classes/net/replay.c - recovering: hand the net device back to the
 * restarted driver, in the configuration the kernel and applications
 * gave it.
 *
 * The restarted driver has probed into the kept net_device (see main.c);
 * its probe reset the device's hardware address to the permanent one and
 * chose default features. The kernel still sees the device running, but
 * the restarted driver has not been opened: until the open, the replay
 * marks the device not running (clears __LINK_STATE_START, as it is
 * before __dev_open() sets it and calls ndo_open), so that drivers handle
 * the MAC address and MTU as for a closed device (pcnet32's eth_mac_addr
 * refuses a running device; e1000 would reset a device it never opened).
 * The replay, under RTNL, in this order:
 *
 *   1. hardware address, if it was not the permanent one
 *   2. MTU, if not the default
 *   3. open, if the device was administratively up
 *   4. features the user asked for (netdev_update_features)
 *   5. rx mode: promiscuous, allmulti, unicast and multicast lists
 *   6. VLAN filters
 *   7. logged ethtool settings: rings, coalescing, pause, WoL, msglevel
 *   8. wake the transmit queues: held packets leave (when the driver has
 *      its link: otherwise link.c wakes them once it has, see
 *      shadow_net_link_give_back())
 *
 * Every step calls the driver through nooks' wrappers, as protected calls.
 */
#define pr_fmt(fmt) "shadow_net: " fmt

#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "net.h"
#include "shadow_trace.h"

/* count and trace one replayed operation */
#define shadow_net_replayed(sn, op)					\
	do {								\
		(sn)->replayed++;					\
		trace_shadow_replay(netdev_name((sn)->nn->dev), op);	\
	} while (0)

/*
 * vlan_for_each() hands over each VLAN device on top (eth0.100), not the
 * NIC: the filter goes to the NIC's own device.
 */
static int shadow_net_replay_vid(struct net_device *vlan_dev, int vid,
				 void *arg)
{
	struct shadow_net_dev *sn = arg;

	shadow_net_replayed(sn, "vlan_rx_add_vid");
	return sn->nn->ops.ndo_vlan_rx_add_vid(sn->nn->dev, htons(ETH_P_8021Q),
					       vid);
}

/**
 * shadow_net_tx_resume() - let the packets the qdisc held leave
 * @dev: a device handed back to its driver
 *
 * Wakes the stopped transmit queues and runs the qdisc of the others: the
 * driver's open started its queues without running the qdisc, so what it
 * held would wait for the next packet sent. Any context.
 */
void shadow_net_tx_resume(struct net_device *dev)
{
	unsigned int i;

	/*
	 * The hand back (divert or hold_xmit cleared) before the look at
	 * the queues: a stand-in transmit stopping a queue after the look
	 * sees it (shadow_net_xmit()).
	 */
	smp_mb();
	for (i = 0; i < dev->real_num_tx_queues; i++) {
		struct netdev_queue *txq = netdev_get_tx_queue(dev, i);

		if (netif_tx_queue_stopped(txq))
			netif_tx_wake_queue(txq);
		else
			netif_schedule_queue(txq);
	}
}

/**
 * shadow_net_replay() - replay the log into the restarted driver
 * @sn: the shadow of a device the restarted driver took back
 *
 * Caller holds RTNL.
 *
 * Return: 0, or the error of the step that failed.
 */
int shadow_net_replay(struct shadow_net_dev *sn)
{
	struct nooks_netdev *nn = sn->nn;
	struct net_device *dev = nn->dev;
	const struct net_device_ops *ops = &nn->ops;
	const struct ethtool_ops *eops = &nn->eops;
	bool up;
	int ret = 0;

	ASSERT_RTNL();
	sn->replayed = 0;
	WRITE_ONCE(nn->divert, false);	/* from now on, calls reach the driver */

	up = dev->flags & IFF_UP;
	if (up)
		clear_bit(__LINK_STATE_START, &dev->state);
	if (!ether_addr_equal(dev->dev_addr, sn->mac) &&
	    ops->ndo_set_mac_address) {
		struct sockaddr sa = { .sa_family = dev->type };

		memcpy(sa.sa_data, sn->mac, ETH_ALEN);
		ret = ops->ndo_set_mac_address(dev, &sa);
		if (ret)
			goto fail;
		shadow_net_replayed(sn, "set_mac_address");
	}
	if (dev->mtu != ETH_DATA_LEN && ops->ndo_change_mtu) {
		ret = ops->ndo_change_mtu(dev, dev->mtu);
		if (ret)
			goto fail;
		shadow_net_replayed(sn, "change_mtu");
	}
	if (up) {
		set_bit(__LINK_STATE_START, &dev->state);
		ret = ops->ndo_open(dev);
		if (ret)
			goto fail;
		shadow_net_replayed(sn, "open");
	}
	netdev_update_features(dev);
	if (ops->ndo_set_rx_mode) {
		netif_addr_lock_bh(dev);
		ops->ndo_set_rx_mode(dev);
		netif_addr_unlock_bh(dev);
		shadow_net_replayed(sn, "set_rx_mode");
	}
	if (ops->ndo_vlan_rx_add_vid) {
		ret = vlan_for_each(dev, shadow_net_replay_vid, sn);
		if (ret)
			goto fail;
	}
	if (nn->eorig) {
		if (sn->set_ring && eops->set_ringparam &&
		    !eops->set_ringparam(dev, &sn->ring, &sn->kring, NULL))
			shadow_net_replayed(sn, "set_ringparam");
		if (sn->set_coal && eops->set_coalesce &&
		    !eops->set_coalesce(dev, &sn->coal, &sn->kcoal, NULL))
			shadow_net_replayed(sn, "set_coalesce");
		if (sn->set_pause && eops->set_pauseparam &&
		    !eops->set_pauseparam(dev, &sn->pause))
			shadow_net_replayed(sn, "set_pauseparam");
		if (sn->set_wol && eops->set_wol && !eops->set_wol(dev, &sn->wol))
			shadow_net_replayed(sn, "set_wol");
		if (sn->set_msglevel && eops->set_msglevel) {
			eops->set_msglevel(dev, sn->msglevel);
			shadow_net_replayed(sn, "set_msglevel");
		}
	}
	if ((dev->flags & IFF_UP) && !shadow_net_link_waiting(sn)) {
		shadow_net_tx_resume(dev);
		trace_shadow_replay(netdev_name(dev), "wake_queues");
	}
	return 0;

fail:
	if (up)
		set_bit(__LINK_STATE_START, &dev->state);
	netdev_err(dev, "shadow: replay failed: %d\n", ret);
	return ret;
}
