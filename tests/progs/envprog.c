/* envprog - the program and the environment fixture (libpkrenv.so)
 * change the environment in turn; each prints what it sees.  Run with
 * PKRENV_A set.  The library also reads `environ` itself.  With an
 * argument, the library faults (the expected output then has "-1"), and
 * the program clears the environment. */
#include <stdio.h>
#include <stdlib.h>

#include "pkrenv.h"

static const char *prog(const char *name)
{
	const char *v = getenv(name);
	return v ? v : "(unset)";
}

int main(int argc, char **argv)
{
	(void)argv;
	printf("library sees PKRENV_A from the start: %s\n", pkrenv_get(0));
	setenv("PKRENV_B", "from the program", 1);
	printf("library sees the program's PKRENV_B: %s\n", pkrenv_get(1));
	printf("library's setenv: %d\n", pkrenv_set());
	printf("program sees the library's PKRENV_B: %s\n", prog("PKRENV_B"));
	printf("library's putenv: %d\n", pkrenv_put());
	printf("program sees the library's PKRENV_C: %s\n", prog("PKRENV_C"));
	printf("library's unsetenv: %d\n", pkrenv_unset());
	printf("program sees PKRENV_A: %s\n", prog("PKRENV_A"));
	unsetenv("PKRENV_C");
	printf("library sees PKRENV_A, PKRENV_C: %s, %s\n", pkrenv_get(0), pkrenv_get(2));
	printf("library's environ: %s\n", pkrenv_walk());
	setenv("PKRENV_D", "the program's, after", 1);
	printf("library's environ: %s\n", pkrenv_walk());
	if (argc > 1) {
		/* Rewound (and, with on-fault reset, the namespace reset). */
		printf("library's crash: %d\n", pkrenv_crash());
		printf("library's environ after it: %s\n", pkrenv_walk());
		clearenv();
		setenv("PKRENV_E", "alone", 1);
		printf("library's environ after clearenv: %s\n", pkrenv_walk());
	}
	return 0;
}
