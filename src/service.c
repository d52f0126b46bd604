/* service.c - the reverse gate's C side.  See service.h.
 *
 * Runs with the program's rights (pkr_service took them) on the domain's
 * stack.  Not async-signal-safe.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <unistd.h>

#include "domains.h"
#include "log.h"
#include "maps.h"
#include "pkey.h"
#include "real.h"
#include "runtime/rt.h"
#include "service.h"

/* gate.S: call fn(arg) on stack sp (never returns). */
__attribute__((noreturn)) void pkr_call_on_stack(void (*fn)(long), long arg, uintptr_t sp);

typedef void noreturn_exit(int);      /* neither returns */
typedef void noreturn_jump(void *, int);
static noreturn_exit *prog_exit;
static pid_t (*prog_fork)(void);
static noreturn_jump *prog_longjmp;
static const uint32_t *tid_field;       /* _thread_db_pthread_tid: bits, count, offset */

void pkr_service_init(void)
{
	prog_exit = (noreturn_exit *)pkr_real_libc_symbol("exit", "GLIBC_2.2.5");
	prog_fork = (pid_t (*)(void))pkr_real_libc_symbol("fork", "GLIBC_2.2.5");
	prog_longjmp = (noreturn_jump *)pkr_real_libc_symbol("longjmp", "GLIBC_2.2.5");
	tid_field = pkr_real.dlvsym(RTLD_DEFAULT, "_thread_db_pthread_tid", "GLIBC_PRIVATE");
	pkr_service_io_init();
}

static void thread_exit(long value)
{
	pthread_exit((void *)value);
}

static void exit_status(long status)
{
	prog_exit((int)status);
	__builtin_unreachable();
}

/* Leave every gate record of the thread: the program runs on its own. */
static struct pkr_frame *unwind_all(struct pkr_thread *t)
{
	struct pkr_frame *outer = t->top;

	while (outer && outer->prev)
		outer = outer->prev;
	t->top = NULL;
	t->cur = NULL;
	return outer;
}

/* End the thread or the process: fn(arg) (which does not return) on the
 * program's stack below the outermost gate record, every record
 * unwound, so the program's exit or pthread_exit runs on its own. */
static __attribute__((noreturn)) void leave(struct pkr_thread *t, void (*fn)(long), long arg)
{
	struct pkr_frame *outer = t ? unwind_all(t) : NULL;

	if (outer)
		pkr_call_on_stack(fn, arg, ((uintptr_t)outer - 512) & ~(uintptr_t)15);
	fn(arg);
	__builtin_unreachable();
}

/* Unwind the records the jump leaves (those below its target stack
 * pointer), as pkr_gate_unwind would one by one. */
void pkr_unwind_below(struct pkr_thread *t, uintptr_t sp, const struct pkr_domain *from)
{
	while (t->top && (uintptr_t)t->top < sp) {
		struct pkr_frame *r = t->top;
		t->top = r->prev;
		t->cur = r->prev_dom;
		if (r->prev_dom && r->saved_sp)
			t->doms[r->prev_dom->index].sp = r->saved_sp;
	}
	/* No call left: every domain stack is free from its top again (a
	 * callback gate or the marshalling left its stack pointer lowered
	 * in the frames the jump skips). */
	if (!t->top)
		for (size_t i = 0; i < PKR_MAX_DOM; i++)
			if (t->doms[i].sp)
				t->doms[i].sp = t->doms[i].stack_hi & ~(uintptr_t)15;
	/* Into code that runs inside a domain (an unannotated callback
	 * further out): its rights cannot be given back from here. */
	if (t->cur) {
		if (from)
			pkr_log(PKR_LOG_ERROR, "domain %s: longjmp into a callback that runs "
				"inside domain %s is not supported: aborting", from->pol->name,
				t->cur->pol->name);
		else
			pkr_log(PKR_LOG_ERROR, "the program jumped (longjmp) into a callback "
				"that runs inside domain %s: not supported: aborting",
				t->cur->pol->name);
		abort();
	}
}

/* A pointer a glibc jmp_buf holds (x86-64: words 6 and 7 are the stack
 * pointer and the program counter, mangled with the pointer guard at
 * %fs:0x30 of the real thread block). */
uintptr_t pkr_jmpbuf_word(const void *envp, int i, uintptr_t tp)
{
	const uintptr_t *env = envp;
	uintptr_t v = env[i], guard = *(const uintptr_t *)(tp + 0x30);

	v = (v >> 0x11) | (v << (64 - 0x11));
	return v ^ guard;
}

/* A jump out of the domain must land in a live frame of the caller: on
 * the stack that holds the innermost gate record, above it, at code the
 * process may execute outside every domain.  Else it is a corrupt or
 * stale jmp_buf, and jumping would hand the library's garbage control
 * of the program. */
