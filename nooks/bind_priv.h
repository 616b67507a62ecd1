/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nooks/bind_priv.h - what call-site binding (bind.c) and its call-site
 * scanner (bind_scan.c) share: the binding record and the scanner's entry
 * points.  Private to those two files; the API is bind.h.
 */
#ifndef _NOOKS_BIND_PRIV_H
#define _NOOKS_BIND_PRIV_H

#include <linux/list.h>
#include <linux/module.h>
#include <linux/types.h>

#define CALL_REL32_OPCODE	0xe8
#define JMP_REL32_OPCODE	0xe9
#define TWO_BYTE_ESCAPE		0x0f
#define BRANCH_REL32_LEN	5
#define JCC_REL32_LEN		6

enum nooks_site_kind {
	NOOKS_SITE_CALL,
	NOOKS_SITE_JMP,
	NOOKS_SITE_JCC,
	NOOKS_SITE_KINDS
};

/**
 * struct nooks_site - one rewritten branch
 * @addr: address of the branch's first byte
 * @old_disp: rel32 displacement before binding (reaches the kernel function)
 * @imp: index of the import in the binding's table
 * @len: instruction length (5 for E8/E9, 6 for 0F 8x)
 * @kind: enum nooks_site_kind
 * @init: the site is in init text
 */
struct nooks_site {
	unsigned long addr;
	s32 old_disp;
	u16 imp;
	u8 len;
	u8 kind;
	bool init;
};

/**
 * struct nooks_bound_import - one resolved import of a binding
 * @sym: kernel function name (own copy)
 * @target: its address
 * @wrapper: address of the wrapper the module now calls
 * @sites: patched sites per kind
 * @init_sites: how many of them are in init text
 * @init_dropped: init sites forgotten when the module went live
 */
struct nooks_bound_import {
	const char *sym;
	unsigned long target;
	unsigned long wrapper;
	unsigned int sites[NOOKS_SITE_KINDS];
	unsigned int init_sites;
	unsigned int init_dropped;
};

/**
 * struct nooks_binding - record of everything patched in one module
 * @node: entry in nooks_bindings while @mod is bound
 * @mod: bound module; NULL once it went away (sites already restored)
 * @name: module name, kept for nooks_binding_show() after @mod went away
 * @nimp: number of imports
 * @imp: the imports
 * @nsites: number of patched sites in @sites
 * @cap: allocated entries in @sites
 * @sites: the patched sites, in address order
 * @skipped: matching branches that could not be rewritten
 * @init_dropped: init sites forgotten when the module went live
 */
struct nooks_binding {
	struct list_head node;
	struct module *mod;
	char name[MODULE_NAME_LEN];
	unsigned int nimp;
	struct nooks_bound_import *imp;
	unsigned int nsites;
	unsigned int cap;
	struct nooks_site *sites;
	unsigned int skipped;
	unsigned int init_dropped;
};

/* A stretch of text decoded linearly: one function. */
struct nooks_range {
	unsigned long start;
	unsigned long end;	/* 0 until known */
	unsigned long limit;	/* end of the text region holding @start */
	bool init;
};

int nooks_collect_ranges(struct module *mod, bool with_init,
			 struct nooks_range **out, unsigned int *nr_out);
int nooks_scan(struct nooks_binding *b, struct module *mod,
	       const struct nooks_range *r, unsigned int nr);

#endif /* _NOOKS_BIND_PRIV_H */
