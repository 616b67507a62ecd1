/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nooks/track.h - the object tracker: every kernel resource an isolated
 * driver acquired through the wrappers, so that a failed driver's
 * resources can be released without calling it.
 */
#ifndef _NOOKS_TRACK_H
#define _NOOKS_TRACK_H

#include <linux/hashtable.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct nooks_domain;
struct seq_file;

/*
 * Object types, in release order: whatever can still make the device or
 * the kernel call into the driver goes first, memory last. Objects the
 * device may still reach by DMA (nooks_obj_dma()) are taken out first and
 * released only once the device has been reset (nooks/restart.c).
 */
enum nooks_obj_type {
	NOOKS_OBJ_IRQ,		/* key: struct nooks_irq */
	NOOKS_OBJ_IRQ_VECTORS,	/* key: pci_dev; a[0]: 1 if pci_enable_msi */
	NOOKS_OBJ_TIMER,	/* key: timer_list */
	NOOKS_OBJ_WORK,		/* key: work_struct; a[0]: 1 if delayed */
	NOOKS_OBJ_TASKLET,	/* key: tasklet_struct */
	NOOKS_OBJ_NAPI,		/* key: napi_struct; a[0]: enabled */
	NOOKS_OBJ_NETDEV_REG,	/* key: net_device (registered) */
	NOOKS_OBJ_NETDEV,	/* key: net_device (allocated) */
	NOOKS_OBJ_DMA_MAP,	/* key: dma addr; a: dev, size, dir */
	NOOKS_OBJ_DMA_COHERENT,	/* key: cpu addr; a: dev, size, dma addr */
	NOOKS_OBJ_SKB,		/* key: sk_buff the driver holds */
	NOOKS_OBJ_IOMAP,	/* key: __iomem address */
	NOOKS_OBJ_PCI_REGIONS,	/* key: pci_dev; a[0]: bar mask */
	NOOKS_OBJ_REGION,	/* key: start; a: n, parent */
	NOOKS_OBJ_PCI_ENABLE,	/* key: pci_dev */
	NOOKS_OBJ_VMALLOC,	/* key: address */
	NOOKS_OBJ_PAGES,	/* key: address; a[0]: order */
	NOOKS_OBJ_KMALLOC,	/* key: address */
	NOOKS_OBJ_NR,
};

/* DMA buffers and the socket buffers whose data sits in them */
static inline bool nooks_obj_dma(int type)
{
	return type == NOOKS_OBJ_DMA_MAP || type == NOOKS_OBJ_DMA_COHERENT ||
	       type == NOOKS_OBJ_SKB;
}

/**
 * struct nooks_obj - one tracked resource
 * @hnode: link in the domain's hash table
 * @type: enum nooks_obj_type
 * @key: identity of the resource (address, handle, object pointer)
 * @a: what releasing it needs (type specific)
 */
struct nooks_obj {
	struct hlist_node hnode;
	int type;
	unsigned long key;
	unsigned long a[3];
};

#define NOOKS_TRACK_BITS 10

/**
 * struct nooks_track - the tracked resources of one domain
 * @lock: protects the table (taken with interrupts off)
 * @table: objects hashed by type and key
 * @count: live objects per type
 * @total: live objects
 * @lost: objects that could not be recorded (allocation failure)
 */
struct nooks_track {
	spinlock_t lock;
	DECLARE_HASHTABLE(table, NOOKS_TRACK_BITS);
	unsigned int count[NOOKS_OBJ_NR];
	unsigned int total;
	unsigned int lost;
};

void nooks_track_init(struct nooks_track *t);
int nooks_track_add(struct nooks_domain *dom, int type, unsigned long key,
		    unsigned long a0, unsigned long a1, unsigned long a2);
bool nooks_track_del(struct nooks_domain *dom, int type, unsigned long key,
		     struct nooks_obj *out);
bool nooks_track_get(struct nooks_domain *dom, int type, unsigned long key,
		     struct nooks_obj *out);
bool nooks_track_set(struct nooks_domain *dom, int type, unsigned long key,
		     int idx, unsigned long val);
void nooks_track_release_all(struct nooks_domain *dom,
			     bool (*keep)(struct nooks_domain *dom,
					  const struct nooks_obj *obj));
void nooks_track_forget_all(struct nooks_domain *dom);
void nooks_track_take_dma(struct nooks_domain *dom, struct hlist_head *list);
void nooks_track_release_list(struct nooks_domain *dom,
			      struct hlist_head *list);
void nooks_track_show(struct nooks_domain *dom, struct seq_file *m);
int nooks_track_cache_init(void);
void nooks_track_cache_exit(void);

#endif /* _NOOKS_TRACK_H */
