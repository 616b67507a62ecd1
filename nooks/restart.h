/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nooks/restart.h - recovery of a failed domain.
 */
#ifndef _NOOKS_RESTART_H
#define _NOOKS_RESTART_H

struct nooks_domain;

void nooks_restart_init(struct nooks_domain *dom);
void nooks_restart_schedule(struct nooks_domain *dom);
void nooks_restart_cancel(struct nooks_domain *dom);
int nooks_restart_drain(struct nooks_domain *dom);
int nooks_restart_wq_init(void);
void nooks_restart_wq_exit(void);

#endif /* _NOOKS_RESTART_H */
