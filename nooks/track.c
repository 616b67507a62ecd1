// SPDX-License-Identifier: GPL-2.0
/*
 * nooks/track.c - the object tracker.
 *
 * Wrappers of the kernel functions an isolated driver imports record what
 * the driver acquires (nooks_track_add) and forgets what it gives back
 * (nooks_track_del). After a failure, nooks_track_release_all() frees what
 * is left without calling the driver, type by type in release order (struct
 * nooks_obj_type: stage, then registration), each type with the release
 * function of the wrapper that made it. nooks.ko registers the types every
 * driver has; an interface module (classes/<class>/) registers its own.
 */
#define pr_fmt(fmt) "nooks: " fmt

#include <linux/sched/clock.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "domain.h"
#include "nooks_trace.h"
#include "track.h"
#include "wrap.h"

static struct kmem_cache *nooks_obj_cache;

#define NOOKS_CORE_TYPE(var, str, stg, isdma)				\
	struct nooks_obj_type nooks_obj_##var = {			\
		.name = str, .stage = NOOKS_STAGE_##stg, .dma = isdma,	\
		.release = nooks_##var##_release,			\
	}

/* Device-managed: freed by the driver core at unbind (wrap_devres.c). */
#define NOOKS_DEVRES_TYPE(var, str, stg)				\
	struct nooks_obj_type nooks_obj_##var = {			\
		.name = str, .stage = NOOKS_STAGE_##stg, .devres = true,	\
		.release = nooks_##var##_release,			\
	}

/* The resources of every driver, whatever its class (nooks/wrap_*.c). */
NOOKS_CORE_TYPE(irq, "irq", ENTRY, false);
NOOKS_CORE_TYPE(irq_adopted, "irq_adopted", ENTRY, false);
NOOKS_CORE_TYPE(irq_vectors, "irq_vectors", ENTRY, false);
NOOKS_CORE_TYPE(timer, "timer", ENTRY, false);
NOOKS_CORE_TYPE(work, "work", ENTRY, false);
NOOKS_CORE_TYPE(tasklet, "tasklet", ENTRY, false);
NOOKS_CORE_TYPE(dma_map, "dma_map", HW, true);
NOOKS_CORE_TYPE(dma_coherent, "dma_coherent", HW, true);
NOOKS_CORE_TYPE(iomap, "iomap", HW, false);
NOOKS_CORE_TYPE(pci_regions, "pci_regions", HW, false);
NOOKS_CORE_TYPE(region, "io_region", HW, false);
NOOKS_CORE_TYPE(pci_enable, "pci_enable", HW, false);
NOOKS_CORE_TYPE(vmalloc, "vmalloc", MEM, false);
NOOKS_CORE_TYPE(pages, "pages", MEM, false);
/* freed by the driver: may wait in the quarantine (quarantine.c) */
struct nooks_obj_type nooks_obj_kmalloc = {
	.name = "kmalloc", .stage = NOOKS_STAGE_MEM,
	.release = nooks_kmalloc_release,
	.hold = nooks_kmalloc_hold, .free_any = nooks_kmalloc_free_any,
};
NOOKS_DEVRES_TYPE(devm_irq, "devm_irq", ENTRY);
NOOKS_DEVRES_TYPE(pcim_enable, "pcim_enable", HW);
NOOKS_DEVRES_TYPE(pcim_iomap, "pcim_iomap", HW);
NOOKS_DEVRES_TYPE(devm_kmalloc, "devm_kmalloc", MEM);

static struct nooks_obj_type * const nooks_core_types[] = {
	&nooks_obj_irq, &nooks_obj_irq_vectors, &nooks_obj_timer,
	&nooks_obj_work, &nooks_obj_tasklet, &nooks_obj_dma_map,
	&nooks_obj_dma_coherent, &nooks_obj_iomap, &nooks_obj_pci_regions,
	&nooks_obj_region, &nooks_obj_pci_enable, &nooks_obj_vmalloc,
	&nooks_obj_pages, &nooks_obj_kmalloc, &nooks_obj_devm_irq,
	&nooks_obj_pcim_enable, &nooks_obj_pcim_iomap, &nooks_obj_devm_kmalloc,
	&nooks_obj_irq_adopted,
};

