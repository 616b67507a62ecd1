/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nooks/iface.h - driver-class interfaces: what a class module
 * (classes/<class>/nooks_<class>.ko) adds to the isolation layer.
 *
 * nooks.ko knows nothing of any driver class. A class module registers a
 * struct nooks_iface that brings:
 *  - import tables: the class subsystem's kernel functions the driver
 *    calls, each with its wrapper (driver -> kernel); a table naming a
 *    function the running kernel does not have is skipped, not fatal;
 *  - object types only this class tracks (struct nooks_obj_type);
 *  - per-domain data (its entry records, e.g. the wrapped net devices);
 *  - stop: what a failed driver's class objects do when no recovery
 *    layer stands in for it (isolate mode).
 * Its entry wrappers (kernel -> driver) are its own business; the kit in
 * nooks/entry.h helps write them.
 *
 * A domain is bound with the imports of every interface registered when
 * it attaches. Unregistering an interface first returns every domain
 * bound with it to native (mode off): its wrappers are about to go.
 */
#ifndef _NOOKS_IFACE_H
#define _NOOKS_IFACE_H

#include <linux/list.h>
#include <linux/mutex.h>

#include "bind.h"
#include "track.h"

struct module;
struct nooks_domain;

/* At most this many interfaces registered at once. */
#define NOOKS_IFACE_MAX		8

/**
 * struct nooks_import_table - kernel functions of one subsystem
 * @name: what the table covers, for messages ("skb", "snd-pcm")
 * @imports: function name -> wrapper
 * @n: entries in @imports
 */
struct nooks_import_table {
	const char *name;
	const struct nooks_import *imports;
	unsigned int n;
};

/**
 * struct nooks_iface - a driver class's part of the isolation layer
 * @name: class name ("net"), shown in /sys/kernel/shadow/<driver>/classes
 * @owner: the module that registers it
 * @imports: its import tables
 * @nr_imports: entries in @imports
 * @types: the object types only this class tracks
 * @nr_types: entries in @types
 * @domain_add: a domain exists (created, or there when the interface
 *	registers): set up the class's data with nooks_iface_set_data().
 *	Process context, under the domain list lock; may fail (-ENOMEM).
 * @domain_del: the domain or the interface goes: free that data. The
 *	domain is native or unloaded by then.
 * @helpers: NULL-terminated shell patterns (glob_match()) of the modules
 *	that run code for a driver of this class and that the driver's
 *	domain covers with it (codec libraries, a bus core): see
 *	nooks/group.c for how members are found; may be NULL
 * @helpers_own_memory: memory a helper of this class allocates is the
 *	helper's, never the driver's: it is not tracked, and a restart of
 *	the driver does not free it (libata frees the ATA host and ports it
 *	allocated through their reference counts, which outlive the driver)
 * @stop: the domain failed and no recovery layer stands in for the
 *	driver: stop the kernel from handing it work through the class's
 *	objects (stop queues, drop carrier). Any context, must not sleep.
 * @reset: a restart unbound the domain's devices and freed the failed
 *	driver's memory; the re-probe comes next: reset what the driver
 *	keeps in module-global variables about the devices it had bound,
 *	where the class knows it (a reload would have). Process context,
 *	under RCU: must not sleep. Not called for a restart in place.
 * @in_place: can the class isolate this loaded driver without unbinding
 *	its devices, because it can take over every class object the
 *	driver made for them while it ran natively (and let go of them
 *	again)? Process context, the domain's ctl held, its pci_driver
 *	found.
 * @hold: with @on, keep the kernel from entering the driver (and the
 *	helpers its domain covers) for its bound devices, and wait until
 *	nothing runs there for them: its call sites can then be bound
 *	without a call pairing a native half with a wrapped one (a lock
 *	taken natively and released through a wrapper). 0, or an error
 *	when the devices do not come to rest (the switch is abandoned).
 *	Without @on, let the kernel in again (also after a failed @adopt).
 *	Process context, ctl held.
 * @adopt: the call sites are bound, the devices held: take over the
 *	class objects the driver made natively, as if it had made them
 *	isolated (their entries wrapped, the objects tracked), all or none.
 *	Process context, ctl held.
 * @let_go: the reverse, for a switch back to off in place: the devices
 *	held, give the class objects their driver's own entries back and
 *	forget them (whether adopted or made isolated). Process context,
 *	ctl held.
 * @node: in the list of interfaces (private)
 * @id: slot of the interface (private)
 * @live: import tables that resolved on this kernel (private)
 */
struct nooks_iface {
	const char *name;
	struct module *owner;
	const struct nooks_import_table * const *imports;
	unsigned int nr_imports;
	struct nooks_obj_type * const *types;
	unsigned int nr_types;
	const char * const *helpers;
	bool helpers_own_memory;
	int (*domain_add)(struct nooks_domain *dom);
	void (*domain_del)(struct nooks_domain *dom);
	void (*stop)(struct nooks_domain *dom);
	void (*reset)(struct nooks_domain *dom);
	bool (*in_place)(struct nooks_domain *dom);
	int (*hold)(struct nooks_domain *dom, bool on);
	int (*adopt)(struct nooks_domain *dom);
	void (*let_go)(struct nooks_domain *dom);
	struct list_head node;
	unsigned int id;
	unsigned long live;
};

int nooks_iface_register(struct nooks_iface *iface);
void *nooks_iface_wrapper(const char *sym);
void nooks_iface_unregister(struct nooks_iface *iface);
void *nooks_iface_data(struct nooks_domain *dom,
		       const struct nooks_iface *iface);
void nooks_iface_set_data(struct nooks_domain *dom,
			  const struct nooks_iface *iface, void *data);

/* nooks.ko internal */
extern struct list_head nooks_ifaces;
extern struct mutex nooks_iface_lock;
int nooks_iface_domain_add(struct nooks_domain *dom);
void nooks_iface_domain_del(struct nooks_domain *dom);
void nooks_iface_stop(struct nooks_domain *dom);
void nooks_iface_reset(struct nooks_domain *dom);
struct nooks_iface *nooks_iface_in_place(struct nooks_domain *dom);
struct nooks_binding *nooks_iface_bind(struct nooks_domain *dom);
void nooks_iface_show(struct nooks_domain *dom, char *buf, size_t size);
int nooks_iface_init(void);
void nooks_iface_exit(void);

#endif /* _NOOKS_IFACE_H */
