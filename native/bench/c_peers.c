/*
 * c_peers.c - the library's selected AVX-512 kernels against the best public C peer of each job,
 * in one process, with no managed call on either side: CRC-32C against Intel ISA-L's crc32_iscsi
 * and corsix/fast-crc32's AVX-512 samples, popcount against libpopcnt's popcnt(), Hamming distance
 * against NumKong's nk_hamming_u1_icelake. Built and run by scripts/c_peers_ab.sh, which compiles
 * the peers from their own repositories; none of their code is in this one.
 *
 * Each function runs on the same bytes (64-byte aligned), every size in rounds that interleave the
 * functions, so that drift on the machine hits all of them; a function's time is its median over
 * the rounds. Every result is checked against the reference of its job first (ISA-L for CRC-32C,
 * a popcnt loop for the others): a peer or kernel that disagrees is exit 1. Beside popcount and
 * Hamming runs their read roofline ("read"): the same bytes loaded and XORed, no counting. Prints one line per
 * (operation, size, function): "op bytes name ns_per_call", for the script to aggregate.
 */
#define _POSIX_C_SOURCE 199309L
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "asmkernels.h"

/* The peers, each from its own repository (compiled by the script). */
unsigned int crc32_iscsi(unsigned char *buf, int len, unsigned int init_crc); /* ISA-L */
uint32_t corsix_v3s1_s3(uint32_t crc, const char *buf, size_t len);     /* avx512_vpclmulqdq -a v3s1_s3 */
uint32_t corsix_v4s5x3(uint32_t crc, const char *buf, size_t len);      /* avx512_vpclmulqdq -a v4s5x3 */
uint32_t corsix_v9s3x4e(uint32_t crc, const char *buf, size_t len);     /* avx512 -a v9s3x4e */
uint64_t peer_libpopcnt(const void *data, uint64_t bytes);             /* libpopcnt's popcnt() */
uint64_t peer_numkong_hamming(const void *a, const void *b, uint64_t bytes); /* nk_hamming_u1_icelake */

/* Every function as uint64_t (a, b, bytes, state): CRC-32C continues a raw register in state. */
typedef uint64_t (*fn)(const unsigned char *a, const unsigned char *b, size_t n, uint64_t state);

static uint64_t ours_crc(const unsigned char *a, const unsigned char *b, size_t n, uint64_t s) { (void)b; return asmk_crc32c_avx512((uint32_t)s, a, n); }
static uint64_t isal_crc(const unsigned char *a, const unsigned char *b, size_t n, uint64_t s) { (void)b; return crc32_iscsi((unsigned char *)a, (int)n, (uint32_t)s); }
/* corsix takes and returns the finished CRC (inverted register): invert around it. */
static uint64_t corsix1(const unsigned char *a, const unsigned char *b, size_t n, uint64_t s) { (void)b; return ~corsix_v3s1_s3(~(uint32_t)s, (const char *)a, n) & 0xFFFFFFFFu; }
static uint64_t corsix2(const unsigned char *a, const unsigned char *b, size_t n, uint64_t s) { (void)b; return ~corsix_v4s5x3(~(uint32_t)s, (const char *)a, n) & 0xFFFFFFFFu; }
static uint64_t corsix3(const unsigned char *a, const unsigned char *b, size_t n, uint64_t s) { (void)b; return ~corsix_v9s3x4e(~(uint32_t)s, (const char *)a, n) & 0xFFFFFFFFu; }
static uint64_t ours_pop(const unsigned char *a, const unsigned char *b, size_t n, uint64_t s) { (void)b; return s + asmk_popcount_avx512((const uint64_t *)a, n / 8); }
static uint64_t libpopcnt(const unsigned char *a, const unsigned char *b, size_t n, uint64_t s) { (void)b; return s + peer_libpopcnt(a, n); }
static uint64_t ours_ham(const unsigned char *a, const unsigned char *b, size_t n, uint64_t s) { return s + asmk_hamming_avx512((const uint64_t *)a, (const uint64_t *)b, n / 8); }
static uint64_t numkong(const unsigned char *a, const unsigned char *b, size_t n, uint64_t s) { return s + peer_numkong_hamming(a, b, n); }

/* The read rooflines: every byte of the input(s) loaded once and XORed into four accumulators,
 * the least work a count over them can do (AVX-512, four independent loads per step). */
