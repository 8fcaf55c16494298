/*
 * hamscan_stream.c - the AVX-512 Hamming scan with and without ASMK_SCAN_STREAM (prefetching
 * ahead) in one process, interleaved, best of 21 rounds: how the managed search's choice of the
 * flag was measured. Built and run by scripts/hamscan_ab.sh.
 *
 *   hamscan_stream WORDS CODES [avx2]   e.g. 4 1000000 (32 MB, from memory), 4 20000 (640 KB, in
 *                                       L2); avx2: the AVX2 scan instead of the AVX-512 one
 *   hamscan_stream WORDS CODES sliced   a batch's tiles (16 KiB, as HammingScan.SliceTileCodes):
 *                                       asmk_slice_avx512 over all the codes, tile by tile, then 64
 *                                       queries over one tile in cache,
 *                                       asmk_hamscan_avx512 on it as stored and asmk_hamslice_avx512
 *                                       on it sliced (how the sliced batch was measured)
 *
 * Built with -DOLD_KERNEL (scripts/hamscan_ab.sh REV), it also times the scan (AVX-512, or AVX2 with
 * avx2) as it was at another revision (old_asmk_hamscan_avx512 and old_asmk_hamscan_avx2,
 * assembled with that prefix), interleaved with the new.
 *
 * The codes start 16 bytes into a cache line, as those of a .NET ulong[] do. Prints GB/s of codes
 * scanned for flags 0 and ASMK_SCAN_STREAM, and of a pass that only reads the same bytes (the read
 * roofline, the compiler's vector loop).
 */
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "asmkernels.h"

#ifdef OLD_KERNEL
size_t old_asmk_hamscan_avx512(const asmk_scan *scan, const uint64_t *codes, size_t count);
size_t old_asmk_hamscan_avx2(const asmk_scan *scan, const uint64_t *codes, size_t count);
#endif

typedef size_t (*scan_fn)(const asmk_scan *, const uint64_t *, size_t);

static int sliced(const uint64_t *codes, size_t w, size_t n);

/* Seconds for one pass of scan over n codes of w words, in the managed search's blocks. */
static double pass(scan_fn scan, const uint64_t *codes, size_t w, size_t n, uint64_t *query, uint64_t *hits, size_t block, int stream);

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4 || atoi(argv[1]) < 1 || atoi(argv[1]) > 64 || atoi(argv[2]) < 1 ||
        (argc == 4 && strcmp(argv[3], "avx2") != 0 && strcmp(argv[3], "sliced") != 0)) {
        fprintf(stderr, "usage: hamscan_stream WORDS(1..64) CODES [avx2 | sliced]\n");
        return 2;
    }
    scan_fn scan = argc == 4 ? asmk_hamscan_avx2 : asmk_hamscan_avx512;
    size_t w = (size_t)atoi(argv[1]), n = (size_t)atoi(argv[2]), block = 8192; /* the managed search's block */
    uint64_t *base = aligned_alloc(64, n * w * 8 + 64), query[64], *hits = malloc(8 * block);
    if (!base || !hits) return 2;
    for (size_t i = 0; i < n * w + 8; i++) base[i] = i * 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < 64; i++) query[i] = (uint64_t)i * 7;
    const uint64_t *codes = base + 2;
    if (argc == 4 && strcmp(argv[3], "sliced") == 0)
        return sliced(codes, w, n);
    double best[2] = { 1e30, 1e30 }, best_old[2] = { 1e30, 1e30 }, best_read = 1e30;
    (void)best_old;
    volatile uint64_t sink = 0;
    for (int round = 0; round < 21; round++) {
        double r = now();
        uint64_t x = 0;
        for (size_t i = 0; i < n * w; i++) x ^= codes[i];
        sink = x;
        r = now() - r;
        if (r < best_read) best_read = r;
        for (int stream = 0; stream < 2; stream++) {
            double t = pass(scan, codes, w, n, query, hits, block, stream);
            if (t < best[stream]) best[stream] = t;
#ifdef OLD_KERNEL
            t = pass(argc == 4 ? old_asmk_hamscan_avx2 : old_asmk_hamscan_avx512, codes, w, n, query, hits, block, stream);
            if (t < best_old[stream]) best_old[stream] = t;
#endif
        }
    }
    (void)sink;
    double bytes = (double)(n * w * 8);
    printf("%s W=%zu, %zu codes (%.1f MB): flags 0 %.1f GB/s, ASMK_SCAN_STREAM %.1f GB/s, read roofline %.1f GB/s\n", argc == 4 ? "avx2" : "avx512", w, n, bytes / 1e6,
           bytes / best[0] / 1e9, bytes / best[1] / 1e9, bytes / best_read / 1e9);
