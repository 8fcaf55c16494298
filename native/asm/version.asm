; version.asm - the service export for the version of the native contract (the
; CPU's identification and the OS state: cpu.asm).
%include "abi.inc"

; uint32_t asmk_abi_version(void);
;
; Bumped whenever an export is added, removed or changes meaning; the managed
; side refuses a library whose version it does not expect.
ISA any
FUNC asmk_abi_version, 0, 0, 0
    mov     eax, ASMK_ABI_VERSION   ; from native/kernels.txt (-D by CMake)
    RET
ENDFUNC
