/* threadprog.c - several threads call into the signature fixture
 * (libpkrsig.so) at once.
 *
 * Usage: threadprog THREADS CALLS
 *
 * Each thread waits on a barrier (so that the threads' first calls into
 * the library, which set up their domain stacks and thread blocks, run at
 * the same time), then:
 *  - first of all, a ctype call (pkrsig_upper: isalpha/toupper in the
 *    library's C library, which needs that thread's locale set up in the
 *    library's namespace);
 *  - CALLS calls of pkrsig_nop, each result checked;
 *  - every CHECK_EVERY calls: errno in both directions with a value no
 *    other thread uses (pkrsig_set_errno, pkrsig_get_errno), and, under a
 *    lock (the library keeps those results in static buffers), another
 *    ctype call and an snprintf call (pkrsig_format).
 * String arguments are first copied into the thread's own part of the
 * library's scratch buffer, so the program also runs under
 * `trusted-memory none`.
 *
 * Prints, after all threads are done, one line per thread
 * "thread K: CALLS calls ok, N checks ok, isolated|not isolated" (or the
 * first wrong result) and "total: T calls of pkrsig_nop"; the exit status
 * is 1 if anything was wrong.  No line holds an address or a PKRU value.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkrsig.h"

#define MAX_THREADS 8
#define CHECK_EVERY 4096
#define SLOT_SIZE (PKRSIG_SCRATCH_SIZE / MAX_THREADS)

struct worker {
	pthread_t tid;
	int index;
	long calls;          /* pkrsig_nop calls to make */
	long done;           /* pkrsig_nop calls made, results checked */
	long checks;         /* extra checks passed */
	int isolated;
	char bad[200];       /* the first wrong result, or "" */
};

static pthread_barrier_t start;
static pthread_mutex_t buffers = PTHREAD_MUTEX_INITIALIZER;
static char *scratch;

static void bad(struct worker *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void bad(struct worker *w, const char *fmt, ...)
{
	va_list ap;

	if (w->bad[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(w->bad, sizeof w->bad, fmt, ap);
	va_end(ap);
}

/* pkrsig_upper on a string of this thread (in its scratch slot), compared
 * with the program's own ctype. */
static void check_ctype(struct worker *w, long round)
{
	char text[SLOT_SIZE], want[SLOT_SIZE];
	char *arg = scratch + w->index * SLOT_SIZE;
	int alpha = 0, got;
	size_t i;

	snprintf(text, sizeof text, "Thread %d, round %ld: Hello, World! abc_XYZ",
		 w->index, round);
	for (i = 0; text[i] != '\0'; i++) {
		unsigned char c = (unsigned char)text[i];

		alpha += isalpha(c) != 0;
		want[i] = (char)toupper(c);
	}
	want[i] = '\0';
	memcpy(arg, text, strlen(text) + 1);
	pthread_mutex_lock(&buffers);
	got = pkrsig_upper(arg);
	if (got != alpha)
		bad(w, "pkrsig_upper counted %d letters, expected %d", got, alpha);
	else if (strcmp(pkrsig_result(), want) != 0)
		bad(w, "pkrsig_upper: wrong text '%s' in round %ld", pkrsig_result(), round);
	else
		w->checks++;
	pthread_mutex_unlock(&buffers);
}

static void check_format(struct worker *w, long round)
{
	char want[256];
	char *arg = scratch + w->index * SLOT_SIZE;
	int i = (int)(round * 7919) - 1000 * w->index;
	double d = round * 0.25 - w->index;

	snprintf(arg, SLOT_SIZE, "t%d", w->index);
	snprintf(want, sizeof want, "i=%d d=%.3f x=%#x s=t%d", i, d, (unsigned)i,
		 w->index);
	pthread_mutex_lock(&buffers);
	if (strcmp(pkrsig_format(i, d, arg), want) != 0)
		bad(w, "pkrsig_format: wrong text in round %ld", round);
	else
		w->checks++;
	pthread_mutex_unlock(&buffers);
}

/* errno values no other thread uses: a leak between threads shows. */
static void check_errno(struct worker *w, long round)
{
	int e = 1000 + w->index * 100000 + (int)round;
	long r;

	errno = 0;
	r = pkrsig_set_errno(e);
	if (r != -1 || errno != e) {
		bad(w, "pkrsig_set_errno: returned %ld, errno %d, expected -1 and %d",
		    r, errno, e);
		return;
	}
	errno = e + 50000;
	if (pkrsig_get_errno() != e + 50000) {
		bad(w, "pkrsig_get_errno: the library saw another errno (round %ld)",
		    round);
		return;
	}
	w->checks += 2;
}

static void *work(void *arg)
{
	struct worker *w = arg;

	pthread_barrier_wait(&start);
	check_ctype(w, 0);               /* the thread's first call */
	for (long i = 0; i < w->calls; i++) {
		int x = (int)((i * 31 + w->index) & 0x3fffffff);

		if (pkrsig_nop(x) != x + 1) {
			bad(w, "pkrsig_nop(%d) returned a wrong value (call %ld)", x, i);
			break;
		}
		w->done++;
		if (i % CHECK_EVERY == 0) {
			long round = i / CHECK_EVERY + 1;

			check_errno(w, round);
			check_ctype(w, round);
			check_format(w, round);
		}
	}
	w->isolated = pkrsig_pkru() != pkrsig_rdpkru();
	return NULL;
}

int main(int argc, char **argv)
{
	struct worker w[MAX_THREADS];
	long calls, total = 0;
	int n, status = 0;
	char *end;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 3) {
		fprintf(stderr, "usage: threadprog THREADS CALLS\n");
		return 2;
	}
	n = atoi(argv[1]);
	calls = strtol(argv[2], &end, 10);
	if (n < 1 || n > MAX_THREADS || *argv[2] == '\0' || *end != '\0' ||
	    calls < 0 || calls > 1000000000L) {
		fprintf(stderr, "threadprog: bad arguments\n");
		return 2;
	}
	/* The main thread's only call: the address of the scratch buffer. */
	scratch = pkrsig_scratch();
	if (pthread_barrier_init(&start, NULL, (unsigned)n) != 0) {
		perror("threadprog: pthread_barrier_init");
		return 2;
	}
	for (int i = 0; i < n; i++) {
		memset(&w[i], 0, sizeof w[i]);
		w[i].index = i;
		w[i].calls = calls;
		errno = pthread_create(&w[i].tid, NULL, work, &w[i]);
		if (errno != 0) {
			perror("threadprog: pthread_create");
			return 2;
		}
	}
	for (int i = 0; i < n; i++)
		pthread_join(w[i].tid, NULL);
	for (int i = 0; i < n; i++) {
		if (w[i].bad[0] != '\0') {
			printf("thread %d: BAD: %s\n", i, w[i].bad);
			status = 1;
		} else {
			printf("thread %d: %ld calls ok, %ld checks ok, %s\n", i, w[i].done,
			       w[i].checks, w[i].isolated ? "isolated" : "not isolated");
		}
		total += w[i].done;
	}
	printf("total: %ld calls of pkrsig_nop\n", total);
	return status;
}
