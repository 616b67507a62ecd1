// SPDX-License-Identifier: GPL-2.0
/*
 * nooks/group.c - group domains.
 *
 * Much of what runs for a driver is not in the driver's module: an AC97
 * sound driver hands its mixer to snd_ac97_codec, whose controls call back
 * into the driver's codec accessors; an HDA controller driver runs the
 * codec core and a codec driver. A domain covers those helper modules
 * with its driver:
 *
 *  - their text counts as the driver's (nooks_domain_of_ip()): a wrapper
 *    called from a helper serves and tracks for the domain, an entry the
 *    helper registers is the domain's, and the fault injector takes their
 *    functions;
 *  - their call sites are bound with the driver's imports when the domain
 *    is isolated.
 *
 * Members come from the module dependency graph and one rule per class:
 * struct nooks_iface.helpers names the modules that may be helpers
 * (shell patterns). Starting from the driver, a module is a member when
 * its name matches a pattern and it is a dependency of a member or of the
 * driver (snd_intel8x0 -> snd_ac97_codec), or depends on a member (an HDA
 * codec driver on snd_hda_codec). A helper that also serves a module
 * outside the domain (snd_ac97_codec under a second AC97 driver, libata
 * under ahci) is left out, with a message: binding its call sites would
 * bill the other driver's calls to this domain. A fault in it during one
 * of this driver's protected calls is still contained; only the
 * interposition on its own calls and the fault injection are lost.
 *
 * Membership is computed when the driver module comes, when a domain is
 * created for a loaded driver and again when the domain is isolated (a
 * class module loaded meanwhile may add patterns); it is dropped when the
 * driver goes. Members cannot be unloaded meanwhile: the driver depends
 * on them, directly or through another member, or (a module that depends
 * on a member) is found again at the next isolation.
 *
 * The module lists are read under module_mutex, which is not exported:
 * it is looked up once by name; without it no group is formed.
 */
#define pr_fmt(fmt) "nooks: " fmt

#include <linux/glob.h>
#include <linux/module.h>
#include <linux/mutex.h>

#include "bind.h"
#include "domain.h"
#include "group.h"
#include "symbols.h"

static struct mutex *nooks_module_mutex;

/* The registered interface whose helper patterns match @mod's name. */
static const struct nooks_iface *nooks_group_helper_iface(const struct module *mod)
{
	const struct nooks_iface *iface;
	const char * const *p;

	lockdep_assert_held(&nooks_iface_lock);
	list_for_each_entry(iface, &nooks_ifaces, node)
		for (p = iface->helpers; p && *p; p++)
			if (glob_match(*p, mod->name))
				return iface;
	return NULL;
}

static int nooks_group_index(struct module **set, unsigned int n,
			     const struct module *mod)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (set[i] == mod)
			return i;
	return -1;
}

/* Add @mod to @set if it is a helper not in it yet. */
static void nooks_group_consider(struct module **set, unsigned int *n,
				 struct module *mod)
{
	if (nooks_group_index(set, *n, mod) >= 0 ||
	    mod->state == MODULE_STATE_UNFORMED ||
	    mod->state == MODULE_STATE_GOING || !nooks_group_helper_iface(mod))
		return;
	if (*n > NOOKS_GROUP_MAX) {
		pr_warn("%s: more than %u helper modules: %s not covered\n",
			set[0]->name, NOOKS_GROUP_MAX, mod->name);
		return;
	}
	set[(*n)++] = mod;
}

/* @mod registered a class interface: it uses a helper to isolate it. */
static bool nooks_group_is_iface_owner(const struct module *mod)
{
	const struct nooks_iface *iface;

	lockdep_assert_held(&nooks_iface_lock);
	list_for_each_entry(iface, &nooks_ifaces, node)
		if (iface->owner == mod)
			return true;
	return false;
}

/*
 * The first module using @set[@i] that is not in @set, or NULL. A class's
 * own isolation module (nooks_ide uses libata) serves no driver.
 */
static struct module *nooks_group_outsider(struct module **set, unsigned int n,
					   unsigned int i)
{
	struct module_use *use;

	list_for_each_entry(use, &set[i]->source_list, source_list)
		if (nooks_group_index(set, n, use->source) < 0 &&
		    !nooks_group_is_iface_owner(use->source))
			return use->source;
	return NULL;
}

/* Remove @set[@i], keeping the order of the others. */
static void nooks_group_drop(struct module **set, unsigned int *n,
			     unsigned int i)
{
	memmove(&set[i], &set[i + 1], (*n - i - 1) * sizeof(*set));
	(*n)--;
}

