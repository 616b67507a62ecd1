// SPDX-License-Identifier: GPL-2.0
/*
 * swifi/mutate_call.c - call sites for the SWIFI fault model: what a
 * driver's call site calls, and the faulty stand-ins a site can be
 * redirected to.
 *
 * The "free" and "overrun" faults redirect one call site of the driver to
 * a stand-in in this file that makes the call the site made (in an
 * isolated driver the nooks wrapper, so that the tracker owns the block
 * as it owns the driver's others) and commits the fault once, after a
 * seeded number of calls:
 *
 *   free     the block returned is freed 0-255 ms later behind the
 *            driver's back, as the driver's own premature free would
 *            free it (through the wrapper of the free function, so that
 *            an isolated driver's tracker and quarantine see it)
 *   overrun  the copy is made 50% (plus one byte) longer
 *
 * Only one site in the whole kernel is redirected at a time.
 */
#define pr_fmt(fmt) "nooks: " fmt

#include <linux/delay.h>
#include <linux/hash.h>
#include <linux/kallsyms.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <asm/unaligned.h>

#include "bind.h"
#include "domain.h"
#include "iface.h"
#include "mutate.h"

struct nooks_callee {
	const char *name;
	unsigned int class;
	void (*release)(void *p);	/* for NOOKS_CALLEE_FREEABLE */
};

static void *nooks_release_wrapper(void);

/* the driver's free: its wrapper when nooks interposes on it */
static void nooks_release_kfree(void *p)
{
	void (*free)(const void *p) = nooks_release_wrapper();

	if (free)
		free(p);
	else
		kfree(p);
}

static void nooks_release_vfree(void *p)
{
	void (*free)(const void *p) = nooks_release_wrapper();

	if (free)
		free(p);
	else
		vfree(p);
}

static void nooks_release_skb(void *p)
{
	void (*free)(struct sk_buff *skb, enum skb_free_reason why);

	free = nooks_release_wrapper();
	if (free)
		free(p, SKB_REASON_DROPPED);
	else
		dev_kfree_skb_any(p);
}

static void nooks_release_frag(void *p)
{
	page_frag_free(p);
}

#define ALLOC		NOOKS_CALLEE_ALLOC
#define FREEABLE	(NOOKS_CALLEE_ALLOC | NOOKS_CALLEE_FREEABLE)

