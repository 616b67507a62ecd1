/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nooks/domain.h - isolation domains: one per isolated driver module.
 */
#ifndef _NOOKS_DOMAIN_H
#define _NOOKS_DOMAIN_H

#include <linux/atomic.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "frame.h"
#include "group.h"
#include "iface.h"
#include "track.h"

struct nooks_binding;
struct pci_dev;
struct pci_device_id;
struct pci_driver;

/**
 * enum nooks_mode - what a domain does with its driver
 * @NOOKS_MODE_OFF: native: the driver runs unwrapped
 * @NOOKS_MODE_ISOLATE: wrapped; on failure, Nooks restart (new devices)
 * @NOOKS_MODE_SHADOW: wrapped; on failure, the class shadow takes over
 *	and the driver is restarted behind it
 */
enum nooks_mode {
	NOOKS_MODE_OFF,
	NOOKS_MODE_ISOLATE,
	NOOKS_MODE_SHADOW,
};

/**
 * enum nooks_state - where a domain is in its life
 * @NOOKS_STATE_UNLOADED: the driver module is not loaded
 * @NOOKS_STATE_NATIVE: loaded, not isolated (mode off)
 * @NOOKS_STATE_RUNNING: isolated and healthy
 * @NOOKS_STATE_FAILED: a fault was contained; nothing enters the driver
 * @NOOKS_STATE_RECOVERING: being released and restarted
 * @NOOKS_STATE_FAILSTOP: failed and left stopped (restart failed or
 *	policy said no)
 */
enum nooks_state {
	NOOKS_STATE_UNLOADED,
	NOOKS_STATE_NATIVE,
	NOOKS_STATE_RUNNING,
	NOOKS_STATE_FAILED,
	NOOKS_STATE_RECOVERING,
	NOOKS_STATE_FAILSTOP,
};

/* Phases of a restart, timed in struct nooks_recovery. */
enum nooks_phase {
	NOOKS_PHASE_STOP,	/* device quiesced, detach callers */
	NOOKS_PHASE_WAIT,	/* wait for calls in flight to leave */
	NOOKS_PHASE_RELEASE,	/* free what the driver held */
	NOOKS_PHASE_RESET,	/* reset the device */
	NOOKS_PHASE_RESTART,	/* re-probe the driver */
	NOOKS_PHASE_REPLAY,	/* shadow mode: replay logged state */
	NOOKS_PHASE_NR,
};

/**
 * struct nooks_recovery - timing of the last recovery
 * @ns: duration of each enum nooks_phase, in nanoseconds
 * @total_ns: from fault to devices back
 * @ok: the restart succeeded
 */
struct nooks_recovery {
	u64 ns[NOOKS_PHASE_NR];
	u64 total_ns;
	bool ok;
};

/* Phases of a planned restart (a switch of mode), in struct nooks_switch. */
enum nooks_switch_phase {
	NOOKS_SWITCH_STOP,	/* stand in, the driver closes its devices */
	NOOKS_SWITCH_REMOVE,	/* the driver's remove, class objects kept */
	NOOKS_SWITCH_PROBE,	/* the driver probes into the kept objects */
	NOOKS_SWITCH_REPLAY,	/* state replayed, devices handed back */
	NOOKS_SWITCH_NR,
};

/* How the last switch to or from mode off treated the bound devices. */
enum nooks_switch_method {
	NOOKS_SWITCH_NONE,	/* none yet, or no device bound */
	NOOKS_SWITCH_LIVE,	/* kept: a planned restart, nothing lost */
	NOOKS_SWITCH_REBIND,	/* unbound and bound again: new objects */
	NOOKS_SWITCH_INPLACE,	/* isolated where it runs: nothing unbound */
};

/**
 * struct nooks_switch - timing of the last switch to or from mode off
 * @ns: duration of each enum nooks_switch_phase (live switch), in ns
 * @total_ns: the whole switch
 * @method: enum nooks_switch_method
 * @ok: it succeeded
 */
struct nooks_switch {
	u64 ns[NOOKS_SWITCH_NR];
	u64 total_ns;
	int method;
	bool ok;
};

