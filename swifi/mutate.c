// SPDX-License-Identifier: GPL-2.0
/*
 * swifi/mutate.c - the SWIFI fault model of Rio and Nooks, for fault
 * campaigns (tools/campaign).
 *
 * /sys/kernel/debug/shadow/<driver>/mutate takes "TYPE FUNCTION SEED".
 * FUNCTION is a function of the driver, or "*" for all of its core text.
 * One place is chosen among those that fit TYPE, deterministically from
 * SEED (the same seed gives the same place and the same change), and the
 * fault is applied there, like a bug the programmer or the compiler could
 * have made:
 *
 *   text       flip one bit of an instruction
 *   nop        remove an instruction (replaced by NOPs)
 *   src        flip one bit of an instruction's immediate source operand
 *   dst        make an instruction write another register
 *   branch     remove a jump (conditional or not)
 *   loop       invert the condition of a conditional jump
 *   ptr        flip one bit of the displacement of a memory operand
 *              (corrupt an address computation)
 *   interface  remove the load of an argument register before a call
 *   init       remove a store that initialises memory (an immediate, or
 *              a register to a stack slot)
 *   while1     replace an instruction with an endless loop
 *   panic      replace an instruction with a call to panic()
 *   alloc      a call to an allocator returns NULL instead
 *   free       a call to an allocator: the block it returns is freed
 *              again 0-255 ms later, behind the driver's back (once)
 *   leak       remove a call that frees memory
 *   overrun    a call to memcpy/memmove/memset/memcpy_fromio/memcpy_toio/
 *              strscpy copies 50% more (once)
 *   sync       remove a call that takes or drops a lock
 *   reg        flip one bit of a register when an instruction runs (once)
 *   stack      flip one bit of the stack slot an instruction accesses
 *   heap       flip one bit of the heap data an instruction accesses
 *
 * Call sites are recognised by the kernel function they call, through
 * the binding for an isolated driver, so the same seed picks the same
 * site in every mode.  "off" restores the original bytes; so do disabling
 * the domain and a restart (as reloading the module would).  One mutation
 * per domain at a time.  Works on isolated and on native drivers
 * (campaigns compare both).  Text is changed with the kernel's text_poke()
 * under text_mutex, then every CPU is synchronised.
 */
#define pr_fmt(fmt) "nooks: " fmt

#include <linux/debugfs.h>
#include <linux/hash.h>
#include <linux/kallsyms.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/insn.h>

#include "domain.h"
#include "mutate.h"
#include "nooks_swifi.h"
#include "nooks_trace.h"
#include "symbols.h"
#include "text.h"

enum nooks_mutation_type {
	/* one instruction changed */
	NOOKS_MUT_TEXT,
	NOOKS_MUT_NOP,
	NOOKS_MUT_SRC,
	NOOKS_MUT_DST,
	NOOKS_MUT_BRANCH,
	NOOKS_MUT_LOOP,
	NOOKS_MUT_PTR,
	NOOKS_MUT_INTERFACE,
	NOOKS_MUT_INIT,
	NOOKS_MUT_WHILE1,
	NOOKS_MUT_PANIC,
	/* one call site changed */
	NOOKS_MUT_ALLOC,
	NOOKS_MUT_FREE,
	NOOKS_MUT_LEAK,
	NOOKS_MUT_OVERRUN,
	NOOKS_MUT_SYNC,
	/* one data bit flipped when an instruction runs (flip.c) */
	NOOKS_MUT_REG,
	NOOKS_MUT_STACK,
	NOOKS_MUT_HEAP,
	NOOKS_MUT_NR
};

static const char * const nooks_mutation_names[NOOKS_MUT_NR] = {
	[NOOKS_MUT_TEXT]	= "text",
	[NOOKS_MUT_NOP]		= "nop",
	[NOOKS_MUT_SRC]		= "src",
	[NOOKS_MUT_DST]		= "dst",
	[NOOKS_MUT_BRANCH]	= "branch",
	[NOOKS_MUT_LOOP]	= "loop",
	[NOOKS_MUT_PTR]		= "ptr",
	[NOOKS_MUT_INTERFACE]	= "interface",
	[NOOKS_MUT_INIT]	= "init",
	[NOOKS_MUT_WHILE1]	= "while1",
	[NOOKS_MUT_PANIC]	= "panic",
	[NOOKS_MUT_ALLOC]	= "alloc",
	[NOOKS_MUT_FREE]	= "free",
	[NOOKS_MUT_LEAK]	= "leak",
	[NOOKS_MUT_OVERRUN]	= "overrun",
	[NOOKS_MUT_SYNC]	= "sync",
	[NOOKS_MUT_REG]		= "reg",
	[NOOKS_MUT_STACK]	= "stack",
	[NOOKS_MUT_HEAP]	= "heap",
};

