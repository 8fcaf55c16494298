; increment_avx512.asm - add a scalar to every element of an int64_t array, in
; place, wrapping: AVX-512.
%include "increment.inc"

; void asmk_increment_avx512(int64_t *data, size_t count, int64_t value);
;
; When data is 8-byte aligned, single elements are added until it is 64-byte
; aligned (at most 7), so no vector access splits a cache line (a misaligned
; array goes straight on). Main loop: 32 elements (four zmm) per iteration;
; then vectors of 8, and single elements for the last 0-7. No
; masked stores: on Zen 4 a masked store, or an unaligned one across a line,
; stalls the loads of the next call that overlap it (measured: +5 to 10 ns per
; call at 8 to 256 elements). Only zmm0-4: volatile on Win64.
FUNC asmk_increment_avx512, 3, 4, 5, data, count, value, end
    test    countq, countq
    jz      .done
    test    dataq, 7
    jnz     .aligned                ; not even 8-byte aligned: no peeling
.peel:
    test    dataq, 63
    jz      .aligned
    add     [dataq], valueq
    add     dataq, 8
    dec     countq
    jz      .done
    jmp     .peel
.aligned:
    vpbroadcastq zmm0, valueq
    BLOCKS   endq, dataq, countq, 32
    cmp     dataq, endq
    je      .vec8
.loop32:
    vpaddq  zmm1, zmm0, [dataq]
    vpaddq  zmm2, zmm0, [dataq + 64]
    vpaddq  zmm3, zmm0, [dataq + 128]
    vpaddq  zmm4, zmm0, [dataq + 192]
    vmovdqu64 [dataq], zmm1
    vmovdqu64 [dataq + 64], zmm2
    vmovdqu64 [dataq + 128], zmm3
    vmovdqu64 [dataq + 192], zmm4
    add     dataq, 256
    cmp     dataq, endq
    jne     .loop32
.vec8:
    cmp     countq, 8
    jb      .scalar
    vpaddq  zmm1, zmm0, [dataq]
    vmovdqu64 [dataq], zmm1
    add     dataq, 64
    sub     countq, 8
    jmp     .vec8
.scalar:
    test    countq, countq
    jz      .done
    ONE_AT_A_TIME
.done:
    RET
ENDFUNC
