// SPDX-License-Identifier: GPL-2.0
/*
 * classes/sound/wrap_ctl.c - mixer controls: kernel -> driver entries.
 *
 * A control (struct snd_kcontrol) carries its own callbacks: info, get,
 * put and, for some, a TLV callback. ALSA calls them from the control
 * ioctls of any application (amixer, alsactl, a desktop's volume slider)
 * and from the PCM code. When code of an isolated domain adds a control
 * to a card (snd_ctl_add(), from the driver or from a codec library its
 * domain covers: snd_ac97_codec's mixer), its callbacks are replaced with
 * wrappers that make each call a protected call of the domain, and that
 * answer with the stand-in (-EIO in isolate mode) while the driver cannot.
 *
 * The record of a wrapped control lives from snd_ctl_add() to the
 * control's free: its private_free is chained, so the card's teardown
 * (a restart's unbind, the driver's remove) drops the record. A control
 * is freed only with the card's controls_rwsem held for writing, and its
 * callbacks run with it held for reading (or from its own card's code),
 * so a record never goes while one of its wrappers runs.
 */
#define pr_fmt(fmt) "nooks_sound: " fmt

#include <linux/hashtable.h>
#include <linux/slab.h>
#include <sound/control.h>
#include <sound/core.h>

#include "domain.h"
#include "entry.h"
#include "nooks_sound.h"
#include "wrap.h"

/* The callbacks the wrappers cover: one list for wrappers, copy, check. */
#define NOOKS_SND_CTL_OPS(X)						\
	X(info, int, (struct snd_kcontrol *k, struct snd_ctl_elem_info *i), \
	  (k, i))							\
	X(get, int, (struct snd_kcontrol *k, struct snd_ctl_elem_value *v), \
	  (k, v))							\
	X(put, int, (struct snd_kcontrol *k, struct snd_ctl_elem_value *v), \
	  (k, v))							\
	X(tlv, int, (struct snd_kcontrol *k, int f, unsigned int s,	\
		     unsigned int __user *t), (k, f, s, t))

/**
 * struct nooks_snd_ctl - entry record of a wrapped control
 * @node: in nooks_snd_ctls, hashed by @kctl
 * @kctl: the control
 * @card: its card
 * @dom: the domain that added it
 * @divert: every call goes to @standin (a shadow stands in)
 * @orig: @ops
 * @standin: who answers while the driver cannot
 * @ops: the driver's callbacks
 * @private_free: the control's own private_free, chained
 * @rcu: frees the record
 */
struct nooks_snd_ctl {
	struct hlist_node node;
	struct snd_kcontrol *kctl;
	struct snd_card *card;
	struct nooks_domain *dom;
	bool divert;
	const struct nooks_snd_ctl_ops *orig;
	const struct nooks_snd_ctl_ops *standin;
	struct nooks_snd_ctl_ops ops;
	void (*private_free)(struct snd_kcontrol *kctl);
	struct rcu_head rcu;
};

#define NOOKS_SND_CTL_BITS	8
static DEFINE_HASHTABLE(nooks_snd_ctls, NOOKS_SND_CTL_BITS);
static DEFINE_SPINLOCK(nooks_snd_ctls_lock);

static int nooks_snd_ctl_put(struct snd_kcontrol *k,
			     struct snd_ctl_elem_value *v);

static struct nooks_snd_ctl *nooks_snd_ctl_of(struct snd_kcontrol *kctl)
{
	struct nooks_snd_ctl *c;

	rcu_read_lock();
	hash_for_each_possible_rcu(nooks_snd_ctls, c, node, (unsigned long)kctl)
		if (c->kctl == kctl)
			goto out;
	c = NULL;
out:
	rcu_read_unlock();
	/* never NULL: only a wrapped control reaches a wrapper */
	return c;
}

#define NOOKS_SND_CTL_WRAPPER(op, rtype, proto, args)			\
	NOOKS_ENTRY_OP(nooks_snd_ctl_do_##op, nooks_snd_ctl_of(k), orig, \
		       standin, op, rtype, proto, args)
NOOKS_SND_CTL_OPS(NOOKS_SND_CTL_WRAPPER)

/* put: a value the driver (or the shadow for it) took is the shadow's to log */
static int nooks_snd_ctl_put(struct snd_kcontrol *k,
			     struct snd_ctl_elem_value *v)
{
	struct nooks_snd_ctl *c = nooks_snd_ctl_of(k);
	int ret = nooks_snd_ctl_do_put(k, v);
	const struct nooks_snd_hooks *hooks;
	struct nooks_snd_domain *sd;

