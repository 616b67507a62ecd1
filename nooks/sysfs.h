/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nooks/sysfs.h - /sys/kernel/shadow.
 */
#ifndef _NOOKS_SYSFS_H
#define _NOOKS_SYSFS_H

struct nooks_domain;

int nooks_sysfs_domain_add(struct nooks_domain *dom);
void nooks_sysfs_domain_del(struct nooks_domain *dom);
int nooks_mode_parse(const char *buf);
int nooks_sysfs_init(void);
void nooks_sysfs_exit(void);

#endif /* _NOOKS_SYSFS_H */
