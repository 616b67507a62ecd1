// SPDX-License-Identifier: GPL-2.0
/*
 * nooks/iface.c - the registry of driver-class interfaces (iface.h).
 *
 * Locking: nooks_domains_lock, then a domain's ctl, then nooks_iface_lock
 * (then module_mutex, nooks/group.c).
 * The list of interfaces changes only with nooks_domains_lock and
 * nooks_iface_lock both held, so either lock keeps it stable; the stop
 * hooks walk it under RCU from any context. A domain's @ifaces (the
 * interfaces it is bound with) changes under its ctl.
 */
#define pr_fmt(fmt) "nooks: " fmt

#include <linux/module.h>
#include <linux/rculist.h>
#include <linux/slab.h>

#include "domain.h"
#include "iface.h"
#include "symbols.h"
#include "wrap.h"

LIST_HEAD(nooks_ifaces);
DEFINE_MUTEX(nooks_iface_lock);
static struct nooks_iface *nooks_iface_slots[NOOKS_IFACE_MAX];

/* The imports of every driver, whatever its class (nooks/wrap_*.c). */
static const struct nooks_import_table * const nooks_core_imports[] = {
	&nooks_mem_imports, &nooks_irq_imports, &nooks_sched_imports,
	&nooks_pci_imports, &nooks_panic_imports, &nooks_lock_imports,
	&nooks_mutex_imports, &nooks_devres_imports,
};

/* Does every function of @t exist in this kernel? */
static bool nooks_table_resolves(const struct nooks_import_table *t,
				 const char **missing)
{
	unsigned int i;

	for (i = 0; i < t->n; i++) {
		if (!nooks_lookup_name(t->imports[i].sym)) {
			*missing = t->imports[i].sym;
			return false;
		}
	}
	return true;
}

/**
 * nooks_iface_data() - a class interface's data for a domain
 * @dom: the domain
 * @iface: the interface
 *
 * Return: what the interface's domain_add hook set, or NULL.
 */
void *nooks_iface_data(struct nooks_domain *dom,
		       const struct nooks_iface *iface)
{
	return READ_ONCE(dom->iface_data[iface->id]);
}
EXPORT_SYMBOL_GPL(nooks_iface_data);

/**
 * nooks_iface_set_data() - set a class interface's data for a domain
 * @dom: the domain
 * @iface: the interface
 * @data: its data; NULL from the domain_del hook
 */
void nooks_iface_set_data(struct nooks_domain *dom,
			  const struct nooks_iface *iface, void *data)
{
	WRITE_ONCE(dom->iface_data[iface->id], data);
}
EXPORT_SYMBOL_GPL(nooks_iface_set_data);

/**
 * nooks_iface_domain_add() - a new domain gets every interface's data
 * @dom: the domain, not listed yet
 *
 * Context: process context, nooks_domains_lock held.
 * Return: 0 or the error of a domain_add hook (nothing is left set up).
 */
int nooks_iface_domain_add(struct nooks_domain *dom)
{
	struct nooks_iface *iface;
	int ret;

	lockdep_assert_held(&nooks_domains_lock);
	list_for_each_entry(iface, &nooks_ifaces, node) {
		if (!iface->domain_add)
			continue;
		ret = iface->domain_add(dom);
		if (ret)
			goto err_del;
	}
	return 0;

err_del:
	list_for_each_entry_continue_reverse(iface, &nooks_ifaces, node)
		if (iface->domain_del)
			iface->domain_del(dom);
	return ret;
}

/**
 * nooks_iface_domain_del() - a domain goes: drop every interface's data
 * @dom: the domain, native or unloaded, no longer listed
 *
 * Context: process context, nooks_domains_lock held.
 */
void nooks_iface_domain_del(struct nooks_domain *dom)
{
	struct nooks_iface *iface;

	lockdep_assert_held(&nooks_domains_lock);
	list_for_each_entry(iface, &nooks_ifaces, node)
		if (iface->domain_del)
			iface->domain_del(dom);
}

