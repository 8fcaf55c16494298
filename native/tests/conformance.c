/*
 * conformance.c - every exported routine against a C reference, for both
 * calling conventions: the library's own exports (the platform ABI) and the
 * same sources assembled for Win64 and called through ms_abi pointers.
 *
 * Lengths 0..300 and a few large ones, every start offset 0..63 bytes, known
 * answers, extreme values, and 64 bytes of canary on each side of every
 * written range. Routines whose instruction set the CPU lacks are skipped by
 * name. Exit 0 when everything run matches, 1 on any mismatch, 77 (CTest
 * skip) when the CPU can run none of them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asmkernels.h"

#define MS_ABI __attribute__((ms_abi))
uint32_t MS_ABI w64_asmk_abi_version(void);
#define DECLARE_W64(isa)                                                                        \
    uint64_t MS_ABI w64_asmk_popcount_##isa(const uint64_t *data, size_t count);                \
    uint64_t MS_ABI w64_asmk_hamming_##isa(const uint64_t *a, const uint64_t *b, size_t count); \
    static uint64_t w64_popcount_##isa(const uint64_t *d, size_t n) { return w64_asmk_popcount_##isa(d, n); } \
    static uint64_t w64_hamming_##isa(const uint64_t *a, const uint64_t *b, size_t n) { return w64_asmk_hamming_##isa(a, b, n); }
#define DECLARE_W64_INCREMENT(isa)                                                  \
    void MS_ABI w64_asmk_increment_##isa(int64_t *data, size_t count, int64_t value); \
    static void w64_increment_##isa(int64_t *d, size_t n, int64_t v) { w64_asmk_increment_##isa(d, n, v); }

/* Plain-ABI adapters over the Win64 build, so one table drives both. */
DECLARE_W64(popcnt)
DECLARE_W64(avx2)
DECLARE_W64(avx512)
DECLARE_W64_INCREMENT(sse2)
DECLARE_W64_INCREMENT(avx2)
DECLARE_W64_INCREMENT(avx512)

typedef uint64_t (*popcount_fn)(const uint64_t *, size_t);
typedef uint64_t (*hamming_fn)(const uint64_t *, const uint64_t *, size_t);
typedef void (*increment_fn)(int64_t *, size_t, int64_t);

enum isa { ISA_POPCNT, ISA_AVX2, ISA_AVX512, ISA_AVX512_VPOPCNTDQ };

struct routine {
    const char *name;
    const char *abi;
    enum isa needs;
    popcount_fn popcount;
    hamming_fn hamming;
    increment_fn increment;
};

#define BOTH_ABIS(op, isa, needs, slot)                                       \
    { "asmk_" #op "_" #isa, "sysv",  needs, slot(asmk_##op##_##isa) },        \
    { "asmk_" #op "_" #isa, "win64", needs, slot(w64_##op##_##isa) }
#define AS_POPCOUNT(f) f, NULL, NULL
#define AS_HAMMING(f) NULL, f, NULL
#define AS_INCREMENT(f) NULL, NULL, f

static const struct routine routines[] = {
    BOTH_ABIS(popcount, popcnt, ISA_POPCNT, AS_POPCOUNT),
    BOTH_ABIS(popcount, avx2, ISA_AVX2, AS_POPCOUNT),
    BOTH_ABIS(popcount, avx512, ISA_AVX512_VPOPCNTDQ, AS_POPCOUNT),
    BOTH_ABIS(hamming, popcnt, ISA_POPCNT, AS_HAMMING),
    BOTH_ABIS(hamming, avx2, ISA_AVX2, AS_HAMMING),
    BOTH_ABIS(hamming, avx512, ISA_AVX512_VPOPCNTDQ, AS_HAMMING),
    BOTH_ABIS(increment, sse2, ISA_POPCNT, AS_INCREMENT),
    BOTH_ABIS(increment, avx2, ISA_AVX2, AS_INCREMENT),
    BOTH_ABIS(increment, avx512, ISA_AVX512, AS_INCREMENT),
};

/* gcc's checks include the OS's XSAVE state for AVX and AVX-512. */
static int cpu_has(enum isa needs)
{
    switch (needs) {
    case ISA_POPCNT: return __builtin_cpu_supports("popcnt");
    case ISA_AVX2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
    case ISA_AVX512: return __builtin_cpu_supports("avx512f");
    case ISA_AVX512_VPOPCNTDQ: return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vpopcntdq");
    }
    return 0;
}

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
    if (asmk_abi_version() != ASMK_ABI_VERSION || w64_asmk_abi_version() != ASMK_ABI_VERSION) {
        fprintf(stderr, "FAIL asmk_abi_version: got %u, want %d\n", asmk_abi_version(), ASMK_ABI_VERSION);
        return 1;
    }
    unsigned skipped = 0, ran = 0;
    for (size_t i = 0; i < sizeof routines / sizeof routines[0]; i++) {
        const struct routine *r = &routines[i];
        if (!cpu_has(r->needs)) {
            printf("%-22s %-5s skipped: this CPU (or OS) lacks its instruction set\n", r->name, r->abi);
            skipped++;
            continue;
        }
        unsigned long long before = cases, failed = failures;
        run(r);
        ran++;
        printf("%-22s %-5s %8llu cases, %llu failed\n", r->name, r->abi, cases - before, failures - failed);
    }
    printf("conformance: %llu cases checked over %u routine x ABI pairs (%u skipped), %llu failed\n",
           cases, ran, skipped, failures);
    if (failures)
        return 1;
    return ran ? 0 : 77; /* nothing this CPU can run: a skip, not a pass */
}
