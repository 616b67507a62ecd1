// SPDX-License-Identifier: GPL-2.0
/*
 * Nooks: call-site binding of an isolated module's kernel imports.
 *
 * The call-site scanner (bind_scan.c) finds in the isolated module's text
 * every CALL rel32 (E8), JMP rel32 (E9, a tail call) and Jcc rel32 (0F 8x)
 * whose target is exactly the address of a function in the import table.
 * This file keeps the bindings, rewrites each such site to reach the
 * table's wrapper, with the kernel's batched text_poke_queue() under
 * text_mutex, and follows the bound module's state.  Each patched site is recorded (address, old
 * displacement, import) so that unbinding restores the exact original
 * bytes.  Nothing outside the bound module changes.  What is not
 * redirected, by design, is listed at the top of bind_scan.c.
 *
 * text_poke_queue(), text_mutex and insn_decode() are not exported in 6.1
 * and are resolved by name once, when nooks.ko loads (text.c).  That is
 * acceptable here because nooks.ko is a GPL module built for exactly this kernel, these are
 * the primitives the kernel itself uses to patch module text (jump labels,
 * static calls, ftrace, kprobes), and a missing symbol makes nooks.ko fail
 * to load instead of patching text by hand (CR0.WP or set_memory_rw()
 * games would race with the kernel's own text patching).
 *
 * Init text: a module bound while MODULE_STATE_COMING also has its init
 * text patched.  When the module turns MODULE_STATE_LIVE, the loader frees
 * its init text right after the LIVE notification, so this file's module
 * notifier forgets the init sites then (they are not restored: that text
 * never runs again).  A module bound once LIVE never has its init text
 * patched.  On MODULE_STATE_GOING (unload, or failed init) the notifier
 * restores every remaining site while the text still exists and detaches
 * the binding from the module; the owner's later nooks_unbind_module() only
 * frees the record.
 */
#define pr_fmt(fmt) "nooks: " fmt

#include <linux/err.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/sched/clock.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/unaligned.h>

#include "bind.h"
#include "bind_priv.h"
#include "symbols.h"
#include "text.h"

/* bind.c works only once nooks_bind_init() succeeded */
static bool nooks_bind_ready;

/* Protects nooks_bindings and every binding's sites; nests text_mutex. */
static DEFINE_MUTEX(nooks_bind_lock);
static LIST_HEAD(nooks_bindings);

static struct nooks_binding *nooks_find_binding(struct module *mod)
{
	struct nooks_binding *b;

	lockdep_assert_held(&nooks_bind_lock);
	list_for_each_entry(b, &nooks_bindings, node)
		if (b->mod == mod)
			return b;
	return NULL;
}

static void nooks_free_binding(struct nooks_binding *b)
{
	unsigned int i;

	for (i = 0; i < b->nimp; i++)
		kfree_const(b->imp[i].sym);
	kfree(b->imp);
	kvfree(b->sites);
	kfree(b);
}

/* Does the site currently branch with displacement @disp? */
static bool nooks_site_is(const struct nooks_site *s, s32 disp)
{
	const u8 *p = (const u8 *)s->addr;
	unsigned int oplen = s->len - sizeof(s32);

	switch (s->kind) {
	case NOOKS_SITE_CALL:
		if (p[0] != CALL_REL32_OPCODE)
			return false;
		break;
	case NOOKS_SITE_JMP:
		if (p[0] != JMP_REL32_OPCODE)
			return false;
		break;
	default:
		if (p[0] != TWO_BYTE_ESCAPE || (p[1] & 0xf0) != 0x80)
			return false;
		break;
	}
	return get_unaligned((const s32 *)(p + oplen)) == disp;
}

/*
 * Queue the rewrite of the site's displacement (the opcode bytes stay as
 * they are); nooks_text_poke_finish() makes it.
 */
static void nooks_poke(const struct nooks_site *s, s32 disp)
{
	unsigned int oplen = s->len - sizeof(s32);
	u8 buf[JCC_REL32_LEN];

	memcpy(buf, (const void *)s->addr, oplen);
	put_unaligned(disp, (s32 *)(buf + oplen));
	nooks_text_poke_queue((void *)s->addr, buf, s->len);
}

static s32 nooks_wrapper_disp(const struct nooks_binding *b,
			      const struct nooks_site *s)
{
	return (s32)(b->imp[s->imp].wrapper - (s->addr + s->len));
}

