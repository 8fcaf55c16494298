/*
 * c_peers.c - the library's kernels for this CPU's class against the best public C peer of each
 * job, in one process, with no managed call on either side: CRC-32C against Intel ISA-L's
 * crc32_iscsi and corsix/fast-crc32's samples (its SSE fusions everywhere, its AVX-512 ones where
 * they run), popcount against libpopcnt's popcnt(), Hamming distance against NumKong's kernel of
 * the class (nk_hamming_u1_icelake or _haswell). Built and run by scripts/c_peers_ab.sh, which
 * compiles the peers from their own repositories; none of their code is in this one.
 *
 * The class: AVX-512 where the CPU has AVX-512 VPOPCNTDQ and VPCLMULQDQ (with the OS saving zmm
 * state), else AVX2. The kernels measured are the ones the library selects on that class (the
 * last runnable row of each operation in native/kernels.txt); their names start with asmk_.
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
uint32_t corsix_v8s3x3(uint32_t crc, const char *buf, size_t len);      /* sse -a v8s3x3 (generated) */
uint32_t corsix_v7s3x3(uint32_t crc, const char *buf, size_t len);      /* sse -a v7s3x3 (generated) */
/* libpopcnt's popcnt() and NumKong's Hamming kernel, compiled for each class (c_peers_shims.c). */
uint64_t peer_libpopcnt_icelake(const void *data, uint64_t bytes);
uint64_t peer_numkong_hamming_icelake(const void *a, const void *b, uint64_t bytes);
uint64_t peer_libpopcnt_haswell(const void *data, uint64_t bytes);
uint64_t peer_numkong_hamming_haswell(const void *a, const void *b, uint64_t bytes);

/* Every function as uint64_t (a, b, bytes, state): CRC-32C continues a raw register in state. */
typedef uint64_t (*fn)(const unsigned char *a, const unsigned char *b, size_t n, uint64_t state);

#define KERNEL_CRC(name) static uint64_t name##_(const unsigned char *a, const unsigned char *b, size_t n, uint64_t s) { (void)b; return name((uint32_t)s, a, n); }
#define KERNEL_POP(name) static uint64_t name##_(const unsigned char *a, const unsigned char *b, size_t n, uint64_t s) { (void)b; return s + name((const uint64_t *)a, n / 8); }
#define KERNEL_HAM(name) static uint64_t name##_(const unsigned char *a, const unsigned char *b, size_t n, uint64_t s) { return s + name((const uint64_t *)a, (const uint64_t *)b, n / 8); }
KERNEL_CRC(asmk_crc32c_avx512)
KERNEL_CRC(asmk_crc32c_avx512_fold)
KERNEL_CRC(asmk_crc32c_avx2)
KERNEL_CRC(asmk_crc32c_pclmul)
KERNEL_POP(asmk_popcount_avx512)
KERNEL_POP(asmk_popcount_avx2)
KERNEL_HAM(asmk_hamming_avx512)
KERNEL_HAM(asmk_hamming_avx2)
static uint64_t isal_crc(const unsigned char *a, const unsigned char *b, size_t n, uint64_t s) { (void)b; return crc32_iscsi((unsigned char *)a, (int)n, (uint32_t)s); }
/* corsix takes and returns the finished CRC (inverted register): invert around it. */
#define CORSIX(name) static uint64_t name##_(const unsigned char *a, const unsigned char *b, size_t n, uint64_t s) { (void)b; return ~name(~(uint32_t)s, (const char *)a, n) & 0xFFFFFFFFu; }
CORSIX(corsix_v3s1_s3)
CORSIX(corsix_v4s5x3)
CORSIX(corsix_v9s3x4e)
CORSIX(corsix_v8s3x3)
CORSIX(corsix_v7s3x3)
#define PEER_POP(name) static uint64_t name##_(const unsigned char *a, const unsigned char *b, size_t n, uint64_t s) { (void)b; return s + name(a, n); }
#define PEER_HAM(name) static uint64_t name##_(const unsigned char *a, const unsigned char *b, size_t n, uint64_t s) { return s + name(a, b, n); }
PEER_POP(peer_libpopcnt_icelake)
PEER_POP(peer_libpopcnt_haswell)
PEER_HAM(peer_numkong_hamming_icelake)
PEER_HAM(peer_numkong_hamming_haswell)