/* Kernel functions by what they do; names as in the 6.1 symbol table. */
static const struct nooks_callee nooks_callees[] = {
	{ "__kmalloc",			FREEABLE, nooks_release_kfree },
	{ "__kmalloc_node",		FREEABLE, nooks_release_kfree },
	{ "kmalloc_trace",		FREEABLE, nooks_release_kfree },
	{ "kmalloc_node_trace",		FREEABLE, nooks_release_kfree },
	{ "kmalloc_large",		FREEABLE, nooks_release_kfree },
	{ "kmemdup",			FREEABLE, nooks_release_kfree },
	{ "vmalloc",			FREEABLE, nooks_release_vfree },
	{ "vzalloc",			FREEABLE, nooks_release_vfree },
	{ "__alloc_skb",		FREEABLE, nooks_release_skb },
	{ "__netdev_alloc_skb",		FREEABLE, nooks_release_skb },
	{ "__napi_alloc_skb",		FREEABLE, nooks_release_skb },
	{ "napi_build_skb",		FREEABLE, nooks_release_skb },
	{ "build_skb",			FREEABLE, nooks_release_skb },
	{ "__netdev_alloc_frag_align",	FREEABLE, nooks_release_frag },
	{ "__napi_alloc_frag_align",	FREEABLE, nooks_release_frag },
	{ "kmem_cache_alloc",		ALLOC },
	{ "__get_free_pages",		ALLOC },
	{ "get_zeroed_page",		ALLOC },
	{ "alloc_pages",		ALLOC },
	{ "dma_alloc_attrs",		ALLOC },
	{ "alloc_etherdev_mqs",		ALLOC },
	{ "pci_ioremap_bar",		ALLOC },
	{ "pci_iomap",			ALLOC },
	{ "ioremap",			ALLOC },
	{ "kfree",			NOOKS_CALLEE_FREE },
	{ "kvfree",			NOOKS_CALLEE_FREE },
	{ "vfree",			NOOKS_CALLEE_FREE },
	{ "kmem_cache_free",		NOOKS_CALLEE_FREE },
	{ "free_pages",			NOOKS_CALLEE_FREE },
	{ "__free_pages",		NOOKS_CALLEE_FREE },
	{ "dma_free_attrs",		NOOKS_CALLEE_FREE },
	{ "kfree_skb_reason",		NOOKS_CALLEE_FREE },
	{ "consume_skb",		NOOKS_CALLEE_FREE },
	{ "napi_consume_skb",		NOOKS_CALLEE_FREE },
	{ "__dev_kfree_skb_any",	NOOKS_CALLEE_FREE },
	{ "__dev_kfree_skb_irq",	NOOKS_CALLEE_FREE },
	{ "page_frag_free",		NOOKS_CALLEE_FREE },
	{ "memcpy",			NOOKS_CALLEE_COPY },
	{ "__memcpy",			NOOKS_CALLEE_COPY },
	{ "memmove",			NOOKS_CALLEE_COPY },
	{ "__memmove",			NOOKS_CALLEE_COPY },
	{ "memset",			NOOKS_CALLEE_COPY },
	{ "__memset",			NOOKS_CALLEE_COPY },
	{ "memcpy_fromio",		NOOKS_CALLEE_COPY },
	{ "memcpy_toio",		NOOKS_CALLEE_COPY },
	{ "strscpy",			NOOKS_CALLEE_COPY },
	{ "_raw_spin_lock",		NOOKS_CALLEE_LOCK },
	{ "_raw_spin_lock_bh",		NOOKS_CALLEE_LOCK },
	{ "_raw_spin_lock_irq",		NOOKS_CALLEE_LOCK },
	{ "_raw_spin_lock_irqsave",	NOOKS_CALLEE_LOCK },
	{ "_raw_spin_unlock",		NOOKS_CALLEE_LOCK },
	{ "_raw_spin_unlock_bh",	NOOKS_CALLEE_LOCK },
	{ "_raw_spin_unlock_irq",	NOOKS_CALLEE_LOCK },
	{ "_raw_spin_unlock_irqrestore", NOOKS_CALLEE_LOCK },
	{ "mutex_lock",			NOOKS_CALLEE_LOCK },
	{ "mutex_unlock",		NOOKS_CALLEE_LOCK },
	{ "mutex_lock_interruptible",	NOOKS_CALLEE_LOCK },
	{ "rtnl_lock",			NOOKS_CALLEE_LOCK },
	{ "rtnl_unlock",		NOOKS_CALLEE_LOCK },
};

#undef ALLOC
#undef FREEABLE

/* The kernel function a direct call instruction reaches, unwrapped. */
static unsigned long nooks_call_target(struct nooks_domain *dom,
				       const struct insn *insn)
{
	unsigned long to;

	if (insn->opcode.bytes[0] != 0xe8 || insn->length != 5)
		return 0;
	to = (unsigned long)insn->kaddr + insn->length +
	     (long)insn->immediate.value;
	return nooks_binding_callee(dom->binding, to);
}

static const struct nooks_callee *nooks_callee_of(struct nooks_domain *dom,
						  const struct insn *insn,
						  unsigned long *fn)
{
	char name[KSYM_SYMBOL_LEN];
	unsigned long to = nooks_call_target(dom, insn);
	unsigned int i;

	if (!to || to == (unsigned long)nooks_panic_injected)
		return NULL;
	sprint_symbol_no_offset(name, to);
	for (i = 0; i < ARRAY_SIZE(nooks_callees); i++) {
		if (!strcmp(name, nooks_callees[i].name)) {
			if (fn)
				*fn = to;
			return &nooks_callees[i];
		}
	}
	return NULL;
}

