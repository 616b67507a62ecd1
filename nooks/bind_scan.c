// SPDX-License-Identifier: GPL-2.0
/*
 * Nooks: the call-site scanner of call-site binding (bind.c).
 *
 * The isolated module's text is decoded instruction by instruction with the
 * kernel's x86 decoder, one function at a time (function bounds come from
 * the module's own kallsyms).  Every CALL rel32 (E8), JMP rel32 (E9, a tail
 * call) and Jcc rel32 (0F 8x) whose target is exactly the address of a
 * function in the import table is recorded in the binding as a site for
 * bind.c to rewrite; the scanner itself changes no text.
 *
 * Not redirected, by design:
 *  - address-taken imports: a kernel function whose address the module
 *    stores or passes as data (e.g. a callback such as
 *    delayed_work_timer_fn, or a function pointer in an ops table) is
 *    loaded with LEA/MOV and called later by the kernel or indirectly; only
 *    direct branches are rewritten;
 *  - calls through static calls (their sites belong to the static call
 *    machinery, which rewrites them at any time), through the retpoline
 *    thunks, or from code outside the module (e.g. a kernel helper the
 *    module passed a callback to);
 *  - branches carrying a prefix (length other than 5 or 6) - the compiler
 *    does not emit them for calls to kernel functions; they are counted as
 *    "skipped";
 *  - instructions hidden under a kprobe or optprobe at bind time.
 */
#define pr_fmt(fmt) "nooks: " fmt

#include <linux/elf.h>
#include <linux/kallsyms.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/static_call_types.h>
#include <asm/insn.h>

#include "bind_priv.h"
#include "text.h"

static const char * const nooks_site_kind_name[NOOKS_SITE_KINDS] = {
	[NOOKS_SITE_CALL] = "call",
	[NOOKS_SITE_JMP] = "jmp",
	[NOOKS_SITE_JCC] = "jcc",
};

static bool nooks_in(unsigned long addr, const struct module_layout *l)
{
	unsigned long base = (unsigned long)l->base;

	return l->base && addr >= base && addr < base + l->text_size;
}

static int nooks_range_cmp(const void *a, const void *b)
{
	const struct nooks_range *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	/* Same start (aliases): longest first, so the others are skipped. */
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1;
	return 0;
}

/*
 * Function ranges of the module's text from its kallsyms.  While the module
 * is COMING, mod->kallsyms is the full symbol table (init symbols too);
 * once LIVE it is the core-only copy.  Symbols are read with preemption
 * disabled, as the kernel's own module kallsyms walkers do.  The ranges
 * come sorted by address; the caller kvfree()s *@out.
 */
int nooks_collect_ranges(struct module *mod, bool with_init,
			 struct nooks_range **out, unsigned int *nr_out)
{
	const struct mod_kallsyms *ks;
	struct nooks_range *r;
	unsigned int num, i, nr = 0;

	preempt_disable();
	ks = rcu_dereference_sched(mod->kallsyms);
	num = ks ? ks->num_symtab : 0;
	preempt_enable();
	if (!num)
		return -ENOENT;

