// SPDX-License-Identifier: GPL-2.0
/*
 * nooks/swifi.c - the hooks of a fault injector (nooks/swifi.h).
 *
 * One struct nooks_swifi_ops at a time. The pointer changes with
 * nooks_domains_lock held and then every domain's ctl taken in turn, so
 * a hook called with either lock held (domain_add and domain_del under
 * the first, detach and restart under a domain's ctl) has finished, or
 * sees the ops gone, once nooks_swifi_unregister() went past it.
 */
#define pr_fmt(fmt) "nooks: " fmt

#include <linux/module.h>
#include <linux/rcupdate.h>

#include "domain.h"
#include "swifi.h"

static const struct nooks_swifi_ops __rcu *nooks_swifi_ops;

/* The registered ops; caller holds nooks_domains_lock or @dom->ctl. */
static const struct nooks_swifi_ops *nooks_swifi_get(struct nooks_domain *dom)
{
	return rcu_dereference_check(nooks_swifi_ops,
				     lockdep_is_held(&nooks_domains_lock) ||
				     lockdep_is_held(&dom->ctl));
}

/**
 * nooks_swifi_register() - plug a fault injector in
 * @ops: its hooks
 *
 * Every existing domain gets its domain_add hook called.
 *
 * Context: process context.
 * Return: 0, or -EBUSY when one is registered already.
 */
int nooks_swifi_register(const struct nooks_swifi_ops *ops)
{
	struct nooks_domain *dom;
	int ret = 0;

	mutex_lock(&nooks_domains_lock);
	if (rcu_access_pointer(nooks_swifi_ops)) {
		ret = -EBUSY;
		goto out;
	}
	rcu_assign_pointer(nooks_swifi_ops, ops);
	if (ops->domain_add)
		list_for_each_entry(dom, &nooks_domains, node)
			ops->domain_add(dom);
out:
	mutex_unlock(&nooks_domains_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(nooks_swifi_register);

/**
 * nooks_swifi_unregister() - unplug the fault injector
 * @ops: what nooks_swifi_register() was given
 *
 * Every domain gets its domain_del hook called (which disarms and undoes
 * what was injected). When this returns no hook of @ops runs or will
 * run: its module may go.
 *
 * Context: process context.
 */
void nooks_swifi_unregister(const struct nooks_swifi_ops *ops)
{
	struct nooks_domain *dom;

	mutex_lock(&nooks_domains_lock);
	if (WARN_ON(rcu_access_pointer(nooks_swifi_ops) != ops)) {
		mutex_unlock(&nooks_domains_lock);
		return;
	}
	RCU_INIT_POINTER(nooks_swifi_ops, NULL);
	list_for_each_entry(dom, &nooks_domains, node) {
		/* wait for a detach or restart hook running on @dom */
		mutex_lock(&dom->ctl);
		mutex_unlock(&dom->ctl);
		if (ops->domain_del)
			ops->domain_del(dom);
	}
	mutex_unlock(&nooks_domains_lock);
}
EXPORT_SYMBOL_GPL(nooks_swifi_unregister);

/**
 * nooks_swifi_domain_add() - tell the fault injector of a new domain
 * @dom: the domain, its debugfs directory made
 *
 * Context: process context, nooks_domains_lock held.
 */
void nooks_swifi_domain_add(struct nooks_domain *dom)
{
	const struct nooks_swifi_ops *ops = nooks_swifi_get(dom);

	lockdep_assert_held(&nooks_domains_lock);
	if (ops && ops->domain_add)
		ops->domain_add(dom);
}

/**
 * nooks_swifi_domain_del() - tell the fault injector a domain goes
 * @dom: the domain, its debugfs directory still there
 *
 * Context: process context, nooks_domains_lock held.
 */
void nooks_swifi_domain_del(struct nooks_domain *dom)
{
	const struct nooks_swifi_ops *ops = nooks_swifi_get(dom);

	lockdep_assert_held(&nooks_domains_lock);
	if (ops && ops->domain_del)
		ops->domain_del(dom);
}

/**
 * nooks_swifi_detach() - the domain's driver text is rebound or freed
 * @dom: the domain
 *
 * Context: process context, @dom->ctl held.
 */
void nooks_swifi_detach(struct nooks_domain *dom)
{
	const struct nooks_swifi_ops *ops = nooks_swifi_get(dom);

	lockdep_assert_held(&dom->ctl);
	if (ops && ops->detach)
		ops->detach(dom);
}

/**
 * nooks_swifi_restart() - a failed driver is about to be re-probed
 * @dom: the domain
 *
 * Context: process context, @dom->ctl held.
 */
void nooks_swifi_restart(struct nooks_domain *dom)
{
	const struct nooks_swifi_ops *ops = nooks_swifi_get(dom);

	lockdep_assert_held(&dom->ctl);
	if (ops && ops->restart)
		ops->restart(dom);
}
