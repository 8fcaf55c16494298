; increment_avx512.asm - add a scalar to every element of an int64_t array, in
; place, wrapping: AVX-512.
%include "abi.inc"

; void asmk_increment_avx512(int64_t *data, size_t count, int64_t value);
;
; value broadcast into zmm0. When data is 8-byte aligned, one masked vector
; takes the elements up to the next 64-byte boundary, so every later store is
; aligned. Main loop: 32 elements (four zmm) per iteration; then vectors of 8;
; then one masked vector for the last 0-7. Masked-off lanes are neither read
; nor written. Only zmm0-4: volatile on Win64.
FUNC asmk_increment_avx512, 3, 5, 5, data, count, value, end, tmp
    test    countq, countq
    jz      .done
    vpbroadcastq zmm0, valueq
    test    dataq, 7
    jnz     .aligned                ; not even 8-byte aligned: no peeling
    mov     tmpq, dataq
    neg     tmpq
    and     tmpq, 63
    shr     tmpq, 3                 ; elements before the next 64-byte boundary
    jz      .aligned
    cmp     tmpq, countq
    cmova   tmpq, countq            ; but no more than there are
    MASK_LOW_LANES k1, tmpd         ; the head elements
    vpaddq  zmm1{k1}{z}, zmm0, [dataq]
    vmovdqu64 [dataq]{k1}, zmm1
    lea     dataq, [dataq + 8*tmpq]
    sub     countq, tmpq
    jz      .done
.aligned:
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
    jb      .tail
    vpaddq  zmm1, zmm0, [dataq]
    vmovdqu64 [dataq], zmm1
    add     dataq, 64
    sub     countq, 8
    jmp     .vec8
.tail:
    test    countq, countq
    jz      .done
    MASK_LOW_LANES k1, countd       ; the remaining elements
    vpaddq  zmm1{k1}{z}, zmm0, [dataq]
    vmovdqu64 [dataq]{k1}, zmm1
.done:
    RET
ENDFUNC
