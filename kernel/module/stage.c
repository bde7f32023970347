// SPDX-License-Identifier: GPL-2.0
/*
 * Module text in the execmem ROX pool.
 *
 * Pool memory is never writable. The loader therefore lays the text of a
 * module out in a private, writable stage and applies relocations,
 * alternatives and every other early fixup there, each computed against
 * the final address in the pool. Once the text is complete it is
 * published into the pool with one execmem_update() per section type;
 * from then on, as for any live text, only text_poke() writes it.
 *
 * Code that reads or writes a module's text before publication asks
 * module_text_stage() where the bytes of an address are. Only the task
 * loading a module touches its stage.
 */

#include <linux/atomic.h>
#include <linux/execmem.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/moduleloader.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>

#include "internal.h"

/*
 * Instruction decoders read up to MAX_INSN_SIZE bytes from where they are
 * pointed: a stage is that much larger than its text, and zeroed.
 */
#define MODULE_STAGE_SLACK	16

/* Published in pieces: text_mutex is not held across a whole module. */
#define MODULE_PUBLISH_STEP	SZ_64K

/*
 * Found by the final address: the loader moves struct module itself into
 * the module's data after the memory is allocated.
 */
struct module_stage {
	struct list_head node;
	struct rcu_head rcu;
	struct task_struct *owner;	/* the loading task: the only user */
	unsigned long base;	/* final address */
	unsigned int size;
	void *copy;
};

/* The stages of the modules being loaded: readers use RCU. */
static LIST_HEAD(module_stages);
static DEFINE_SPINLOCK(module_stages_lock);
static atomic_t module_nr_stages = ATOMIC_INIT(0);

/**
 * module_stage_alloc - give a module's pool text a writable stage
 * @mod: the module being laid out
 * @type: a text type whose memory @mod->mem[@type].base is in the pool
 *
 * Return: 0, or -ENOMEM.
 */
int module_stage_alloc(struct module *mod, enum mod_mem_type type)
{
	struct module_memory *mem = &mod->mem[type];
	struct module_stage *st;

	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	st->copy = vzalloc(mem->size + MODULE_STAGE_SLACK);
	if (!st->copy) {
		kfree(st);
		return -ENOMEM;
	}
	st->owner = current;
	st->base = (unsigned long)mem->base;
	st->size = mem->size;

	spin_lock(&module_stages_lock);
	list_add_rcu(&st->node, &module_stages);
	atomic_inc(&module_nr_stages);
	spin_unlock(&module_stages_lock);
	return 0;
}

/* The loading task's own lookup: no other task adds or frees its stages. */
static struct module_stage *module_stage_of(const struct module *mod,
					    enum mod_mem_type type)
{
	unsigned long base = (unsigned long)mod->mem[type].base;
	struct module_stage *st, *found = NULL;

	if (!base)
		return NULL;
	rcu_read_lock();
	list_for_each_entry_rcu(st, &module_stages, node) {
		if (st->base == base) {
			found = st;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

/**
 * module_stage_free - drop the stage of a module's text, if it has one
 * @mod: the module
 * @type: the memory type
 */
void module_stage_free(struct module *mod, enum mod_mem_type type)
{
	struct module_stage *st;

	if (!atomic_read(&module_nr_stages))
		return;
	st = module_stage_of(mod, type);
	if (!st)
		return;

	spin_lock(&module_stages_lock);
	list_del_rcu(&st->node);
	atomic_dec(&module_nr_stages);
	spin_unlock(&module_stages_lock);
	/* Other loaders may still be looking at the entry, not at the copy. */
	vfree(st->copy);
	kfree_rcu(st, rcu);
}

/**
 * module_mem_writable - where the loader writes a module memory type
 * @mod: the module being laid out
 * @type: the memory type
 *
 * Return: the stage of pool text that is not yet published, otherwise
 * the memory itself.
 */
void *module_mem_writable(struct module *mod, enum mod_mem_type type)
{
	struct module_stage *st = NULL;

	if (atomic_read(&module_nr_stages))
		st = module_stage_of(mod, type);
	return st ? st->copy : mod->mem[type].base;
}

/**
 * module_text_stage - where to access module text that may be staged
 * @addr: final address of the first byte
 * @len: number of bytes to be read or written
 *
 * Architecture code that patches a module's text while it is loaded
 * calls this before each access. Only the task loading a module sees its
 * stage. Addresses outside any staged text are returned unchanged; an
 * access that would cross the end of a staged section is a bug: it
 * warns once and gets @addr, whose pool memory holds traps. Instruction
 * decoders may read MAX_INSN_SIZE bytes from a result obtained with
 * @len 1.
 *
 * Return: the address in the stage holding @addr, or @addr.
 */
void *module_text_stage(void *addr, size_t len)
{
	unsigned long a = (unsigned long)addr;
	struct module_stage *st;
	void *ret = addr;

	if (!atomic_read(&module_nr_stages))
		return addr;

	rcu_read_lock();
	list_for_each_entry_rcu(st, &module_stages, node) {
		unsigned long off = a - st->base;

		if (st->owner != current || off >= st->size)
			continue;
		if (!WARN_ON_ONCE(len > st->size - off))
			ret = st->copy + off;
		break;
	}
	rcu_read_unlock();
	return ret;
}

/**
 * module_publish_text - copy staged text into the pool
 * @mod: the module, fully patched and not yet executable
 *
 * Called once every early fixup is done, before the module can run.
 * Frees the stages.
 *
 * Return: 0, -EINVAL (with a warning) if pool text has no stage, or the
 * error of execmem_update().
 */
int module_publish_text(struct module *mod)
{
	for_class_mod_mem_type(type, text) {
		struct module_stage *st = module_stage_of(mod, type);
		void *base = mod->mem[type].base;
		unsigned int off;
		int err;

		if (!st) {
			/* pool text the loader did not lay out: never runs */
			if (WARN_ON_ONCE(is_execmem_pool_text((unsigned long)base)))
				return -EINVAL;
			continue;
		}
		for (off = 0; off < st->size; off += MODULE_PUBLISH_STEP) {
			err = execmem_update(base + off, st->copy + off,
					     min_t(unsigned int, st->size - off,
						   MODULE_PUBLISH_STEP));
			if (err)
				return err;
			cond_resched();
		}
		module_stage_free(mod, type);
	}
	return 0;
}
