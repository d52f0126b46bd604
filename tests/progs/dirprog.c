/* dirprog - DIR * and locale_t between the program and the fixture
 * (libpkrdir.so), both ways; one line per case. */
#define _GNU_SOURCE 1
#include <ctype.h>
#include <stdio.h>

#include "pkrdir.h"

int main(void)
{
	DIR *d = opendir("/");
	DIR *e = pkrdir_open_root();
	locale_t l = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	locale_t m = pkrdir_newlocale();
	int n = 0;

	if (e) {
		while (readdir(e))
			n++;
		closedir(e);
	}
	printf("the library's DIR read by the program: %d entries\n", e ? n : -1);
	printf("the library's locale_t in the program: %c\n", m ? toupper_l('r', m) : '?');
	printf("the program's locale_t in the library: %c\n", pkrdir_upper(l, 'q'));
	printf("the program's DIR read by the library: %d entries\n", d ? pkrdir_count(d) : -1);
	if (d)
		closedir(d);
	freelocale(l);
	return 0;
}
