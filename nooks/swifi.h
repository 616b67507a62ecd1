/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nooks/swifi.h - hooks nooks.ko offers a fault injector (swifi/,
 * nooks_swifi.ko).
 *
 * nooks.ko holds no fault-injection code. A test module that injects
 * faults into drivers registers one struct nooks_swifi_ops; nooks.ko
 * then tells it when each domain appears and goes (so it can add its
 * files under the domain's debugfs directory, @dom->debugfs) and when a
 * domain's driver text must be pristine again (detach, restart). Text of
 * its own that an aborted driver call may be running (an injected endless
 * loop) is registered with nooks_hang_add_text() (nooks/frame.h).
 */
#ifndef _NOOKS_SWIFI_H
#define _NOOKS_SWIFI_H

struct module;
struct nooks_domain;

/**
 * struct nooks_swifi_ops - hooks of a fault injector on every domain
 * @owner: the module that registers them
 * @domain_add: a domain exists (created, or there when the ops register);
 *	its debugfs directory @dom->debugfs exists (it may be an ERR_PTR
 *	when debugfs is off). Process context, nooks_domains_lock held.
 * @domain_del: the domain goes (or the ops unregister): remove what
 *	@domain_add made, disarm and undo everything in the domain.
 *	Process context, nooks_domains_lock held, @dom->ctl not held; the
 *	debugfs directory still exists.
 * @detach: the domain leaves isolation (mode off) or its module goes:
 *	disarm and undo everything (the driver's text is about to be
 *	rebound or freed). Process context, @dom->ctl held.
 * @restart: a failed driver is about to be re-probed: undo text changes,
 *	as reloading the module would. Process context, @dom->ctl held.
 *
 * Every hook may sleep. No hook runs once nooks_swifi_unregister()
 * returned.
 */
struct nooks_swifi_ops {
	struct module *owner;
	void (*domain_add)(struct nooks_domain *dom);
	void (*domain_del)(struct nooks_domain *dom);
	void (*detach)(struct nooks_domain *dom);
	void (*restart)(struct nooks_domain *dom);
};

int nooks_swifi_register(const struct nooks_swifi_ops *ops);
void nooks_swifi_unregister(const struct nooks_swifi_ops *ops);

/* nooks.ko internal: call a hook of the registered ops, if any */
void nooks_swifi_domain_add(struct nooks_domain *dom);
void nooks_swifi_domain_del(struct nooks_domain *dom);
void nooks_swifi_detach(struct nooks_domain *dom);
void nooks_swifi_restart(struct nooks_domain *dom);

#endif /* _NOOKS_SWIFI_H */
