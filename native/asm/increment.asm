; increment.asm - add a scalar to every element of an int64_t array, in place,
; wrapping like paddq.
%include "abi.inc"

; void asmk_increment_sse2(int64_t *data, size_t count, int64_t value);
;
; The seed routine: the 8/4/1 paddq cascade an optimizing compiler emits for
; this loop. value is broadcast into both lanes of xmm0; the main loop handles
; 8 elements per iteration (four unaligned loads, four paddq, four unaligned
; stores); then one block of 4 if at least 4 remain; then one element at a
; time for the last 0-3. Arrays shorter than 4 go straight to that loop.
FUNC asmk_increment_sse2, 3, 4, 5, data, count, value, end
    cmp     countq, 4
    jb      .tail
    movq    xmm0, valueq
    pshufd  xmm0, xmm0, 0x44        ; value in both 64-bit lanes
    mov     endq, countq
    and     endq, -8                ; elements in full blocks of eight
    lea     endq, [dataq + 8*endq]
    cmp     dataq, endq
    je      .block4
.loop8:
    movdqu  xmm1, [dataq]
    movdqu  xmm2, [dataq + 16]
    movdqu  xmm3, [dataq + 32]
    movdqu  xmm4, [dataq + 48]
    paddq   xmm1, xmm0
    paddq   xmm2, xmm0
    paddq   xmm3, xmm0
    paddq   xmm4, xmm0
    movdqu  [dataq], xmm1
    movdqu  [dataq + 16], xmm2
    movdqu  [dataq + 32], xmm3
    movdqu  [dataq + 48], xmm4
    add     dataq, 64
    cmp     dataq, endq
    jne     .loop8
.block4:
    test    countq, 4               ; count & 7 >= 4 after the main loop
    jz      .tail
    movdqu  xmm1, [dataq]
    movdqu  xmm2, [dataq + 16]
    paddq   xmm1, xmm0
    paddq   xmm2, xmm0
    movdqu  [dataq], xmm1
    movdqu  [dataq + 16], xmm2
    add     dataq, 32
.tail:
    and     countq, 3
    jz      .done
.loop1:
    add     [dataq], valueq
    add     dataq, 8
    dec     countq
    jnz     .loop1
.done:
    RET
ENDFUNC

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
.loop1:
    add     [dataq], valueq
    add     dataq, 8
    dec     countq
    jnz     .loop1
.done:
    RET
ENDFUNC

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
