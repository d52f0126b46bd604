/* sigterm.c - a program with a SIGTERM handler that cleans up, killed
 * while it is inside a long library call.
 *
 * Usage: sigterm FILE [_exit|exit]
 *   Creates FILE (it must not exist), installs a SIGTERM handler that
 *   removes FILE and ends the process with status 42 (with _exit(), the
 *   default, or with exit(), which also runs the atexit handlers and
 *   flushes stdio), prints "calling pkrbug_sleep_ms" and calls
 *   pkrbug_sleep_ms(10000).  The test sends SIGTERM during that call.
 *   Should the call return, it prints "returned" and exits with status 3
 *   (FILE is then left in place).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pkrbug.h"

static const char *path;
static int use_exit;

static void on_term(int sig)
{
	(void)sig;
	unlink(path);
	if (use_exit)
		exit(42);
	_exit(42);
}

static void goodbye(void)
{
	/* Seen only when exit() ran the atexit handlers. */
	printf("atexit handler ran\n");
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	int fd, r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2 || argc > 3 ||
	    (argc == 3 && strcmp(argv[2], "exit") != 0 && strcmp(argv[2], "_exit") != 0)) {
		fprintf(stderr, "usage: sigterm FILE [_exit|exit]\n");
		return 2;
	}
	path = argv[1];
	use_exit = argc == 3 && strcmp(argv[2], "exit") == 0;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		fprintf(stderr, "sigterm: %s: %s\n", path, strerror(errno));
		return 2;
	}
	close(fd);
	atexit(goodbye);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_term;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) != 0) {
		perror("sigterm: sigaction");
		unlink(path);
		return 2;
	}
	printf("calling pkrbug_sleep_ms\n");
	r = pkrbug_sleep_ms(10000);
	printf("returned %d\n", r);
	return 3;
}