/**
 * nooks_callee_class() - what the kernel function a call site calls does
 * @dom: the driver's domain (its binding tells wrappers from functions)
 * @insn: a decoded instruction of the driver
 *
 * Context: process context, may sleep.
 * Return: a mask of enum nooks_callee_class, 0 for anything else.
 */
unsigned int nooks_callee_class(struct nooks_domain *dom,
				const struct insn *insn)
{
	const struct nooks_callee *c = nooks_callee_of(dom, insn, NULL);

	return c ? c->class : 0;
}

typedef unsigned long (*nooks_fn6_t)(unsigned long, unsigned long,
				     unsigned long, unsigned long,
				     unsigned long, unsigned long);

/* The kernel function each release above calls for the driver. */
static const char *nooks_release_sym(void (*release)(void *p))
{
	if (release == nooks_release_kfree)
		return "kfree";
	if (release == nooks_release_vfree)
		return "vfree";
	if (release == nooks_release_skb)
		return "__dev_kfree_skb_any";
	return NULL;
}

/**
 * struct nooks_redirect - the one redirected call site
 * @dom: its domain, NULL when no site is redirected
 * @fn: what the site called: the kernel function, or its nooks wrapper
 *	in an isolated driver
 * @free_fn: the wrapper of the kernel function @release calls, or NULL
 * @release: frees what @fn returned (free fault)
 * @after: calls to let pass before the fault
 * @hits: calls seen
 * @fired: the fault was committed
 * @delay_ms: how long the block lives before it is freed (free fault)
 * @victim: the block to free
 * @work: frees @victim
 * @inflight: stand-in calls in progress (the module must not go)
 */
static struct nooks_redirect {
	struct nooks_domain *dom;
	nooks_fn6_t fn;
	void *free_fn;
	void (*release)(void *p);
	unsigned long after;
	atomic_long_t hits;
	bool fired;
	unsigned int delay_ms;
	void *victim;
	struct delayed_work work;
	atomic_t inflight;
} nooks_redir;

static DEFINE_MUTEX(nooks_redirect_lock);

static void *nooks_release_wrapper(void)
{
	return READ_ONCE(nooks_redir.free_fn);
}

/* Is this the call that commits the fault? */
static bool nooks_redirect_fires(void)
{
	if (READ_ONCE(nooks_redir.fired) ||
	    atomic_long_inc_return(&nooks_redir.hits) <= nooks_redir.after)
		return false;
	return !xchg(&nooks_redir.fired, true);
}

static void nooks_redirect_free_fn(struct work_struct *w)
{
	void *p = xchg(&nooks_redir.victim, NULL);

	/* a failed driver's blocks are the restart's to free */
	if (p && READ_ONCE(nooks_redir.dom->state) == NOOKS_STATE_RUNNING) {
		pr_info("premature free of %p\n", p);
		nooks_redir.release(p);
	}
}

/* Stand-in for an allocator: the block is freed behind the driver's back. */
static unsigned long nooks_free_standin(unsigned long a, unsigned long b,
					unsigned long c, unsigned long d,
					unsigned long e, unsigned long f)
{
	nooks_fn6_t fn = READ_ONCE(nooks_redir.fn);
	unsigned long p;

	atomic_inc(&nooks_redir.inflight);
	p = fn(a, b, c, d, e, f);
	if (p && nooks_redirect_fires()) {
		WRITE_ONCE(nooks_redir.victim, (void *)p);
		schedule_delayed_work(&nooks_redir.work,
				      msecs_to_jiffies(nooks_redir.delay_ms));
	}
	atomic_dec(&nooks_redir.inflight);
	return p;
}

/* Stand-in for memcpy/memmove/memset: one copy runs over its end. */
static unsigned long nooks_overrun_standin(unsigned long dst, unsigned long src,
					   unsigned long len, unsigned long d,
					   unsigned long e, unsigned long f)
{
	nooks_fn6_t fn = READ_ONCE(nooks_redir.fn);
	unsigned long ret;

	atomic_inc(&nooks_redir.inflight);
	if (nooks_redirect_fires())
		len += len / 2 + 1;
	ret = fn(dst, src, len, d, e, f);
	atomic_dec(&nooks_redir.inflight);
	return ret;
}

