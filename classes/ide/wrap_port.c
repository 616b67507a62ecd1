// SPDX-License-Identifier: GPL-2.0
/*
 * classes/ide/wrap_port.c - ATA port operations: kernel -> driver entries.
 *
 * What runs for an ATA driver is mostly libata: ata_piix's own code is its
 * probe, mode setting and reset methods; issuing a command, the interrupt
 * handler, the taskfile and DMA engine accesses and error handling are
 * libata acting through the port operations the driver registers. libata
 * is in the driver's domain (a helper, nooks/group.c), and the domain's
 * entries are where the kernel enters either one:
 *
 *  - every port operation libata calls from outside an operation: each is
 *    a protected call, with the driver's or libata's function behind it;
 *    libata's own bookkeeping around the call (the port lock, the command
 *    it is issuing) stays consistent when the call is aborted, because
 *    the abort returns from the operation with the stand-in's answer;
 *  - the interrupt handler, timers and work libata sets up for the port:
 *    protected by nooks.ko's wrappers, as libata's call sites are bound.
 *
 * An operation libata calls from inside another one (the DMA engine's,
 * the taskfile's, from qc_issue or the interrupt handler; a command
 * issued by the error handler) runs in the enclosing protected call
 * (NOOKS_ENTRY_OP_NESTED()): libata is the only code between the two, so
 * aborting the enclosing call on a fault abandons nothing of the kernel,
 * and a command costs three protected calls (qc_prep, qc_issue, the
 * interrupt handler) instead of fifteen.
 *
 * Operations called only from inside another one are not wrapped: the
 * reset methods (libata compares them with its own to decide how to
 * reset), mode setting, cable detection, draining the FIFO (its command
 * may be NULL). They run in the error handler's protected call.
 *
 * Isolate-mode stand-ins issue nothing and unload the ports at the next
 * error handling: the devices go away with I/O errors, as they would if
 * the driver were unbound, and the restart brings a new host.
 */
#define pr_fmt(fmt) "nooks_ide: " fmt

#include <linux/libata.h>

#include "domain.h"
#include "entry.h"
#include "nooks_ide.h"

/*
 * The operations the wrappers cover: one list for wrappers, copy and
 * check. X(op, return type, prototype, arguments, the port).
 */
#define NOOKS_ATA_PORT_OPS(X)						\
	X(qc_defer, int, (struct ata_queued_cmd *qc), (qc), qc->ap)	\
	X(check_atapi_dma, int, (struct ata_queued_cmd *qc), (qc), qc->ap) \
	X(qc_prep, enum ata_completion_errors,				\
	  (struct ata_queued_cmd *qc), (qc), qc->ap)			\
	X(qc_issue, unsigned int, (struct ata_queued_cmd *qc), (qc), qc->ap) \
	X(qc_fill_rtf, bool, (struct ata_queued_cmd *qc), (qc), qc->ap)	\
	X(port_start, int, (struct ata_port *ap), (ap), ap)		\
	X(sff_check_status, u8, (struct ata_port *ap), (ap), ap)	\
	X(sff_check_altstatus, u8, (struct ata_port *ap), (ap), ap)	\
	X(sff_data_xfer, unsigned int, (struct ata_queued_cmd *qc,	\
	  unsigned char *buf, unsigned int buflen, int rw),		\
	  (qc, buf, buflen, rw), qc->ap)				\
	X(sff_irq_check, bool, (struct ata_port *ap), (ap), ap)	\
	X(bmdma_status, u8, (struct ata_port *ap), (ap), ap)

