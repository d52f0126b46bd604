/* convprog - the charset and name-service fixture (libpkrconv.so):
 * prints what the library reports for each case.
 *   convprog iconv    the iconv cases (pkrconv_iconv)
 *   convprog nss      the name-service cases (pkrconv_nss)
 *   convprog forge    forged iconv_t values (under the shim only)
 *   convprog from     the program's own text converted by the library
 *                     ("(rewound)" when the call faulted)
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "pkrconv.h"

int main(int argc, char **argv)
{
	const char *r;

	if (argc != 2) {
		fprintf(stderr, "usage: convprog iconv|nss|forge|from\n");
		return 2;
	}
	if (!strcmp(argv[1], "from")) {
		static char text[] = "\xa3\xf3" "d\xbc, \xa9t\xecp\xe1n";
		r = pkrconv_iconv_from(text, sizeof text - 1);
		fputs((intptr_t)r == -1 ? "(rewound)\n" : r, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "forge")) {
		fputs(pkrconv_forge(), stdout);
		return 0;
	}
	for (int i = 0;; i++) {
		r = !strcmp(argv[1], "iconv") ? pkrconv_iconv(i) : pkrconv_nss(i);
		if (!r)
			break;
		printf("case %d:\n%s", i, r);
	}
	return 0;
}
