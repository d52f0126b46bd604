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
 * pthread_cancel works on threads the library started (below): a
 * deferred request in the thread block the namespace's C library sees,
 * acted on by that library at the thread's next cancellation point, which
 * unwinds to lthread_start.
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

/* ---- cancellation -------------------------------------------------------- */

/* The threads the library started and that still run: the id its
 * creator got (the program's), and the thread block the namespace's C
 * library sees as THREAD_SELF in that thread (the shadow block in read
 * and none modes), where a cancellation request goes. */
struct lthread {
	void *(*start)(void *);
	void *arg;
	unsigned long id;          /* 0 until pthread_create returns */
	char *self;                /* NULL until the thread runs */
	bool pending;              /* cancelled before it ran */
	struct lthread *next;
};
static struct lthread *lthreads;
static atomic_flag lthreads_lock = ATOMIC_FLAG_INIT;
static const uint32_t *cancel_field;   /* ld's _thread_db_pthread_cancelhandling:
					* bits, count, offset */
static int (*ns_register_cancel)(__pthread_unwind_buf_t *);
static void (*ns_unregister_cancel)(__pthread_unwind_buf_t *);
static int (*ns_sigsetjmp)(void *, int);

#define CANCELING_CANCELED 0x0c        /* glibc's CANCELING_BITMASK | CANCELED_BITMASK */

static void lt_lock(void)
{
	while (atomic_flag_test_and_set_explicit(&lthreads_lock, memory_order_acquire))
		;
}

static void lt_unlock(void)
{
	atomic_flag_clear_explicit(&lthreads_lock, memory_order_release);
}

/* A deferred cancellation request, as the C library's pthread_cancel
 * makes it: the thread acts on it at its next cancellation point (or at
 * once when it enables cancellation later). */
static void request_cancel(char *self)
{
	_Atomic int *ch = (_Atomic int *)(void *)(self + cancel_field[2]);

	atomic_fetch_or(ch, CANCELING_CANCELED);
}

/* The thread's own start: registers a cancellation buffer with the
 * namespace's C library, which unwinds the library's frames (its cleanup
 * handlers and destructors run) to here when the thread is cancelled;
 * the thread then ends with PTHREAD_CANCELED. */
static void *lthread_start(void *p)
{
	struct lthread *rec = p;
	__pthread_unwind_buf_t ub;
	char *self;
	void *v;

	__asm__("mov %%fs:0x10, %0" : "=r"(self));
	lt_lock();
	rec->self = self;
	if (rec->pending)
		request_cancel(self);
	lt_unlock();
	if (ns_sigsetjmp(ub.__cancel_jmp_buf, 0)) {
		v = PTHREAD_CANCELED;
	} else {
		ns_register_cancel(&ub);
		v = rec->start(rec->arg);
		ns_unregister_cancel(&ub);
	}
	lt_lock();
	for (struct lthread **pp = &lthreads; *pp; pp = &(*pp)->next)
		if (*pp == rec) {
			*pp = rec->next;
			break;
		}
	lt_unlock();
	free(rec);
	return v;
}

/* Cancellation works on threads the library started (the namespace's
 * own pthread_cancel would install its SIGCANCEL handler over the
 * program's C library's): deferred, as glibc's; a thread set to
 * asynchronous cancellation also acts at its next cancellation point.
 * Any other id, or a thread that has ended, is ESRCH. */
RT_EXPORT int pthread_cancel(pthread_t t)
{
	int e = ESRCH;

	if (!cancel_field)
		return ENOTSUP;
	lt_lock();
	for (struct lthread *r = lthreads; r; r = r->next)
		if (r->id == (unsigned long)t) {
			if (r->self)
				request_cancel(r->self);
			else
				r->pending = true;
			e = 0;
			break;
		}
	lt_unlock();
	return e;
}

void pkr_rt_thread_init(void)
{
	ns_longjmp = (noreturn_jump *)pkr_rt_next("longjmp");
	cancel_field = pkr_rt_vnext("_thread_db_pthread_cancelhandling", "GLIBC_PRIVATE");
	ns_sigsetjmp = (int (*)(void *, int))pkr_rt_next("__sigsetjmp");
	ns_register_cancel = (int (*)(__pthread_unwind_buf_t *))pkr_rt_next("__pthread_register_cancel");
	ns_unregister_cancel = (void (*)(__pthread_unwind_buf_t *))
		pkr_rt_next("__pthread_unregister_cancel");
	/* The field must be the int glibc 2.36 has (32 bits, one). */
	if (cancel_field && (cancel_field[0] != 32 || cancel_field[1] != 1))
		cancel_field = NULL;
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
	struct lthread *rec = NULL;
	int e;

	if (a) {
		pthread_attr_getdetachstate(a, &r.detached);
		pthread_attr_getstacksize(a, &r.stacksize);
	}
	if (cancel_field && ns_sigsetjmp && ns_register_cancel && ns_unregister_cancel) {
		rec = calloc(1, sizeof *rec);
		if (!rec)
			return EAGAIN;
		rec->start = start;
		rec->arg = arg;
		r.start = lthread_start;
		r.arg = rec;
		r.routine = start;
		lt_lock();       /* listed before it runs: it unlinks itself */
		rec->next = lthreads;
		lthreads = rec;
		lt_unlock();
	}
	e = ask(&r);
	lt_lock();
	if (rec && e == 0) {
		rec->id = r.thread;
	} else if (rec) {
		for (struct lthread **pp = &lthreads; *pp; pp = &(*pp)->next)
			if (*pp == rec) {
				*pp = rec->next;
				break;
			}
	}
	lt_unlock();
	if (e == 0)
		*t = (pthread_t)r.thread;
	else
		free(rec);
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
