/* finiprog - arms the destructor fixture (libpkrfini.so) and returns 3
 * from main.  Its own destructor reports whether its memory changed; under
 * the shim it runs after the namespace's destructors (ld.so finishes the
 * other namespaces before the main one).
 *
 *   finiprog HOW     HOW as pkrfini_arm takes it
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pkrfini.h"

static int guarded = 42;

__attribute__((destructor)) static void report(void)
{
	char line[64];
	int n = snprintf(line, sizeof line, "program destructor: guarded %d\n", guarded);

	if (write(1, line, (size_t)n) < 0)
		_exit(9);
}

int main(int argc, char **argv)
{
	int how = argc > 1 ? atoi(argv[1]) : 0;

	printf("armed %d\n", pkrfini_arm(how, &guarded));
	fflush(stdout);
	return 3;
}
