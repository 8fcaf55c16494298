; popcount_avx512.asm - popcount and Hamming distance with AVX-512 VPOPCNTDQ.
%include "popcount.inc"
%include "bitcount.inc"

; AVX-512 (AVX512F + AVX512_VPOPCNTDQ): vpopcntq counts each 64-bit lane. Four
; independent accumulators (zmm0-3) take 32 words per iteration, then single
; vectors of 8, then one masked vector for the last 0-7 words: the masked-off
; lanes are never read (fault suppression), so nothing past the end is touched.
; A masked head first brings the (first) input to a 64-byte boundary: a
; misaligned 64-byte load always splits across two cache lines, which halves
; the loads per cycle (the loop drops from ~165 to ~130 GB/s in L1).
; Only zmm0-5 and zmm16-19 are used: volatile on Win64, and the final vmovq stays VEX.

%macro AVX512_COUNT_VECTOR 2-4 0, zmm4 ; accumulator, byte offset[, 1: only the lanes in k1[, temporary]]
%if %3
    vmovdqu64 %4{k1}{z}, [srcq + %2]
%if HAMMING
    vpxorq   %4{k1}{z}, %4, [src2q + %2]
%endif
    vpopcntq %4, %4
%elif HAMMING
    vmovdqu64 %4, [srcq + %2]
    vpxorq   %4, %4, [src2q + %2]
    vpopcntq %4, %4
%else
    vpopcntq %4, [srcq + %2]                ; the load folded in: one fewer op per vector
%endif
    vpaddq   %1, %1, %4
%endmacro

; Four vectors into the four accumulators, each step for all four before the next: Zen 4 runs
; this order at ~1.2 cycles per vector in L1, each vector's count and add back to back at ~1.5.
; The temporaries are zmm16-19: volatile on Win64 too, so nothing to save.
%macro COUNT_4_VECTORS 0
%assign %%i 0
%rep 4
%if HAMMING
    vmovdqu64 zmm %+ %eval(16 + %%i), [srcq + 64 * %%i]
%else
    vpopcntq zmm %+ %eval(16 + %%i), [srcq + 64 * %%i]
%endif
%assign %%i %%i + 1
%endrep
%if HAMMING
%assign %%i 0
%rep 4
    vpxorq   zmm %+ %eval(16 + %%i), zmm %+ %eval(16 + %%i), [src2q + 64 * %%i]
%assign %%i %%i + 1
%endrep
%assign %%i 0
%rep 4
    vpopcntq zmm %+ %eval(16 + %%i), zmm %+ %eval(16 + %%i)
%assign %%i %%i + 1
%endrep
%endif
    vpaddq   zmm0, zmm0, zmm16
    vpaddq   zmm1, zmm1, zmm17
    vpaddq   zmm2, zmm2, zmm18
    vpaddq   zmm3, zmm3, zmm19
%endmacro

%macro POPCOUNT_AVX512_BODY 0
    vpxorq   zmm0, zmm0, zmm0
    vpxorq   zmm1, zmm1, zmm1
    vpxorq   zmm2, zmm2, zmm2
    vpxorq   zmm3, zmm3, zmm3
    mov      headq, srcq
    neg      headq
    and      headq, 63
    shr      headq, 3                        ; words up to the next 64-byte boundary
    jz       .aligned
    cmp      countq, headq
    jb       .aligned                        ; too short to reach it: the tail takes all
    MASK_LOW_LANES k1, headd
    AVX512_COUNT_VECTOR zmm1, 0, 1
    sub      countq, headq
    lea      srcq, [srcq + 8*headq]
%if HAMMING
    lea      src2q, [src2q + 8*headq]
%endif
.aligned:
    BLOCKS   endq, srcq, countq, 32
    cmp      srcq, endq
    je       .vec8
    align    32                              ; the loop's first ops in one fetch block
.loop32:
    COUNT_4_VECTORS
    ADVANCE  256
    cmp      srcq, endq
    jne      .loop32
.vec8:
    cmp      countq, 8
    jb       .tail
    AVX512_COUNT_VECTOR zmm0, 0
    ADVANCE  64
    sub      countq, 8
    jmp      .vec8
.tail:
    test     countq, countq
    jz       .reduce
    MASK_LOW_LANES k1, countd                ; the remaining words
    AVX512_COUNT_VECTOR zmm1, 0, 1
.reduce:
    vpaddq   zmm0, zmm0, zmm1
    vpaddq   zmm2, zmm2, zmm3
    vpaddq   zmm0, zmm0, zmm2
    SUM_ZMM_Q 0, 1, rax
    RET
%endmacro

; uint64_t asmk_popcount_avx512(const uint64_t *data, size_t count);
%define HAMMING 0
FUNC asmk_popcount_avx512, 2, 4, 6, src, count, end, head
    POPCOUNT_AVX512_BODY
ENDFUNC

; uint64_t asmk_hamming_avx512(const uint64_t *a, const uint64_t *b, size_t count);
%define HAMMING 1
FUNC asmk_hamming_avx512, 3, 5, 6, src, src2, count, end, head
    POPCOUNT_AVX512_BODY
ENDFUNC