/**
 * nooks_redirect_arm() - redirect a call site to a faulty stand-in
 * @dom: the driver's domain; caller holds dom->ctl
 * @insn: the call instruction (its callee fits the fault)
 * @overrun: the overrun fault (else the free fault)
 * @seed: chooses after how many calls the fault fires, and the delay
 * @bytes: the instruction's bytes, rewritten to call the stand-in
 *
 * Return: 0, -EBUSY if another site is redirected, -ERANGE if the
 * stand-in is out of reach of a rel32 call, -EINVAL for a wrong site.
 */
int nooks_redirect_arm(struct nooks_domain *dom, const struct insn *insn,
		       bool overrun, unsigned long seed, u8 *bytes)
{
	const struct nooks_callee *c;
	unsigned long fn, to, next;
	void *free_fn;
	long disp;
	int ret = 0;

	c = nooks_callee_of(dom, insn, &fn);
	if (!c || (!overrun && !c->release))
		return -EINVAL;
	/* the stand-in calls what the site calls (a wrapper when isolated) */
	fn = (unsigned long)insn->kaddr + insn->length +
	     (long)insn->immediate.value;
	free_fn = overrun ? NULL : nooks_iface_wrapper(nooks_release_sym(c->release));
	to = overrun ? (unsigned long)nooks_overrun_standin :
		       (unsigned long)nooks_free_standin;
	next = (unsigned long)insn->kaddr + insn->length;
	disp = (long)(to - next);
	if (disp != (s32)disp)
		return -ERANGE;

	mutex_lock(&nooks_redirect_lock);
	if (nooks_redir.dom) {
		ret = -EBUSY;
		goto out;
	}
	/* a stand-in still running from the previous site reads only fn */
	WRITE_ONCE(nooks_redir.fn, (nooks_fn6_t)fn);
	nooks_redir.release = c->release;
	WRITE_ONCE(nooks_redir.free_fn, free_fn);
	nooks_redir.after = hash_long(seed ^ 0x27d4eb2dUL, 32) % 16;
	nooks_redir.delay_ms = hash_long(seed ^ 0x165667b1UL, 32) % 256;
	atomic_long_set(&nooks_redir.hits, 0);
	WRITE_ONCE(nooks_redir.fired, false);
	nooks_redir.victim = NULL;
	INIT_DELAYED_WORK(&nooks_redir.work, nooks_redirect_free_fn);
	nooks_redir.dom = dom;
	bytes[0] = 0xe8;
	put_unaligned((s32)disp, (s32 *)(bytes + 1));
out:
	mutex_unlock(&nooks_redirect_lock);
	return ret;
}

/**
 * nooks_redirect_disarm() - forget the redirected site of @dom
 * @dom: the domain; its call site already calls the kernel again
 *
 * A block not yet freed stays the driver's. Calls still in a stand-in
 * are waited for (up to a second: one aborted by a fault never returns),
 * so that the module can go.
 */
void nooks_redirect_disarm(struct nooks_domain *dom)
{
	int i;

	mutex_lock(&nooks_redirect_lock);
	if (nooks_redir.dom == dom) {
		for (i = 0; i < 1000 && atomic_read(&nooks_redir.inflight); i++)
			usleep_range(1000, 2000);
		cancel_delayed_work_sync(&nooks_redir.work);
		nooks_redir.victim = NULL;
		nooks_redir.dom = NULL;
	}
	mutex_unlock(&nooks_redirect_lock);
}

/**
 * nooks_redirect_state() - "armed" or "fired", for the debugfs file
 * @dom: the domain
 *
 * Return: a static string.
 */
const char *nooks_redirect_state(struct nooks_domain *dom)
{
	return READ_ONCE(nooks_redir.fired) ? "fired" : "armed";
}
