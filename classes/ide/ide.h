/* SPDX-License-Identifier: GPL-2.0 */
/*
 * classes/ide/ide.h - the ide shadow's private interface (shadow_ide.ko).
 */
#ifndef _SHADOW_IDE_H
#define _SHADOW_IDE_H

#include "nooks_ide.h"

/* watchdog.c */
struct shadow_ide_watch;
struct shadow_ide_watch *shadow_ide_watch_start(struct nooks_domain *dom);
void shadow_ide_watch_stop(struct shadow_ide_watch *w);

/* standin.c */
extern struct ata_port_operations shadow_ide_standin;
void shadow_ide_standin_init(void);

#endif /* _SHADOW_IDE_H */
