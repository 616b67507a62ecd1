// SPDX-License-Identifier: GPL-2.0
/*
 * nooks/cb.c - the callback registry.
 *
 * Timers, work items, tasklets and NAPI instances carry one function
 * pointer that the kernel calls with the object itself as argument. When
 * the isolated driver sets one up, the wrapper stores the driver's function
 * here, keyed by the object, and gives the kernel a nooks entry function
 * instead; the entry function looks the driver's function up (RCU, any
 * context) and calls it as a protected call.
 */
#include <linux/hash.h>
#include <linux/hashtable.h>
#include <linux/rculist.h>
#include <linux/slab.h>

#include "domain.h"
#include "wrap.h"

struct nooks_cb {
	struct hlist_node node;
	const void *key;
	struct nooks_domain *dom;
	void *fn;
	void (*restore)(const void *key, void *fn);
	struct rcu_head rcu;
};

static DEFINE_HASHTABLE(nooks_cb_table, 10);
static DEFINE_SPINLOCK(nooks_cb_lock);

/* Caller holds nooks_cb_lock. */
static struct nooks_cb *nooks_cb_find(const void *key)
{
	struct nooks_cb *cb;

	hash_for_each_possible(nooks_cb_table, cb, node, hash_ptr(key, 32))
		if (cb->key == key)
			return cb;
	return NULL;
}

/**
 * nooks_cb_set() - remember the driver's function for a kernel object
 * @dom: the driver's domain
 * @key: the timer, work item, tasklet or NAPI instance
 * @fn: the driver's function
 * @restore: puts @fn back in @key in place of the entry function, for a
 *	driver let go where it runs (nooks_cb_let_go()); NULL if the object
 *	never outlives the driver's isolation
 *
 * Return: 0 or -ENOMEM.
 */
int nooks_cb_set(struct nooks_domain *dom, const void *key, void *fn,
		 void (*restore)(const void *key, void *fn))
{
	struct nooks_cb *cb, *old;
	unsigned long flags;

	cb = kmalloc(sizeof(*cb), GFP_ATOMIC);
	if (!cb)
		return -ENOMEM;
	cb->key = key;
	cb->dom = dom;
	cb->fn = fn;
	cb->restore = restore;
	spin_lock_irqsave(&nooks_cb_lock, flags);
	old = nooks_cb_find(key);
	if (old)
		hash_del_rcu(&old->node);
	hash_add_rcu(nooks_cb_table, &cb->node, hash_ptr(key, 32));
	spin_unlock_irqrestore(&nooks_cb_lock, flags);
	if (old)
		kfree_rcu(old, rcu);
	return 0;
}
EXPORT_SYMBOL_GPL(nooks_cb_set);

/**
 * nooks_cb_get() - the driver's function for a kernel object
 * @key: the object
 * @dom: receives the driver's domain
 *
 * Return: the function, or NULL when the object is unknown.
 */
void *nooks_cb_get(const void *key, struct nooks_domain **dom)
{
	struct nooks_cb *cb;
	void *fn = NULL;

	rcu_read_lock();
	hash_for_each_possible_rcu(nooks_cb_table, cb, node, hash_ptr(key, 32)) {
		if (cb->key == key) {
			*dom = cb->dom;
			fn = cb->fn;
			break;
		}
	}
	rcu_read_unlock();
	return fn;
}
EXPORT_SYMBOL_GPL(nooks_cb_get);

void nooks_cb_del(const void *key)
{
	struct nooks_cb *cb;
	unsigned long flags;

	spin_lock_irqsave(&nooks_cb_lock, flags);
	cb = nooks_cb_find(key);
	if (cb)
		hash_del_rcu(&cb->node);
	spin_unlock_irqrestore(&nooks_cb_lock, flags);
	if (cb)
		kfree_rcu(cb, rcu);
}
EXPORT_SYMBOL_GPL(nooks_cb_del);

/* Forget every record of @dom; with @restore, put each function back. */
static void nooks_cb_drop_domain(struct nooks_domain *dom, bool restore)
{
	struct hlist_node *tmp;
	struct nooks_cb *cb;
	unsigned long flags;
	int bkt;

	spin_lock_irqsave(&nooks_cb_lock, flags);
	hash_for_each_safe(nooks_cb_table, bkt, tmp, cb, node) {
		if (cb->dom != dom)
			continue;
		if (restore && cb->restore)
			cb->restore(cb->key, cb->fn);
		hash_del_rcu(&cb->node);
		kfree_rcu(cb, rcu);
	}
	spin_unlock_irqrestore(&nooks_cb_lock, flags);
}

/* Forget every function of @dom (its driver is gone or restarted). */
void nooks_cb_del_domain(struct nooks_domain *dom)
{
	nooks_cb_drop_domain(dom, false);
}

/**
 * nooks_cb_let_go() - give a domain's objects their driver's functions back
 * @dom: the domain, let go where it runs (nothing of it runs now)
 *
 * Each object with a restore op gets the driver's function in place of
 * nooks's entry function, and every record of @dom is forgotten.
 */
void nooks_cb_let_go(struct nooks_domain *dom)
{
	nooks_cb_drop_domain(dom, true);
}