/* The read rooflines: every byte of the input(s) loaded once and XORed into four accumulators,
 * the least work a count over them can do (four independent loads per step, the class's widest
 * registers). The accumulators start from zero and the state is added at the end, as the count
 * wrappers above do: seeded from the state, each call waited for the last one's reduction, and
 * on AMD Zen 5 that held the roofline at 4 KiB to 0.6x the kernels it bounds. */
__attribute__((target("avx512f"))) static uint64_t read_avx512(const unsigned char *a, const unsigned char *b, size_t n, uint64_t s)
{
    __m512i x0 = _mm512_setzero_si512(), x1 = x0, x2 = x0, x3 = x0;
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
    return s + (uint64_t)_mm512_reduce_add_epi64(_mm512_xor_si512(_mm512_xor_si512(x0, x1), _mm512_xor_si512(x2, x3)));
}
__attribute__((target("avx2"))) static uint64_t read_avx2(const unsigned char *a, const unsigned char *b, size_t n, uint64_t s)
{
    __m256i x0 = _mm256_setzero_si256(), x1 = x0, x2 = x0, x3 = x0;
    for (size_t i = 0; i + 128 <= n; i += 128) {
        x0 = _mm256_xor_si256(x0, _mm256_load_si256((const __m256i *)(a + i)));
        x1 = _mm256_xor_si256(x1, _mm256_load_si256((const __m256i *)(a + i + 32)));
        x2 = _mm256_xor_si256(x2, _mm256_load_si256((const __m256i *)(a + i + 64)));
        x3 = _mm256_xor_si256(x3, _mm256_load_si256((const __m256i *)(a + i + 96)));
        if (b) {
            x0 = _mm256_xor_si256(x0, _mm256_load_si256((const __m256i *)(b + i)));
            x1 = _mm256_xor_si256(x1, _mm256_load_si256((const __m256i *)(b + i + 32)));
            x2 = _mm256_xor_si256(x2, _mm256_load_si256((const __m256i *)(b + i + 64)));
            x3 = _mm256_xor_si256(x3, _mm256_load_si256((const __m256i *)(b + i + 96)));
        }
    }
    __m256i x = _mm256_xor_si256(_mm256_xor_si256(x0, x1), _mm256_xor_si256(x2, x3));
    return s + ((uint64_t)_mm256_extract_epi64(x, 0) ^ (uint64_t)_mm256_extract_epi64(x, 3));
}
static uint64_t read_avx512_one(const unsigned char *a, const unsigned char *b, size_t n, uint64_t s) { (void)b; return read_avx512(a, NULL, n, s); }
static uint64_t read_avx512_two(const unsigned char *a, const unsigned char *b, size_t n, uint64_t s) { return read_avx512(a, b, n, s); }
static uint64_t read_avx2_one(const unsigned char *a, const unsigned char *b, size_t n, uint64_t s) { (void)b; return read_avx2(a, NULL, n, s); }
static uint64_t read_avx2_two(const unsigned char *a, const unsigned char *b, size_t n, uint64_t s) { return read_avx2(a, b, n, s); }

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

/* The class a row runs on; AVX2 CPUs with and without VPCLMULQDQ have different CRC-32C kernels. */
enum { ANY, AVX512, AVX2, AVX2_VPCLMUL, AVX2_PCLMUL };

