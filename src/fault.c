/* fault.c - signal handling for domains.  See fault.h.
 * Async-signal-safe: no malloc, no stdio, no locks on the handler path. */
#include "config.h"

#include <signal.h>
#include <stdlib.h>

#include "fault.h"
#include "log.h"
#include "pkey.h"
#include "shim.h"
#include "tramp.h"

int pkr_fault_init(void)
{
	return 0;
}

void pkr_gate_violation(uint32_t got, uint32_t want)
{
	pkr_log(PKR_LOG_ERROR, "gate: PKRU after a call is 0x%x, expected 0x%x: "
		"control flow entered the gate's exit out of order; aborting",
		got, want);
	abort();
}
