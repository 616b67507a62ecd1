// SPDX-License-Identifier: GPL-2.0
/*
 * nooks/track.c - the object tracker.
 *
 * Wrappers of the kernel functions an isolated driver imports record what
 * the driver acquires (nooks_track_add) and forgets what it gives back
 * (nooks_track_del). After a failure, nooks_track_release_all() frees what
 * is left without calling the driver, type by type in enum nooks_obj_type
 * order, each type with the release function of the wrapper that made it.
 */
#define pr_fmt(fmt) "nooks: " fmt

#include <linux/seq_file.h>
#include <linux/slab.h>

#include "domain.h"
#include "track.h"
#include "wrap.h"

static struct kmem_cache *nooks_obj_cache;

static const char * const nooks_obj_names[NOOKS_OBJ_NR] = {
	[NOOKS_OBJ_IRQ]		= "irq",
	[NOOKS_OBJ_IRQ_VECTORS]	= "irq_vectors",
	[NOOKS_OBJ_TIMER]	= "timer",
	[NOOKS_OBJ_WORK]	= "work",
	[NOOKS_OBJ_TASKLET]	= "tasklet",
	[NOOKS_OBJ_NAPI]	= "napi",
	[NOOKS_OBJ_NETDEV_REG]	= "netdev_registration",
	[NOOKS_OBJ_NETDEV]	= "netdev",
	[NOOKS_OBJ_DMA_MAP]	= "dma_map",
	[NOOKS_OBJ_DMA_COHERENT] = "dma_coherent",
	[NOOKS_OBJ_SKB]		= "skb",
	[NOOKS_OBJ_IOMAP]	= "iomap",
	[NOOKS_OBJ_PCI_REGIONS]	= "pci_regions",
	[NOOKS_OBJ_REGION]	= "io_region",
	[NOOKS_OBJ_PCI_ENABLE]	= "pci_enable",
	[NOOKS_OBJ_VMALLOC]	= "vmalloc",
	[NOOKS_OBJ_PAGES]	= "pages",
	[NOOKS_OBJ_KMALLOC]	= "kmalloc",
};

typedef void (*nooks_release_fn)(struct nooks_domain *dom,
				 const struct nooks_obj *obj);

static const nooks_release_fn nooks_release[NOOKS_OBJ_NR] = {
	[NOOKS_OBJ_IRQ]		= nooks_irq_release,
	[NOOKS_OBJ_IRQ_VECTORS]	= nooks_irq_vectors_release,
	[NOOKS_OBJ_TIMER]	= nooks_timer_release,
	[NOOKS_OBJ_WORK]	= nooks_work_release,
	[NOOKS_OBJ_TASKLET]	= nooks_tasklet_release,
	[NOOKS_OBJ_NAPI]	= nooks_napi_release,
	[NOOKS_OBJ_NETDEV_REG]	= nooks_netdev_reg_release,
	[NOOKS_OBJ_NETDEV]	= nooks_netdev_release,
	[NOOKS_OBJ_DMA_MAP]	= nooks_dma_map_release,
	[NOOKS_OBJ_DMA_COHERENT] = nooks_dma_coherent_release,
	[NOOKS_OBJ_SKB]		= nooks_skb_release,
	[NOOKS_OBJ_IOMAP]	= nooks_iomap_release,
	[NOOKS_OBJ_PCI_REGIONS]	= nooks_pci_regions_release,
	[NOOKS_OBJ_REGION]	= nooks_region_release,
	[NOOKS_OBJ_PCI_ENABLE]	= nooks_pci_enable_release,
	[NOOKS_OBJ_VMALLOC]	= nooks_vmalloc_release,
	[NOOKS_OBJ_PAGES]	= nooks_pages_release,
	[NOOKS_OBJ_KMALLOC]	= nooks_kmalloc_release,
};

/* hash_add() and hash_for_each_possible() hash this key themselves */
static unsigned long nooks_obj_hkey(int type, unsigned long key)
{
	return key ^ type;
}

void nooks_track_init(struct nooks_track *t)
{
	spin_lock_init(&t->lock);
	hash_init(t->table);
	memset(t->count, 0, sizeof(t->count));
	t->total = 0;
	t->lost = 0;
}

