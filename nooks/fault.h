/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Nooks: internals shared by fault.c (trap side), frames.c (frame
 * registry) and hang.c.
 */
#ifndef _NOOKS_FAULT_H
#define _NOOKS_FAULT_H

#include <linux/jump_label.h>
#include <linux/preempt.h>
#include <linux/sched/clock.h>
#include <linux/types.h>
#include <asm/msr.h>

#include "frame.h"

struct pt_regs;
struct task_struct;

/*
 * The part of preempt_count() that names the context a frame belongs to:
 * NMI and hardirq nesting, and "serving a softirq".  Preemption and
 * bh-disable counts are left out: a driver may change them inside a call.
 */
#define NOOKS_CTX_MASK	(NMI_MASK | HARDIRQ_MASK | SOFTIRQ_OFFSET)

/* nooks/frames.c */
void nooks_frames_init(void);
struct nooks_frame *nooks_find_frame(unsigned long ctx, unsigned long sp,
				     bool nmi);
struct nooks_frame *nooks_current_frame(unsigned long ctx, unsigned long sp);
struct nooks_frame *nooks_fault_frame_at(unsigned long ctx, unsigned long ip,
					 unsigned long sp, bool nmi);
struct nooks_frame *nooks_fault_frame(unsigned long ctx, struct pt_regs *regs,
				      bool nmi);
bool nooks_cpu_may_have_frames(int cpu);
void nooks_frame_unlink(struct nooks_frame *f);
void nooks_purge_task(struct task_struct *t);

/* nooks/hang.c */
DECLARE_STATIC_KEY_FALSE(nooks_stamp_tsc);

/*
 * When a protected call entered, for the hang watchdog: the TSC where it
 * runs at one rate on every CPU (a few instructions), else local_clock().
 * Only the watchdog reads it (nooks_hang_stamp_ns()).
 */
static __always_inline u64 nooks_stamp(void)
{
	if (static_branch_likely(&nooks_stamp_tsc))
		return rdtsc();
	return local_clock();
}

/* nooks/fault.c */
void nooks_redirect(struct pt_regs *regs, struct nooks_frame *f, int kind,
		    unsigned long addr);

/* nooks/jump.S */
void nooks_ret_stub(void);

#endif /* _NOOKS_FAULT_H */
