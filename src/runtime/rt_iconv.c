/* rt_iconv.c - character-set conversion by the program's C library.
 *
 * The namespace's iconv_open() finds most charsets (ISO-8859-2,
 * ISO-2022-JP, ...) in gconv modules, which glibc loads with ld.so's
 * internal _dl_open: not the interposable dlopen, and ld.so's lock and
 * lists are program memory, so in read and none modes iconv_open()
 * faulted; in none mode even the built-in charsets did (the gconv
 * configuration is looked up in the environment, whose strings are the
 * program's).  Here iconv_open, iconv and iconv_close of the namespace
 * go to the program's C library (PKR_RT_ICONV): the conversion state
 * lives on the program's side, the library holds a handle the shim
 * checks, and the bytes are read from and written to the library's own
 * buffers.  The pointers and counts are updated here, in the domain,
 * as iconv(3) updates them (also after E2BIG, EILSEQ and EINVAL).  A
 * buffer outside the domain heap is copied through a small one on the
 * stack, a chunk at a time (see CHUNK); an E2BIG or EINVAL at a chunk's
 * end that is not the buffer's end is not the caller's and is passed
 * over, so the caller sees what one iconv() call would give.
 *
 * An empty charset name (or one that starts with "//") means the
 * locale's charset: the namespace's, which may differ from the
 * program's, so it is named here before the request leaves.
 *
 * Not async-signal-safe (nor is iconv).  Runs with the domain's rights.
 */
#include "config.h"

#define _GNU_SOURCE 1
#include <errno.h>
#include <iconv.h>
#include <langinfo.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"
#include "rt_int.h"

static iconv_t (*real_iconv_open)(const char *, const char *);
static size_t (*real_iconv)(iconv_t, char **, size_t *, char **, size_t *);
static int (*real_iconv_close)(iconv_t);

void pkr_rt_iconv_init(void)
{
	real_iconv_open = (iconv_t (*)(const char *, const char *))pkr_rt_next("iconv_open");
	real_iconv = (size_t (*)(iconv_t, char **, size_t *, char **, size_t *))
		pkr_rt_next("iconv");
	real_iconv_close = (int (*)(iconv_t))pkr_rt_next("iconv_close");
}

/* name, or the namespace locale's charset in front of it when its
 * charset part is empty ("" or "//TRANSLIT"): malloc'd in *own. */
static const char *charset(const char *name, char **own)
{
	const char *cs;
	size_t a, b;

	*own = NULL;
	if (name[0] && (name[0] != '/' || name[1] != '/'))
		return name;
	cs = nl_langinfo(CODESET);
	a = strlen(cs);
	b = strlen(name);
	if (!(*own = malloc(a + b + 1)))
		return name;
	memcpy(*own, cs, a);
	memcpy(*own + a, name, b + 1);
	return *own;
}

RT_EXPORT iconv_t iconv_open(const char *tocode, const char *fromcode)
{
	struct pkr_rt_iconv r = { .op = PKR_ICONV_OPEN, .self = (const void *)iconv_open };
	char *own_to, *own_from;
	long v;

	if (!pkr_rt_service) {
		if (!real_iconv_open) {
			errno = ENOSYS;
			return (iconv_t)-1;
		}
		return real_iconv_open(tocode, fromcode);
	}
	r.to = charset(tocode, &own_to);
	r.from = charset(fromcode, &own_from);
	r.to_len = strlen(r.to);
	r.from_len = strlen(r.from);
	v = pkr_rt_service(PKR_RT_ICONV, (long)&r, 0);
	free(own_to);
	free(own_from);
	return v < 0 ? (iconv_t)-1 : (iconv_t)(uintptr_t)r.handle;
}

/* Buffers outside the domain heap go through one of these on the stack,
 * a chunk at a time: the shim checks a buffer in the heap or on the
 * domain stack with two comparisons, any other (the library's mappings,
 * the program's memory in read and write modes) against
 * /proc/self/maps, tens of microseconds a call.  The copies are made
 * here, with the domain's rights. */
