; probe_xinuse.asm - libasmk_probe: a test-only routine that reports the upper vector state it
; was entered with, assembled as a legacy-SSE routine so that abi.inc gives it the clean entry
; every legacy-SSE kernel has. The managed tests bind it exactly as the library binds a legacy
; kernel and call it right after Vector256 code: through the clean entry it must see a clean
; upper state, through the plain entry (the premise) a dirty one.
%include "abi.inc"

; uint32_t asmk_probe_xinuse(void);
; XINUSE bit 2 at entry: nonzero when the upper halves of the ymm registers are in use. Needs
; XGETBV with ECX = 1 (CPUID.(EAX=0Dh,ECX=1):EAX bit 2).
ISA SSE2
FUNC asmk_probe_xinuse, 0, 4, 0
    mov      ecx, 1
    xgetbv                                  ; edx:eax = XINUSE
    and      eax, 4
    RET
ENDFUNC
