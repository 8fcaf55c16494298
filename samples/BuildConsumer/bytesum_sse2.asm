%include "abi.inc"
%include "bytesum.inc"

; uint64_t bytesum_sse2(const uint8_t *data, size_t count);
; psadbw against zero adds each 8 bytes into a 64-bit lane: 16 bytes per step, then the tail.
FUNC bytesum_sse2, 2, 3, 3, src, count, tmp
    pxor    xmm0, xmm0              ; the sums
    pxor    xmm1, xmm1              ; zero
.loop:
    cmp     countq, 16
    jb      .fold
    movdqu  xmm2, [srcq]
    psadbw  xmm2, xmm1
    paddq   xmm0, xmm2
    add     srcq, 16
    sub     countq, 16
    jmp     .loop
.fold:
    pshufd  xmm2, xmm0, 0x4e        ; the high lane down
    paddq   xmm0, xmm2
    movq    rax, xmm0
    BYTES_TAIL
    RET
ENDFUNC
