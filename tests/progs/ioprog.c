/* ioprog - hands its streams to the stream fixture (libpkrio.so) and
 * writes to them itself in between, so that the order of the output shows
 * whose buffer each line went through.
 *
 *   ioprog write         stdout: program, library (its FILE *), program,
 *                        library (its own stdout), program; stderr too
 *   ioprog read FILE     the program reads a line, the library four
 *                        things, the program the rest
 *   ioprog probe FILE    seek, write, read to the end, fileno, ftell, feof
 *   ioprog bad           the library is given a pointer that is no stream
 */
#include <stdio.h>
#include <string.h>

#include "pkrio.h"

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "write") == 0) {
		printf("program line 1\n");
		printf("library returned %d\n", pkrio_write(stdout, 7));
		printf("program line 2\n");
		printf("library returned %d\n", pkrio_stdout(8));
		fprintf(stderr, "program stderr\n");
		printf("library returned %d\n", pkrio_write(stderr, 9));
		printf("program line 3\n");
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "read") == 0) {
		char line[256];
		const char *s;
		FILE *fp = fopen(argv[2], "r");
		if (!fp || !fgets(line, sizeof line, fp))
			return 2;
		printf("program read: %s", line);
		s = pkrio_read(fp);
		printf("library read: %s\n", s ? s : "(failed)");
		while (fgets(line, sizeof line, fp))
			printf("program read: %s", line);
		fclose(fp);
		return s ? 0 : 1;
	}
	if (argc == 3 && strcmp(argv[1], "probe") == 0) {
		const char *s;
		FILE *fp = fopen(argv[2], "w+");
		if (!fp || fputs("program text\n", fp) == EOF)
			return 2;
		s = pkrio_probe(fp);
		printf("library: %s\n", s ? s : "(failed)");
		rewind(fp);
		fputs("program again\n", fp);
		fclose(fp);
		return s ? 0 : 1;
	}
	if (argc == 2 && strcmp(argv[1], "bad") == 0) {
		static long not_a_stream[64] = { 42 };
		int r = pkrio_bad(not_a_stream);
		printf("library returned %d, memory %s\n", r,
		       not_a_stream[0] == 42 && not_a_stream[1] == 0 ? "unchanged" : "CHANGED");
		return 0;
	}
	fprintf(stderr, "usage: ioprog write | read FILE | probe FILE | bad\n");
	return 2;
}
