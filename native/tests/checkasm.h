/*
 * checkasm.h - what the harness's parts share: the call trampolines
 * (checkasm_call.asm) and the platform layer (checkasm_platform.c: guarded
 * buffers and the fault handler).
 */
#ifndef CHECKASM_H
#define CHECKASM_H

#include <stddef.h>
#include <stdint.h>

/* checkasm_call.asm: fn(a0, a1, a2) in the named convention, callee-saved registers checked. */
uint64_t checkasm_call_sysv(const void *fn, uint64_t a0, uint64_t a1, uint64_t a2); /* not on Windows */
uint64_t checkasm_call_win64(const void *fn, uint64_t a0, uint64_t a1, uint64_t a2);
void checkasm_fault_resume(void);
void checkasm_return_win64(void); /* a code address: the Win64 trampoline's call returns here */

extern uint64_t checkasm_preload[8 + 20];
extern uint32_t checkasm_clobbered; /* bit n: register n of CHECKASM_REG_NAMES changed */
extern uint32_t checkasm_xinuse;    /* nonzero: the upper YMM state was left in use */
extern uint32_t checkasm_use_xgetbv;
extern uint32_t checkasm_dirty_upper; /* nonzero: enter the callee with the upper YMM state in use */
extern uint64_t checkasm_saved_rsp; /* the trampoline's rsp at its call */
extern uint64_t checkasm_arg3;      /* the callee's fourth argument (rcx / r9) */

#define CHECKASM_REG_NAMES                                                        \
    { "rbx", "rbp", "r12", "r13", "r14", "r15", "rdi", "rsi", "xmm6", "xmm7",   \
      "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "rsp",  \
      "return address" }

/* checkasm_platform.c */
struct guarded {
    unsigned char *lo, *hi; /* usable [lo, hi); an inaccessible page sits before lo and at hi */
};
int guarded_alloc(struct guarded *g, size_t bytes); /* 0 on success */
void fault_handler_install(void);

/* Set by the harness around a call; the fault handler only acts while it is set. */
extern volatile int checkasm_in_call;
extern volatile int checkasm_faulted;
extern volatile uintptr_t checkasm_fault_address;
/* Windows: the registers (bits as CHECKASM_REG_NAMES) that unwinding the last fault's context to
 * the trampoline got wrong; unwinding uses the routine's .pdata entry, or the leaf-function rule
 * (return address at rsp) when it has none. Always 0 on other systems. */
extern volatile uint32_t checkasm_unwind_mismatch;

#endif
