/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nooks/entry.h - the kit for wrapping an ops table a driver hands to the
 * kernel (kernel -> driver calls), for any class.
 *
 * A class keeps, per wrapped object, an entry record with at least:
 *
 *	struct nooks_domain *dom;	the driver's domain
 *	bool divert;			send every call to the stand-in
 *	const struct foo_ops *orig;	the driver's table
 *	const struct foo_ops *standin;	who answers while the driver cannot
 *
 * and gives the kernel a copy of the driver's table in which each op the
 * driver implements is a wrapper made with NOOKS_ENTRY_OP(). A wrapper
 * finds its record from its arguments (container_of() on the ops pointer,
 * a private_data field), calls the driver's op as a protected call, and
 * answers with the stand-in's op while the domain is failed or recovering,
 * when the call faulted, or while @divert is set (the shadow standing in).
 *
 * Keep the list of ops a class wraps in one X-macro: the same list then
 * makes the wrappers, fills the copy (NOOKS_ENTRY_WRAP()) and checks that
 * a stand-in table answers every op (NOOKS_ENTRY_CHECK()), so a stand-in
 * can never miss an op the wrappers cover (a NULL call, maybe in hardirq).
 */
#ifndef _NOOKS_ENTRY_H
#define _NOOKS_ENTRY_H

#include <linux/module.h>

#include "domain.h"

/*
 * The caller of a nested-op wrapper for nooks_call_nested(): its return
 * address, or 0 when that lies in the wrapper's own module. The domain's
 * code tail-calls ops (libata's ata_bmdma_setup() jumps to the port's
 * sff_exec_command), so the return address is then in the wrapper that
 * ran the calling op directly, inside the enclosing call: no kernel code
 * between the two either.
 */
#define NOOKS_NEST_IP()							\
	(within_module_core(_RET_IP_, THIS_MODULE) ? 0UL : _RET_IP_)

/* Wrapper body; @nest: see NOOKS_ENTRY_OP_NESTED(). */
#define __NOOKS_ENTRY_OP(name, rec, tbl, stbl, op, rtype, proto, args,	\
			 nest)						\
static rtype name proto							\
{									\
	typeof(rec) __r = (rec);					\
	rtype __ret;							\
									\
	if (unlikely(READ_ONCE(__r->divert)))				\
		return __r->stbl->op args;				\
	if ((nest) && nooks_call_nested(__r->dom, NOOKS_NEST_IP()))	\
		return __r->tbl->op args;				\
	NOOKS_CALL(__r->dom, #op, __ret, __r->tbl->op args,		\
		   __r->stbl->op args);					\
	return __ret;							\
}

#define __NOOKS_ENTRY_OP_VOID(name, rec, tbl, stbl, op, proto, args,	\
			      nest)					\
static void name proto							\
{									\
	typeof(rec) __r = (rec);					\
									\
	if (unlikely(READ_ONCE(__r->divert))) {				\
		__r->stbl->op args;					\
		return;							\
	}								\
	if ((nest) && nooks_call_nested(__r->dom, NOOKS_NEST_IP())) {	\
		__r->tbl->op args;					\
		return;							\
	}								\
	NOOKS_CALL_VOID(__r->dom, #op, __r->tbl->op args,		\
			__r->stbl->op args);				\
}

/**
 * NOOKS_ENTRY_OP() - define the wrapper of an op that returns a value
 * @name: the wrapper's name
 * @rec: expression giving the entry record from the arguments
 * @tbl: field of the record with the driver's table
 * @stbl: field of the record with the stand-in table
 * @op: the op
 * @rtype: its return type
 * @proto: its parameter list, in parentheses
 * @args: its arguments, in parentheses
 */
#define NOOKS_ENTRY_OP(name, rec, tbl, stbl, op, rtype, proto, args)	\
	__NOOKS_ENTRY_OP(name, rec, tbl, stbl, op, rtype, proto, args, false)

/* NOOKS_ENTRY_OP() for an op that returns nothing. */
#define NOOKS_ENTRY_OP_VOID(name, rec, tbl, stbl, op, proto, args)	\
	__NOOKS_ENTRY_OP_VOID(name, rec, tbl, stbl, op, proto, args, false)

/**
 * NOOKS_ENTRY_OP_NESTED() - NOOKS_ENTRY_OP() for an op the domain's own
 *	code also calls from inside its protected calls
 *
 * Called by code of the domain inside one of its protected calls in the
 * same context (nooks_call_nested()), the op runs directly, in the
 * enclosing call: a fault in it aborts that call.  Only for ops whose
 * callers in the domain never have kernel code between them and the
 * enclosing call (libata's port operations, called by libata), since the
 * abort unwinds everything down to the enclosing call.
 */
#define NOOKS_ENTRY_OP_NESTED(name, rec, tbl, stbl, op, rtype, proto, args) \
	__NOOKS_ENTRY_OP(name, rec, tbl, stbl, op, rtype, proto, args, true)

/* NOOKS_ENTRY_OP_NESTED() for an op that returns nothing. */
#define NOOKS_ENTRY_OP_NESTED_VOID(name, rec, tbl, stbl, op, proto, args) \
	__NOOKS_ENTRY_OP_VOID(name, rec, tbl, stbl, op, proto, args, true)

/* In a copy of the driver's table: the wrapper for each op it implements. */
#define NOOKS_ENTRY_WRAP(copy, op, wrapper)				\
	do {								\
		if ((copy)->op)						\
			(copy)->op = (wrapper);				\
	} while (0)

/*
 * In a stand-in table @t: count in @missing an op it leaves NULL, and
 * name it (@who: "isolate", the shadow class's name).
 */
#define NOOKS_ENTRY_CHECK(t, op, who, missing)				\
	do {								\
		if (!(t)->op) {						\
			pr_err("%s stand-in lacks %s\n", (who), #op);	\
			(missing)++;					\
		}							\
	} while (0)

#endif /* _NOOKS_ENTRY_H */