#define NOOKS_MUT_MAX_INSN	16

/* Bytes written over a call site: "xor %eax,%eax" + 3-byte NOP. */
static const u8 nooks_mut_ret_null[] = { 0x31, 0xc0, 0x0f, 0x1f, 0x00 };
/* A 5-byte NOP. */
static const u8 nooks_mut_nop5[] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };

/**
 * struct nooks_mutation - one applied fault of the SWIFI model
 * @addr: address of the instruction it is at
 * @len: bytes changed from @addr (0 for data flips: the text is intact)
 * @orig: the original bytes
 * @type: enum nooks_mutation_type
 * @func: the function it is in
 * @offset: its offset in the function
 * @flip: the armed data flip (reg, stack, heap)
 * @redirect: the call site was redirected to a stand-in (free, overrun)
 */
struct nooks_mutation {
	unsigned long addr;
	int len;
	u8 orig[NOOKS_MUT_MAX_INSN];
	int type;
	char func[KSYM_NAME_LEN];
	unsigned long offset;
	struct nooks_flip *flip;
	bool redirect;
};

static void nooks_mutate_write(unsigned long addr, const u8 *bytes, int len)
{
	nooks_text_lock();
	nooks_text_poke((void *)addr, bytes, len);
	nooks_text_unlock();
}

static bool nooks_insn_is_jcc(const struct insn *insn)
{
	u8 b0 = insn->opcode.bytes[0], b1 = insn->opcode.bytes[1];

	return (b0 >= 0x70 && b0 <= 0x7f) ||
	       (b0 == 0x0f && b1 >= 0x80 && b1 <= 0x8f);
}

static bool nooks_insn_is_jmp(const struct insn *insn)
{
	u8 b0 = insn->opcode.bytes[0];

	return b0 == 0xeb || b0 == 0xe9;
}

static bool nooks_insn_is_call(const struct insn *insn)
{
	return insn->opcode.bytes[0] == 0xe8 && insn->length == 5;
}

/* Instructions removing which would only move the fault elsewhere. */
static bool nooks_insn_is_control(const struct insn *insn)
{
	u8 b0 = insn->opcode.bytes[0];

	return nooks_insn_is_jcc(insn) || nooks_insn_is_jmp(insn) ||
	       b0 == 0xe8 || b0 == 0xc3 || b0 == 0xcc || b0 == 0xff;
}

static bool nooks_insn_has_mem(const struct insn *insn)
{
	return insn->modrm.nbytes && X86_MODRM_MOD(insn->modrm.value) != 3;
}

static u8 nooks_insn_rex(const struct insn *insn)
{
	return insn->rex_prefix.nbytes ? insn->rex_prefix.bytes[0] : 0;
}

/**
 * nooks_insn_mem_base() - base register of an instruction's memory operand
 * @insn: decoded instruction
 *
 * Return: the register number (0 rax ... 4 rsp, 5 rbp ... 15 r15), or
 * NOOKS_BASE_NONE, NOOKS_BASE_RIP, NOOKS_BASE_ABS.
 */
int nooks_insn_mem_base(const struct insn *insn)
{
	int mod, rm, rex_b = nooks_insn_rex(insn) & 1;

	if (!nooks_insn_has_mem(insn))
		return NOOKS_BASE_NONE;
	mod = X86_MODRM_MOD(insn->modrm.value);
	rm = X86_MODRM_RM(insn->modrm.value);
	if (rm == 4) {		/* SIB */
		int base = X86_SIB_BASE(insn->sib.value);

		if (base == 5 && mod == 0)
			return NOOKS_BASE_ABS;
		return base | rex_b << 3;
	}
	if (rm == 5 && mod == 0)
		return NOOKS_BASE_RIP;
	return rm | rex_b << 3;
}

static bool nooks_base_is_stack(int base)
{
	return base == 4 || base == 5;		/* rsp, rbp */
}

