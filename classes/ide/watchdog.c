// SPDX-License-Identifier: GPL-2.0
/*
 * classes/ide/watchdog.c - the ide shadow's progress check: a command
 * that never completes is a failure of the driver.
 *
 * A driver that loses a command's completion (its interrupt handler
 * returns without finishing it) faults nowhere: the command would wait
 * for the SCSI timeout (30 s), then libata's error handling would fail it
 * back with an error the file system sees. The shadow checks every
 * stall_ms / 4 (at least every 100 ms) the command in flight on each
 * port of a shadowed driver; one that is still the same dispatch after
 * stall_ms, with no error handling under way, fails the domain as a hang
 * (nooks_domain_detect()), and the restart in place issues it again.
 *
 * stall_ms (module parameter of shadow_ide, default 2000, 0: off) must be
 * above the longest a command of the device may take on its own: QEMU's
 * disk and CD-ROM answer in milliseconds; a real disk's cache flush or a
 * CD's spin-up can take seconds.
 */
#define pr_fmt(fmt) "shadow_ide: " fmt

#include <linux/blk-mq.h>
#include <linux/jiffies.h>
#include <linux/libata.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <scsi/scsi_cmnd.h>

#include "domain.h"
#include "ide.h"

static unsigned int stall_ms = 2000;
module_param(stall_ms, uint, 0644);
MODULE_PARM_DESC(stall_ms,
		 "a command in flight this long (ms) is a failure of the driver (0: never)");

/**
 * struct shadow_ide_watch - the progress check of one shadowed domain
 * @dom: the domain
 * @check: runs the check every stall_ms / 4
 */
struct shadow_ide_watch {
	struct nooks_domain *dom;
	struct delayed_work check;
};

/* Has @p's command in flight been the same dispatch for @ms? */
static bool shadow_ide_port_stalled(struct nooks_ata_port *p, unsigned int ms)
{
	struct ata_port *ap = p->ap;
	struct ata_queued_cmd *qc;
	unsigned long flags, deadline;
	bool stalled = false;

	spin_lock_irqsave(ap->lock, flags);
	qc = ata_qc_from_tag(ap, ap->link.active_tag);
	if (!qc || !qc->scsicmd ||
	    (ap->pflags & (ATA_PFLAG_EH_PENDING | ATA_PFLAG_EH_IN_PROGRESS |
			   ATA_PFLAG_FROZEN))) {
		p->stall_cmd = NULL;
		goto out;
	}
	deadline = scsi_cmd_to_rq(qc->scsicmd)->deadline;
	if (qc->scsicmd != p->stall_cmd || deadline != p->stall_deadline) {
		p->stall_cmd = qc->scsicmd;
		p->stall_deadline = deadline;
		p->stall_since = jiffies;
		goto out;
	}
	stalled = time_after(jiffies, p->stall_since + msecs_to_jiffies(ms));
out:
	spin_unlock_irqrestore(ap->lock, flags);
	return stalled;
}

static void shadow_ide_check(struct work_struct *work)
{
	struct shadow_ide_watch *w = container_of(to_delayed_work(work),
						  struct shadow_ide_watch,
						  check);
	struct nooks_ata_domain *ad = nooks_ata_domain(w->dom);
	unsigned int i, ms = READ_ONCE(stall_ms);
	struct ata_port *stalled = NULL;
	struct nooks_ata_host *h;

	if (ms && ad && READ_ONCE(w->dom->state) == NOOKS_STATE_RUNNING) {
		mutex_lock(&ad->lock);
		list_for_each_entry(h, &ad->hosts, node)
			for (i = 0; i < h->nr_ports; i++)
				if (shadow_ide_port_stalled(&h->port[i], ms))
					stalled = h->port[i].ap;
		mutex_unlock(&ad->lock);
	}
	if (stalled) {
		pr_warn("%s: ata%u: a command got no answer for %u ms\n",
			w->dom->name, stalled->print_id, ms);
		nooks_domain_detect(w->dom, "stalled command");
	}
	schedule_delayed_work(&w->check,
			      msecs_to_jiffies(max(ms / 4, 100U)));
}

/**
 * shadow_ide_watch_start() - check a shadowed domain's progress
 * @dom: the domain, its ctl held
 *
 * Return: the check, to stop with shadow_ide_watch_stop(); NULL if out of
 * memory (the domain goes unchecked).
 */
struct shadow_ide_watch *shadow_ide_watch_start(struct nooks_domain *dom)
{
	struct shadow_ide_watch *w = kzalloc(sizeof(*w), GFP_KERNEL);

	if (!w)
		return NULL;
	w->dom = dom;
	INIT_DELAYED_WORK(&w->check, shadow_ide_check);
	schedule_delayed_work(&w->check, msecs_to_jiffies(100));
	return w;
}

/**
 * shadow_ide_watch_stop() - stop and free a domain's progress check
 * @w: the check, or NULL
 */
void shadow_ide_watch_stop(struct shadow_ide_watch *w)
{
	if (!w)
		return;
	cancel_delayed_work_sync(&w->check);
	kfree(w);
}
