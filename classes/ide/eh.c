// SPDX-License-Identifier: GPL-2.0
/*
 * classes/ide/eh.c - what the ide class asks of libata's error handling:
 * the restart of a driver in place (struct nooks_domain_ops.restart) is
 * libata's own recovery of a port, run on the restarted driver, and a
 * port its driver cannot serve any more is unloaded by it.
 *
 * The ide shadow calls these rather than libata, so that the only module
 * that uses libata besides the drivers is nooks_ide, which the driver's
 * group domain knows (nooks/group.c).
 */
#define pr_fmt(fmt) "nooks_ide: " fmt

#include <linux/libata.h>
#include <linux/wait.h>

#include "domain.h"
#include "nooks_ide.h"

/*
 * Must @ap be reset before its commands are issued again? Yes when its
 * device is still inside a command (busy, or waiting for data to move) or
 * does not answer: the driver failed halfway through it. An idle device
 * (the command never reached it, or it completed and only its interrupt
 * was lost) takes the command again as it is, and a reset would only add
 * its 150 ms wait. A port without taskfile registers is always reset.
 * The alternate status is read (with the driver's method if it has one,
 * as libata does): it does not acknowledge the interrupt.
 */
static bool nooks_ata_port_needs_reset(struct ata_port *ap)
{
	u8 st;

	if (ap->ops->sff_check_altstatus)
		st = ap->ops->sff_check_altstatus(ap);
	else if (ap->ioaddr.altstatus_addr)
		st = ioread8(ap->ioaddr.altstatus_addr);
	else
		return true;
	return st == 0xff || (st & (ATA_BUSY | ATA_DRQ));
}

/*
 * Issue @qc again on the restarted driver: the command a failed driver
 * was issuing, or whose completion interrupt it lost, on a device that is
 * idle now. Its DMA table is built anew and the controller's interrupt
 * and DMA status cleared, as for a new command. A command that cannot be
 * issued completes with its error and goes to error handling.
 */
static void nooks_ata_qc_reissue(struct ata_port *ap, struct ata_queued_cmd *qc)
{
	if (ap->ops->sff_check_status)
		ap->ops->sff_check_status(ap);	/* acknowledges INTRQ */
	if (ap->ops->sff_irq_clear)
		ap->ops->sff_irq_clear(ap);
	qc->err_mask = 0;
	if (ap->ops->qc_prep)
		qc->err_mask |= ap->ops->qc_prep(qc);
	if (!qc->err_mask)
		qc->err_mask |= ap->ops->qc_issue(qc);
	if (qc->err_mask)
		ata_qc_complete(qc);
}

/**
 * nooks_ata_port_kick() - get a port's commands done by a restarted driver
 * @ap: the port of a driver being restarted (running again)
 *
 * The shadow's replay of the requests in flight. On a port whose device
 * is idle, the command the failed driver was handling is issued again
 * directly (at most one: a PATA port has one command at a time), as the
 * SCSI midlayer would issue a new one; nothing else is needed. Otherwise
 * (error handling already under way, or the device still inside the
 * command) the port's commands are aborted, and libata's error handling
 * issues them again without spending their retries (they failed with no
 * error of their own), after a reset with the driver's reset methods if
 * the device is not idle (the port is frozen: the reset revalidates the
 * devices and sets their transfer modes through the driver).
 *
 * Return: what was done.
 */
enum nooks_ata_kick nooks_ata_port_kick(struct ata_port *ap)
{
	struct ata_eh_info *ehi = &ap->link.eh_info;
	enum nooks_ata_kick done;
	struct ata_queued_cmd *qc;
	unsigned long flags;

