// SPDX-License-Identifier: GPL-2.0
/*
 * classes/net/watchdog.c - the net shadow's progress checks: a driver
 * that stops moving packets without faulting has failed.
 *
 * Half the failures a fault campaign leaves unrecovered on a NIC fault
 * nowhere (Documentation/campaign/results.rst): the driver forgets to free
 * the packets it sent (the sockets' send buffers stay charged and the
 * applications block), or its receive refill fails for good (every frame
 * that arrives is dropped). The kernel's own transmit watchdog calls
 * ndo_tx_timeout only after the queue has been stopped for watchdog_timeo
 * (5-6 s), and nothing watches the receive side. So the class's progress
 * check, which the shadow manager runs every check_ms (shadow/health.c),
 * looks at each device of a shadowed driver that is up with its carrier
 * on:
 *
 *   transmit  a packet the kernel handed to ndo_start_xmit that the
 *             driver still holds after tx_stall_ms (the tracker knows
 *             every such buffer and when it was given) fails the driver;
 *             so does a device whose transmit counter has not grown by
 *             more than its transmit drops and errors for tx_stall_ms
 *             while those grew (as for receive, below): a driver that
 *             drops every packet it is given (campaign trial 927); and
 *             so does a transmit queue stopped (by the driver, or by
 *             byte queue limits) for tx_stall_ms while the driver holds
 *             no packet at all:
 *             nothing in flight will complete and wake it, the packets
 *             pile up in the qdisc (trial 204: ptr in cp_interrupt; the
 *             kernel's own watchdog would wait watchdog_timeo, 6 s);
 *   receive   a device whose receive counter has not grown by more
 *             than its drop and error counters (rx_dropped, rx_errors,
 *             rx_missed_errors, rx_fifo_errors, rx_over_errors) for
 *             rx_stall_ms while those grew, with no quarter of that time
 *             without one, fails the driver: frames arrive and none is
 *             delivered (a driver that drops them, reads every
 *             descriptor as an error, or passes up frames the stack
 *             drops: campaign trials 226, 269, 342);
 *   timeout   the kernel's transmit watchdog (ndo_tx_timeout) fails the
 *             driver instead of calling the driver's own reset (the
 *             shadow's restart does more and keeps the device).
 *
 * A finding fails the domain through the manager (nooks_domain_detect(),
 * kind "hang"), which decides as for any failure (recovery policy). tx_stall_ms and
 * rx_stall_ms are parameters of shadow_net (default 1000 ms; 0: that check
 * off); both must be above what the device may take on its own: a packet
 * held by flow control (pause frames), a receive path whose frames are all
 * dropped by design.
 */
#define pr_fmt(fmt) "shadow_net: " fmt

#include <linux/jiffies.h>
#include <linux/moduleparam.h>
#include <linux/netdevice.h>

#include "domain.h"
#include "net.h"

static unsigned int tx_stall_ms = 1000;
module_param(tx_stall_ms, uint, 0644);
MODULE_PARM_DESC(tx_stall_ms,
		 "a packet the driver holds this long (ms) after ndo_start_xmit, a device dropping every packet sent for this long, or the kernel's transmit timeout, is a failure of the driver (0: never)");

static unsigned int rx_stall_ms = 1000;
module_param(rx_stall_ms, uint, 0644);
MODULE_PARM_DESC(rx_stall_ms,
		 "a device dropping every frame it receives for this long (ms) is a failure of the driver (0: never)");

struct shadow_net_tx_age {
	struct net_device *dev;
	unsigned long before;	/* given no later than this: stalled */
};

/* A buffer of @arg's device, given to transmit before @arg's bound. */
static bool shadow_net_tx_old(const struct nooks_obj *obj, void *arg)
{
	const struct shadow_net_tx_age *age = arg;

	return obj->a[0] && obj->a[1] == (unsigned long)age->dev &&
	       time_before_eq(obj->a[0], age->before);
}

static bool shadow_net_tx_stalled(struct nooks_netdev *nn, unsigned int ms)
{
	struct shadow_net_tx_age age = {
		.dev = nn->dev,
		.before = jiffies - msecs_to_jiffies(ms),
	};

	return nooks_track_any(nn->dom, &nooks_net_obj_skb, shadow_net_tx_old,
			       &age);
}

/* A buffer of @arg's device, in the driver. */
static bool shadow_net_tx_any(const struct nooks_obj *obj, void *arg)
{
	return obj->a[0] && obj->a[1] == (unsigned long)arg;
}

/*
 * A transmit queue of @sn's device stopped for @ms (across the checks:
 * the state lives in @sn) while the driver held no packet: by the driver,
 * or by byte queue limits, whose count of bytes in flight only the
 * driver's completions lower (a driver that frees what it sent without
 * reporting it leaves the queue stopped for good).
 */
static bool shadow_net_tx_off(struct shadow_net_dev *sn, unsigned int ms)
{
	struct net_device *dev = sn->nn->dev;
	bool off = false;
	unsigned int i;

	for (i = 0; i < dev->real_num_tx_queues && !off; i++)
		off = netif_xmit_stopped(netdev_get_tx_queue(dev, i));
	if (off)
		off = !nooks_track_any(sn->nn->dom, &nooks_net_obj_skb,
				       shadow_net_tx_any, dev);
	if (!off) {
		sn->wd_tx_off = 0;
		return false;
	}
	if (!sn->wd_tx_off)
		sn->wd_tx_off = jiffies | 1;
	return time_after_eq(jiffies, sn->wd_tx_off + msecs_to_jiffies(ms));
}