/**
 * struct nooks_fault_info - what the last contained fault was
 * @kind: enum nooks_fault_kind
 * @ip: faulting instruction
 * @addr: faulting data address, if any
 * @what: entry point the driver was called through
 * @ctx: "process", "softirq" or "hardirq"
 * @when_ns: local_clock() at the fault
 */
struct nooks_fault_info {
	int kind;
	unsigned long ip;
	unsigned long addr;
	const char *what;
	const char *ctx;
	u64 when_ns;
};

/**
 * struct nooks_domain_ops - hooks of a recovery layer (shadow/) on a domain
 *
 * The isolation layer decides nothing about recovery beyond Nooks restart;
 * a domain in shadow mode calls these hooks, which the shadow manager
 * implements (and hands on to the driver classes). Every hook but @failed
 * runs in process context under the domain's ctl; the recovery layer is
 * unplugged under each domain's ctl and after an RCU grace period (for
 * @failed), so no hook runs once nooks_shadow_unregister() returned.
 *
 * @attach: the domain enters shadow mode (start passive logging of the
 *	driver's existing class objects)
 * @detach: the domain leaves shadow mode
 * @failed: a fault was contained (any context, must not sleep): stop the
 *	devices' class objects and take over (active mode); replaces the
 *	class interfaces' stop hooks
 * @should_recover: before the restart: false leaves the driver
 *	fail-stopped (policy: restart budget, grace period)
 * @keep: during release, keep this tracked object alive for the restarted
 *	driver (e.g. the registered net_device)
 * @restart: restart the driver in place, through its subsystem's own
 *	recovery, instead of the unbind, reset and re-probe (libata's error
 *	handling resets an ATA port with the driver's reset methods and
 *	issues the aborted commands again); called after the wait, the
 *	failed driver's locks released and a mutated instruction restored,
 *	in state recovering. -EOPNOTSUPP (before anything is done) asks for
 *	the generic restart. Otherwise the hook calls nooks_restart_resume()
 *	once the driver may be entered again and returns when the devices
 *	work; non-zero fail-stops the driver with its devices still bound
 * @recover: after the re-probe: replay the logged state and hand the
 *	devices back; non-zero fail-stops the driver
 * @stopped: the driver was left fail-stopped (restart failed or refused)
 * @live: could every kernel-visible object of the driver's bound devices
 *	be kept through a planned restart (a switch to or from mode off
 *	that the devices' users do not notice)? Called in any mode.
 * @quiesce: a planned restart begins, the driver running and isolated:
 *	take over the driver's class objects (those it made before it was
 *	isolated too), stand in for it, close its devices through its own
 *	entry points and keep the objects; the driver's remove, run next,
 *	leaves them registered
 * @resume: after the planned re-probe: replay the logged state and hand
 *	the devices back (no recovery is counted); with @native the probe ran
 *	with the driver no longer isolated, and the layer lets go of the
 *	devices once they are handed back
 */
struct nooks_domain_ops {
	void (*attach)(struct nooks_domain *dom);
	void (*detach)(struct nooks_domain *dom);
	void (*failed)(struct nooks_domain *dom);
	bool (*should_recover)(struct nooks_domain *dom);
	bool (*keep)(struct nooks_domain *dom, const struct nooks_obj *obj);
	int (*restart)(struct nooks_domain *dom);
	int (*recover)(struct nooks_domain *dom);
	void (*stopped)(struct nooks_domain *dom);
	bool (*live)(struct nooks_domain *dom);
	int (*quiesce)(struct nooks_domain *dom);
	int (*resume)(struct nooks_domain *dom, bool native);
};