__attribute__((target("avx512f"))) static uint64_t read_bytes(const unsigned char *a, const unsigned char *b, size_t n, uint64_t s)
{
    __m512i x0 = _mm512_set1_epi64((long long)s), x1 = x0, x2 = x0, x3 = x0;
    for (size_t i = 0; i + 256 <= n; i += 256) {
        x0 = _mm512_xor_si512(x0, _mm512_load_si512(a + i));
        x1 = _mm512_xor_si512(x1, _mm512_load_si512(a + i + 64));
        x2 = _mm512_xor_si512(x2, _mm512_load_si512(a + i + 128));
        x3 = _mm512_xor_si512(x3, _mm512_load_si512(a + i + 192));
        if (b) {
            x0 = _mm512_xor_si512(x0, _mm512_load_si512(b + i));
            x1 = _mm512_xor_si512(x1, _mm512_load_si512(b + i + 64));
            x2 = _mm512_xor_si512(x2, _mm512_load_si512(b + i + 128));
            x3 = _mm512_xor_si512(x3, _mm512_load_si512(b + i + 192));
        }
    }
    return (uint64_t)_mm512_reduce_add_epi64(_mm512_xor_si512(_mm512_xor_si512(x0, x1), _mm512_xor_si512(x2, x3)));
}
static uint64_t read_one(const unsigned char *a, const unsigned char *b, size_t n, uint64_t s) { (void)b; return read_bytes(a, NULL, n, s); }
static uint64_t read_two(const unsigned char *a, const unsigned char *b, size_t n, uint64_t s) { return read_bytes(a, b, n, s); }

static uint64_t ref_pop(const unsigned char *a, const unsigned char *b, size_t n, uint64_t s)
{
    for (size_t i = 0; i < n; i += 8) {
        uint64_t x, y = 0;
        memcpy(&x, a + i, 8);
        if (b) memcpy(&y, b + i, 8);
        s += (uint64_t)__builtin_popcountll(x ^ y);
    }
    return s;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int compare(const void *x, const void *y) { double a = *(const double *)x, b = *(const double *)y; return a < b ? -1 : a > b; }

int main(void)
{
    static const size_t sizes[] = { 256, 4096, 65536, 1u << 20 };
    struct { const char *op, *name; fn f; int two; } runs[] = {
        { "crc32c", "asmk_crc32c_avx512", ours_crc, 0 }, { "crc32c", "isa-l", isal_crc, 0 },
        { "crc32c", "corsix_v3s1_s3", corsix1, 0 }, { "crc32c", "corsix_v4s5x3", corsix2, 0 }, { "crc32c", "corsix_v9s3x4e", corsix3, 0 },
        { "popcount", "asmk_popcount_avx512", ours_pop, 0 }, { "popcount", "libpopcnt", libpopcnt, 0 },
        { "popcount", "read", read_one, 0 },
        { "hamming", "asmk_hamming_avx512", ours_ham, 1 }, { "hamming", "numkong", numkong, 1 },
        { "hamming", "read", read_two, 1 },
    };
    enum { RUNS = sizeof runs / sizeof runs[0], ROUNDS = 21 };
    size_t max = 1u << 20;
    unsigned char *a = aligned_alloc(64, max), *b = aligned_alloc(64, max);
    if (!a || !b) return 2;
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (size_t i = 0; i < max; i++) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; a[i] = (unsigned char)x; b[i] = (unsigned char)(x >> 8); }
    int bad = 0;
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s];
        for (int r = 0; r < RUNS; r++) {
            if (runs[r].f == read_one || runs[r].f == read_two) continue; /* a roofline, not a count */
            uint64_t want = strcmp(runs[r].op, "crc32c") == 0 ? isal_crc(a, NULL, n, 0x12345678) : ref_pop(a, runs[r].two ? b : NULL, n, 7);
            uint64_t got = runs[r].f(a, b, n, strcmp(runs[r].op, "crc32c") == 0 ? 0x12345678 : 7);
            if (got != want) {
                fprintf(stderr, "%s %s disagrees with the reference at %zu bytes: %llx, want %llx\n", runs[r].op, runs[r].name, n,
                        (unsigned long long)got, (unsigned long long)want);
                bad = 1;
            }
        }
        long reps = (long)(2e8 / (double)n);
        if (reps < 16) reps = 16;
        double times[RUNS][ROUNDS];
        volatile uint64_t sink = 0;
        for (int round = 0; round < ROUNDS; round++)
            for (int r = 0; r < RUNS; r++) {
                uint64_t state = 0xFFFFFFFF;
                double t = now();
                for (long i = 0; i < reps; i++) state = runs[r].f(a, b, n, state); /* chained: each call waits for the last */
                times[r][round] = (now() - t) / (double)reps * 1e9;
                sink += state;
            }
        for (int r = 0; r < RUNS; r++) {
            if (n == 256 && strcmp(runs[r].op, "crc32c") != 0) continue; /* popcount and Hamming from 4 KiB */
            qsort(times[r], ROUNDS, sizeof(double), compare);
            printf("%s %zu %s %.3f\n", runs[r].op, n, runs[r].name, times[r][ROUNDS / 2]);
        }
    }
    return bad;
}