/**
 * nooks_iface_stop() - stop a failed driver's class objects
 * @dom: the failed domain
 *
 * Any context. Calls the stop hook of every interface @dom is bound with.
 */
void nooks_iface_stop(struct nooks_domain *dom)
{
	unsigned long ifaces = READ_ONCE(dom->ifaces);
	struct nooks_iface *iface;

	rcu_read_lock();
	list_for_each_entry_rcu(iface, &nooks_ifaces, node)
		if ((ifaces & BIT(iface->id)) && iface->stop)
			iface->stop(dom);
	rcu_read_unlock();
}

/**
 * nooks_iface_reset() - reset a restarting driver's module state
 * @dom: the domain, its devices unbound and its memory freed
 *
 * Process context. Calls the reset hook of every interface @dom is bound
 * with.
 */
void nooks_iface_reset(struct nooks_domain *dom)
{
	unsigned long ifaces = READ_ONCE(dom->ifaces);
	struct nooks_iface *iface;

	rcu_read_lock();
	list_for_each_entry_rcu(iface, &nooks_ifaces, node)
		if ((ifaces & BIT(iface->id)) && iface->reset)
			iface->reset(dom);
	rcu_read_unlock();
}

/**
 * nooks_iface_in_place() - the interface that can isolate a running driver
 * @dom: the domain, its ctl held and its pci_driver found
 *
 * Return: the first interface whose @in_place says it can take over (and
 * let go of) every class object of the driver's bound devices, with a
 * reference on its
 * module (module_put(iface->owner) when done), or NULL.
 */
struct nooks_iface *nooks_iface_in_place(struct nooks_domain *dom)
{
	struct nooks_iface *iface, *found = NULL;

	lockdep_assert_held(&dom->ctl);
	mutex_lock(&nooks_iface_lock);
	list_for_each_entry(iface, &nooks_ifaces, node) {
		if (!iface->in_place || !iface->hold || !iface->adopt ||
		    !iface->let_go || !iface->in_place(dom))
			continue;
		if (try_module_get(iface->owner))
			found = iface;
		break;
	}
	mutex_unlock(&nooks_iface_lock);
	return found;
}

/* Add @t's imports at @tbl + *n; caller holds nooks_iface_lock. */
static void nooks_iface_collect(struct nooks_import *tbl, unsigned int *n,
				const struct nooks_import_table *t)
{
	memcpy(tbl + *n, t->imports, t->n * sizeof(*tbl));
	*n += t->n;
}

/**
 * nooks_iface_bind() - bind a driver with the imports of every interface
 * @dom: the domain, with its module COMING or LIVE
 *
 * The helper modules the domain covers (nooks/group.c) are bound with the
 * same imports.
 *
 * Context: process context, @dom->ctl held.
 * Return: the binding (see nooks_bind_module()) or an ERR_PTR; on success
 * @dom->ifaces says which interfaces the binding used.
 */
struct nooks_binding *nooks_iface_bind(struct nooks_domain *dom)
{
	struct nooks_binding *b;
	struct nooks_iface *iface;
	struct nooks_import *tbl;
	unsigned long used = 0;
	unsigned int i, n = 0;

	lockdep_assert_held(&dom->ctl);
	mutex_lock(&nooks_iface_lock);
	for (i = 0; i < ARRAY_SIZE(nooks_core_imports); i++)
		n += nooks_core_imports[i]->n;
	list_for_each_entry(iface, &nooks_ifaces, node)
		for (i = 0; i < iface->nr_imports; i++)
			if (iface->live & BIT(i))
				n += iface->imports[i]->n;
	tbl = kcalloc(n, sizeof(*tbl), GFP_KERNEL);
	if (!tbl) {
		mutex_unlock(&nooks_iface_lock);
		return ERR_PTR(-ENOMEM);
	}
	n = 0;
	for (i = 0; i < ARRAY_SIZE(nooks_core_imports); i++)
		nooks_iface_collect(tbl, &n, nooks_core_imports[i]);
	list_for_each_entry(iface, &nooks_ifaces, node) {
		for (i = 0; i < iface->nr_imports; i++)
			if (iface->live & BIT(i))
				nooks_iface_collect(tbl, &n, iface->imports[i]);
		used |= BIT(iface->id);
	}
	b = nooks_bind_module(dom->mod, tbl, n);
	if (!IS_ERR(b)) {
		int err = nooks_group_bind(dom, tbl, n);

		if (err) {
			nooks_unbind_module(b);
			b = ERR_PTR(err);
		} else {
			WRITE_ONCE(dom->ifaces, used);
		}
	}
	mutex_unlock(&nooks_iface_lock);
	kfree(tbl);
	return b;
}

