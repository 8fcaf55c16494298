/*
 * crc32c_isal.c - times the library's CRC-32C kernels against Intel ISA-L's crc32_iscsi in one
 * process, with no managed call in between on either side, and a read roofline over the same
 * bytes (an XOR of every block into four accumulators: 64-byte blocks on AVX-512 machines, 32-byte
 * ones on AVX2 machines). Built and run by
 * scripts/crc32c_ab.sh. Inputs start 64-byte aligned plus --offset N bytes (default 0); each call
 * continues the last one's CRC, or with --independent starts from the same register (so the core
 * may overlap calls, as a program checksumming many buffers does). Prints
 * GB/s per size, best of seven rounds, and the ratios to ISA-L; exits 1 when any kernel's result
 * differs from ISA-L's (both take and return the raw CRC register).
 */
#define _POSIX_C_SOURCE 199309L
#include <cpuid.h>
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "asmkernels.h"

unsigned int crc32_iscsi(unsigned char *buf, int len, unsigned int init_crc); /* ISA-L, libisal.so.2 */

typedef uint32_t (*crc_fn)(uint32_t, const void *, size_t);

static uint32_t isal(uint32_t crc, const void *p, size_t n) { return crc32_iscsi((unsigned char *)p, (int)n, crc); }

/* The read roofline: every byte loaded once, the least work a checksum can do; four independent
 * 64-byte loads per step (AVX-512), so neither a dependency nor the loop limits it. */
__attribute__((target("avx512f"))) static uint32_t read_all(uint32_t crc, const void *p, size_t n)
{
    const unsigned char *b = p;
    __m512i x0 = _mm512_set1_epi32((int)crc), x1 = x0, x2 = x0, x3 = x0;
    size_t i = 0;
    for (; i + 256 <= n; i += 256) {
        x0 = _mm512_xor_si512(x0, _mm512_loadu_si512(b + i));
        x1 = _mm512_xor_si512(x1, _mm512_loadu_si512(b + i + 64));
        x2 = _mm512_xor_si512(x2, _mm512_loadu_si512(b + i + 128));
        x3 = _mm512_xor_si512(x3, _mm512_loadu_si512(b + i + 192));
    }
    uint64_t x = (uint64_t)_mm512_reduce_add_epi64(_mm512_xor_si512(_mm512_xor_si512(x0, x1), _mm512_xor_si512(x2, x3)));
    for (; i < n; i++) x ^= b[i];
    return (uint32_t)(x ^ (x >> 32));
}

