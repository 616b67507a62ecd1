/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lttng/events/nooks.h - LTTng instrumentation of the nooks tracepoints
 * (nooks/nooks_trace.h), for lttng-probe-nooks.ko.
 *
 * One LTTng event per kernel event, with the same name, prototype and
 * fields. lttng-probe-nooks.c includes nooks_trace.h first: a prototype
 * that differs from the kernel's fails to compile. nooks_fault records
 * one field more than the kernel's, ip_sym: the faulting address as
 * symbol+offset/size [module], which only the guest that ran it can
 * resolve (tracefs does it at read time with %pS).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM nooks

#if !defined(LTTNG_TRACE_NOOKS_H) || defined(TRACE_HEADER_MULTI_READ)
#define LTTNG_TRACE_NOOKS_H

#include <lttng/tracepoint-event.h>
#include <linux/kallsyms.h>

LTTNG_TRACEPOINT_EVENT_CODE(nooks_fault,

	TP_PROTO(const char *driver, const char *kind, unsigned long ip,
		 unsigned long addr, const char *what, const char *ctx),

	TP_ARGS(driver, kind, ip, addr, what, ctx),

	TP_locvar(
		char ip_sym[KSYM_SYMBOL_LEN];
	),

	/* the handler runs back on the aborted call's entry stack */
	TP_code_pre(
		if (ip)
			sprint_symbol(tp_locvar->ip_sym, ip);
		else
			strscpy(tp_locvar->ip_sym, "-", KSYM_SYMBOL_LEN);
	),

	TP_FIELDS(
		ctf_string(driver, driver)
		ctf_string(kind, kind)
		ctf_integer_hex(unsigned long, ip, ip)
		ctf_string(ip_sym, tp_locvar->ip_sym)
		ctf_integer_hex(unsigned long, addr, addr)
		ctf_string(what, what)
		ctf_string(ctx, ctx)
	),

	TP_code_post()
)

LTTNG_TRACEPOINT_EVENT_CLASS(nooks_phase_class,

	TP_PROTO(const char *driver, const char *phase, u64 ns),

	TP_ARGS(driver, phase, ns),

	TP_FIELDS(
		ctf_string(driver, driver)
		ctf_string(phase, phase)
		ctf_integer(u64, ns, ns)
	)
)

/* a recovery phase begins (ns: 0) */
LTTNG_TRACEPOINT_EVENT_INSTANCE(nooks_phase_class, nooks_phase_begin,

	TP_PROTO(const char *driver, const char *phase, u64 ns),

	TP_ARGS(driver, phase, ns)
)

/* a recovery phase ends (ns: its duration) */
LTTNG_TRACEPOINT_EVENT_INSTANCE(nooks_phase_class, nooks_phase_end,

	TP_PROTO(const char *driver, const char *phase, u64 ns),

	TP_ARGS(driver, phase, ns)
)

LTTNG_TRACEPOINT_EVENT(nooks_recovery,

	TP_PROTO(const char *driver, int ok, u64 total_ns),

	TP_ARGS(driver, ok, total_ns),

	TP_FIELDS(
		ctf_string(driver, driver)
		ctf_integer(int, ok, ok)
		ctf_integer(u64, total_ns, total_ns)
	)
)

LTTNG_TRACEPOINT_EVENT(nooks_switch,

	TP_PROTO(const char *driver, const char *method, const char *mode,
		 int ok, u64 stop_ns, u64 remove_ns, u64 probe_ns,
		 u64 replay_ns, u64 total_ns),

	TP_ARGS(driver, method, mode, ok, stop_ns, remove_ns, probe_ns,
		replay_ns, total_ns),

	TP_FIELDS(
		ctf_string(driver, driver)
		ctf_string(method, method)
		ctf_string(mode, mode)
		ctf_integer(int, ok, ok)
		ctf_integer(u64, stop_ns, stop_ns)
		ctf_integer(u64, remove_ns, remove_ns)
		ctf_integer(u64, probe_ns, probe_ns)
		ctf_integer(u64, replay_ns, replay_ns)
		ctf_integer(u64, total_ns, total_ns)
	)
)

LTTNG_TRACEPOINT_EVENT(nooks_release,

	TP_PROTO(const char *driver, const char *type, unsigned int count,
		 u64 ns),

	TP_ARGS(driver, type, count, ns),

	TP_FIELDS(
		ctf_string(driver, driver)
		ctf_string(type, type)
		ctf_integer(unsigned int, count, count)
		ctf_integer(u64, ns, ns)
	)
)

LTTNG_TRACEPOINT_EVENT(nooks_inject,

	TP_PROTO(const char *driver, const char *fault, const char *func,
		 unsigned long hits),

	TP_ARGS(driver, fault, func, hits),

	TP_FIELDS(
		ctf_string(driver, driver)
		ctf_string(fault, fault)
		ctf_string(func, func)
		ctf_integer(unsigned long, hits, hits)
	)
)

#endif /* LTTNG_TRACE_NOOKS_H */

#include <lttng/define_trace.h>
