// SPDX-License-Identifier: GPL-2.0
/*
 * nooks/restart.c - Nooks restart of a failed driver.
 *
 * Runs in process context on its own workqueue after a fault was
 * contained (nooks_domain_fail() already stopped the device's DMA and
 * interrupts and the class objects):
 *
 *   stop     hold the module (it cannot be unloaded mid-recovery)
 *   wait     let the calls still in the driver leave (other CPUs, or
 *            sleeping calls that the hang watchdog will abort)
 *   release  free everything the object tracker holds, without calling
 *            the driver: IRQs, timers, work, NAPI, net devices, mappings,
 *            regions (enum nooks_stage order); DMA buffers and the socket
 *            buffers in them are only taken out of the tracker
 *   reset    unbind the devices (the wrapped remove does not enter the
 *            failed driver; device-managed objects go), free the memory
 *            still tracked, and reset the devices (function reset when
 *            the device has one)
 *   restart  probe the devices again with the same driver code (the probe
 *            resets the hardware), then free the old DMA buffers
 *
 * Re-probe, not reload: the module's text and read-only data cannot have
 * been changed by the fault; a reload costs a full module load and unload
 * (~1.2 s of guest time for e1000) for no added safety, and would have to
 * re-bind the module's call sites. Module-global mutable data is the one
 * thing a reload would refresh: what a driver keeps there about the devices
 * it had bound (a probe count, a list of its chips) its class resets, as
 * it knows it (struct nooks_iface.reset).
 *
 * A failure during the restart itself leaves the domain fail-stopped.
 * In shadow mode the class shadow's recover hook runs instead of the plain
 * re-probe, and the shadow keeps the kernel-visible objects alive.
 *
 * A class may restart its driver in place instead (struct
 * nooks_domain_ops.restart): with no unbind, through the subsystem's own
 * recovery. The ATA shadow does: libata's error handling resets the ports
 * with the driver's reset methods, revalidates the devices, sets their
 * transfer modes again and issues the aborted commands anew; the ATA
 * host, its SCSI host and the disks on it never go away. Nothing tracked
 * is released then but the locks the failed driver held.
 */
#define pr_fmt(fmt) "nooks: " fmt

#include <linux/delay.h>
#include <linux/device.h>
#include <linux/pci.h>
#include <linux/sched/clock.h>
#include <linux/sched/debug.h>
#include <linux/sched/mm.h>
#include <linux/timer.h>
#include <linux/workqueue.h>

#include "bus_pci.h"
#include "domain.h"
#include "nooks_trace.h"
#include "restart.h"
#include "swifi.h"
#include "wrap.h"

static struct workqueue_struct *nooks_restart_wq;

static unsigned int wait_ms = 2000;
module_param(wait_ms, uint, 0644);
MODULE_PARM_DESC(wait_ms,
		 "how long a recovery waits for calls in the driver to leave");

static const char * const nooks_phase_names[NOOKS_PHASE_NR] = {
	[NOOKS_PHASE_STOP]	= "stop",
	[NOOKS_PHASE_WAIT]	= "wait",
	[NOOKS_PHASE_RELEASE]	= "release",
	[NOOKS_PHASE_RESET]	= "reset",
	[NOOKS_PHASE_RESTART]	= "restart",
	[NOOKS_PHASE_REPLAY]	= "replay",
};

static unsigned int stall_report_s = 5;
module_param(stall_report_s, uint, 0644);
MODULE_PARM_DESC(stall_report_s,
		 "report a recovery still running after this long, with its stack (s, 0: never)");

/**
 * struct nooks_timer - the phases of one recovery
 * @dom: the domain recovering
 * @rec: the phase durations, filled as phases end
 * @t: when the current phase began (local_clock())
 * @phase: the current phase (enum nooks_phase), read by @stall
 * @task: the worker running the recovery
 * @stall: fires once if the recovery runs longer than stall_report_s
 */
struct nooks_timer {
	struct nooks_domain *dom;
	struct nooks_recovery *rec;
	u64 t;
	int phase;
	struct task_struct *task;
	struct timer_list stall;
};

/*
 * A recovery that does not end leaves the driver failed and its devices
 * stood in for, silently: say where it waits, once.
 */
static void nooks_restart_stalled(struct timer_list *t)
{
	struct nooks_timer *tm = from_timer(tm, t, stall);
	int phase = READ_ONCE(tm->phase);

	pr_warn("%s: recovery still in its %s phase after %u s; the worker:\n",
		tm->dom->name, phase < NOOKS_PHASE_NR ?
		nooks_phase_names[phase] : "last", stall_report_s);
	sched_show_task(tm->task);
}

/* End @phase at @now (local_clock() time) and begin the next one. */
static void nooks_phase_end_at(struct nooks_timer *tm, int phase, u64 now)
{
	tm->rec->ns[phase] = now - tm->t;
	tm->t = now;
	WRITE_ONCE(tm->phase, phase + 1);
	trace_nooks_phase_end(tm->dom->name, nooks_phase_names[phase],
			      tm->rec->ns[phase]);
	if (phase + 1 < NOOKS_PHASE_NR)
		trace_nooks_phase_begin(tm->dom->name,
					nooks_phase_names[phase + 1], 0);
}

