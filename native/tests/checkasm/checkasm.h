/*
 * checkasm.h - the harness core's interface: what the operation files (popcount.c, increment.c,
 * crc32c.c, hamscan.c, slice.c), checkasm.c and abicheck.c share.
 *
 * The core (core.c) owns the engine: the call trampolines (call.asm) that preload and compare the
 * callee-saved registers and read XINUSE, the guarded buffers with an inaccessible page on both
 * sides and the fault handler (platform.c), the seeded random numbers, the checked call (32-bit
 * arguments arrive with their upper halves dirtied), the placement of a range against either
 * guard, the window of random bytes around it, the sweep of lengths and offsets, the violation
 * report, and the Win64 unwind check. An operation file knows its routine: its C reference, how
 * to build its arguments for one case, and its known answers.
 */
#ifndef CHECKASM_H
#define CHECKASM_H

#include <stddef.h>
#include <stdint.h>

/* ---- call.asm: fn(a0, a1, a2[, checkasm_arg3]) in the named convention, registers checked ---- */
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
      "return address", "the caller's stack above the return address" }

/* ---- platform.c ---- */
/* The inaccessible region on each side of a buffer: wide, so that an access far past an end (a
 * wrong stride, a count taken as bytes) faults too, and is reported with its distance. */
#define CHECKASM_GUARD_BYTES (64 * 1024)

struct guarded {
    unsigned char *lo, *hi; /* usable [lo, hi); CHECKASM_GUARD_BYTES inaccessible before lo and from hi */
};
int guarded_alloc(struct guarded *g, size_t bytes); /* 0 on success */
size_t guarded_page(void);                            /* the page size */
int guarded_protect(unsigned char *p, size_t bytes, int accessible); /* whole pages; 0 on success */
void fault_handler_install(void);

/* Set by the harness around a call; the fault handler only acts while it is set. */
extern volatile int checkasm_in_call;
extern volatile int checkasm_faulted;
extern volatile uintptr_t checkasm_fault_address;
/* Windows: the registers (bits as CHECKASM_REG_NAMES) that unwinding the last fault's context to
 * the trampoline got wrong; unwinding uses the routine's .pdata entry, or the leaf-function rule
 * (return address at rsp) when it has none. Always 0 on other systems. */
extern volatile uint32_t checkasm_unwind_mismatch;

/* ---- core.c ---- */
enum checkasm_abi { ABI_SYSV, ABI_WIN64 };
extern const char *const checkasm_abi_names[];

struct checkasm_routine;

/* One checked case's description, for the report: the routine, the length and start offset, where
 * it sits (a guard, a known answer, ...) and up to four ranges a fault is measured against. */
struct checkasm_context {
    const struct checkasm_routine *r;
    size_t len, offset;
    const char *placement;
    const unsigned char *range[4];
    size_t range_bytes[4];
    int expect_fault; /* the case reads an inaccessible page on purpose */
};

/* An operation: how to check one routine of it. */
struct checkasm_op {
    const char *name;
    unsigned narrow_args;  /* bit i: argument i is 32 bits wide (its upper half arrives dirtied) */
    size_t every;          /* the sweep: every length 0..every at every offset 0..63, */
    const size_t *large;   /* then these, at the offsets 0, 3, 11, ..., 59 */
    size_t nlarge;
    /* one case of the sweep at len elements, offset bytes, against the front (0) or back guard */
    void (*check)(const struct checkasm_routine *r, size_t len, size_t offset, int back);
    void (*known)(const struct checkasm_routine *r);                   /* known answers, or NULL */
    void (*empty_args)(uint64_t args[4]);                              /* count 0, pointers into a guard page */
    uint64_t (*empty_want)(const uint64_t args[4], int *has_result);   /* what count 0 returns */
    void (*fault_args)(uint64_t args[4]);  /* a call that faults in its main loop (the unwind check) */
    void (*sweep)(const struct checkasm_routine *r); /* replaces the length x offset sweep, or NULL */
};

struct checkasm_routine {
    const char *name;
    enum checkasm_abi abi;
    const struct checkasm_op *op;
    unsigned needs;  /* ASMK_F_* */
    const void *fn;
    int clean_entry; /* a legacy-SSE kernel's vzeroupper entry: entered dirty, must return clean */
};

/* The guarded buffers (0, 1: inputs, 2: outputs such as hits, 3: abicheck's fourth argument),
 * each CHECKASM_MAX_BYTES long, and room for what a window must hold after a call. */
