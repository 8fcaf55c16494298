; broken.asm - deliberately broken routines, built only into the
; harness, for its self-test (`checkasm --selftest`): each must be caught. The
; five popcount routines count bits correctly and the CRC one computes CRC-32C,
; so only the harness's ABI, memory and argument checks can tell them apart from
; a good routine.
%include "abi.inc"

; Scalar popcount of src[0..count): the correct part of every broken routine.
%macro COUNT_WORDS 0
    xor      eax, eax
    test     countq, countq
    jz       .done
.loop1:
    popcnt   tmpq, [srcq]
    add      rax, tmpq
    add      srcq, 8
    dec      countq
    jnz      .loop1
.done:
%endmacro

; uint64_t broken_clobber_rbx(const uint64_t *data, size_t count);
; Defect: writes rbx, which both conventions make callee-saved.
ISA POPCNT
FUNC broken_clobber_rbx, 2, 3, 0, src, count, tmp
    mov      rbx, srcq
    COUNT_WORDS
    RET
ENDFUNC

; uint64_t broken_no_vzeroupper(const uint64_t *data, size_t count);
; Defect: leaves the upper halves of ymm0 in use (no vzeroupper before ret).
; `ISA any`: the layer would add the vzeroupper to a VEX routine's RET, so this
; one stands for a routine written without it.
ISA any
FUNC broken_no_vzeroupper, 2, 3, 1, src, count, tmp
    vcmpps   ymm0, ymm0, ymm0, 15                ; predicate TRUE: all ones, upper half too
    COUNT_WORDS
    RET
ENDFUNC

; uint64_t broken_overread(const uint64_t *data, size_t count);
; Defect: reads the word just past the end (and src[0] when count is 0).
ISA POPCNT
FUNC broken_overread, 2, 3, 0, src, count, tmp
    COUNT_WORDS
    mov      tmpq, [srcq]                         ; one word past the end
    RET
ENDFUNC

; uint64_t broken_push_no_unwind(const uint64_t *data, size_t count);
; Defect: pushes rbx (and restores it) without unwind data, so on Win64 a
; stack walk from inside it takes the saved rbx for the return address.
ISA POPCNT
FUNC broken_push_no_unwind, 2, 3, 0, src, count, tmp
    push     rbx
    COUNT_WORDS
    pop      rbx
    RET
ENDFUNC

; uint64_t broken_unclean_entry(const uint64_t *data, size_t count);
; Defect: checkasm registers it as a legacy kernel's clean entry (entered with a
; dirty upper state, as a .NET function-pointer call enters), but it runs no
; vzeroupper, so the dirty state is still there when it returns.
ISA POPCNT
FUNC broken_unclean_entry, 2, 3, 0, src, count, tmp
    COUNT_WORDS
    RET
ENDFUNC

; uint32_t broken_crc_wide_arg(uint32_t crc, const void *data, size_t count);
; Defect: takes the 32-bit argument crc as a 64-bit register, so for count 0 whatever the caller
; left in its upper half comes back in rax (the harness dirties it); otherwise a correct CRC-32C.
ISA SSE42
FUNC broken_crc_wide_arg, 3, 3, 0, crc, src, count
    mov      rax, crcq                           ; should be: mov eax, crcd
    test     countq, countq
    jz       .done
.loop:
    crc32    eax, byte [srcq]
    inc      srcq
    dec      countq
    jnz      .loop
.done:
    RET
ENDFUNC

; uint64_t broken_popcount_long(const uint64_t *data, size_t count);
; Defect: one too many, only for the lengths above 300 with count % 8 == 5 and
; only when data starts 40 bytes into a cache line: outside every case of
; checkasm's sweep (every length to 300, then 1000, 4096 and 65537), so the
; sweep passes it; native/tests/fuzz's popcount target must find it.
ISA POPCNT
FUNC broken_popcount_long, 2, 5, 0, src, count, tmp, n, at
    mov      nq, countq
    mov      atq, srcq
    COUNT_WORDS
    cmp      nq, 300
    jbe      .right
    and      nd, 7
    cmp      nd, 5
    jne      .right
    and      atd, 63
    cmp      atd, 40
    jne      .right
    inc      rax                                  ; the defect
.right:
    RET
ENDFUNC
