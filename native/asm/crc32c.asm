; crc32c.asm - CRC-32C (Castagnoli) with the SSE4.2 crc32 instruction.
;
; Ported from a classic 32-bit cdecl routine (arguments on the stack, state in
; a global); docs/porting.md walks through the port step by step.
%include "abi.inc"

; uint32_t asmk_crc32c_sse42(uint32_t crc, const void *data, size_t count);
;
; Feeds count bytes into the CRC register crc and returns it: reflected
; polynomial 0x82F63B78, no inversion on entry or exit (the standard CRC-32C
; of a message is ~asmk_crc32c_sse42(~0, data, count)), so a long message can
; be fed in pieces. Single bytes until data is 8-byte aligned, then one crc32
; per 8 bytes, four per iteration; the last 0-7 bytes one at a time. Every
; crc32 depends on the one before (3 cycles of latency each), so this runs at
; about 8 bytes per 3 cycles whatever the unrolling; the unrolling only takes
; the loop overhead off that chain.
FUNC asmk_crc32c_sse42, 3, 4, 0, crc, src, count, end
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
    mov      endq, countq
    and      endq, -32
    add      endq, srcq            ; end of the whole 32-byte blocks
    and      countq, 31            ; bytes after them
    cmp      srcq, endq
    je       .loop8_entry
.loop32:
    crc32    rax, qword [srcq]     ; crc32 r64 zero-extends its 32-bit result
    crc32    rax, qword [srcq + 8]
    crc32    rax, qword [srcq + 16]
    crc32    rax, qword [srcq + 24]
    add      srcq, 32
    cmp      srcq, endq
    jne      .loop32
.loop8_entry:
    cmp      countq, 8
    jb       .tail
.loop8:
    crc32    rax, qword [srcq]
    add      srcq, 8
    sub      countq, 8
    cmp      countq, 8
    jae      .loop8
.tail:
    test     countq, countq
    jz       .done
.loop1:
    crc32    eax, byte [srcq]
    inc      srcq
    dec      countq
    jnz      .loop1
.done:
    RET
ENDFUNC
