// SPDX-License-Identifier: GPL-2.0
/*
 * nooks/domain.c - isolation domains.
 *
 * A domain is created for a driver module by name (sysfs "add"), before or
 * after the module loads. Its mode says what to do with the driver:
 *
 *   off      the driver runs natively
 *   isolate  every call between driver and kernel is interposed; a fault
 *            is contained and the driver restarted (Nooks restart)
 *   shadow   as isolate, and a class shadow hides the failure
 *
 * Isolation starts at the driver's first instruction when the domain
 * exists before the module loads (module notifier, MODULE_STATE_COMING,
 * before its init runs), or by live attach: unbind the driver's devices,
 * rewrite its call sites, bind the devices again.
 */
#define pr_fmt(fmt) "nooks: " fmt

#include <linux/device.h>
#include <linux/rculist.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>

#include "debugfs.h"
#include "bus_pci.h"
#include "domain.h"
#include "fault.h"
#include "nooks_trace.h"
#include "restart.h"
#include "symbols.h"
#include "swifi.h"
#include "sysfs.h"
#include "wrap.h"

LIST_HEAD(nooks_domains);
DEFINE_MUTEX(nooks_domains_lock);

static const char * const nooks_mode_names[] = {
	[NOOKS_MODE_OFF]	= "off",
	[NOOKS_MODE_ISOLATE]	= "isolate",
	[NOOKS_MODE_SHADOW]	= "shadow",
};

static const char * const nooks_state_names[] = {
	[NOOKS_STATE_UNLOADED]	= "unloaded",
	[NOOKS_STATE_NATIVE]	= "native",
	[NOOKS_STATE_RUNNING]	= "running",
	[NOOKS_STATE_FAILED]	= "failed",
	[NOOKS_STATE_RECOVERING] = "recovering",
	[NOOKS_STATE_FAILSTOP]	= "failstop",
};

static const char * const nooks_switch_names[] = {
	[NOOKS_SWITCH_NONE]	= "none",
	[NOOKS_SWITCH_LIVE]	= "live",
	[NOOKS_SWITCH_REBIND]	= "rebind",
	[NOOKS_SWITCH_INPLACE]	= "in-place",
};

const char *nooks_mode_name(int mode)
{
	return nooks_mode_names[mode];
}

/* enum nooks_switch_method as last_switch/method and sysfs switch say */
const char *nooks_switch_method_name(int method)
{
	return nooks_switch_names[method];
}

/* Parse a mode name; -EINVAL when unknown. */
int nooks_mode_parse(const char *buf)
{
	return sysfs_match_string(nooks_mode_names, buf);
}

const char *nooks_state_name(int state)
{
	return nooks_state_names[state];
}

struct nooks_domain *nooks_domain_find(const char *name)
{
	struct nooks_domain *dom;

	list_for_each_entry_rcu(dom, &nooks_domains, node,
				lockdep_is_held(&nooks_domains_lock))
		if (!strcmp(dom->name, name))
			return dom;
	return NULL;
}

/*
 * find_module() is not exported since 5.12; it may be called with
 * preemption disabled instead of module_mutex held.
 */
static struct module *nooks_get_module(const char *name)
{
	static struct module *(*find)(const char *name);
	struct module *mod;

	if (!find)
		find = (void *)nooks_lookup_name("find_module");
	if (!find)
		return NULL;
	preempt_disable();
	mod = find(name);
	if (mod && (mod->state != MODULE_STATE_LIVE || !try_module_get(mod)))
		mod = NULL;
	preempt_enable();
	return mod;
}

/**
 * nooks_domain_in_text() - is @ip code that @dom covers?
 * @dom: the domain
 * @ip: an instruction address
 *
 * The driver's text (core, and init while it exists) and its helper
 * modules' (nooks/group.c). Any context, NMI included.
 */
bool nooks_domain_in_text(struct nooks_domain *dom, unsigned long ip)
{
	return nooks_ip_in(ip, READ_ONCE(dom->text_start),
			   READ_ONCE(dom->text_end)) ||
	       nooks_ip_in(ip, READ_ONCE(dom->init_start),
			   READ_ONCE(dom->init_end)) ||
	       nooks_group_in_text(dom, ip);
}
EXPORT_SYMBOL_GPL(nooks_domain_in_text);

/**
 * nooks_domain_of_ip() - the domain whose code holds @ip
 * @ip: an instruction address
 *
 * The code of a domain is its driver's and its helpers'.
 * Any context.
 *
 * Return: the domain or NULL.
 */
struct nooks_domain *nooks_domain_of_ip(unsigned long ip)
{
	struct nooks_domain *dom, *found = NULL;

