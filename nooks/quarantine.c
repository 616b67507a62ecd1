// SPDX-License-Identifier: GPL-2.0
/*
 * nooks/quarantine.c - memory an isolated driver frees is held back for a
 * while, so that a bad free is a contained fault and not a corrupted slab.
 *
 * When the driver frees an object it owns (the tracker has it) and the
 * object's type allows it (struct nooks_obj_type.hold), the free wrapper
 * does not hand it to the allocator: the object waits in the domain's
 * quarantine, a ring of NOOKS_QUARANTINE_SLOTS. It is freed when newer
 * objects push it out, when the driver is restarted (once its device is
 * reset: the device may still write to a receive buffer the driver freed
 * too early) and when the domain stops being isolated. Until then nobody
 * else can be given its memory, so that:
 *
 *  - a second free of it is, for certain, a bug of this driver: the
 *    wrapper fails the driver (fault kind "free") and the allocator
 *    never sees the second free (nooks_track_free());
 *  - a socket buffer the driver hands to the stack after freeing it is
 *    caught the same way before the stack touches it
 *    (nooks_track_passed());
 *  - what the driver still writes through a stale pointer lands in memory
 *    that belongs to nobody else.
 *
 * The ring bounds the memory held, not the time: an object pushed out is
 * freed, and a use of it after that is not caught. Types without @hold
 * (vmalloc areas, pages, buffers the kernel gave the driver to transmit)
 * are freed at once, and so is any object the tracker does not know:
 * only what is known to be the driver's is judged.
 */
#define pr_fmt(fmt) "nooks: " fmt

#include <linux/hash.h>
#include <linux/seq_file.h>

#include "domain.h"
#include "frame.h"
#include "track.h"

static unsigned int nooks_quarantine_hash(const struct nooks_obj_type *type,
					  unsigned long key)
{
	return hash_long(key ^ type->id, ilog2(NOOKS_QUARANTINE_SLOTS));
}

/* The slot holding (@type, @key), or -1. Caller holds the track lock. */
static int nooks_quarantine_find(struct nooks_quarantine *q,
				 const struct nooks_obj_type *type,
				 unsigned long key)
{
	unsigned int i;

	if (!q->bucket[nooks_quarantine_hash(type, key)])
		return -1;
	for (i = 0; i < NOOKS_QUARANTINE_SLOTS; i++)
		if (q->slot[i].type == type && q->slot[i].key == key)
			return i;
	return -1;
}

/* Empty slot @i into @out. Caller holds the track lock. */
static void nooks_quarantine_take(struct nooks_quarantine *q, unsigned int i,
				  struct nooks_obj *out)
{
	*out = q->slot[i];
	q->bucket[nooks_quarantine_hash(out->type, out->key)]--;
	q->slot[i].type = NULL;
	q->held--;
}

/* Was (@type, @key) handed to the kernel lately? Caller holds the lock. */
static bool nooks_passed_find(struct nooks_quarantine *q,
			      const struct nooks_obj_type *type,
			      unsigned long key)
{
	unsigned int i;

	for (i = 0; i < NOOKS_PASSED_SLOTS; i++)
		if (q->passed[i] == key && q->passed_type[i] == type)
			return true;
	return false;
}

static bool nooks_passed_has(struct nooks_domain *dom,
			     const struct nooks_obj_type *type,
			     unsigned long key)
{
	unsigned long flags;
	bool found;

	/*
	 * A driver isolated while it runs frees what the kernel handed it
	 * before its ops were wrapped: untracked, it may sit where an
	 * object it handed over was (freed by the kernel since).
	 */
	if (READ_ONCE(dom->adopting))
		return false;
	spin_lock_irqsave(&dom->track.lock, flags);
	found = nooks_passed_find(&dom->track.quarantine, type, key);
	spin_unlock_irqrestore(&dom->track.lock, flags);
	return found;
}

static bool nooks_quarantine_has(struct nooks_domain *dom,
				 const struct nooks_obj_type *type,
				 unsigned long key)
{
	unsigned long flags;
	int i;

	spin_lock_irqsave(&dom->track.lock, flags);
	i = nooks_quarantine_find(&dom->track.quarantine, type, key);
	spin_unlock_irqrestore(&dom->track.lock, flags);
	return i >= 0;
}

/* Hold @obj; free the object it pushes out, if any. Any context. */
static void nooks_quarantine_put(struct nooks_domain *dom,
				 const struct nooks_obj *obj)
{
	struct nooks_quarantine *q = &dom->track.quarantine;
	struct nooks_obj old = { .type = NULL };
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&dom->track.lock, flags);
	i = q->next;
	q->next = (i + 1) % NOOKS_QUARANTINE_SLOTS;
	if (q->slot[i].type)
		nooks_quarantine_take(q, i, &old);
	q->slot[i] = *obj;
	q->bucket[nooks_quarantine_hash(obj->type, obj->key)]++;
	q->held++;
	spin_unlock_irqrestore(&dom->track.lock, flags);
	if (old.type)
		old.type->free_any(&old);
}

/* The domain of a free whose caller is unknown (a tail call, a deferred
 * free): the one that tracks or holds the object.
 */
