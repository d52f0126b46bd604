/* fault.h - the fault handler: rewind a faulting call into a domain.
 *
 * Invariants:
 *  - pkr_fault_init() installs the handlers at start-up (not
 *    async-signal-safe).
 *  - Everything reached from the handler is async-signal-safe: no malloc,
 *    no stdio, no locks; it logs with pkr_log (write(2)).
 */
#ifndef PKR_FAULT_H
#define PKR_FAULT_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

int pkr_fault_init(void);

/* Called by gate.S: the handler entries' C side, entered with the
 * program's PKRU, and the gate's failed PKRU check (aborts). */
void pkr_fault_handler(int sig, siginfo_t *si, void *uc);
void pkr_signal_handler(int sig, siginfo_t *si, void *uc);
__attribute__((noreturn)) void pkr_gate_violation(uint32_t got, uint32_t want);

/* jump.c, when the program longjmps: is addr on the thread's armed
 * altstack; and undo what the returns of every handler running there
 * would have (handler depth, the altstack's key before Linux 6.12, the
 * altstack armed again).  Async-signal-safe. */
struct pkr_thread;
bool pkr_fault_on_altstack(const struct pkr_thread *t, uintptr_t addr);
void pkr_fault_left_handlers(struct pkr_thread *t);

#endif
