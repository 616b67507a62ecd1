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

/**
 * enum nooks_stage - when a tracked object is released after a failure
 * @NOOKS_STAGE_ENTRY: whatever can still make the kernel call into the
 *	driver (interrupts, timers, work, NAPI, ...)
 * @NOOKS_STAGE_CLASS: the class objects the driver registered with the
 *	kernel (net devices, sound cards, SCSI hosts)
 * @NOOKS_STAGE_HW: the driver's hold on the hardware (mappings, regions,
 *	the enabled PCI device); DMA buffers belong here but are taken out
 *	first and released only once the device is reset (nooks/restart.c)
 * @NOOKS_STAGE_MEM: plain memory
 * @NOOKS_STAGE_NR: number of stages
 *
 * Within a stage, types are released in the order they were registered
 * (nooks.ko's own types first, then each interface module's).
 */
enum nooks_stage {
	NOOKS_STAGE_ENTRY,
	NOOKS_STAGE_CLASS,
	NOOKS_STAGE_HW,
	NOOKS_STAGE_MEM,
	NOOKS_STAGE_NR,
};

struct nooks_obj;

/**
 * struct nooks_obj_type - a kind of resource the tracker can release
 * @name: name in debugfs "objects" (stable: tests parse it)
 * @stage: enum nooks_stage
 * @dma: the device may still reach the object by DMA: released only after
 *	the device has been reset
 * @devres: device-managed: the driver core frees it when the device is
 *	unbound; the tracker only records it, and forgets the record once
 *	the device is unbound (nooks_track_forget_devres())
 * @release: free one object without calling the driver (process context);
 *	never called for a @devres type
 * @hold: optional: may an object the driver frees wait in the domain's
 *	quarantine (nooks/quarantine.c) before it is freed? Any context.
 * @free_any: frees an object the quarantine held; any context (required
 *	with @hold)
 * @id: index given by nooks_obj_types_register(); private to track.c
 * @seq: registration order; private to track.c
 *
 * nooks.ko defines the types of the resources every driver has (memory,
 * interrupts, PCI, deferred work); an interface module (classes/<class>/)
 * registers the types only its class has.
 */
struct nooks_obj_type {
	const char *name;
	unsigned int stage;
	bool dma;
	bool devres;
	void (*release)(struct nooks_domain *dom, const struct nooks_obj *obj);
	bool (*hold)(const struct nooks_obj *obj);
	void (*free_any)(const struct nooks_obj *obj);
	unsigned int id;
	unsigned int seq;
};

/* At most this many types registered at once (nooks.ko and classes). */
#define NOOKS_OBJ_TYPES_MAX	48

/**
 * struct nooks_obj - one tracked resource
 * @hnode: link in the domain's hash table
 * @type: what kind of resource
 * @key: identity of the resource (address, handle, object pointer)
 * @a: what releasing it needs (type specific)
 */
struct nooks_obj {
	struct hlist_node hnode;
	const struct nooks_obj_type *type;
	unsigned long key;
	unsigned long a[3];
};

#define NOOKS_TRACK_BITS 10

/* Objects a domain's quarantine holds (nooks/quarantine.c). */
#define NOOKS_QUARANTINE_SLOTS	64
/* Objects the driver handed to the kernel that a domain remembers. */
#define NOOKS_PASSED_SLOTS	256

/**
 * struct nooks_quarantine - objects the driver freed, not freed yet
 * @next: slot the next object goes to (the oldest one when full)
 * @held: slots in use
 * @bucket: objects held per hash of their key (a fast "not held")
 * @slot: the objects, in a ring
 * @passed_next: slot of @passed the next hand-over goes to
 * @passed: the last objects the driver handed to the kernel (keys)
 * @passed_type: their types
 */
