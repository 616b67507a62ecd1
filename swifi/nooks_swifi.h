/* SPDX-License-Identifier: GPL-2.0 */
/*
 * swifi/nooks_swifi.h - nooks_swifi.ko, the fault injector: per-domain
 * state.
 */
#ifndef _NOOKS_SWIFI_DOM_H
#define _NOOKS_SWIFI_DOM_H

#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "domain.h"

struct dentry;
struct nooks_inject;
struct nooks_mutation;

/**
 * struct nooks_swifi_dom - what is injected into one domain
 * @inject: armed fault injections, a list (inject.c)
 * @mutation: the mutated instruction, if any (mutate.c)
 * @inject_file: /sys/kernel/debug/shadow/<driver>/inject
 * @mutate_file: /sys/kernel/debug/shadow/<driver>/mutate
 * @hang_pins: module references taken by fired hang injections
 *
 * @inject and @mutation change under the domain's ctl.
 */
struct nooks_swifi_dom {
	struct nooks_inject *inject;
	struct nooks_mutation *mutation;
	struct dentry *inject_file;
	struct dentry *mutate_file;
	atomic_t hang_pins;
};

/*
 * The number that may end a control write ("FAULT FUNCTION [N]"): @s is
 * what follows FUNCTION. Nothing but blanks leaves @v as it is; anything
 * but one number (decimal, or 0x hex) is -EINVAL or -ERANGE.
 */
static inline int nooks_swifi_number(char *s, unsigned long *v)
{
	s = strim(s);
	return *s ? kstrtoul(s, 0, v) : 0;
}

/* The domain's state; its debugfs files exist only while it does. */
static inline struct nooks_swifi_dom *nooks_swifi_of(struct nooks_domain *dom)
{
	return dom->swifi;
}

#endif /* _NOOKS_SWIFI_DOM_H */
