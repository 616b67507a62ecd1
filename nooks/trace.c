// SPDX-License-Identifier: GPL-2.0
/*
 * nooks/trace.c - instantiates the nooks tracepoints (nooks_trace.h).
 */
#define CREATE_TRACE_POINTS
#include "nooks_trace.h"

/* fired by the fault injector, nooks_swifi.ko (swifi/) */
EXPORT_TRACEPOINT_SYMBOL_GPL(nooks_inject);