/* The register an instruction writes, for the common moves; or -1. */
static int nooks_insn_dst_reg(const struct insn *insn)
{
	u8 b0 = insn->opcode.bytes[0], rex = nooks_insn_rex(insn);
	int reg = X86_MODRM_REG(insn->modrm.value) | (rex & 4) << 1;
	int rm = X86_MODRM_RM(insn->modrm.value) | (rex & 1) << 3;
	bool direct = insn->modrm.nbytes &&
		      X86_MODRM_MOD(insn->modrm.value) == 3;

	if (insn->opcode.nbytes != 1)
		return -1;
	if (b0 >= 0xb8 && b0 <= 0xbf)		/* mov $imm, %reg */
		return (b0 & 7) | (rex & 1) << 3;
	if (b0 == 0x8b || b0 == 0x8d)		/* mov r/m, %reg; lea */
		return reg;
	if (direct && (b0 == 0x89 || b0 == 0x31 || b0 == 0xc7))
		return rm;			/* mov, xor, mov $imm to %reg */
	return -1;
}

static bool nooks_reg_is_arg(int reg)
{
	/* rdi rsi rdx rcx r8 r9 */
	return reg == 7 || reg == 6 || reg == 2 || reg == 1 || reg == 8 ||
	       reg == 9;
}

/* Is there a call within the next three instructions, on a straight path? */
static bool nooks_call_follows(unsigned long addr, unsigned long end)
{
	struct insn insn;
	int i;

	for (i = 0; i < 3 && addr < end; i++) {
		if (nooks_text_decode(&insn, (void *)addr, end - addr))
			return false;
		if (nooks_insn_is_call(&insn))
			return true;
		if (nooks_insn_is_control(&insn))
			return false;
		addr += insn.length;
	}
	return false;
}

/* Opcodes whose ModRM reg field is the destination. */
static bool nooks_insn_reg_is_dst(const struct insn *insn)
{
	static const u8 ops[] = { 0x02, 0x03, 0x0a, 0x0b, 0x12, 0x13, 0x1a,
				  0x1b, 0x22, 0x23, 0x2a, 0x2b, 0x32, 0x33,
				  0x63, 0x8a, 0x8b, 0x8d };
	u8 b0 = insn->opcode.bytes[0];

	if (insn->opcode.nbytes == 2 && b0 == 0x0f)
		return insn->opcode.bytes[1] == 0xb6 ||
		       insn->opcode.bytes[1] == 0xb7 ||
		       insn->opcode.bytes[1] == 0xbe ||
		       insn->opcode.bytes[1] == 0xbf;
	return insn->opcode.nbytes == 1 && memchr(ops, b0, sizeof(ops));
}

/* Opcodes whose ModRM r/m field is the destination (when a register). */
static bool nooks_insn_rm_is_dst(const struct insn *insn)
{
	static const u8 ops[] = { 0x00, 0x01, 0x08, 0x09, 0x20, 0x21, 0x28,
				  0x29, 0x30, 0x31, 0x80, 0x81, 0x83, 0x88,
				  0x89, 0xc1, 0xc7, 0xd1 };

	return insn->opcode.nbytes == 1 &&
	       memchr(ops, insn->opcode.bytes[0], sizeof(ops)) &&
	       X86_MODRM_MOD(insn->modrm.value) == 3;
}

/*
 * Does the instruction at @addr (of a function ending at @end) fit @type?
 * The rules follow the Rio/Nooks fault model: see Documentation/campaign.rst.
 */