static void nooks_phase_end(struct nooks_timer *tm, int phase)
{
	nooks_phase_end_at(tm, phase, local_clock());
}

/**
 * nooks_restart_drain() - wait for the calls still in a failed driver
 * @dom: the domain
 *
 * Return: 0, or -ETIMEDOUT after the module's wait_ms.
 */
int nooks_restart_drain(struct nooks_domain *dom)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(wait_ms);

	while (atomic_read(&dom->inflight) > 0) {
		if (time_after(jiffies, deadline))
			return -ETIMEDOUT;
		usleep_range(200, 500);
	}
	return 0;
}

/**
 * nooks_restart_resume() - let a driver restarted in place be entered again
 * @dom: the domain, its ctl held, in its class's restart hook
 *
 * Its entries call the driver again from now on; a failure meanwhile is
 * final (the restart hook's caller fail-stops the driver).
 */
void nooks_restart_resume(struct nooks_domain *dom)
{
	lockdep_assert_held(&dom->ctl);
	dom->resumed_ns = local_clock();
	dom->restarting = true;
	WRITE_ONCE(dom->state, NOOKS_STATE_RUNNING);
}
EXPORT_SYMBOL_GPL(nooks_restart_resume);

/*
 * The class's restart in place (struct nooks_domain_ops.restart): nothing
 * is released or unbound; a mutated instruction is restored first, as for
 * a re-probe. -EOPNOTSUPP when the class restarts this driver the generic
 * way.
 */
static int nooks_restart_in_place(struct nooks_domain *dom,
				  struct nooks_timer *tm)
{
	unsigned int noio;
	int ret;

	nooks_swifi_restart(dom);
	dom->restarting = false;
	/* the driver may hold the disk that reclaim would write to */
	noio = memalloc_noio_save();
	ret = nooks_domain_ops(dom)->restart(dom);
	memalloc_noio_restore(noio);
	if (ret == -EOPNOTSUPP)
		return ret;
	/*
	 * Nothing was released or reset: those phases end, empty, where the
	 * class let the driver be entered again; its restart is the rest.
	 */
	nooks_phase_end_at(tm, NOOKS_PHASE_RELEASE,
			   dom->restarting ? dom->resumed_ns : local_clock());
	nooks_phase_end_at(tm, NOOKS_PHASE_RESET, tm->t);
	if (dom->restarting) {
		dom->restarting = false;
		if (!ret && READ_ONCE(dom->state) != NOOKS_STATE_RUNNING)
			ret = -EIO;
	} else if (!ret) {
		ret = -EIO;	/* never resumed */
	}
	nooks_phase_end(tm, NOOKS_PHASE_RESTART);
	return ret;
}

