/*
 * popcount.c - checkasm's popcount and Hamming distance operations: the C reference (bit by bit),
 * the arguments of one case, the known answers.
 */
#define __USE_MINGW_ANSI_STDIO 1
#include <inttypes.h>
#include <string.h>

#include "checkasm.h"

static const size_t large[] = { 1000, 4096, 65537 };

/* One case: a (and for Hamming b) of len words with random contents around them. */
static void check(const struct checkasm_routine *r, size_t len, size_t offset, int back, int hamming)
{
    struct checkasm_context c = { .r = r, .len = len, .offset = offset, .placement = back ? "(back guard)" : "(front guard)" };
    unsigned char *a = checkasm_place(&checkasm_buf[0], 8 * len, offset, back), *wa, *b = NULL, *wb;
    size_t bytes_a, bytes_b;
    checkasm_window(&checkasm_buf[0], a, 8 * len, &wa, &bytes_a);
    c.range[0] = a;
    c.range_bytes[0] = 8 * len;
    uint64_t want = 0;
    if (hamming) {
        b = checkasm_place(&checkasm_buf[1], 8 * len, (offset * 7 + 5) % 64, back);
        checkasm_window(&checkasm_buf[1], b, 8 * len, &wb, &bytes_b);
        c.range[1] = b;
        c.range_bytes[1] = 8 * len;
        for (size_t i = 0; i < len; i++) want += checkasm_bits(checkasm_load(a, i) ^ checkasm_load(b, i));
    } else {
        for (size_t i = 0; i < len; i++) want += checkasm_bits(checkasm_load(a, i));
    }
    memcpy(checkasm_expected, wa, bytes_a);
    uint64_t args[4] = { (uintptr_t)a, hamming ? (uintptr_t)b : len, hamming ? len : 0, 0 };
    int faulted;
    uint64_t got = checkasm_call(&c, args, 0, &faulted);
    if (faulted)
        return;
    if (got != want)
        checkasm_violation(&c, CHECKASM_RESULT, "got %" PRIu64 ", want %" PRIu64, got, want);
    checkasm_check_unchanged(&c, wa, bytes_a);
}

static void check_popcount(const struct checkasm_routine *r, size_t len, size_t offset, int back) { check(r, len, offset, back, 0); }
static void check_hamming(const struct checkasm_routine *r, size_t len, size_t offset, int back) { check(r, len, offset, back, 1); }

static uint64_t ones[9], alt[9], zero[9];

static void fill_known(void)
{
    for (int i = 0; i < 9; i++) { ones[i] = ~0ull; alt[i] = 0xAAAAAAAAAAAAAAAAull; zero[i] = 0; }
}

static void known_popcount(const struct checkasm_routine *r)
{
    struct checkasm_context c = { .r = r, .len = 9, .placement = "(known answer)" };
    int faulted;
    fill_known();
    uint64_t got = checkasm_call(&c, (uint64_t[4]){ (uintptr_t)ones, 9, 0, 0 }, 0, &faulted);
    if (!faulted && got != 576) checkasm_violation(&c, CHECKASM_RESULT, "nine all-ones words: got %" PRIu64 ", want 576", got);
    got = checkasm_call(&c, (uint64_t[4]){ (uintptr_t)alt, 9, 0, 0 }, 0, &faulted);
    if (!faulted && got != 288) checkasm_violation(&c, CHECKASM_RESULT, "alternating bits: got %" PRIu64 ", want 288", got);
    checkasm_count_case();
}

static void known_hamming(const struct checkasm_routine *r)
{
    struct checkasm_context c = { .r = r, .len = 9, .placement = "(known answer)" };
    int faulted;
    fill_known();
    uint64_t got = checkasm_call(&c, (uint64_t[4]){ (uintptr_t)ones, (uintptr_t)zero, 9, 0 }, 0, &faulted);
    if (!faulted && got != 576) checkasm_violation(&c, CHECKASM_RESULT, "ones vs zeros: got %" PRIu64 ", want 576", got);
    got = checkasm_call(&c, (uint64_t[4]){ (uintptr_t)alt, (uintptr_t)alt, 9, 0 }, 0, &faulted);
    if (!faulted && got != 0) checkasm_violation(&c, CHECKASM_RESULT, "equal arrays: got %" PRIu64 ", want 0", got);
    checkasm_count_case();
}

static void empty_popcount(uint64_t a[4]) { a[0] = (uintptr_t)checkasm_buf[0].hi; a[1] = 0; }
static void empty_hamming(uint64_t a[4]) { a[0] = (uintptr_t)checkasm_buf[0].hi; a[1] = (uintptr_t)checkasm_buf[1].hi; a[2] = 0; }
static uint64_t empty_zero(const uint64_t a[4], int *has_result) { (void)a; *has_result = 1; return 0; }
/* 256 words from the start of an inaccessible page: the main loop faults. */
static void fault_popcount(uint64_t a[4]) { a[0] = (uintptr_t)checkasm_buf[0].hi; a[1] = 256; }
static void fault_hamming(uint64_t a[4]) { a[0] = (uintptr_t)checkasm_buf[0].hi; a[1] = (uintptr_t)checkasm_buf[1].hi; a[2] = 256; }

const struct checkasm_op checkasm_op_popcount = {
    .name = "popcount", .every = 300, .large = large, .nlarge = 3,
    .check = check_popcount, .known = known_popcount, .empty_args = empty_popcount, .empty_want = empty_zero,
    .fault_args = fault_popcount,
};

const struct checkasm_op checkasm_op_hamming = {
    .name = "hamming", .every = 300, .large = large, .nlarge = 3,
    .check = check_hamming, .known = known_hamming, .empty_args = empty_hamming, .empty_want = empty_zero,
    .fault_args = fault_hamming,
};
