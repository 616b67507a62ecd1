/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nooks/nooks_trace.h - tracepoints of the isolation layer (TRACE_SYSTEM nooks):
 * contained faults, recovery phases, fault injections. Visible in tracefs
 * under events/nooks/.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM nooks

#if !defined(_NOOKS_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _NOOKS_TRACE_H

#include <linux/tracepoint.h>

/* nooks_fault - a fault in an isolated driver was detected and contained */
TRACE_EVENT(nooks_fault,
	TP_PROTO(const char *driver, const char *kind, unsigned long ip,
		 unsigned long addr, const char *what, const char *ctx),
	TP_ARGS(driver, kind, ip, addr, what, ctx),
	TP_STRUCT__entry(
		__string(driver, driver)
		__string(kind, kind)
		__field(unsigned long, ip)
		__field(unsigned long, addr)
		__string(what, what)
		__string(ctx, ctx)
	),
	TP_fast_assign(
		__assign_str(driver, driver);
		__assign_str(kind, kind);
		__entry->ip = ip;
		__entry->addr = addr;
		__assign_str(what, what);
		__assign_str(ctx, ctx);
	),
	TP_printk("driver=%s kind=%s ip=%pS addr=0x%lx entry=%s context=%s",
		  __get_str(driver), __get_str(kind), (void *)__entry->ip,
		  __entry->addr, __get_str(what), __get_str(ctx))
);

DECLARE_EVENT_CLASS(nooks_phase_class,
	TP_PROTO(const char *driver, const char *phase, u64 ns),
	TP_ARGS(driver, phase, ns),
	TP_STRUCT__entry(
		__string(driver, driver)
		__string(phase, phase)
		__field(u64, ns)
	),
	TP_fast_assign(
		__assign_str(driver, driver);
		__assign_str(phase, phase);
		__entry->ns = ns;
	),
	TP_printk("driver=%s phase=%s ns=%llu", __get_str(driver),
		  __get_str(phase), __entry->ns)
);

/* a recovery phase begins (ns: 0) */
DEFINE_EVENT(nooks_phase_class, nooks_phase_begin,
	TP_PROTO(const char *driver, const char *phase, u64 ns),
	TP_ARGS(driver, phase, ns));

/* a recovery phase ends (ns: its duration) */
DEFINE_EVENT(nooks_phase_class, nooks_phase_end,
	TP_PROTO(const char *driver, const char *phase, u64 ns),
	TP_ARGS(driver, phase, ns));

/* nooks_recovery - a recovery ended */
TRACE_EVENT(nooks_recovery,
	TP_PROTO(const char *driver, int ok, u64 total_ns),
	TP_ARGS(driver, ok, total_ns),
	TP_STRUCT__entry(
		__string(driver, driver)
		__field(int, ok)
		__field(u64, total_ns)
	),
	TP_fast_assign(
		__assign_str(driver, driver);
		__entry->ok = ok;
		__entry->total_ns = total_ns;
	),
	TP_printk("driver=%s ok=%d total_ns=%llu", __get_str(driver),
		  __entry->ok, __entry->total_ns)
);

/*
 * nooks_switch - a switch of a loaded driver to or from off ended: its
 * method ("live", "in-place", "rebind"), the mode it went to, and the
 * phases of last_switch/ (ns; 0 where the method has no such phase)
 */
TRACE_EVENT(nooks_switch,
	TP_PROTO(const char *driver, const char *method, const char *mode,
		 int ok, u64 stop_ns, u64 remove_ns, u64 probe_ns,
		 u64 replay_ns, u64 total_ns),
	TP_ARGS(driver, method, mode, ok, stop_ns, remove_ns, probe_ns,
		replay_ns, total_ns),
	TP_STRUCT__entry(
		__string(driver, driver)
		__string(method, method)
		__string(mode, mode)
		__field(int, ok)
		__field(u64, stop_ns)
		__field(u64, remove_ns)
		__field(u64, probe_ns)
		__field(u64, replay_ns)
		__field(u64, total_ns)
	),
	TP_fast_assign(
		__assign_str(driver, driver);
		__assign_str(method, method);
		__assign_str(mode, mode);
		__entry->ok = ok;
		__entry->stop_ns = stop_ns;
		__entry->remove_ns = remove_ns;
		__entry->probe_ns = probe_ns;
		__entry->replay_ns = replay_ns;
		__entry->total_ns = total_ns;
	),
	TP_printk("driver=%s method=%s mode=%s ok=%d stop_ns=%llu remove_ns=%llu probe_ns=%llu replay_ns=%llu total_ns=%llu",
		  __get_str(driver), __get_str(method), __get_str(mode),
		  __entry->ok, __entry->stop_ns, __entry->remove_ns,
		  __entry->probe_ns, __entry->replay_ns, __entry->total_ns)
);

/* nooks_release - the tracker released a failed driver's objects of a type */
TRACE_EVENT(nooks_release,
	TP_PROTO(const char *driver, const char *type, unsigned int count,
		 u64 ns),
	TP_ARGS(driver, type, count, ns),
	TP_STRUCT__entry(
		__string(driver, driver)
		__string(type, type)
		__field(unsigned int, count)
		__field(u64, ns)
	),
	TP_fast_assign(
		__assign_str(driver, driver);
		__assign_str(type, type);
		__entry->count = count;
		__entry->ns = ns;
	),
	TP_printk("driver=%s type=%s count=%u ns=%llu", __get_str(driver),
		  __get_str(type), __entry->count, __entry->ns)
);

/* nooks_inject - an armed fault injection fired */
TRACE_EVENT(nooks_inject,
	TP_PROTO(const char *driver, const char *fault, const char *func,
		 unsigned long hits),
	TP_ARGS(driver, fault, func, hits),
	TP_STRUCT__entry(
		__string(driver, driver)
		__string(fault, fault)
		__string(func, func)
		__field(unsigned long, hits)
	),
	TP_fast_assign(
		__assign_str(driver, driver);
		__assign_str(fault, fault);
		__assign_str(func, func);
		__entry->hits = hits;
	),
	TP_printk("driver=%s fault=%s function=%s call=%lu", __get_str(driver),
		  __get_str(fault), __get_str(func), __entry->hits)
);

#endif /* _NOOKS_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE nooks_trace
#include <trace/define_trace.h>
