/*
 * checkasm.c - proves every exported routine keeps its calling convention's promises and touches
 * exactly the memory it was given, for both x86-64 conventions, at every ISA level this CPU has.
 * The engine is the harness core (core.c, see checkasm.h); each operation's reference and cases
 * are in its own file (popcount.c, increment.c, crc32c.c, hamscan.c, slice.c); this file holds the
 * registry (generated from native/kernels.txt), the self-test and the command line.
 *
 * Each call goes through a trampoline (call.asm) that preloads the callee-saved registers
 * (System V: rbx, rbp, r12-r15; Win64: also rdi, rsi, xmm6-xmm15) with random values and reports
 * any that changed, checks rsp, and reads XGETBV(1) to catch a missing vzeroupper; a legacy-SSE
 * kernel's clean entry is entered with a dirty upper state and must return clean. 32-bit
 * arguments arrive with random upper halves. Buffers sit against 64 KiB inaccessible regions on
 * both sides (platform.c), once flush with the front guard and once as close to the back guard as the start
 * offset allows; during the call the rest of each range's buffer is inaccessible too, so any access
 * outside the range's window faults; a fault is recorded, not fatal. The window (64 bytes either
 * side of every range, widened to whole pages) is random and compared after the call, so a stray
 * write next to a range is caught too. Results are
 * compared with a C reference. Built for Windows, each routine is also made to fault inside its
 * main loop, and unwinding that fault (the routine's .pdata unwind data, or the leaf rule) must
 * give back the caller's frame and registers. On Linux the System V exports and the same sources
 * assembled for Win64 (w64_ prefix, called through the Win64 trampoline) are both checked; built
 * for Windows, the DLL's exports are checked.
 *
 *   checkasm [--seed N] [--test NAME] [--selftest]
 *
 * --seed N runs with the random numbers of that seed (each run prints its own); --test NAME
 * checks only the routines of operation NAME or whose name starts with NAME; --selftest runs the
 * deliberately broken routines of broken.asm and passes only if each defect is caught.
 *
 * Exit 0: no violation; 1: violations; 2: bad usage; 77 (CTest skip): nothing runnable.
 */
#define __USE_MINGW_ANSI_STDIO 1 /* C99 printf (%zu) on Windows */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asmkernels.h"
#include "checkasm.h"

#include "checkasm_kernels.h" /* generated from native/kernels.txt: the registry of routines */

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

#define DECLARE_BROKEN(prefix)                                        \
    uint64_t prefix##broken_clobber_rbx(const uint64_t *, size_t);    \
    uint64_t prefix##broken_no_vzeroupper(const uint64_t *, size_t);  \
    uint64_t prefix##broken_overread(const uint64_t *, size_t);       \
    uint64_t prefix##broken_push_no_unwind(const uint64_t *, size_t); \
    uint64_t prefix##broken_unclean_entry(const uint64_t *, size_t);  \
    uint32_t prefix##broken_crc_wide_arg(uint32_t, const void *, size_t); \
    uint64_t prefix##broken_popcount_long(const uint64_t *, size_t);
