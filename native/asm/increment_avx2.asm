; increment_avx2.asm - add a scalar to every element of an int64_t array, in
; place, wrapping: AVX2.
%include "increment.inc"

; void asmk_increment_avx2(int64_t *data, size_t count, int64_t value);
;
; value broadcast into ymm0. When data is 8-byte aligned, single elements are
; added until the stores are 32-byte aligned (a misaligned array can never get
; there, and goes straight on). Main loop: 16 elements (four ymm) per
; iteration; then vectors of 4; then single elements for the last 0-3.
FUNC asmk_increment_avx2, 3, 4, 5, data, count, value, end
    test    countq, countq
    jz      .done
    test    dataq, 7
    jnz     .aligned                ; not even 8-byte aligned: no peeling
.peel:
    test    dataq, 31
    jz      .aligned
    add     [dataq], valueq
    add     dataq, 8
    dec     countq
    jz      .done
    jmp     .peel
.aligned:
    vmovq   xmm0, valueq
    vpbroadcastq ymm0, xmm0
    BLOCKS   endq, dataq, countq, 16
    cmp     dataq, endq
    je      .vec4
.loop16:
    vpaddq  ymm1, ymm0, [dataq]
    vpaddq  ymm2, ymm0, [dataq + 32]
    vpaddq  ymm3, ymm0, [dataq + 64]
    vpaddq  ymm4, ymm0, [dataq + 96]
    vmovdqu [dataq], ymm1
    vmovdqu [dataq + 32], ymm2
    vmovdqu [dataq + 64], ymm3
    vmovdqu [dataq + 96], ymm4
    sub     dataq, -128             ; imm8 form of add 128
    cmp     dataq, endq
    jne     .loop16
.vec4:
    cmp     countq, 4
    jb      .scalar
    vpaddq  ymm1, ymm0, [dataq]
    vmovdqu [dataq], ymm1
    add     dataq, 32
    sub     countq, 4
    jmp     .vec4
.scalar:
    test    countq, countq
    jz      .done
    ONE_AT_A_TIME
.done:
    RET
ENDFUNC
