/* jump.h - the program's longjmp family, interposed (jump.c has the
 * contract). */
#ifndef PKR_JUMP_H
#define PKR_JUMP_H

/* Resolve the real longjmp, _longjmp, siglongjmp and __longjmp_chk
 * (start-up; a jump before it resolves them itself). */
void pkr_jump_init(void);

#endif
