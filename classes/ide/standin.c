// SPDX-License-Identifier: GPL-2.0
/*
 * classes/ide/standin.c - the ide shadow answers for a failed ATA driver.
 *
 * From the fault until libata's error handling has reset the ports on
 * the restarted driver, no request fails and none is lost:
 *
 *  - a new command is deferred (the SCSI midlayer puts it back on its
 *    queue and tries again a few milliseconds later);
 *  - a command libata was issuing when the driver failed is taken as
 *    issued: the restart aborts it, and libata's error handling issues it
 *    again without spending one of its retries (the hardware either never
 *    saw it or gets it once more after a reset: a write is written again,
 *    never reported done without having reached the disk);
 *  - the error handler waits for the restart and then runs the driver's
 *    (nooks_ata_eh_standin(), in nooks_ide.ko: this module's text is not
 *    on the stack of a sleeping error handler when it is unloaded);
 *  - everything else does nothing and reports no progress, like the
 *    isolate-mode stand-ins (wrap_port.c).
 *
 * If the driver is left fail-stopped, the error handler unloads the
 * ports instead: their devices go away with an error, as in isolate mode.
 */
#define pr_fmt(fmt) "shadow_ide: " fmt

#include <linux/libata.h>

#include "ide.h"

struct ata_port_operations shadow_ide_standin;

static int shadow_ide_defer(struct ata_queued_cmd *qc)
{
	return ATA_DEFER_LINK;
}

static unsigned int shadow_ide_issue(struct ata_queued_cmd *qc)
{
	return 0;
}

/**
 * shadow_ide_standin_init() - the shadow's stand-ins: isolate mode's but
 *	for what must neither fail nor be lost
 */
void shadow_ide_standin_init(void)
{
	shadow_ide_standin = nooks_ata_isolate;
	shadow_ide_standin.qc_defer = shadow_ide_defer;
	shadow_ide_standin.qc_issue = shadow_ide_issue;
	shadow_ide_standin.error_handler = nooks_ata_eh_standin;
}
