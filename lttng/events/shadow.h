/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lttng/events/shadow.h - LTTng instrumentation of the shadow tracepoints
 * (shadow/shadow_trace.h), for lttng-probe-shadow.ko: the same events with
 * the same names, prototypes and fields.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM shadow

#if !defined(LTTNG_TRACE_SHADOW_H) || defined(TRACE_HEADER_MULTI_READ)
#define LTTNG_TRACE_SHADOW_H

#include <lttng/tracepoint-event.h>

LTTNG_TRACEPOINT_EVENT(shadow_state,

	TP_PROTO(const char *driver, const char *from, const char *to),

	TP_ARGS(driver, from, to),

	TP_FIELDS(
		ctf_string(driver, driver)
		ctf_string(from, from)
		ctf_string(to, to)
	)
)

LTTNG_TRACEPOINT_EVENT_CLASS(shadow_op_class,

	TP_PROTO(const char *device, const char *op),

	TP_ARGS(device, op),

	TP_FIELDS(
		ctf_string(device, device)
		ctf_string(op, op)
	)
)

/* an operation the shadow answered (or held) for its failed driver */
LTTNG_TRACEPOINT_EVENT_INSTANCE(shadow_op_class, shadow_standin,

	TP_PROTO(const char *device, const char *op),

	TP_ARGS(device, op)
)

/* an operation replayed into the restarted driver */
LTTNG_TRACEPOINT_EVENT_INSTANCE(shadow_op_class, shadow_replay,

	TP_PROTO(const char *device, const char *op),

	TP_ARGS(device, op)
)

LTTNG_TRACEPOINT_EVENT(shadow_gave_up,

	TP_PROTO(const char *driver, const char *reason),

	TP_ARGS(driver, reason),

	TP_FIELDS(
		ctf_string(driver, driver)
		ctf_string(reason, reason)
	)
)

#endif /* LTTNG_TRACE_SHADOW_H */

#include <lttng/define_trace.h>
