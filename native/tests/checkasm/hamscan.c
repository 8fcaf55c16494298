/*
 * hamscan.c - checkasm's Hamming scan operations, hamscan and hamslice (the same over sliced
 * codes): the keys (distance << 32) | index of the codes below a threshold (asmk_scan,
 * asmkernels.h); the C reference, the arguments of one case (codes, query and hits each against a
 * guard page), the known answers, and their sweep over code widths, counts, offsets and thresholds.
 */
#define __USE_MINGW_ANSI_STDIO 1
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "asmkernels.h"
#include "checkasm.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The word at which code i's word j of a block of w-word codes is stored: in code order
 * (hamscan), or sliced (hamslice: groups of eight codes, word by word). */
static size_t word_at(int sliced, size_t w, size_t i, size_t j)
{
    return sliced ? (i / 8) * 8 * w + 8 * j + i % 8 : i * w + j;
}

/* One scan: count codes of w words against guard pages (codes, query and hits), every hit's key
 * against a C reference, nothing written past the hits the kernel reports. A hamslice kernel gets
 * the same codes sliced, with random words in the lanes of the last group past count. */
void checkasm_hamscan_case(const struct checkasm_routine *r, size_t w, size_t count, size_t offset, int back, uint64_t threshold)
{
    int sliced = r->op == &checkasm_op_hamslice;
    struct checkasm_context c = { .r = r, .len = w * count, .offset = offset, .placement = back ? "(back guard)" : "(front guard)" };
    size_t code_bytes = 8 * w * (sliced ? (count + 7) / 8 * 8 : count);
    unsigned char *codes = checkasm_place(&checkasm_buf[0], code_bytes, offset, back), *wa, *wb, *wc;
    unsigned char *query = checkasm_place(&checkasm_buf[1], 8 * w, (offset * 7 + 5) % 64, back);
    unsigned char *hits = checkasm_place(&checkasm_buf[2], 8 * count, 0, 1); /* ends at the guard: no room for more */
    size_t bytes_a, bytes_b, bytes_c;
    checkasm_window(&checkasm_buf[0], codes, code_bytes, &wa, &bytes_a);
    checkasm_window(&checkasm_buf[1], query, 8 * w, &wb, &bytes_b);
    checkasm_window(&checkasm_buf[2], hits, 8 * count, &wc, &bytes_c);
    for (size_t i = 0; i < count; i += 3) /* some codes near the query, so that thresholds matter */
        for (size_t j = 0; j < w; j++) {
            uint64_t v = checkasm_load(query, j) ^ (checkasm_random() & checkasm_random() & checkasm_random());
            memcpy(codes + 8 * word_at(sliced, w, i, j), &v, 8);
        }
    c.range[1] = codes;
    c.range_bytes[1] = code_bytes;
    uint64_t first = checkasm_random() & 0x7FFFFFFF;
    unsigned char *want = checkasm_expected; /* the hits window as it must be afterwards */
    memcpy(want, wc, bytes_c);
    size_t nwant = 0;
    for (size_t i = 0; i < count; i++) {
        uint64_t d = 0;
        for (size_t j = 0; j < w; j++) d += checkasm_bits(checkasm_load(codes, word_at(sliced, w, i, j)) ^ checkasm_load(query, j));
        if (d < threshold) {
            uint64_t key = d << 32 | (first + i);
            memcpy(want + (hits - wc) + 8 * nwant++, &key, 8);
        }
    }
    unsigned char *codes_before = malloc(bytes_a);
    if (!codes_before) return;
    memcpy(codes_before, wa, bytes_a);
    /* either way of reading the codes: prefetching ahead (into the guard page, too) must not
     * change anything */
    asmk_scan job = { (const uint64_t *)query, w, threshold, first, (uint64_t *)hits, checkasm_random() & ASMK_SCAN_STREAM };
    int faulted;
    uint64_t got = checkasm_call(&c, (uint64_t[4]){ (uintptr_t)&job, (uintptr_t)codes, count, 0 }, 0, &faulted);
    if (!faulted) {
        if (got != nwant)
            checkasm_violation(&c, CHECKASM_RESULT, "W=%zu threshold %" PRIu64 ": %" PRIu64 " hits, want %zu", w, threshold, got, nwant);
        else if (memcmp(wc, want, bytes_c) != 0) {
            size_t at = 0;
            while (wc[at] == want[at]) at++;
            if (wc + at >= hits + 8 * nwant || wc + at < hits)
                checkasm_violation(&c, CHECKASM_WRITE, "W=%zu: hits buffer changed %zd bytes from its start, past the %zu hits", w, (ptrdiff_t)(wc + at - hits), nwant);
            else
                checkasm_violation(&c, CHECKASM_RESULT, "W=%zu threshold %" PRIu64 ": hit %zu differs", w, threshold, (size_t)(wc + at - hits) / 8);
        }
        if (memcmp(wa, codes_before, bytes_a) != 0)
            checkasm_violation(&c, CHECKASM_WRITE, "W=%zu: the codes changed", w);
    }
    free(codes_before);
}

