%include "abi.inc"
%include "bytesum.inc"

; uint64_t bytesum_avx2(const uint8_t *data, size_t count);
; vpsadbw against zero: 32 bytes per step into four 64-bit lanes, folded, then the tail.
FUNC bytesum_avx2, 2, 3, 4, src, count, tmp
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
    cmp     countq, 16                  ; one more 16-byte step keeps the tail short
    jb      .tail
    vpsadbw xmm2, xmm1, [srcq]
    vpshufd xmm3, xmm2, 0x4e
    vpaddq  xmm2, xmm2, xmm3
    vmovq   tmpq, xmm2
    add     rax, tmpq
    add     srcq, 16
    sub     countq, 16
.tail:
    BYTES_TAIL
    RET
ENDFUNC
