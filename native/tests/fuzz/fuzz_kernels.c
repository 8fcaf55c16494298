/*
 * fuzz_kernels.c - the differential fuzz target of one operation (FUZZ_OP, set when it is built:
 * scripts/fuzz.sh builds one target per operation of native/kernels.txt). libFuzzer decodes each
 * input into one case -- a length (log-uniform up to well past every unroll and block boundary,
 * or a power of two plus or minus a few), a start offset, which guard the range sits against, the
 * contents' bias (random, all zero, all ones, sparse, dense), the seed of the contents and of the
 * CRC state or the added value, and for the scan a code width and threshold -- and runs it on
 * every kernel of the operation this CPU runs (the table's registry, each by name, and each
 * legacy-SSE kernel's clean entry), each with the same contents, through the harness core: every
 * buffer against a 64 KiB inaccessible region on the side the case names, the bytes around every
 * range random and compared after the call, callee-saved registers and the upper vector state
 * checked, and the result against the operation's C reference. A violation aborts, so libFuzzer
 * keeps the input.
 *
 * The harness is built with AddressSanitizer (its own C: references, windows, the decoder); the
 * kernels are the shipped library's, called System V (the Win64 twins stay checkasm's).
 *
 * ASMK_FUZZ_ROUTINE=NAME runs only the routine NAME, which may also be one of the self-test's
 * broken routines of this operation (scripts/fuzz.sh --selftest: the target must find the defect
 * that checkasm's sweep passes).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asmkernels.h"
#include "checkasm.h"
#include "checkasm_kernels.h"

#ifndef FUZZ_OP
#error "build with -DFUZZ_OP=<operation>, e.g. -DFUZZ_OP=popcount"
#endif
#define STR_(x) #x
#define STR(x) STR_(x)

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

#define SYSV_ROUTINE(name, op, needs) { #name, ABI_SYSV, &checkasm_op_##op, needs, (const void *)name, 0 },
#define SYSV_CLEAN(name, op, needs) { #name, ABI_SYSV, &checkasm_op_##op, (needs) | ASMK_F_OS_YMM, (const void *)name, 1 },
static const struct checkasm_routine table[] = { ASMK_KERNELS(SYSV_ROUTINE, SYSV_CLEAN) };

uint64_t broken_popcount_long(const uint64_t *, size_t);
uint64_t broken_overread(const uint64_t *, size_t);
static const struct checkasm_routine broken[] = {
    { "broken_popcount_long", ABI_SYSV, &checkasm_op_popcount, ASMK_F_POPCNT, (const void *)broken_popcount_long, 0 },
    { "broken_overread", ABI_SYSV, &checkasm_op_popcount, ASMK_F_POPCNT, (const void *)broken_overread, 0 },
};

static const struct checkasm_routine *runnable[2 * COUNT(table)];
static size_t nrunnable;

/* The harness handles faults itself (a fault inside a kernel is a finding, recorded, not a crash). */
const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "handle_segv=0:handle_sigbus=0:allow_user_segv_handler=1:detect_leaks=0"; }

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (checkasm_init(1)) {
        fprintf(stderr, "fuzz_" STR(FUZZ_OP) ": cannot map the guarded buffers\n");
        exit(1);
    }
    const char *only = getenv("ASMK_FUZZ_ROUTINE");
    for (size_t i = 0; i < COUNT(table) + COUNT(broken); i++) {
        const struct checkasm_routine *r = i < COUNT(table) ? &table[i] : &broken[i - COUNT(table)];
        if (strcmp(r->op->name, STR(FUZZ_OP)) != 0 || (only ? strcmp(r->name, only) != 0 : i >= COUNT(table)))
            continue;
        if (!checkasm_cpu_has(r->needs)) {
            printf("fuzz_%s: %s skipped: this CPU (or OS) lacks its instruction set\n", STR(FUZZ_OP), r->name);
            continue;
        }
        runnable[nrunnable++] = r;
        printf("fuzz_%s: %s\n", STR(FUZZ_OP), r->name);
    }
    if (nrunnable == 0) {
        fprintf(stderr, "fuzz_%s: no routine to run%s%s\n", STR(FUZZ_OP), only ? " named " : "", only ? only : "");
        exit(77);
    }
    return 0;
}

/* The input, read front to back; past its end every byte is 0. */
struct input {
    const uint8_t *p;
    size_t n;
};

static uint64_t take(struct input *in, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        if (in->n) {
            v |= (uint64_t)*in->p++ << (8 * i);
            in->n--;
        }
    return v;
}

/* A length in [0, max]: log-uniform (a bit width, then that many random bits), or with the top
 * bit of its first byte a power of two plus -8..+7, where the kernels' blocks and unrolls end. */
static size_t length(struct input *in, size_t max)
{
    unsigned shape = (unsigned)take(in, 1);
    uint64_t bits = take(in, 3);
    unsigned width = (shape & 31) % 18;
    size_t len;
    if (shape & 0x80)
        len = ((size_t)1 << width) + (size_t)(int)((bits & 15) - 8);
    else
        len = (size_t)(bits & (((uint64_t)1 << width) - 1));
    return len > max ? max : len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = { data, size };
    unsigned place = (unsigned)take(&in, 1);
    size_t offset = place & 63;
    int back = (place >> 6) & 1;
    int bias = (int)(take(&in, 1) % CHECKASM_BIASES);
    uint64_t seed = take(&in, 8) | 1; /* xorshift needs a nonzero state */
    size_t words = 1, count = 0;
    uint64_t threshold = 0;
    size_t len;
    if (strcmp(STR(FUZZ_OP), "hamscan") == 0 || strcmp(STR(FUZZ_OP), "hamslice") == 0) {
        static const size_t widths[] = { 1, 2, 3, 4, 8, 16 };
        unsigned w = (unsigned)take(&in, 1);
        words = w < 128 ? widths[w % COUNT(widths)] : 1 + w % 40;
        count = length(&in, (CHECKASM_MAX_BYTES - 128) / (8 * words) - 7); /* room for a sliced last group */
        unsigned t = (unsigned)take(&in, 2);
        uint64_t thresholds[] = { 0, 1, t % (64 * words + 1), 64 * words + 1, ~0ull };
        threshold = thresholds[(t >> 13) % COUNT(thresholds)];
        len = count * words;
    } else if (strcmp(STR(FUZZ_OP), "crc32c") == 0) {
        len = length(&in, 1 << 17); /* bytes; the bitwise reference takes ~2 ms at the most */
    } else {
        len = length(&in, 1 << 16); /* words */
    }
    checkasm_bias = bias;
    unsigned long long before = checkasm_violations;
    for (size_t i = 0; i < nrunnable; i++) {
        checkasm_reseed(seed); /* every kernel sees the same contents */
        const struct checkasm_routine *r = runnable[i];
        if (r->op == &checkasm_op_hamscan || r->op == &checkasm_op_hamslice)
            checkasm_hamscan_case(r, words, count, offset, back, threshold);
        else
            r->op->check(r, len, offset, back);
    }
    if (checkasm_violations != before) {
        fprintf(stderr, "fuzz_%s: %llu violations at length %zu (words %zu), offset %zu, %s guard, bias %d, seed 0x%016" PRIx64 "\n",
                STR(FUZZ_OP), checkasm_violations - before, len, words, offset, back ? "back" : "front", bias, seed);
        abort();
    }
    return 0;
}