static bool jump_target_ok(const struct pkr_thread *t, uintptr_t sp, uintptr_t pc)
{
	struct pkr_map *m;
	long n = pkr_read_maps(&m);
	bool ok = false;

	if (n < 0 || !t->top)
		return false;
	for (long i = 0; i < n; i++) {
		if ((uintptr_t)t->top >= m[i].lo && (uintptr_t)t->top < m[i].hi)
			ok = sp > (uintptr_t)t->top && sp < m[i].hi;
	}
	if (ok)
		ok = (pkr_maps_prot(m, n, pc) & PROT_EXEC) && !pkr_domain_of(pc, NULL, NULL);
	free(m);
	return ok;
}

struct pkr_service_ret pkr_service_handler(long op, long a, long b)
{
	struct pkr_thread *t = (struct pkr_thread *)pkr_rdgsbase();
	struct pkr_service_ret ret = { 0, NULL };
	const struct pkr_domain *d;
	uintptr_t fs = pkr_rdfsbase();
	int err = 0;

	if (!t || t->self != t || !t->cur) {
		/* Not inside a domain (a library constructor, run with the
		 * program's rights): nothing to switch. */
		t = NULL;
		d = NULL;
	} else {
		d = t->cur;
		if (fs != t->tp)
			pkr_wrfsbase(t->tp);
	}
	switch (op) {
	case PKR_RT_EXIT:
		leave(t, exit_status, a);
	case PKR_RT_FORK:
		ret.value = prog_fork();
		err = errno;
		if (ret.value == 0 && t && tid_field && tid_field[0] == 32) {
			/* The child's shadow blocks still hold the parent's tid
			 * (raise() in the domain would signal the parent). */
			int tid = *(const int *)(t->tp + tid_field[2]);
			for (size_t i = 0; i < PKR_MAX_DOM; i++)
				if (t->doms[i].shadow_tp)
					*(int *)(t->doms[i].shadow_tp + tid_field[2]) = tid;
		}
		break;
	case PKR_RT_LONGJMP:
		if (t) {
			const struct pkr_tdom *td = &t->doms[d->index];
			uintptr_t sp = pkr_jmpbuf_word((const void *)a, 6, t->tp);
			uintptr_t pc = pkr_jmpbuf_word((const void *)a, 7, t->tp);
			if (sp >= td->stack_lo && sp <= td->stack_hi) {
				ret.value = 1;          /* the domain's own jmp_buf */
				break;
			}
			if (!jump_target_ok(t, sp, pc)) {
				pkr_log(PKR_LOG_ERROR, "domain %s: longjmp to a jmp_buf that is not "
					"a live frame of the program (stack 0x%lx, code 0x%lx): "
					"refused", d->pol->name, (unsigned long)sp, (unsigned long)pc);
				ret.value = 2;          /* the runtime aborts: rewound */
				break;
			}
			pkr_unwind_below(t, sp, d);
		}
		prog_longjmp((void *)a, (int)b);
		__builtin_unreachable();
	case PKR_RT_THREAD:
		ret.value = pkr_service_thread(d, t, (struct pkr_rt_thread *)a);
		break;
	case PKR_RT_THREAD_EXIT:
		leave(t, thread_exit, a);
	case PKR_RT_FREE:
	case PKR_RT_REALLOC:
		ret.value = pkr_service_heap(d, op, a, b, &err);
		break;
	case PKR_RT_DL:
		ret.value = pkr_service_dl(d, t, (struct pkr_rt_dl *)a);
		break;
	case PKR_RT_ENV:
		ret.value = pkr_service_env(d, t, (const struct pkr_rt_env *)a, &err);
		break;
	case PKR_RT_TLS:
		ret.value = pkr_service_tls(d, t, a, (struct pkr_rt_tls *)b, &err);
		break;
	case PKR_RT_IO:
		ret.value = pkr_service_io(d, t, (const struct pkr_rt_io *)a, &err);
		break;
	case PKR_RT_ICONV:
		ret.value = pkr_service_iconv(d, t, (struct pkr_rt_iconv *)a, &err);
		break;
	case PKR_RT_NSS:
		ret.value = pkr_service_nss(d, t, (struct pkr_rt_nss *)a, &err);
		break;
	default:
		ret.value = -1;
		err = ENOSYS;
		break;
	}
	if (t) {
		if (fs != t->tp)
			pkr_wrfsbase(fs);
		if (ret.value < 0)       /* the namespace's errno, in the block it runs on */
			*(int *)(fs + (uintptr_t)d->errno_off) = err;
	}
	ret.dom = d;
	return ret;
}