#define POP (&checkasm_op_popcount)
#define BROKEN(abi, prefix)                                                                                          \
    { "broken_clobber_rbx", abi, POP, ASMK_F_POPCNT, (const void *)prefix##broken_clobber_rbx, 0 },                  \
    { "broken_no_vzeroupper", abi, POP, ASMK_F_AVX2 | ASMK_F_OS_YMM, (const void *)prefix##broken_no_vzeroupper, 0 }, \
    { "broken_overread", abi, POP, ASMK_F_POPCNT, (const void *)prefix##broken_overread, 0 },                        \
    { "broken_push_no_unwind", abi, POP, ASMK_F_POPCNT, (const void *)prefix##broken_push_no_unwind, 0 },            \
    { "broken_unclean_entry", abi, POP, ASMK_F_POPCNT | ASMK_F_OS_YMM, (const void *)prefix##broken_unclean_entry, 1 }, \
    { "broken_crc_wide_arg", abi, &checkasm_op_crc32c, ASMK_F_SSE42, (const void *)prefix##broken_crc_wide_arg, 0 }, \
    { "broken_popcount_long", abi, POP, ASMK_F_POPCNT, (const void *)prefix##broken_popcount_long, 0 }

#ifdef _WIN32
/* The DLL's exports are the Win64 routines; the harness is a Win64 program. */
#define WIN64_ROUTINE(name, op, needs) { #name, ABI_WIN64, &checkasm_op_##op, needs, (const void *)name, 0 },
#define WIN64_CLEAN(name, op, needs) { #name, ABI_WIN64, &checkasm_op_##op, (needs) | ASMK_F_OS_YMM, (const void *)name, 1 },
DECLARE_BROKEN()
static const struct checkasm_routine routines[] = { ASMK_KERNELS(WIN64_ROUTINE, WIN64_CLEAN) };
static const struct checkasm_routine broken[] = { BROKEN(ABI_WIN64, ) };
#else
/* The library is System V; the w64_ objects are the same sources assembled for Win64. The
 * declared types only give the symbols an address: every call goes through a trampoline. */
#define DECLARE_W64(name, op, needs) void w64_##name(void);
#define SYSV_ROUTINE(name, op, needs) { #name, ABI_SYSV, &checkasm_op_##op, needs, (const void *)name, 0 },
#define SYSV_CLEAN(name, op, needs) { #name, ABI_SYSV, &checkasm_op_##op, (needs) | ASMK_F_OS_YMM, (const void *)name, 1 },
#define WIN64_ROUTINE(name, op, needs) { #name, ABI_WIN64, &checkasm_op_##op, needs, (const void *)w64_##name, 0 },
#define WIN64_CLEAN(name, op, needs) { #name, ABI_WIN64, &checkasm_op_##op, (needs) | ASMK_F_OS_YMM, (const void *)w64_##name, 1 },
ASMK_KERNELS(DECLARE_W64, DECLARE_W64)
DECLARE_BROKEN()
DECLARE_BROKEN(w64_)
static const struct checkasm_routine routines[] = { ASMK_KERNELS(SYSV_ROUTINE, SYSV_CLEAN) ASMK_KERNELS(WIN64_ROUTINE, WIN64_CLEAN) };
static const struct checkasm_routine broken[] = { BROKEN(ABI_SYSV, ), BROKEN(ABI_WIN64, w64_) };
#endif

#ifdef _WIN32
#define UNWIND_CHECKED 1
#else
#define UNWIND_CHECKED 0 /* only Windows has a system unwinder for these routines to answer to */
#endif

/* Each broken routine must be caught, by the check named for its defect. */
static int selftest(void)
{
    /* The defect's kind, and a kind it may also show: clobbering rbx without saving it also
     * makes the unwound rbx wrong. NULL: a defect outside every case of the sweep, which must
     * pass it (native/tests/fuzz finds it; scripts/fuzz.sh proves that). */
    static const char *const want[][2] = { { CHECKASM_REG, CHECKASM_UNWIND }, { CHECKASM_YMM, NULL }, { CHECKASM_FAULT, NULL },
                                           { CHECKASM_UNWIND, NULL }, { CHECKASM_YMM, NULL }, { CHECKASM_RESULT, NULL }, { NULL, NULL } };
    int bad = 0, ran = 0;
    checkasm_quiet = 1;
    for (size_t i = 0; i < COUNT(broken); i++) {
        const struct checkasm_routine *r = &broken[i];
        const char *expect = want[i % COUNT(want)][0], *also = want[i % COUNT(want)][1];
        if (expect == CHECKASM_UNWIND && !UNWIND_CHECKED) {
            printf("%-30s %-5s skipped: unwinding is checked in the Windows build\n", r->name, checkasm_abi_names[r->abi]);
            continue;
        }
        if (!checkasm_cpu_has(r->needs) || (expect == CHECKASM_YMM && !checkasm_use_xgetbv)) {
            printf("%-30s %-5s skipped: this CPU cannot run or observe it\n", r->name, checkasm_abi_names[r->abi]);
            continue;
        }
        memset(checkasm_violation_kinds, 0, sizeof checkasm_violation_kinds);
        unsigned long long before = checkasm_violations;
        checkasm_run(r);
        if (!expect) {
            int passed = checkasm_violations == before;
            printf("%-30s %-5s %s\n", r->name, checkasm_abi_names[r->abi],
                   passed ? "passes the sweep, as it must: its defect lies beyond it (the fuzzer's to find)" : "CAUGHT BY THE SWEEP: it no longer stands for a defect only fuzzing finds");
            bad += !passed;
            ran++;
            continue;
        }
        int caught = 0, other = 0;
        for (size_t k = 0; k < COUNT(checkasm_violation_kinds) && checkasm_violation_kinds[k]; k++)
            if (checkasm_violation_kinds[k] == expect) caught = 1; else if (checkasm_violation_kinds[k] != also) other = 1;
        printf("%-30s %-5s %s: %llu violations (%s)%s\n", r->name, checkasm_abi_names[r->abi],
               caught && !other ? "caught" : "NOT CAUGHT AS EXPECTED", checkasm_violations - before, expect,
               other ? ", and other kinds too" : "");
        bad += !(caught && !other);
        ran++;
    }
    printf("checkasm selftest: %d of %d broken routines as expected (caught, or passed where only fuzzing finds the defect)\n", ran - bad, ran);
    return bad ? 1 : ran ? 0 : 77;
}

static int selected(const struct checkasm_routine *r, const char *test)
{
    return !test || strcmp(r->op->name, test) == 0 || strncmp(r->name, test, strlen(test)) == 0;
}

int main(int argc, char **argv)
{
    const char *seed_text = NULL, *test = NULL;
    int self = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--selftest") == 0) self = 1;
        else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) seed_text = argv[++i];
        else if (strcmp(argv[i], "--test") == 0 && i + 1 < argc) test = argv[++i];
        else {
            fprintf(stderr, "usage: checkasm [--seed N] [--test NAME] [--selftest]\n");
            return 2;
        }
    }
    uint64_t seed = checkasm_seed_from(seed_text);
    if (!seed) {
        fprintf(stderr, "checkasm: --seed takes a nonzero number, not '%s'\n", seed_text);
        return 2;
    }
    if (checkasm_init(seed)) {
        fprintf(stderr, "checkasm: cannot map the guarded buffers\n");
        return 1;
    }
    printf("checkasm: seed 0x%016" PRIx64 " (checkasm --seed 0x%" PRIx64 " repeats this run)\n", seed, seed);
    if (!checkasm_use_xgetbv)
        printf("checkasm: this CPU has no XGETBV(1): the vzeroupper check is skipped\n");
    if (self)
        return selftest();
    if (asmk_abi_version() != ASMK_ABI_VERSION) {
        fprintf(stderr, "FAIL asmk_abi_version: got %u, want %d\n", asmk_abi_version(), ASMK_ABI_VERSION);
        return 1;
    }
    unsigned skipped = 0, ran = 0;
    for (size_t i = 0; i < COUNT(routines); i++) {
        const struct checkasm_routine *r = &routines[i];
        if (!selected(r, test))
            continue;
        if (!checkasm_cpu_has(r->needs)) {
            printf("%-30s %-5s skipped: this CPU (or OS) lacks its instruction set\n", r->name, checkasm_abi_names[r->abi]);
            skipped++;
            continue;
        }
        unsigned long long before = checkasm_cases, failed = checkasm_violations;
        checkasm_run(r);
        ran++;
        printf("%-30s %-5s %6llu cases, %llu violations\n", r->name, checkasm_abi_names[r->abi], checkasm_cases - before, checkasm_violations - failed);
    }
    if (test && ran + skipped == 0) {
        fprintf(stderr, "checkasm: --test %s names no operation or routine\n", test);
        return 2;
    }
    printf("checkasm: %llu routine x ABI x length x offset cases checked (%llu calls) over %u routine x ABI pairs"
           " (%u skipped), %llu violations\n", checkasm_cases, checkasm_calls, ran, skipped, checkasm_violations);
    if (checkasm_violations)
        return 1;
    return ran ? 0 : 77;
}
