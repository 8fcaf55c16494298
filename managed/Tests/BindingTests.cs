using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AsmKernels.Tests;

/// <summary>
/// How kernels are entered and chosen: legacy-SSE kernels through their clean entry on AVX CPUs
/// (.NET emits no vzeroupper before a function-pointer call), and eligibility from CPUID and XCR0
/// as the hardware and the OS report them, not from what the runtime's compiler targets.
/// </summary>
public unsafe class BindingTests
{
    private static string ProbeLibrary =>
        Path.Combine(typeof(Reference).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!,
            "build", "native", "tests", "libasmk_probe.so");

    /// <summary>XGETBV with ECX = 1 (XINUSE): CPUID.(EAX=0Dh,ECX=1):EAX bit 2, with OSXSAVE.</summary>
    private static bool HasXinuse =>
        X86Base.IsSupported && (X86Base.CpuId(1, 0).Ecx & (1 << 27)) != 0 && (X86Base.CpuId(0xD, 1).Eax & 4) != 0;

    [SkippableFact]
    public void A_legacy_SSE_routine_bound_like_a_kernel_is_entered_clean_right_after_Vector256_code()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && File.Exists(ProbeLibrary), $"needs {ProbeLibrary} (./build.sh builds it on Linux)");
        Skip.IfNot(Kernels.Cpu.OsSavesYmm && HasXinuse, "needs AVX with the OS's YMM state and XGETBV(1) to observe the upper state");
        Skip.IfNot(Vector256.IsHardwareAccelerated, "the JIT emits no 256-bit code here (DOTNET_EnableAVX=0 or similar), so nothing dirties the state");
        nint handle = NativeLibrary.Load(ProbeLibrary);
        try
        {
            nint plain = NativeLibrary.GetExport(handle, "asmk_probe_xinuse");
            nint clean = NativeLibrary.GetExport(handle, "asmk_probe_xinuse" + KernelTable.CleanEntrySuffix);
            nint bound = Dispatch.Bind(plain, clean);
            Vector256<ulong> seed = Vector256.Create(1UL, 2, 3, 4);

            // The premise: managed Vector256 code leaves the upper state dirty at the call.
            uint dirty = AfterVector256(plain, seed, out Vector256<ulong> r1);
            Assert.True(dirty != 0, "the plain entry saw a clean upper state: the runtime now cleans it before function-pointer calls");

            Assert.Equal(0u, AfterVector256(bound, seed, out Vector256<ulong> r2));
            Assert.Equal(0u, AfterVector256Fast(bound, seed, out Vector256<ulong> r3));
            Assert.Equal(r1, r2);
            Assert.Equal(r1, r3);
        }
        finally
        {
            NativeLibrary.Free(handle);
        }
    }

    // Vector256 work, the call, and a use of the vector after it, in one method: the JIT's
    // vzeroupper in the prolog and epilog of AVX methods does not fall between them.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static uint AfterVector256(nint fn, Vector256<ulong> seed, out Vector256<ulong> result)
    {
        Vector256<ulong> v = Vector256.Add(seed, Vector256.Create(0x0101_0101_0101_0101UL)) * seed;
        uint xinuse = ((delegate* unmanaged<uint>)fn)();
        result = v + seed;
        return xinuse;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static uint AfterVector256Fast(nint fn, Vector256<ulong> seed, out Vector256<ulong> result)
    {
        Vector256<ulong> v = Vector256.Add(seed, Vector256.Create(0x0101_0101_0101_0101UL)) * seed;
        uint xinuse = ((delegate* unmanaged[SuppressGCTransition]<uint>)fn)();
        result = v + seed;
        return xinuse;
    }

    [SkippableFact]
    public void Every_legacy_SSE_kernel_is_bound_through_its_clean_entry_on_an_AVX_CPU()
    {
        Skip.IfNot(Kernels.NativeLibraryLoaded, $"the native library is not loaded: {Kernels.NativeLibraryError}");
        Skip.IfNot(Kernels.Cpu.OsSavesYmm, "this CPU (or OS) has no AVX: legacy kernels are entered as they are");
        int legacy = 0;
        for (int k = 0; k < KernelTable.Count; k++)
        {
            bool vex = (KernelTable.Needs(k) & (CpuFeature.OsYmm | CpuFeature.OsZmm)) != 0;
            Assert.Equal(!vex, KernelTable.CleanEntry(k) is not null);
            if (vex)
            {
                Assert.Equal(Dispatch.Native.Address(k), Dispatch.EntryOf(k));
                continue;
            }
            legacy++;
            Assert.Equal(NativeLibrary.GetExport(Dispatch.Native.Handle, KernelTable.Name(k) + KernelTable.CleanEntrySuffix), Dispatch.EntryOf(k));
            // The clean entry is vzeroupper (C5 F8 77) falling into the kernel.
            byte* entry = (byte*)Dispatch.EntryOf(k);
            Assert.Equal(new byte[] { 0xC5, 0xF8, 0x77 }, new ReadOnlySpan<byte>(entry, 3).ToArray());
            Assert.Equal(Dispatch.Native.Address(k), (nint)(entry + 3));
        }
        Assert.True(legacy > 0);
    }

    [SkippableFact]
    public void Cpu_features_are_the_hardware_and_OS_view_of_proc_cpuinfo()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && File.Exists("/proc/cpuinfo"), "needs Linux's /proc/cpuinfo");
        Skip.IfNot(Kernels.NativeLibraryLoaded, $"XCR0 is read through the native library, which is not loaded: {Kernels.NativeLibraryError}");
        string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal));
        Skip.If(line is null, "/proc/cpuinfo has no flags line");
        var flags = line![(line.IndexOf(':') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        CpuFeatures cpu = Kernels.Cpu;
        Assert.Equal("XCR0 (XGETBV)", cpu.OsStateSource);
        Assert.NotNull(cpu.Xcr0);
        Assert.Equal(flags.Contains("sse2"), cpu.Sse2);
        Assert.Equal(flags.Contains("popcnt"), cpu.Popcnt);
        Assert.Equal(flags.Contains("sse4_2"), cpu.Sse42);
        Assert.Equal(flags.Contains("pclmulqdq"), cpu.Pclmulqdq);
        Assert.Equal(flags.Contains("avx2"), cpu.Avx2);
        Assert.Equal(flags.Contains("avx512f"), cpu.Avx512F);
        Assert.Equal(flags.Contains("avx512bw"), cpu.Avx512BW);
        Assert.Equal(flags.Contains("avx512vl"), cpu.Avx512VL);
        Assert.Equal(flags.Contains("avx512_vpopcntdq"), cpu.Avx512Vpopcntdq);
        Assert.Equal(flags.Contains("vpclmulqdq"), cpu.Vpclmulqdq);
        // Linux lists avx and avx512f only when it saves their state.
        Assert.Equal(flags.Contains("avx"), cpu.OsSavesYmm);
        Assert.Equal(flags.Contains("avx512f"), cpu.OsSavesZmm);
    }

    [SkippableFact]
    public void The_OS_state_comes_from_XCR0_not_from_the_runtime()
    {
        const ulong sse = 0x2, ymm = 0x6, zmm = 0xE6;
        CpuFeatures real = Kernels.Cpu;
        Skip.IfNot(real.IsX64, "needs an x86-64 process");
        // No XCR0 bits: no wide state, whatever the runtime targets.
        Assert.False(CpuFeatures.Detect(sse).OsSavesYmm);
        Assert.False(CpuFeatures.Detect(0).OsSavesZmm);
        Assert.Equal(real.Avx, CpuFeatures.Detect(ymm).OsSavesYmm);
        Assert.False(CpuFeatures.Detect(ymm).OsSavesZmm);
        Assert.Equal(real.Avx512F && real.Avx, CpuFeatures.Detect(zmm).OsSavesZmm);
        // A missing state is blamed on the OS (or the CPU), never on the runtime.
        Assert.DoesNotContain("runtime", CpuFeatures.Missing(CpuFeature.OsYmm));
        Assert.DoesNotContain("runtime", CpuFeatures.Missing(CpuFeature.OsZmm));
    }

    [SkippableFact]
    public unsafe void The_library_CPUID_reads_what_the_runtime_CPUID_reads()
    {
        NativeLoadResult native = NativeLibraryLoader.Result;
        Skip.IfNot(native.Loaded, $"needs the native library: {native.Error}");
        var cpuId = (delegate* unmanaged<uint, uint, int*, void>)native.CpuId;
        int* regs = stackalloc int[4];
        foreach ((int leaf, int subleaf) in new[] { (0, 0), (1, 0), (7, 0), (7, 1), (unchecked((int)0x80000000), 0) })
        {
            // Dirty upper halves: the routine must read only the low 32 bits of each argument.
            ((delegate* unmanaged<ulong, ulong, int*, void>)native.CpuId)(0xDEAD_BEEF_0000_0000UL | (uint)leaf, 0xFFFF_FFFF_0000_0000UL | (uint)subleaf, regs);
            (int a, int b, int c, int d) = System.Runtime.Intrinsics.X86.X86Base.CpuId(leaf, subleaf);
            // Leaf 1's EBX holds the APIC id of the core it ran on: compare the rest.
            int bMask = leaf == 1 ? 0x00FF_FFFF : -1;
            Assert.Equal((a, b & bMask, c, d), (regs[0], regs[1] & bMask, regs[2], regs[3]));
            cpuId((uint)leaf, (uint)subleaf, regs);
            Assert.Equal((a, b & bMask, c, d), (regs[0], regs[1] & bMask, regs[2], regs[3]));
        }
        Assert.Equal(CpuFeatures.Detect(native.Xcr0, 0).Mask, CpuFeatures.Detect(native.Xcr0, native.CpuId).Mask);
        Assert.Equal(CpuFeatures.Detect(native.Xcr0, 0).Mask, Kernels.Cpu.Mask);
    }
}
