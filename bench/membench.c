/* membench: resident memory (VmRSS) at points of a program that calls
 * libbenchnop.so, for the per-thread overhead of isolation: under the shim
 * every thread that calls into a domain gets a domain stack, a shadow
 * thread block and an alternate signal stack.
 *
 *   membench [THREADS]          (default 8)
 *
 * Prints (values in KiB, one sample each, as "name V V V"):
 *   rss_kib_start        at the start of main
 *   rss_kib_main_call    after the main thread's first call
 *   rss_kib_threads      after THREADS threads have each made one call
 *                        (all still alive)
 * and "threads N", and "isolated yes|no" (bench_pkru() compared with the
 * program's PKRU).  Result lines: see benchutil.h. */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "benchnop.h"
#include "benchutil.h"

static pthread_barrier_t called, release;

static void *worker(void *arg)
{
	int x = (int)(long)arg;

	if (nop(x) != x)
		abort();
	pthread_barrier_wait(&called);
	pthread_barrier_wait(&release);
	return NULL;
}

static void emit1(const char *name, long v)
{
	printf("%s\t%ld\t%ld\t%ld\n", name, v, v, v);
}

int main(int argc, char **argv)
{
	long start = bench_rss_kib(), after_call, after_threads;
	long nthreads = argc > 1 ? strtol(argv[1], NULL, 10) : 8;
	pthread_t *t;

	if (nthreads < 1 || nthreads > 1024) {
		fprintf(stderr, "usage: membench [THREADS (1..1024)]\n");
		return 2;
	}
	t = calloc((size_t)nthreads, sizeof *t);
	if (t == NULL)
		return 1;
	if (nop(1) != 1)
		return 1;
	after_call = bench_rss_kib();
	pthread_barrier_init(&called, NULL, (unsigned)nthreads + 1);
	pthread_barrier_init(&release, NULL, (unsigned)nthreads + 1);
	for (long i = 0; i < nthreads; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)(i + 1)) != 0) {
			perror("membench: pthread_create");
			return 1;
		}
	pthread_barrier_wait(&called);
	after_threads = bench_rss_kib();
	pthread_barrier_wait(&release);
	for (long i = 0; i < nthreads; i++)
		pthread_join(t[i], NULL);

	printf("# membench: VmRSS in KiB\n");
	emit1("rss_kib_start", start);
	emit1("rss_kib_main_call", after_call);
	emit1("rss_kib_threads", after_threads);
	emit1("threads", nthreads);
	printf("isolated\t%s\n", bench_pkru() != bench_rdpkru() ? "yes" : "no");
	return 0;
}