int main(void)
{
    static const size_t sizes[] = { 256, 4096, 65536, 1u << 20 };
    struct { const char *op, *name; fn f; int two, cls, read; } all[] = {
        { "crc32c", "asmk_crc32c_avx512", asmk_crc32c_avx512_, 0, AVX512, 0 },
        { "crc32c", "asmk_crc32c_avx512_fold", asmk_crc32c_avx512_fold_, 0, AVX512, 0 },
        { "crc32c", "asmk_crc32c_avx2", asmk_crc32c_avx2_, 0, AVX2_VPCLMUL, 0 },
        { "crc32c", "asmk_crc32c_pclmul", asmk_crc32c_pclmul_, 0, AVX2_PCLMUL, 0 },
        { "crc32c", "isa-l", isal_crc, 0, ANY, 0 },
        { "crc32c", "corsix_v3s1_s3", corsix_v3s1_s3_, 0, AVX512, 0 }, { "crc32c", "corsix_v4s5x3", corsix_v4s5x3_, 0, AVX512, 0 },
        { "crc32c", "corsix_v9s3x4e", corsix_v9s3x4e_, 0, AVX512, 0 },
        { "crc32c", "corsix_v8s3x3", corsix_v8s3x3_, 0, ANY, 0 }, { "crc32c", "corsix_v7s3x3", corsix_v7s3x3_, 0, ANY, 0 },
        { "popcount", "asmk_popcount_avx512", asmk_popcount_avx512_, 0, AVX512, 0 },
        { "popcount", "asmk_popcount_avx2", asmk_popcount_avx2_, 0, AVX2, 0 },
        { "popcount", "libpopcnt", peer_libpopcnt_icelake_, 0, AVX512, 0 },
        { "popcount", "libpopcnt", peer_libpopcnt_haswell_, 0, AVX2, 0 },
        { "popcount", "read", read_avx512_one, 0, AVX512, 1 }, { "popcount", "read", read_avx2_one, 0, AVX2, 1 },
        { "hamming", "asmk_hamming_avx512", asmk_hamming_avx512_, 1, AVX512, 0 },
        { "hamming", "asmk_hamming_avx2", asmk_hamming_avx2_, 1, AVX2, 0 },
        { "hamming", "numkong", peer_numkong_hamming_icelake_, 1, AVX512, 0 },
        { "hamming", "numkong", peer_numkong_hamming_haswell_, 1, AVX2, 0 },
        { "hamming", "read", read_avx512_two, 1, AVX512, 1 }, { "hamming", "read", read_avx2_two, 1, AVX2, 1 },
    };
    enum { ALL = sizeof all / sizeof all[0], ROUNDS = 21 };
    __builtin_cpu_init();
    int cls = __builtin_cpu_supports("avx512vpopcntdq") && __builtin_cpu_supports("vpclmulqdq") ? AVX512
            : __builtin_cpu_supports("avx2") ? AVX2 : ANY;
    if (cls == ANY) {
        fprintf(stderr, "c_peers: this CPU has neither AVX-512 (VPOPCNTDQ, VPCLMULQDQ) nor AVX2\n");
        return 2;
    }
    int vpclmul = __builtin_cpu_supports("vpclmulqdq");
    printf("class %s\n", cls == AVX512 ? "avx512" : "avx2");
    struct { const char *op, *name; fn f; int two, read; } runs[ALL];
    int RUNS = 0;
    for (int r = 0; r < ALL; r++)
        if (all[r].cls == ANY || all[r].cls == cls || (cls == AVX2 && all[r].cls == (vpclmul ? AVX2_VPCLMUL : AVX2_PCLMUL))) {
            runs[RUNS].op = all[r].op, runs[RUNS].name = all[r].name, runs[RUNS].f = all[r].f;
            runs[RUNS].two = all[r].two, runs[RUNS].read = all[r].read;
            RUNS++;
        }
    size_t max = 1u << 20;
    unsigned char *a = aligned_alloc(64, max), *b = aligned_alloc(64, max);
    if (!a || !b) return 2;
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (size_t i = 0; i < max; i++) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; a[i] = (unsigned char)x; b[i] = (unsigned char)(x >> 8); }
    int bad = 0;
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s];
        for (int r = 0; r < RUNS; r++) {
            if (runs[r].read) continue; /* a roofline, not a count */
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
        double times[ALL][ROUNDS];
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
