; crc32c_clmul.asm - CRC-32C by carry-less multiplication on 16-byte lanes (PCLMULQDQ, SSE).
;
; For CPUs with PCLMULQDQ but without VPCLMULQDQ on wide registers. The constants and the
; algebra of a fold are in crc32c_fold.inc.
%include "abi.inc"
%include "crc32c_fold.inc"

RODATA
align 16
clmul_fold512: FOLD_CONST 512               ; one lane to the same lane 64 bytes on
clmul_fold384: FOLD_CONST 384
clmul_fold256: FOLD_CONST 256
clmul_fold128: FOLD_CONST 128

; FOLD_LANE acc, k, tmp: acc = acc folded forward by k's distance (no data added yet).
%macro FOLD_LANE 3
    movdqa    %3, %1
    pclmulqdq %1, %2, 0x00                  ; high-degree qword * C(T+64)
    pclmulqdq %3, %2, 0x11                  ; low-degree qword * C(T)
    pxor      %1, %3
%endmacro

; uint32_t asmk_crc32c_pclmul(uint32_t crc, const void *data, size_t count);
;
; Same contract as asmk_crc32c_sse42 (raw register, no inversions). Under 64 bytes: one crc32
; chain. Otherwise four 16-byte accumulators fold 64 bytes per step, independent of each other
; (the chain is a multiply and an XOR per 64 bytes instead of a crc32 per 8); at the end they are
; folded onto the last one, further 16-byte lanes fold in one at a time, two crc32 turn the lane
; into the CRC register and crc32 instructions take the last 0-15 bytes. Unaligned loads; no
; byte outside [data, data + count) is read.
FUNC asmk_crc32c_pclmul, 3, 4, 6, crc, src, count, tmp
    mov       eax, crcd
    cmp       countq, 64
    jb        .short
    movd      xmm4, eax
    movdqu    xmm0, [srcq]
    pxor      xmm0, xmm4                    ; the incoming register enters with the first bytes
    movdqu    xmm1, [srcq + 16]
    movdqu    xmm2, [srcq + 32]
    movdqu    xmm3, [srcq + 48]
    add       srcq, 64
    sub       countq, 64
    cmp       countq, 64
    jb        .merge4
    movdqa    xmm4, [clmul_fold512]
.loop64:
    FOLD_LANE xmm0, xmm4, xmm5
    movdqu    xmm5, [srcq]
    pxor      xmm0, xmm5
    FOLD_LANE xmm1, xmm4, xmm5
    movdqu    xmm5, [srcq + 16]
    pxor      xmm1, xmm5
    FOLD_LANE xmm2, xmm4, xmm5
    movdqu    xmm5, [srcq + 32]
    pxor      xmm2, xmm5
    FOLD_LANE xmm3, xmm4, xmm5
    movdqu    xmm5, [srcq + 48]
    pxor      xmm3, xmm5
    add       srcq, 64
    sub       countq, 64
    cmp       countq, 64
    jae       .loop64
.merge4:                                    ; x0*x^384 + x1*x^256 + x2*x^128 + x3
    movdqa    xmm4, [clmul_fold384]
    FOLD_LANE xmm0, xmm4, xmm5
    movdqa    xmm4, [clmul_fold256]
    FOLD_LANE xmm1, xmm4, xmm5
    movdqa    xmm4, [clmul_fold128]
    FOLD_LANE xmm2, xmm4, xmm5
    pxor      xmm0, xmm1
    pxor      xmm2, xmm3
    pxor      xmm0, xmm2
.loop16:
    cmp       countq, 16
    jb        .finish
    FOLD_LANE xmm0, xmm4, xmm5
    movdqu    xmm5, [srcq]
    pxor      xmm0, xmm5
    add       srcq, 16
    sub       countq, 16
    jmp       .loop16
.finish:
    movq      tmpq, xmm0
    xor       eax, eax
    crc32     rax, tmpq                     ; (H*x^64 + L) * x^32 mod P
    pextrq    tmpq, xmm0, 1
    crc32     rax, tmpq
    CRC32_BYTES rax, eax, srcq, countq
    RET
.short:
    CRC32_CHAIN rax, eax, srcq, countq
    RET
ENDFUNC
