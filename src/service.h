/* service.h - the reverse gate: what a domain's runtime asks of the
 * program's side (exit, fork, longjmp to a program's jmp_buf).
 *
 * Invariants:
 *  - pkr_service (gate.S) is the only way in: it takes the program's
 *    rights (checked), calls pkr_service_handler, and gives back the
 *    rights of the domain the thread state says is active (never a value
 *    the caller passed).
 *  - The handler finds the thread through the GS anchor, switches to the
 *    real thread pointer for the program's C library, and back.
 *  - exit and longjmp out of the domain do not return: the thread's gate
 *    records are unwound first (t->top, t->cur), so the program runs on
 *    its own rights and a later fault of its own stays its own.
 *  - Not async-signal-safe (fork, exit); never called from a handler.
 */
#ifndef PKR_SERVICE_H
#define PKR_SERVICE_H

#include "domains.h"

/* gate.S */
long pkr_service(long op, long a, long b);

struct pkr_service_ret {
	long value;
	const struct pkr_domain *dom;   /* whose rights to give back, or NULL */
};
struct pkr_service_ret pkr_service_handler(long op, long a, long b);

/* Resolve the program's exit, fork and longjmp (start-up). */
void pkr_service_init(void);

#endif