/*
 * The registered types in release order (stage, then registration), and
 * which ids are taken. Registration and every walk of the order take
 * nooks_types_lock; a type is unregistered only once no domain holds an
 * object of it (its interface module made every domain native first).
 */
static DEFINE_MUTEX(nooks_types_lock);
static const struct nooks_obj_type *nooks_types[NOOKS_OBJ_TYPES_MAX];
static unsigned int nooks_nr_types;
static DECLARE_BITMAP(nooks_type_ids, NOOKS_OBJ_TYPES_MAX);
static unsigned int nooks_type_seq;

static bool nooks_type_before(const struct nooks_obj_type *a,
			      const struct nooks_obj_type *b)
{
	return a->stage < b->stage || (a->stage == b->stage && a->seq < b->seq);
}

/* Insert @type into nooks_types in release order; caller holds the lock. */
static void nooks_types_insert(struct nooks_obj_type *type)
{
	unsigned int i = nooks_nr_types;

	lockdep_assert_held(&nooks_types_lock);
	while (i && nooks_type_before(type, nooks_types[i - 1])) {
		nooks_types[i] = nooks_types[i - 1];
		i--;
	}
	nooks_types[i] = type;
	nooks_nr_types++;
}

static void nooks_types_remove(const struct nooks_obj_type *type)
{
	unsigned int i, j = 0;

	lockdep_assert_held(&nooks_types_lock);
	for (i = 0; i < nooks_nr_types; i++)
		if (nooks_types[i] != type)
			nooks_types[j++] = nooks_types[i];
	nooks_nr_types = j;
	clear_bit(type->id, nooks_type_ids);
}

/**
 * nooks_obj_types_register() - let the tracker hold objects of new types
 * @types: the types (an interface module's own), each with name, stage
 *	and release set
 * @n: how many
 *
 * Context: process context.
 * Return: 0, -EINVAL for a type without a name, without a release
 * function (but a device-managed one) or with a bad stage, -ENOSPC when
 * more than NOOKS_OBJ_TYPES_MAX types would
 * be registered. On error nothing is registered.
 */
