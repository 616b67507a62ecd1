/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nooks/debugfs.h - /sys/kernel/debug/shadow.
 */
#ifndef _NOOKS_DEBUGFS_H
#define _NOOKS_DEBUGFS_H

struct nooks_domain;

void nooks_debugfs_domain_add(struct nooks_domain *dom);
void nooks_debugfs_domain_del(struct nooks_domain *dom);
void nooks_debugfs_init(void);
void nooks_debugfs_exit(void);

#endif /* _NOOKS_DEBUGFS_H */
