// SPDX-License-Identifier: GPL-2.0
/*
 * lttng/lttng-probe-nooks.c - LTTng probes for the nooks tracepoints.
 *
 * Built against lttng-modules (make lttng). A root lttng-sessiond loads
 * it when "nooks" is in its probe list: --kmod-probes or
 * --extra-kmod-probes, or LTTNG_KMOD_PROBES or LTTNG_EXTRA_KMOD_PROBES
 * (which the guests of tools/vm --lttng set). The events are then listed
 * by `lttng list -k` and enabled by name. LTTng attaches the probes to
 * the tracepoints of nooks.ko by name whenever it is loaded, before or
 * after this module: neither module needs the other's symbols.
 */
#include <linux/module.h>
#include <lttng/tracer.h>

/*
 * The kernel-side declarations first: the LTTng instrumentation below
 * must match their prototypes.
 */
#include "nooks_trace.h"

#include <wrapper/tracepoint.h>

/* Create the LTTng probes (events/nooks.h). */
#undef TRACE_INCLUDE_PATH
#undef TRACE_INCLUDE_FILE
#define LTTNG_PACKAGE_BUILD
#define CREATE_TRACE_POINTS
#define TRACE_INCLUDE_PATH events

#include "events/nooks.h"

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("LTTng probes for the nooks tracepoints (shadowdrv)");