/*
 * Starvation of one direction of a device: for @ms, no packet through
 * (@packets) while packets were dropped or bad (@drops), the last such no
 * longer than @ms / 4 ago (an idle line is not starved). A frame the
 * driver counts as received and the stack then drops (a driver that
 * corrupts what it passes up: campaign trial 342) is not delivered: the
 * stack's drops are part of rx_dropped, so a sample moved something only
 * when the packet counter grew by more than the drops and errors did.
 * The state lives in @w (the manager's checks of a domain do not
 * overlap).
 */
static bool shadow_net_starved(struct shadow_net_starve *w, u64 packets,
			       u64 drops, unsigned int ms)
{
	unsigned long now = jiffies, quiet = msecs_to_jiffies(ms / 4);
	u64 got = packets - w->packets, lost = drops - w->drops;

	w->packets = packets;
	w->drops = drops;
	if (got > lost) {
		w->since = 0;
		return false;
	}
	if (lost) {
		w->last = now;
		if (!w->since)
			w->since = now | 1;
	} else if (w->since && time_after(now, w->last + quiet)) {
		w->since = 0;
	}
	return w->since && time_after_eq(now, w->since + msecs_to_jiffies(ms));
}

/* Receive starvation of @sn's device: every frame dropped or bad. */
static bool shadow_net_rx_starved(struct shadow_net_dev *sn,
				  const struct rtnl_link_stats64 *st,
				  unsigned int ms)
{
	return shadow_net_starved(&sn->wd_rx, st->rx_packets,
				  st->rx_dropped + st->rx_errors +
				  st->rx_missed_errors + st->rx_fifo_errors +
				  st->rx_over_errors, ms);
}

/* Transmit starvation of @sn's device: every packet dropped or failed. */
static bool shadow_net_tx_starved(struct shadow_net_dev *sn,
				  const struct rtnl_link_stats64 *st,
				  unsigned int ms)
{
	return shadow_net_starved(&sn->wd_tx, st->tx_packets,
				  st->tx_dropped + st->tx_errors +
				  st->tx_aborted_errors + st->tx_fifo_errors,
				  ms);
}

/**
 * shadow_net_check() - the net class's progress check
 * @dom: a shadowed domain whose driver runs
 *
 * Called by the shadow manager (struct shadow_class_ops.check). The
 * messages name the device by dom and dev->name only: netdev_warn() reads
 * the parent device's driver, which a failing driver's wild write may have
 * corrupted (campaign pcnet32-udpping-1, trial 56).
 *
 * Return: "transmit stall", "receive stall" or NULL.
 */
const char *shadow_net_check(struct nooks_domain *dom)
{
	struct nooks_net_domain *nd = nooks_net_domain(dom);
	unsigned int tx = READ_ONCE(tx_stall_ms), rx = READ_ONCE(rx_stall_ms);
	struct rtnl_link_stats64 st;
	const char *what = NULL;
	struct nooks_netdev *nn;

	if (!nd)
		return NULL;
	mutex_lock(&nd->lock);
	list_for_each_entry(nn, &nd->netdevs, node) {
		struct shadow_net_dev *sn = nn->priv;

		if (!sn || READ_ONCE(nn->divert) ||
		    shadow_net_link_waiting(sn) || !netif_running(nn->dev) ||
		    !netif_carrier_ok(nn->dev)) {
			if (sn) {
				sn->wd_rx.since = 0;
				sn->wd_tx.since = 0;
				sn->wd_tx_off = 0;
			}
			continue;
		}
		dev_get_stats(nn->dev, &st);
		if (tx && shadow_net_tx_stalled(nn, tx)) {
			pr_warn("%s: %s: a packet sent %u ms ago is still held by the driver\n",
				dom->name, nn->dev->name, tx);
			what = "transmit stall";
		} else if (tx && shadow_net_tx_off(sn, tx)) {
			pr_warn("%s: %s: transmit stopped for %u ms with nothing in the driver\n",
				dom->name, nn->dev->name, tx);
			what = "transmit stall";
		} else if (tx && shadow_net_tx_starved(sn, &st, tx)) {
			pr_warn("%s: %s: every packet sent for %u ms was dropped\n",
				dom->name, nn->dev->name, tx);
			what = "transmit stall";
		} else if (rx && shadow_net_rx_starved(sn, &st, rx)) {
			pr_warn("%s: %s: every frame received for %u ms was dropped\n",
				dom->name, nn->dev->name, rx);
			what = "receive stall";
		}
		if (what)
			break;
	}
	mutex_unlock(&nd->lock);
	return what;
}

/**
 * shadow_net_watch_tx_timeout() - the kernel's transmit watchdog fired
 * @sn: the shadow of the device
 *
 * Any context (the kernel's watchdog timer). Return: true if the driver
 * was failed for it (its own ndo_tx_timeout must then not run); false
 * when the check is off.
 */
bool shadow_net_watch_tx_timeout(struct shadow_net_dev *sn)
{
	if (!READ_ONCE(tx_stall_ms))
		return false;
	pr_warn("%s: %s: transmit timeout\n", sn->nn->dom->name,
		sn->nn->dev->name);
	nooks_domain_detect(sn->nn->dom, "transmit timeout");
	return true;
}