#define NOOKS_ATA_PORT_OPS_VOID(X)					\
	X(freeze, (struct ata_port *ap), (ap), ap)			\
	X(thaw, (struct ata_port *ap), (ap), ap)			\
	X(error_handler, (struct ata_port *ap), (ap), ap)		\
	X(lost_interrupt, (struct ata_port *ap), (ap), ap)		\
	X(post_internal_cmd, (struct ata_queued_cmd *qc), (qc), qc->ap) \
	X(sched_eh, (struct ata_port *ap), (ap), ap)			\
	X(end_eh, (struct ata_port *ap), (ap), ap)			\
	X(port_stop, (struct ata_port *ap), (ap), ap)			\
	X(sff_dev_select, (struct ata_port *ap, unsigned int device),	\
	  (ap, device), ap)						\
	X(sff_set_devctl, (struct ata_port *ap, u8 ctl), (ap, ctl), ap) \
	X(sff_tf_load, (struct ata_port *ap, const struct ata_taskfile *tf), \
	  (ap, tf), ap)							\
	X(sff_tf_read, (struct ata_port *ap, struct ata_taskfile *tf),	\
	  (ap, tf), ap)							\
	X(sff_exec_command, (struct ata_port *ap,			\
	  const struct ata_taskfile *tf), (ap, tf), ap)			\
	X(sff_irq_on, (struct ata_port *ap), (ap), ap)			\
	X(sff_irq_clear, (struct ata_port *ap), (ap), ap)		\
	X(bmdma_setup, (struct ata_queued_cmd *qc), (qc), qc->ap)	\
	X(bmdma_start, (struct ata_queued_cmd *qc), (qc), qc->ap)	\
	X(bmdma_stop, (struct ata_queued_cmd *qc), (qc), qc->ap)

#define NOOKS_ATA_WRAPPER(op, rtype, proto, args, port)			\
	NOOKS_ENTRY_OP_NESTED(nooks_ata_do_##op, nooks_ata_port_of(port),	\
			      orig, ad->standin, op, rtype, proto, args)
NOOKS_ATA_PORT_OPS(NOOKS_ATA_WRAPPER)
#undef NOOKS_ATA_WRAPPER

#define NOOKS_ATA_WRAPPER_VOID(op, proto, args, port)			\
	NOOKS_ENTRY_OP_NESTED_VOID(nooks_ata_do_##op, nooks_ata_port_of(port), \
				   orig, ad->standin, op, proto, args)
NOOKS_ATA_PORT_OPS_VOID(NOOKS_ATA_WRAPPER_VOID)
#undef NOOKS_ATA_WRAPPER_VOID

/*
 * @dst: @src with what it inherits filled in, as libata does to a port's
 * table when the host starts (every field before ->inherits is a pointer;
 * ATA_OP_NULL, an error pointer, says "none" against an inherited one).
 * @src itself is left alone: it may be shared with other ports.
 */
static void nooks_ata_ops_resolve(struct ata_port_operations *dst,
				  const struct ata_port_operations *src)
{
	const size_t n = offsetof(struct ata_port_operations, inherits) /
			 sizeof(void *);
	const struct ata_port_operations *cur;
	void **d = (void **)dst;
	size_t i;

	*dst = *src;
	for (cur = src->inherits; cur; cur = cur->inherits)
		for (i = 0; i < n; i++)
			if (!d[i])
				d[i] = ((void * const *)cur)[i];
	for (i = 0; i < n; i++)
		if (IS_ERR(d[i]))
			d[i] = NULL;
	dst->inherits = NULL;
}

/**
 * nooks_ata_port_wrap() - give a port the wrapped copy of its operations
 * @p: the port's entry record
 * @dom: the driver's domain
 * @ad: the domain's ide data
 * @ap: the port
 *
 * ap->ops is switched with one store: libata reads it without a lock.
 */
void nooks_ata_port_wrap(struct nooks_ata_port *p, struct nooks_domain *dom,
			 struct nooks_ata_domain *ad, struct ata_port *ap)
{
	p->table = ap->ops;
	nooks_ata_ops_resolve(&p->resolved, ap->ops);
	p->orig = &p->resolved;
	p->dom = dom;
	p->ad = ad;
	p->ap = ap;
	p->ops = p->resolved;
#define NOOKS_ATA_FILL(op, ...) NOOKS_ENTRY_WRAP(&p->ops, op, nooks_ata_do_##op);
	NOOKS_ATA_PORT_OPS(NOOKS_ATA_FILL)
	NOOKS_ATA_PORT_OPS_VOID(NOOKS_ATA_FILL)
#undef NOOKS_ATA_FILL
	WRITE_ONCE(ap->ops, &p->ops);
}

/**
 * nooks_ata_check_standin() - does a stand-in table answer every entry?
 * @t: the table
 * @who: its owner, for the message
 *
 * Return: 0, or -EINVAL (an operation is missing).
 */
int nooks_ata_check_standin(const struct ata_port_operations *t,
			    const char *who)
{
	int missing = 0;

#define NOOKS_ATA_CHECK(op, ...) NOOKS_ENTRY_CHECK(t, op, who, missing);
	NOOKS_ATA_PORT_OPS(NOOKS_ATA_CHECK)
	NOOKS_ATA_PORT_OPS_VOID(NOOKS_ATA_CHECK)
#undef NOOKS_ATA_CHECK
	return missing ? -EINVAL : 0;
}
EXPORT_SYMBOL_GPL(nooks_ata_check_standin);