static bool nooks_insn_fits(struct nooks_domain *dom, const struct insn *insn,
			    unsigned long addr, unsigned long end, int type)
{
	u8 b0 = insn->opcode.bytes[0];
	int base;

	switch (type) {
	case NOOKS_MUT_TEXT:
		return true;
	case NOOKS_MUT_NOP:
		return !nooks_insn_is_control(insn);
	case NOOKS_MUT_SRC:
		return insn->immediate.nbytes && !nooks_insn_is_control(insn);
	case NOOKS_MUT_DST:
		return insn->modrm.nbytes && (nooks_insn_reg_is_dst(insn) ||
					      nooks_insn_rm_is_dst(insn));
	case NOOKS_MUT_BRANCH:
		return nooks_insn_is_jcc(insn) || nooks_insn_is_jmp(insn);
	case NOOKS_MUT_LOOP:
		return nooks_insn_is_jcc(insn);
	case NOOKS_MUT_PTR:
		return nooks_insn_has_mem(insn) &&
		       insn->displacement.nbytes > 0;
	case NOOKS_MUT_INTERFACE:
		return nooks_reg_is_arg(nooks_insn_dst_reg(insn)) &&
		       nooks_call_follows(addr + insn->length, end);
	case NOOKS_MUT_INIT:
		if (insn->opcode.nbytes != 1 || !nooks_insn_has_mem(insn))
			return false;
		base = nooks_insn_mem_base(insn);
		return b0 == 0xc6 || b0 == 0xc7 ||
		       ((b0 == 0x88 || b0 == 0x89) && nooks_base_is_stack(base));
	case NOOKS_MUT_WHILE1:
		return insn->length >= 2;
	case NOOKS_MUT_PANIC:
		return addr + 5 <= end;
	case NOOKS_MUT_ALLOC:
		return nooks_callee_class(dom, insn) & NOOKS_CALLEE_ALLOC;
	case NOOKS_MUT_FREE:
		return nooks_callee_class(dom, insn) & NOOKS_CALLEE_FREEABLE;
	case NOOKS_MUT_LEAK:
		return nooks_callee_class(dom, insn) & NOOKS_CALLEE_FREE;
	case NOOKS_MUT_OVERRUN:
		return nooks_callee_class(dom, insn) & NOOKS_CALLEE_COPY;
	case NOOKS_MUT_SYNC:
		return nooks_callee_class(dom, insn) & NOOKS_CALLEE_LOCK;
	case NOOKS_MUT_REG:
		return b0 != 0xcc;
	case NOOKS_MUT_STACK:
	case NOOKS_MUT_HEAP:
		if (b0 == 0x8d || insn->prefixes.nbytes)
			return false;	/* lea, string ops, %gs: per-CPU data */
		base = nooks_insn_mem_base(insn);
		if (type == NOOKS_MUT_STACK)
			return nooks_base_is_stack(base);
		return base >= 0 && !nooks_base_is_stack(base);
	}
	return false;
}

/* A stretch of the driver's text to choose an instruction from. */
struct nooks_mut_range {
	unsigned long start, end;
};

/*
 * Walk the instructions of @r, skipping the first of each function (the
 * ftrace call site), and return the @pick-th that fits @type (modulo
 * their number).  A "function" of "*" is the driver's whole core text.
 */
static int nooks_mutate_pick(struct nooks_domain *dom,
			     const struct nooks_mut_range *r, int type,
			     unsigned long pick, struct insn *out)
{
	unsigned long addr, fn_end, n = 0, want, size, off;
	struct insn insn;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		want = n ? pick % n : 0;
		n = 0;
		for (addr = r->start; addr < r->end; addr = fn_end) {
			/* one function at a time: never decode across them */
			if (!nooks_text_symbol(addr, &size, &off) || !size)
				return -ENOENT;
			fn_end = min(addr - off + size, r->end);
			while (addr < fn_end) {
				if (nooks_text_decode(&insn, (void *)addr, fn_end - addr) ||
				    insn.length > NOOKS_MUT_MAX_INSN)
					break;
				if (off && nooks_insn_fits(dom, &insn, addr,
							   fn_end, type)) {
					if (pass == 1 && n == want) {
						*out = insn;
						return 0;
					}
					n++;
				}
				off = 1;
				addr += insn.length;
			}
		}
		if (!n)
			return -ENOENT;
	}
	return -ENOENT;
}

/* Flip bit @bit (modulo the field's size) of the @nbytes at @bytes[@off]. */
static void nooks_flip_field(u8 *bytes, int off, int nbytes, unsigned long bit)
{
	bit %= nbytes * 8;
	bytes[off + bit / 8] ^= 1 << (bit % 8);
}