	r = kvmalloc_array(num, sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;

	preempt_disable();
	ks = rcu_dereference_sched(mod->kallsyms);
	for (i = 0; ks && i < ks->num_symtab && nr < num; i++) {
		const Elf_Sym *sym = &ks->symtab[i];
		unsigned int type = ELF_ST_TYPE(sym->st_info);
		unsigned long v = sym->st_value;
		const struct module_layout *l;

		if (sym->st_shndx == SHN_UNDEF ||
		    (type != STT_FUNC && type != STT_NOTYPE))
			continue;
		if (nooks_in(v, &mod->core_layout))
			l = &mod->core_layout;
		else if (with_init && nooks_in(v, &mod->init_layout))
			l = &mod->init_layout;
		else
			continue;

		r[nr].start = v;
		r[nr].limit = (unsigned long)l->base + l->text_size;
		r[nr].end = sym->st_size ? min(v + sym->st_size, r[nr].limit) : 0;
		r[nr].init = l == &mod->init_layout;
		nr++;
	}
	preempt_enable();

	sort(r, nr, sizeof(*r), nooks_range_cmp, NULL);

	/* A symbol without a size runs to the next symbol. */
	for (i = 0; i < nr; i++) {
		unsigned int j;

		if (r[i].end)
			continue;
		r[i].end = r[i].limit;
		for (j = i + 1; j < nr; j++) {
			if (r[j].start > r[i].start) {
				r[i].end = min(r[j].start, r[i].limit);
				break;
			}
		}
	}

	*out = r;
	*nr_out = nr;
	return 0;
}

#ifdef CONFIG_HAVE_STATIC_CALL_INLINE
static bool nooks_is_static_call_site(struct module *mod, unsigned long addr)
{
	int i;

	for (i = 0; i < mod->num_static_call_sites; i++) {
		struct static_call_site *s = &mod->static_call_sites[i];

		if ((unsigned long)&s->addr + s->addr == addr)
			return true;
	}
	return false;
}
#else
static bool nooks_is_static_call_site(struct module *mod, unsigned long addr)
{
	return false;
}
#endif

/* Kind of a direct rel32 branch, or -1.  @len is the expected length. */
static int nooks_branch_kind(const struct insn *insn, unsigned int *len)
{
	u8 op0 = insn->opcode.bytes[0];

	if (insn->opcode.nbytes == 1 && op0 == CALL_REL32_OPCODE) {
		*len = BRANCH_REL32_LEN;
		return NOOKS_SITE_CALL;
	}
	if (insn->opcode.nbytes == 1 && op0 == JMP_REL32_OPCODE) {
		*len = BRANCH_REL32_LEN;
		return NOOKS_SITE_JMP;
	}
	if (insn->opcode.nbytes == 2 && op0 == TWO_BYTE_ESCAPE &&
	    (insn->opcode.bytes[1] & 0xf0) == 0x80) {
		*len = JCC_REL32_LEN;
		return NOOKS_SITE_JCC;
	}
	return -1;
}

static bool nooks_disp32(unsigned long next_ip, unsigned long to, s32 *disp)
{
	long d = (long)(to - next_ip);

	if (d != (s32)d)
		return false;
	*disp = d;
	return true;
}

static int nooks_add_site(struct nooks_binding *b, unsigned long addr,
			  const struct insn *insn, int kind, unsigned int imp,
			  bool init)
{
	struct nooks_bound_import *bi = &b->imp[imp];
	struct nooks_site *s;
	s32 disp;

	if (!nooks_disp32(addr + insn->length, bi->wrapper, &disp)) {
		pr_err("%s: wrapper %ps for %s out of rel32 reach of %pS\n",
		       b->name, (void *)bi->wrapper, bi->sym, (void *)addr);
		return -ERANGE;
	}

	if (b->nsites == b->cap) {
		unsigned int cap = b->cap ? 2 * b->cap : 64;
		struct nooks_site *n;

		n = kvrealloc(b->sites, b->cap * sizeof(*n), cap * sizeof(*n),
			      GFP_KERNEL);
		if (!n)
			return -ENOMEM;
		b->sites = n;
		b->cap = cap;
	}

	s = &b->sites[b->nsites++];
	s->addr = addr;
	s->old_disp = insn->immediate.value;
	s->imp = imp;
	s->len = insn->length;
	s->kind = kind;
	s->init = init;
	bi->sites[kind]++;
	if (init)
		bi->init_sites++;
	return 0;
}

static int nooks_check_insn(struct nooks_binding *b, struct module *mod,
			    unsigned long addr, const struct insn *insn,
			    bool init)
{
	unsigned long target;
	unsigned int i, len;
	int kind;

	kind = nooks_branch_kind(insn, &len);
	if (kind < 0)
		return 0;

	target = addr + insn->length + (long)insn->immediate.value;
	for (i = 0; i < b->nimp; i++)
		if (b->imp[i].target == target)
			break;
	if (i == b->nimp)
		return 0;

	if (insn->length != len || nooks_is_static_call_site(mod, addr)) {
		pr_warn("%s: not rewriting %s at %pS to %s\n", b->name,
			nooks_site_kind_name[kind], (void *)addr, b->imp[i].sym);
		b->skipped++;
		return 0;
	}
	return nooks_add_site(b, addr, insn, kind, i, init);
}

/*
 * Decode [start, end) linearly and record matching branches.  Returns
 * where decoding stopped (normally @end); a byte sequence the decoder
 * rejects ends the function early rather than guessing a resync point.
 */
static unsigned long nooks_scan_range(struct nooks_binding *b,
				      struct module *mod, unsigned long start,
				      unsigned long end, bool init, int *err)
{
	unsigned long p = start;

	while (p < end) {
		struct insn insn;
		int avail = min_t(unsigned long, MAX_INSN_SIZE, end - p);

		if (nooks_text_decode(&insn, (void *)p, avail) < 0 ||
		    !insn.length) {
			pr_debug("%s: cannot decode at %pS, skipping rest\n",
				 b->name, (void *)p);
			break;
		}
		*err = nooks_check_insn(b, mod, p, &insn, init);
		if (*err)
			break;
		p += insn.length;
	}
	return p;
}

/*
 * Record in @b every branch to one of its imports found in the ranges @r
 * from nooks_collect_ranges().  Caller holds text_mutex.
 */
int nooks_scan(struct nooks_binding *b, struct module *mod,
	       const struct nooks_range *r, unsigned int nr)
{
	unsigned long cursor = 0;
	unsigned int i;
	int err = 0;

	for (i = 0; i < nr && !err; i++) {
		unsigned long start = r[i].start;

		/* Aliases and nested symbols: never decode a byte twice. */
		if (r[i].end <= cursor)
			continue;
		if (start < cursor)
			start = cursor;
		cursor = nooks_scan_range(b, mod, start, r[i].end, r[i].init,
					  &err);
	}
	return err;
}
