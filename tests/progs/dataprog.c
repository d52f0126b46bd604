/* dataprog.c - reads a data object that an isolated library exports
 * (pkrdata_counter of tests/fixtures/libpkrdata.so).
 *
 * Built twice: dataprog (position-independent executable code: the
 * variable is reached through a copy relocation, R_X86_64_COPY) and
 * dataprog-got (compiled with -fPIC: through a GOT slot, R_X86_64_GLOB_DAT).
 *
 * Prints the counter as the program and as the library see it, a result
 * of the library, and "isolated" when the library runs with a PKRU other
 * than the program's, else "not isolated".  Exit status 1 if a value is
 * wrong.
 */
#include "config.h"

#include <stdio.h>

#include "pkrdata.h"
#include "pkrsig.h"

int main(void)
{
	int status = 0, v;

	setvbuf(stdout, NULL, _IOLBF, 0);
	v = pkrdata_counter;
	printf("program reads pkrdata_counter=%d %s\n", v,
	       v == PKRDATA_INITIAL ? "ok" : "BAD");
	status |= v != PKRDATA_INITIAL;
	v = pkrdata_get();
	printf("library reads pkrdata_counter=%d %s\n", v,
	       v == PKRDATA_INITIAL ? "ok" : "BAD");
	status |= v != PKRDATA_INITIAL;
	v = pkrdata_add(40, 2);
	printf("pkrdata_add(40, 2)=%d %s\n", v, v == 42 ? "ok" : "BAD");
	status |= v != 42;
	puts(pkrdata_pkru() != pkrsig_rdpkru() ? "isolated" : "not isolated");
	return status;
}
