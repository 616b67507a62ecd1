// SPDX-License-Identifier: GPL-2.0
/*
 * nooks/trace.c - instantiates the nooks tracepoints (nooks_trace.h).
 */
#define CREATE_TRACE_POINTS
#include "nooks_trace.h"
