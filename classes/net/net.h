/* SPDX-License-Identifier: GPL-2.0 */
/*
 * classes/net/net.h - the shadow of one net device.
 */
#ifndef _SHADOW_NET_H
#define _SHADOW_NET_H

#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "nooks_net.h"

/**
 * struct shadow_net_starve - one direction's drop check (watchdog.c)
 * @packets: the packet counter seen last
 * @drops: the drop and error counters' sum seen last
 * @since: jiffies (| 1) since when packets are only dropped, or 0
 * @last: jiffies of the last drop seen
 */
struct shadow_net_starve {
	u64 packets;
	u64 drops;
	unsigned long since;
	unsigned long last;
};

/**
 * struct shadow_net_dev - what the shadow knows about a net device
 * @nn: the wrapped device (nn->priv points back here)
 * @wrapped: nooks' wrappers, which the logging taps call on to
 * @ewrapped: the same for ethtool
 * @lock: protects the statistics
 * @base: counters of earlier driver instances, added to the driver's
 * @last: the last counters reported (base included)
 * @stats: what ndo_get_stats returns (base included)
 * @name: the device's name, kept across the re-probe
 * @mac: the device's address when it failed
 * @parent: the device's parent (its PCI device) when it was kept: only
 *	compared, the probe of that device gets it back
 * @kept: the device is kept for the restarted driver
 * @rebound: the restarted driver took the kept device back
 * @drvinfo: cached answer to ETHTOOL_GDRVINFO
 * @have_drvinfo: @drvinfo is valid
 * @ksettings: cached link settings
 * @have_ksettings: @ksettings is valid
 * @ring: logged ring parameters (set by the user)
 * @kring: their kernel part
 * @set_ring: @ring to replay
 * @coal: logged interrupt coalescing
 * @kcoal: its kernel part
 * @set_coal: @coal to replay
 * @pause: logged pause parameters
 * @set_pause: @pause to replay
 * @wol: logged wake-on-LAN
 * @set_wol: @wol to replay
 * @msglevel: logged message level
 * @set_msglevel: @msglevel to replay
 * @replayed: operations replayed by the last recovery
 * @wd_rx: receive progress check (watchdog.c)
 * @wd_tx: transmit drop check (watchdog.c)
 * @wd_tx_off: jiffies (| 1) since when a transmit queue is stopped by the
 *	driver with no packet in the driver, or 0 (watchdog.c)
 * @link_held: the kernel's view of the carrier is held through a restart
 *	(link.c); under @lock
 * @link_since: jiffies when the device was given back with its link held
 * @link_until: jiffies when the hold ends with the carrier still off
 * @link_work: looks for the restarted driver's carrier while held
 */
struct shadow_net_dev {
	struct nooks_netdev *nn;
	struct net_device_ops wrapped;
	struct ethtool_ops ewrapped;
	spinlock_t lock;
	struct rtnl_link_stats64 base;
	struct rtnl_link_stats64 last;
	struct net_device_stats stats;
	char name[IFNAMSIZ];
	u8 mac[MAX_ADDR_LEN];
	struct device *parent;
	bool kept;
	bool rebound;
	struct ethtool_drvinfo drvinfo;
	bool have_drvinfo;
	struct ethtool_link_ksettings ksettings;
	bool have_ksettings;
	struct ethtool_ringparam ring;
	struct kernel_ethtool_ringparam kring;
	bool set_ring;
	struct ethtool_coalesce coal;
	struct kernel_ethtool_coalesce kcoal;
	bool set_coal;
	struct ethtool_pauseparam pause;
	bool set_pause;
	struct ethtool_wolinfo wol;
	bool set_wol;
	u32 msglevel;
	bool set_msglevel;
	unsigned int replayed;
	struct shadow_net_starve wd_rx;
	struct shadow_net_starve wd_tx;
	unsigned long wd_tx_off;
	bool link_held;
	unsigned long link_since;
	unsigned long link_until;
	struct delayed_work link_work;
};

static inline struct shadow_net_dev *shadow_net_of(struct net_device *dev)
{
	return nooks_netdev_of(dev)->priv;
}

extern const struct net_device_ops shadow_net_standin_ops;
extern const struct ethtool_ops shadow_net_standin_ethtool_ops;

void shadow_net_log_start(struct shadow_net_dev *sn);
void shadow_net_log_stop(struct shadow_net_dev *sn);
void shadow_net_stats_fold(struct shadow_net_dev *sn);
int shadow_net_replay(struct shadow_net_dev *sn);
void shadow_net_tx_resume(struct net_device *dev);

/* link.c */
void shadow_net_link_init(struct shadow_net_dev *sn);
void shadow_net_link_hold(struct shadow_net_dev *sn);
void shadow_net_link_give_back(struct shadow_net_dev *sn);
bool shadow_net_link_waiting(struct shadow_net_dev *sn);
void shadow_net_link_drop(struct shadow_net_dev *sn, bool settle);
void shadow_net_link_forget(struct shadow_net_dev *sn);

/* watchdog.c */
const char *shadow_net_check(struct nooks_domain *dom);
bool shadow_net_watch_tx_timeout(struct shadow_net_dev *sn);

#endif /* _SHADOW_NET_H */
