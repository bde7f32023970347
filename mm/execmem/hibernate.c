// SPDX-License-Identifier: GPL-2.0
/*
 * execmem and hibernation.
 *
 * Pool memory is ordinary allocated memory, so the hibernation snapshot
 * saves it, and it copies every saved page through the direct map. Pool
 * pages are not present there (the pool removed their alias), and for
 * such a page the snapshot's safe_copy_page() calls
 * set_direct_map_default_noflush(): one 4 KiB page made present and
 * writable, which gives text a writable alias (invariant I1) and splits
 * the chunk's 2 MiB direct-map entry for good (I5).
 *
 * So before the snapshot every area's alias is made present read-only,
 * in the whole 2 MiB units in which it was removed; the snapshot then
 * finds the pages present and copies them through that read-only alias.
 * After the hibernation, in the resumed kernel as well as when the
 * hibernation failed, the aliases are removed again. The page tables are
 * part of the image, so the resumed kernel starts with the aliases as
 * they were at the snapshot: read-only, until PM_POST_HIBERNATION.
 *
 * The restoring (boot) kernel needs nothing: it does not copy its own
 * memory, and the image is written back through page tables of its own.
 */

#define pr_fmt(fmt) "execmem: " fmt

#include <linux/notifier.h>
#include <linux/suspend.h>
#include <linux/syscore_ops.h>

#include "internal.h"

/*
 * Returns NOTIFY_OK, NOTIFY_DONE for other events, or an error that
 * aborts the hibernation when the aliases cannot be shown.
 */
static int execmem_hibernate_notify(struct notifier_block *nb,
				    unsigned long action, void *data)
{
	int err;

	switch (action) {
	case PM_HIBERNATION_PREPARE:
		err = execmem_chunks_show_aliases(true);
		if (err)
			pr_err("cannot show direct-map aliases for hibernation: %d\n",
			       err);
		return notifier_from_errno(err);
	case PM_POST_HIBERNATION:
		execmem_chunks_show_aliases(false);
		return NOTIFY_OK;
	default:
		return NOTIFY_DONE;
	}
}

static struct notifier_block execmem_hibernate_nb = {
	.notifier_call = execmem_hibernate_notify,
};

/*
 * Last check before the snapshot, with one CPU and interrupts off. The
 * pool's own workers are frozen by now (system_freezable_wq), but a
 * kernel thread that is not freezable may be mapping or unmapping an area
 * right now, with its alias not shown: refuse the snapshot rather than
 * let it split that alias. syscore_suspend() also runs once the image is
 * written, to enter the platform's sleep state (or suspend to RAM, in
 * the "suspend" hibernation mode); the snapshot is over then, and
 * refusing would throw a good image away.
 */
static int execmem_hibernate_syscore_suspend(void *data)
{
	if (system_entering_hibernation() ||
	    pm_suspend_target_state != PM_SUSPEND_ON ||
	    execmem_chunks_aliases_settled())
		return 0;
	pr_warn("an area is being mapped: no snapshot now\n");
	return -EBUSY;
}

static const struct syscore_ops execmem_hibernate_syscore_ops = {
	.suspend = execmem_hibernate_syscore_suspend,
};

static struct syscore execmem_hibernate_syscore = {
	.ops = &execmem_hibernate_syscore_ops,
};

static int __init execmem_hibernate_init(void)
{
	register_syscore(&execmem_hibernate_syscore);
	return register_pm_notifier(&execmem_hibernate_nb);
}
core_initcall(execmem_hibernate_init);