#ifdef OLD_KERNEL
    printf("    old %s W=%zu: flags 0 %.1f GB/s, ASMK_SCAN_STREAM %.1f GB/s: new/old %.2fx, %.2fx\n", argc == 4 ? "avx2" : "avx512", w,
           bytes / best_old[0] / 1e9, bytes / best_old[1] / 1e9, best_old[0] / best[0], best_old[1] / best[1]);
#endif
    return 0;
}

static double pass(scan_fn scan, const uint64_t *codes, size_t w, size_t n, uint64_t *query, uint64_t *hits, size_t block, int stream)
{
    double t = now();
    for (size_t s = 0; s < n; s += block) {
        size_t count = n - s < block ? n - s : block;
        asmk_scan job = { query, w, 10, s, hits, stream ? ASMK_SCAN_STREAM : 0 };
        scan(&job, codes + s * w, count);
    }
    return now() - t;
}

/* The sliced batch's two parts, best of 21 rounds each: slicing every 16 KiB tile of the codes
 * (their first read, from memory for a large n), and 64 queries over the first tile in cache, as
 * stored and sliced. */
static int sliced(const uint64_t *codes, size_t w, size_t n)
{
    size_t tile = ((16u << 10) / (8 * w)) & ~(size_t)7;
    if (tile < 8) tile = 8;
    if (tile > n) tile = n;
    enum { QUERIES = 64 };
    uint64_t *sliced_tile = aligned_alloc(64, 8 * w * ((tile + 7) / 8 * 8)), *hits = malloc(8 * tile), query[QUERIES][64];
    if (!sliced_tile || !hits) return 2;
    for (int q = 0; q < QUERIES; q++)
        for (int i = 0; i < 64; i++) query[q][i] = (uint64_t)(i * 7 + q) * 0x2545F4914F6CDD1Dull;
    double best_slice = 1e30, best_stored = 1e30, best_sliced = 1e30;
    volatile size_t sink = 0;
    for (int round = 0; round < 21; round++) {
        double t = now();
        for (size_t f = 0; f < n; f += tile)
            asmk_slice_avx512(sliced_tile, codes + f * w, n - f < tile ? n - f : tile, w);
        t = now() - t;
        if (t < best_slice) best_slice = t;
        asmk_slice_avx512(sliced_tile, codes, tile, w); /* the tile the queries scan */
        for (int layout = 0; layout < 2; layout++) {
            t = now();
            for (int q = 0; q < QUERIES; q++) {
                asmk_scan job = { query[q], w, 10, 0, hits, 0 };
                sink += layout ? asmk_hamslice_avx512(&job, sliced_tile, tile) : asmk_hamscan_avx512(&job, codes, tile);
            }
            t = now() - t;
            double *best = layout ? &best_sliced : &best_stored;
            if (t < *best) *best = t;
        }
    }
    (void)sink;
    double scanned = (double)QUERIES * tile;
    printf("sliced W=%zu, %zu codes (%.1f MB), tiles of %zu codes: slicing %.2f ms per 1,000,000 codes (%.1f GB/s); "
           "%d queries over one tile in cache: stored %.2e codes/s, sliced %.2e codes/s: %.2fx\n",
           w, n, n * w * 8 / 1e6, tile, best_slice / n * 1e9, n * w * 8 / best_slice / 1e9,
           QUERIES, scanned / best_stored, scanned / best_sliced, best_stored / best_sliced);
    free(sliced_tile);
    free(hits);
    return 0;
}
