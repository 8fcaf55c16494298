/*
 * conformance.c - every exported routine against a C reference, for both
 * calling conventions: the library's own exports (the platform ABI) and the
 * same sources assembled for Win64 and called through ms_abi pointers.
 *
 * Lengths 0..300 and a few large ones, every start offset 0..63 bytes, known
 * answers, extreme values, and 64 bytes of canary on each side of every
 * written range. Exit 0 when everything matches, 1 on any mismatch, 77 (CTest
 * skip) when the CPU lacks POPCNT.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asmkernels.h"

#define MS_ABI __attribute__((ms_abi))
uint32_t MS_ABI w64_asmk_abi_version(void);
uint64_t MS_ABI w64_asmk_popcount_popcnt(const uint64_t *data, size_t count);
uint64_t MS_ABI w64_asmk_hamming_popcnt(const uint64_t *a, const uint64_t *b, size_t count);
void MS_ABI w64_asmk_increment_sse2(int64_t *data, size_t count, int64_t value);

typedef uint64_t (*popcount_fn)(const uint64_t *, size_t);
typedef uint64_t (*hamming_fn)(const uint64_t *, const uint64_t *, size_t);
typedef void (*increment_fn)(int64_t *, size_t, int64_t);

/* Plain-ABI adapters over the Win64 build, so one table drives both. */
static uint64_t w64_popcount_popcnt(const uint64_t *d, size_t n) { return w64_asmk_popcount_popcnt(d, n); }
static uint64_t w64_hamming_popcnt(const uint64_t *a, const uint64_t *b, size_t n) { return w64_asmk_hamming_popcnt(a, b, n); }
static void w64_increment_sse2(int64_t *d, size_t n, int64_t v) { w64_asmk_increment_sse2(d, n, v); }

struct routine {
    const char *name;
    const char *abi;
    popcount_fn popcount;
    hamming_fn hamming;
    increment_fn increment;
};

static const struct routine routines[] = {
    { "asmk_popcount_popcnt", "sysv",  asmk_popcount_popcnt, NULL, NULL },
    { "asmk_popcount_popcnt", "win64", w64_popcount_popcnt,  NULL, NULL },
    { "asmk_hamming_popcnt",  "sysv",  NULL, asmk_hamming_popcnt, NULL },
    { "asmk_hamming_popcnt",  "win64", NULL, w64_hamming_popcnt,  NULL },
    { "asmk_increment_sse2",  "sysv",  NULL, NULL, asmk_increment_sse2 },
    { "asmk_increment_sse2",  "win64", NULL, NULL, w64_increment_sse2 },
};

#define MAX_WORDS 65600
#define GUARD 64
static unsigned char buf_a[GUARD + 64 + MAX_WORDS * 8 + GUARD];
static unsigned char buf_b[GUARD + 64 + MAX_WORDS * 8 + GUARD];
static unsigned char buf_ref[GUARD + 64 + MAX_WORDS * 8 + GUARD];

static unsigned long long cases, failures;
static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t next_random(void)
{
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; /* xorshift64 */
    return rng;
}

static void fill_random(unsigned char *p, size_t bytes)
{
    for (size_t i = 0; i < bytes; i++) p[i] = (unsigned char)next_random();
}

static uint64_t load(const unsigned char *p, size_t i)
{
    uint64_t v;
    memcpy(&v, p + 8 * i, 8);
    return v;
}

static uint64_t ref_bits(uint64_t v)
{
    uint64_t n = 0;
    for (; v; v &= v - 1) n++;
    return n;
}

static void fail(const struct routine *r, size_t len, size_t offset, const char *what,
                 uint64_t got, uint64_t want)
{
    failures++;
    if (failures <= 20)
        fprintf(stderr, "FAIL %s (%s) len=%zu offset=%zu: %s: got %" PRIu64 ", want %" PRIu64 "\n",
                r->name, r->abi, len, offset, what, got, want);
}

static void check_popcount(const struct routine *r, size_t len, size_t offset, const unsigned char *src)
{
    uint64_t want = 0;
    for (size_t i = 0; i < len; i++) want += ref_bits(load(src, i));
    uint64_t got = r->popcount((const uint64_t *)src, len);
    cases++;
    if (got != want) fail(r, len, offset, "popcount", got, want);
}

static void check_hamming(const struct routine *r, size_t len, size_t offset,
                          const unsigned char *a, const unsigned char *b)
{
    uint64_t want = 0;
    for (size_t i = 0; i < len; i++) want += ref_bits(load(a, i) ^ load(b, i));
    uint64_t got = r->hamming((const uint64_t *)a, (const uint64_t *)b, len);
    cases++;
    if (got != want) fail(r, len, offset, "hamming", got, want);
}