/**
 * struct nooks_domain - isolation domain of one driver module
 *
 * Locking: nooks_domains_lock (the list of domains, and the domains'
 * per-interface data) is taken before a domain's @ctl, which is taken
 * before nooks_iface_lock and any class lock (e.g. a net domain's lock,
 * then rtnl). Fields read from any context (@state, @mode, the text
 * bounds, @ifaces) are written with WRITE_ONCE() under @ctl; the list of
 * domains is read under RCU from any context.
 *
 * @name: module name
 * @node: entry in the list of all domains (nooks_domains_lock; RCU)
 * @kobj: /sys/kernel/shadow/<name>
 * @ctl: serialises mode changes, attach/detach and recovery, and the
 *	recovery layer's hooks (@ops) but @failed
 * @mode: enum nooks_mode (written under @ctl)
 * @state: enum nooks_state (written under @ctl, or by cmpxchg from any
 *	context on a failure)
 * @mod: the driver module while loaded (under @ctl)
 * @text_start: start of the module's core text (for caller lookup)
 * @text_end: end of the module's core text
 * @init_start: start of the module's init text while it exists
 * @init_end: end of the module's init text
 * @binding: import call sites rewritten to nooks wrappers
 * @group: the helper modules the domain covers with the driver
 *	(nooks/group.c); changed under @ctl, text bounds read from any context
 * @pdrv: the driver's pci_driver once registered
 * @orig_probe: the driver's own probe
 * @orig_remove: the driver's own remove
 * @orig_shutdown: the driver's own shutdown
 * @inflight: protected calls in progress
 * @track: resources the driver holds
 * @recover_work: runs the restart in process context
 * @restarting: the driver is being re-probed: a failure now is final
 * @adopting: the driver was isolated while it ran (a live or in-place
 *	switch from mode off) and is not re-probed yet: what it frees may be memory
 *	the kernel handed it untracked, so frees are not judged against
 *	what it handed over
 * @probing: the device nooks is binding the driver to again (a restart or
 *	a switch re-probing it), or NULL: a class gives the probe the objects
 *	it kept of that device
 * @resumed_ns: local_clock() when a class restarting the driver in place
 *	let it be entered again (nooks_restart_resume()), for the phases
 * @failures: contained faults
 * @recoveries: successful restarts
 * @last_fault: the last contained fault
 * @last: timing of the last recovery
 * @last_switch: timing of the last switch to or from mode off
 * @ops: recovery layer hooks (shadow mode); written under @ctl, read
 *	under @ctl or (for @failed) RCU
 * @ops_data: private data of that layer
 * @ifaces: the class interfaces the binding used (bit per interface id);
 *	written under @ctl
 * @iface_data: each class interface's data for this domain
 * @init_task: task running the module's init while it is isolated
 * @orig_init: the module's own init function
 * @dying: being removed
 * @debugfs: /sys/kernel/debug/shadow/<name>
 * @swifi: the fault injector's data for this domain (nooks/swifi.h);
 *	set and cleared by its domain_add and domain_del hooks
 */
struct nooks_domain {
	char name[MODULE_NAME_LEN];
	struct list_head node;
	struct kobject kobj;
	struct mutex ctl;
	int mode;
	int state;
	struct module *mod;
	unsigned long text_start, text_end;
	unsigned long init_start, init_end;
	struct nooks_binding *binding;
	struct nooks_group group;
	struct pci_driver *pdrv;
	int (*orig_probe)(struct pci_dev *pdev, const struct pci_device_id *id);
	void (*orig_remove)(struct pci_dev *pdev);
	void (*orig_shutdown)(struct pci_dev *pdev);
	atomic_t inflight;
	struct nooks_track track;
	struct work_struct recover_work;
	bool restarting;
	bool adopting;
	struct device *probing;
	u64 resumed_ns;
	atomic_t failures;
	atomic_t recoveries;
	struct nooks_fault_info last_fault;
	struct nooks_recovery last;
	struct nooks_switch last_switch;
	const struct nooks_domain_ops __rcu *ops;
	void *ops_data;
	unsigned long ifaces;
	void *iface_data[NOOKS_IFACE_MAX];
	struct task_struct *init_task;
	int (*orig_init)(void);
	bool dying;
	struct dentry *debugfs;
	void *swifi;
};

extern struct list_head nooks_domains;
extern struct mutex nooks_domains_lock;

struct nooks_domain *nooks_domain_find(const char *name);
struct nooks_domain *nooks_domain_create(const char *name);
void nooks_domain_destroy(struct nooks_domain *dom);
int nooks_domain_set_mode(struct nooks_domain *dom, int mode);
int nooks_domain_switch_method(struct nooks_domain *dom);
struct nooks_domain *nooks_domain_of_ip(unsigned long ip);
bool nooks_domain_in_text(struct nooks_domain *dom, unsigned long ip);
struct nooks_domain *nooks_domain_of_caller(unsigned long ret_ip);
struct nooks_domain *nooks_domain_find_caller(unsigned long ret_ip,
					      bool any_mode);
