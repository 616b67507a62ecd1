// SPDX-License-Identifier: GPL-2.0
/*
 * swifi/flip.c - data bit flips of the SWIFI fault model (register, stack
 * and heap), for mutate.c.
 *
 * A kprobe on the chosen instruction of the driver lets a seeded number of
 * executions (0-63) pass; on the next, before the instruction runs, it
 * flips one seeded bit of
 *
 *   reg    one of the 15 general registers other than %rsp,
 *   stack  the stack slot the instruction's memory operand addresses,
 *   heap   the heap data (kernel direct map: slab or pages) the memory
 *          operand addresses; an execution addressing anything else is
 *          let pass.
 *
 * The driver's text is untouched.  The flip fires once.
 */
#define pr_fmt(fmt) "nooks: " fmt

#include <linux/hash.h>
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "domain.h"
#include "mutate.h"
#include "nooks_trace.h"
#include "symbols.h"

/**
 * struct nooks_flip - one armed bit flip
 * @kp: the probe on the instruction
 * @insn: the instruction, decoded
 * @dom: the driver's domain
 * @kind: enum nooks_flip_kind
 * @name: the fault's name, for the trace
 * @after: executions to let pass
 * @hits: executions seen
 * @bit: which bit (of the register, or of the operand)
 * @reg: which register (reg)
 * @fired: the bit was flipped
 * @func: the function the instruction is in, for the trace
 */
struct nooks_flip {
	struct kprobe kp;
	struct insn insn;
	struct nooks_domain *dom;
	int kind;
	const char *name;
	unsigned long after;
	atomic_long_t hits;
	unsigned int bit;
	unsigned int reg;
	bool fired;
	char func[KSYM_SYMBOL_LEN];
};

/* The general registers in pt_regs, %rsp left out. */
static const unsigned short nooks_flip_regs[] = {
	offsetof(struct pt_regs, ax), offsetof(struct pt_regs, bx),
	offsetof(struct pt_regs, cx), offsetof(struct pt_regs, dx),
	offsetof(struct pt_regs, si), offsetof(struct pt_regs, di),
	offsetof(struct pt_regs, bp), offsetof(struct pt_regs, r8),
	offsetof(struct pt_regs, r9), offsetof(struct pt_regs, r10),
	offsetof(struct pt_regs, r11), offsetof(struct pt_regs, r12),
	offsetof(struct pt_regs, r13), offsetof(struct pt_regs, r14),
	offsetof(struct pt_regs, r15),
};

typedef void __user *(*nooks_addr_ref_t)(struct insn *insn,
					 struct pt_regs *regs);
static nooks_addr_ref_t nooks_addr_ref;

/* Flip a bit of the memory operand; false if it is not the kind's. */
static bool nooks_flip_mem(struct nooks_flip *fl, struct pt_regs *regs)
{
	unsigned long ea = (unsigned long)nooks_addr_ref(&fl->insn, regs);
	unsigned int width = fl->insn.opnd_bytes ?: 1;
	u8 *p, v;

	if (ea == -1UL)
		return false;
	/* the heap is the direct map of RAM (not the kernel image's alias) */
	if (fl->kind == NOOKS_FLIP_HEAP &&
	    (ea < PAGE_OFFSET || ea >= (unsigned long)high_memory))
		return false;
	p = (u8 *)ea + (fl->bit % (width * 8)) / 8;
	if (get_kernel_nofault(v, p))
		return false;
	v ^= 1 << (fl->bit % 8);
	pagefault_disable();
	__put_kernel_nofault(p, &v, u8, fail);
	pagefault_enable();
	return true;
fail:
	pagefault_enable();
	return false;
}

static int nooks_flip_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct nooks_flip *fl = container_of(kp, struct nooks_flip, kp);
	unsigned long *r;

	if (READ_ONCE(fl->fired) ||
	    atomic_long_inc_return(&fl->hits) <= fl->after)
		return 0;
	if (fl->kind == NOOKS_FLIP_REG) {
		r = (unsigned long *)((u8 *)regs + nooks_flip_regs[fl->reg]);
		*r ^= 1UL << (fl->bit % BITS_PER_LONG);
	} else if (!nooks_flip_mem(fl, regs)) {
		return 0;
	}
	WRITE_ONCE(fl->fired, true);
	trace_nooks_inject(fl->dom->name, fl->name, fl->func,
			   atomic_long_read(&fl->hits));
	return 0;
}

/*
 * A probe with a post handler is never optimised into a jump: the text
 * keeps only the int3, which unregistering takes out at once, so the next
 * mutation decodes the driver's own instructions.
 */
static void nooks_flip_post(struct kprobe *kp, struct pt_regs *regs,
			    unsigned long flags)
{
}

/**
 * nooks_flip_arm() - arm a bit flip on an instruction of a driver
 * @dom: the driver's domain; caller holds dom->ctl
 * @kind: enum nooks_flip_kind
 * @insn: the instruction (in the driver's text), decoded
 * @name: the fault's name (static string)
 * @seed: chooses the register, the bit and the executions to let pass
 *
 * Return: the flip, or an ERR_PTR (-ENOENT if the kernel cannot compute
 * effective addresses, the kprobe's error if the instruction cannot be
 * probed).
 */
struct nooks_flip *nooks_flip_arm(struct nooks_domain *dom, int kind,
				  const struct insn *insn, const char *name,
				  unsigned long seed)
{
	struct nooks_flip *fl;
	int ret;

	if (!nooks_addr_ref) {
		nooks_addr_ref = (nooks_addr_ref_t)
				 nooks_lookup_name("insn_get_addr_ref");
		if (!nooks_addr_ref)
			return ERR_PTR(-ENOENT);
	}
	fl = kzalloc(sizeof(*fl), GFP_KERNEL);
	if (!fl)
		return ERR_PTR(-ENOMEM);
	fl->insn = *insn;
	fl->dom = dom;
	fl->kind = kind;
	fl->name = name;
	fl->after = hash_long(seed ^ 0x27d4eb2dUL, 32) % 64;
	fl->bit = hash_long(seed ^ 0x5bd1e995UL, 32);
	fl->reg = hash_long(seed ^ 0x165667b1UL, 32) %
		  ARRAY_SIZE(nooks_flip_regs);
	sprint_symbol_no_offset(fl->func, (unsigned long)insn->kaddr);
	strreplace(fl->func, ' ', '\0');
	fl->kp.addr = (kprobe_opcode_t *)insn->kaddr;
	fl->kp.pre_handler = nooks_flip_pre;
	fl->kp.post_handler = nooks_flip_post;
	ret = register_kprobe(&fl->kp);
	if (ret) {
		kfree(fl);
		return ERR_PTR(ret);
	}
	return fl;
}

/**
 * nooks_flip_disarm() - remove a flip, fired or not
 * @fl: the flip
 */
void nooks_flip_disarm(struct nooks_flip *fl)
{
	unregister_kprobe(&fl->kp);
	kfree(fl);
}

/**
 * nooks_flip_state() - "armed" or "fired", for the debugfs file
 * @fl: the flip
 *
 * Return: a static string.
 */
const char *nooks_flip_state(const struct nooks_flip *fl)
{
	return READ_ONCE(fl->fired) ? "fired" : "armed";
}
