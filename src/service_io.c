/* service_io.c - the reverse gate's stream operations (PKR_RT_IO): what
 * the namespace's stdio asks of the program's streams (runtime/rt_stdio.c
 * says why and when).
 *
 * Runs with the program's rights and thread pointer, on the domain's
 * stack, inside pkr_service_handler.  Not async-signal-safe (stdio).
 *
 * The request comes from the library, so nothing in it is trusted:
 *  - the stream must be the program's stdin/stdout/stderr or on the
 *    program's list of open streams (_IO_list_all), else EBADF;
 *  - a buffer the program's C library reads (writes) for the library
 *    must be memory the domain itself may read (write): its heap, its
 *    stack on this thread, or its objects' mappings; in read mode any
 *    readable mapping for what is written out; in write mode any mapping
 *    with the protection needed.  Else EFAULT.  (The mappings of the
 *    domain's own objects are cached: a library that makes its own
 *    pages inaccessible after using them for I/O could make the
 *    program's C library fault, and the process end: a denial of
 *    service, not a way into the program's memory.)  Nothing is read or
 *    written before the checks pass, so a bad request never becomes a
 *    crash of the program's own code.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "domains.h"
#include "log.h"
#include "maps.h"
#include "real.h"
#include "runtime/rt.h"
#include "service.h"

static FILE **prog_list_all;
static void (*prog_list_lock)(void), (*prog_list_unlock)(void);

void pkr_service_io_init(void)
{
	prog_list_all = pkr_real_libc_symbol("_IO_list_all", "GLIBC_2.2.5");
	prog_list_lock = (void (*)(void))pkr_real_libc_symbol("_IO_list_lock", "GLIBC_2.2.5");
	prog_list_unlock = (void (*)(void))pkr_real_libc_symbol("_IO_list_unlock", "GLIBC_2.2.5");
}

static bool program_stream(FILE *fp)
{
	bool found = false;

	if (!fp || !prog_list_all)
		return false;
	prog_list_lock();
	for (FILE *f = *prog_list_all; f && !found; f = f->_chain)
		found = f == fp;
	prog_list_unlock();
	return found;
}

static bool inside(uintptr_t a, uintptr_t n, uintptr_t lo, uintptr_t hi)
{
	return a >= lo && a <= hi && n <= hi - a;
}

static bool covered(const struct pkr_map *m, long count, uintptr_t a, uintptr_t n, int prot)
{
	bool ok = count >= 0;

	for (uintptr_t p = a & ~(uintptr_t)4095; ok && p < a + n; p += 4096) {
		int have = pkr_maps_prot(m, count, p);
		ok = have >= 0 && (have & prot) == prot;
	}
	return ok;
}

/* The mappings as last read, for buffers in the domain's own objects:
 * those do not move, so a string constant of the library does not cost
 * a read of /proc/self/maps per call.  A miss reads them again. */
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pkr_map *cache;
static long ncache = -1;

/* Every page of [a, a + n) mapped with `prot`; with `mine`, also inside
 * one of the domain's objects. */
static bool mapped(const struct pkr_domain *d, uintptr_t a, uintptr_t n, int prot, bool mine)
{
	struct pkr_map *m;
	long count;
	bool ok;

	if (mine) {
		if (!pkr_domain_in_objs(d, a, n))
			return false;
		pthread_mutex_lock(&cache_lock);
		ok = covered(cache, ncache, a, n, prot);
		if (!ok) {
			free(cache);
			ncache = pkr_read_maps(&cache);
			if (ncache < 0)
				cache = NULL;
			ok = covered(cache, ncache, a, n, prot);
		}
		pthread_mutex_unlock(&cache_lock);
		return ok;
	}
	count = pkr_read_maps(&m);
	ok = covered(m, count, a, n, prot);
	if (count >= 0)
		free(m);
	return ok;
}

