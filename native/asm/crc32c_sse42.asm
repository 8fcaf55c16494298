; crc32c_sse42.asm - CRC-32C (Castagnoli) with the SSE4.2 crc32 instruction.
;
; Ported from a classic 32-bit cdecl routine (arguments on the stack, state in
; a global); docs/porting.md walks through the port step by step.
%include "abi.inc"
%include "crc32c.inc"

; uint32_t asmk_crc32c_sse42(uint32_t crc, const void *data, size_t count);
;
; Feeds count bytes into the CRC register crc and returns it: reflected
; polynomial 0x82F63B78, no inversion on entry or exit (the standard CRC-32C
; of a message is ~asmk_crc32c_sse42(~0, data, count)), so a long message can
; be fed in pieces. Single bytes until data is 8-byte aligned, then one crc32
; per 8 bytes, four per iteration (CRC32_CHAIN, crc32c.inc); the last 0-7
; bytes as 4, 2 and 1. Every
; crc32 depends on the one before (3 cycles of latency each), so this runs at
; about 8 bytes per 3 cycles whatever the unrolling; the unrolling only takes
; the loop overhead off that chain.
FUNC asmk_crc32c_sse42, 3, 3, 0, crc, src, count
    mov      eax, crcd
    test     countq, countq
    jz       .done
.align:
    test     srcq, 7               ; aligned yet?
    jz       .aligned
    crc32    eax, byte [srcq]
    inc      srcq
    dec      countq
    jnz      .align
    RET
.aligned:
    CRC32_CHAIN rax, eax, srcq, countq ; crc32 r64 zero-extends its 32-bit result
.done:
    RET
ENDFUNC
