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
 * Thread-specific data (pthread_key_create and the rest) is the
 * runtime's own: the namespace's C library would hand out keys from its
 * table into slots of the thread block the program's C library also uses
 * (in write mode, the real one), so the two libraries' keys collided.
 * Values live in a per-thread table in the domain heap (dropped after an
 * on-fault reset, like rt_tls.c's); destructors run when a thread the
 * library started ends, not for the program's threads.
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
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <limits.h>

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
	ns_longjmp = (noreturn_jump *)pkr_rt_next("longjmp");
}

/* ---- thread-specific data ---------------------------------------------- */

#define NKEYS 1024
static void (*_Atomic key_dtor[NKEYS])(void *);
static _Atomic unsigned char key_used[NKEYS];
struct values {
	uint64_t epoch;
	void *v[NKEYS];
};
static __thread struct values *values __attribute__((tls_model("initial-exec")));

static struct values *mine(bool make)
{
	struct values *t = values;

	if (t && t->epoch != pkr_rt_tls_epoch)
		t = values = NULL;      /* its memory went with a reset */
	if (!t && make && (t = calloc(1, sizeof *t))) {
		t->epoch = pkr_rt_tls_epoch;
		values = t;
	}
	return t;
}

RT_EXPORT int pthread_key_create(pthread_key_t *key, void (*dtor)(void *))
{
	for (unsigned i = 0; i < NKEYS; i++) {
		unsigned char expect = 0;
		if (atomic_compare_exchange_strong(&key_used[i], &expect, 1)) {
			key_dtor[i] = dtor;
			*key = i;
			return 0;
		}
	}
	return EAGAIN;
}

RT_EXPORT int pthread_key_delete(pthread_key_t key)
{
	if (key >= NKEYS || !atomic_load(&key_used[key]))
		return EINVAL;
	key_dtor[key] = NULL;
	atomic_store(&key_used[key], 0);
	return 0;
}

RT_EXPORT void *pthread_getspecific(pthread_key_t key)
{
	struct values *t = mine(false);

	return t && key < NKEYS ? t->v[key] : NULL;
}

RT_EXPORT int pthread_setspecific(pthread_key_t key, const void *v)
{
	struct values *t;

	if (key >= NKEYS || !atomic_load(&key_used[key]))
		return EINVAL;
	if (!(t = mine(true)))
		return ENOMEM;
	t->v[key] = (void *)v;
	return 0;
}

/* The destructors of a thread the library started, as glibc runs them. */
static void run_destructors(void)
{
	struct values *t = mine(false);

	for (int round = 0; t && round < PTHREAD_DESTRUCTOR_ITERATIONS; round++) {
		bool again = false;
		for (unsigned i = 0; i < NKEYS; i++) {
			void (*dtor)(void *) = key_dtor[i];
			void *v = t->v[i];
			if (v && dtor && atomic_load(&key_used[i])) {
				t->v[i] = NULL;
				dtor(v);
				again = true;
			}
		}
		if (!again)
			break;
	}
	if (t) {
		free(t);
		values = NULL;
	}
}

/* ---- threads ------------------------------------------------------------ */

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
		run_destructors();
		return exit_value;
	}
	exit_to = &here;
	v = start(arg);
	exit_to = NULL;
	run_destructors();
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
