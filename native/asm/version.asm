; version.asm - the service exports: the version of the native contract, and the OS state.
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

; uint64_t asmk_os_xcr0(void);
;
; XCR0, the register state the OS saves with XSAVE (bit 1 SSE, 2 AVX, 5-7
; AVX-512), or 0 when the OS has not enabled XSAVE (CPUID.1:ECX.OSXSAVE, bit
; 27, clear: XGETBV would fault). Whether a kernel's ymm or zmm registers
; survive a context switch depends on this, not on the CPU alone; it is read
; here because a managed runtime only reports its own view (what its compiler
; targets), not the OS's.
ISA any
FUNC asmk_os_xcr0, 0, 5, 0, s0, s1, s2, s3, save ; slot 4: neither ABI's rcx or rdx
    mov     saveq, rbx              ; cpuid writes rbx, callee-saved on both ABIs
    mov     eax, 1
    cpuid
    mov     rbx, saveq
    xor     eax, eax
    bt      ecx, 27                 ; OSXSAVE
    jnc     .done
    xor     ecx, ecx
    xgetbv                          ; edx:eax = XCR0
    shl     rdx, 32
    or      rax, rdx
.done:
    RET
ENDFUNC
