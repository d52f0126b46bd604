/* learn.h - learn mode (`pkrewind learn`, issue 11): watch which program
 * memory a read-mode library writes, and which program functions it is
 * handed, and write what was seen for the command to turn into argument
 * annotations.
 *
 * With PKREWIND_LEARN=FILE in the environment:
 *  - every exported function of every domain enters through the
 *    marshalling entry (marshal.h), which notes the call's six argument
 *    registers (pkr_learn_enter/leave, per thread);
 *  - a write of the library into program memory (SEGV_PKUERR, key 0) is
 *    not rewound: pkr_learn_fault() records the function, the argument
 *    the address lies in (the nearest argument value below it) and the
 *    offset, and the fault handler lets that one instruction run with
 *    every right and the trap flag set; the SIGTRAP after it
 *    (pkr_learn_step) measures how many bytes changed, and the handler
 *    gives the library its rights back;
 *  - such a write made by program code (a function the library called)
 *    makes the argument that points at that function a `callback`;
 *  - the first 256 bytes each argument points at are read when the call
 *    begins (the 4 outermost calls of a thread, process_vm_readv): a
 *    pointer there as near below the written address as any argument
 *    makes the write one through that struct field; after the call the
 *    struct is read again, and the words that went down by what the call
 *    wrote through a field are noted (avail_out);
 *  - once a function has written through a field of what an argument
 *    points at, the pages of that struct's first kilobyte get a key of
 *    their own (watch_key) for its later calls: no domain may read it,
 *    so the library's reads of the struct fault as well, are let
 *    through the same way, and give how far the struct reaches;
 *  - at exit the records are appended to FILE, one line each:
 *      DOMAIN FUNCTION ARG KIND EXTENT COUNT CANDIDATES VARIES A1 .. A6
 *        FIELD WCAND WVARIES HCAND HVARIES W0 .. W31
 *        REXTENT WDEC WDECBAD HDEC HDECBAD
 *    ARG is 1-based (0: no argument points there), KIND `write` or
 *    `callback`, EXTENT the furthest byte written past the argument (or
 *    past the field's pointer), CANDIDATES a bit mask of the arguments
 *    whose value was never below the extent, VARIES those whose value
 *    changed between calls, A1..A6 the arguments of the call that wrote
 *    furthest.  FIELD is the struct word written through (-1: none);
 *    WCAND/HCAND (hex) the struct's u64 words / u32 halves that could be
 *    its length, WVARIES/HVARIES those that changed, W0..W31 (hex) the
 *    struct at the start of the call that wrote furthest.  REXTENT: the
 *    furthest byte of the argument's own memory read (watched);
 *    WDEC/HDEC (hex) the words/halves that went down by what a call
 *    wrote through the field, WDECBAD/HDECBAD those that changed
 *    otherwise.
 *
 * pkr_learn_fault() and pkr_learn_step() run in the fault handler:
 * async-signal-safe (no malloc, no stdio; the table's lock is only tried
 * there, a busy lock loses that one record).
 */
#ifndef PKR_LEARN_H
#define PKR_LEARN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "domains.h"

extern uint8_t pkr_learn_on;

/* Words of the struct an argument points at, per record (the file's
 * W0 .. W31), and its u32 half h (0: the low half of word 0). */
#define PKR_LEARN_SW 32
static inline uint32_t pkr_learn_half(const uint64_t *w, unsigned h)
{
	return (uint32_t)(w[h / 2] >> (32 * (h % 2)));
}

/* Start-up: PKREWIND_LEARN set?  Opens the file (appending). */
void pkr_learn_init(void);

/* Around a call (marshal.c): its argument registers. */
void pkr_learn_enter(struct pkr_fn *fn, const uint64_t a[6]);
void pkr_learn_leave(void);

/* In the fault handler, for a fault inside a domain call.  True when the
 * fault is a write into program memory to let through: *pkru gets the
 * PKRU for that one instruction (the frame's is saved here), the caller
 * sets it and the trap flag. */
bool pkr_learn_fault(const siginfo_t *si, const ucontext_t *uc, uint32_t frame_pkru,
		     uint32_t *pkru);
/* The single-step trap after it: true if it is ours; *pkru gets the
 * PKRU to give back; the caller clears the trap flag. */
bool pkr_learn_step(const siginfo_t *si, uint32_t *pkru);

#endif
