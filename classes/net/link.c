// SPDX-License-Identifier: GPL-2.0
/*
 * classes/net/link.c - the kernel's view of the carrier through a restart.
 *
 * A restarting driver drops its carrier: its close, its probe and its open
 * call netif_carrier_off(), and the link comes back when the driver reads
 * it up again (8139cp and pcnet32 in their open, e1000 in its watchdog
 * once the PHY has the link, 2 s later under QEMU). The kernel learns of
 * the change through link-watch (net/core/link_watch.c), at most once a
 * second: a carrier it finds off deactivates the qdisc (what it held is
 * dropped), flushes the device's ARP entries (the next packet waits for a
 * new ARP exchange, and a request sent while the qdisc is down waits a
 * second for its retry), takes a bridge port out of forwarding and tells
 * every NETDEV_CHANGE listener. None of this is the application's
 * business when the link never went down on the wire.
 *
 * So the shadow keeps the kernel's view of the link through a restart:
 *
 *   hold      when the driver fails, or before a planned restart closes
 *             it, on a device that is running with its carrier on: the
 *             device's link-watch event is marked pending without being
 *             queued (__LINK_STATE_LINKWATCH_PENDING), so link-watch
 *             ignores the driver's carrier changes. The carrier bit itself
 *             follows the driver: drivers read it back (e1000 enables its
 *             transmitter only when it finds its carrier off and the link
 *             up). Transmits go to the stand-in (nooks_netdev.hold_xmit)
 *             until the driver has its link back.
 *   give back after the replay: if the driver's carrier is on, the hold
 *             ends there, the transmit queues wake and link-watch has
 *             seen nothing; otherwise the shadow looks again every
 *             SHADOW_NET_LINK_POLL_MS, for up to carrier_grace_ms.
 *   let go    the grace ran out with the carrier off (the link really is
 *             down), the device was closed, or the shadow stops: the
 *             event is queued, and link-watch finds the carrier as it is.
 *
 * If a link-watch event of the device was queued already when the driver
 * failed, there is no hold: link-watch will see the carrier as it is when
 * it runs. The carrier change counters (carrier_changes) count what the
 * driver did. A bond's MII monitor reads the carrier bit, not link-watch:
 * it sees the driver's own changes (its downdelay must cover them).
 */
#define pr_fmt(fmt) "shadow_net: " fmt

#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/moduleparam.h>
#include <linux/netdevice.h>
#include <linux/workqueue.h>

#include "net.h"
#include "shadow_trace.h"

/* how often a driver waiting for its link is looked at */
#define SHADOW_NET_LINK_POLL_MS	5

static unsigned int carrier_grace_ms = 3000;
module_param(carrier_grace_ms, uint, 0644);
MODULE_PARM_DESC(carrier_grace_ms,
		 "after a restart, how long (ms) the kernel keeps seeing the carrier on while the restarted driver has it off (0: not at all)");

/**
 * shadow_net_link_hold() - keep the kernel's view of the carrier from now
 * @sn: the shadow of a device whose driver failed or is about to be
 *	restarted
 *
 * Any context; caller holds @sn->lock.
 */
void shadow_net_link_hold(struct shadow_net_dev *sn)
{
	struct net_device *dev = sn->nn->dev;

	lockdep_assert_held(&sn->lock);
	if (sn->link_held || !READ_ONCE(carrier_grace_ms) ||
	    !netif_running(dev) || !netif_carrier_ok(dev))
		return;
	/* an event already queued: link-watch has its say */
	if (test_and_set_bit(__LINK_STATE_LINKWATCH_PENDING, &dev->state))
		return;
	sn->link_held = true;
	WRITE_ONCE(sn->nn->hold_xmit, true);
	trace_shadow_standin(netdev_name(dev), "carrier_held");
}

/*
 * End the hold: link-watch hears of the device again; with @tell, it is
 * told of a carrier that is off now, and the transmit queues wake (not
 * for a device being unregistered). Caller holds @sn->lock.
 */
static void shadow_net_link_release(struct shadow_net_dev *sn, bool tell)
{
	struct nooks_netdev *nn = sn->nn;
	struct net_device *dev = nn->dev;

	if (!sn->link_held)
		return;
	sn->link_held = false;
	clear_bit(__LINK_STATE_LINKWATCH_PENDING, &dev->state);
	WRITE_ONCE(nn->hold_xmit, false);
	if (!tell)
		return;
	/*
	 * Pairs with the barrier of the driver's netif_carrier_off(): either
	 * it finds the event no longer pending and queues one, or the
	 * carrier reads off here.
	 */
	smp_mb__after_atomic();
	if (!netif_carrier_ok(dev))
		linkwatch_fire_event(dev);
	if (netif_running(dev) && !READ_ONCE(nn->divert))
		shadow_net_tx_resume(dev);
	trace_shadow_replay(netdev_name(dev), "carrier_given_back");
}

