/*
 * slice.c - checkasm's slice operation: count codes of W words written in the sliced layout
 * hamslice reads (group g of 8 W words holds word j of codes 8g..8g+7 at words 8j..8j+7, the lanes
 * past count zero); the C reference, one case with the codes and the output each against a guard
 * page, the known answer, and its own sweep over widths, counts and offsets.
 */
#define __USE_MINGW_ANSI_STDIO 1
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "checkasm.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* One slicing of count codes of w words: every output word against the reference, nothing written
 * outside the ceil(count / 8) groups, the codes unchanged. */
static void slice_case(const struct checkasm_routine *r, size_t w, size_t count, size_t offset, int back)
{
    struct checkasm_context c = { .r = r, .len = w * count, .offset = offset, .placement = back ? "(back guard)" : "(front guard)" };
    size_t code_bytes = 8 * w * count, out_bytes = 8 * w * ((count + 7) / 8 * 8);
    unsigned char *codes = checkasm_place(&checkasm_buf[0], code_bytes, offset, back), *wa;
    unsigned char *out = checkasm_place(&checkasm_buf[1], out_bytes, (offset * 5 + 3) % 64, !back), *wb;
    size_t bytes_a, bytes_b;
    checkasm_window(&checkasm_buf[0], codes, code_bytes, &wa, &bytes_a);
    checkasm_window(&checkasm_buf[1], out, out_bytes, &wb, &bytes_b);
    c.range[0] = out;
    c.range_bytes[0] = out_bytes;
    c.range[1] = codes;
    c.range_bytes[1] = code_bytes;
    unsigned char *want = checkasm_expected; /* the output window as it must be afterwards */
    memcpy(want, wb, bytes_b);
    for (size_t i = 0; i < (count + 7) / 8 * 8; i++)
        for (size_t j = 0; j < w; j++) {
            uint64_t v = i < count ? checkasm_load(codes, i * w + j) : 0;
            memcpy(want + (out - wb) + 8 * ((i / 8) * 8 * w + 8 * j + i % 8), &v, 8);
        }
    unsigned char *codes_before = malloc(bytes_a);
    if (!codes_before) return;
    memcpy(codes_before, wa, bytes_a);
    int faulted;
    checkasm_call(&c, (uint64_t[4]){ (uintptr_t)out, (uintptr_t)codes, count, w }, 0, &faulted);
    if (faulted) {
        free(codes_before);
        return;
    }
    if (memcmp(wb, want, bytes_b) != 0) {
        size_t at = 0;
        while (wb[at] == want[at]) at++;
        if (wb + at < out || wb + at >= out + out_bytes)
            checkasm_violation(&c, CHECKASM_WRITE, "W=%zu: a write %zd bytes from the output's start, outside its %zu bytes", w, (ptrdiff_t)(wb + at - out), out_bytes);
        else
            checkasm_violation(&c, CHECKASM_RESULT, "W=%zu count %zu: output word %zu differs", w, count, (size_t)(wb + at - out) / 8);
    }
    if (memcmp(wa, codes_before, bytes_a) != 0)
        checkasm_violation(&c, CHECKASM_WRITE, "W=%zu: the codes changed", w);
    free(codes_before);
}

/* The fuzz target's and the sweep's case at len words: W = 1 + offset % 20, len / W codes. */
static void check(const struct checkasm_routine *r, size_t len, size_t offset, int back)
{
    size_t w = 1 + offset % 20;
    slice_case(r, w, len / w, offset, back);
}

/* Widths 1..33 around the 8-word chunks, counts 0..40 and five larger ones, six offsets. */
static void sweep(const struct checkasm_routine *r)
{
    static const size_t words[] = { 1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 24, 31, 32, 33 };
    static const size_t offsets[] = { 0, 1, 8, 13, 24, 63 };
    static const size_t large[] = { 63, 64, 65, 100, 257 };
    for (size_t wi = 0; wi < COUNT(words); wi++)
        for (size_t oi = 0; oi < COUNT(offsets); oi++)
            for (size_t ci = 0; ci <= 40 + COUNT(large); ci++) {
                size_t count = ci <= 40 ? ci : large[ci - 41];
                slice_case(r, words[wi], count, offsets[oi], (int)(ci & 1));
                checkasm_count_case();
            }
}

/* Nine 2-word codes (word j of code i = 10 i + j): two groups, the second with one code. */
static void known(const struct checkasm_routine *r)
{
    struct checkasm_context c = { .r = r, .len = 18, .placement = "(known answer)" };
    uint64_t codes[18], out[32];
    for (int i = 0; i < 9; i++) { codes[2 * i] = 10 * i; codes[2 * i + 1] = 10 * i + 1; }
    memset(out, 0xA5, sizeof out);
    int faulted;
    checkasm_call(&c, (uint64_t[4]){ (uintptr_t)out, (uintptr_t)codes, 9, 2 }, 0, &faulted);
    for (int g = 0; g < 2 && !faulted; g++)
        for (int j = 0; j < 2; j++)
            for (int l = 0; l < 8; l++) {
                int i = 8 * g + l;
                uint64_t want = i < 9 ? (uint64_t)(10 * i + j) : 0, got = out[16 * g + 8 * j + l];
                if (got != want) {
                    checkasm_violation(&c, CHECKASM_RESULT, "group %d word %d lane %d: %" PRIu64 ", want %" PRIu64, g, j, l, got, want);
                    return;
                }
            }
    checkasm_count_case();
}

static void empty_args(uint64_t a[4]) { a[0] = (uintptr_t)checkasm_buf[1].hi; a[1] = (uintptr_t)checkasm_buf[0].hi; a[2] = 0; a[3] = 4; }
static uint64_t empty_want(const uint64_t a[4], int *has_result) { (void)a; *has_result = 0; return 0; }
static void fault_args(uint64_t a[4]) { a[0] = (uintptr_t)checkasm_buf[1].lo; a[1] = (uintptr_t)checkasm_buf[0].hi; a[2] = 256; a[3] = 4; }

const struct checkasm_op checkasm_op_slice = {
    .name = "slice",
    .check = check, .known = known, .empty_args = empty_args, .empty_want = empty_want, .fault_args = fault_args, .sweep = sweep,
};
