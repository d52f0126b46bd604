/* tlsprog - calls the TLS fixtures from the main thread and from threads.
 *
 *   tlsprog threads N K   main: bump 1, 2, 3 in the three libraries; then N
 *                         threads at once, each bumping K times by 1;
 *                         prints what each saw (every thread starts at 5)
 *   tlsprog crash         bump 10, crash (rewound or reset), bump 1:
 *                         prints the three results
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkrtls.h"

static int rounds;

static void *worker(void *arg)
{
	long r1 = 0, r2 = 0, r3 = 0;

	(void)arg;
	for (int i = 0; i < rounds; i++) {
		r1 = pkrtls_bump(1);
		r2 = pkrtlsie_bump(1);
		r3 = pkrtlsdesc_bump(1);
	}
	return (void *)((r1 * 100000 + r2) * 100000 + r3);
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "threads") == 0) {
		int n = atoi(argv[2]);
		pthread_t t[64];
		rounds = atoi(argv[3]);
		if (n < 1 || n > 64)
			return 2;
		for (int i = 1; i <= 3; i++)
			printf("main: dynamic %d, static %d, descriptor %d\n", pkrtls_bump(i),
			       pkrtlsie_bump(i), pkrtlsdesc_bump(i));
		for (int i = 0; i < n; i++)
			if (pthread_create(&t[i], NULL, worker, NULL) != 0)
				return 2;
		for (int i = 0; i < n; i++) {
			void *v;
			pthread_join(t[i], &v);
			printf("thread %d: dynamic %ld, static %ld, descriptor %ld\n", i,
			       (long)v / 10000000000, (long)v / 100000 % 100000, (long)v % 100000);
		}
		printf("main again: dynamic %d, static %d, descriptor %d\n", pkrtls_bump(0),
		       pkrtlsie_bump(0), pkrtlsdesc_bump(0));
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "crash") == 0) {
		int a = pkrtls_bump(10);
		int b = pkrtls_crash(3);
		int c = pkrtls_bump(1);
		printf("before %d, crash %d, after %d\n", a, b, c);
		return 0;
	}
	fprintf(stderr, "usage: tlsprog threads N K | crash\n");
	return 2;
}
