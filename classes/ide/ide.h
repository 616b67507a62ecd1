/* SPDX-License-Identifier: GPL-2.0 */
/*
 * classes/ide/ide.h - the ide shadow's private interface (shadow_ide.ko).
 */
#ifndef _SHADOW_IDE_H
#define _SHADOW_IDE_H

#include "nooks_ide.h"

/* watchdog.c */
const char *shadow_ide_check(struct nooks_domain *dom);

/* standin.c */
extern struct ata_port_operations shadow_ide_standin;
void shadow_ide_standin_init(void);

#endif /* _SHADOW_IDE_H */