	if (ret < 0)
		return ret;
	sd = nooks_snd_domain(c->dom);
	if (!sd)
		return ret;
	rcu_read_lock();
	hooks = rcu_dereference(sd->hooks);
	if (hooks && hooks->ctl_put)
		hooks->ctl_put(c->dom, c->card, k, v);
	rcu_read_unlock();
	return ret;
}

/* Isolate mode: a control of a failed driver answers -EIO. */
static int nooks_snd_ctl_isolate_info(struct snd_kcontrol *k,
				      struct snd_ctl_elem_info *i)
{
	return -EIO;
}

static int nooks_snd_ctl_isolate_value(struct snd_kcontrol *k,
				       struct snd_ctl_elem_value *v)
{
	return -EIO;
}

static int nooks_snd_ctl_isolate_tlv(struct snd_kcontrol *k, int f,
				     unsigned int s, unsigned int __user *t)
{
	return -EIO;
}

const struct nooks_snd_ctl_ops nooks_snd_ctl_isolate = {
	.info	= nooks_snd_ctl_isolate_info,
	.get	= nooks_snd_ctl_isolate_value,
	.put	= nooks_snd_ctl_isolate_value,
	.tlv	= nooks_snd_ctl_isolate_tlv,
};

/* The control's free: drop the record, then its own private_free. */
static void nooks_snd_ctl_free(struct snd_kcontrol *kctl)
{
	struct nooks_snd_ctl *c = nooks_snd_ctl_of(kctl);
	void (*private_free)(struct snd_kcontrol *kctl) = c->private_free;

	spin_lock(&nooks_snd_ctls_lock);
	hash_del_rcu(&c->node);
	spin_unlock(&nooks_snd_ctls_lock);
	kctl->private_free = private_free;
	kfree_rcu(c, rcu);
	if (private_free)
		private_free(kctl);
}

/* Put the wrappers in @kctl; false (nothing changed) without memory. */
static bool nooks_snd_ctl_wrap(struct nooks_domain *dom, struct snd_card *card,
			       struct snd_kcontrol *kctl)
{
	struct nooks_snd_domain *sd = nooks_snd_domain(dom);
	const struct nooks_snd_hooks *hooks;
	struct nooks_snd_ctl *c;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return false;
	c->kctl = kctl;
	c->card = card;
	c->dom = dom;
	c->orig = &c->ops;
	c->standin = &nooks_snd_ctl_isolate;
	rcu_read_lock();
	hooks = sd ? rcu_dereference(sd->hooks) : NULL;
	if (hooks && hooks->ctl_standin)
		c->standin = hooks->ctl_standin;
	rcu_read_unlock();
	c->ops.info = kctl->info;
	c->ops.get = kctl->get;
	c->ops.put = kctl->put;
	if (kctl->vd[0].access & SNDRV_CTL_ELEM_ACCESS_TLV_CALLBACK)
		c->ops.tlv = kctl->tlv.c;
	c->private_free = kctl->private_free;

	spin_lock(&nooks_snd_ctls_lock);
	hash_add_rcu(nooks_snd_ctls, &c->node, (unsigned long)kctl);
	spin_unlock(&nooks_snd_ctls_lock);
	NOOKS_ENTRY_WRAP(kctl, info, nooks_snd_ctl_do_info);
	NOOKS_ENTRY_WRAP(kctl, get, nooks_snd_ctl_do_get);
	NOOKS_ENTRY_WRAP(kctl, put, nooks_snd_ctl_put);
	if (c->ops.tlv)
		kctl->tlv.c = nooks_snd_ctl_do_tlv;
	kctl->private_free = nooks_snd_ctl_free;
	return true;
}

static int nooks_snd_ctl_add(struct snd_card *card, struct snd_kcontrol *kctl)
{
	struct nooks_domain *dom = nooks_caller_domain();

	if (dom && kctl && !nooks_snd_ctl_wrap(dom, card, kctl)) {
		snd_ctl_free_one(kctl);		/* as snd_ctl_add() on error */
		return -ENOMEM;
	}
	return snd_ctl_add(card, kctl);
}

static const struct nooks_import nooks_snd_ctl_list[] = {
	NOOKS_IMPORT(snd_ctl_add, nooks_snd_ctl_add),
};

const struct nooks_import_table nooks_sound_ctl_imports = {
	.name = "snd-ctl",
	.imports = nooks_snd_ctl_list,
	.n = ARRAY_SIZE(nooks_snd_ctl_list),
};

/**
 * nooks_snd_ctl_check() - does a stand-in answer every callback?
 * @standin: the stand-in's callbacks
 * @who: whose they are, for the message
 *
 * Return: 0, or -EINVAL (the stand-in's module refuses to load).
 */
