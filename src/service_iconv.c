/* service_iconv.c - the reverse gate's charset conversions (PKR_RT_ICONV):
 * the library's iconv_open, iconv and iconv_close done by the program's
 * C library (runtime/rt_iconv.c says why).
 *
 * Runs with the program's rights and thread pointer, on the domain's
 * stack, inside pkr_service_handler.  Not async-signal-safe (iconv
 * allocates; a mutex guards the tables).
 *
 * Nothing in a request is trusted:
 *  - the request is checked readable by the domain and copied before
 *    anything else; the fields written back are written only if the
 *    domain may write the request;
 *  - the library never sees a program-side iconv_t: it gets a handle,
 *    an index into its domain's table with a generation number and a
 *    tag (the value is no address, so a library that looks inside it
 *    faults in its own domain).  A handle not in the table, of an
 *    entry closed since, or one another thread is converting with, is
 *    EBADF: a forged or stale value never reaches the program's iconv;
 *  - the input is read, and the output written, by the program's iconv
 *    only after pkr_service_readable/pkr_service_writable said the
 *    domain itself may (service_io.c).
 * The table entry is marked busy while a conversion runs without the
 * lock held, so a concurrent iconv_close of the same handle waits for it
 * (the last one closes) instead of freeing what the other uses.
 *
 * Before the first domain runs, pkr_service_iconv_setup() makes the
 * program's C library read its gconv configuration: glibc reads it once,
 * with GCONV_PATH from the environment, and the library's setenv()
 * changes the program's environment (service_env.c), so a library that
 * could set GCONV_PATH before the program's first iconv_open would
 * choose which module the program loads, with its rights.
 */
#include "config.h"

#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domains.h"
#include "log.h"
#include "runtime/rt.h"
#include "service.h"

#define TAG      ((uint64_t)0x706b72 << 40)   /* "pkr": no canonical address */
#define TAG_MASK ((uint64_t)0xffffff << 40)
#define GEN_SHIFT 16
#define GEN_MASK 0xffffffu                    /* 24 bits */
#define MAX_SLOTS 4096                        /* per domain: EMFILE beyond */

enum { FREE, IDLE, BUSY, CLOSING };

struct slot {
	iconv_t cd;
	uint32_t gen;
	int state;
};

struct table {
	struct slot *v;
	size_t n;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct table tables[PKR_MAX_DOM];

static void read_config(void)
{
	iconv_t cd = iconv_open("UTF-8", "ISO-8859-1");

	if (cd != (iconv_t)-1)
		iconv_close(cd);
}

void pkr_service_iconv_setup(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, read_config);
}

static uint64_t handle_of(size_t i, uint32_t gen)
{
	return TAG | ((uint64_t)(gen & GEN_MASK) << GEN_SHIFT) | i;
}

/* The index of the slot a handle names, if it is IDLE (then made BUSY),
 * else -1.  Called with the lock held.  The caller keeps the index, not
 * a pointer: the table may be reallocated while the lock is not held. */
static long take(struct table *tb, uint64_t h)
{
	size_t i = (size_t)(h & 0xffff);
	uint32_t gen = (uint32_t)(h >> GEN_SHIFT) & GEN_MASK;

	if ((h & TAG_MASK) != TAG || i >= tb->n || (tb->v[i].gen & GEN_MASK) != gen ||
	    tb->v[i].state != IDLE)
		return -1;
	tb->v[i].state = BUSY;
	return (long)i;
}

/* Done with a BUSY slot: IDLE again, or closed if iconv_close came
 * meanwhile. */
static void give_back(struct table *tb, long i)
{
	iconv_t close_it = NULL;
	struct slot *s;

	pthread_mutex_lock(&lock);
	s = &tb->v[i];
	if (s->state == CLOSING) {
		close_it = s->cd;
		s->cd = NULL;
		s->gen++;
		s->state = FREE;
	} else {
		s->state = IDLE;
	}
	pthread_mutex_unlock(&lock);
	if (close_it)
		iconv_close(close_it);
}

static long do_open(const struct pkr_domain *d, const struct pkr_thread *t,
		    struct pkr_rt_iconv *req, const struct pkr_rt_iconv *r, int *err)
{
	struct table *tb = &tables[d->index];
	char *to = pkr_service_copy_string(d, t, r->to, r->to_len);
	char *from = pkr_service_copy_string(d, t, r->from, r->from_len);
	iconv_t cd = (iconv_t)-1;
	size_t i;
	long ret = -1;

