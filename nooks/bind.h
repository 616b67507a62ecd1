/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Nooks: redirect an isolated module's calls to kernel functions.
 *
 * nooks_bind_module() rewrites the isolated module's own direct call and
 * jump sites (CALL/JMP/Jcc rel32) whose target is one of the listed kernel
 * functions so that they reach a wrapper instead.  No other code in the
 * kernel is touched, so callers outside the module pay nothing.  See
 * Documentation/nooks-interposition.rst.
 */
#ifndef _NOOKS_BIND_H
#define _NOOKS_BIND_H

struct module;
struct seq_file;

/**
 * struct nooks_import - one kernel function to interpose on
 * @sym: name of the (exported) kernel function the module calls
 * @wrapper: function with the same prototype that replaces it for the
 *	module; it normally forwards to @sym.  It must live in module space
 *	(nooks.ko or a module using it) and stay loaded while bound.
 */
struct nooks_import {
	const char *sym;
	void *wrapper;
};

/**
 * NOOKS_IMPORT() - an entry of an import table, checked at build time
 * @fn: the kernel function (declared by its header)
 * @wrapper: the wrapper the driver calls instead; it must have @fn's
 *	prototype, or the build fails
 */
#define NOOKS_IMPORT(fn, wrapper)					\
	{ #fn, (void *)(wrapper) +					\
	       BUILD_BUG_ON_ZERO(!__same_type(&(fn), &(wrapper))) }

struct nooks_binding;

struct nooks_binding *nooks_bind_module(struct module *mod,
					const struct nooks_import *tbl,
					unsigned int n);
void nooks_unbind_module(struct nooks_binding *b);
unsigned int nooks_binding_sites(const struct nooks_binding *b);
unsigned long nooks_binding_callee(const struct nooks_binding *b,
				   unsigned long target);
void nooks_binding_show(const struct nooks_binding *b, struct seq_file *m);

/* Called from nooks.ko's init and exit. */
int nooks_bind_init(void);
void nooks_bind_exit(void);

#endif /* _NOOKS_BIND_H */
