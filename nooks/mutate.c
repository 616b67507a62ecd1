// SPDX-License-Identifier: GPL-2.0
/*
 * nooks/mutate.c - code mutations of the SWIFI fault model, for fault
 * campaigns (tools/campaign).
 *
 * /sys/kernel/debug/shadow/<driver>/mutate takes "TYPE FUNCTION SEED": one
 * instruction of FUNCTION (a function of the driver) is changed, chosen
 * and changed deterministically from SEED, like a bug the compiler could
 * have emitted:
 *
 *   text    flip one bit of an instruction
 *   nop     remove an instruction (replaced by NOPs)
 *   branch  remove a jump (conditional or not)
 *   loop    invert the condition of a conditional jump
 *   ptr     flip one bit of the displacement of a memory operand
 *           (corrupt an address computation)
 *
 * "off" restores the original bytes; so does disabling the domain. One
 * mutation per domain at a time. Works on isolated and on native drivers
 * (campaigns compare both). The text is changed with the kernel's
 * text_poke() under text_mutex, then every CPU is synchronised.
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
#include "symbols.h"

enum nooks_mutation_type {
	NOOKS_MUT_TEXT,
	NOOKS_MUT_NOP,
	NOOKS_MUT_BRANCH,
	NOOKS_MUT_LOOP,
	NOOKS_MUT_PTR,
};

static const char * const nooks_mutation_names[] = {
	[NOOKS_MUT_TEXT]	= "text",
	[NOOKS_MUT_NOP]		= "nop",
	[NOOKS_MUT_BRANCH]	= "branch",
	[NOOKS_MUT_LOOP]	= "loop",
	[NOOKS_MUT_PTR]		= "ptr",
};

#define NOOKS_MUT_MAX_INSN	16

/**
 * struct nooks_mutation - one changed instruction
 * @addr: its address
 * @len: its length
 * @orig: its original bytes
 * @type: enum nooks_mutation_type
 * @func: the function it is in
 * @offset: its offset in the function
 */
struct nooks_mutation {
	unsigned long addr;
	int len;
	u8 orig[NOOKS_MUT_MAX_INSN];
	int type;
	char func[KSYM_NAME_LEN];
	unsigned long offset;
};

typedef int (*nooks_insn_decode_t)(struct insn *insn, const void *kaddr,
				   int buf_len, enum insn_mode m);
typedef void *(*nooks_text_poke_t)(void *addr, const void *opcode,
				   size_t len);
typedef void (*nooks_text_poke_sync_t)(void);
typedef int (*nooks_size_offset_t)(unsigned long addr, unsigned long *size,
				   unsigned long *offset);

static struct {
	nooks_insn_decode_t decode;
	nooks_text_poke_t poke;
	nooks_text_poke_sync_t sync;
	nooks_size_offset_t size_offset;
	struct mutex *text_mutex;
} nooks_mut;

/* The kernel functions needed are not exported: look them up once. */
static int nooks_mutate_resolve(void)
{
	if (nooks_mut.sync)
		return 0;
	nooks_mut.decode = (void *)nooks_lookup_name("insn_decode");
	nooks_mut.poke = (void *)nooks_lookup_name("text_poke");
	nooks_mut.size_offset =
		(void *)nooks_lookup_name("kallsyms_lookup_size_offset");
	nooks_mut.text_mutex = (void *)nooks_lookup_name("text_mutex");
	nooks_mut.sync = (void *)nooks_lookup_name("text_poke_sync");
	if (!nooks_mut.decode || !nooks_mut.poke || !nooks_mut.size_offset ||
	    !nooks_mut.text_mutex || !nooks_mut.sync) {
		nooks_mut.sync = NULL;
		return -ENOENT;
	}
	return 0;
}

