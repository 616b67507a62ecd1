// SPDX-License-Identifier: GPL-2.0
/*
 * nooks/text.c - the kernel's instruction decoder and text patching.
 *
 * insn_decode(), text_mutex, text_poke(), text_poke_sync(),
 * text_poke_queue(), text_poke_finish() and kallsyms_lookup_size_offset()
 * are not exported in 6.1; they are
 * resolved by name once, when nooks.ko loads, and a missing one makes
 * nooks.ko fail to load rather than patch text by other means (see
 * bind.c for why these are the right primitives). Call-site binding and
 * the fault injector's code mutations both use them from here.
 */
#define pr_fmt(fmt) "nooks: " fmt

#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <asm/insn.h>

#include "symbols.h"
#include "text.h"

static struct {
	int (*decode)(struct insn *insn, const void *kaddr, int buf_len,
		      enum insn_mode m);
	void *(*poke)(void *addr, const void *opcode, size_t len);
	void (*sync)(void);
	void (*queue)(void *addr, const void *opcode, size_t len,
		      const void *emulate);
	void (*finish)(void);
	int (*size_offset)(unsigned long addr, unsigned long *size,
			   unsigned long *offset);
	int (*is_text)(unsigned long addr);
	struct mutex *mutex;
} nooks_text;

/**
 * nooks_text_decode() - decode one kernel instruction
 * @insn: receives the instruction
 * @kaddr: its address
 * @len: bytes readable at @kaddr
 *
 * Return: 0 or a negative error (not an instruction).
 */
int nooks_text_decode(struct insn *insn, const void *kaddr, int len)
{
	return nooks_text.decode(insn, kaddr, len, INSN_MODE_KERN);
}
EXPORT_SYMBOL_GPL(nooks_text_decode);

/* Hold the kernel's text_mutex: no text changes but ours meanwhile. */
void nooks_text_lock(void)
{
	mutex_lock(nooks_text.mutex);
}
EXPORT_SYMBOL_GPL(nooks_text_lock);

void nooks_text_unlock(void)
{
	mutex_unlock(nooks_text.mutex);
}
EXPORT_SYMBOL_GPL(nooks_text_unlock);

/**
 * nooks_text_poke() - change text no CPU may be running, and sync CPUs
 * @addr: where
 * @opcode: the new bytes
 * @len: how many
 *
 * Context: text_mutex held (nooks_text_lock()).
 */
void nooks_text_poke(void *addr, const void *opcode, size_t len)
{
	lockdep_assert_held(nooks_text.mutex);
	nooks_text.poke(addr, opcode, len);
	nooks_text.sync();
}
EXPORT_SYMBOL_GPL(nooks_text_poke);

/**
 * nooks_text_poke_queue() - replace one instruction other CPUs may run
 * @addr: the instruction
 * @opcode: its replacement, of the same length
 * @len: the length (a 5- or 6-byte branch)
 *
 * The change is queued, with the kernel's own batch (the one jump labels
 * use), and made with the others at nooks_text_poke_finish(), or earlier
 * when the batch is full or @addr is below the last one queued: a batch
 * costs three CPU syncs (the breakpoint, the tail, the first byte), one
 * instruction at a time cost three each (binding libata's 389 sites took
 * 125 ms under TCG). Queue in ascending address order.
 *
 * Context: text_mutex held (nooks_text_lock()) until the finish.
 */
void nooks_text_poke_queue(void *addr, const void *opcode, size_t len)
{
	lockdep_assert_held(nooks_text.mutex);
	nooks_text.queue(addr, opcode, len, NULL);
}

/* Make the queued changes (nooks_text_poke_queue()). Same context. */
void nooks_text_poke_finish(void)
{
	lockdep_assert_held(nooks_text.mutex);
	nooks_text.finish();
}

/**
 * nooks_text_symbol() - size of the symbol at an address, and the offset
 * @addr: the address
 * @size: receives the symbol's size
 * @offset: receives @addr's offset in it
 *
 * Return: true when @addr lies in a known symbol.
 */
bool nooks_text_symbol(unsigned long addr, unsigned long *size,
		       unsigned long *offset)
{
	return nooks_text.size_offset(addr, size, offset);
}
EXPORT_SYMBOL_GPL(nooks_text_symbol);

/**
 * nooks_text_address() - is @addr code the kernel may run?
 * @addr: an instruction pointer
 *
 * Core kernel, module, BPF and ftrace trampoline text: what
 * kernel_text_address() knows. Any context (the fault path uses it).
 *
 * Return: true when @addr is text; false for a wild address (NULL, a
 * non-canonical or data address: a corrupted function pointer or return
 * address).
 */
bool nooks_text_address(unsigned long addr)
{
	return nooks_text.is_text(addr);
}
NOKPROBE_SYMBOL(nooks_text_address);

/**
 * nooks_text_init() - resolve the kernel's decoder and text patching
 *
 * Return: 0, or -ENOENT when one of them is missing.
 */
int nooks_text_init(void)
{
	nooks_text.decode = (void *)nooks_lookup_name("insn_decode");
	nooks_text.poke = (void *)nooks_lookup_name("text_poke");
	nooks_text.sync = (void *)nooks_lookup_name("text_poke_sync");
	nooks_text.queue = (void *)nooks_lookup_name("text_poke_queue");
	nooks_text.finish = (void *)nooks_lookup_name("text_poke_finish");
	nooks_text.size_offset =
		(void *)nooks_lookup_name("kallsyms_lookup_size_offset");
	nooks_text.is_text = (void *)nooks_lookup_name("kernel_text_address");
	nooks_text.mutex = (void *)nooks_lookup_name("text_mutex");
	if (!nooks_text.decode || !nooks_text.poke || !nooks_text.sync ||
	    !nooks_text.queue || !nooks_text.finish || !nooks_text.size_offset ||
	    !nooks_text.is_text || !nooks_text.mutex) {
		pr_err("insn_decode, text_poke*, text_mutex, kernel_text_address or kallsyms_lookup_size_offset not found\n");
		return -ENOENT;
	}
	return 0;
}
