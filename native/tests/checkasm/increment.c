/*
 * increment.c - checkasm's increment operation: data[i] += value, wrapping like paddq; the C
 * reference, the arguments of one case, the known answers.
 */
#define __USE_MINGW_ANSI_STDIO 1
#include <inttypes.h>
#include <string.h>

#include "checkasm.h"

static const size_t large[] = { 1000, 4096, 65537 };

static void check(const struct checkasm_routine *r, size_t len, size_t offset, int back)
{
    struct checkasm_context c = { .r = r, .len = len, .offset = offset, .placement = back ? "(back guard)" : "(front guard)" };
    unsigned char *a = checkasm_place(&checkasm_buf[0], 8 * len, offset, back), *wa;
    size_t bytes_a;
    checkasm_window(&checkasm_buf[0], a, 8 * len, &wa, &bytes_a);
    c.range[0] = a;
    c.range_bytes[0] = 8 * len;
    int64_t value = (int64_t)checkasm_random();
    memcpy(checkasm_expected, wa, bytes_a);
    for (size_t i = 0; i < len; i++) {
        uint64_t v = checkasm_load(a, i) + (uint64_t)value; /* wraps, like paddq */
        memcpy(checkasm_expected + (a - wa) + 8 * i, &v, 8);
    }
    int faulted;
    checkasm_call(&c, (uint64_t[4]){ (uintptr_t)a, len, (uint64_t)value, 0 }, 0, &faulted);
    if (!faulted)
        checkasm_check_unchanged(&c, wa, bytes_a);
}

static void known(const struct checkasm_routine *r)
{
    struct checkasm_context c = { .r = r, .len = 5, .placement = "(known answer)" };
    int64_t v[5] = { INT64_MAX, INT64_MIN, -1, 0, 41 }, want[5] = { INT64_MIN, INT64_MIN + 1, 0, 1, 42 };
    int faulted;
    checkasm_call(&c, (uint64_t[4]){ (uintptr_t)v, 5, 1, 0 }, 0, &faulted);
    for (int i = 0; i < 5 && !faulted; i++)
        if (v[i] != want[i]) checkasm_violation(&c, CHECKASM_RESULT, "edge values + 1: element %d is %" PRId64, i, v[i]);
    checkasm_count_case();
}

static void empty_args(uint64_t a[4]) { a[0] = (uintptr_t)checkasm_buf[0].hi; a[1] = 0; a[2] = 7; }
static uint64_t empty_want(const uint64_t a[4], int *has_result) { (void)a; *has_result = 0; return 0; }
static void fault_args(uint64_t a[4]) { a[0] = (uintptr_t)checkasm_buf[0].hi; a[1] = 256; a[2] = 1; }

const struct checkasm_op checkasm_op_increment = {
    .name = "increment", .every = 300, .large = large, .nlarge = 3,
    .check = check, .known = known, .empty_args = empty_args, .empty_want = empty_want, .fault_args = fault_args,
};
