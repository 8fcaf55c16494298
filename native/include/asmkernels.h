/*
 * asmkernels.h - the C contract of the AsmKernels shared library.
 *
 * Generated from native/kernels.txt by native/cmake/kernel_table.cmake; edit those, not this.
 *
 * Every routine is a leaf function with the platform's C calling convention
 * (System V on Linux and macOS, Win64 on Windows), keeps no state and calls
 * nothing. Every routine accepts any count, 0 included (then it touches no
 * memory and the pointers may be anything), and any alignment, and reads or
 * writes exactly the elements it is given.
 *
 * The caller checks that the CPU has the features named after each routine
 * (and that the OS saves the register state: os_ymm for ymm registers, os_zmm
 * for zmm and mask registers; asmk_os_xcr0 reads it) before calling it.
 *
 * A kernel that needs neither os_ymm nor os_zmm is encoded in legacy SSE. On a
 * CPU with AVX, legacy SSE code entered with a dirty upper vector state pays an
 * SSE/AVX transition (hundreds of nanoseconds on some Intel CPUs). C and C++
 * compilers emit vzeroupper before calls, so they call the kernel itself; a
 * caller that may not (a .NET function-pointer call) calls its twin
 * <kernel>_vzeroupper, which runs vzeroupper first and needs AVX too.
 * Every other kernel returns with a clean upper state.
 */
#ifndef ASMKERNELS_H
#define ASMKERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) && !defined(ASMK_STATIC)
#define ASMK_API __declspec(dllimport)
#else
#define ASMK_API
#endif

/* A Hamming scan's job (asmk_hamscan_*): each hit the kernel writes is (distance << 32) | index, in code order, and it returns how many it wrote. */
typedef struct asmk_scan {
    const uint64_t *query; /* the query: W 64-bit words */
    uint64_t words; /* W, 1 <= W < 2^26: the words of the query and of every code */
    uint64_t threshold; /* a code is a hit when its distance is below this */
    uint64_t first_index; /* the index of codes[0], with first_index + count <= 2^32 */
    uint64_t *hits; /* room for count hits */
    uint64_t flags; /* ASMK_SCAN_STREAM or 0 */
} asmk_scan;
/* asmk_scan.flags: the codes come from memory, not from cache, and a kernel may prefetch ahead (never faulting, never changing the result) */
#define ASMK_SCAN_STREAM 1

/* The version of this contract the library implements. */
#define ASMK_ABI_VERSION 15
ASMK_API uint32_t asmk_abi_version(void);
/* XCR0, the register state the OS saves (bits 1-2: YMM, 5-7: ZMM), or 0 when
 * the OS has not enabled XSAVE (CPUID.1:ECX.OSXSAVE clear). */
ASMK_API uint64_t asmk_os_xcr0(void);
/* CPUID: regs = { eax, ebx, ecx, edx } of leaf and subleaf. */
ASMK_API void asmk_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t regs[4]);

/* Population count: the number of set bits in data[0..count). */
ASMK_API uint64_t asmk_popcount_popcnt(const uint64_t *data, size_t count); /* popcnt: seed: 4-wide POPCNT + tmp */
ASMK_API uint64_t asmk_popcount_popcnt_vzeroupper(const uint64_t *data, size_t count); /* the same, through vzeroupper (needs AVX too) */
ASMK_API uint64_t asmk_popcount_avx2(const uint64_t *data, size_t count); /* avx2, popcnt, os_ymm: Harley-Seal CSA tree, vpshufb nibble LUT */
ASMK_API uint64_t asmk_popcount_avx512(const uint64_t *data, size_t count); /* avx512f, avx512_vpopcntdq, os_zmm: vpopcntq, masked head and tail */

/* Hamming distance: the number of set bits in a[i] ^ b[i] over i in [0, count). */
ASMK_API uint64_t asmk_hamming_popcnt(const uint64_t *a, const uint64_t *b, size_t count); /* popcnt: seed body on a ^ b */
ASMK_API uint64_t asmk_hamming_popcnt_vzeroupper(const uint64_t *a, const uint64_t *b, size_t count); /* the same, through vzeroupper (needs AVX too) */
ASMK_API uint64_t asmk_hamming_avx2(const uint64_t *a, const uint64_t *b, size_t count); /* avx2, popcnt, os_ymm: Harley-Seal CSA tree, vpshufb nibble LUT */
ASMK_API uint64_t asmk_hamming_avx512(const uint64_t *a, const uint64_t *b, size_t count); /* avx512f, avx512_vpopcntdq, os_zmm: vpopcntq, masked head and tail */

