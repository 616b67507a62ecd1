/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nooks/restart.h - recovery of a failed domain.
 */
#ifndef _NOOKS_RESTART_H
#define _NOOKS_RESTART_H

struct device;
struct nooks_domain;

/* Devices of a driver, each with a reference, across an unbind/bind. */
struct nooks_devlist {
	struct device **devs;
	unsigned int n, max;
};

int nooks_domain_unbind_devices(struct nooks_domain *dom,
				struct nooks_devlist *l);
int nooks_domain_bind_devices(struct nooks_devlist *l);
void nooks_domain_put_devices(struct nooks_devlist *l);

void nooks_restart_init(struct nooks_domain *dom);
void nooks_restart_schedule(struct nooks_domain *dom);
void nooks_restart_cancel(struct nooks_domain *dom);
int nooks_restart_wq_init(void);
void nooks_restart_wq_exit(void);

#endif /* _NOOKS_RESTART_H */