int nooks_obj_types_register(struct nooks_obj_type * const *types,
			     unsigned int n)
{
	unsigned int i, id;

	for (i = 0; i < n; i++)
		if (!types[i]->name ||
		    (!types[i]->release && !types[i]->devres) ||
		    types[i]->stage >= NOOKS_STAGE_NR)
			return -EINVAL;
	mutex_lock(&nooks_types_lock);
	if (nooks_nr_types + n > NOOKS_OBJ_TYPES_MAX) {
		mutex_unlock(&nooks_types_lock);
		return -ENOSPC;
	}
	for (i = 0; i < n; i++) {
		id = find_first_zero_bit(nooks_type_ids, NOOKS_OBJ_TYPES_MAX);
		set_bit(id, nooks_type_ids);
		types[i]->id = id;
		types[i]->seq = nooks_type_seq++;
		nooks_types_insert(types[i]);
	}
	mutex_unlock(&nooks_types_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(nooks_obj_types_register);

/**
 * nooks_obj_types_unregister() - the tracker holds no more objects of these
 * @types: what nooks_obj_types_register() was given
 * @n: how many
 *
 * Context: process context; no domain may hold an object of @types.
 */
void nooks_obj_types_unregister(struct nooks_obj_type * const *types,
				unsigned int n)
{
	unsigned int i;

	mutex_lock(&nooks_types_lock);
	for (i = 0; i < n; i++)
		nooks_types_remove(types[i]);
	mutex_unlock(&nooks_types_lock);
}
EXPORT_SYMBOL_GPL(nooks_obj_types_unregister);

/* hash_add() and hash_for_each_possible() hash this key themselves */
static unsigned long nooks_obj_hkey(const struct nooks_obj_type *type,
				    unsigned long key)
{
	return key ^ type->id;
}

void nooks_track_init(struct nooks_track *t)
{
	spin_lock_init(&t->lock);
	hash_init(t->table);
	memset(t->count, 0, sizeof(t->count));
	t->total = 0;
	t->lost = 0;
	memset(&t->quarantine, 0, sizeof(t->quarantine));
}

/* Caller holds t->lock. */
static struct nooks_obj *nooks_track_find(struct nooks_track *t,
					  const struct nooks_obj_type *type,
					  unsigned long key)
{
	struct nooks_obj *o;

	hash_for_each_possible(t->table, o, hnode, nooks_obj_hkey(type, key))
		if (o->type == type && o->key == key)
			return o;
	return NULL;
}

/**
 * nooks_track_add() - record a resource the driver acquired
 * @dom: the driver's domain
 * @type: what kind of resource
 * @key: identity of the resource
 * @a0: release argument
 * @a1: release argument
 * @a2: release argument
 *
 * Any context. Adding a resource that is already tracked updates its
 * release arguments. A failed allocation is counted in @lost (shown in debugfs)
 * and means that the resource will not be released after a failure.
 *
 * Return: 0 or -ENOMEM.
 */
int nooks_track_add(struct nooks_domain *dom,
		    const struct nooks_obj_type *type, unsigned long key,
		    unsigned long a0, unsigned long a1, unsigned long a2)
{
	struct nooks_track *t = &dom->track;
	struct nooks_obj *o, *old;
	unsigned long flags;

	o = kmem_cache_alloc(nooks_obj_cache, GFP_ATOMIC | __GFP_NOWARN);
	spin_lock_irqsave(&t->lock, flags);
	old = nooks_track_find(t, type, key);
	if (old) {
		/* already tracked (a timer armed again): update */
		old->a[0] = a0;
		old->a[1] = a1;
		old->a[2] = a2;
		spin_unlock_irqrestore(&t->lock, flags);
		if (o)
			kmem_cache_free(nooks_obj_cache, o);
		return 0;
	}
	if (!o) {
		t->lost++;
		spin_unlock_irqrestore(&t->lock, flags);
		return -ENOMEM;
	}
	o->type = type;
	o->key = key;
	o->a[0] = a0;
	o->a[1] = a1;
	o->a[2] = a2;
	hash_add(t->table, &o->hnode, nooks_obj_hkey(type, key));
	t->count[type->id]++;
	t->total++;
	spin_unlock_irqrestore(&t->lock, flags);
	return 0;
}
EXPORT_SYMBOL_GPL(nooks_track_add);

/**
 * nooks_track_del() - forget a resource the driver gave back
 * @dom: the driver's domain
 * @type: what kind of resource
 * @key: identity of the resource
 * @out: if not NULL, receives a copy of the record
 *
 * Return: true if the resource was tracked.
 */
bool nooks_track_del(struct nooks_domain *dom,
		     const struct nooks_obj_type *type, unsigned long key,
		     struct nooks_obj *out)
{
	struct nooks_track *t = &dom->track;
	struct nooks_obj *o;
	unsigned long flags;

	spin_lock_irqsave(&t->lock, flags);
	o = nooks_track_find(t, type, key);
	if (o) {
		hash_del(&o->hnode);
		t->count[type->id]--;
		t->total--;
	}
	spin_unlock_irqrestore(&t->lock, flags);
	if (!o)
		return false;
	if (out)
		*out = *o;
	kmem_cache_free(nooks_obj_cache, o);
	return true;
}
EXPORT_SYMBOL_GPL(nooks_track_del);

/**
 * nooks_track_del_any() - forget a freed object, whichever domain holds it
 * @type: what kind of resource
 * @key: identity of the resource
 *
 * For the free wrappers when the caller's domain is unknown: a domain's
 * code that frees with a tail call (``jmp kfree``, as snd_hda_core's
 * kobject release does) reaches the wrapper with its own caller's return
 * address, which is kernel code. The object is gone all the same and must
 * leave the tracker, or a restart frees it a second time. Any context.
 *
 * Return: true if a domain tracked it.
 */
bool nooks_track_del_any(const struct nooks_obj_type *type, unsigned long key)
{
	struct nooks_domain *dom;
	bool found = false;

	rcu_read_lock();
	list_for_each_entry_rcu(dom, &nooks_domains, node) {
		if (nooks_track_del(dom, type, key, NULL)) {
			found = true;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

/**
 * nooks_track_get() - look a tracked resource up
 * @dom: the driver's domain
 * @type: what kind of resource
 * @key: identity of the resource
 * @out: receives a copy of the record
 *
 * Return: true if the resource is tracked.
 */
bool nooks_track_get(struct nooks_domain *dom,
		     const struct nooks_obj_type *type, unsigned long key,
		     struct nooks_obj *out)
{
	struct nooks_track *t = &dom->track;
	struct nooks_obj *o;
	unsigned long flags;

	spin_lock_irqsave(&t->lock, flags);
	o = nooks_track_find(t, type, key);
	if (o)
		*out = *o;
	spin_unlock_irqrestore(&t->lock, flags);
	return o;
}
EXPORT_SYMBOL_GPL(nooks_track_get);

/**
 * nooks_track_set() - update one release argument of a tracked resource
 * @dom: the driver's domain
 * @type: what kind of resource
 * @key: identity of the resource
 * @idx: index into nooks_obj.a
 * @val: new value
 *
 * Return: true if the resource is tracked.
 */
bool nooks_track_set(struct nooks_domain *dom,
		     const struct nooks_obj_type *type, unsigned long key,
		     int idx, unsigned long val)
{
	struct nooks_track *t = &dom->track;
	struct nooks_obj *o;
	unsigned long flags;

	spin_lock_irqsave(&t->lock, flags);
	o = nooks_track_find(t, type, key);
	if (o)
		o->a[idx] = val;
	spin_unlock_irqrestore(&t->lock, flags);
	return o;
}
EXPORT_SYMBOL_GPL(nooks_track_set);

/**
 * nooks_track_any() - is any tracked resource of a type in some state?
 * @dom: the driver's domain
 * @type: what kind of resource
 * @match: called on each record of @type, under the tracker's lock with
 *	interrupts off: must not sleep nor call the tracker
 * @arg: passed to @match
 *
 * For a class's progress checks (e.g. a transmit buffer the driver has
 * held too long). Walks the whole table: for checks that run a few times
 * a second, not for fast paths.
 *
 * Return: true as soon as @match returns true for a record.
 */
bool nooks_track_any(struct nooks_domain *dom,
		     const struct nooks_obj_type *type,
		     bool (*match)(const struct nooks_obj *obj, void *arg),
		     void *arg)
{
	struct nooks_track *t = &dom->track;
	struct nooks_obj *o;
	unsigned long flags;
	bool found = false;
	int bkt;

	spin_lock_irqsave(&t->lock, flags);
	if (t->count[type->id]) {
		hash_for_each(t->table, bkt, o, hnode) {
			if (o->type == type && match(o, arg)) {
				found = true;
				break;
			}
		}
	}
	spin_unlock_irqrestore(&t->lock, flags);
	return found;
}
EXPORT_SYMBOL_GPL(nooks_track_any);

/* Unhash any one object of @type, or return NULL. */
static struct nooks_obj *nooks_track_pop(struct nooks_track *t,
					 const struct nooks_obj_type *type)
{
	struct nooks_obj *o;
	unsigned long flags;
	int bkt;

	spin_lock_irqsave(&t->lock, flags);
	hash_for_each(t->table, bkt, o, hnode) {
		if (o->type != type)
			continue;
		hash_del(&o->hnode);
		t->count[type->id]--;
		t->total--;
		spin_unlock_irqrestore(&t->lock, flags);
		return o;
	}
	spin_unlock_irqrestore(&t->lock, flags);
	return NULL;
}

/**
 * nooks_track_release() - free what a failed driver still holds
 * @dom: the failed domain; nothing may enter the driver any more
 * @first: first enum nooks_stage to release
 * @last: last enum nooks_stage to release
 * @keep: if not NULL, objects for which it returns true are kept (tracked
 *	and alive) for the restarted driver; it also sees the device-managed
 *	objects, which stay tracked whatever it answers (it may take one off
 *	its device to keep it through the unbind)
 *
 * Process context. Releases by type, stage by stage (enum nooks_stage),
 * with the kernel's own functions and never the driver's. Device-managed
 * objects stay: the unbind frees them.
 *
 * A restart releases memory only after the unbind (nooks/restart.c): the
 * unbind may free driver memory itself, through the destructors of
 * device-managed class objects (a sound card frees its codec and what the
 * codec library allocated); those frees go through the wrapped kfree and
 * leave the tracker, and what is still tracked afterwards is the failed
 * driver's to lose.
 */
void nooks_track_release(struct nooks_domain *dom, unsigned int first,
			 unsigned int last,
			 bool (*keep)(struct nooks_domain *dom,
				      const struct nooks_obj *obj))
{
	struct nooks_track *t = &dom->track;
	struct nooks_obj *o;
	const struct nooks_obj_type *type;
	HLIST_HEAD(kept);
	unsigned long flags;
	unsigned int i, n;
	u64 t0;

	mutex_lock(&nooks_types_lock);
	for (i = 0; i < nooks_nr_types; i++) {
		type = nooks_types[i];
		if (type->stage < first || type->stage > last)
			continue;
		if (type->devres) {
			/*
			 * The unbind frees it, unless @keep takes it out of
			 * devres to keep it: either way it stays tracked.
			 */
			while (keep && (o = nooks_track_pop(t, type))) {
				keep(dom, o);
				hlist_add_head(&o->hnode, &kept);
			}
			continue;
		}
		t0 = local_clock();
		n = 0;
		while ((o = nooks_track_pop(t, type))) {
			if (keep && keep(dom, o)) {
				hlist_add_head(&o->hnode, &kept);
				continue;
			}
			type->release(dom, o);
			kmem_cache_free(nooks_obj_cache, o);
			n++;
		}
		if (n)
			trace_nooks_release(dom->name, type->name, n,
					    local_clock() - t0);
	}
	mutex_unlock(&nooks_types_lock);
	spin_lock_irqsave(&t->lock, flags);
	while (!hlist_empty(&kept)) {
		o = hlist_entry(kept.first, struct nooks_obj, hnode);
		hlist_del(&o->hnode);
		hash_add(t->table, &o->hnode, nooks_obj_hkey(o->type, o->key));
		t->count[o->type->id]++;
		t->total++;
	}
	t->lost = 0;
	spin_unlock_irqrestore(&t->lock, flags);
}

/**
 * nooks_track_release_all() - free everything a failed driver still holds
 * @dom: the failed domain
 * @keep: as for nooks_track_release()
 *
 * nooks_track_release() of every stage.
 */
void nooks_track_release_all(struct nooks_domain *dom,
			     bool (*keep)(struct nooks_domain *dom,
					  const struct nooks_obj *obj))
{
	nooks_track_release(dom, NOOKS_STAGE_ENTRY, NOOKS_STAGE_NR - 1, keep);
}

/**
 * nooks_track_take_dma() - take the failed driver's DMA buffers out
 * @dom: the failed domain
 * @list: receives them, to release with nooks_track_release_list()
 *
 * A device may still DMA into its old rings after its driver was released:
 * bus mastering is off, but the restarted driver turns it on in its probe
 * before it resets the hardware, and the hardware still holds the old
 * ring addresses. So the old buffers are freed only after the re-probe.
 */
void nooks_track_take_dma(struct nooks_domain *dom, struct hlist_head *list)
{
	struct nooks_obj *o;
	unsigned int i;

	mutex_lock(&nooks_types_lock);
	for (i = 0; i < nooks_nr_types; i++) {
		if (!nooks_types[i]->dma)
			continue;
		while ((o = nooks_track_pop(&dom->track, nooks_types[i])))
			hlist_add_head(&o->hnode, list);
	}
	mutex_unlock(&nooks_types_lock);
}

/**
 * nooks_track_release_list() - release objects taken out of the tracker
 * @dom: their domain
 * @list: from nooks_track_take_dma(); empty afterwards
 *
 * Process context; in release order.
 */
void nooks_track_release_list(struct nooks_domain *dom,
			      struct hlist_head *list)
{
	struct hlist_node *tmp;
	struct nooks_obj *o;
	unsigned int i;

	mutex_lock(&nooks_types_lock);
	for (i = 0; i < nooks_nr_types; i++) {
		hlist_for_each_entry_safe(o, tmp, list, hnode) {
			if (o->type != nooks_types[i])
				continue;
			hlist_del(&o->hnode);
			o->type->release(dom, o);
			kmem_cache_free(nooks_obj_cache, o);
		}
	}
	mutex_unlock(&nooks_types_lock);
}

/* Drop the records of every type, or of the device-managed ones only. */
static void nooks_track_forget(struct nooks_domain *dom, bool devres_only)
{
	struct nooks_obj *o;
	unsigned int i;

	mutex_lock(&nooks_types_lock);
	for (i = 0; i < nooks_nr_types; i++) {
		if (devres_only && !nooks_types[i]->devres)
			continue;
		while ((o = nooks_track_pop(&dom->track, nooks_types[i])))
			kmem_cache_free(nooks_obj_cache, o);
	}
	mutex_unlock(&nooks_types_lock);
}

/**
 * nooks_track_forget_all() - drop every record without releasing anything
 * @dom: the domain
 *
 * Used when the driver module goes away: it has released its resources
 * itself through the (wrapped) kernel functions, or they belong to the
 * kernel from now on.
 */
void nooks_track_forget_all(struct nooks_domain *dom)
{
	nooks_track_forget(dom, false);
	nooks_quarantine_flush(dom);
	dom->track.lost = 0;
}

/**
 * nooks_track_handover() - memory the driver allocated is the kernel's now
 * @dom: the driver's domain
 * @p: memory from the driver's kmalloc or vmalloc family
 *
 * For wrappers of registration functions that take ownership of the
 * object they are given (the kernel frees it when it is unregistered):
 * the tracker must not free it after a failure. Any context.
 *
 * Return: true if @p was tracked.
 */
bool nooks_track_handover(struct nooks_domain *dom, const void *p)
{
	return nooks_track_del(dom, &nooks_obj_kmalloc, (unsigned long)p,
			       NULL) ||
	       nooks_track_del(dom, &nooks_obj_vmalloc, (unsigned long)p, NULL);
}
EXPORT_SYMBOL_GPL(nooks_track_handover);

/**
 * nooks_track_forget_devres() - drop the records of device-managed objects
 * @dom: the domain, whose devices the driver core has just unbound (which
 *	freed those objects)
 *
 * Process context.
 */
void nooks_track_forget_devres(struct nooks_domain *dom)
{
	nooks_track_forget(dom, true);
}

void nooks_track_show(struct nooks_domain *dom, struct seq_file *m)
{
	struct nooks_track *t = &dom->track;
	unsigned int count[NOOKS_OBJ_TYPES_MAX];
	unsigned int total, lost, i;
	unsigned long flags;

	spin_lock_irqsave(&t->lock, flags);
	memcpy(count, t->count, sizeof(count));
	total = t->total;
	lost = t->lost;
	spin_unlock_irqrestore(&t->lock, flags);

	mutex_lock(&nooks_types_lock);
	for (i = 0; i < nooks_nr_types; i++)
		seq_printf(m, "%s %u\n", nooks_types[i]->name,
			   count[nooks_types[i]->id]);
	mutex_unlock(&nooks_types_lock);
	seq_printf(m, "total %u\nlost %u\n", total, lost);
	nooks_quarantine_show(dom, m);
}

int nooks_track_init_types(void)
{
	int ret;

	nooks_obj_cache = KMEM_CACHE(nooks_obj, 0);
	if (!nooks_obj_cache)
		return -ENOMEM;
	ret = nooks_obj_types_register(nooks_core_types,
				       ARRAY_SIZE(nooks_core_types));
	if (ret)
		kmem_cache_destroy(nooks_obj_cache);
	return ret;
}

void nooks_track_exit_types(void)
{
	nooks_obj_types_unregister(nooks_core_types,
				   ARRAY_SIZE(nooks_core_types));
	kmem_cache_destroy(nooks_obj_cache);
}