/**
 * nooks_ata_error_handler() - the driver's error handler, protected
 * @ap: the port
 *
 * For a stand-in that waited until the driver runs again: the call the
 * stand-in answered goes to the driver now (or to the stand-in again if
 * the driver failed meanwhile).
 */
void nooks_ata_error_handler(struct ata_port *ap)
{
	nooks_ata_do_error_handler(ap);
}

/* Isolate mode: nothing is issued; error handling unloads the port. */
static int nooks_ata_int_qc(struct ata_queued_cmd *qc)
{
	return 0;
}

static enum ata_completion_errors nooks_ata_prep(struct ata_queued_cmd *qc)
{
	return AC_ERR_OK;
}

static unsigned int nooks_ata_fail_issue(struct ata_queued_cmd *qc)
{
	return AC_ERR_SYSTEM;
}

static bool nooks_ata_bool_qc(struct ata_queued_cmd *qc)
{
	return false;
}

static int nooks_ata_fail_port(struct ata_port *ap)
{
	return -EIO;
}

static u8 nooks_ata_busy(struct ata_port *ap)
{
	return ATA_BUSY;
}

static unsigned int nooks_ata_xfer(struct ata_queued_cmd *qc,
				   unsigned char *buf, unsigned int buflen,
				   int rw)
{
	return buflen;
}

static bool nooks_ata_bool_port(struct ata_port *ap)
{
	return false;
}

static u8 nooks_ata_no_dma(struct ata_port *ap)
{
	return 0;
}

static void nooks_ata_nop_port(struct ata_port *ap)
{
}

static void nooks_ata_nop_qc(struct ata_queued_cmd *qc)
{
}

static void nooks_ata_nop_select(struct ata_port *ap, unsigned int device)
{
}

static void nooks_ata_nop_devctl(struct ata_port *ap, u8 ctl)
{
}

static void nooks_ata_nop_tf(struct ata_port *ap, const struct ata_taskfile *tf)
{
}

static void nooks_ata_nop_tf_read(struct ata_port *ap, struct ata_taskfile *tf)
{
}

/**
 * nooks_ata_port_unwrap() - give a port its driver's table back
 * @p: the port's entry record, freed next
 */
void nooks_ata_port_unwrap(struct nooks_ata_port *p)
{
	WRITE_ONCE(p->ap->ops, p->table);
}

const struct ata_port_operations nooks_ata_isolate = {
	.qc_defer		= nooks_ata_int_qc,
	.check_atapi_dma	= nooks_ata_int_qc,
	.qc_prep		= nooks_ata_prep,
	.qc_issue		= nooks_ata_fail_issue,
	.qc_fill_rtf		= nooks_ata_bool_qc,
	.port_start		= nooks_ata_fail_port,
	.sff_check_status	= nooks_ata_busy,
	.sff_check_altstatus	= nooks_ata_busy,
	.sff_data_xfer		= nooks_ata_xfer,
	.sff_irq_check		= nooks_ata_bool_port,
	.bmdma_status		= nooks_ata_no_dma,
	.freeze			= nooks_ata_nop_port,
	.thaw			= nooks_ata_nop_port,
	.error_handler		= nooks_ata_unload_port,
	.lost_interrupt		= nooks_ata_nop_port,
	.post_internal_cmd	= nooks_ata_nop_qc,
	.sched_eh		= ata_std_sched_eh,
	.end_eh			= ata_std_end_eh,
	.port_stop		= nooks_ata_nop_port,
	.sff_dev_select		= nooks_ata_nop_select,
	.sff_set_devctl		= nooks_ata_nop_devctl,
	.sff_tf_load		= nooks_ata_nop_tf,
	.sff_tf_read		= nooks_ata_nop_tf_read,
	.sff_exec_command	= nooks_ata_nop_tf,
	.sff_irq_on		= nooks_ata_nop_port,
	.sff_irq_clear		= nooks_ata_nop_port,
	.bmdma_setup		= nooks_ata_nop_qc,
	.bmdma_start		= nooks_ata_nop_qc,
	.bmdma_stop		= nooks_ata_nop_qc,
};
EXPORT_SYMBOL_GPL(nooks_ata_isolate);