/**
 * nooks_group_find() - work out which helper modules a domain covers
 * @dom: the domain, its driver module loaded (@dom->mod)
 * @verbose: say which helpers are in and which are left out (when the
 *	domain is isolated)
 *
 * Context: process context, @dom->ctl held, no member bound.
 */
void nooks_group_find(struct nooks_domain *dom, bool verbose)
{
	struct module *set[NOOKS_GROUP_MAX + 1], *other;
	struct module_use *use;
	unsigned int i, n = 1;

	lockdep_assert_held(&dom->ctl);
	if (WARN_ON_ONCE(nooks_group_sites(dom)))
		return;
	nooks_group_clear(dom);
	if (!dom->mod || !nooks_module_mutex)
		return;
	set[0] = dom->mod;

	mutex_lock(&nooks_iface_lock);
	mutex_lock(nooks_module_mutex);
	for (i = 0; i < n; i++) {
		list_for_each_entry(use, &set[i]->target_list, target_list)
			nooks_group_consider(set, &n, use->target);
		if (!i)
			continue;
		list_for_each_entry(use, &set[i]->source_list, source_list)
			nooks_group_consider(set, &n, use->source);
	}
	/* leave out shared helpers; each one left out makes others outsiders */
	for (i = 1; i < n; i++) {
		other = nooks_group_outsider(set, n, i);
		if (!other)
			continue;
		if (verbose)
			pr_warn("%s: %s also serves %s: not in the driver's domain (its calls are not interposed)\n",
				dom->name, set[i]->name, other->name);
		nooks_group_drop(set, &n, i);
		i = 0;		/* check every member again */
	}
	for (i = 1; i < n; i++) {
		struct nooks_member *m = &dom->group.m[i - 1];
		unsigned long base = (unsigned long)set[i]->core_layout.base;

		m->mod = set[i];
		m->own_memory = nooks_group_helper_iface(set[i])->helpers_own_memory;
		WRITE_ONCE(m->text_start, base);
		smp_wmb();	/* start before end: see nooks_group_in_text() */
		WRITE_ONCE(m->text_end, base + set[i]->core_layout.text_size);
	}
	mutex_unlock(nooks_module_mutex);
	mutex_unlock(&nooks_iface_lock);
	WRITE_ONCE(dom->group.nr, n - 1);
	for (i = 1; verbose && i < n; i++)
		pr_info("%s: domain covers %s\n", dom->name, set[i]->name);
}

/**
 * nooks_group_clear() - forget the members of a domain
 * @dom: the domain; @dom->ctl held, no member bound
 *
 * Readers of the text bounds in any context see either the old bounds or
 * none: the end goes first.
 */
void nooks_group_clear(struct nooks_domain *dom)
{
	unsigned int i;

	lockdep_assert_held(&dom->ctl);
	WRITE_ONCE(dom->group.nr, 0);
	for (i = 0; i < NOOKS_GROUP_MAX; i++) {
		WRITE_ONCE(dom->group.m[i].text_end, 0);
		dom->group.m[i].mod = NULL;
		dom->group.m[i].own_memory = false;
	}
}

/**
 * nooks_group_bind() - bind the members' call sites
 * @dom: the domain; @dom->ctl held; its driver just bound
 * @tbl: the imports the driver was bound with
 * @n: entries in @tbl
 *
 * Return: 0, or the error of the member that could not be bound (then
 * none is bound).
 */
int nooks_group_bind(struct nooks_domain *dom, const struct nooks_import *tbl,
		     unsigned int n)
{
	struct nooks_member *m;
	unsigned int i;

	lockdep_assert_held(&dom->ctl);
	for (i = 0; i < dom->group.nr; i++) {
		m = &dom->group.m[i];
		m->binding = nooks_bind_module(m->mod, tbl, n);
		if (IS_ERR(m->binding)) {
			int err = PTR_ERR(m->binding);

			pr_err("%s: cannot interpose on helper %s: %d\n",
			       dom->name, m->mod->name, err);
			m->binding = NULL;
			nooks_group_unbind(dom);
			return err;
		}
	}
	return 0;
}

/**
 * nooks_group_unbind() - restore the members' call sites
 * @dom: the domain; @dom->ctl held
 */
void nooks_group_unbind(struct nooks_domain *dom)
{
	unsigned int i;

	lockdep_assert_held(&dom->ctl);
	for (i = 0; i < NOOKS_GROUP_MAX; i++) {
		nooks_unbind_module(dom->group.m[i].binding);
		dom->group.m[i].binding = NULL;
	}
}

