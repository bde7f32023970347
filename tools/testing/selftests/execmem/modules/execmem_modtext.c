// SPDX-License-Identifier: GPL-2.0
/*
 * execmem_modtext: a module whose text uses the patching families of the
 * x86 module loader, for tools/testing/selftests/execmem/modtext.sh.
 *
 * Reading the "result" parameter runs execmem_modtext_work(), which adds
 *   an alternative: 2000 when X86_FEATURE_ALWAYS's replacement was
 *                   applied at load, 1000 for the original instruction;
 *   a static call:  10, or 100 while "flip" is 1;
 *   a static key:   0, or 1 while "flip" is 1.
 * So a correctly patched module reads 2010, and 2101 after "flip=1".
 * Built on stock 6.12 too (the same module, loaded the 6.12 way).
 *
 * Reading "stack" returns the ORC unwinder's trace from three nested
 * module functions (stack_trace_save()), one "%pS" symbol per line.
 * execmem_modtext_opt() is straight-line code after its ftrace site, for
 * an optimized kprobe. "sum" is exported for the execmem_modtext_user
 * module (a load with an unresolved symbol when this one is absent).
 * "lock" shows the first byte of a LOCK_PREFIX site (SMP alternatives).
 */
#include <linux/jump_label.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/stacktrace.h>
#include <linux/sysfs.h>
#include <linux/static_call.h>

#include <asm/alternative.h>
#include <asm/cpufeatures.h>

/* Read at run time, so that the compiler cannot fold the arithmetic. */
static int modtext_seed = 3;
module_param(modtext_seed, int, 0644);

int execmem_modtext_sum;
EXPORT_SYMBOL_GPL(execmem_modtext_sum);

static int modtext_ten(int x)
{
	return x + 10;
}

static int modtext_hundred(int x)
{
	return x + 100;
}

DEFINE_STATIC_CALL(modtext_call, modtext_ten);
static DEFINE_STATIC_KEY_FALSE(modtext_key);

static noinline int modtext_alt(void)
{
	int v;

	asm volatile(ALTERNATIVE("mov $1000, %0", "mov $2000, %0",
				 X86_FEATURE_ALWAYS)
		     : "=r" (v));
	return v;
}

static noinline int execmem_modtext_work(void)
{
	int v = modtext_alt();

	v = static_call(modtext_call)(v);
	if (static_branch_unlikely(&modtext_key))
		v += 1;
	return v;
}

/* Straight-line code after the ftrace site: room for a jump detour. */
static noinline int execmem_modtext_opt(int x)
{
	int a = READ_ONCE(modtext_seed);

	a = a * x + 7;
	a ^= x << 3;
	a += x * 11;
	a ^= a >> 5;
	return a + x;
}

static int result_get(char *buf, const struct kernel_param *kp)
{
	int opt = execmem_modtext_opt(READ_ONCE(modtext_seed));

	WRITE_ONCE(execmem_modtext_sum, execmem_modtext_sum + opt);
	return sysfs_emit(buf, "%d\n", execmem_modtext_work());
}

static const struct kernel_param_ops result_ops = {
	.get = result_get,
};
module_param_cb(result, &result_ops, NULL, 0444);

static int flip_set(const char *val, const struct kernel_param *kp)
{
	bool on;
	int err = kstrtobool(val, &on);

	if (err)
		return err;
	if (on) {
		static_call_update(modtext_call, modtext_hundred);
		static_branch_enable(&modtext_key);
	} else {
		static_call_update(modtext_call, modtext_ten);
		static_branch_disable(&modtext_key);
	}
	return 0;
}

static int flip_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", static_key_enabled(&modtext_key));
}

static const struct kernel_param_ops flip_ops = {
	.set = flip_set,
	.get = flip_get,
};
module_param_cb(flip, &flip_ops, NULL, 0644);

#define MODTEXT_FRAMES 32

static noinline int execmem_modtext_level3(char *buf)
{
	unsigned long entries[MODTEXT_FRAMES];
	unsigned int nr, i;
	int len = 0;

	nr = stack_trace_save(entries, ARRAY_SIZE(entries), 0);
	for (i = 0; i < nr; i++)
		len += sysfs_emit_at(buf, len, "%pS\n", (void *)entries[i]);
	return len;
}

static noinline int execmem_modtext_level2(char *buf)
{
	int len = execmem_modtext_level3(buf);

	barrier();	/* not a tail call: the frame stays on the stack */
	return len;
}

static noinline int execmem_modtext_level1(char *buf)
{
	int len = execmem_modtext_level2(buf);

	barrier();
	return len;
}

static int stack_get(char *buf, const struct kernel_param *kp)
{
	return execmem_modtext_level1(buf);
}

static const struct kernel_param_ops stack_ops = {
	.get = stack_get,
};
module_param_cb(stack, &stack_ops, NULL, 0444);

#ifdef CONFIG_SMP
/*
 * A LOCK_PREFIX site, listed in .smp_locks: "lock" reads its first byte,
 * f0 (lock), or 3e (ds) while the SMP alternatives have the kernel
 * patched for one CPU.
 */
static int modtext_counter;

static noinline u8 *modtext_lock_site(void)
{
	u8 *site;

	asm volatile(LOCK_PREFIX "incl %1\n\t"
		     "lea 671b(%%rip), %0"
		     : "=r" (site), "+m" (modtext_counter));
	return site;
}

static int lock_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%02x\n", *modtext_lock_site());
}

static const struct kernel_param_ops lock_ops = {
	.get = lock_get,
};
module_param_cb(lock, &lock_ops, NULL, 0444);
#endif

static int __init execmem_modtext_init(void)
{
	/* init text runs from the pool too */
	return execmem_modtext_work() > 0 ? 0 : -EINVAL;
}

static void __exit execmem_modtext_exit(void)
{
}

module_init(execmem_modtext_init);
module_exit(execmem_modtext_exit);
MODULE_DESCRIPTION("Module text exercising the loader's patching families");
MODULE_LICENSE("GPL");
