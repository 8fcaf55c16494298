; cpu.asm - the service exports for CPU dispatch: the CPU's identification and the
; OS state. Part of the library and, through the AsmKernels.Build package, of every
; library a user builds, whose generated bindings choose kernels with them.
%include "abi.inc"

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

; void asmk_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t regs[4]);
;
; CPUID: regs = { eax, ebx, ecx, edx } of leaf, subleaf. The managed CPU
; detection calls it once per leaf at start-up: a native call needs no JIT,
; where the runtime's X86Base.CpuId is compiled on first use.
ISA any
FUNC asmk_cpuid, 3, 6, 0, leaf, subleaf, regs, s3, out, save ; slots 4, 5: neither ABI's rcx or rdx
    mov     outq, regsq             ; cpuid writes rdx, slot 2 on System V
    mov     saveq, rbx              ; and rbx, callee-saved on both ABIs
    mov     eax, leafd
    mov     ecx, subleafd           ; after eax: leaf is ecx on Win64
    cpuid
    mov     [outq], eax
    mov     [outq + 4], ebx
    mov     [outq + 8], ecx
    mov     [outq + 12], edx
    mov     rbx, saveq
    RET
ENDFUNC