struct nooks_quarantine {
	unsigned int next;
	unsigned int held;
	u8 bucket[NOOKS_QUARANTINE_SLOTS];
	struct nooks_obj slot[NOOKS_QUARANTINE_SLOTS];
	unsigned int passed_next;
	unsigned long passed[NOOKS_PASSED_SLOTS];
	const struct nooks_obj_type *passed_type[NOOKS_PASSED_SLOTS];
};

/**
 * struct nooks_track - the tracked resources of one domain
 * @lock: protects the table (taken with interrupts off)
 * @table: objects hashed by type and key
 * @count: live objects per type
 * @total: live objects
 * @lost: objects that could not be recorded (allocation failure)
 * @quarantine: objects the driver freed, held back (under @lock)
 */
struct nooks_track {
	spinlock_t lock;
	DECLARE_HASHTABLE(table, NOOKS_TRACK_BITS);
	unsigned int count[NOOKS_OBJ_TYPES_MAX];
	unsigned int total;
	unsigned int lost;
	struct nooks_quarantine quarantine;
};

int nooks_obj_types_register(struct nooks_obj_type * const *types,
			     unsigned int n);
void nooks_obj_types_unregister(struct nooks_obj_type * const *types,
				unsigned int n);

void nooks_track_init(struct nooks_track *t);

/**
 * enum nooks_free_verdict - what a free wrapper does with the object
 * @NOOKS_FREE_NOW: free it (the driver owned it and it cannot be held,
 *	or it is not tracked: not known to be the driver's)
 * @NOOKS_FREE_HELD: nothing: the quarantine holds it
 * @NOOKS_FREE_BAD: nothing: it was freed already; the domain has failed
 */
enum nooks_free_verdict {
	NOOKS_FREE_NOW,
	NOOKS_FREE_HELD,
	NOOKS_FREE_BAD,
};

int nooks_track_free(struct nooks_domain *dom,
		     const struct nooks_obj_type *type, unsigned long key,
		     unsigned long ip);
bool nooks_track_passed(struct nooks_domain *dom,
			const struct nooks_obj_type *type, unsigned long key,
			unsigned long ip);
void nooks_quarantine_flush(struct nooks_domain *dom);
void nooks_quarantine_show(struct nooks_domain *dom, struct seq_file *m);
int nooks_track_add(struct nooks_domain *dom,
		    const struct nooks_obj_type *type, unsigned long key,
		    unsigned long a0, unsigned long a1, unsigned long a2);
bool nooks_track_del(struct nooks_domain *dom,
		     const struct nooks_obj_type *type, unsigned long key,
		     struct nooks_obj *out);
bool nooks_track_del_any(const struct nooks_obj_type *type, unsigned long key);
bool nooks_track_get(struct nooks_domain *dom,
		     const struct nooks_obj_type *type, unsigned long key,
		     struct nooks_obj *out);
bool nooks_track_set(struct nooks_domain *dom,
		     const struct nooks_obj_type *type, unsigned long key,
		     int idx, unsigned long val);
bool nooks_track_any(struct nooks_domain *dom,
		     const struct nooks_obj_type *type,
		     bool (*match)(const struct nooks_obj *obj, void *arg),
		     void *arg);
void nooks_track_release(struct nooks_domain *dom, unsigned int first,
			 unsigned int last,
			 bool (*keep)(struct nooks_domain *dom,
				      const struct nooks_obj *obj));
void nooks_track_release_all(struct nooks_domain *dom,
			     bool (*keep)(struct nooks_domain *dom,
					  const struct nooks_obj *obj));
void nooks_track_forget_all(struct nooks_domain *dom);
void nooks_track_forget_devres(struct nooks_domain *dom);
bool nooks_track_handover(struct nooks_domain *dom, const void *p);
void nooks_track_take_dma(struct nooks_domain *dom, struct hlist_head *list);
void nooks_track_release_list(struct nooks_domain *dom,
			      struct hlist_head *list);
void nooks_track_show(struct nooks_domain *dom, struct seq_file *m);
int nooks_track_init_types(void);
void nooks_track_exit_types(void);

#endif /* _NOOKS_TRACK_H */