/**
 * nooks_group_module_going() - a module is being unloaded
 * @dom: a domain; @dom->ctl held
 * @mod: the module
 *
 * A member that depends on another member (an HDA codec driver) can be
 * unloaded while the driver stays: it leaves the domain.
 */
void nooks_group_module_going(struct nooks_domain *dom, struct module *mod)
{
	struct nooks_member *m;
	unsigned int i;

	lockdep_assert_held(&dom->ctl);
	for (i = 0; i < dom->group.nr; i++) {
		m = &dom->group.m[i];
		if (m->mod != mod)
			continue;
		WRITE_ONCE(m->text_end, 0);
		nooks_unbind_module(m->binding);
		m->binding = NULL;
		m->mod = NULL;
		pr_info("%s: %s left the domain\n", dom->name, mod->name);
	}
}

/**
 * nooks_group_in_text() - is @ip in the text of one of @dom's members?
 * @dom: the domain
 * @ip: an instruction address
 *
 * Any context, NMI included.
 */
bool nooks_group_in_text(struct nooks_domain *dom, unsigned long ip)
{
	unsigned int i, nr = min_t(unsigned int, READ_ONCE(dom->group.nr),
				   NOOKS_GROUP_MAX);
	unsigned long start, end;

	for (i = 0; i < nr; i++) {
		end = READ_ONCE(dom->group.m[i].text_end);
		/* end before start: pairs with nooks_group_find()'s smp_wmb() */
		smp_rmb();
		start = READ_ONCE(dom->group.m[i].text_start);
		if (nooks_ip_in(ip, start, end))
			return true;
	}
	return false;
}

/**
 * nooks_group_owns_memory() - does memory allocated at @ip stay a helper's?
 * @dom: the domain
 * @ip: the allocation's call site
 *
 * Any context.
 *
 * Return: true if @ip is in a member whose class says its helpers own
 * what they allocate (struct nooks_iface.helpers_own_memory).
 */
bool nooks_group_owns_memory(struct nooks_domain *dom, unsigned long ip)
{
	unsigned int i, nr = min_t(unsigned int, READ_ONCE(dom->group.nr),
				   NOOKS_GROUP_MAX);
	unsigned long start, end;

	for (i = 0; i < nr; i++) {
		if (!dom->group.m[i].own_memory)
			continue;
		end = READ_ONCE(dom->group.m[i].text_end);
		smp_rmb();	/* as in nooks_group_in_text() */
		start = READ_ONCE(dom->group.m[i].text_start);
		if (nooks_ip_in(ip, start, end))
			return true;
	}
	return false;
}

/**
 * nooks_group_covers() - is a module among the helpers a domain covers?
 * @dom: the domain, its ctl held
 * @name: the module's name
 *
 * Return: true if @name is a member of @dom's group.
 */
bool nooks_group_covers(struct nooks_domain *dom, const char *name)
{
	unsigned int i;

	lockdep_assert_held(&dom->ctl);
	for (i = 0; i < dom->group.nr && i < NOOKS_GROUP_MAX; i++)
		if (dom->group.m[i].mod &&
		    !strcmp(module_name(dom->group.m[i].mod), name))
			return true;
	return false;
}
EXPORT_SYMBOL_GPL(nooks_group_covers);

/* Call sites bound in the members. */
unsigned int nooks_group_sites(struct nooks_domain *dom)
{
	unsigned int i, n = 0;

	for (i = 0; i < NOOKS_GROUP_MAX; i++)
		if (dom->group.m[i].binding)
			n += nooks_binding_sites(dom->group.m[i].binding);
	return n;
}

/**
 * nooks_group_show() - the modules a domain covers, for sysfs
 * @dom: the domain
 * @buf: receives the driver's name, then its members', separated by
 *	blanks, and a newline
 * @size: size of @buf
 *
 * Return: the length written.
 */
int nooks_group_show(struct nooks_domain *dom, char *buf, size_t size)
{
	unsigned int i;
	int len;

	mutex_lock(&dom->ctl);
	len = scnprintf(buf, size, "%s", dom->name);
	for (i = 0; i < dom->group.nr; i++)
		if (dom->group.m[i].mod)
			len += scnprintf(buf + len, size - len, " %s",
					 dom->group.m[i].mod->name);
	len += scnprintf(buf + len, size - len, "\n");
	mutex_unlock(&dom->ctl);
	return len;
}

/**
 * nooks_group_init() - find module_mutex
 *
 * Without it, domains cover their driver only.
 */
void nooks_group_init(void)
{
	nooks_module_mutex = (struct mutex *)nooks_lookup_name("module_mutex");
	if (!nooks_module_mutex)
		pr_warn("module_mutex not found: domains cover their driver only\n");
}
