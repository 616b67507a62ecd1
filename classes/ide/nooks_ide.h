/* SPDX-License-Identifier: GPL-2.0 */
/*
 * classes/ide/nooks_ide.h - the ide (ATA) class of the isolation layer
 * (nooks_ide.ko) and what the ide shadow (shadow_ide.ko) uses of it.
 */
#ifndef _NOOKS_IDE_H
#define _NOOKS_IDE_H

#include <linux/libata.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/wait.h>

#include "iface.h"

struct nooks_domain;

/**
 * struct nooks_ata_port - entry record of one ATA port of an isolated driver
 * @ops: the port's operations as libata calls them (ap->ops points here):
 *	the driver's table with its entries wrapped (wrap_port.c)
 * @orig: the driver's operations as libata would call them: @resolved
 * @resolved: the driver's table with the operations it inherits filled in
 * @table: the driver's own table, put back when the port is let go
 * @dom: the driver's domain
 * @ad: the domain's ide data (its stand-in table)
 * @ap: the port
 * @divert: send every call to the stand-in (unused by the ide shadow,
 *	which lets the domain's state divert; kept for the entry kit)
 * @stall_cmd: the ide shadow's progress check (classes/ide/watchdog.c):
 *	the command seen in flight, @stall_deadline its request's deadline
 *	(a new dispatch has a new one), @stall_since when it was first seen
 */
struct nooks_ata_port {
	struct ata_port_operations ops;
	const struct ata_port_operations *orig;
	struct ata_port_operations resolved;
	struct ata_port_operations *table;
	struct nooks_domain *dom;
	struct nooks_ata_domain *ad;
	struct ata_port *ap;
	bool divert;
	void *stall_cmd;
	unsigned long stall_deadline;
	unsigned long stall_since;
};

/**
 * struct nooks_ata_host - an ATA host an isolated driver activated
 * @node: in struct nooks_ata_domain.hosts
 * @host: the host
 * @nr_ports: entries in @port (the host's ports but its dummy ones)
 * @port: the entry records of its ports
 */
struct nooks_ata_host {
	struct list_head node;
	struct ata_host *host;
	unsigned int nr_ports;
	struct nooks_ata_port port[];
};

/**
 * struct nooks_ata_domain - the ide class's data of one domain
 * @lock: protects @hosts
 * @hosts: the hosts the driver activated (struct nooks_ata_host)
 * @standin: who answers a port operation while the driver cannot: the
 *	isolate-mode table, or the ide shadow's
 * @wq: woken when the domain runs again or is fail-stopped (a stand-in
 *	of the error handler waits on it), or its hosts are leaving
 * @leaving: the hosts are being detached (a generic restart, or a driver
 *	left fail-stopped): an error handler unloads its port at once
 */
struct nooks_ata_domain {
	struct mutex lock;
	struct list_head hosts;
	const struct ata_port_operations *standin;
	wait_queue_head_t wq;
	bool leaving;
};

/* The entry record of a port whose operations an isolated driver gave. */
static inline struct nooks_ata_port *nooks_ata_port_of(struct ata_port *ap)
{
	return container_of(ap->ops, struct nooks_ata_port, ops);
}

struct nooks_ata_domain *nooks_ata_domain(struct nooks_domain *dom);
void nooks_ata_set_standin(struct nooks_domain *dom,
			   const struct ata_port_operations *standin);
int nooks_ata_check_standin(const struct ata_port_operations *t,
			    const char *who);
void nooks_ata_eh_standin(struct ata_port *ap);
void nooks_ata_unload_port(struct ata_port *ap);
/**
 * enum nooks_ata_kick - what nooks_ata_port_kick() did to a port
 * @NOOKS_ATA_IDLE: nothing was in flight
 * @NOOKS_ATA_REISSUED: the command in flight was issued again
 * @NOOKS_ATA_ABORTED: the commands go through error handling, no reset
 * @NOOKS_ATA_RESET: the port is reset by error handling first
 */
enum nooks_ata_kick {
	NOOKS_ATA_IDLE,
	NOOKS_ATA_REISSUED,
	NOOKS_ATA_ABORTED,
	NOOKS_ATA_RESET,
};

enum nooks_ata_kick nooks_ata_port_kick(struct ata_port *ap);
unsigned int nooks_ata_port_wait(struct ata_port *ap);
unsigned int nooks_ata_port_devices(struct ata_port *ap);

/* nooks_ide.ko internal */
void nooks_ata_error_handler(struct ata_port *ap);
extern const struct nooks_import_table nooks_ata_host_imports;
extern struct nooks_obj_type nooks_ata_obj_host;
extern const struct ata_port_operations nooks_ata_isolate;
void nooks_ata_port_wrap(struct nooks_ata_port *p, struct nooks_domain *dom,
			 struct nooks_ata_domain *ad, struct ata_port *ap);
void nooks_ata_port_unwrap(struct nooks_ata_port *p);
int nooks_ata_host_add(struct nooks_domain *dom, struct nooks_ata_domain *ad,
		       struct ata_host *host);
bool nooks_ata_host_find(struct nooks_ata_domain *ad, struct ata_host *host);
void nooks_ata_host_let_go(struct nooks_ata_domain *ad, struct ata_host *host);
bool nooks_ata_in_place(struct nooks_domain *dom);
int nooks_ata_hold(struct nooks_domain *dom, bool on);
int nooks_ata_adopt(struct nooks_domain *dom);
void nooks_ata_let_go(struct nooks_domain *dom);

#endif /* _NOOKS_IDE_H */
