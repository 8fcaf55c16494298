/*
 * cpu.c - what this CPU and OS run, as the kernel table's feature bits (ASMK_F_*, generated into
 * checkasm_kernels.h): checkasm and the fuzz targets (native/tests/fuzz) skip what they cannot run.
 */
#include "checkasm.h"

#include "checkasm_kernels.h"

/* Whether this CPU (and OS, for the register state) has every feature in needs (ASMK_F_*). */
int checkasm_cpu_has(unsigned needs)
{
    unsigned have = 0;
    __builtin_cpu_init();
    if (__builtin_cpu_supports("sse2")) have |= ASMK_F_SSE2;
    if (__builtin_cpu_supports("popcnt")) have |= ASMK_F_POPCNT;
    if (__builtin_cpu_supports("sse4.2")) have |= ASMK_F_SSE42;
    if (__builtin_cpu_supports("pclmul")) have |= ASMK_F_PCLMULQDQ;
    if (__builtin_cpu_supports("avx2")) have |= ASMK_F_AVX2;
    if (__builtin_cpu_supports("avx512f")) have |= ASMK_F_AVX512F;
    if (__builtin_cpu_supports("avx512bw")) have |= ASMK_F_AVX512BW;
    if (__builtin_cpu_supports("avx512vl")) have |= ASMK_F_AVX512VL;
    if (__builtin_cpu_supports("avx512vpopcntdq")) have |= ASMK_F_AVX512_VPOPCNTDQ;
    if (__builtin_cpu_supports("vpclmulqdq")) have |= ASMK_F_VPCLMULQDQ;
    /* libgcc reports avx and avx512f only when the OS saves the YMM and ZMM state. */
    if (__builtin_cpu_supports("avx")) have |= ASMK_F_OS_YMM;
    if (__builtin_cpu_supports("avx512f")) have |= ASMK_F_OS_ZMM;
    return (needs & ~have) == 0;
}
