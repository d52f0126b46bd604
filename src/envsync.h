/* envsync.h - each namespace's `environ` follows the program's
 * (envsync.c). */
#ifndef PKR_ENVSYNC_H
#define PKR_ENVSYNC_H

struct pkr_domain;

/* Copies the program's environment for every domain and points each
 * namespace's __environ at its copy.  Not async-signal-safe. */
void pkr_envsync_all(void);

/* After an on-fault reset: the namespace's __environ at its copy again.
 * Async-signal-safe. */
void pkr_envsync_after_reset(struct pkr_domain *d);

#endif
