/* SPDX-License-Identifier: GPL-2.0 */
/*
 * swifi/inject.h - fault injection for tests (debugfs).
 */
#ifndef _NOOKS_INJECT_H
#define _NOOKS_INJECT_H

#include <linux/fs.h>

struct nooks_domain;

extern const struct file_operations nooks_inject_fops;

/* Assembly routines of inject.c that injected faults divert to. */
void nooks_inject_do_hang(void);
void nooks_inject_do_double(void);
extern const char nooks_inject_hang_end[];
void nooks_inject_do_return(void);
void nooks_inject_disarm(struct nooks_domain *dom);

#endif /* _NOOKS_INJECT_H */
