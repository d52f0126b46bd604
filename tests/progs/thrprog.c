/* thrprog - calls the thread fixture (libpkrthr.so) and prints what each
 * call returned, one line per case; the expected values are in pkrthr.h.
 * A program thread calls pkrthr_exit(33) and is joined by the program. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "pkrthr.h"

static void *program_code(void *a)
{
	return a;
}

static void *exits(void *a)
{
	(void)a;
	pkrthr_exit(33);
	return (void *)-1;          /* not reached */
}

int main(void)
{
	pthread_t t;
	void *v = NULL;

	printf("sum %ld\n", pkrthr_sum(4));
	printf("pthread_exit %ld\n", pkrthr_one(77));
	printf("own stack size %ld\n", pkrthr_one(55));
	printf("crash %ld\n", pkrthr_one(99));
	printf("sum after the crash %ld\n", pkrthr_sum(8));
	printf("detached %ld\n", pkrthr_detached());
	printf("program code as start routine: %s\n",
	       pkrthr_foreign(program_code) == EINVAL ? "EINVAL" : "started");
	printf("join of a bogus id: %s\n", strerror((int)pkrthr_join_bogus()));
	if (pthread_create(&t, NULL, exits, NULL) != 0 || pthread_join(t, &v) != 0)
		return 1;
	printf("program thread ended inside the library with %ld\n", (long)v);
	{
		/* The program's own key and value, set before the library
		 * makes keys of its own: they must not collide. */
		pthread_key_t k;
		static int marker;
		if (pthread_key_create(&k, NULL) != 0 || pthread_setspecific(k, &marker) != 0)
			return 1;
		printf("library keys %ld\n", pkrthr_keys());
		printf("program's key value kept: %s\n", pthread_getspecific(k) == &marker ? "yes" : "NO");
	}
	printf("cancelled threads %ld\n", pkrthr_cancel());
	printf("sum at the end %ld\n", pkrthr_sum(2));
	return 0;
}
