/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nooks/text.h - the kernel's instruction decoder and text patching, for
 * call-site binding (bind_scan.c, bind.c) and the fault injector's code
 * mutations (swifi/mutate.c).
 */
#ifndef _NOOKS_TEXT_H
#define _NOOKS_TEXT_H

#include <linux/types.h>

struct insn;

int nooks_text_decode(struct insn *insn, const void *kaddr, int len);
void nooks_text_lock(void);
bool nooks_text_address(unsigned long addr);
void nooks_text_unlock(void);
void nooks_text_poke(void *addr, const void *opcode, size_t len);
void nooks_text_poke_queue(void *addr, const void *opcode, size_t len);
void nooks_text_poke_finish(void);
bool nooks_text_symbol(unsigned long addr, unsigned long *size,
		       unsigned long *offset);

/* Called from nooks.ko's init. */
int nooks_text_init(void);

#endif /* _NOOKS_TEXT_H */