/* Change the bytes of the chosen instruction for an instruction type. */
static void nooks_mutate_insn(struct insn *insn, int type,
			      unsigned long seed, u8 *bytes, int *len)
{
	unsigned long bit = hash_long(seed ^ 0x5bd1e995UL, 32);
	int i, pos;

	switch (type) {
	case NOOKS_MUT_TEXT:
		nooks_flip_field(bytes, 0, insn->length, bit);
		break;
	case NOOKS_MUT_NOP:
	case NOOKS_MUT_BRANCH:
	case NOOKS_MUT_INTERFACE:
	case NOOKS_MUT_INIT:
		for (i = 0; i < insn->length; i++)
			bytes[i] = 0x90;
		break;
	case NOOKS_MUT_SRC:
		nooks_flip_field(bytes, insn_offset_immediate(insn),
				 insn->immediate.nbytes, bit);
		break;
	case NOOKS_MUT_DST:
		/* another register: flip one bit of the destination field */
		pos = insn_offset_modrm(insn);
		bytes[pos] ^= 1 << (bit % 3 +
				    (nooks_insn_reg_is_dst(insn) ? 3 : 0));
		break;
	case NOOKS_MUT_LOOP:
		/* the low bit of the condition code negates the condition */
		i = insn->opcode.bytes[0] == 0x0f ? 1 : 0;
		bytes[insn_offset_opcode(insn) + i] ^= 1;
		break;
	case NOOKS_MUT_PTR:
		nooks_flip_field(bytes, insn_offset_displacement(insn),
				 insn->displacement.nbytes, bit);
		break;
	case NOOKS_MUT_WHILE1:
		bytes[0] = 0xeb;		/* jmp . */
		bytes[1] = 0xfe;
		for (i = 2; i < insn->length; i++)
			bytes[i] = 0x90;
		break;
	case NOOKS_MUT_PANIC: {
		/* call nooks_panic_injected: 5 bytes, never returns */
		unsigned long to = (unsigned long)nooks_panic_injected;
		s32 disp = (s32)(to - ((unsigned long)insn->kaddr + 5));

		bytes[0] = 0xe8;
		memcpy(bytes + 1, &disp, sizeof(disp));
		*len = 5;
		break;
	}
	case NOOKS_MUT_ALLOC:
		memcpy(bytes, nooks_mut_ret_null, sizeof(nooks_mut_ret_null));
		break;
	case NOOKS_MUT_LEAK:
	case NOOKS_MUT_SYNC:
		memcpy(bytes, nooks_mut_nop5, sizeof(nooks_mut_nop5));
		break;
	}
}

/**
 * nooks_panic_injected() - the panic() a campaign's "panic" fault calls
 *
 * mutate.c writes a call to this function into the driver's text.
 * For an isolated driver it behaves as the driver calling panic() through
 * its wrapper; for a native driver, as the driver calling panic().
 */
void nooks_panic_injected(void)
{
	unsigned long ip = (unsigned long)__builtin_return_address(0);
	struct nooks_domain *dom = nooks_domain_of_ip(ip);

	if (dom && READ_ONCE(dom->mode) != NOOKS_MODE_OFF) {
		pr_err("nooks: %s: driver panic: injected at %pS\n", dom->name,
		       (void *)ip);
		nooks_fault_abort(NOOKS_FAULT_PANIC, ip);
	}
	panic("nooks: %s: injected panic at %pS", dom ? dom->name : "?",
	      (void *)ip);
}

static int nooks_mutate_range(struct nooks_domain *dom, const char *func,
			      struct nooks_mut_range *r)
{
	unsigned long size, offset;

	if (!strcmp(func, "*")) {
		r->start = dom->text_start;
		r->end = dom->text_end;
		return 0;
	}
	r->start = nooks_lookup_name(func);
	if (!r->start || !nooks_domain_in_text(dom, r->start) ||
	    !nooks_text_symbol(r->start, &size, &offset) || offset)
		return -EINVAL;		/* not a function of this driver */
	r->end = r->start + size;
	return 0;
}