/* May the domain itself read (write) [buf, buf + len)? */
static bool buffer_ok(const struct pkr_domain *d, const struct pkr_thread *t,
		      const void *buf, size_t len, bool write)
{
	uintptr_t a = (uintptr_t)buf;
	enum pkr_trust trust = d ? d->pol->trust : PKR_TRUST_WRITE;
	int prot;

	if (len == 0)
		return true;
	if (a + len < a)
		return false;
	if (d && inside(a, len, (uintptr_t)d->heap_base, (uintptr_t)d->heap_base + d->heap_size))
		return true;
	if (d && t && inside(a, len, t->doms[d->index].stack_lo, t->doms[d->index].stack_hi))
		return true;
	prot = write ? PROT_READ | PROT_WRITE : PROT_READ;
	if (!t)                  /* not in a domain call: the program's rights */
		return mapped(d, a, len, prot, false);
	if (mapped(d, a, len, prot, true))
		return true;
	return (trust == PKR_TRUST_WRITE || (trust == PKR_TRUST_READ && !write)) &&
	       mapped(d, a, len, prot, false);
}

bool pkr_service_in_objects(const struct pkr_domain *d, const void *p, int prot)
{
	return d && mapped(d, (uintptr_t)p, 1, prot, true);
}

char *pkr_service_copy_string(const struct pkr_domain *d, const struct pkr_thread *t,
			      const char *p, size_t n)
{
	char *s;

	if (n > (1u << 20) || !buffer_ok(d, t, p, n, false))
		return NULL;
	s = malloc(n + 1);
	if (s) {
		memcpy(s, p, n);
		s[n] = 0;
	}
	return s;
}

const struct pkr_domain *pkr_service_domain_at(const void *p)
{
	uintptr_t a = (uintptr_t)p;

	for (size_t i = 0; i < PKR_MAX_DOM; i++) {
		const struct pkr_domain *d = __atomic_load_n(&pkr_domains[i], __ATOMIC_ACQUIRE);
		const struct pkr_obj *o = d ? __atomic_load_n(&d->objs, __ATOMIC_ACQUIRE) : NULL;
		size_t n = d ? __atomic_load_n(&d->nobjs, __ATOMIC_ACQUIRE) : 0;
		for (size_t j = 0; o && j < n; j++)
			if (a >= o[j].lo && a < o[j].hi)
				return d;
	}
	return NULL;
}

bool pkr_service_readable(const struct pkr_domain *d, const struct pkr_thread *t,
			  const void *p, size_t n)
{
	return buffer_ok(d, t, p, n, false);
}

bool pkr_service_writable(const struct pkr_domain *d, const struct pkr_thread *t,
			  const void *p, size_t n)
{
	return buffer_ok(d, t, p, n, true);
}

/* Up to len - 1 bytes of fp into buf, to and with the byte delim, then a
 * NUL: how many, or -1 on an error before the first. */
static long gets_to(FILE *fp, char *buf, size_t len, int delim)
{
	size_t i = 0;
	int c;

	if (len == 0)
		return 0;
	flockfile(fp);
	while (i + 1 < len && (c = getc_unlocked(fp)) != EOF) {
		buf[i++] = (char)c;
		if (c == delim)
			break;
	}
	buf[i] = 0;
	if (i == 0 && ferror_unlocked(fp))
		i = (size_t)-1;
	funlockfile(fp);
	return (long)i;
}

/* The open operations: the library's new stream is made by the program's
 * C library, so that it can be handed to the program (which cannot use
 * the namespace's streams) and the library uses it through a proxy like
 * any other program stream.  Paths, commands and modes are copied out of
 * memory the domain may read; nothing else of the request is trusted. */
static long open_stream(const struct pkr_domain *d, const struct pkr_thread *t,
			const struct pkr_rt_io *r, int *err)
{
	char *mode = NULL, *name = NULL;
	FILE *fp = NULL;

	if (r->op != PKR_IO_TMPFILE &&
	    (r->mode_len > 64 || !(mode = pkr_service_copy_string(d, t, r->mode, r->mode_len)))) {
		*err = r->mode_len > 64 ? EINVAL : EFAULT;
		return -1;
	}
	if ((r->op == PKR_IO_OPEN || r->op == PKR_IO_POPEN || (r->op == PKR_IO_REOPEN && r->buf)) &&
	    !(name = pkr_service_copy_string(d, t, r->buf, r->len))) {
		free(mode);
		*err = r->len > (1u << 20) ? ENAMETOOLONG : EFAULT;
		return -1;
	}
	errno = 0;
	switch (r->op) {
	case PKR_IO_OPEN: fp = fopen(name, mode); break;
	case PKR_IO_FDOPEN: fp = fdopen((int)r->arg, mode); break;
	case PKR_IO_TMPFILE: fp = tmpfile(); break;
	case PKR_IO_POPEN: fp = popen(name, mode); break;
	case PKR_IO_REOPEN:
		fp = r->std == 0 ? stdin : r->std == 1 ? stdout : r->std == 2 ? stderr : r->fp;
		if (r->std < 0 && !program_stream(fp)) {
			errno = EBADF;
			fp = NULL;
		} else {
			fp = freopen(name, mode, fp);
		}
		break;
	default: errno = ENOSYS; break;
	}
	if (!fp)
		*err = errno ? errno : EIO;
	free(name);
	free(mode);
	return fp ? (long)fp : -1;
}