	rcu_read_lock();
	list_for_each_entry_rcu(dom, &nooks_domains, node) {
		if (nooks_domain_in_text(dom, ip)) {
			found = dom;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}
EXPORT_SYMBOL_GPL(nooks_domain_of_ip);

/**
 * nooks_call_nested() - may an entry run inside the call that encloses it?
 * @dom: the domain the entry goes into
 * @ret_ip: the entry wrapper's return address (its caller), or 0 when the
 *	caller is the wrapper's own module running an op of @dom directly
 *	(NOOKS_NEST_IP())
 *
 * True when the entry is called by code of @dom that runs inside a
 * protected call of @dom in this context (libata's interrupt handler
 * reading the DMA status through its port's operation): a fault in the
 * callee then aborts the enclosing call, as a fault in the caller would,
 * and a frame of its own would only cost time.  For the entries of a
 * class whose callers in the domain never have kernel code between them
 * and the enclosing call (see NOOKS_ENTRY_OP_NESTED()): aborting the
 * enclosing call must not abandon kernel code halfway.
 */
bool nooks_call_nested(struct nooks_domain *dom, unsigned long ret_ip)
{
	struct nooks_frame *f;
	unsigned long ctx;
	bool nested;

	if (ret_ip && !nooks_domain_in_text(dom, ret_ip))
		return false;
	preempt_disable();
	ctx = preempt_count() & NOOKS_CTX_MASK;
	f = nooks_current_frame(ctx, current_stack_pointer);
	if (!f)
		f = nooks_find_frame(ctx, current_stack_pointer, false);
	nested = f && f->dom == dom && !f->fault;
	preempt_enable();
	return nested;
}
EXPORT_SYMBOL_GPL(nooks_call_nested);

/**
 * nooks_domain_of_pdrv() - the domain whose driver registered a pci_driver
 * @pdrv: the pci_driver
 *
 * Any context.
 *
 * Return: the domain or NULL.
 */
struct nooks_domain *nooks_domain_of_pdrv(const struct pci_driver *pdrv)
{
	struct nooks_domain *dom, *found = NULL;

	rcu_read_lock();
	list_for_each_entry_rcu(dom, &nooks_domains, node) {
		if (READ_ONCE(dom->pdrv) == pdrv) {
			found = dom;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

/**
 * nooks_domain_find_caller() - the domain of the driver that called a wrapper
 * @ret_ip: the wrapper's return address
 * @any_mode: also when the domain is native (mode off), for the wrappers
 *	that undo a registration whatever the mode
 *
 * Return: the domain, or NULL when the caller is not an isolated driver
 * (then the wrapper just forwards the call).
 */
struct nooks_domain *nooks_domain_find_caller(unsigned long ret_ip,
					      bool any_mode)
{
	struct nooks_domain *dom = nooks_domain_of_ip(ret_ip);
	struct nooks_frame *f;

	if (!dom) {
		/*
		 * Wrappers are reached only from rewritten driver call sites,
		 * so a return address outside driver text means a tail call
		 * (JMP): the driver function jumped here and the return goes
		 * to its caller. The call is then still inside the protected
		 * call that entered the driver.
		 */
		preempt_disable();
		f = nooks_find_frame(preempt_count() & NOOKS_CTX_MASK,
				     current_stack_pointer, false);
		dom = f ? f->dom : NULL;
		preempt_enable();
	}
	return dom && (any_mode || dom->mode != NOOKS_MODE_OFF) ? dom : NULL;
}
EXPORT_SYMBOL_GPL(nooks_domain_find_caller);

/* nooks_domain_find_caller() of an isolated domain only. */
struct nooks_domain *nooks_domain_of_caller(unsigned long ret_ip)
{
	return nooks_domain_find_caller(ret_ip, false);
}
EXPORT_SYMBOL_GPL(nooks_domain_of_caller);

static void nooks_domain_set_text(struct nooks_domain *dom, struct module *mod)
{
	unsigned long base;

	if (!mod) {
		dom->text_start = dom->text_end = 0;
		dom->init_start = dom->init_end = 0;
		return;
	}
	base = (unsigned long)mod->core_layout.base;
	dom->text_start = base;
	dom->text_end = base + mod->core_layout.text_size;
	base = (unsigned long)mod->init_layout.base;
	dom->init_start = base;
	dom->init_end = base ? base + mod->init_layout.text_size : 0;
}

/**
 * nooks_domain_fail() - a fault was contained: fail the domain
 * @dom: the domain
 * @kind: enum nooks_fault_kind
 *
 * Any context, hardirq included. Nothing enters the driver from now on;
 * its devices stop DMA and interrupts; its class objects stop (the
 * recovery layer's failed hook, else each class interface's stop hook).
 * Recovery then runs in process context.
 */
void nooks_domain_fail(struct nooks_domain *dom, int kind)
{
	const struct nooks_domain_ops *ops;

	if (cmpxchg(&dom->state, NOOKS_STATE_RUNNING, NOOKS_STATE_FAILED) !=
	    NOOKS_STATE_RUNNING)
		return;
	atomic_inc(&dom->failures);
	if (!dom->last_fault.when_ns || dom->last_fault.kind != kind ||
	    kind == NOOKS_FAULT_STORM) {
		dom->last_fault.kind = kind;
		dom->last_fault.ip = 0;
		dom->last_fault.addr = 0;
		dom->last_fault.what = kind == NOOKS_FAULT_STORM ?
				       "irq_handler" : "";
		dom->last_fault.ctx = in_hardirq() ? "hardirq" :
				      in_serving_softirq() ? "softirq" :
				      "process";
		dom->last_fault.when_ns = local_clock();
	}
	nooks_pci_quiesce(dom);
	rcu_read_lock();
	ops = rcu_dereference(dom->ops);
	if (ops && ops->failed)
		ops->failed(dom);
	else
		nooks_iface_stop(dom);
	rcu_read_unlock();
	nooks_restart_schedule(dom);
}

/**
 * nooks_domain_found() - a failure was found outside any protected call
 * @dom: the domain
 * @kind: enum nooks_fault_kind
 * @ip: where it was found (0: nowhere in particular)
 * @what: what was found, shown as the fault's entry in last_fault
 *
 * Any context, hardirq included. Records the failure as a contained
 * fault would be, then fails the domain.
 */
void nooks_domain_found(struct nooks_domain *dom, int kind, unsigned long ip,
			const char *what)
{
	const char *ctx = in_hardirq() ? "hardirq" :
			  in_serving_softirq() ? "softirq" : "process";

	if (READ_ONCE(dom->state) != NOOKS_STATE_RUNNING)
		return;
	dom->last_fault.kind = kind;
	dom->last_fault.ip = ip;
	dom->last_fault.addr = 0;
	dom->last_fault.what = what;
	dom->last_fault.ctx = ctx;
	dom->last_fault.when_ns = local_clock();
	if (ip)
		pr_err("%s: detected %s at %pS: driver failed\n", dom->name,
		       what, (void *)ip);
	else
		pr_err("%s: detected %s: driver failed\n", dom->name, what);
	trace_nooks_fault(dom->name, nooks_fault_name(kind), ip, 0, what, ctx);
	nooks_domain_fail(dom, kind);
}
EXPORT_SYMBOL_GPL(nooks_domain_found);

/**
 * nooks_domain_detect() - a class found its driver failed without a fault
 * @dom: the domain
 * @what: what was found, shown as the fault's entry in last_fault (e.g.
 *	"stalled command")
 *
 * For a class's progress checks: a device that stopped making progress
 * while nothing faulted (a completion the driver lost). Fails the domain
 * as a hang, as the hang watchdog would. Process context.
 */
void nooks_domain_detect(struct nooks_domain *dom, const char *what)
{
	nooks_domain_found(dom, NOOKS_FAULT_HANG, 0, what);
}
EXPORT_SYMBOL_GPL(nooks_domain_detect);

/*
 * Text check of the hang watchdog (NMI-safe): a hung call may be aborted
 * while it runs the driver's own code (or text registered with
 * nooks_hang_add_text(), such as an injected endless loop), not inside a
 * kernel function the driver called.
 */
static bool nooks_domain_text_check(struct nooks_domain *dom, unsigned long ip)
{
	if (!dom)
		return false;
	return nooks_domain_in_text(dom, ip) || nooks_hang_in_text(ip);
}

/* Fault handler of the containment engine (nooks/fault.c). */
static void nooks_domain_on_fault(struct nooks_frame *f)
{
	struct nooks_domain *dom = f->dom;

	if (!dom)
		return;
	/* its other contexts may be waiting for the locks it held */
	nooks_locks_release_context(dom, f->ctx, f->jb[NOOKS_JB_RSP]);
	if (!f->ctx)
		nooks_sleeplocks_release_task(dom, f->jb[NOOKS_JB_RSP]);
	if (READ_ONCE(dom->state) == NOOKS_STATE_RUNNING) {
		dom->last_fault.kind = f->fault;
		dom->last_fault.ip = f->fault_ip;
		dom->last_fault.addr = f->fault_addr;
		dom->last_fault.what = f->what;
		dom->last_fault.ctx = f->ctx & HARDIRQ_MASK ? "hardirq" :
				      f->ctx & SOFTIRQ_MASK ? "softirq" :
				      "process";
		dom->last_fault.when_ns = local_clock();
		pr_err("%s: contained %s at %pS in %s (%s context)\n",
		       dom->name, nooks_fault_name(f->fault),
		       (void *)f->fault_ip, f->what, dom->last_fault.ctx);
		trace_nooks_fault(dom->name, nooks_fault_name(f->fault),
				  f->fault_ip, f->fault_addr, f->what,
				  dom->last_fault.ctx);
	}
	nooks_domain_fail(dom, f->fault);
}

/*
 * Bind the call sites of the driver and of the helpers its domain covers,
 * unless bound. Until the domain runs (mode off), the wrappers forward
 * every call as it is: a running driver may be bound before it is
 * brought to rest (nooks_domain_switch_inplace()).
 */
static int nooks_domain_bind(struct nooks_domain *dom)
{
	struct nooks_binding *b;

	lockdep_assert_held(&dom->ctl);
	if (dom->binding)
		return 0;
	/* a class module loaded since may bring helpers */
	nooks_group_find(dom, true);
	b = nooks_iface_bind(dom);
	if (IS_ERR(b)) {
		pr_err("%s: cannot interpose on the driver: %pe\n", dom->name,
		       b);
		return PTR_ERR(b);
	}
	dom->binding = b;
	return 0;
}

/* Restore what nooks_domain_bind() bound. */
static void nooks_domain_unbind(struct nooks_domain *dom)
{
	lockdep_assert_held(&dom->ctl);
	if (dom->binding) {
		nooks_unbind_module(dom->binding);
		dom->binding = NULL;
	}
	nooks_group_unbind(dom);
}

static int nooks_domain_attach(struct nooks_domain *dom)
{
	int ret;

	ret = nooks_domain_bind(dom);
	if (ret)
		return ret;
	if (dom->pdrv)
		nooks_pci_wrap_driver(dom, dom->pdrv);
	dom->last_fault.when_ns = 0;
	WRITE_ONCE(dom->state, NOOKS_STATE_RUNNING);
	pr_info("%s: isolated (%u call sites)\n", dom->name,
		nooks_binding_sites(dom->binding) + nooks_group_sites(dom));
	return 0;
}

/*
 * Forget the domain's driver as isolated: what the tracker and the
 * registries hold, its wrapped pci_driver; the domain goes native (or
 * unloaded). Its call sites stay as they are: the wrappers forward calls
 * from now on.
 */
static void nooks_domain_forget(struct nooks_domain *dom)
{
	lockdep_assert_held(&dom->ctl);
	nooks_pci_unwrap_driver(dom);
	nooks_cb_del_domain(dom);
	nooks_track_forget_all(dom);
	nooks_locks_forget(dom);
	nooks_sleeplocks_forget(dom);
	nooks_irq_purge(dom);
	WRITE_ONCE(dom->adopting, false);
	WRITE_ONCE(dom->ifaces, 0);
	WRITE_ONCE(dom->state, dom->mod ? NOOKS_STATE_NATIVE :
					  NOOKS_STATE_UNLOADED);
}

static void nooks_domain_detach(struct nooks_domain *dom)
{
	lockdep_assert_held(&dom->ctl);
	/* injected faults go before the text is rebound */
	nooks_swifi_detach(dom);
	nooks_domain_unbind(dom);
	nooks_domain_forget(dom);
}

static const struct nooks_domain_ops *nooks_shadow_ops;

/*
 * Isolate or de-isolate a loaded driver: unbind its devices, switch, bind
 * them again (their class objects are made anew). Caller holds dom->ctl.
 */
static int nooks_domain_switch(struct nooks_domain *dom, bool isolate)
{
	struct nooks_devlist devs;
	HLIST_HEAD(dma);
	bool failed = false;
	int ret;

	lockdep_assert_held(&dom->ctl);
	nooks_pci_find_driver(dom);
	ret = nooks_pci_hold_devices(dom, &devs);
	if (ret)
		return ret;
	nooks_pci_unbind_devices(dom, &devs);
	if (isolate) {
		ret = nooks_domain_attach(dom);
	} else {
		/*
		 * Failed, its recovery not run yet: release what the driver
		 * held (the unbind did not enter it); DMA buffers once the
		 * native driver has reset the device, as in a restart.
		 */
		failed = dom->state == NOOKS_STATE_FAILED;
		if (failed) {
			nooks_track_take_dma(dom, &dma);
			nooks_track_release_all(dom, NULL);
		}
		nooks_domain_detach(dom);
		pr_info("%s: native\n", dom->name);
	}
	nooks_pci_bind_devices(dom, &devs);
	if (failed)
		nooks_track_release_list(dom, &dma);
	return ret;
}


/**
 * nooks_domain_switch_method() - what a switch to or from mode off would do
 * @dom: the domain, its ctl held
 *
 * Return: NOOKS_SWITCH_INPLACE when the driver runs (natively, or
 * isolated and healthy) and a class can isolate it or let it go where it
 * runs (struct nooks_iface.in_place),
 * NOOKS_SWITCH_LIVE when the recovery layer can keep every kernel-visible
 * object of the driver's bound devices through a planned restart,
 * NOOKS_SWITCH_NONE when no device is bound (nothing to keep), else
 * NOOKS_SWITCH_REBIND.
 */
int nooks_domain_switch_method(struct nooks_domain *dom)
{
	const struct nooks_domain_ops *sops = READ_ONCE(nooks_shadow_ops);
	struct nooks_devlist devs;
	int state = READ_ONCE(dom->state);
	bool bound;

	lockdep_assert_held(&dom->ctl);
	if (!dom->mod)
		return NOOKS_SWITCH_NONE;
	nooks_pci_find_driver(dom);
	if (nooks_pci_hold_devices(dom, &devs))
		return NOOKS_SWITCH_REBIND;
	bound = devs.n;
	nooks_pci_put_devices(&devs);
	if (!bound)
		return NOOKS_SWITCH_NONE;
	if ((dom->mode == NOOKS_MODE_OFF && state == NOOKS_STATE_NATIVE) ||
	    (dom->mode != NOOKS_MODE_OFF && state == NOOKS_STATE_RUNNING)) {
		struct nooks_iface *iface = nooks_iface_in_place(dom);

		if (iface) {
			module_put(iface->owner);
			return NOOKS_SWITCH_INPLACE;
		}
	}
	if (sops && sops->live && sops->quiesce && sops->resume &&
	    ((state == NOOKS_STATE_NATIVE && dom->mode == NOOKS_MODE_OFF) ||
	     state == NOOKS_STATE_RUNNING) && sops->live(dom))
		return NOOKS_SWITCH_LIVE;
	return NOOKS_SWITCH_REBIND;
}

/* End @phase of the switch at local_clock() and begin the next one. */
static void nooks_switch_phase_end(struct nooks_domain *dom, int phase, u64 *t)
{
	u64 now = local_clock();

	dom->last_switch.ns[phase] = now - *t;
	*t = now;
}

/* The switch to @mode that just ended, as last_switch/ has it, traced. */
static void nooks_switch_traced(struct nooks_domain *dom, int mode)
{
	const struct nooks_switch *sw = &dom->last_switch;

	trace_nooks_switch(dom->name, nooks_switch_method_name(sw->method),
			   nooks_mode_name(mode), sw->ok,
			   sw->ns[NOOKS_SWITCH_STOP], sw->ns[NOOKS_SWITCH_REMOVE],
			   sw->ns[NOOKS_SWITCH_PROBE], sw->ns[NOOKS_SWITCH_REPLAY],
			   sw->total_ns);
}

/*
 * The re-probe of a planned restart failed: nothing of the driver's is
 * left bound, what the recovery layer kept goes too.
 */
static void nooks_switch_abandon(struct nooks_domain *dom,
				 const struct nooks_domain_ops *sops)
{
	nooks_track_release_all(dom, NULL);
	nooks_track_forget_devres(dom);
	nooks_cb_del_domain(dom);
	WRITE_ONCE(dom->state, NOOKS_STATE_FAILSTOP);
	if (sops->stopped)
		sops->stopped(dom);
}

/*
 * The driver faulted in its close or remove during a switch (the fault
 * was contained, no recovery scheduled: the switch is a restart already):
 * what it held is released as a recovery would, after its calls left.
 */
static void nooks_switch_failed(struct nooks_domain *dom)
{
	if (nooks_restart_drain(dom))
		pr_warn("%s: %d calls still in the driver\n", dom->name,
			atomic_read(&dom->inflight));
	nooks_locks_release(dom, U64_MAX);
	nooks_sleeplocks_release(dom, U64_MAX);
}

/*
 * Switch a loaded driver with bound devices to or from mode off without
 * its devices' users noticing: a planned restart. The recovery layer
 * (shadow mode, whatever the target) takes over the class objects and
 * stands in; the driver closes and removes its devices as protected
 * calls while the layer keeps the objects; the devices are bound again,
 * isolated or (to mode off) natively with the text still bound so that
 * the layer can hand the kept objects to the probe; the layer replays
 * the logged state and hands the devices back. Caller holds dom->ctl and
 * a reference on the module; nooks_domain_switch_method() said LIVE.
 *
 * A fault of the driver in its close or remove is contained and counted;
 * the switch goes on as the driver's restart (what it acquired before it
 * was isolated is not tracked, and what it did not free before the fault
 * is left behind). A failed re-probe leaves the driver fail-stopped, its
 * devices unbound (-EIO).
 */
static int nooks_domain_switch_live(struct nooks_domain *dom, int mode)
{
	const struct nooks_domain_ops *sops = READ_ONCE(nooks_shadow_ops);
	struct nooks_switch *sw = &dom->last_switch;
	bool native = mode == NOOKS_MODE_OFF;
	int old = dom->mode;
	struct nooks_devlist devs;
	u64 t0, t;
	int ret;

	lockdep_assert_held(&dom->ctl);
	memset(sw, 0, sizeof(*sw));
	sw->method = NOOKS_SWITCH_LIVE;
	t0 = local_clock();
	t = t0;
	ret = nooks_pci_hold_devices(dom, &devs);
	if (ret)
		return ret;
	/* the shadow stands in through the switch, whatever the target */
	if (old != NOOKS_MODE_SHADOW) {
		rcu_assign_pointer(dom->ops, sops);
		WRITE_ONCE(dom->mode, NOOKS_MODE_SHADOW);
		WRITE_ONCE(dom->adopting, old == NOOKS_MODE_OFF);
		if (sops->attach)
			sops->attach(dom);
	}
	/*
	 * A fault from now on is handled here, not by a recovery. From off,
	 * the driver is closed natively before its call sites are bound: a
	 * running driver would pair a call made before the binding with one
	 * made after (a lock taken natively, released through a wrapper).
	 */
	dom->restarting = true;
	ret = sops->quiesce(dom);
	if (ret)
		pr_warn("%s: switch: not every device was taken over (%d)\n",
			dom->name, ret);
	if (old == NOOKS_MODE_OFF) {
		ret = nooks_domain_attach(dom);
		if (ret)
			goto err_attach;
	}
	nooks_switch_phase_end(dom, NOOKS_SWITCH_STOP, &t);
	nooks_pci_unbind_devices(dom, &devs);
	if (READ_ONCE(dom->state) != NOOKS_STATE_RUNNING)
		nooks_switch_failed(dom);
	/* what the driver left: leaked, or made before it was isolated */
	nooks_track_release_all(dom, sops->keep);
	nooks_cb_del_domain(dom);
	nooks_quarantine_flush(dom);
	nooks_switch_phase_end(dom, NOOKS_SWITCH_REMOVE, &t);

	if (native) {
		/* native probe; its calls to the kernel pass through */
		nooks_pci_unwrap_driver(dom);
		WRITE_ONCE(dom->mode, NOOKS_MODE_OFF);
	}
	WRITE_ONCE(dom->state, NOOKS_STATE_RUNNING);
	ret = nooks_pci_bind_devices(dom, &devs);
	dom->restarting = false;
	WRITE_ONCE(dom->adopting, false);
	if (!ret && READ_ONCE(dom->state) != NOOKS_STATE_RUNNING)
		ret = -EIO;
	nooks_switch_phase_end(dom, NOOKS_SWITCH_PROBE, &t);
	if (!ret)
		ret = sops->resume(dom, native);
	nooks_switch_phase_end(dom, NOOKS_SWITCH_REPLAY, &t);
	if (ret) {
		nooks_switch_abandon(dom, sops);
		pr_err("%s: driver did not come back from the switch (%d): fail-stopped\n",
		       dom->name, ret);
		if (native) {
			if (sops->detach)
				sops->detach(dom);
			RCU_INIT_POINTER(dom->ops, NULL);
			nooks_domain_detach(dom);
		}
		ret = -EIO;
		goto out;
	}

	if (mode != NOOKS_MODE_SHADOW) {
		if (sops->detach)
			sops->detach(dom);
		RCU_INIT_POINTER(dom->ops, NULL);
	}
	if (native) {
		nooks_domain_detach(dom);
		pr_info("%s: native, devices kept\n", dom->name);
	} else {
		WRITE_ONCE(dom->mode, mode);
		pr_info("%s: %s, devices kept\n", dom->name,
			nooks_mode_name(mode));
	}
	sw->ok = true;
out:
	sw->total_ns = local_clock() - t0;
	return ret;

err_attach:
	/*
	 * The call sites could not be bound after the driver closed its
	 * devices: they stay closed, the shadow standing in (mode shadow,
	 * state native); a switch to off then rebinds them.
	 */
	dom->restarting = false;
	WRITE_ONCE(dom->adopting, false);
	nooks_pci_put_devices(&devs);
	pr_err("%s: cannot isolate the closed driver (%d): its devices stay closed\n",
	       dom->name, ret);
	sw->total_ns = local_clock() - t0;
	return ret;
}

/*
 * Isolate a driver that runs natively without unbinding its devices, or
 * let an isolated one go the same way: its class brings them to rest (no
 * call of the kernel into the driver or its helpers for them, none
 * running); to isolate, the call sites are bound and the class takes over
 * the objects the driver made natively; to let go, the class gives its
 * objects their own entries back, nooks its interrupts and callbacks, and
 * the call sites are restored; then the devices are let go again. Nothing
 * the kernel or an application sees changes; the pause is the wait for
 * the devices to rest plus the (un)binding. Caller holds dom->ctl;
 * nooks_domain_switch_method() said INPLACE.
 *
 * What the driver set up natively and no class object leads to (a timer,
 * a work item of its own) runs unprotected until the driver is restarted.
 */
static int nooks_domain_switch_inplace(struct nooks_domain *dom, int mode)
{
	struct nooks_switch *sw = &dom->last_switch;
	bool native = mode == NOOKS_MODE_OFF;
	struct nooks_iface *iface;
	u64 t0, t;
	int ret;

	lockdep_assert_held(&dom->ctl);
	memset(sw, 0, sizeof(*sw));
	sw->method = NOOKS_SWITCH_INPLACE;
	t0 = local_clock();
	t = t0;
	iface = nooks_iface_in_place(dom);
	if (!iface)
		return -EAGAIN;		/* the class went meanwhile */
	if (!native) {
		/* no pause for it: the wrappers forward calls until adopt */
		ret = nooks_domain_bind(dom);
		nooks_switch_phase_end(dom, NOOKS_SWITCH_REMOVE, &t);
		if (ret)
			goto out_put;
	}
	ret = iface->hold(dom, true);
	if (ret) {
		pr_err("%s: devices did not come to rest (%d): mode unchanged\n",
		       dom->name, ret);
		if (!native)
			nooks_domain_unbind(dom);
		goto out_release;
	}
	nooks_switch_phase_end(dom, NOOKS_SWITCH_STOP, &t);
	if (native) {
		iface->let_go(dom);
		if (nooks_irq_let_go(dom))
			pr_warn("%s: an interrupt stays wrapped\n", dom->name);
		nooks_cb_let_go(dom);
		if (nooks_hook(dom, detach))
			nooks_domain_ops(dom)->detach(dom);
		RCU_INIT_POINTER(dom->ops, NULL);
		WRITE_ONCE(dom->mode, NOOKS_MODE_OFF);
		/* wrappers that started see the mode: none runs after this */
		synchronize_rcu();
		nooks_swifi_detach(dom);
		nooks_domain_forget(dom);
		/* the detach forgot the driver: the let-go below needs it */
		nooks_pci_find_driver(dom);
		nooks_switch_phase_end(dom, NOOKS_SWITCH_PROBE, &t);
		pr_info("%s: native in place, devices kept\n", dom->name);
		goto out_release;
	}
	ret = nooks_domain_attach(dom);
	if (ret)
		goto out_release;
	/* frees of what the kernel handed it natively are not judged */
	WRITE_ONCE(dom->adopting, true);
	ret = iface->adopt(dom);
	if (ret) {
		pr_err("%s: cannot take over its devices (%d): not isolated\n",
		       dom->name, ret);
		nooks_domain_detach(dom);
		nooks_pci_find_driver(dom);
		goto out_release;
	}
	rcu_assign_pointer(dom->ops, mode == NOOKS_MODE_SHADOW ?
				     nooks_shadow_ops : NULL);
	WRITE_ONCE(dom->mode, mode);
	if (nooks_hook(dom, attach))
		nooks_domain_ops(dom)->attach(dom);
	nooks_switch_phase_end(dom, NOOKS_SWITCH_PROBE, &t);
	pr_info("%s: %s in place, devices kept\n", dom->name,
		nooks_mode_name(mode));
out_release:
	iface->hold(dom, false);
	nooks_switch_phase_end(dom, NOOKS_SWITCH_REPLAY, &t);
	if (native && !ret) {
		/* mode off: the wrappers forward calls until restored */
		nooks_domain_unbind(dom);
		nooks_switch_phase_end(dom, NOOKS_SWITCH_REMOVE, &t);
	}
out_put:
	module_put(iface->owner);
	sw->ok = !ret;
	sw->total_ns = local_clock() - t0;
	return ret;
}

/**
 * nooks_shadow_register() - plug a recovery layer (shadow drivers) in
 * @ops: its hooks; domains in shadow mode use them
 *
 * Return: 0, or -EBUSY when one is registered already.
 */
int nooks_shadow_register(const struct nooks_domain_ops *ops)
{
	int ret = 0;

	mutex_lock(&nooks_domains_lock);
	if (nooks_shadow_ops)
		ret = -EBUSY;
	else
		nooks_shadow_ops = ops;
	mutex_unlock(&nooks_domains_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(nooks_shadow_register);

/**
 * nooks_shadow_unregister() - unplug the recovery layer
 * @ops: what nooks_shadow_register() was given
 *
 * Domains in shadow mode fall back to isolate mode. When this returns,
 * no hook of @ops runs or will run: its module may go.
 *
 * Context: process context.
 */
void nooks_shadow_unregister(const struct nooks_domain_ops *ops)
{
	struct nooks_domain *dom;

	mutex_lock(&nooks_domains_lock);
	nooks_shadow_ops = NULL;
	list_for_each_entry(dom, &nooks_domains, node) {
		mutex_lock(&dom->ctl);
		if (nooks_domain_ops(dom) == ops) {
			if (ops->detach)
				ops->detach(dom);
			RCU_INIT_POINTER(dom->ops, NULL);
		}
		if (dom->mode == NOOKS_MODE_SHADOW)
			WRITE_ONCE(dom->mode, NOOKS_MODE_ISOLATE);
		mutex_unlock(&dom->ctl);
	}
	mutex_unlock(&nooks_domains_lock);
	/* a failed hook may still run in a fault taken before the clearing */
	synchronize_rcu();
}
EXPORT_SYMBOL_GPL(nooks_shadow_unregister);

/**
 * nooks_domain_set_mode() - change what a domain does with its driver
 * @dom: the domain
 * @mode: enum nooks_mode
 *
 * Process context. Switching between isolate and shadow keeps the driver
 * running; switching to or from off re-binds its devices.
 *
 * Return: 0, -EBUSY while the module is coming or going, or an error of
 * the attach.
 */
int nooks_domain_set_mode(struct nooks_domain *dom, int mode)
{
	int old, ret = 0;

	mutex_lock(&dom->ctl);
	if (mode == dom->mode)
		goto out;
	if (mode == NOOKS_MODE_SHADOW && !READ_ONCE(nooks_shadow_ops)) {
		ret = -EOPNOTSUPP;	/* no shadow layer loaded */
		goto out;
	}
	old = dom->mode;
	if (dom->mod && (mode == NOOKS_MODE_OFF || old == NOOKS_MODE_OFF) &&
	    nooks_domain_switch_method(dom) == NOOKS_SWITCH_INPLACE) {
		ret = nooks_domain_switch_inplace(dom, mode);
		nooks_switch_traced(dom, mode);
		goto out;
	}
	if (dom->mod && (mode == NOOKS_MODE_OFF || old == NOOKS_MODE_OFF) &&
	    nooks_domain_switch_method(dom) == NOOKS_SWITCH_LIVE) {
		if (!try_module_get(dom->mod)) {
			ret = -EBUSY;
			goto out;
		}
		ret = nooks_domain_switch_live(dom, mode);
		module_put(dom->mod);
		nooks_switch_traced(dom, mode);
		goto out;
	}
	if (nooks_hook(dom, detach))
		nooks_domain_ops(dom)->detach(dom);
	rcu_assign_pointer(dom->ops, mode == NOOKS_MODE_SHADOW ?
				     nooks_shadow_ops : NULL);
	/* wrappers serve a driver only while its mode is not off */
	WRITE_ONCE(dom->mode, mode);
	if (dom->mod && (mode == NOOKS_MODE_OFF || old == NOOKS_MODE_OFF)) {
		u64 t0 = local_clock();

		if (!try_module_get(dom->mod)) {
			ret = -EBUSY;
		} else {
			ret = nooks_domain_switch(dom, mode != NOOKS_MODE_OFF);
			module_put(dom->mod);
		}
		memset(&dom->last_switch, 0, sizeof(dom->last_switch));
		dom->last_switch.method = NOOKS_SWITCH_REBIND;
		dom->last_switch.total_ns = local_clock() - t0;
		dom->last_switch.ok = !ret;
		nooks_switch_traced(dom, mode);
		if (ret) {
			/* back to the old mode, with its hooks */
			WRITE_ONCE(dom->mode, old);
			rcu_assign_pointer(dom->ops, old == NOOKS_MODE_SHADOW ?
					   nooks_shadow_ops : NULL);
			if (nooks_hook(dom, attach))
				nooks_domain_ops(dom)->attach(dom);
			goto out;
		}
	}
	if (nooks_hook(dom, attach))
		nooks_domain_ops(dom)->attach(dom);
out:
	mutex_unlock(&dom->ctl);
	return ret;
}

/**
 * nooks_domain_create() - create the domain of a driver module
 * @name: module name
 *
 * Return: the domain, or ERR_PTR(-EEXIST, -EINVAL, -ENOMEM).
 */
struct nooks_domain *nooks_domain_create(const char *name)
{
	struct nooks_domain *dom;
	struct module *mod;
	int ret;

	if (!*name || strlen(name) >= MODULE_NAME_LEN || strchr(name, '/') ||
	    !strcmp(name, THIS_MODULE->name))
		return ERR_PTR(-EINVAL);
	dom = kzalloc(sizeof(*dom), GFP_KERNEL);
	if (!dom)
		return ERR_PTR(-ENOMEM);
	strscpy(dom->name, name, sizeof(dom->name));
	mutex_init(&dom->ctl);
	nooks_track_init(&dom->track);
	nooks_restart_init(dom);

	mutex_lock(&nooks_domains_lock);
	if (nooks_domain_find(name)) {
		mutex_unlock(&nooks_domains_lock);
		kfree(dom);
		return ERR_PTR(-EEXIST);
	}
	ret = nooks_iface_domain_add(dom);
	if (ret) {
		mutex_unlock(&nooks_domains_lock);
		kfree(dom);
		return ERR_PTR(ret);
	}
	ret = nooks_sysfs_domain_add(dom);	/* frees dom on error */
	if (ret) {
		nooks_iface_domain_del(dom);
		mutex_unlock(&nooks_domains_lock);
		return ERR_PTR(ret);
	}
	/* the reference keeps the module from going before we are listed */
	mod = nooks_get_module(name);
	if (mod) {
		mutex_lock(&dom->ctl);
		dom->mod = mod;
		nooks_domain_set_text(dom, mod);
		nooks_group_find(dom, false);
		dom->state = NOOKS_STATE_NATIVE;
		mutex_unlock(&dom->ctl);
	}
	nooks_debugfs_domain_add(dom);
	nooks_swifi_domain_add(dom);
	list_add_tail_rcu(&dom->node, &nooks_domains);
	mutex_unlock(&nooks_domains_lock);
	if (mod)
		module_put(mod);
	return dom;
}

/**
 * nooks_domain_destroy() - return the driver to native and drop the domain
 * @dom: the domain
 */
void nooks_domain_destroy(struct nooks_domain *dom)
{
	nooks_domain_set_mode(dom, NOOKS_MODE_OFF);
	nooks_restart_cancel(dom);
	mutex_lock(&nooks_domains_lock);
	list_del_rcu(&dom->node);
	nooks_swifi_domain_del(dom);
	nooks_iface_domain_del(dom);
	mutex_unlock(&nooks_domains_lock);
	synchronize_rcu();
	nooks_debugfs_domain_del(dom);
	nooks_sysfs_domain_del(dom);	/* frees dom */
}

/*
 * The isolated module's init, run as a protected call: a fault in it is
 * contained (the load fails), and the driver's calls from it, tail calls
 * included, are known to come from the driver.
 */
static int nooks_module_init(void)
{
	struct nooks_domain *dom, *found = NULL;
	int ret;

	rcu_read_lock();
	list_for_each_entry_rcu(dom, &nooks_domains, node) {
		if (dom->init_task == current) {
			found = dom;
			break;
		}
	}
	rcu_read_unlock();
	if (WARN_ON_ONCE(!found))
		return -ENODEV;
	NOOKS_CALL(found, "module_init", ret, found->orig_init(), -EIO);
	return ret;
}

static void nooks_domain_wrap_init(struct nooks_domain *dom,
				   struct module *mod)
{
	if (!mod->init)
		return;
	dom->orig_init = mod->init;
	dom->init_task = current;
	mod->init = nooks_module_init;
}

static void nooks_domain_unwrap_init(struct nooks_domain *dom,
				     struct module *mod)
{
	if (mod->init == nooks_module_init)
		mod->init = dom->orig_init;
	dom->init_task = NULL;
}

/* A helper module a domain covers goes (caller holds nooks_domains_lock). */
static void nooks_domains_module_going(struct module *mod)
{
	struct nooks_domain *dom;

	lockdep_assert_held(&nooks_domains_lock);
	list_for_each_entry(dom, &nooks_domains, node) {
		mutex_lock(&dom->ctl);
		nooks_group_module_going(dom, mod);
		mutex_unlock(&dom->ctl);
	}
}

static int nooks_module_notify(struct notifier_block *nb, unsigned long action,
			       void *data)
{
	struct module *mod = data;
	struct nooks_domain *dom;

	mutex_lock(&nooks_domains_lock);
	if (action == MODULE_STATE_GOING)
		nooks_domains_module_going(mod);
	dom = nooks_domain_find(mod->name);
	mutex_unlock(&nooks_domains_lock);
	if (!dom)
		return NOTIFY_DONE;

	/* a recovery in flight holds dom->ctl, and fails to get the module */
	if (action == MODULE_STATE_GOING)
		nooks_restart_cancel(dom);
	mutex_lock(&dom->ctl);
	switch (action) {
	case MODULE_STATE_COMING:
		dom->mod = mod;
		dom->pdrv = NULL;
		nooks_domain_set_text(dom, mod);
		nooks_group_find(dom, false);
		dom->state = NOOKS_STATE_NATIVE;
		if (dom->mode == NOOKS_MODE_OFF)
			break;
		if (nooks_domain_attach(dom))
			WRITE_ONCE(dom->mode, NOOKS_MODE_OFF);
		else
			nooks_domain_wrap_init(dom, mod);
		break;
	case MODULE_STATE_LIVE:
		/* init text is freed now */
		nooks_domain_unwrap_init(dom, mod);
		dom->init_start = dom->init_end = 0;
		break;
	case MODULE_STATE_GOING:
		if (dom->mod != mod)
			break;
		nooks_domain_unwrap_init(dom, mod);
		if (dom->state == NOOKS_STATE_FAILED) {
			/* unloaded before its recovery ran: the driver's exit
			 * did not enter it, so release what it held
			 */
			nooks_track_release_all(dom, NULL);
		} else if (dom->track.total) {
			pr_warn("%s: unloaded holding %u tracked objects\n",
				dom->name, dom->track.total);
		}
		nooks_domain_detach(dom);
		nooks_group_clear(dom);
		dom->mod = NULL;
		dom->pdrv = NULL;
		nooks_domain_set_text(dom, NULL);
		WRITE_ONCE(dom->state, NOOKS_STATE_UNLOADED);
		break;
	}
	mutex_unlock(&dom->ctl);
	return NOTIFY_OK;
}

static struct notifier_block nooks_module_nb = {
	.notifier_call = nooks_module_notify,
};

int nooks_domain_init(void)
{
	int ret;

	ret = nooks_iface_init();
	if (ret)
		return ret;
	nooks_group_init();
	nooks_fault_set_handler(nooks_domain_on_fault);
	nooks_hang_set_text_check(nooks_domain_text_check);
	ret = register_module_notifier(&nooks_module_nb);
	if (ret)
		goto err_handlers;
	return 0;

err_handlers:
	nooks_hang_set_text_check(NULL);
	nooks_fault_set_handler(NULL);
	nooks_iface_exit();
	return ret;
}

void nooks_domain_exit(void)
{
	struct nooks_domain *dom;

	unregister_module_notifier(&nooks_module_nb);
	for (;;) {
		mutex_lock(&nooks_domains_lock);
		dom = list_first_entry_or_null(&nooks_domains,
					       struct nooks_domain, node);
		mutex_unlock(&nooks_domains_lock);
		if (!dom)
			break;
		dom->dying = true;
		nooks_domain_destroy(dom);
	}
	nooks_hang_set_text_check(NULL);
	nooks_fault_set_handler(NULL);
	nooks_iface_exit();
}
