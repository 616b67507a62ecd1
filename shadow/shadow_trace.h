/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shadow/shadow_trace.h - tracepoints of the shadow layer (TRACE_SYSTEM
 * shadow): state changes, operations answered by a shadow while its
 * driver is gone, replayed operations, policy decisions. Defined in
 * shadow.ko and used by the class modules too.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM shadow

#if !defined(_SHADOW_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _SHADOW_TRACE_H

#include <linux/tracepoint.h>

/* shadow_state - a shadow changes state (passive, active, ...) */
TRACE_EVENT(shadow_state,
	TP_PROTO(const char *driver, const char *from, const char *to),
	TP_ARGS(driver, from, to),
	TP_STRUCT__entry(
		__string(driver, driver)
		__string(from, from)
		__string(to, to)
	),
	TP_fast_assign(
		__assign_str(driver, driver);
		__assign_str(from, from);
		__assign_str(to, to);
	),
	TP_printk("driver=%s %s -> %s", __get_str(driver), __get_str(from),
		  __get_str(to))
);

DECLARE_EVENT_CLASS(shadow_op_class,
	TP_PROTO(const char *device, const char *op),
	TP_ARGS(device, op),
	TP_STRUCT__entry(
		__string(device, device)
		__string(op, op)
	),
	TP_fast_assign(
		__assign_str(device, device);
		__assign_str(op, op);
	),
	TP_printk("device=%s op=%s", __get_str(device), __get_str(op))
);

/* an operation the shadow answered (or held) for its failed driver */
DEFINE_EVENT(shadow_op_class, shadow_standin,
	TP_PROTO(const char *device, const char *op),
	TP_ARGS(device, op));

/* an operation replayed into the restarted driver */
DEFINE_EVENT(shadow_op_class, shadow_replay,
	TP_PROTO(const char *device, const char *op),
	TP_ARGS(device, op));

/* shadow_gave_up - the policy left a driver fail-stopped */
TRACE_EVENT(shadow_gave_up,
	TP_PROTO(const char *driver, const char *reason),
	TP_ARGS(driver, reason),
	TP_STRUCT__entry(
		__string(driver, driver)
		__string(reason, reason)
	),
	TP_fast_assign(
		__assign_str(driver, driver);
		__assign_str(reason, reason);
	),
	TP_printk("driver=%s reason=%s", __get_str(driver), __get_str(reason))
);

#endif /* _SHADOW_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE shadow_trace
#include <trace/define_trace.h>