#define CHECKASM_MAX_BYTES (65600 * 8 + 128)
extern struct guarded checkasm_buf[4];
extern unsigned char *checkasm_expected;

/* The violation kinds: each report names one. */
extern const char CHECKASM_FAULT[], CHECKASM_REG[], CHECKASM_YMM[], CHECKASM_RESULT[], CHECKASM_WRITE[], CHECKASM_UNWIND[];

uint64_t checkasm_random(void);
void checkasm_reseed(uint64_t seed); /* nonzero: the random numbers from here on, as after that seed */
void checkasm_fill_random(unsigned char *p, size_t bytes);
uint64_t checkasm_load(const unsigned char *p, size_t i); /* the i-th 64-bit word at p */
uint64_t checkasm_bits(uint64_t v);                       /* set bits, one at a time */

/* A checked call of c->r with args (c->r->op->narrow_args dirtied unless clean_narrow). Returns rax
 * and sets *faulted; a fault, a changed callee-saved register or a dirty upper state is reported. */
uint64_t checkasm_call(const struct checkasm_context *c, const uint64_t args[4], int clean_narrow, int *faulted);

/* Where a parent process can see what the harness is doing (a file both map): the calls made so
 * far and the case of the last one, so that a routine that never returns, kills the process or
 * ends it is reported with the case it was running. NULL unless a harness sets it. */
struct checkasm_progress {
    volatile uint64_t calls;
    volatile uint64_t len, offset;
    char placement[48];
};
extern struct checkasm_progress *checkasm_progress;
#ifdef __MINGW32__
#define CHECKASM_PRINTF gnu_printf /* MinGW's C99 printf, not msvcrt's */
#else
#define CHECKASM_PRINTF printf
#endif
void checkasm_violation(const struct checkasm_context *c, const char *kind, const char *fmt, ...)
    __attribute__((format(CHECKASM_PRINTF, 3, 4)));

/* A range of bytes whose start is offset mod 64: flush with the front guard, or as close to the
 * back guard as that offset allows. */
unsigned char *checkasm_place(const struct guarded *g, size_t bytes, size_t offset, int back);
/* The window of a range: from 64 bytes before it to 64 bytes after it, widened to whole pages and
 * clipped to its buffer, filled with random bytes (compared after the call); the range itself
 * random too, or biased as checkasm_bias says (the fuzzer sets it; 0 elsewhere). During the next
 * checked call the rest of the buffer is inaccessible, so an access anywhere else in it faults
 * and is named with its distance, as one into the guards does. */
enum { CHECKASM_BIAS_NONE, CHECKASM_BIAS_ZERO, CHECKASM_BIAS_ONES, CHECKASM_BIAS_SPARSE, CHECKASM_BIAS_DENSE, CHECKASM_BIASES };
extern int checkasm_bias;
void checkasm_window(const struct guarded *g, const unsigned char *start, size_t bytes, unsigned char **lo, size_t *window_bytes);
/* A write outside what the call may change: w must equal checkasm_expected. */
void checkasm_check_unchanged(const struct checkasm_context *c, const unsigned char *w, size_t bytes);

/* Every check of one routine: known answers, count 0 at a guard, the unwind check (Windows), then
 * the op's sweep. Counts cases. */
void checkasm_run(const struct checkasm_routine *r);
void checkasm_count_case(void);

/* The harness's state: set up once, then a summary. */
int checkasm_init(uint64_t seed);              /* buffers, fault handler, XGETBV(1); 0 on success */
uint64_t checkasm_seed_from(const char *text); /* a --seed value, or a fresh one for NULL */
extern unsigned long long checkasm_cases, checkasm_calls, checkasm_violations;
extern const char *checkasm_violation_kinds[8]; /* the kinds seen since the last reset */
extern int checkasm_quiet;                      /* the self-test expects violations: print none */

/* One scan of count codes of w words against guard pages, checked against the C reference
 * (hamscan.c's case, which its sweep runs over widths, counts, offsets and thresholds). */
void checkasm_hamscan_case(const struct checkasm_routine *r, size_t w, size_t count, size_t offset, int back, uint64_t threshold);

/* Whether this CPU (and OS, for the register state) has every feature in needs (ASMK_F_*), cpu.c. */
int checkasm_cpu_has(unsigned needs);

/* The operations (one file each). */
extern const struct checkasm_op checkasm_op_popcount, checkasm_op_hamming, checkasm_op_increment,
    checkasm_op_crc32c, checkasm_op_hamscan, checkasm_op_hamslice, checkasm_op_slice;

#endif