#define CHUNK 4096

static size_t min_sz(size_t a, size_t b)
{
	return a < b ? a : b;
}

static size_t convert(uint64_t handle, const char **inp, size_t *inleft, char **outp,
		      size_t *outleft)
{
	char inb[CHUNK], outb[CHUNK];
	const char *in = *inp;
	char *out = *outp;
	bool bin = in && !pkr_rt_heap_holds(in, *inleft);
	bool bout = out && !pkr_rt_heap_holds(out, *outleft);
	size_t total = 0;

	for (;;) {
		struct pkr_rt_iconv r = { .op = PKR_ICONV_CONV, .self = (const void *)iconv_open,
					  .handle = handle };
		long v;
		int e;

		if (in) {
			r.inleft = bin ? min_sz(*inleft, CHUNK) : *inleft;
			r.in = bin ? memcpy(inb, in, r.inleft) : in;
		}
		if (out) {
			r.outleft = bout ? min_sz(*outleft, CHUNK) : *outleft;
			r.out = bout ? outb : out;
		}
		v = pkr_rt_service(PKR_RT_ICONV, (long)&r, 0);
		e = errno;
		/* The counts move on failure too; a refused request moved none. */
		if (in && r.in_used <= r.inleft) {
			in += r.in_used;
			*inleft -= r.in_used;
			*inp = in;
		}
		if (out && r.out_used <= r.outleft) {
			if (bout)
				memcpy(out, outb, r.out_used);
			out += r.out_used;
			*outleft -= r.out_used;
			*outp = out;
		}
		if (v >= 0) {
			total += (size_t)v;
			/* A chunk of the input done: on to the next. */
			if (in && *inleft && r.inleft < *inleft + r.in_used && r.in_used)
				continue;
			return total;
		}
		/* Only the chunk's end, not the buffer's: go on. */
		if (e == E2BIG && bout && r.outleft < *outleft + r.out_used &&
		    (r.in_used || r.out_used))
			continue;
		if (e == EINVAL && bin && r.inleft < *inleft + r.in_used && r.in_used)
			continue;
		errno = e;
		return (size_t)-1;
	}
}

RT_EXPORT size_t iconv(iconv_t cd, char **inbuf, size_t *inbytesleft, char **outbuf,
		       size_t *outbytesleft)
{
	const char *in = NULL;
	char *out = NULL;
	size_t inleft = 0, outleft = 0, v;

	if (!pkr_rt_service) {
		if (!real_iconv) {
			errno = ENOSYS;
			return (size_t)-1;
		}
		return real_iconv(cd, inbuf, inbytesleft, outbuf, outbytesleft);
	}
	/* What glibc's iconv() reads, read as it reads it. */
	if (inbuf && *inbuf) {
		if (!inbytesleft || !outbuf) {
			errno = EFAULT;
			return (size_t)-1;
		}
		in = *inbuf;
		inleft = *inbytesleft;
	}
	if (outbuf && *outbuf) {
		if (!outbytesleft) {
			errno = EFAULT;
			return (size_t)-1;
		}
		out = *outbuf;
		outleft = *outbytesleft;
	}
	v = convert((uint64_t)(uintptr_t)cd, &in, &inleft, &out, &outleft);
	if (in) {
		*inbuf = (char *)in;
		*inbytesleft = inleft;
	}
	if (out) {
		*outbuf = out;
		*outbytesleft = outleft;
	}
	return v;
}

RT_EXPORT int iconv_close(iconv_t cd)
{
	struct pkr_rt_iconv r = { .op = PKR_ICONV_CLOSE, .self = (const void *)iconv_open,
				  .handle = (uint64_t)(uintptr_t)cd };

	if (!pkr_rt_service) {
		if (!real_iconv_close) {
			errno = ENOSYS;
			return -1;
		}
		return real_iconv_close(cd);
	}
	return pkr_rt_service(PKR_RT_ICONV, (long)&r, 0) < 0 ? -1 : 0;
}
