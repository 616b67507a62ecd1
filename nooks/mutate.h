/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nooks/mutate.h - SWIFI code mutations (debugfs).
 */
#ifndef _NOOKS_MUTATE_H
#define _NOOKS_MUTATE_H

#include <linux/fs.h>

struct nooks_domain;

extern const struct file_operations nooks_mutate_fops;
void nooks_mutate_undo(struct nooks_domain *dom);

#endif /* _NOOKS_MUTATE_H */