static struct nooks_domain *nooks_free_owner(const struct nooks_obj_type *type,
					     unsigned long key)
{
	struct nooks_domain *dom, *found = NULL;
	struct nooks_obj obj;

	rcu_read_lock();
	list_for_each_entry_rcu(dom, &nooks_domains, node) {
		if (nooks_quarantine_has(dom, type, key) ||
		    nooks_track_get(dom, type, key, &obj) ||
		    (type->hold &&
		     READ_ONCE(dom->state) == NOOKS_STATE_RUNNING &&
		     nooks_passed_has(dom, type, key))) {
			found = dom;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

/*
 * The driver of @dom used an object it had freed: abort its call, or,
 * outside a protected call, fail the domain.
 */
static void nooks_quarantine_fault(struct nooks_domain *dom,
				   const struct nooks_obj_type *type,
				   unsigned long key, unsigned long ip,
				   const char *what)
{
	pr_err("%s: %s (%s %p) at %pS\n", dom->name, what, type->name,
	       (void *)key, (void *)ip);
	nooks_fault_abort(NOOKS_FAULT_FREE, ip);
	nooks_domain_found(dom, NOOKS_FAULT_FREE, ip, what);
}

/**
 * nooks_track_free() - the driver frees an object: judge the free
 * @dom: the caller's domain; NULL when unknown (the object's domain, if
 *	any, is looked up)
 * @type: what kind of object
 * @key: its identity (address)
 * @ip: the driver's call site, for the report
 *
 * The object leaves the tracker. A second free of an object the
 * quarantine still holds, or a free of one the driver handed to the kernel
 * lately and did not get back, aborts the driver's call (it does not
 * return then) or fails the domain.
 *
 * Context: any.
 * Return: enum nooks_free_verdict: free the object only on NOOKS_FREE_NOW.
 */
int nooks_track_free(struct nooks_domain *dom,
		     const struct nooks_obj_type *type, unsigned long key,
		     unsigned long ip)
{
	struct nooks_obj obj;

	if (!dom)
		dom = nooks_free_owner(type, key);
	if (!dom)
		return NOOKS_FREE_NOW;
	if (type->hold && nooks_quarantine_has(dom, type, key)) {
		nooks_quarantine_fault(dom, type, key, ip, "double free");
		return NOOKS_FREE_BAD;
	}
	if (!nooks_track_del(dom, type, key, &obj)) {
		if (type->hold && nooks_passed_has(dom, type, key)) {
			nooks_quarantine_fault(dom, type, key, ip,
					       "free of memory handed over");
			return NOOKS_FREE_BAD;
		}
		return NOOKS_FREE_NOW;
	}
	if (!type->hold || !type->hold(&obj))
		return NOOKS_FREE_NOW;
	nooks_quarantine_put(dom, &obj);
	return NOOKS_FREE_HELD;
}
EXPORT_SYMBOL_GPL(nooks_track_free);

/**
 * nooks_track_passed() - the driver hands an object to the kernel
 * @dom: the caller's domain, or NULL (nothing is checked then)
 * @type: what kind of object
 * @key: its identity
 * @ip: the driver's call site, for the report
 *
 * The object leaves the tracker: the kernel owns it now (and the domain
 * remembers it, for nooks_track_free()). One the driver freed already (the quarantine holds it) aborts the driver's call or
 * fails the domain, and must not be handed on.
 *
 * Context: any.
 * Return: false if the object was freed already.
 */
bool nooks_track_passed(struct nooks_domain *dom,
			const struct nooks_obj_type *type, unsigned long key,
			unsigned long ip)
{
	if (!dom)
		return true;
	if (type->hold && nooks_quarantine_has(dom, type, key)) {
		nooks_quarantine_fault(dom, type, key, ip,
				       "hand-over of freed memory");
		return false;
	}
	if (nooks_track_del(dom, type, key, NULL) && type->hold) {
		struct nooks_quarantine *q = &dom->track.quarantine;
		unsigned long flags;

		spin_lock_irqsave(&dom->track.lock, flags);
		q->passed[q->passed_next] = key;
		q->passed_type[q->passed_next] = type;
		q->passed_next = (q->passed_next + 1) % NOOKS_PASSED_SLOTS;
		spin_unlock_irqrestore(&dom->track.lock, flags);
	}
	return true;
}
EXPORT_SYMBOL_GPL(nooks_track_passed);

/**
 * nooks_quarantine_flush() - free every object the quarantine holds
 * @dom: the domain; its device cannot reach the objects any more (reset,
 *	or the driver stopped being isolated and freed them itself)
 *
 * The record of objects handed to the kernel is cleared too: a restarted
 * or native driver starts with none.
 *
 * Context: process context.
 */
void nooks_quarantine_flush(struct nooks_domain *dom)
{
	struct nooks_quarantine *q = &dom->track.quarantine;
	struct nooks_obj obj;
	unsigned long flags;
	unsigned int i;

	for (i = 0; i < NOOKS_QUARANTINE_SLOTS; i++) {
		obj.type = NULL;
		spin_lock_irqsave(&dom->track.lock, flags);
		if (q->slot[i].type)
			nooks_quarantine_take(q, i, &obj);
		spin_unlock_irqrestore(&dom->track.lock, flags);
		if (obj.type)
			obj.type->free_any(&obj);
	}
	/* the memory handed over is the kernel's, whoever frees it now */
	spin_lock_irqsave(&dom->track.lock, flags);
	memset(q->passed, 0, sizeof(q->passed));
	memset(q->passed_type, 0, sizeof(q->passed_type));
	q->passed_next = 0;
	spin_unlock_irqrestore(&dom->track.lock, flags);
}

/**
 * nooks_quarantine_show() - the "quarantine" line of debugfs "objects"
 * @dom: the domain
 * @m: the seq_file
 */
void nooks_quarantine_show(struct nooks_domain *dom, struct seq_file *m)
{
	seq_printf(m, "quarantine %u\n", READ_ONCE(dom->track.quarantine.held));
}
