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
 *   ioprog open FILE N   the library opens FILE (fopen, fdopen) and hands
 *                        the stream over; both write to it in turn, the
 *                        program closes it; N times (more streams than
 *                        the runtime has proxies); then FILE is printed
 *   ioprog tmp FILE      tmpfile and freopen by the library, popen and
 *                        pclose in it
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	if (argc == 4 && strcmp(argv[1], "open") == 0) {
		int n = atoi(argv[3]), fd;
		char line[256];
		FILE *fp;
		for (int i = 0; i < n; i++) {
			fp = pkrio_open(argv[2], i ? "a" : "w");
			if (!fp) {
				printf("open %d: the library's fopen failed\n", i);
				return 1;
			}
			fprintf(fp, "program line %d\n", i);
			if (i == 0 && pkrio_write(fp, 1) != 5)
				return 1;
			if (i == 0)
				fputs("program after the library\n", fp);
			if (fclose(fp) != 0)
				return 1;
		}
		fd = open(argv[2], O_WRONLY | O_APPEND);
		if (fd < 0 || !(fp = pkrio_fdopen(fd)))
			return 1;
		fputs("program after fdopen\n", fp);
		if (fclose(fp) != 0)
			return 1;
		if (!(fp = fopen(argv[2], "r")))
			return 1;
		while (fgets(line, sizeof line, fp))
			fputs(line, stdout);
		fclose(fp);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "tmp") == 0) {
		char line[256];
		const char *s;
		FILE *fp = pkrio_tmpfile(), *in;
		if (!fp)
			return 1;
		while (fgets(line, sizeof line, fp))
			printf("program read: %s", line);
		fclose(fp);
		if (!(fp = pkrio_open(argv[2], "w")) || !(fp = pkrio_reopen(fp, argv[2])))
			return 1;
		fputs("program after freopen\n", fp);
		fclose(fp);
		if (!(in = fopen(argv[2], "r")))
			return 1;
		while (fgets(line, sizeof line, in))
			printf("file: %s", line);
		fclose(in);
		s = pkrio_popen("echo from the command; exit 3");
		printf("popen: %s\n", s ? s : "(failed)");
		return s ? 0 : 1;
	}
	fprintf(stderr, "usage: ioprog write | read FILE | probe FILE | bad | open FILE N | tmp FILE\n");
	return 2;
}
