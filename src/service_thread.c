/* service_thread.c - the reverse gate's thread requests (PKR_RT_THREAD,
 * PKR_RT_THREAD_EXIT): threads the library starts, joins and detaches,
 * and pthread_exit from inside a call (runtime/rt_thread.c says why).
 *
 * Runs with the program's rights and thread pointer, on the domain's
 * stack, inside pkr_service_handler.  Not async-signal-safe.
 *
 * A new thread is the program's (its C library makes it, with the
 * library's detach state and stack size, never the library's stack
 * memory); it enters the domain at once, through the gate, in the
 * runtime's pkr_rt_thread_main with the library's start routine, which
 * must be code of the domain's own objects.  Its first call makes its
 * domain stack and shadow thread block like any thread's.  A fault in it
 * is the domain's fault: rewound, reported, and the thread ends with the
 * domain's fault-return value.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "domains.h"
#include "log.h"
#include "runtime/rt.h"
#include "service.h"

struct start {
	const struct pkr_fn *entry;
	void *(*fn)(void *);
	void *arg;
};

/* The threads the library started and may still join or detach: it
 * gets no other thread's id past the program's C library. */
#define MAX_THREADS 4096
static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long reg[MAX_THREADS];

static bool reg_add(unsigned long id)
{
	bool ok = false;

	pthread_mutex_lock(&reg_lock);
	for (size_t i = 0; i < MAX_THREADS && !ok; i++)
		if (!reg[i]) {
			reg[i] = id;
			ok = true;
		}
	pthread_mutex_unlock(&reg_lock);
	return ok;
}

/* Is id one of the library's threads?  With `drop`, it no longer is. */
static bool reg_has(unsigned long id, bool drop)
{
	bool found = false;

	pthread_mutex_lock(&reg_lock);
	for (size_t i = 0; i < MAX_THREADS && !found; i++)
		if (id && reg[i] == id) {
			found = true;
			if (drop)
				reg[i] = 0;
		}
	pthread_mutex_unlock(&reg_lock);
	return found;
}

static void *thread_main(void *p)
{
	struct start s = *(struct start *)p;
	void *(*entry)(void *(*)(void *), void *) =
		(void *(*)(void *(*)(void *), void *))s.entry->stub;

	free(p);
	return entry(s.fn, s.arg);
}

static int create(const struct pkr_domain *d, struct pkr_rt_thread *r)
{
	pthread_attr_t attr;
	pthread_t tid;
	struct start *s;
	int e;

	if (!d->rt_thread)
		return EAGAIN;
	if (!pkr_service_in_objects(d, (const void *)r->start, PROT_EXEC) ||
	    (r->routine && !pkr_service_in_objects(d, (const void *)r->routine, PROT_EXEC))) {
		pkr_log(PKR_LOG_ERROR, "domain %s: pthread_create with a start routine "
			"(%p) that is not the library's code: refused", d->pol->name,
			(void *)(r->routine ? r->routine : r->start));
		return EINVAL;
	}
	s = malloc(sizeof *s);
	if (!s)
		return EAGAIN;
	s->entry = d->rt_thread;
	s->fn = r->start;
	s->arg = r->arg;
	pthread_attr_init(&attr);
	if (r->detached == PTHREAD_CREATE_DETACHED)
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (r->stacksize >= (size_t)PTHREAD_STACK_MIN)
		pthread_attr_setstacksize(&attr, r->stacksize);
	/* A joinable thread's id is not reused before it is joined, so it
	 * may be registered after it started; a detached one never is. */
	e = pthread_create(&tid, &attr, thread_main, s);
	pthread_attr_destroy(&attr);
	if (e != 0) {
		free(s);
		return e;
	}
	if (r->detached != PTHREAD_CREATE_DETACHED && !reg_add((unsigned long)tid))
		pkr_log(PKR_LOG_WARN, "domain %s: more than %d joinable threads: "
			"this one cannot be joined", d->pol->name, MAX_THREADS);
	r->thread = (unsigned long)tid;
	return 0;
}

long pkr_service_thread(const struct pkr_domain *d, const struct pkr_thread *t,
			struct pkr_rt_thread *req)
{
	struct pkr_rt_thread r;
	int e;

	if (!d || !pkr_service_writable(d, t, req, sizeof *req))
		return EINVAL;
	r = *req;                   /* read once: the library may change it */
	switch (r.op) {
	case PKR_THR_CREATE:
		e = create(d, &r);
		break;
	case PKR_THR_JOIN:
	case PKR_THR_TRYJOIN:
	case PKR_THR_DETACH:
		/* Two joins of one thread at once are the library's bug, as
		 * they would be without the shim: the second gets ESRCH. */
		if (!reg_has(r.thread, true)) {
			e = ESRCH;
			break;
		}
		if (r.op == PKR_THR_JOIN)
			e = pthread_join((pthread_t)r.thread, &r.value);
		else if (r.op == PKR_THR_TRYJOIN)
			e = pthread_tryjoin_np((pthread_t)r.thread, &r.value);
		else
			e = pthread_detach((pthread_t)r.thread);
		if (e == EBUSY)
			reg_add(r.thread);      /* still running: joinable later */
		break;
	default:
		e = EINVAL;
		break;
	}
	if (e == 0) {
		req->thread = r.thread;
		req->value = r.value;
	}
	return e;
}