__attribute__((target("avx2"))) static uint32_t read_all_avx2(uint32_t crc, const void *p, size_t n)
{
    const unsigned char *b = p;
    __m256i x0 = _mm256_set1_epi32((int)crc), x1 = x0, x2 = x0, x3 = x0;
    size_t i = 0;
    for (; i + 128 <= n; i += 128) {
        x0 = _mm256_xor_si256(x0, _mm256_loadu_si256((const __m256i *)(b + i)));
        x1 = _mm256_xor_si256(x1, _mm256_loadu_si256((const __m256i *)(b + i + 32)));
        x2 = _mm256_xor_si256(x2, _mm256_loadu_si256((const __m256i *)(b + i + 64)));
        x3 = _mm256_xor_si256(x3, _mm256_loadu_si256((const __m256i *)(b + i + 96)));
    }
    __m256i v = _mm256_xor_si256(_mm256_xor_si256(x0, x1), _mm256_xor_si256(x2, x3));
    uint64_t x = (uint64_t)_mm256_extract_epi64(v, 0) ^ (uint64_t)_mm256_extract_epi64(v, 3);
    for (; i < n; i++) x ^= b[i];
    return (uint32_t)(x ^ (x >> 32));
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int has(const char *feature)
{
    __builtin_cpu_init();
    if (strcmp(feature, "pclmul") == 0) return __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.2");
    if (strcmp(feature, "avx512f") == 0) return __builtin_cpu_supports("avx512f");
    if (strcmp(feature, "avx2 only") == 0) return __builtin_cpu_supports("avx2") && !__builtin_cpu_supports("avx512f");
    if (strcmp(feature, "avx2") == 0)
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("vpclmulqdq") && __builtin_cpu_supports("pclmul");
    if (strcmp(feature, "avx512") == 0)
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("vpclmulqdq");
    return __builtin_cpu_supports("sse4.2");
}

int main(int argc, char **argv)
{
    static const size_t sizes[] = { 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 16384, 65536, 1u << 20, 16u << 20 };
    struct { const char *name; crc_fn fn; const char *needs; } runs[] = {
        { "isa-l", isal, "sse4.2" }, { "sse42", asmk_crc32c_sse42, "sse4.2" },
        { "pclmul", asmk_crc32c_pclmul, "pclmul" }, { "avx2", asmk_crc32c_avx2, "avx2" },
        { "avx512", asmk_crc32c_avx512, "avx512" }, { "avx512_fold", asmk_crc32c_avx512_fold, "avx512" },
        { "read", read_all, "avx512f" }, { "read ymm", read_all_avx2, "avx2 only" },
    };
    enum { RUNS = sizeof runs / sizeof runs[0] };
    size_t offset = 0;
    int independent = 0; /* --independent: each call starts from the same register, so calls overlap */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--offset") == 0 && i + 1 < argc) offset = (size_t)atoi(argv[++i]) % 64;
        else if (strcmp(argv[i], "--independent") == 0) independent = 1;
        else { fprintf(stderr, "usage: crc32c_isal [--offset N] [--independent]\n"); return 2; }
    }
    size_t max = (16u << 20) + 64;
    unsigned char *buf = aligned_alloc(64, max);
    if (!buf) return 2;
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (size_t i = 0; i < max; i++) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; buf[i] = (unsigned char)x; }
    const unsigned char *p = buf + offset;
    unsigned cpu[12] = { 0 };
    __get_cpuid(0x80000002, &cpu[0], &cpu[1], &cpu[2], &cpu[3]);
    __get_cpuid(0x80000003, &cpu[4], &cpu[5], &cpu[6], &cpu[7]);
    __get_cpuid(0x80000004, &cpu[8], &cpu[9], &cpu[10], &cpu[11]);
    printf("CPU: %.48s; data 64-byte aligned + %zu; %s calls; GB/s, best of 7 rounds; (x) = speed / ISA-L's\n",
           (const char *)cpu, offset, independent ? "independent" : "chained");
    printf("%10s", "bytes");
    for (int r = 0; r < RUNS; r++) printf(" %16s", runs[r].name);
    printf("\n");
    int bad = 0;
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s];
        long reps = (long)(1e9 / (double)n);
        if (reps < 4) reps = 4;
        double best[RUNS];
        for (int r = 0; r < RUNS; r++) best[r] = 1e30;
        volatile uint32_t sink = 0;
        for (int round = 0; round < 7; round++)
            for (int r = 0; r < RUNS; r++) {
                if (!has(runs[r].needs)) continue;
                uint32_t crc = 0xFFFFFFFF;
                double t = now();
                if (independent)
                    for (long i = 0; i < reps; i++) crc += runs[r].fn(0xFFFFFFFF, p, n);
                else
                    for (long i = 0; i < reps; i++) crc = runs[r].fn(crc, p, n); /* chained: each call waits for the last */
                t = now() - t;
                sink += crc;
                if (t < best[r]) best[r] = t;
            }
        uint32_t want = isal(0x12345678, p, n);
        printf("%10zu", n);
        for (int r = 0; r < RUNS; r++) {
            if (!has(runs[r].needs)) { printf(" %16s", "n/a"); continue; }
            if (runs[r].fn != read_all && runs[r].fn != read_all_avx2 && runs[r].fn(0x12345678, p, n) != want) {
                printf("\n%s disagrees with ISA-L at %zu bytes\n", runs[r].name, n);
                bad = 1;
            }
            printf("  %6.1f (%5.2fx)", (double)reps * n / best[r] / 1e9, best[0] / best[r]);
        }
        printf("\n");
    }
    return bad;
}
