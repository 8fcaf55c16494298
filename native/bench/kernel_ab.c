/*
 * kernel_ab.c - times two builds of the popcount and Hamming kernels of one ISA
 * level side by side in one process: "old_" (popcount_<isa>.asm of an earlier
 * revision, assembled with -DASMK_PREFIX=old_) and the current one. Built and
 * run by scripts/kernel_ab.sh; ISA is a compile-time suffix (popcnt, avx2,
 * avx512). Inputs are 64-byte aligned, or one word off with --misaligned.
 * Prints GB/s and new/old speed-ups, best of seven rounds; exits 1 when the two
 * builds disagree on a result. Built with -DINCREMENT (the ISA has an increment
 * kernel), it then times increment_<isa>.asm's two builds too, in place, at
 * 8-byte offsets 0, 16, 32 and 48 from a 64-byte boundary (.NET arrays start
 * at any multiple of 8), ns per call, and checks them against a scalar loop.
 */
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CAT3(a, b, c) a##b##c
#define NAME(prefix, op, isa) CAT3(prefix, op, isa)
#define OLD(op) NAME(old_asmk_, op, ISA)
#define NEW(op) NAME(asmk_, op, ISA)

uint64_t OLD(popcount_)(const uint64_t *, size_t);
uint64_t NEW(popcount_)(const uint64_t *, size_t);
uint64_t OLD(hamming_)(const uint64_t *, const uint64_t *, size_t);
uint64_t NEW(hamming_)(const uint64_t *, const uint64_t *, size_t);
#ifdef INCREMENT
void OLD(increment_)(int64_t *, size_t, int64_t);
void NEW(increment_)(int64_t *, size_t, int64_t);
static int increment_ab(uint64_t *buf);
#endif

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    static const size_t sizes[] = { 64, 127, 128, 256, 4096, 65536, 1u << 20, 1u << 24 };
    size_t shift = argc > 1 && strcmp(argv[1], "--misaligned") == 0 ? 1 : 0;
    size_t max = (1u << 24) + 8;
    uint64_t *a = aligned_alloc(64, 8 * max), *b = aligned_alloc(64, 8 * max);
    if (!a || !b) return 2;
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (size_t i = 0; i < max; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17; a[i] = x;
        x ^= x << 13; x ^= x >> 7; x ^= x << 17; b[i] = x;
    }
    const uint64_t *pa = a + shift, *pb = b + shift;
    printf("%9s  %-26s %-26s\n", "words", "popcount old/new GB/s", "hamming old/new GB/s");
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s];
        long reps = (long)(2e9 / (n * 8.0));
        if (reps < 3) reps = 3;
        double best[4] = { 1e30, 1e30, 1e30, 1e30 };
        volatile uint64_t sink = 0;
        for (int round = 0; round < 7; round++) {
            double t;
            t = now(); for (long r = 0; r < reps; r++) sink += OLD(popcount_)(pa, n); t = now() - t; if (t < best[0]) best[0] = t;
            t = now(); for (long r = 0; r < reps; r++) sink += NEW(popcount_)(pa, n); t = now() - t; if (t < best[1]) best[1] = t;
            t = now(); for (long r = 0; r < reps; r++) sink += OLD(hamming_)(pa, pb, n); t = now() - t; if (t < best[2]) best[2] = t;
            t = now(); for (long r = 0; r < reps; r++) sink += NEW(hamming_)(pa, pb, n); t = now() - t; if (t < best[3]) best[3] = t;
        }
        if (OLD(popcount_)(pa, n) != NEW(popcount_)(pa, n) || OLD(hamming_)(pa, pb, n) != NEW(hamming_)(pa, pb, n)) {
            printf("the two builds disagree at %zu words\n", n);
            return 1;
        }
        double bytes = (double)reps * n * 8;
        printf("%9zu  %6.1f / %6.1f (%.2fx)     %6.1f / %6.1f (%.2fx)\n", n,
               bytes / best[0] / 1e9, bytes / best[1] / 1e9, best[0] / best[1],
               2 * bytes / best[2] / 1e9, 2 * bytes / best[3] / 1e9, best[2] / best[3]);
    }
    #ifdef INCREMENT
    return increment_ab(a);
#else
    return 0;
#endif
}

#ifdef INCREMENT
/* Old and new increment kernels on buf (at least 65,536 + 8 words), in place. */
static int increment_ab(uint64_t *buf)
{
    static const size_t sizes[] = { 8, 9, 15, 41, 64, 100, 256, 1000, 4096, 65536 };
    for (size_t n = 0; n <= 300; n++)
        for (size_t off = 0; off < 8; off++) {
            int64_t *p = (int64_t *)buf + off;
            int64_t want[310];
            for (size_t i = 0; i < n + 2; i++)
                want[i] = p[i] + (i < n ? -5 : 0);
            NEW(increment_)(p, n, -5);
            if (memcmp(p, want, 8 * (n + 2)) != 0) {
                printf("the new increment kernel is wrong at %zu elements, offset %zu words\n", n, off);
                return 1;
            }
        }
    printf("\n%9s  %-8s %-30s\n", "elements", "offset", "increment old / new ns per call");
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (size_t off = 0; off < 64; off += 16) {
            size_t n = sizes[s];
            int64_t *p = (int64_t *)((char *)buf + off);
            long reps = (long)(4e8 / (n * 8.0));
            double best[2] = { 1e30, 1e30 };
            for (int round = 0; round < 9; round++) {
                double t;
                t = now(); for (long r = 0; r < reps; r++) OLD(increment_)(p, n, 3); t = now() - t; if (t < best[0]) best[0] = t;
                t = now(); for (long r = 0; r < reps; r++) NEW(increment_)(p, n, 3); t = now() - t; if (t < best[1]) best[1] = t;
            }
            printf("%9zu  %-8zu %8.2f / %8.2f (%.2fx)\n", n, off, best[0] / reps * 1e9, best[1] / reps * 1e9, best[0] / best[1]);
        }
    return 0;
}
#endif
