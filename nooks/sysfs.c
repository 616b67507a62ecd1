// SPDX-License-Identifier: GPL-2.0
/*
 * nooks/sysfs.c - control and state of isolation domains.
 *
 * /sys/kernel/shadow/
 * |-- add                  write a module name: create its domain (mode off)
 * |-- remove               write a module name: driver native, domain gone
 * `-- <driver>/
 *     |-- mode             off | isolate | shadow (read-write)
 *     |-- state            unloaded | native | running | failed |
 *     |                    recovering | failstop
 *     |-- failures         contained faults
 *     |-- recoveries       successful restarts
 *     |-- last_fault       kind, where, entry point and context of the last
 *     |-- objects          resources the driver holds (tracked)
 *     |-- classes          driver classes whose calls are interposed
 *     |-- members          the modules the domain covers: the driver, then
 *     |                    the helper modules running code for it
 *     |-- switch           what a switch to or from off would do to the
 *     |                    bound devices: live | in-place | rebind |
 *     |                    unbound
 *     |-- last_switch/
 *     |   |-- method       live | in-place | rebind | none
 *     |   |-- stop_us      live: stand-in, driver closed its devices;
 *     |   |                in-place: devices brought to rest
 *     |   |-- remove_us    live: driver's remove, objects kept
 *     |   |-- probe_us     live: driver probed into the kept objects;
 *     |   |                in-place: call sites bound and objects
 *     |   |                adopted, or objects let go and sites restored
 *     |   |-- replay_us    live: state replayed, devices handed back;
 *     |   |                in-place: devices let go again
 *     |   |-- total_us     the whole switch
 *     |   `-- ok           1 if it succeeded
 *     `-- last_recovery/
 *         |-- stop_us      fault to device quiesced and callers held
 *         |-- wait_us      calls in flight drained
 *         |-- release_us   tracked resources freed
 *         |-- reset_us     devices unbound and reset
 *         |-- restart_us   driver probed again
 *         |-- replay_us    shadow mode: state replayed
 *         |-- total_us     fault to devices back
 *         `-- ok           1 if the restart succeeded
 *
 * Documented in Documentation/ABI/testing/sysfs-kernel-shadow.
 */
#define pr_fmt(fmt) "nooks: " fmt

#include <linux/ctype.h>
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "domain.h"
#include "sysfs.h"

static struct kobject *nooks_root_kobj;

#define to_dom(k) container_of(k, struct nooks_domain, kobj)

static ssize_t mode_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n", nooks_mode_name(READ_ONCE(to_dom(kobj)->mode)));
}

static ssize_t mode_store(struct kobject *kobj, struct kobj_attribute *attr,
			  const char *buf, size_t count)
{
	int mode = nooks_mode_parse(buf);
	int ret;

	if (mode < 0)
		return -EINVAL;
	ret = nooks_domain_set_mode(to_dom(kobj), mode);
	return ret ?: count;
}

static ssize_t state_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  nooks_state_name(READ_ONCE(to_dom(kobj)->state)));
}

static ssize_t failures_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&to_dom(kobj)->failures));
}

static ssize_t recoveries_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&to_dom(kobj)->recoveries));
}

static ssize_t last_fault_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	struct nooks_fault_info f = to_dom(kobj)->last_fault;

	if (!f.when_ns)
		return sysfs_emit(buf, "none\n");
	return sysfs_emit(buf, "%s at %pS in %s (%s)\n",
			  nooks_fault_name(f.kind), (void *)f.ip,
			  f.what ?: "", f.ctx ?: "");
}

static ssize_t objects_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(to_dom(kobj)->track.total));
}

static ssize_t classes_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	nooks_iface_show(to_dom(kobj), buf, PAGE_SIZE);
	return strlen(buf);
}

static ssize_t members_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return nooks_group_show(to_dom(kobj), buf, PAGE_SIZE);
}

static ssize_t switch_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	struct nooks_domain *dom = to_dom(kobj);
	int method;

	mutex_lock(&dom->ctl);
	method = nooks_domain_switch_method(dom);
	mutex_unlock(&dom->ctl);
	return sysfs_emit(buf, "%s\n", method == NOOKS_SWITCH_NONE ? "unbound" :
			  nooks_switch_method_name(method));
}

