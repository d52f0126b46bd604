/* plugprog - drives the plugin fixture (libpkrplug.so): load, call three
 * times, a missing symbol, a crash in the plugin, one more call, close. */
#include <stdio.h>

#include "pkrplug.h"

int main(void)
{
	printf("load %d\n", pkrplug_load());
	for (long x = 1; x <= 3; x++)
		printf("call %ld: %ld\n", x, pkrplug_call(x));
	printf("missing symbol reported: %d\n", pkrplug_missing());
	printf("crash %ld\n", pkrplug_crash());
	printf("call after the crash: %ld\n", pkrplug_call(10));
	printf("close %d\n", pkrplug_close());
	return 0;
}