static int nooks_mutate_apply(struct nooks_domain *dom, int type,
			      const char *func, unsigned long seed)
{
	unsigned long size, offset;
	struct nooks_mut_range r;
	struct nooks_mutation *m;
	u8 bytes[NOOKS_MUT_MAX_INSN];
	struct insn insn;
	int ret;

	if (!dom->mod)
		return -ENODEV;
	ret = nooks_mutate_range(dom, func, &r);
	if (ret)
		return ret;
	/* the previous mutation goes first: the choice sees pristine text */
	nooks_mutate_undo(dom);
	ret = nooks_mutate_pick(dom, &r, type, hash_long(seed, 32), &insn);
	if (ret)
		return ret;
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	m->addr = (unsigned long)insn.kaddr;
	m->len = insn.length;
	m->type = type;
	if (nooks_text_symbol(m->addr, &size, &offset))
		m->offset = offset;
	sprint_symbol_no_offset(m->func, m->addr);
	strreplace(m->func, ' ', '\0');		/* drop " [module]" */

	switch (type) {
	case NOOKS_MUT_REG:
	case NOOKS_MUT_STACK:
	case NOOKS_MUT_HEAP:
		m->flip = nooks_flip_arm(dom, type - NOOKS_MUT_REG, &insn,
					 nooks_mutation_names[type], seed);
		if (IS_ERR(m->flip)) {
			ret = PTR_ERR(m->flip);
			kfree(m);
			return ret;
		}
		m->len = 0;
		break;
	default:
		if (type == NOOKS_MUT_PANIC)
			m->len = 5;
		memcpy(m->orig, insn.kaddr, m->len);
		memcpy(bytes, m->orig, m->len);
		if (type == NOOKS_MUT_FREE || type == NOOKS_MUT_OVERRUN) {
			ret = nooks_redirect_arm(dom, &insn,
						 type == NOOKS_MUT_OVERRUN,
						 seed, bytes);
			if (ret) {
				kfree(m);
				return ret;
			}
			m->redirect = true;
		} else {
			nooks_mutate_insn(&insn, type, seed, bytes, &m->len);
		}
		nooks_mutate_write(m->addr, bytes, m->len);
		break;
	}
	nooks_swifi_of(dom)->mutation = m;
	trace_nooks_inject(dom->name, nooks_mutation_names[type], m->func, 0);
	pr_info("%s: mutation %s at %s+0x%lx (%d bytes)\n", dom->name,
		nooks_mutation_names[type], m->func, m->offset, m->len);
	return 0;
}

/**
 * nooks_mutate_undo() - restore the instruction a mutation changed
 * @dom: the domain; caller holds dom->ctl
 */
void nooks_mutate_undo(struct nooks_domain *dom)
{
	struct nooks_mutation *m = nooks_swifi_of(dom)->mutation;

	if (!m)
		return;
	if (m->flip)
		nooks_flip_disarm(m->flip);
	if (dom->mod && m->len)
		nooks_mutate_write(m->addr, m->orig, m->len);
	if (m->redirect)
		nooks_redirect_disarm(dom);
	nooks_swifi_of(dom)->mutation = NULL;
	kfree(m);
}

static ssize_t nooks_mutate_file_write(struct file *file,
				       const char __user *ubuf, size_t count,
				       loff_t *ppos)
{
	struct nooks_domain *dom = file->private_data;
	char buf[192], type[16], func[KSYM_NAME_LEN];
	unsigned long seed = 0;
	int n, t, ret, end = 0;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	n = sscanf(buf, "%15s %127s%n", type, func, &end);
	if (n == 2 && nooks_swifi_number(buf + end, &seed))
		return -EINVAL;
	if (n == 1 && !strcmp(type, "off")) {
		mutex_lock(&dom->ctl);
		nooks_mutate_undo(dom);
		mutex_unlock(&dom->ctl);
		return count;
	}
	if (n < 2)
		return -EINVAL;
	t = match_string(nooks_mutation_names, ARRAY_SIZE(nooks_mutation_names),
			 type);
	if (t < 0)
		return -EINVAL;
	mutex_lock(&dom->ctl);
	ret = nooks_mutate_apply(dom, t, func, seed);
	mutex_unlock(&dom->ctl);
	return ret ?: count;
}

static ssize_t nooks_mutate_file_read(struct file *file, char __user *ubuf,
				      size_t count, loff_t *ppos)
{
	struct nooks_domain *dom = file->private_data;
	struct nooks_mutation *m;
	char buf[224];
	int len, i;

	mutex_lock(&dom->ctl);
	m = nooks_swifi_of(dom)->mutation;
	if (m) {
		len = scnprintf(buf, sizeof(buf), "%s %s+0x%lx%s",
				nooks_mutation_names[m->type], m->func,
				m->offset, m->len ? " orig" : "");
		for (i = 0; i < m->len; i++)
			len += scnprintf(buf + len, sizeof(buf) - len, " %02x",
					 m->orig[i]);
		/* one-shot faults say whether they fired yet */
		len += scnprintf(buf + len, sizeof(buf) - len, " %s\n",
				 m->flip ? nooks_flip_state(m->flip) :
				 m->redirect ? nooks_redirect_state(dom) :
				 "applied");
	} else {
		len = scnprintf(buf, sizeof(buf), "off\n");
	}
	mutex_unlock(&dom->ctl);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

const struct file_operations nooks_mutate_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = nooks_mutate_file_read,
	.write = nooks_mutate_file_write,
	.llseek = default_llseek,
};
