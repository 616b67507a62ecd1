/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nooks/group.h - group domains: the helper modules whose code runs for
 * one isolated driver (a codec library, a bus core) and that its domain
 * covers with it.
 */
#ifndef _NOOKS_GROUP_H
#define _NOOKS_GROUP_H

#include <linux/types.h>

struct module;
struct nooks_domain;
struct nooks_import;
struct nooks_binding;

/* Is @ip in [@start, @end)? (A text range of a domain's code.) */
static inline bool nooks_ip_in(unsigned long ip, unsigned long start,
			       unsigned long end)
{
	return ip >= start && ip < end;
}

/* At most this many helper modules in one domain. */
#define NOOKS_GROUP_MAX		4

/**
 * struct nooks_member - a helper module covered by a driver's domain
 * @mod: the module; the driver's dependency on it keeps it loaded
 * @text_start: start of its core text (read from any context)
 * @text_end: end of its core text; 0 while the slot is being changed
 * @binding: its call sites rewritten to the wrappers, while isolated
 * @own_memory: what it allocates is its own, not tracked for the driver
 *	(struct nooks_iface.helpers_own_memory)
 */
struct nooks_member {
	struct module *mod;
	bool own_memory;
	unsigned long text_start;
	unsigned long text_end;
	struct nooks_binding *binding;
};

/**
 * struct nooks_group - the helpers of one domain
 * @nr: members in @m (written under the domain's ctl)
 * @m: the members
 */
struct nooks_group {
	unsigned int nr;
	struct nooks_member m[NOOKS_GROUP_MAX];
};

void nooks_group_find(struct nooks_domain *dom, bool verbose);
void nooks_group_clear(struct nooks_domain *dom);
int nooks_group_bind(struct nooks_domain *dom, const struct nooks_import *tbl,
		     unsigned int n);
void nooks_group_unbind(struct nooks_domain *dom);
void nooks_group_module_going(struct nooks_domain *dom, struct module *mod);
bool nooks_group_in_text(struct nooks_domain *dom, unsigned long ip);
bool nooks_group_owns_memory(struct nooks_domain *dom, unsigned long ip);
bool nooks_group_covers(struct nooks_domain *dom, const char *name);
unsigned int nooks_group_sites(struct nooks_domain *dom);
int nooks_group_show(struct nooks_domain *dom, char *buf, size_t size);
void nooks_group_init(void);

#endif /* _NOOKS_GROUP_H */
