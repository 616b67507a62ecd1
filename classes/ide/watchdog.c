// SPDX-License-Identifier: GPL-2.0
/*
 * classes/ide/watchdog.c - the ide shadow's progress check: a command
 * that never completes is a failure of the driver.
 *
 * A driver that loses a command's completion (its interrupt handler
 * returns without finishing it) faults nowhere: the command would wait
 * for the SCSI timeout (30 s), then libata's error handling would fail it
 * back with an error the file system sees. The class's progress check,
 * which the shadow manager runs every check_ms (shadow/health.c), looks
 * at the command in flight on each port of a shadowed driver; one that is
 * still the same dispatch after stall_ms, with no error handling under
 * way, fails the domain as a hang, and the restart in place issues it
 * again.
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
#include <scsi/scsi_cmnd.h>

#include "domain.h"
#include "ide.h"

static unsigned int stall_ms = 2000;
module_param(stall_ms, uint, 0644);
MODULE_PARM_DESC(stall_ms,
		 "a command in flight this long (ms) is a failure of the driver (0: never)");

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

/**
 * shadow_ide_check() - the ide class's progress check
 * @dom: a shadowed domain whose driver runs
 *
 * Called by the shadow manager (struct shadow_class_ops.check).
 *
 * Return: "stalled command" or NULL.
 */
const char *shadow_ide_check(struct nooks_domain *dom)
{
	struct nooks_ata_domain *ad = nooks_ata_domain(dom);
	unsigned int i, ms = READ_ONCE(stall_ms);
	struct ata_port *stalled = NULL;
	struct nooks_ata_host *h;

	if (!ms || !ad || READ_ONCE(ad->standin) != &shadow_ide_standin)
		return NULL;
	mutex_lock(&ad->lock);
	list_for_each_entry(h, &ad->hosts, node)
		for (i = 0; i < h->nr_ports; i++)
			if (shadow_ide_port_stalled(&h->port[i], ms))
				stalled = h->port[i].ap;
	mutex_unlock(&ad->lock);
	if (!stalled)
		return NULL;
	pr_warn("%s: ata%u: a command got no answer for %u ms\n",
		dom->name, stalled->print_id, ms);
	return "stalled command";
}