/* Point every recorded site at its wrapper.  Caller holds text_mutex. */
static void nooks_patch_all(struct nooks_binding *b)
{
	unsigned int i;

	for (i = 0; i < b->nsites; i++)
		nooks_poke(&b->sites[i], nooks_wrapper_disp(b, &b->sites[i]));
	nooks_text_poke_finish();
}

/* Put every recorded site back and forget it.  Takes text_mutex. */
static void nooks_restore_all(struct nooks_binding *b)
{
	unsigned int i;

	lockdep_assert_held(&nooks_bind_lock);
	nooks_text_lock();
	/* ascending, as the sites were found: one batch */
	for (i = 0; i < b->nsites; i++) {
		const struct nooks_site *s = &b->sites[i];
		struct nooks_bound_import *bi = &b->imp[s->imp];

		if (WARN(!nooks_site_is(s, nooks_wrapper_disp(b, s)),
			 "nooks: %s: site %pS for %s changed behind our back\n",
			 b->name, (void *)s->addr, bi->sym))
			continue;
		nooks_poke(s, s->old_disp);
	}
	nooks_text_poke_finish();
	nooks_text_unlock();
	for (i = 0; i < b->nimp; i++) {
		memset(b->imp[i].sites, 0, sizeof(b->imp[i].sites));
		b->imp[i].init_sites = 0;
	}
	b->nsites = 0;
}

/* The module went live: its init text is about to be freed. */
static void nooks_drop_init_sites(struct nooks_binding *b)
{
	unsigned int i, kept = 0;

	lockdep_assert_held(&nooks_bind_lock);
	for (i = 0; i < b->nsites; i++) {
		struct nooks_site *s = &b->sites[i];

		if (s->init) {
			struct nooks_bound_import *bi = &b->imp[s->imp];

			bi->sites[s->kind]--;
			bi->init_sites--;
			bi->init_dropped++;
			b->init_dropped++;
			continue;
		}
		b->sites[kept++] = *s;
	}
	b->nsites = kept;
}

static int nooks_resolve_imports(struct nooks_binding *b,
				 const struct nooks_import *tbl,
				 unsigned int n)
{
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		struct nooks_bound_import *bi = &b->imp[i];

		if (!tbl[i].sym || !tbl[i].wrapper)
			return -EINVAL;
		bi->target = nooks_lookup_name(tbl[i].sym);
		if (!bi->target) {
			pr_err("%s: unknown kernel function %s\n", b->name,
			       tbl[i].sym);
			return -ENOENT;
		}
		bi->wrapper = (unsigned long)tbl[i].wrapper;
		if (bi->wrapper == bi->target)
			return -EINVAL;
		bi->sym = kstrdup_const(tbl[i].sym, GFP_KERNEL);
		if (!bi->sym)
			return -ENOMEM;
		b->nimp = i + 1;
		for (j = 0; j < i; j++) {
			if (b->imp[j].target == bi->target) {
				pr_err("%s: %s listed twice (alias of %s)\n",
				       b->name, bi->sym, b->imp[j].sym);
				return -EINVAL;
			}
		}
	}
	return 0;
}

/**
 * nooks_bind_module() - redirect a module's calls to kernel functions
 * @mod: module to bind, in MODULE_STATE_COMING or MODULE_STATE_LIVE
 * @tbl: kernel functions and the wrappers the module shall call instead
 * @n: number of entries in @tbl
 *
 * Rewrites every direct CALL/JMP/Jcc rel32 in @mod's core text (and init
 * text while @mod is COMING) whose target is a function of @tbl so that it
 * reaches the matching wrapper.  Safe while @mod's code runs on other CPUs:
 * the 5/6-byte branches are replaced the way text_poke_bp() does, in one
 * batch (text_poke_queue()).  The caller keeps
 * @mod from being freed during the call (a module reference, or calling
 * from a module notifier for @mod); afterwards the binding follows @mod's
 * state by itself (see the top of this file).  Wrappers must stay loaded
 * until nooks_unbind_module() returns and no call into them is in flight.
 *
 * Context: process context, may sleep.
 * Return: the binding, or ERR_PTR(-EINVAL) for a bad table, -ENOENT for an
 * unknown function, -EBUSY if @mod is already bound or not COMING/LIVE,
 * -ERANGE if a wrapper is out of rel32 reach, -ENOMEM, -ENODEV if
 * nooks_bind_init() failed.  On error nothing is patched.
 */