long pkr_service_io(const struct pkr_domain *d, const struct pkr_thread *t,
		    const struct pkr_rt_io *req, int *err)
{
	const struct pkr_rt_io r = *req;    /* read once: the library may change it */
	const char *name = d ? d->pol->name : "?";
	FILE *fp;
	bool into;
	long v;

	if (r.op >= PKR_IO_OPEN)
		return open_stream(d, t, &r, err);
	switch (r.std) {
	case 0: fp = stdin; break;
	case 1: fp = stdout; break;
	case 2: fp = stderr; break;
	default:
		fp = r.fp;
		if (r.op == PKR_IO_FLUSH && !fp)
			break;
		if (!program_stream(fp)) {
			*err = EBADF;
			if (r.op == PKR_IO_STATE && r.arg == 1)
				return -1;     /* the runtime asks whether it is still open */
			pkr_log(PKR_LOG_ERROR, "domain %s: stream %p is neither the library's "
				"nor one of the program's open streams: EBADF", name, (void *)fp);
			return -1;
		}
	}
	into = r.op == PKR_IO_READ || r.op == PKR_IO_GETS;
	if ((into || r.op == PKR_IO_WRITE) && !buffer_ok(d, t, r.buf, r.len, into)) {
		pkr_log(PKR_LOG_ERROR, "domain %s: stream %s of %zu bytes at %p, which the "
			"library may not %s: EFAULT", name, into ? "read" : "write",
			r.len, r.buf, into ? "write" : "read");
		*err = EFAULT;
		return -1;
	}
	errno = 0;
	switch (r.op) {
	case PKR_IO_READ:
		v = (long)fread(r.buf, 1, r.len, fp);
		if (v == 0 && ferror(fp))
			v = -1;
		break;
	case PKR_IO_GETS:
		v = gets_to(fp, r.buf, r.len, (int)r.arg);
		break;
	case PKR_IO_WRITE:
		v = (long)fwrite(r.buf, 1, r.len, fp);
		if (v == 0 && r.len)
			v = -1;
		break;
	case PKR_IO_SEEK:
		/* ftell on the proxy asks for (0, SEEK_CUR): no fseeko,
		 * which would clear the stream's end-of-file flag. */
		if (r.arg == 0 && r.len == SEEK_CUR)
			v = (long)ftello(fp);
		else
			v = fseeko(fp, (off_t)r.arg, (int)r.len) == 0 ? (long)ftello(fp) : -1;
		break;
	case PKR_IO_CLOSE:
		/* pclose is fclose: a stream from popen returns the
		 * command's status. */
		v = fclose(fp);
		break;
	case PKR_IO_FLUSH:
		v = fflush(fp) == 0 ? 0 : -1;
		break;
	case PKR_IO_FILENO:
		v = fileno(fp);
		break;
	case PKR_IO_STATE:
		v = (feof(fp) ? 1 : 0) | (ferror(fp) ? 2 : 0);
		break;
	case PKR_IO_CLEARERR:
		clearerr(fp);
		v = 0;
		break;
	case PKR_IO_LOCK:
		v = 0;
		if (r.arg == 0)
			flockfile(fp);
		else if (r.arg == 1)
			v = ftrylockfile(fp);
		else
			funlockfile(fp);
		break;
	case PKR_IO_BUFMODE:
		v = setvbuf(fp, NULL, (int)r.arg, r.len) == 0 ? 0 : -1;
		break;
	default:
		errno = ENOSYS;
		v = -1;
		break;
	}
	if (v < 0)
		*err = errno ? errno : EIO;
	return v;
}