int nooks_snd_ctl_check(const struct nooks_snd_ctl_ops *standin,
			const char *who)
{
	unsigned int missing = 0;

#define NOOKS_SND_CTL_CHECK(op, rtype, proto, args)			\
	NOOKS_ENTRY_CHECK(standin, op, who, missing);
	NOOKS_SND_CTL_OPS(NOOKS_SND_CTL_CHECK)
#undef NOOKS_SND_CTL_CHECK
	return missing ? -EINVAL : 0;
}
EXPORT_SYMBOL_GPL(nooks_snd_ctl_check);

/**
 * nooks_snd_ctl_domain() - the domain that added a wrapped control
 * @kctl: the control; its callbacks are the wrappers
 *
 * Return: the domain.
 */
struct nooks_domain *nooks_snd_ctl_domain(struct snd_kcontrol *kctl)
{
	return nooks_snd_ctl_of(kctl)->dom;
}
EXPORT_SYMBOL_GPL(nooks_snd_ctl_domain);

/**
 * nooks_snd_ctl_card() - the card of a wrapped control
 * @kctl: the control; its callbacks are the wrappers
 *
 * Return: the card.
 */
struct snd_card *nooks_snd_ctl_card(struct snd_kcontrol *kctl)
{
	return nooks_snd_ctl_of(kctl)->card;
}
EXPORT_SYMBOL_GPL(nooks_snd_ctl_card);

/* Apply @fn to every control record of @dom (any context). */
static void nooks_snd_ctl_each(struct nooks_domain *dom,
			       void (*fn)(struct nooks_snd_ctl *c,
					  const void *arg),
			       const void *arg)
{
	struct nooks_snd_ctl *c;
	int bkt;

	rcu_read_lock();
	hash_for_each_rcu(nooks_snd_ctls, bkt, c, node)
		if (c->dom == dom)
			fn(c, arg);
	rcu_read_unlock();
}

static void nooks_snd_ctl_standin_one(struct nooks_snd_ctl *c,
				      const void *standin)
{
	WRITE_ONCE(c->standin, standin ?: &nooks_snd_ctl_isolate);
}

/**
 * nooks_snd_ctl_set_standin() - who answers for a domain's controls
 * @dom: the domain
 * @standin: the shadow's stand-in, or NULL for the isolate one
 */
void nooks_snd_ctl_set_standin(struct nooks_domain *dom,
			       const struct nooks_snd_ctl_ops *standin)
{
	nooks_snd_ctl_each(dom, nooks_snd_ctl_standin_one, standin);
}
EXPORT_SYMBOL_GPL(nooks_snd_ctl_set_standin);

static void nooks_snd_ctl_divert_one(struct nooks_snd_ctl *c, const void *on)
{
	WRITE_ONCE(c->divert, !!on);
}

/**
 * nooks_snd_ctl_divert() - send a domain's controls to their stand-in
 * @dom: the domain
 * @divert: true while the shadow answers for the driver
 *
 * Any context.
 */
void nooks_snd_ctl_divert(struct nooks_domain *dom, bool divert)
{
	nooks_snd_ctl_each(dom, nooks_snd_ctl_divert_one, divert ? dom : NULL);
}
EXPORT_SYMBOL_GPL(nooks_snd_ctl_divert);

/**
 * nooks_snd_ctl_strip() - remove the controls a domain added to a card
 * @dom: the domain (failed: its controls are diverted)
 * @card: a card the shadow keeps for the restarted driver, which adds its
 *	controls again
 *
 * Controls an application added (user controls) stay. Process context.
 *
 * Return: how many controls were removed.
 */
int nooks_snd_ctl_strip(struct nooks_domain *dom, struct snd_card *card)
{
	struct snd_kcontrol *kctl, *tmp;
	int n = 0;

	down_write(&card->controls_rwsem);
	list_for_each_entry_safe(kctl, tmp, &card->controls, list) {
		if (kctl->put != nooks_snd_ctl_put &&
		    kctl->info != nooks_snd_ctl_do_info)
			continue;
		if (nooks_snd_ctl_of(kctl)->dom != dom)
			continue;
		if (!snd_ctl_remove(card, kctl))
			n++;
	}
	up_write(&card->controls_rwsem);
	return n;
}
EXPORT_SYMBOL_GPL(nooks_snd_ctl_strip);

/**
 * nooks_snd_ctl_adopt() - wrap the controls a driver added natively
 * @dom: the domain, isolated where it runs (adopt.c): the card's
 *	controls_rwsem held for writing by the caller
 * @card: a card of the driver
 *
 * Each control whose callbacks are the domain's code (the driver's, or a
 * codec library's its domain covers) gets the wrappers snd_ctl_add() of
 * an isolated driver would have given it; controls of the core (user
 * controls, virtual masters) stay as they are.
 *
 * Return: 0, or -ENOMEM (the controls wrapped so far stay wrapped:
 * nooks_snd_ctl_let_go() undoes them).
 */
