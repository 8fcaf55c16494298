; bytesum.asm - the sum of a byte array, in two variants: SSE2 and AVX2. Each routine sits
; between FUNC and ENDFUNC (abi.inc, from AsmKernels.Build): its arguments are named, the same
; source assembles for System V and Win64, RET adds vzeroupper where the body used ymm registers,
; and an instruction its row of kernels.txt does not allow fails the build.
%include "abi.inc"

; BYTES_TAIL: rax += the count bytes left at srcq, one at a time.
%macro BYTES_TAIL 0
    test    countq, countq
    jz      .done
.byte:
    movzx   tmpd, byte [srcq]
    add     rax, tmpq
    inc     srcq
    dec     countq
    jnz     .byte
.done:
%endmacro

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

; uint64_t bytesum_avx2(const uint8_t *data, size_t count);
; vpsadbw against zero: 32 bytes per step into four 64-bit lanes, folded, then the tail.
FUNC bytesum_avx2, 2, 3, 3, src, count, tmp
    vpxor   ymm0, ymm0, ymm0
    vpxor   ymm1, ymm1, ymm1
.loop:
    cmp     countq, 32
    jb      .fold
    vpsadbw ymm2, ymm1, [srcq]
    vpaddq  ymm0, ymm0, ymm2
    add     srcq, 32
    sub     countq, 32
    jmp     .loop
.fold:
    vextracti128 xmm2, ymm0, 1
    vpaddq  xmm0, xmm0, xmm2
    vpshufd xmm2, xmm0, 0x4e
    vpaddq  xmm0, xmm0, xmm2
    vmovq   rax, xmm0
    BYTES_TAIL                      ; up to 31 bytes
    RET
ENDFUNC
