; increment_sse2.asm - add a scalar to every element of an int64_t array, in
; place, wrapping like paddq: the seed SSE2 kernel.
%include "increment.inc"

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
    ONE_AT_A_TIME
.done:
    RET
ENDFUNC
