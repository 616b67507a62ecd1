/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shadow/shadow.h - the shadow manager's interface to driver classes.
 *
 * The manager (shadow.ko) plugs into the isolation layer as its recovery
 * layer and decides *when* to recover: state machine and policy. A class
 * (classes/net, ...) knows *how*: what to log while the driver runs
 * (passive), how to answer for it while it is gone (active), what the
 * restarted driver gets back and how to replay the log (recovering).
 */
#ifndef _SHADOW_H
#define _SHADOW_H

#include <linux/list.h>

#include "domain.h"

/**
 * enum shadow_state - the shadow of a driver
 * @SHADOW_PASSIVE: the driver runs; the shadow logs its configuration
 * @SHADOW_ACTIVE: the driver failed; the shadow answers for it
 * @SHADOW_RECOVERING: the driver is being restarted and its state replayed
 * @SHADOW_GAVE_UP: policy left the driver fail-stopped
 */
enum shadow_state {
	SHADOW_PASSIVE,
	SHADOW_ACTIVE,
	SHADOW_RECOVERING,
	SHADOW_GAVE_UP,
};

/**
 * struct shadow_class_ops - what a driver class does for a shadowed driver
 *
 * The manager calls each registered class's hooks in turn for every
 * shadowed domain; a class acts on the objects of its kind the domain's
 * driver has (a sound card, a net device) and ignores the domain when the
 * driver has none. All hooks are optional.
 *
 * @attach: the domain enters shadow mode, or the class registers while it
 *	is in it: start passive logging of the driver's class objects.
 *	Process context, domain ctl held.
 * @detach: stop logging, forget the domain. Process context, ctl held.
 * @failed: a fault was contained: stop the class objects and stand in for
 *	the driver (active mode). Any context, must not sleep.
 * @keep: while the failed driver's objects are released: true keeps @obj
 *	(tracked and alive) for the restarted driver. A device-managed
 *	object (struct nooks_obj_type.devres) is offered too: the unbind
 *	frees it unless the hook takes it off its device. Process context,
 *	before the devices are unbound; may sleep.
 * @restart: restart the driver in place through its subsystem's own
 *	recovery instead of unbinding and probing it again (struct
 *	nooks_domain_ops.restart says how): -EOPNOTSUPP, at once, when the
 *	class does not restart this domain's driver. The first class that
 *	does not answer -EOPNOTSUPP restarts it. Process context, ctl held.
 * @recover: after the re-probe: replay the log, hand the objects back.
 *	Non-zero fails the recovery (the driver is left fail-stopped).
 *	Process context, ctl held; the classes run in registration order
 *	and the first error stops the round.
 * @stopped: the driver was left fail-stopped: give up standing in (fail
 *	what is pending). Process context, ctl held.
 * @check: progress check (shadow/health.c), run every check_ms while the
 *	driver runs: return what is stuck ("transmit stall") to fail the
 *	driver, or NULL. Process context, may sleep, ctl not held; the
 *	class keeps what it compares from one check to the next.
 * @live: does the class keep every device the domain's driver has bound
 *	through a planned restart (a switch to or from mode off)? Called in
 *	any mode, the domain maybe not shadowed. Process context, ctl held.
 * @quiesce: a planned restart begins, the domain shadowed and its driver
 *	running: take over the driver's class objects (those made before it
 *	was isolated too), stand in, close them through the driver's own
 *	entry points and keep them through its remove. 0 when the driver has
 *	none. Process context, ctl held.
 * @resume: after the planned re-probe: replay and hand the objects back,
 *	as @recover; with @native the driver is no longer isolated: let go
 *	of the objects afterwards. Process context, ctl held.
 */
struct shadow_class_ops {
	void (*attach)(struct nooks_domain *dom);
	void (*detach)(struct nooks_domain *dom);
	void (*failed)(struct nooks_domain *dom);
	bool (*keep)(struct nooks_domain *dom, const struct nooks_obj *obj);
	int (*restart)(struct nooks_domain *dom);
	int (*recover)(struct nooks_domain *dom);
	void (*stopped)(struct nooks_domain *dom);
	const char *(*check)(struct nooks_domain *dom);
	bool (*live)(struct nooks_domain *dom);
	int (*quiesce)(struct nooks_domain *dom);
	int (*resume)(struct nooks_domain *dom, bool native);
};

/**
 * struct shadow_class - a driver class (net, sound, ide)
 * @name: class name
 * @node: entry in the list of classes
 * @ops: the class's hooks
 * @going: being unregistered: attaches no new domain (private)
 */
struct shadow_class {
	const char *name;
	struct list_head node;
	const struct shadow_class_ops *ops;
	bool going;
};

int shadow_class_register(struct shadow_class *cls);
void shadow_class_unregister(struct shadow_class *cls);
const char *shadow_state_name(int state);

#endif /* _SHADOW_H */