/* Code widths 1..33 words around every body's block size, counts 0..40 and five larger ones, six
 * offsets, thresholds from 0 to everything. */
static void sweep(const struct checkasm_routine *r)
{
    static const size_t words[] = { 1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 24, 31, 32, 33 };
    static const size_t offsets[] = { 0, 1, 8, 13, 24, 63 };
    static const size_t large[] = { 63, 64, 65, 100, 257 };
    for (size_t wi = 0; wi < COUNT(words); wi++) {
        size_t w = words[wi];
        for (size_t oi = 0; oi < COUNT(offsets); oi++)
            for (size_t ci = 0; ci <= 40 + COUNT(large); ci++) {
                size_t count = ci <= 40 ? ci : large[ci - 41];
                uint64_t thresholds[] = { 0, 1, checkasm_random() % (64 * w + 1), 64 * w + 1, 1ull << 32, ~0ull };
                uint64_t threshold = thresholds[(ci + oi) % COUNT(thresholds)];
                checkasm_hamscan_case(r, w, count, offsets[oi], 0, threshold);
                checkasm_hamscan_case(r, w, count, offsets[oi], 1, thresholds[2]);
                checkasm_count_case();
            }
    }
}

/* Three 4-word codes against an alternating query: equal, all ones, all zeros. */
static void known(const struct checkasm_routine *r)
{
    struct checkasm_context c = { .r = r, .len = 12, .placement = "(known answer)" };
    const uint64_t alt = 0xAAAAAAAAAAAAAAAAull;
    int sliced = r->op == &checkasm_op_hamslice;
    uint64_t codes[32] = { 0 }, query[4] = { alt, alt, alt, alt }, hits[3] = { 0, 0, 0 };
    for (size_t j = 0; j < 4; j++) {
        codes[word_at(sliced, 4, 0, j)] = alt;
        codes[word_at(sliced, 4, 1, j)] = ~0ull;
        codes[word_at(sliced, 4, 2, j)] = 0;
    }
    asmk_scan job = { query, 4, 129, 7, hits, 0 };
    int faulted;
    uint64_t got = checkasm_call(&c, (uint64_t[4]){ (uintptr_t)&job, (uintptr_t)codes, 3, 0 }, 0, &faulted);
    if (!faulted && (got != 3 || hits[0] != 7 || hits[1] != (128ull << 32 | 8) || hits[2] != (128ull << 32 | 9)))
        checkasm_violation(&c, CHECKASM_RESULT, "three codes at 0, 128, 128: got %" PRIu64 " hits 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64,
                           got, hits[0], hits[1], hits[2]);
    job.threshold = 128;
    got = checkasm_call(&c, (uint64_t[4]){ (uintptr_t)&job, (uintptr_t)codes, 3, 0 }, 0, &faulted);
    if (!faulted && (got != 1 || hits[0] != 7))
        checkasm_violation(&c, CHECKASM_RESULT, "threshold 128: got %" PRIu64 " hits, want only code 7 at 0", got);
    checkasm_count_case();
}

static asmk_scan empty_job, fault_job;

static void empty_args(uint64_t a[4])
{
    empty_job = (asmk_scan){ (const uint64_t *)checkasm_buf[1].hi, 4, ~0ull, 0, (uint64_t *)checkasm_buf[2].hi, ASMK_SCAN_STREAM };
    a[0] = (uintptr_t)&empty_job;
    a[1] = (uintptr_t)checkasm_buf[0].hi;
    a[2] = 0;
}
static uint64_t empty_want(const uint64_t a[4], int *has_result) { (void)a; *has_result = 1; return 0; }
static void fault_args(uint64_t a[4])
{
    fault_job = (asmk_scan){ (const uint64_t *)checkasm_buf[1].lo, 4, ~0ull, 0, (uint64_t *)checkasm_buf[2].lo, 0 };
    a[0] = (uintptr_t)&fault_job;
    a[1] = (uintptr_t)checkasm_buf[0].hi;
    a[2] = 256;
}

const struct checkasm_op checkasm_op_hamscan = {
    .name = "hamscan",
    .known = known, .empty_args = empty_args, .empty_want = empty_want, .fault_args = fault_args, .sweep = sweep,
};

/* The same contract over sliced codes: the same case, the codes laid out as hamslice reads them. */
const struct checkasm_op checkasm_op_hamslice = {
    .name = "hamslice",
    .known = known, .empty_args = empty_args, .empty_want = empty_want, .fault_args = fault_args, .sweep = sweep,
};
