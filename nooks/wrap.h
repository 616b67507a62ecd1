/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nooks/wrap.h - wrappers around the kernel functions an isolated driver
 * imports (driver to kernel) and around the functions it hands to the
 * kernel (kernel to driver).
 *
 * Each wrap_*.c file covers one kind of resource and provides:
 *  - a table of struct nooks_import (kernel symbol -> wrapper) that
 *    nooks/bind.c applies to the driver module's call sites;
 *  - release functions for the objects it tracks (nooks/track.c);
 *  - entry wrappers for the callbacks it passes to the kernel.
 */
#ifndef _NOOKS_WRAP_H
#define _NOOKS_WRAP_H

#include <linux/types.h>

#include "bind.h"
#include "iface.h"
#include "track.h"

struct nooks_domain;

/*
 * The domain of the driver that called a wrapper: found from the return
 * address, which lies in the driver's text because nooks/bind.c rewrote
 * the driver's own call sites.
 */
#define nooks_caller_domain() \
	nooks_domain_of_caller((unsigned long)__builtin_return_address(0))

/* Is @fn a function of @dom's driver (not a kernel helper like
 * delayed_work_timer_fn that the driver's inline code hands over)?
 */
#define nooks_driver_fn(dom, fn) \
	((fn) && nooks_domain_of_ip((unsigned long)(fn)) == (dom))

extern const struct nooks_import_table nooks_mem_imports;
extern const struct nooks_import_table nooks_irq_imports;
extern const struct nooks_import_table nooks_sched_imports;
extern const struct nooks_import_table nooks_pci_imports;
extern const struct nooks_import_table nooks_panic_imports;
extern const struct nooks_import_table nooks_lock_imports;
extern const struct nooks_import_table nooks_mutex_imports;
extern const struct nooks_import_table nooks_devres_imports;

/* wrap_lock.c: spinlocks the driver holds */
void nooks_locks_release_context(struct nooks_domain *dom, unsigned long ctx,
				 unsigned long sp);
void nooks_locks_release(struct nooks_domain *dom, u64 before);
void nooks_locks_forget(struct nooks_domain *dom);
void nooks_locks_init(void);

/* wrap_mutex.c: mutexes and rw_semaphores the driver holds */
void nooks_sleeplocks_release_task(struct nooks_domain *dom, unsigned long sp);
void nooks_sleeplocks_release(struct nooks_domain *dom, u64 before);
void nooks_sleeplocks_forget(struct nooks_domain *dom);

/* Release functions and types of the objects nooks.ko tracks (track.c). */
#define NOOKS_RELEASE(name)						\
	void nooks_##name##_release(struct nooks_domain *dom,		\
				    const struct nooks_obj *obj)
NOOKS_RELEASE(irq);
NOOKS_RELEASE(irq_adopted);
NOOKS_RELEASE(irq_vectors);
NOOKS_RELEASE(timer);
NOOKS_RELEASE(work);
NOOKS_RELEASE(tasklet);
NOOKS_RELEASE(dma_map);
NOOKS_RELEASE(dma_coherent);
NOOKS_RELEASE(iomap);
NOOKS_RELEASE(pci_regions);
NOOKS_RELEASE(region);
NOOKS_RELEASE(pci_enable);
NOOKS_RELEASE(vmalloc);
NOOKS_RELEASE(pages);
NOOKS_RELEASE(kmalloc);
bool nooks_kmalloc_hold(const struct nooks_obj *obj);
void nooks_kmalloc_free_any(const struct nooks_obj *obj);
NOOKS_RELEASE(devm_irq);
NOOKS_RELEASE(devm_kmalloc);
NOOKS_RELEASE(pcim_enable);
NOOKS_RELEASE(pcim_iomap);

extern struct nooks_obj_type nooks_obj_irq, nooks_obj_irq_vectors,
	nooks_obj_timer, nooks_obj_work, nooks_obj_tasklet, nooks_obj_dma_map,
	nooks_obj_dma_coherent, nooks_obj_iomap, nooks_obj_pci_regions,
	nooks_obj_region, nooks_obj_pci_enable, nooks_obj_vmalloc,
	nooks_obj_pages, nooks_obj_kmalloc, nooks_obj_devm_irq,
	nooks_obj_devm_kmalloc, nooks_obj_pcim_enable, nooks_obj_pcim_iomap,
	nooks_obj_irq_adopted;

/* wrap_irq.c: interrupts the tracker freed, once the devices are unbound */
void nooks_irq_purge(struct nooks_domain *dom);
int nooks_irq_let_go(struct nooks_domain *dom);

/* Callback registry: kernel object -> (domain, driver function). */
int nooks_cb_set(struct nooks_domain *dom, const void *key, void *fn,
		 void (*restore)(const void *key, void *fn));
void nooks_cb_let_go(struct nooks_domain *dom);
void *nooks_cb_get(const void *key, struct nooks_domain **dom);
void nooks_cb_del(const void *key);
void nooks_cb_del_domain(struct nooks_domain *dom);


#endif /* _NOOKS_WRAP_H */
