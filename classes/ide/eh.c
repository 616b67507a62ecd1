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

#include "nooks_ide.h"

/**
 * nooks_ata_port_kick() - have a port reset and its commands issued again
 * @ap: the port of a driver being restarted
 *
 * Freezes the port and aborts its commands: libata's error handling then
 * resets the port with the driver's reset methods, revalidates its
 * devices and issues the aborted commands again, without spending their
 * retries (they failed with no error of their own).
 */
void nooks_ata_port_kick(struct ata_port *ap)
{
	struct ata_eh_info *ehi = &ap->link.eh_info;
	unsigned long flags;

	spin_lock_irqsave(ap->lock, flags);
	ata_ehi_push_desc(ehi, "driver restarted");
	ehi->action |= ATA_EH_RESET;
	ata_port_freeze(ap);
	spin_unlock_irqrestore(ap->lock, flags);
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