static void nooks_mutate_write(unsigned long addr, const u8 *bytes, int len)
{
	mutex_lock(nooks_mut.text_mutex);
	nooks_mut.poke((void *)addr, bytes, len);
	nooks_mut.sync();
	mutex_unlock(nooks_mut.text_mutex);
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

/* Instructions removing which would only move the fault elsewhere. */
static bool nooks_insn_is_control(const struct insn *insn)
{
	u8 b0 = insn->opcode.bytes[0];

	return nooks_insn_is_jcc(insn) || nooks_insn_is_jmp(insn) ||
	       b0 == 0xe8 || b0 == 0xc3 || b0 == 0xcc || b0 == 0xff;
}

static bool nooks_insn_fits(const struct insn *insn, int type)
{
	switch (type) {
	case NOOKS_MUT_TEXT:
		return true;
	case NOOKS_MUT_NOP:
		return !nooks_insn_is_control(insn);
	case NOOKS_MUT_BRANCH:
		return nooks_insn_is_jcc(insn) || nooks_insn_is_jmp(insn);
	case NOOKS_MUT_LOOP:
		return nooks_insn_is_jcc(insn);
	case NOOKS_MUT_PTR:
		return insn->modrm.got && X86_MODRM_MOD(insn->modrm.value) != 3 &&
		       insn->displacement.nbytes > 0;
	}
	return false;
}

/*
 * Walk @func's instructions, skipping the first (the ftrace call site),
 * and return the @pick-th that fits @type (modulo their number).
 */
static int nooks_mutate_pick(unsigned long start, unsigned long size,
			     int type, unsigned long pick, struct insn *out)
{
	unsigned long addr, n = 0, want;
	struct insn insn;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		addr = start;
		want = n ? pick % n : 0;
		n = 0;
		while (addr < start + size) {
			if (nooks_mut.decode(&insn, (void *)addr,
					     start + size - addr, INSN_MODE_KERN) ||
			    insn.length > NOOKS_MUT_MAX_INSN)
				break;
			if (addr != start && nooks_insn_fits(&insn, type)) {
				if (pass == 1 && n == want) {
					*out = insn;
					return 0;
				}
				n++;
			}
			addr += insn.length;
		}
		if (!n)
			return -ENOENT;
	}
	return -ENOENT;
}

static int nooks_mutate_apply(struct nooks_domain *dom, int type,
			      const char *func, unsigned long seed)
{
	unsigned long start, size, offset, pick, bit;
	struct nooks_mutation *m;
	u8 bytes[NOOKS_MUT_MAX_INSN];
	struct insn insn;
	int ret, i;

	if (!dom->mod)
		return -ENODEV;
	ret = nooks_mutate_resolve();
	if (ret)
		return ret;
	start = nooks_lookup_name(func);
	if (!start || start < dom->text_start || start >= dom->text_end ||
	    !nooks_mut.size_offset(start, &size, &offset) || offset)
		return -EINVAL;		/* not a function of this driver */
	pick = hash_long(seed, 32);
	ret = nooks_mutate_pick(start, size, type, pick, &insn);
	if (ret)
		return ret;
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	m->addr = (unsigned long)insn.kaddr;
	m->len = insn.length;
	m->type = type;
	m->offset = m->addr - start;
	strscpy(m->func, func, sizeof(m->func));
	memcpy(m->orig, insn.kaddr, m->len);
	memcpy(bytes, m->orig, m->len);
	bit = hash_long(seed ^ 0x5bd1e995UL, 32);

	switch (type) {
	case NOOKS_MUT_TEXT:
		bit %= m->len * 8;
		bytes[bit / 8] ^= 1 << (bit % 8);
		break;
	case NOOKS_MUT_NOP:
	case NOOKS_MUT_BRANCH:
		for (i = 0; i < m->len; i++)
			bytes[i] = 0x90;
		break;
	case NOOKS_MUT_LOOP:
		/* the low bit of the condition code negates the condition */
		i = insn.opcode.bytes[0] == 0x0f ? 1 : 0;
		bytes[insn_offset_opcode(&insn) + i] ^= 1;
		break;
	case NOOKS_MUT_PTR:
		bit %= insn.displacement.nbytes * 8;
		bytes[insn_offset_displacement(&insn) + bit / 8] ^= 1 << (bit % 8);
		break;
	}
	nooks_mutate_undo(dom);
	nooks_mutate_write(m->addr, bytes, m->len);
	dom->mutation = m;
	pr_info("%s: mutation %s at %s+0x%lx (%d bytes)\n", dom->name,
		nooks_mutation_names[type], func, m->offset, m->len);
	return 0;
}

/**
 * nooks_mutate_undo() - restore the instruction a mutation changed
 * @dom: the domain; caller holds dom->ctl
 */
void nooks_mutate_undo(struct nooks_domain *dom)
{
	struct nooks_mutation *m = dom->mutation;

	if (!m)
		return;
	if (dom->mod)
		nooks_mutate_write(m->addr, m->orig, m->len);
	dom->mutation = NULL;
	kfree(m);
}

static ssize_t nooks_mutate_file_write(struct file *file,
				       const char __user *ubuf, size_t count,
				       loff_t *ppos)
{
	struct nooks_domain *dom = file->private_data;
	char buf[192], type[16], func[KSYM_NAME_LEN];
	unsigned long seed = 0;
	int n, t, ret;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	n = sscanf(buf, "%15s %127s %lu", type, func, &seed);
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
	m = dom->mutation;
	if (m) {
		len = scnprintf(buf, sizeof(buf), "%s %s+0x%lx orig",
				nooks_mutation_names[m->type], m->func,
				m->offset);
		for (i = 0; i < m->len; i++)
			len += scnprintf(buf + len, sizeof(buf) - len, " %02x",
					 m->orig[i]);
		len += scnprintf(buf + len, sizeof(buf) - len, "\n");
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
