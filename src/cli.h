/* cli.h - the command's subcommands, between its files (cli.c,
 * cli_learn.c).  Each returns the command's exit status. */
#ifndef PKR_CLI_H
#define PKR_CLI_H

/* `pkrewind [-p POLICY] [--] COMMAND...`: execs COMMAND (returns only on
 * failure). */
int pkr_cli_run(int argc, char **argv);
/* `pkrewind learn -p BASE -o OUT [--] COMMAND...` (cli_learn.c). */
int pkr_cli_learn(int argc, char **argv);

#endif