/* @sym's wrapper in @t, or NULL */
static void *nooks_iface_lookup(const struct nooks_import_table *t,
				const char *sym)
{
	unsigned int i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->imports[i].sym, sym))
			return t->imports[i].wrapper;
	return NULL;
}

/**
 * nooks_iface_wrapper() - the wrapper an isolated driver's call of @sym reaches
 * @sym: name of a kernel function, or NULL
 *
 * For the fault injector, whose stand-ins act for the driver: a block they
 * free behind its back is freed as the driver's own call would free it.
 *
 * Context: process context, may sleep. The wrapper stays valid while the
 * interface that brings it is registered.
 * Return: the wrapper, or NULL when no interface interposes on @sym.
 */
void *nooks_iface_wrapper(const char *sym)
{
	struct nooks_iface *iface;
	void *w = NULL;
	unsigned int i;

	if (!sym)
		return NULL;
	mutex_lock(&nooks_iface_lock);
	for (i = 0; !w && i < ARRAY_SIZE(nooks_core_imports); i++)
		w = nooks_iface_lookup(nooks_core_imports[i], sym);
	list_for_each_entry(iface, &nooks_ifaces, node)
		for (i = 0; !w && i < iface->nr_imports; i++)
			if (iface->live & BIT(i))
				w = nooks_iface_lookup(iface->imports[i], sym);
	mutex_unlock(&nooks_iface_lock);
	return w;
}
EXPORT_SYMBOL_GPL(nooks_iface_wrapper);

/**
 * nooks_iface_show() - the classes a domain is bound with, for sysfs
 * @dom: the domain
 * @buf: receives a space-separated list and a newline
 * @size: size of @buf
 */
void nooks_iface_show(struct nooks_domain *dom, char *buf, size_t size)
{
	unsigned long ifaces = READ_ONCE(dom->ifaces);
	struct nooks_iface *iface;
	size_t len = 0;

	buf[0] = '\0';
	mutex_lock(&nooks_iface_lock);
	list_for_each_entry(iface, &nooks_ifaces, node)
		if (ifaces & BIT(iface->id))
			len += scnprintf(buf + len, size - len, "%s%s",
					 len ? " " : "", iface->name);
	mutex_unlock(&nooks_iface_lock);
	scnprintf(buf + len, size - len, "\n");
}

/* Which of @iface's import tables this kernel has; say which it has not. */
static void nooks_iface_resolve(struct nooks_iface *iface)
{
	const char *missing;
	unsigned int i;

	iface->live = 0;
	for (i = 0; i < iface->nr_imports; i++) {
		if (nooks_table_resolves(iface->imports[i], &missing))
			iface->live |= BIT(i);
		else
			pr_info("%s: %s imports skipped: no %s in this kernel\n",
				iface->name, iface->imports[i]->name, missing);
	}
}

/**
 * nooks_iface_register() - plug a driver class into the isolation layer
 * @iface: the interface; name, owner and the hooks it needs set
 *
 * Domains that attach from now on are bound with its imports; domains
 * already isolated are not (load the class module before isolating a
 * driver of the class: shadowctl does). Every existing domain gets its
 * domain_add hook called.
 *
 * Context: process context.
 * Return: 0, -EINVAL for a bad interface, -EEXIST for a name taken,
 * -ENOSPC when NOOKS_IFACE_MAX are registered, or an error of the object
 * type registration or of a domain_add hook. On error nothing changed.
 */
