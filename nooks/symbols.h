/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Nooks: addresses of kernel symbols that are not exported.
 */
#ifndef _NOOKS_SYMBOLS_H
#define _NOOKS_SYMBOLS_H

int nooks_symbols_init(void);
unsigned long nooks_lookup_name(const char *name);

#endif /* _NOOKS_SYMBOLS_H */