struct nooks_binding *nooks_bind_module(struct module *mod,
					const struct nooks_import *tbl,
					unsigned int n)
{
	struct nooks_range *ranges = NULL;
	struct nooks_binding *b;
	unsigned int nr = 0;
	u64 t0, t1, t2;
	bool with_init;
	int err;

	if (!mod || !tbl || !n || n > U16_MAX)
		return ERR_PTR(-EINVAL);
	if (!nooks_bind_ready)
		return ERR_PTR(-ENODEV);

	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&b->node);
	strscpy(b->name, mod->name, sizeof(b->name));
	b->imp = kcalloc(n, sizeof(*b->imp), GFP_KERNEL);
	if (!b->imp) {
		err = -ENOMEM;
		goto err_free;
	}
	err = nooks_resolve_imports(b, tbl, n);
	if (err)
		goto err_free;

	mutex_lock(&nooks_bind_lock);
	if (mod->state != MODULE_STATE_COMING &&
	    mod->state != MODULE_STATE_LIVE) {
		err = -EBUSY;
		goto err_unlock;
	}
	if (nooks_find_binding(mod)) {
		pr_err("%s: already bound\n", b->name);
		err = -EBUSY;
		goto err_unlock;
	}
	/*
	 * The LIVE notification needs nooks_bind_lock, so a module seen
	 * COMING here keeps its init text until we are done.
	 */
	with_init = mod->state == MODULE_STATE_COMING &&
		    mod->init_layout.base && mod->init_layout.text_size;

	t0 = local_clock();
	err = nooks_collect_ranges(mod, with_init, &ranges, &nr);
	if (err)
		goto err_unlock;

	/* text_mutex keeps jump labels etc. from changing text under us. */
	nooks_text_lock();
	err = nooks_scan(b, mod, ranges, nr);
	t1 = local_clock();
	if (!err)
		nooks_patch_all(b);
	t2 = local_clock();
	nooks_text_unlock();
	kvfree(ranges);
	if (err)
		goto err_unlock;

	b->mod = mod;
	list_add(&b->node, &nooks_bindings);
	mutex_unlock(&nooks_bind_lock);

	pr_info("%s: bound %u sites for %u imports%s (scan %llu us, patch %llu us)\n",
		b->name, b->nsites, b->nimp,
		with_init ? " (core and init text)" : "",
		div_u64(t1 - t0, NSEC_PER_USEC), div_u64(t2 - t1, NSEC_PER_USEC));
	return b;

err_unlock:
	mutex_unlock(&nooks_bind_lock);
err_free:
	nooks_free_binding(b);
	return ERR_PTR(err);
}
EXPORT_SYMBOL_GPL(nooks_bind_module);

/**
 * nooks_unbind_module() - undo nooks_bind_module() and free the binding
 * @b: binding; NULL or an ERR_PTR are ignored
 *
 * Restores the original displacement of every site still patched, in one
 * text_poke_queue() batch, so it is safe on a live module whose code
 * runs, and in a MODULE_STATE_GOING notifier.  If the module already went away, its sites
 * were restored then and only the record is freed.  When this returns no
 * new call from the module reaches a wrapper; calls that entered a wrapper
 * before may still be running there: the wrappers' owner must wait for them
 * before freeing the wrappers.
 *
 * Context: process context, may sleep.
 */
void nooks_unbind_module(struct nooks_binding *b)
{
	if (IS_ERR_OR_NULL(b))
		return;

	mutex_lock(&nooks_bind_lock);
	if (b->mod) {
		nooks_restore_all(b);
		list_del_init(&b->node);
		b->mod = NULL;
		pr_info("%s: unbound\n", b->name);
	}
	mutex_unlock(&nooks_bind_lock);
	nooks_free_binding(b);
}
EXPORT_SYMBOL_GPL(nooks_unbind_module);

/**
 * nooks_binding_sites() - number of sites currently redirected
 * @b: binding
 *
 * Init sites dropped when the module went live and sites restored because
 * the module went away are not counted.
 *
 * Return: the number of patched sites.
 */
unsigned int nooks_binding_sites(const struct nooks_binding *b)
{
	return IS_ERR_OR_NULL(b) ? 0 : READ_ONCE(b->nsites);
}
EXPORT_SYMBOL_GPL(nooks_binding_sites);