/* Add a value to every element: data[i] += value for i in [0, count), wrapping modulo 2^64. */
ASMK_API void asmk_increment_sse2(int64_t *data, size_t count, int64_t value); /* sse2: seed: 8/4/1 paddq cascade */
ASMK_API void asmk_increment_sse2_vzeroupper(int64_t *data, size_t count, int64_t value); /* the same, through vzeroupper (needs AVX too) */
ASMK_API void asmk_increment_avx2(int64_t *data, size_t count, int64_t value); /* avx2, os_ymm: aligned stores, 16/4/1 */
ASMK_API void asmk_increment_avx512(int64_t *data, size_t count, int64_t value); /* avx512f, os_zmm: 64-byte-aligned stores, scalar ends */

/* CRC-32C (Castagnoli): the CRC register crc after feeding it data[0..count) (reflected polynomial 0x82F63B78, no inversion: the CRC-32C of a message is ~kernel(~0u, data, count)). */
ASMK_API uint32_t asmk_crc32c_sse42(uint32_t crc, const void *data, size_t count); /* sse4.2: crc32 r64, 8 bytes per step */
ASMK_API uint32_t asmk_crc32c_sse42_vzeroupper(uint32_t crc, const void *data, size_t count); /* the same, through vzeroupper (needs AVX too) */
ASMK_API uint32_t asmk_crc32c_pclmul(uint32_t crc, const void *data, size_t count); /* sse4.2, pclmulqdq: 3 interleaved crc32 chains, PCLMULQDQ merge */
ASMK_API uint32_t asmk_crc32c_pclmul_vzeroupper(uint32_t crc, const void *data, size_t count); /* the same, through vzeroupper (needs AVX too) */
ASMK_API uint32_t asmk_crc32c_avx2(uint32_t crc, const void *data, size_t count); /* sse4.2, pclmulqdq, avx2, vpclmulqdq, os_ymm: 8 x 32-byte VPCLMULQDQ folds fused with 4 crc32 chains, crc32 finish */
ASMK_API uint32_t asmk_crc32c_avx512(uint32_t crc, const void *data, size_t count); /* sse4.2, pclmulqdq, avx512f, avx512vl, vpclmulqdq, os_zmm: 4 x 64-byte VPCLMULQDQ folds fused with a crc32 chain, crc32 finish */
ASMK_API uint32_t asmk_crc32c_avx512_fold(uint32_t crc, const void *data, size_t count); /* sse4.2, pclmulqdq, avx512f, avx512vl, vpclmulqdq, os_zmm: 4 x 64-byte VPCLMULQDQ folds alone, crc32 finish */

/* Hamming scan: the keys (distance << 32) | index of the codes of a block closer to the query than a threshold, in code order (see asmk_scan), and returns their number. */
ASMK_API size_t asmk_hamscan_popcnt(const asmk_scan *scan, const uint64_t *codes, size_t count); /* popcnt: one code at a time, POPCNT per word */
ASMK_API size_t asmk_hamscan_popcnt_vzeroupper(const asmk_scan *scan, const uint64_t *codes, size_t count); /* the same, through vzeroupper (needs AVX too) */
ASMK_API size_t asmk_hamscan_avx2(const asmk_scan *scan, const uint64_t *codes, size_t count); /* avx2, popcnt, os_ymm: nibble lookup + vpsadbw, 4 codes per step for W = 1, 2, 4, vpmaskmovq hits */
ASMK_API size_t asmk_hamscan_avx512(const asmk_scan *scan, const uint64_t *codes, size_t count); /* avx512f, avx512vl, avx512_vpopcntdq, popcnt, os_zmm: 8 codes per step: vpopcntq, add tree, vpcompressq hits, W = 1, 2, 3, 4, 8, 16 bodies */

/* Hamming scan of sliced codes: what hamscan computes, for codes stored eight at a time word by word (group g of 8 W words holds word j of codes 8g..8g+7 at words 8j..8j+7, and count codes fill ceil(count / 8) whole groups, the lanes past count are not codes). */
ASMK_API size_t asmk_hamslice_avx2(const asmk_scan *scan, const uint64_t *codes, size_t count); /* avx2, popcnt, os_ymm: per word of 8 codes vpxor and nibble lookup bytes, added bytewise, one vpsadbw per 31 words */
ASMK_API size_t asmk_hamslice_avx512(const asmk_scan *scan, const uint64_t *codes, size_t count); /* avx512f, avx512_vpopcntdq, popcnt, os_zmm: per word of 8 codes one vpxorq, vpopcntq, vpaddq: no add tree, 32 codes per step\; a body of its own at W = 2 */

/* Slice codes for hamslice: write count codes of W >= 1 words (code i at words i W .. i W + W - 1) to sliced in the layout hamslice reads, ceil(count / 8) whole groups, the lanes past count zero. */
ASMK_API void asmk_slice_avx512(uint64_t *sliced, const uint64_t *codes, size_t count, size_t words); /* avx512f, os_zmm: eight rows at a time transposed in registers (8x8 qword blocks), one sequential output stream */

#ifdef __cplusplus
}
#endif

#endif /* ASMKERNELS_H */
