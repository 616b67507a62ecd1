// SPDX-License-Identifier: GPL-2.0
/*
 * classes/ide/main.c - the shadow of every ATA driver (shadow_ide.ko).
 *
 *   passive     nothing to log: the objects that hold the configuration
 *               (the ATA host, its ports and devices with their transfer
 *               modes and IDENTIFY data, the SCSI hosts and disks) are
 *               never released, so nothing needs replaying from a log;
 *               a command in flight that never completes is a failure
 *               (watchdog.c)
 *   active      after a fault: answer for the driver (standin.c)
 *   recovering  restart the driver in place (struct shadow_class_ops.
 *               restart): with the failed driver's locks released and a
 *               mutated instruction restored, freeze every port and abort
 *               its commands, then let libata's error handling run the
 *               driver's reset methods: it resets the ports, revalidates
 *               the devices (IDENTIFY compared with what it had), sets the
 *               transfer modes through the driver and issues the aborted
 *               commands again with their retry budget untouched
 *
 * No unbind, so the file systems on the disks never see their device go:
 * no new disk, no I/O error. The driver's own state is re-derived by the
 * error handling; what the driver keeps outside its ports (ata_piix: the
 * saved IOCFG word, the SATA map) was set at probe and is read-only after.
 * The restart fails when a device the ports had does not come back; the
 * driver is then left fail-stopped and the ports unloaded.
 */
#define pr_fmt(fmt) "shadow_ide: " fmt

#include <linux/module.h>
#include <linux/rcupdate.h>

#include "domain.h"
#include "ide.h"
#include "shadow.h"

static void shadow_ide_attach(struct nooks_domain *dom)
{
	struct nooks_ata_domain *ad = nooks_ata_domain(dom);

	if (!ad)
		return;
	nooks_ata_set_standin(dom, &shadow_ide_standin);
}

static void shadow_ide_detach(struct nooks_domain *dom)
{
	struct nooks_ata_domain *ad = nooks_ata_domain(dom);

	if (!ad)
		return;
	nooks_ata_set_standin(dom, NULL);
	/*
	 * Stand-ins that started: libata calls the operations under the
	 * port lock or from the interrupt handler, with preemption off (the
	 * error handler's, which sleeps, is nooks_ide's).
	 */
	synchronize_rcu();
}

static int shadow_ide_restart(struct nooks_domain *dom)
{
	struct nooks_ata_domain *ad = nooks_ata_domain(dom);
	unsigned int i, before = 0, after = 0;
	struct nooks_ata_host *h;

	if (!ad || READ_ONCE(ad->standin) != &shadow_ide_standin)
		return -EOPNOTSUPP;
	mutex_lock(&ad->lock);
	if (list_empty(&ad->hosts)) {
		mutex_unlock(&ad->lock);
		return -EOPNOTSUPP;
	}
	list_for_each_entry(h, &ad->hosts, node)
		for (i = 0; i < h->nr_ports; i++)
			before += nooks_ata_port_devices(h->port[i].ap);
	nooks_restart_resume(dom);
	nooks_pci_unquiesce(dom);
	list_for_each_entry(h, &ad->hosts, node)
		for (i = 0; i < h->nr_ports; i++)
			nooks_ata_port_kick(h->port[i].ap);
	wake_up_all(&ad->wq);
	list_for_each_entry(h, &ad->hosts, node)
		for (i = 0; i < h->nr_ports; i++)
			after += nooks_ata_port_wait(h->port[i].ap);
	mutex_unlock(&ad->lock);
	if (after < before) {
		pr_err("%s: %u of %u devices came back\n", dom->name, after,
		       before);
		return -ENODEV;
	}
	return 0;
}

static void shadow_ide_stopped(struct nooks_domain *dom)
{
	struct nooks_ata_domain *ad = nooks_ata_domain(dom);

	/* an error handler waiting for the restart unloads its port now */
	if (ad)
		wake_up_all(&ad->wq);
}

static const struct shadow_class_ops shadow_ide_ops = {
	.attach		= shadow_ide_attach,
	.detach		= shadow_ide_detach,
	.restart	= shadow_ide_restart,
	.stopped	= shadow_ide_stopped,
	.check		= shadow_ide_check,
};

static struct shadow_class shadow_ide_class = {
	.name	= "ide",
	.ops	= &shadow_ide_ops,
};

static int __init shadow_ide_init(void)
{
	int ret;

	shadow_ide_standin_init();
	ret = nooks_ata_check_standin(&shadow_ide_standin, "shadow_ide");
	if (ret)
		return ret;
	return shadow_class_register(&shadow_ide_class);
}

static void __exit shadow_ide_exit(void)
{
	shadow_class_unregister(&shadow_ide_class);
}

module_init(shadow_ide_init);
module_exit(shadow_ide_exit);

MODULE_DESCRIPTION("Shadow driver for ATA disks and CD-ROMs");
MODULE_LICENSE("GPL");
