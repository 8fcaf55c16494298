; crc32c_pclmul.asm - CRC-32C by three interleaved crc32 chains, merged by carry-less multiply
; (SSE4.2 and PCLMULQDQ, no wider registers).
;
; One crc32 waits 3 cycles for the one before, but a core starts one every cycle: three
; independent chains over three consecutive parts of a block keep it busy. The three CRC registers
; are then merged, each moved to the end of the block by a multiply modulo P (SHIFT_CONST in
; crc32c.inc). Folding 16-byte lanes with PCLMULQDQ would need two multiplies per 16 bytes,
; which on CPUs that start one multiply every other cycle is slower than the chains.
%include "abi.inc"
%include "crc32c.inc"

RODATA
align 16
clmul_shift2048: SHIFT_CONST 2048
clmul_shift1024: SHIFT_CONST 1024
clmul_shift128:  SHIFT_CONST 128
clmul_shift64:   SHIFT_CONST 64

; THREE_WAY part, shift2, shift1: while at least 3 * part bytes are left, feed them as three
; chains of part bytes each (eax, c1, c2) and merge the chains into eax. shift2 and shift1 are the
; constants moving a register 2 * part and part bytes on.
%macro THREE_WAY 3
%%block:
    cmp       countq, 3 * (%1)
    jb        %%done
    xor       c1d, c1d
    xor       c2d, c2d
    add       srcq, %1
    mov       idxq, -(%1)                   ; counts up to zero through the first part
%%chains:
    crc32     rax, qword [srcq + idxq]
    crc32     c1q, qword [srcq + idxq + (%1)]
    crc32     c2q, qword [srcq + idxq + 2 * (%1)]
    add       idxq, 8
    jnz       %%chains
    movd      xmm0, eax
    pclmulqdq xmm0, [%2], 0x00              ; the first chain, 2 * part bytes on
    movd      xmm1, c1d
    pclmulqdq xmm1, [%3], 0x00              ; the second, part bytes on
    pxor      xmm0, xmm1
    movq      idxq, xmm0
    xor       eax, eax
    crc32     rax, idxq                     ; reduces both products modulo P at once
    xor       eax, c2d
    add       srcq, 2 * (%1)
    sub       countq, 3 * (%1)
    jmp       %%block
%%done:
%endmacro

; uint32_t asmk_crc32c_pclmul(uint32_t crc, const void *data, size_t count);
;
; Same contract as asmk_crc32c_sse42 (raw register, no inversions). Blocks of 3 x 1024 bytes,
; then blocks of 3 x 64 bytes, as three chains each; the last 0-191 bytes in one chain.
; Unaligned loads; no byte outside [data, data + count) is read.
FUNC asmk_crc32c_pclmul, 3, 6, 2, crc, src, count, c1, c2, idx
    mov       eax, crcd
    THREE_WAY 1024, clmul_shift2048, clmul_shift1024
    THREE_WAY 64, clmul_shift128, clmul_shift64
    CRC32_CHAIN rax, eax, srcq, countq
    RET
ENDFUNC