int nooks_snd_ctl_adopt(struct nooks_domain *dom, struct snd_card *card)
{
	struct snd_kcontrol *kctl;

	list_for_each_entry(kctl, &card->controls, list) {
		if (kctl->info == nooks_snd_ctl_do_info ||
		    kctl->put == nooks_snd_ctl_put)
			continue;	/* wrapped already */
		if (!nooks_domain_in_text(dom, (unsigned long)kctl->info) &&
		    !nooks_domain_in_text(dom, (unsigned long)kctl->get) &&
		    !nooks_domain_in_text(dom, (unsigned long)kctl->put))
			continue;
		if (!nooks_snd_ctl_wrap(dom, card, kctl))
			return -ENOMEM;
	}
	return 0;
}

/* Give @c's control its own callbacks back and drop the record. */
static void nooks_snd_ctl_unwrap(struct nooks_snd_ctl *c)
{
	struct snd_kcontrol *kctl = c->kctl;

	kctl->info = c->ops.info;
	kctl->get = c->ops.get;
	kctl->put = c->ops.put;
	if (c->ops.tlv)
		kctl->tlv.c = c->ops.tlv;
	kctl->private_free = c->private_free;
	spin_lock(&nooks_snd_ctls_lock);
	hash_del_rcu(&c->node);
	spin_unlock(&nooks_snd_ctls_lock);
	kfree_rcu(c, rcu);
}

/**
 * nooks_snd_ctl_let_go() - give a card's controls their own callbacks back
 * @dom: the domain, going native where it runs: the card's controls_rwsem
 *	held for writing by the caller (no callback runs)
 * @card: a card of the driver
 *
 * Every control the domain wrapped on @card, adopted or added isolated.
 */
void nooks_snd_ctl_let_go(struct nooks_domain *dom, struct snd_card *card)
{
	struct snd_kcontrol *kctl;
	struct nooks_snd_ctl *c;

	list_for_each_entry(kctl, &card->controls, list) {
		if (kctl->info != nooks_snd_ctl_do_info &&
		    kctl->put != nooks_snd_ctl_put)
			continue;
		c = nooks_snd_ctl_of(kctl);
		if (c && c->dom == dom)
			nooks_snd_ctl_unwrap(c);
	}
}

/**
 * nooks_snd_ctl_for_each() - call @fn on each control a domain wrapped
 * @dom: the domain
 * @card: a card of its driver
 * @fn: called with the card's controls_rwsem held (for reading, or for
 *	writing by an in-place switch of this task: adopt.c); a non-zero
 *	return stops the walk
 * @arg: for @fn
 *
 * Process context.
 *
 * Return: what @fn last returned, or 0.
 */
int nooks_snd_ctl_for_each(struct nooks_domain *dom, struct snd_card *card,
			   int (*fn)(struct snd_kcontrol *kctl, void *arg),
			   void *arg)
{
	struct nooks_snd_domain *sd = nooks_snd_domain(dom);
	bool held = sd && READ_ONCE(sd->holder) == current;
	struct snd_kcontrol *kctl;
	struct nooks_snd_ctl *c;
	int ret = 0;

	if (!held)
		down_read(&card->controls_rwsem);
	list_for_each_entry(kctl, &card->controls, list) {
		if (kctl->info != nooks_snd_ctl_do_info &&
		    kctl->put != nooks_snd_ctl_put)
			continue;
		c = nooks_snd_ctl_of(kctl);
		if (!c || c->dom != dom)
			continue;
		ret = fn(kctl, arg);
		if (ret)
			break;
	}
	if (!held)
		up_read(&card->controls_rwsem);
	return ret;
}
EXPORT_SYMBOL_GPL(nooks_snd_ctl_for_each);

/**
 * nooks_snd_ctl_exit() - restore controls still wrapped at unload
 *
 * Every wrapped control belongs to a card of an isolated driver, which
 * nooks_iface_unregister() unbound before: none should be left. One that
 * is gets its own callbacks back rather than pointers into freed text.
 */
void nooks_snd_ctl_exit(void)
{
	struct nooks_snd_ctl *c;
	struct hlist_node *tmp;
	int bkt;

	hash_for_each_safe(nooks_snd_ctls, bkt, tmp, c, node) {
		pr_warn("control %s still wrapped at unload\n", c->kctl->id.name);
		nooks_snd_ctl_unwrap(c);
	}
	rcu_barrier();
}
