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
 * struct shadow_class - a driver class (net, sound, ide)
 * @name: class name
 * @node: entry in the list of classes
 * @ops: the class's hooks; the manager calls each class's hooks in turn,
 *	and a class acts on the objects of its kind the domain's driver has
 *	(the fields have the meaning of struct nooks_domain_ops; should_recover
 *	and attach/detach of the manager itself are not delegated)
 */
struct shadow_class {
	const char *name;
	struct list_head node;
	struct nooks_domain_ops ops;
};

int shadow_class_register(struct shadow_class *cls);
void shadow_class_unregister(struct shadow_class *cls);
const char *shadow_state_name(int state);

#endif /* _SHADOW_H */