/**
 * nooks_binding_callee() - the kernel function a bound call site stands for
 * @b: binding, or NULL/ERR_PTR for an unbound module
 * @target: where a call site of the module currently branches to
 *
 * Fault campaigns choose call sites by the kernel function they call, the
 * same in an isolated module (whose sites reach wrappers) as in a native
 * one.
 *
 * Context: process context, may sleep.
 * Return: the kernel function @target wraps, or @target itself.
 */
unsigned long nooks_binding_callee(const struct nooks_binding *b,
				   unsigned long target)
{
	unsigned long ret = target;
	unsigned int i;

	if (IS_ERR_OR_NULL(b))
		return target;
	mutex_lock(&nooks_bind_lock);
	for (i = 0; i < b->nimp; i++) {
		if (b->imp[i].wrapper == target) {
			ret = b->imp[i].target;
			break;
		}
	}
	mutex_unlock(&nooks_bind_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(nooks_binding_callee);

/**
 * nooks_binding_show() - describe a binding, one line per import
 * @b: binding
 * @m: seq_file to print to (debugfs/sysfs show)
 *
 * Prints a summary line, then for each import its patched sites by kind,
 * how many of them are in init text, how many init sites were dropped when
 * the module went live, and the wrapper.
 *
 * Context: process context, may sleep.
 */
void nooks_binding_show(const struct nooks_binding *b, struct seq_file *m)
{
	unsigned int i;

	if (IS_ERR_OR_NULL(b))
		return;

	mutex_lock(&nooks_bind_lock);
	seq_printf(m, "module %s %s sites %u init_dropped %u skipped %u\n",
		   b->name, b->mod ? "bound" : "gone", b->nsites,
		   b->init_dropped, b->skipped);
	for (i = 0; i < b->nimp; i++) {
		const struct nooks_bound_import *bi = &b->imp[i];
		unsigned int k, total = 0;

		for (k = 0; k < NOOKS_SITE_KINDS; k++)
			total += bi->sites[k];
		seq_printf(m, "%-24s %3u call %u jmp %u jcc %u init %u init_dropped %u -> %ps\n",
			   bi->sym, total, bi->sites[NOOKS_SITE_CALL],
			   bi->sites[NOOKS_SITE_JMP], bi->sites[NOOKS_SITE_JCC],
			   bi->init_sites, bi->init_dropped,
			   (void *)bi->wrapper);
	}
	mutex_unlock(&nooks_bind_lock);
}
EXPORT_SYMBOL_GPL(nooks_binding_show);

static int nooks_bind_module_event(struct notifier_block *nb,
				   unsigned long action, void *data)
{
	struct module *mod = data;
	struct nooks_binding *b;

	if (action != MODULE_STATE_LIVE && action != MODULE_STATE_GOING)
		return NOTIFY_DONE;

	mutex_lock(&nooks_bind_lock);
	b = nooks_find_binding(mod);
	if (b && action == MODULE_STATE_LIVE) {
		nooks_drop_init_sites(b);
	} else if (b) {
		nooks_restore_all(b);
		list_del_init(&b->node);
		b->mod = NULL;
		pr_info("%s: going away, sites restored\n", b->name);
	}
	mutex_unlock(&nooks_bind_lock);
	return NOTIFY_OK;
}

static struct notifier_block nooks_bind_nb = {
	.notifier_call = nooks_bind_module_event,
};

/**
 * nooks_bind_init() - follow module state for the bindings
 *
 * Must run from nooks.ko's init, after nooks_text_init(), before any
 * nooks_bind_module().
 *
 * Return: 0 or an error from register_module_notifier().
 */
int nooks_bind_init(void)
{
	int ret = register_module_notifier(&nooks_bind_nb);

	nooks_bind_ready = !ret;
	return ret;
}

/**
 * nooks_bind_exit() - stop following module state; undo leftovers
 *
 * Every binding should have been unbound by its owner.  Any that is left
 * is restored and freed with a warning, since its wrappers are about to
 * disappear with nooks.ko.
 */
void nooks_bind_exit(void)
{
	struct nooks_binding *b, *tmp;

	if (!nooks_bind_ready)
		return;
	unregister_module_notifier(&nooks_bind_nb);

	mutex_lock(&nooks_bind_lock);
	list_for_each_entry_safe(b, tmp, &nooks_bindings, node) {
		WARN(1, "nooks: %s still bound at exit\n", b->name);
		nooks_restore_all(b);
		list_del(&b->node);
		nooks_free_binding(b);
	}
	mutex_unlock(&nooks_bind_lock);
}