static struct kobj_attribute mode_attr = __ATTR_RW(mode);
static struct kobj_attribute switch_attr = __ATTR_RO(switch);
static struct kobj_attribute state_attr = __ATTR_RO(state);
static struct kobj_attribute failures_attr = __ATTR_RO(failures);
static struct kobj_attribute recoveries_attr = __ATTR_RO(recoveries);
static struct kobj_attribute last_fault_attr = __ATTR_RO(last_fault);
static struct kobj_attribute objects_attr = __ATTR_RO(objects);
static struct kobj_attribute classes_attr = __ATTR_RO(classes);
static struct kobj_attribute members_attr = __ATTR_RO(members);

static struct attribute *nooks_domain_attrs[] = {
	&mode_attr.attr,
	&state_attr.attr,
	&failures_attr.attr,
	&recoveries_attr.attr,
	&last_fault_attr.attr,
	&objects_attr.attr,
	&classes_attr.attr,
	&members_attr.attr,
	&switch_attr.attr,
	NULL,
};

static const struct attribute_group nooks_domain_group = {
	.attrs = nooks_domain_attrs,
};

#define NOOKS_PHASE_ATTR(name, phase)					\
static ssize_t name##_us_show(struct kobject *kobj,			\
			      struct kobj_attribute *attr, char *buf)	\
{									\
	return sysfs_emit(buf, "%llu\n",				\
		div_u64(to_dom(kobj)->last.ns[phase], NSEC_PER_USEC));	\
}									\
static struct kobj_attribute name##_attr = __ATTR_RO(name##_us)

NOOKS_PHASE_ATTR(stop, NOOKS_PHASE_STOP);
NOOKS_PHASE_ATTR(wait, NOOKS_PHASE_WAIT);
NOOKS_PHASE_ATTR(release, NOOKS_PHASE_RELEASE);
NOOKS_PHASE_ATTR(reset, NOOKS_PHASE_RESET);
NOOKS_PHASE_ATTR(restart, NOOKS_PHASE_RESTART);
NOOKS_PHASE_ATTR(replay, NOOKS_PHASE_REPLAY);

static ssize_t total_us_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%llu\n",
			  div_u64(to_dom(kobj)->last.total_ns, NSEC_PER_USEC));
}

static ssize_t ok_show(struct kobject *kobj, struct kobj_attribute *attr,
		       char *buf)
{
	return sysfs_emit(buf, "%d\n", to_dom(kobj)->last.ok);
}

static struct kobj_attribute total_attr = __ATTR_RO(total_us);
static struct kobj_attribute ok_attr = __ATTR_RO(ok);

static struct attribute *nooks_recovery_attrs[] = {
	&stop_attr.attr,
	&wait_attr.attr,
	&release_attr.attr,
	&reset_attr.attr,
	&restart_attr.attr,
	&replay_attr.attr,
	&total_attr.attr,
	&ok_attr.attr,
	NULL,
};

static const struct attribute_group nooks_recovery_group = {
	.name = "last_recovery",
	.attrs = nooks_recovery_attrs,
};

#define NOOKS_SWITCH_ATTR(name, phase)					\
static ssize_t sw_##name##_show(struct kobject *kobj,			\
				struct kobj_attribute *attr, char *buf)	\
{									\
	return sysfs_emit(buf, "%llu\n",				\
		div_u64(to_dom(kobj)->last_switch.ns[phase],	\
			NSEC_PER_USEC));				\
}									\
static struct kobj_attribute sw_##name##_attr =				\
	__ATTR(name##_us, 0444, sw_##name##_show, NULL)

NOOKS_SWITCH_ATTR(stop, NOOKS_SWITCH_STOP);
NOOKS_SWITCH_ATTR(remove, NOOKS_SWITCH_REMOVE);
NOOKS_SWITCH_ATTR(probe, NOOKS_SWITCH_PROBE);
NOOKS_SWITCH_ATTR(replay, NOOKS_SWITCH_REPLAY);

static ssize_t sw_method_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n",
		nooks_switch_method_name(to_dom(kobj)->last_switch.method));
}

static ssize_t sw_total_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%llu\n",
		div_u64(to_dom(kobj)->last_switch.total_ns,
			NSEC_PER_USEC));
}

static ssize_t sw_ok_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%d\n", to_dom(kobj)->last_switch.ok);
}

