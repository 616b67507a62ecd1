// SPDX-License-Identifier: GPL-2.0
/*
 * shadow/trace.c - instantiates the shadow tracepoints (shadow_trace.h)
 * and exports them to the class modules.
 */
#include <linux/module.h>

#define CREATE_TRACE_POINTS
#include "shadow_trace.h"

EXPORT_TRACEPOINT_SYMBOL_GPL(shadow_standin);
EXPORT_TRACEPOINT_SYMBOL_GPL(shadow_replay);