	spin_lock_irqsave(ap->lock, flags);
	if (nooks_ata_port_needs_reset(ap)) {
		ata_ehi_push_desc(ehi, "driver restarted");
		ehi->action |= ATA_EH_RESET;
		ata_port_freeze(ap);
		done = NOOKS_ATA_RESET;
	} else if (ap->pflags & (ATA_PFLAG_EH_PENDING |
				 ATA_PFLAG_EH_IN_PROGRESS | ATA_PFLAG_FROZEN) ||
		   ap->link.sactive) {
		ata_ehi_push_desc(ehi, "driver restarted");
		ata_port_abort(ap);
		done = NOOKS_ATA_ABORTED;
	} else {
		qc = ata_qc_from_tag(ap, ap->link.active_tag);
		if (qc)
			nooks_ata_qc_reissue(ap, qc);
		done = qc ? NOOKS_ATA_REISSUED : NOOKS_ATA_IDLE;
	}
	spin_unlock_irqrestore(ap->lock, flags);
	return done;
}
EXPORT_SYMBOL_GPL(nooks_ata_port_kick);

/**
 * nooks_ata_port_wait() - wait until a port's error handling is done
 * @ap: the port
 *
 * Process context; sleeps.
 *
 * Return: the devices of @ap the error handling left enabled.
 */
unsigned int nooks_ata_port_wait(struct ata_port *ap)
{
	ata_port_wait_eh(ap);
	return nooks_ata_port_devices(ap);
}
EXPORT_SYMBOL_GPL(nooks_ata_port_wait);

/**
 * nooks_ata_port_devices() - the enabled devices of a port
 * @ap: the port
 *
 * Return: how many there are.
 */
unsigned int nooks_ata_port_devices(struct ata_port *ap)
{
	struct ata_link *link;
	struct ata_device *dev;
	unsigned int n = 0;

	ata_for_each_link(link, ap, EDGE)
		ata_for_each_dev(dev, link, ENABLED)
			n++;
	return n;
}
EXPORT_SYMBOL_GPL(nooks_ata_port_devices);

/**
 * nooks_ata_unload_port() - have libata's error handling unload a port
 * @ap: the port, whose driver cannot serve it
 *
 * Called from the error handler (a stand-in): the next round of the error
 * handling, which libata runs at once, disables the port's devices and
 * completes what was pending on them with an error. The devices are gone
 * for the file systems on them, as after an unbind.
 */
void nooks_ata_unload_port(struct ata_port *ap)
{
	unsigned long flags;

	spin_lock_irqsave(ap->lock, flags);
	ap->pflags |= ATA_PFLAG_UNLOADING | ATA_PFLAG_EH_PENDING;
	spin_unlock_irqrestore(ap->lock, flags);
}
EXPORT_SYMBOL_GPL(nooks_ata_unload_port);


/* How long an error handler waits for the restart of its driver. */
#define NOOKS_ATA_EH_WAIT_MS	30000

/* The driver's domain is no longer failed or being restarted. */
static bool nooks_ata_settled(struct nooks_domain *dom)
{
	int state = READ_ONCE(dom->state);

	return state != NOOKS_STATE_FAILED && state != NOOKS_STATE_RECOVERING;
}

/**
 * nooks_ata_eh_standin() - a shadow's stand-in for the error handler
 * @ap: the port
 *
 * Waits (up to 30 s) until the driver runs again, then runs its error
 * handler (protected); if the driver was left fail-stopped, has libata
 * unload the port instead. Here rather than in the shadow's module, whose
 * text could go while an error handler sleeps in it.
 */
void nooks_ata_eh_standin(struct ata_port *ap)
{
	struct nooks_ata_port *p = nooks_ata_port_of(ap);

	wait_event_timeout(p->ad->wq, nooks_ata_settled(p->dom) ||
			   READ_ONCE(p->ad->leaving),
			   msecs_to_jiffies(NOOKS_ATA_EH_WAIT_MS));
	if (READ_ONCE(p->dom->state) == NOOKS_STATE_RUNNING)
		nooks_ata_error_handler(ap);
	else
		nooks_ata_unload_port(ap);
}
EXPORT_SYMBOL_GPL(nooks_ata_eh_standin);