static void check_increment(const struct routine *r, size_t len, size_t offset, int64_t value)
{
    size_t total = GUARD + 64 + len * 8 + GUARD;
    unsigned char *start = buf_a + GUARD + offset;
    fill_random(buf_a, total);
    memcpy(buf_ref, buf_a, total);
    for (size_t i = 0; i < len; i++) {
        uint64_t v = load(buf_ref + GUARD + offset, i) + (uint64_t)value; /* wraps */
        memcpy(buf_ref + GUARD + offset + 8 * i, &v, 8);
    }
    r->increment((int64_t *)start, len, value);
    cases++;
    if (memcmp(buf_a, buf_ref, total) != 0) {
        size_t at = 0;
        while (buf_a[at] == buf_ref[at]) at++;
        fail(r, len, offset, "first differing byte (relative to the start)",
             (uint64_t)(at - GUARD - offset), 0);
    }
}

static void known_answers(const struct routine *r)
{
    uint64_t ones[9], alt[9], zero[9];
    for (int i = 0; i < 9; i++) { ones[i] = ~0ull; alt[i] = 0xAAAAAAAAAAAAAAAAull; zero[i] = 0; }
    if (r->popcount) {
        cases += 4;
        if (r->popcount(NULL, 0) != 0) fail(r, 0, 0, "empty", r->popcount(NULL, 0), 0);
        if (r->popcount(ones, 1) != 64) fail(r, 1, 0, "all-ones word", r->popcount(ones, 1), 64);
        if (r->popcount(ones, 9) != 576) fail(r, 9, 0, "nine all-ones words", r->popcount(ones, 9), 576);
        if (r->popcount(alt, 9) != 288) fail(r, 9, 0, "alternating bits", r->popcount(alt, 9), 288);
    }
    if (r->hamming) {
        cases += 4;
        if (r->hamming(NULL, NULL, 0) != 0) fail(r, 0, 0, "empty", r->hamming(NULL, NULL, 0), 0);
        if (r->hamming(ones, zero, 9) != 576) fail(r, 9, 0, "ones vs zeros", r->hamming(ones, zero, 9), 576);
        if (r->hamming(alt, alt, 9) != 0) fail(r, 9, 0, "equal arrays", r->hamming(alt, alt, 9), 0);
        if (r->hamming(alt, ones, 9) != 288) fail(r, 9, 0, "alternating vs ones", r->hamming(alt, ones, 9), 288);
    }
    if (r->increment) {
        int64_t v[5] = { INT64_MAX, INT64_MIN, -1, 0, 41 };
        r->increment(v, 5, 1);
        int64_t want[5] = { INT64_MIN, INT64_MIN + 1, 0, 1, 42 };
        cases++;
        for (int i = 0; i < 5; i++)
            if (v[i] != want[i]) fail(r, 5, 0, "edge values + 1", (uint64_t)v[i], (uint64_t)want[i]);
        r->increment(NULL, 0, 7); /* must not touch memory */
        cases++;
    }
}

static void run(const struct routine *r)
{
    static const int64_t values[] = { 1, -1, 0, INT64_MAX, INT64_MIN, 0x0123456789ABCDEFll };
    static const size_t large[] = { 1000, 4096, 65537 };
    known_answers(r);
    for (size_t offset = 0; offset < 64; offset++) {
        for (size_t len = 0; len <= 300 + 3; len++) {
            size_t n = len <= 300 ? len : large[len - 301];
            if (len > 300 && offset % 8 != 3 && offset != 0) continue; /* large: offsets 0, 3, 11, ... */
            unsigned char *a = buf_a + GUARD + offset;
            unsigned char *b = buf_b + GUARD + (offset * 7 + 5) % 64;
            if (r->popcount) {
                fill_random(a, n * 8);
                check_popcount(r, n, offset, a);
            }
            if (r->hamming) {
                fill_random(a, n * 8);
                fill_random(b, n * 8);
                check_hamming(r, n, offset, a, b);
            }
            if (r->increment)
                check_increment(r, n, offset, values[(len + offset) % 6]);
        }
    }
}

int main(void)
{
    if (!__builtin_cpu_supports("popcnt")) {
        printf("SKIP: this CPU has no POPCNT\n");
        return 77;
    }
    if (asmk_abi_version() != ASMK_ABI_VERSION || w64_asmk_abi_version() != ASMK_ABI_VERSION) {
        fprintf(stderr, "FAIL asmk_abi_version: got %u, want %d\n", asmk_abi_version(), ASMK_ABI_VERSION);
        return 1;
    }
    for (size_t i = 0; i < sizeof routines / sizeof routines[0]; i++) {
        unsigned long long before = cases, failed = failures;
        run(&routines[i]);
        printf("%-22s %-5s %8llu cases, %llu failed\n", routines[i].name, routines[i].abi,
               cases - before, failures - failed);
    }
    printf("conformance: %llu cases checked, %llu failed\n", cases, failures);
    return failures ? 1 : 0;
}
