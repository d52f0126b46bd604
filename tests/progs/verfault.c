/* verfault.c - the fault return of a function exported in two versions.
 *
 * Calls pkrver_fault through its PLT (the default version, PKRVER_2) and
 * through dlvsym(RTLD_DEFAULT, "pkrver_fault", "PKRVER_1"); both fault.
 * Run only under the shim with tests/data/iso/verfault.policy, whose
 * `function pkrver_fault@PKRVER_1` line and `function pkrver_fault` line
 * give the versions different fault returns and errno values.  Prints
 * "VERSION: RESULT errno NAME" for each; exit 1 if a call did not come
 * back (never: the shim rewinds) or a lookup failed.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pkrver.h"

static void show(const char *what, int r)
{
	const char *name = strerrorname_np(errno);

	printf("%s: %d errno %s\n", what, r, name ? name : "?");
}

int main(void)
{
	int (*v1)(int);

	setvbuf(stdout, NULL, _IOLBF, 0);
	errno = 0;
	show("PKRVER_2 (linked)", pkrver_fault(3));
	v1 = (int (*)(int))dlvsym(RTLD_DEFAULT, "pkrver_fault", "PKRVER_1");
	if (!v1) {
		printf("dlvsym(pkrver_fault, PKRVER_1): %s\n", dlerror());
		return 1;
	}
	errno = 0;
	show("PKRVER_1 (dlvsym)", v1(3));
	return 0;
}
