/* SPDX-License-Identifier: GPL-2.0 */
/*
 * swifi/mutate.h - the SWIFI fault model for campaigns (debugfs "mutate").
 *
 * mutate.c chooses where a fault goes and changes instructions;
 * mutate_call.c redirects call sites to faulty stand-ins; flip.c flips
 * data bits (registers, stack, heap) when an instruction runs.
 */
#ifndef _NOOKS_MUTATE_H
#define _NOOKS_MUTATE_H

#include <linux/fs.h>
#include <asm/insn.h>

struct nooks_domain;

extern const struct file_operations nooks_mutate_fops;
void nooks_mutate_undo(struct nooks_domain *dom);
void nooks_panic_injected(void);

/* mutate_call.c: what a call site calls, and faulty stand-ins */
enum nooks_callee_class {
	NOOKS_CALLEE_ALLOC	= BIT(0),	/* returns memory, or NULL */
	NOOKS_CALLEE_FREEABLE	= BIT(1),	/* ALLOC we know how to free */
	NOOKS_CALLEE_FREE	= BIT(2),	/* releases memory */
	NOOKS_CALLEE_COPY	= BIT(3),	/* (dst, src|c, len) copy */
	NOOKS_CALLEE_LOCK	= BIT(4),	/* takes or drops a lock */
};

unsigned int nooks_callee_class(struct nooks_domain *dom,
				const struct insn *insn);
int nooks_redirect_arm(struct nooks_domain *dom, const struct insn *insn,
		       bool overrun, unsigned long seed, u8 *bytes);
void nooks_redirect_disarm(struct nooks_domain *dom);
const char *nooks_redirect_state(struct nooks_domain *dom);

/* flip.c: data bit flips when an instruction runs */
enum nooks_flip_kind {
	NOOKS_FLIP_REG,
	NOOKS_FLIP_STACK,
	NOOKS_FLIP_HEAP,
};

struct nooks_flip;

struct nooks_flip *nooks_flip_arm(struct nooks_domain *dom, int kind,
				  const struct insn *insn, const char *name,
				  unsigned long seed);
void nooks_flip_disarm(struct nooks_flip *fl);
const char *nooks_flip_state(const struct nooks_flip *fl);
int nooks_insn_mem_base(const struct insn *insn);

/* nooks_insn_mem_base() results besides a register number */
#define NOOKS_BASE_NONE		(-1)	/* no memory operand */
#define NOOKS_BASE_RIP		(-2)	/* RIP-relative */
#define NOOKS_BASE_ABS		(-3)	/* no base register */

#endif /* _NOOKS_MUTATE_H */