int nooks_iface_register(struct nooks_iface *iface)
{
	struct nooks_domain *dom;
	struct nooks_iface *it;
	unsigned int id;
	int ret;

	if (!iface->name || iface->nr_imports > BITS_PER_LONG)
		return -EINVAL;
	nooks_iface_resolve(iface);
	ret = nooks_obj_types_register(iface->types, iface->nr_types);
	if (ret)
		return ret;

	mutex_lock(&nooks_domains_lock);
	mutex_lock(&nooks_iface_lock);
	ret = -EEXIST;
	list_for_each_entry(it, &nooks_ifaces, node)
		if (!strcmp(it->name, iface->name))
			goto err_unlock;
	ret = -ENOSPC;
	for (id = 0; id < NOOKS_IFACE_MAX; id++)
		if (!nooks_iface_slots[id])
			break;
	if (id == NOOKS_IFACE_MAX)
		goto err_unlock;
	iface->id = id;
	list_for_each_entry(dom, &nooks_domains, node) {
		if (!iface->domain_add)
			break;
		ret = iface->domain_add(dom);
		if (ret)
			goto err_del;
	}
	nooks_iface_slots[id] = iface;
	list_add_tail_rcu(&iface->node, &nooks_ifaces);
	mutex_unlock(&nooks_iface_lock);
	mutex_unlock(&nooks_domains_lock);
	pr_info("class %s registered\n", iface->name);
	return 0;

err_del:
	list_for_each_entry_continue_reverse(dom, &nooks_domains, node)
		if (iface->domain_del)
			iface->domain_del(dom);
err_unlock:
	mutex_unlock(&nooks_iface_lock);
	mutex_unlock(&nooks_domains_lock);
	nooks_obj_types_unregister(iface->types, iface->nr_types);
	return ret;
}
EXPORT_SYMBOL_GPL(nooks_iface_register);

/* Return to native every domain bound with @iface; nooks_domains_lock held. */
static void nooks_iface_release_domains(struct nooks_iface *iface)
{
	struct nooks_domain *dom;

	lockdep_assert_held(&nooks_domains_lock);
	list_for_each_entry(dom, &nooks_domains, node) {
		if (!(READ_ONCE(dom->ifaces) & BIT(iface->id)))
			continue;
		pr_info("%s: class %s going: driver back to native\n",
			dom->name, iface->name);
		nooks_domain_set_mode(dom, NOOKS_MODE_OFF);
	}
}

/**
 * nooks_iface_unregister() - unplug a driver class
 * @iface: what nooks_iface_register() was given
 *
 * Every domain bound with the class's wrappers returns to native first
 * (its devices are re-bound to the plain driver), then each domain's data
 * of the class is freed.
 *
 * Context: process context.
 */
void nooks_iface_unregister(struct nooks_iface *iface)
{
	struct nooks_domain *dom;

	mutex_lock(&nooks_domains_lock);
	/* a domain attaching now would bind with it: hold the list */
	nooks_iface_release_domains(iface);
	mutex_lock(&nooks_iface_lock);
	list_del_rcu(&iface->node);
	nooks_iface_slots[iface->id] = NULL;
	mutex_unlock(&nooks_iface_lock);
	list_for_each_entry(dom, &nooks_domains, node)
		if (iface->domain_del)
			iface->domain_del(dom);
	mutex_unlock(&nooks_domains_lock);
	synchronize_rcu();	/* stop hooks still running */
	nooks_obj_types_unregister(iface->types, iface->nr_types);
	pr_info("class %s unregistered\n", iface->name);
}
EXPORT_SYMBOL_GPL(nooks_iface_unregister);

int nooks_iface_init(void)
{
	const char *missing;
	unsigned int i;

	/* nooks.ko's own tables must all resolve */
	for (i = 0; i < ARRAY_SIZE(nooks_core_imports); i++) {
		if (!nooks_table_resolves(nooks_core_imports[i], &missing)) {
			pr_err("no %s in this kernel\n", missing);
			return -ENOENT;
		}
	}
	return 0;
}

void nooks_iface_exit(void)
{
	WARN_ON(!list_empty(&nooks_ifaces));
}
