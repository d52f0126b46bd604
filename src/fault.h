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

int pkr_fault_init(void);

#endif