static void nooks_restart_work(struct work_struct *work)
{
	struct nooks_domain *dom = container_of(work, struct nooks_domain,
						recover_work);
	struct nooks_recovery rec = { };
	struct nooks_devlist devs = { };
	struct nooks_timer tm = { .dom = dom, .rec = &rec };
	bool (*keep)(struct nooks_domain *dom, const struct nooks_obj *obj);
	HLIST_HEAD(dma);
	bool recover, in_place = false;
	int ret, hold;

	mutex_lock(&dom->ctl);
	if (READ_ONCE(dom->state) != NOOKS_STATE_FAILED || !dom->mod)
		goto out_unlock;
	tm.t = local_clock();
	/* the fault-to-now part of "stop" happened in nooks_domain_fail() */
	if (dom->last_fault.when_ns && dom->last_fault.when_ns < tm.t)
		tm.t = dom->last_fault.when_ns;
	if (!try_module_get(dom->mod))
		goto out_unlock;	/* being unloaded: nothing to restart */
	trace_nooks_phase_begin(dom->name, nooks_phase_names[NOOKS_PHASE_STOP], 0);
	tm.task = current;
	timer_setup_on_stack(&tm.stall, nooks_restart_stalled, 0);
	if (stall_report_s)
		mod_timer(&tm.stall, jiffies + stall_report_s * HZ);
	WRITE_ONCE(dom->state, NOOKS_STATE_RECOVERING);
	nooks_phase_end(&tm, NOOKS_PHASE_STOP);

	ret = nooks_restart_drain(dom);
	if (ret)
		pr_warn("%s: %d calls still in the driver after %u ms\n",
			dom->name, atomic_read(&dom->inflight), wait_ms);
	nooks_phase_end(&tm, NOOKS_PHASE_WAIT);
	/* locks it left held live in its memory: before that is freed */
	nooks_locks_release(dom, dom->last_fault.when_ns ?: U64_MAX);
	nooks_sleeplocks_release(dom, dom->last_fault.when_ns ?: U64_MAX);

	recover = !nooks_hook(dom, should_recover) ||
		  nooks_domain_ops(dom)->should_recover(dom);
	if (recover && nooks_hook(dom, restart)) {
		ret = nooks_restart_in_place(dom, &tm);
		in_place = ret != -EOPNOTSUPP;
		if (in_place)
			goto replay;
	}
	/* the devices stay enabled until the re-probe (bus_pci.c) */
	hold = nooks_pci_hold_devices(dom, &devs);
	/* DMA buffers wait until the device is reset (see track.c) */
	nooks_track_take_dma(dom, &dma);
	/*
	 * The shadow keeps kernel-visible objects for the restarted driver.
	 * Memory goes after the unbind, which may free some itself (see
	 * nooks_track_release()).
	 */
	keep = recover ? nooks_hook(dom, keep) : NULL;
	nooks_track_release(dom, NOOKS_STAGE_ENTRY, NOOKS_STAGE_HW, keep);
	nooks_cb_del_domain(dom);
	nooks_phase_end(&tm, NOOKS_PHASE_RELEASE);

	ret = hold;
	nooks_pci_unbind_devices(dom, &devs);
	nooks_track_release(dom, NOOKS_STAGE_MEM, NOOKS_STAGE_MEM, keep);
	/* what a reload would refresh: module globals about the devices */
	nooks_iface_reset(dom);
	if (!ret)
		nooks_pci_reset_devices(&devs);
	/* a mutated instruction is restored, as reloading the module would */
	nooks_swifi_restart(dom);
	nooks_phase_end(&tm, NOOKS_PHASE_RESET);
	if (!recover) {
		/* policy: leave the driver stopped, its devices unbound */
		nooks_pci_put_devices(&devs);
		ret = -ECANCELED;
	}

	if (!ret) {
		dom->restarting = true;
		WRITE_ONCE(dom->state, NOOKS_STATE_RUNNING);
		ret = nooks_pci_bind_devices(dom, &devs);
		dom->restarting = false;
		/* re-probed isolated: nothing made natively is left */
		WRITE_ONCE(dom->adopting, false);
		if (READ_ONCE(dom->state) != NOOKS_STATE_RUNNING)
			ret = -EIO;
	}
	/*
	 * The probe reset the device (or it failed and the device is
	 * unbound with bus mastering off): the old buffers are unreachable.
	 */
	nooks_track_release_list(dom, &dma);
	/* and so are those the driver freed (quarantine.c) */
	nooks_quarantine_flush(dom);
	nooks_phase_end(&tm, NOOKS_PHASE_RESTART);
replay:
	if (!ret && nooks_hook(dom, recover))
		ret = nooks_domain_ops(dom)->recover(dom);
	nooks_phase_end(&tm, NOOKS_PHASE_REPLAY);
	del_timer_sync(&tm.stall);
	destroy_timer_on_stack(&tm.stall);

	rec.total_ns = tm.t - (dom->last_fault.when_ns ?: tm.t);
	rec.ok = !ret;
	dom->last = rec;
	trace_nooks_recovery(dom->name, rec.ok, rec.total_ns);
	if (ret && in_place) {
		/* still bound: its class stands in for it until it goes */
		WRITE_ONCE(dom->state, NOOKS_STATE_FAILSTOP);
		if (nooks_hook(dom, stopped))
			nooks_domain_ops(dom)->stopped(dom);
		pr_err("%s: restart in place failed (%d): driver fail-stopped\n",
		       dom->name, ret);
	} else if (ret) {
		WRITE_ONCE(dom->state, NOOKS_STATE_FAILSTOP);
		/* whatever a failed re-probe or the shadow kept; a failed
		 * probe's device-managed objects went with the probe
		 */
		nooks_track_release_all(dom, NULL);
		nooks_track_forget_devres(dom);
		nooks_cb_del_domain(dom);
		if (nooks_hook(dom, stopped))
			nooks_domain_ops(dom)->stopped(dom);
		if (recover)
			pr_err("%s: restart failed (%d): driver fail-stopped\n",
			       dom->name, ret);
		else
			pr_err("%s: not restarted (policy): driver fail-stopped\n",
			       dom->name);
	} else {
		atomic_inc(&dom->recoveries);
		pr_info("%s: restarted in %llu us\n", dom->name,
			div_u64(rec.total_ns, NSEC_PER_USEC));
	}
	module_put(dom->mod);
out_unlock:
	mutex_unlock(&dom->ctl);
}

void nooks_restart_init(struct nooks_domain *dom)
{
	INIT_WORK(&dom->recover_work, nooks_restart_work);
}

/**
 * nooks_restart_schedule() - recover a failed domain soon
 * @dom: the domain, in state failed
 *
 * Any context. A failure of the driver while it is being restarted is not
 * retried: the restart sees it and fail-stops the driver.
 */
void nooks_restart_schedule(struct nooks_domain *dom)
{
	if (dom->restarting)
		return;
	queue_work(nooks_restart_wq, &dom->recover_work);
}

void nooks_restart_cancel(struct nooks_domain *dom)
{
	cancel_work_sync(&dom->recover_work);
}

int nooks_restart_wq_init(void)
{
	/* high priority: the stop phase includes the wait for a worker */
	nooks_restart_wq = alloc_ordered_workqueue("nooks_restart", WQ_HIGHPRI);
	return nooks_restart_wq ? 0 : -ENOMEM;
}

void nooks_restart_wq_exit(void)
{
	destroy_workqueue(nooks_restart_wq);
}