	if (!to || !from) {
		*err = EFAULT;
		goto out;
	}
	errno = 0;
	cd = iconv_open(to, from);
	if (cd == (iconv_t)-1) {
		*err = errno ? errno : EINVAL;
		goto out;
	}
	pthread_mutex_lock(&lock);
	for (i = 0; i < tb->n && tb->v[i].state != FREE; i++)
		;
	if (i == tb->n && tb->n < MAX_SLOTS) {
		size_t n = tb->n ? tb->n * 2 : 16;
		struct slot *v = realloc(tb->v, n * sizeof *v);
		if (v) {
			memset(v + tb->n, 0, (n - tb->n) * sizeof *v);
			tb->v = v;
			tb->n = n;
		}
	}
	if (i < tb->n) {
		tb->v[i].cd = cd;
		tb->v[i].state = IDLE;
		req->handle = handle_of(i, tb->v[i].gen);
		cd = (iconv_t)-1;
		ret = 0;
	} else {
		*err = EMFILE;
	}
	pthread_mutex_unlock(&lock);
out:
	if (cd != (iconv_t)-1)
		iconv_close(cd);
	free(to);
	free(from);
	return ret;
}

static long do_conv(const struct pkr_domain *d, const struct pkr_thread *t,
		    struct pkr_rt_iconv *req, const struct pkr_rt_iconv *r, int *err)
{
	struct table *tb = &tables[d->index];
	char *in = (char *)r->in, *out = r->out, dummy;
	size_t inleft = r->inleft, outleft = r->outleft, v;
	iconv_t cd = NULL;
	long i;

	pthread_mutex_lock(&lock);
	i = take(tb, r->handle);
	if (i >= 0)
		cd = tb->v[i].cd;
	pthread_mutex_unlock(&lock);
	if (i < 0) {
		*err = EBADF;
		return -1;
	}
	if ((r->in && !pkr_service_readable(d, t, r->in, r->inleft)) ||
	    (r->out && !pkr_service_writable(d, t, r->out, r->outleft))) {
		pkr_log(PKR_LOG_ERROR, "domain %s: iconv from %p (%zu bytes) to %p (%zu bytes), "
			"which the library may not read or write: EFAULT", d->pol->name,
			(const void *)r->in, r->inleft, (void *)r->out, r->outleft);
		give_back(tb, i);
		*err = EFAULT;
		return -1;
	}
	if (r->in && !r->out) {
		/* glibc would store through the NULL *outbuf: no room. */
		out = &dummy;
		outleft = 0;
	}
	errno = 0;
	if (r->in)
		v = iconv(cd, &in, &inleft, &out, &outleft);
	else if (r->out)
		v = iconv(cd, NULL, NULL, &out, &outleft);
	else
		v = iconv(cd, NULL, NULL, NULL, NULL);
	if (v == (size_t)-1)
		*err = errno ? errno : EINVAL;
	give_back(tb, i);
	req->in_used = r->in ? r->inleft - inleft : 0;
	req->out_used = r->out ? r->outleft - outleft : 0;
	return v == (size_t)-1 ? -1 : (long)v;
}

static long do_close(const struct pkr_domain *d, const struct pkr_rt_iconv *r, int *err)
{
	struct table *tb = &tables[d->index];
	size_t j = (size_t)(r->handle & 0xffff);
	iconv_t close_it;
	long i;

	pthread_mutex_lock(&lock);
	i = take(tb, r->handle);
	if (i < 0) {
		/* In use by another thread: closed when that one is done. */
		if ((r->handle & TAG_MASK) == TAG && j < tb->n && tb->v[j].state == BUSY &&
		    (tb->v[j].gen & GEN_MASK) == ((uint32_t)(r->handle >> GEN_SHIFT) & GEN_MASK)) {
			tb->v[j].state = CLOSING;
			pthread_mutex_unlock(&lock);
			return 0;
		}
		pthread_mutex_unlock(&lock);
		*err = EBADF;
		return -1;
	}
	close_it = tb->v[i].cd;
	tb->v[i].cd = NULL;
	tb->v[i].gen++;
	tb->v[i].state = FREE;
	pthread_mutex_unlock(&lock);
	if (iconv_close(close_it) != 0) {
		*err = errno;
		return -1;
	}
	return 0;
}

long pkr_service_iconv(const struct pkr_domain *d, const struct pkr_thread *t,
		       struct pkr_rt_iconv *req, int *err)
{
	struct pkr_rt_iconv r;

	if (!d && pkr_service_readable(NULL, NULL, req, sizeof *req))
		d = pkr_service_domain_at(req->self);
	/* Every operation writes its answer back into the request. */
	if (!d || !pkr_service_writable(d, t, req, sizeof *req)) {
		*err = EFAULT;
		return -1;
	}
	r = *req;               /* read once: the library may change it */
	switch (r.op) {
	case PKR_ICONV_OPEN:
		return do_open(d, t, req, &r, err);
	case PKR_ICONV_CONV:
		return do_conv(d, t, req, &r, err);
	case PKR_ICONV_CLOSE:
		return do_close(d, &r, err);
	default:
		*err = ENOSYS;
		return -1;
	}
}