struct nooks_domain *nooks_domain_of_pdrv(const struct pci_driver *pdrv);
void nooks_domain_fail(struct nooks_domain *dom, int kind);
void nooks_domain_detect(struct nooks_domain *dom, const char *what);
bool nooks_call_nested(struct nooks_domain *dom, unsigned long ret_ip);
void nooks_domain_found(struct nooks_domain *dom, int kind, unsigned long ip,
			const char *what);
int nooks_domain_init(void);
void nooks_domain_exit(void);

const char *nooks_mode_name(int mode);
const char *nooks_state_name(int state);
const char *nooks_switch_method_name(int method);
int nooks_shadow_register(const struct nooks_domain_ops *ops);
void nooks_shadow_unregister(const struct nooks_domain_ops *ops);

/* The recovery layer's hooks of @dom, or NULL; caller holds dom->ctl. */
static inline const struct nooks_domain_ops *
nooks_domain_ops(struct nooks_domain *dom)
{
	return rcu_dereference_protected(dom->ops, lockdep_is_held(&dom->ctl));
}

/* The recovery layer's hook @op of @dom, or NULL; caller holds dom->ctl. */
#define nooks_hook(dom, op)						\
	(nooks_domain_ops(dom) ? nooks_domain_ops(dom)->op : NULL)

/**
 * nooks_entry_begin() - admit a call from the kernel into the driver
 * @dom: the driver's domain
 *
 * Return: true when the driver may be called (the caller must then call
 * nooks_entry_end()), false when the domain is failed or recovering and
 * the caller must answer on the driver's behalf.
 */
static __always_inline bool nooks_entry_begin(struct nooks_domain *dom)
{
	atomic_inc(&dom->inflight);
	if (likely(READ_ONCE(dom->state) == NOOKS_STATE_RUNNING))
		return true;
	atomic_dec(&dom->inflight);
	return false;
}

static __always_inline void nooks_entry_end(struct nooks_domain *dom)
{
	atomic_dec(&dom->inflight);
}

void nooks_restart_resume(struct nooks_domain *dom);
void nooks_pci_unquiesce(struct nooks_domain *dom);
unsigned int nooks_irq_find_actions(void *dev_id, unsigned int *irqs,
				    unsigned int max, bool any);
int nooks_irq_adopt(struct nooks_domain *dom, struct device *dev,
		    unsigned int irq, void *dev_id);
void nooks_irq_unadopt(struct device *dev, unsigned int irq, void *dev_id);

/**
 * NOOKS_CALL() - call a driver function as a protected call
 * @dom: domain of the driver
 * @what: entry point name (string literal)
 * @ret: lvalue that receives the result
 * @call: the call expression
 * @fail: value of @ret when the domain is not running or the call faulted
 */
#define NOOKS_CALL(dom, what, ret, call, fail)				\
	do {								\
		struct nooks_frame __f __uninitialized;			\
									\
		if (!nooks_entry_begin(dom)) {				\
			(ret) = (fail);					\
			break;						\
		}							\
		if (nooks_call_begin(&__f, (dom), (what))) {		\
			nooks_entry_end(dom);				\
			(ret) = (fail);					\
			break;						\
		}							\
		(ret) = (call);						\
		nooks_call_end(&__f);					\
		nooks_entry_end(dom);					\
	} while (0)

/* NOOKS_CALL() for functions returning void; @fail is a statement. */
#define NOOKS_CALL_VOID(dom, what, call, fail)				\
	do {								\
		struct nooks_frame __f __uninitialized;			\
									\
		if (!nooks_entry_begin(dom)) {				\
			fail;						\
			break;						\
		}							\
		if (nooks_call_begin(&__f, (dom), (what))) {		\
			nooks_entry_end(dom);				\
			fail;						\
			break;						\
		}							\
		call;							\
		nooks_call_end(&__f);					\
		nooks_entry_end(dom);					\
	} while (0)

#endif /* _NOOKS_DOMAIN_H */
