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

#include "entry.h"
#include "nooks_sound.h"
#include "wrap.h"

/**
 * struct nooks_snd_ctl_ops - the callbacks of one control
 * @info: describe the control
 * @get: read its value
 * @put: write its value
 * @tlv: read or write its TLV data (dB ranges), when a callback
 */
struct nooks_snd_ctl_ops {
	snd_kcontrol_info_t *info;
	snd_kcontrol_get_t *get;
	snd_kcontrol_put_t *put;
	snd_kcontrol_tlv_rw_t *tlv;
};

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
	NOOKS_ENTRY_OP(nooks_snd_ctl_##op, nooks_snd_ctl_of(k), orig,	\
		       standin, op, rtype, proto, args)
NOOKS_SND_CTL_OPS(NOOKS_SND_CTL_WRAPPER)

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

static const struct nooks_snd_ctl_ops nooks_snd_ctl_isolate = {
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
static bool nooks_snd_ctl_wrap(struct nooks_domain *dom,
			       struct snd_kcontrol *kctl)
{
	struct nooks_snd_ctl *c = kzalloc(sizeof(*c), GFP_KERNEL);

	if (!c)
		return false;
	c->kctl = kctl;
	c->dom = dom;
	c->orig = &c->ops;
	c->standin = &nooks_snd_ctl_isolate;
	c->ops.info = kctl->info;
	c->ops.get = kctl->get;
	c->ops.put = kctl->put;
	if (kctl->vd[0].access & SNDRV_CTL_ELEM_ACCESS_TLV_CALLBACK)
		c->ops.tlv = kctl->tlv.c;
	c->private_free = kctl->private_free;

	spin_lock(&nooks_snd_ctls_lock);
	hash_add_rcu(nooks_snd_ctls, &c->node, (unsigned long)kctl);
	spin_unlock(&nooks_snd_ctls_lock);
	NOOKS_ENTRY_WRAP(kctl, info, nooks_snd_ctl_info);
	NOOKS_ENTRY_WRAP(kctl, get, nooks_snd_ctl_get);
	NOOKS_ENTRY_WRAP(kctl, put, nooks_snd_ctl_put);
	if (c->ops.tlv)
		kctl->tlv.c = nooks_snd_ctl_tlv;
	kctl->private_free = nooks_snd_ctl_free;
	return true;
}

static int nooks_snd_ctl_add(struct snd_card *card, struct snd_kcontrol *kctl)
{
	struct nooks_domain *dom = nooks_caller_domain();

	if (dom && kctl && !nooks_snd_ctl_wrap(dom, kctl)) {
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
 * nooks_snd_ctl_check() - does the isolate stand-in answer every op?
 *
 * Return: 0, or -EINVAL (the module refuses to load).
 */
int nooks_snd_ctl_check(void)
{
	unsigned int missing = 0;

#define NOOKS_SND_CTL_CHECK(op, rtype, proto, args)			\
	NOOKS_ENTRY_CHECK(&nooks_snd_ctl_isolate, op, "isolate", missing);
	NOOKS_SND_CTL_OPS(NOOKS_SND_CTL_CHECK)
#undef NOOKS_SND_CTL_CHECK
	return missing ? -EINVAL : 0;
}

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

	spin_lock(&nooks_snd_ctls_lock);
	hash_for_each_safe(nooks_snd_ctls, bkt, tmp, c, node) {
		pr_warn("control %s still wrapped at unload\n", c->kctl->id.name);
		c->kctl->info = c->ops.info;
		c->kctl->get = c->ops.get;
		c->kctl->put = c->ops.put;
		if (c->ops.tlv)
			c->kctl->tlv.c = c->ops.tlv;
		c->kctl->private_free = c->private_free;
		hash_del_rcu(&c->node);
		kfree_rcu(c, rcu);
	}
	spin_unlock(&nooks_snd_ctls_lock);
	rcu_barrier();
}