static struct kobj_attribute sw_method_attr =
	__ATTR(method, 0444, sw_method_show, NULL);
static struct kobj_attribute sw_total_attr =
	__ATTR(total_us, 0444, sw_total_show, NULL);
static struct kobj_attribute sw_ok_attr = __ATTR(ok, 0444, sw_ok_show, NULL);

static struct attribute *nooks_switch_attrs[] = {
	&sw_method_attr.attr,
	&sw_stop_attr.attr,
	&sw_remove_attr.attr,
	&sw_probe_attr.attr,
	&sw_replay_attr.attr,
	&sw_total_attr.attr,
	&sw_ok_attr.attr,
	NULL,
};

static const struct attribute_group nooks_switch_group = {
	.name = "last_switch",
	.attrs = nooks_switch_attrs,
};

static const struct attribute_group *nooks_domain_groups[] = {
	&nooks_domain_group,
	&nooks_recovery_group,
	&nooks_switch_group,
	NULL,
};

static void nooks_domain_release(struct kobject *kobj)
{
	kfree(to_dom(kobj));
}

static struct kobj_type nooks_domain_ktype = {
	.release = nooks_domain_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = nooks_domain_groups,
};

/* Create /sys/kernel/shadow/<name>; on error @dom is freed. */
int nooks_sysfs_domain_add(struct nooks_domain *dom)
{
	int ret;

	ret = kobject_init_and_add(&dom->kobj, &nooks_domain_ktype,
				   nooks_root_kobj, "%s", dom->name);
	if (ret)
		kobject_put(&dom->kobj);
	return ret;
}

/* Remove /sys/kernel/shadow/<name> and free @dom. */
void nooks_sysfs_domain_del(struct nooks_domain *dom)
{
	kobject_del(&dom->kobj);
	kobject_put(&dom->kobj);
}

/*
 * Copy a module name written to a control file, without the newline: a
 * letter, digit or underscore, then letters, digits, '_' and '-'.
 */
static int nooks_sysfs_name(const char *buf, size_t count, char *name)
{
	size_t len = count, i;

	if (len && buf[len - 1] == '\n')
		len--;
	if (!len || len >= MODULE_NAME_LEN)
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (!isalnum(buf[i]) && buf[i] != '_' && (!i || buf[i] != '-'))
			return -EINVAL;
	memcpy(name, buf, len);
	name[len] = '\0';
	return 0;
}

static ssize_t add_store(struct kobject *kobj, struct kobj_attribute *attr,
			 const char *buf, size_t count)
{
	char name[MODULE_NAME_LEN];
	struct nooks_domain *dom;
	int ret;

	ret = nooks_sysfs_name(buf, count, name);
	if (ret)
		return ret;
	dom = nooks_domain_create(name);
	return IS_ERR(dom) ? PTR_ERR(dom) : count;
}

static ssize_t remove_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t count)
{
	char name[MODULE_NAME_LEN];
	struct nooks_domain *dom;
	int ret;

	ret = nooks_sysfs_name(buf, count, name);
	if (ret)
		return ret;
	mutex_lock(&nooks_domains_lock);
	dom = nooks_domain_find(name);
	if (dom && dom->dying)
		dom = NULL;
	if (dom)
		dom->dying = true;
	mutex_unlock(&nooks_domains_lock);
	if (!dom)
		return -ENOENT;
	nooks_domain_destroy(dom);
	return count;
}

static struct kobj_attribute add_attr = __ATTR_WO(add);
static struct kobj_attribute remove_attr = __ATTR_WO(remove);

static struct attribute *nooks_root_attrs[] = {
	&add_attr.attr,
	&remove_attr.attr,
	NULL,
};

static const struct attribute_group nooks_root_group = {
	.attrs = nooks_root_attrs,
};

int nooks_sysfs_init(void)
{
	int ret;

	nooks_root_kobj = kobject_create_and_add("shadow", kernel_kobj);
	if (!nooks_root_kobj)
		return -ENOMEM;
	ret = sysfs_create_group(nooks_root_kobj, &nooks_root_group);
	if (ret)
		kobject_put(nooks_root_kobj);
	return ret;
}

void nooks_sysfs_exit(void)
{
	kobject_put(nooks_root_kobj);
}