/* Caller holds t->lock. */
static struct nooks_obj *nooks_track_find(struct nooks_track *t, int type,
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
 * @type: enum nooks_obj_type
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
int nooks_track_add(struct nooks_domain *dom, int type, unsigned long key,
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
	t->count[type]++;
	t->total++;
	spin_unlock_irqrestore(&t->lock, flags);
	return 0;
}

/**
 * nooks_track_del() - forget a resource the driver gave back
 * @dom: the driver's domain
 * @type: enum nooks_obj_type
 * @key: identity of the resource
 * @out: if not NULL, receives a copy of the record
 *
 * Return: true if the resource was tracked.
 */
bool nooks_track_del(struct nooks_domain *dom, int type, unsigned long key,
		     struct nooks_obj *out)
{
	struct nooks_track *t = &dom->track;
	struct nooks_obj *o;
	unsigned long flags;

	spin_lock_irqsave(&t->lock, flags);
	o = nooks_track_find(t, type, key);
	if (o) {
		hash_del(&o->hnode);
		t->count[type]--;
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

/**
 * nooks_track_get() - look a tracked resource up
 * @dom: the driver's domain
 * @type: enum nooks_obj_type
 * @key: identity of the resource
 * @out: receives a copy of the record
 *
 * Return: true if the resource is tracked.
 */
bool nooks_track_get(struct nooks_domain *dom, int type, unsigned long key,
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

/**
 * nooks_track_set() - update one release argument of a tracked resource
 * @dom: the driver's domain
 * @type: enum nooks_obj_type
 * @key: identity of the resource
 * @idx: index into nooks_obj.a
 * @val: new value
 *
 * Return: true if the resource is tracked.
 */
bool nooks_track_set(struct nooks_domain *dom, int type, unsigned long key,
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

/* Unhash any one object of @type, or return NULL. */
static struct nooks_obj *nooks_track_pop(struct nooks_track *t, int type)
{
	struct nooks_obj *o;
	unsigned long flags;
	int bkt;

	spin_lock_irqsave(&t->lock, flags);
	hash_for_each(t->table, bkt, o, hnode) {
		if (o->type != type)
			continue;
		hash_del(&o->hnode);
		t->count[type]--;
		t->total--;
		spin_unlock_irqrestore(&t->lock, flags);
		return o;
	}
	spin_unlock_irqrestore(&t->lock, flags);
	return NULL;
}

/**
 * nooks_track_release_all() - free everything a failed driver still holds
 * @dom: the failed domain; nothing may enter the driver any more
 * @keep: if not NULL, objects for which it returns true are kept (tracked
 *	and alive) for the restarted driver
 *
 * Process context. Releases by type, in enum nooks_obj_type order, with
 * the kernel's own functions and never the driver's.
 */
void nooks_track_release_all(struct nooks_domain *dom,
			     bool (*keep)(struct nooks_domain *dom,
					  const struct nooks_obj *obj))
{
	struct nooks_track *t = &dom->track;
	struct nooks_obj *o;
	HLIST_HEAD(kept);
	unsigned long flags;
	int type;

	for (type = 0; type < NOOKS_OBJ_NR; type++) {
		while ((o = nooks_track_pop(t, type))) {
			if (keep && keep(dom, o)) {
				hlist_add_head(&o->hnode, &kept);
				continue;
			}
			nooks_release[type](dom, o);
			kmem_cache_free(nooks_obj_cache, o);
		}
	}
	spin_lock_irqsave(&t->lock, flags);
	while (!hlist_empty(&kept)) {
		o = hlist_entry(kept.first, struct nooks_obj, hnode);
		hlist_del(&o->hnode);
		hash_add(t->table, &o->hnode, nooks_obj_hkey(o->type, o->key));
		t->count[o->type]++;
		t->total++;
	}
	t->lost = 0;
	spin_unlock_irqrestore(&t->lock, flags);
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
	int type;

	for (type = 0; type < NOOKS_OBJ_NR; type++) {
		if (!nooks_obj_dma(type))
			continue;
		while ((o = nooks_track_pop(&dom->track, type)))
			hlist_add_head(&o->hnode, list);
	}
}

/**
 * nooks_track_release_list() - release objects taken out of the tracker
 * @dom: their domain
 * @list: from nooks_track_take_dma(); empty afterwards
 *
 * Process context; in enum nooks_obj_type order.
 */
void nooks_track_release_list(struct nooks_domain *dom,
			      struct hlist_head *list)
{
	struct hlist_node *tmp;
	struct nooks_obj *o;
	int type;

	for (type = 0; type < NOOKS_OBJ_NR; type++) {
		hlist_for_each_entry_safe(o, tmp, list, hnode) {
			if (o->type != type)
				continue;
			hlist_del(&o->hnode);
			nooks_release[type](dom, o);
			kmem_cache_free(nooks_obj_cache, o);
		}
	}
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
	struct nooks_obj *o;
	int type;

	for (type = 0; type < NOOKS_OBJ_NR; type++)
		while ((o = nooks_track_pop(&dom->track, type)))
			kmem_cache_free(nooks_obj_cache, o);
	dom->track.lost = 0;
}

void nooks_track_show(struct nooks_domain *dom, struct seq_file *m)
{
	struct nooks_track *t = &dom->track;
	unsigned int count[NOOKS_OBJ_NR];
	unsigned int total, lost;
	unsigned long flags;
	int type;

	spin_lock_irqsave(&t->lock, flags);
	memcpy(count, t->count, sizeof(count));
	total = t->total;
	lost = t->lost;
	spin_unlock_irqrestore(&t->lock, flags);

	for (type = 0; type < NOOKS_OBJ_NR; type++)
		seq_printf(m, "%s %u\n", nooks_obj_names[type], count[type]);
	seq_printf(m, "total %u\nlost %u\n", total, lost);
}

int nooks_track_cache_init(void)
{
	nooks_obj_cache = KMEM_CACHE(nooks_obj, 0);
	return nooks_obj_cache ? 0 : -ENOMEM;
}

void nooks_track_cache_exit(void)
{
	kmem_cache_destroy(nooks_obj_cache);
}