/*
 * End the hold if it may end: the carrier is back, there is nothing to
 * hold, or the grace ran out. Caller holds @sn->lock, the hold given back.
 * Return: true to look again later.
 */
static bool shadow_net_link_look(struct shadow_net_dev *sn)
{
	struct net_device *dev = sn->nn->dev;

	if (!netif_carrier_ok(dev) && netif_running(dev)) {
		if (time_before(jiffies, sn->link_until))
			return true;
		netdev_info(dev, "shadow: link still down %u ms after the restart\n",
			    jiffies_to_msecs(jiffies - sn->link_since));
	}
	shadow_net_link_release(sn, true);
	return false;
}

static void shadow_net_link_work(struct work_struct *work)
{
	struct shadow_net_dev *sn = container_of(to_delayed_work(work),
						 struct shadow_net_dev,
						 link_work);
	unsigned long flags;
	bool again = false;

	spin_lock_irqsave(&sn->lock, flags);
	/* standing in again (a new failure): the next give back goes on */
	if (sn->link_held && !READ_ONCE(sn->nn->divert))
		again = shadow_net_link_look(sn);
	spin_unlock_irqrestore(&sn->lock, flags);
	if (again)
		schedule_delayed_work(&sn->link_work,
				      msecs_to_jiffies(SHADOW_NET_LINK_POLL_MS));
}

/**
 * shadow_net_link_init() - set up the carrier hold of a new shadow
 * @sn: the shadow
 */
void shadow_net_link_init(struct shadow_net_dev *sn)
{
	INIT_DELAYED_WORK(&sn->link_work, shadow_net_link_work);
}

/**
 * shadow_net_link_give_back() - the replay is done: end the hold once the
 *	restarted driver has its carrier on
 * @sn: the shadow of a device handed back to its driver
 *
 * Process context.
 */
void shadow_net_link_give_back(struct shadow_net_dev *sn)
{
	unsigned long flags;
	bool wait = false;

	spin_lock_irqsave(&sn->lock, flags);
	if (sn->link_held) {
		sn->link_since = jiffies;
		sn->link_until = jiffies +
			msecs_to_jiffies(READ_ONCE(carrier_grace_ms));
		wait = shadow_net_link_look(sn);
	}
	spin_unlock_irqrestore(&sn->lock, flags);
	if (wait)
		schedule_delayed_work(&sn->link_work,
				      msecs_to_jiffies(SHADOW_NET_LINK_POLL_MS));
}

/**
 * shadow_net_link_waiting() - is the device's driver waiting for its link
 *	after a restart (transmits held)?
 * @sn: the shadow
 */
bool shadow_net_link_waiting(struct shadow_net_dev *sn)
{
	return READ_ONCE(sn->nn->hold_xmit);
}

/**
 * shadow_net_link_drop() - end the hold now
 * @sn: the shadow, going away or stopping
 * @settle: first wait, up to carrier_grace_ms, for a driver that was
 *	given the device back to have its carrier on (the shadow lets go of
 *	a device the driver keeps running natively)
 *
 * Process context; the hold's work is not running afterwards.
 */
void shadow_net_link_drop(struct shadow_net_dev *sn, bool settle)
{
	unsigned long until = jiffies +
		msecs_to_jiffies(READ_ONCE(carrier_grace_ms));
	unsigned long flags;

	while (settle && READ_ONCE(sn->link_held) &&
	       !READ_ONCE(sn->nn->divert) && time_before(jiffies, until))
		msleep(SHADOW_NET_LINK_POLL_MS);
	cancel_delayed_work_sync(&sn->link_work);
	spin_lock_irqsave(&sn->lock, flags);
	shadow_net_link_release(sn, true);
	spin_unlock_irqrestore(&sn->lock, flags);
}

/**
 * shadow_net_link_forget() - the device is unregistered: no hold any more
 * @sn: the shadow of the device
 *
 * Process context; the hold's work is not running afterwards.
 */
void shadow_net_link_forget(struct shadow_net_dev *sn)
{
	unsigned long flags;

	cancel_delayed_work_sync(&sn->link_work);
	spin_lock_irqsave(&sn->lock, flags);
	shadow_net_link_release(sn, false);
	spin_unlock_irqrestore(&sn->lock, flags);
}
