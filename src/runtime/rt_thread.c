/* rt_thread.c - threads the library starts.
 *
 * glibc's pthread_create writes the loader's and the creating thread's
 * memory (program memory), and a thread made by the namespace's C library
 * would run the library's code outside every gate: a fault in it would
 * not be rewound.  So the library's pthread_create asks the shim
 * (PKR_RT_THREAD): the program's C library makes the thread, and the
 * shim enters pkr_rt_thread_main (below) through the gate, with that
 * thread's own domain stack and thread block.  The pthread_t the library
 * gets is the program's; pthread_join, pthread_tryjoin_np and
 * pthread_detach on it are done by the program's C library too.
 *
 * pthread_cancel fails with ENOTSUP.
 *
 * pthread_exit in such a thread returns from pkr_rt_thread_main with the
 * value (the library's cleanup handlers between are not run);
 * pthread_exit of a program thread that called into the library ends
 * that thread on the program's side (PKR_RT_THREAD_EXIT).
 *
 * Not async-signal-safe.  Runs with the domain's rights.
 */
#include "config.h"

#define _GNU_SOURCE 1
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stddef.h>

#include "rt.h"
#include "rt_int.h"

typedef void noreturn_jump(void *, int);      /* does not return */
static noreturn_jump *ns_longjmp;
/* Where pthread_exit goes in a thread started here (initial-exec: the
 * runtime never calls __tls_get_addr for itself). */
static __thread jmp_buf *exit_to __attribute__((tls_model("initial-exec")));
static __thread void *exit_value __attribute__((tls_model("initial-exec")));

void pkr_rt_thread_init(void)
{
	ns_longjmp = (noreturn_jump *)dlsym(RTLD_NEXT, "longjmp");
}

static int ask(struct pkr_rt_thread *r)
{
	long e;

	if (!pkr_rt_service)
		return EAGAIN;
	e = pkr_rt_service(PKR_RT_THREAD, (long)r, 0);
	return e < 0 ? EINVAL : (int)e;
}

/* The shim calls this through the gate, in the new thread. */
RT_EXPORT void *pkr_rt_thread_main(void *(*start)(void *), void *arg)
{
	jmp_buf here;
	void *v;

	if (setjmp(here)) {
		exit_to = NULL;
		return exit_value;
	}
	exit_to = &here;
	v = start(arg);
	exit_to = NULL;
	return v;
}

RT_EXPORT int pthread_create(pthread_t *t, const pthread_attr_t *a,
			     void *(*start)(void *), void *arg)
{
	struct pkr_rt_thread r = { .op = PKR_THR_CREATE, .start = start, .arg = arg };
	int e;

	if (a) {
		pthread_attr_getdetachstate(a, &r.detached);
		pthread_attr_getstacksize(a, &r.stacksize);
	}
	e = ask(&r);
	if (e == 0)
		*t = (pthread_t)r.thread;
	return e;
}

static int join(int op, pthread_t t, void **value)
{
	struct pkr_rt_thread r = { .op = op, .thread = (unsigned long)t };
	int e = ask(&r);

	if (e == 0 && value)
		*value = r.value;
	return e;
}

RT_EXPORT int pthread_join(pthread_t t, void **value) { return join(PKR_THR_JOIN, t, value); }
RT_EXPORT int pthread_tryjoin_np(pthread_t t, void **value) { return join(PKR_THR_TRYJOIN, t, value); }
RT_EXPORT int pthread_detach(pthread_t t) { return join(PKR_THR_DETACH, t, NULL); }

/* The namespace's pthread_cancel would install its own SIGCANCEL handler
 * over the program's C library's, and signal a thread of the program's:
 * not supported. */
RT_EXPORT int pthread_cancel(pthread_t t)
{
	(void)t;
	return ENOTSUP;
}

RT_EXPORT __attribute__((noreturn)) void pthread_exit(void *value)
{
	if (exit_to && ns_longjmp) {
		exit_value = value;
		ns_longjmp(*exit_to, 1);
	}
	if (pkr_rt_service)
		pkr_rt_service(PKR_RT_THREAD_EXIT, (long)value, 0);
	__builtin_trap();
}
