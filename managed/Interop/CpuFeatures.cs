using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Text;

namespace AsmKernels;

/// <summary>
/// What the processor reports through CPUID and the OS through XCR0 (the register state it saves,
/// read by XGETBV in the native library), read once per process. This is the hardware's and the
/// OS's view, the same under the JIT, ReadyToRun and Native AOT; what the managed compiler targets
/// (and so what the managed vector loops use) is <see cref="ManagedVectorWidth"/>.
/// </summary>
public sealed class CpuFeatures
{
    /// <summary>The features of the processor this process runs on.</summary>
    public static CpuFeatures Current { get; } = Detect(NativeLibraryLoader.Result.Xcr0, NativeLibraryLoader.Result.CpuId);

    /// <summary><see langword="true"/> in a 64-bit x86 process, where CPUID and the native kernels exist.</summary>
    public bool IsX64 { get; private init; }

    /// <summary>CPUID vendor string, such as <c>GenuineIntel</c>; empty where CPUID is unavailable.</summary>
    public string Vendor => IsX64 ? Ascii(_vendor0, _vendor1, _vendor2) : "";

    /// <summary>The vendor is AMD (<c>AuthenticAMD</c>), compared without building the string.</summary>
    internal bool IsAmd => IsX64 && _vendor0 == 0x68747541 && _vendor1 == 0x69746E65 && _vendor2 == 0x444D4163;

    /// <summary>Whether CPUID names Intel ("GenuineIntel").</summary>
    internal bool IsIntel => IsX64 && _vendor0 == 0x756E6547 && _vendor1 == 0x49656E69 && _vendor2 == 0x6C65746E;

    // CPUID leaf 0's vendor (EBX, EDX, ECX) and leaf 1's EAX, as Detect read them: the properties
    // derive from these, so that nothing after start-up runs CPUID through the runtime (whose
    // X86Base.CpuId the JIT compiles on its first call; ReadyToRun code has none).
    private int _vendor0, _vendor1, _vendor2, _leaf1Eax;

    /// <summary>
    /// CPUID's display family (leaf 1: the base family, plus the extended family where the base is
    /// 15), such as 25 for AMD Zen 3 and Zen 4 and 26 for Zen 5, 6 for Intel's cores; 0 where CPUID
    /// is unavailable.
    /// </summary>
    public int Family => IsX64 ? DisplayFamily(_leaf1Eax) : 0;

    /// <summary>CPUID's display model (leaf 1: the base model, plus the extended model's 16s where the family is 6 or 15 and later); 0 where CPUID is unavailable.</summary>
    public int Model => IsX64 ? DisplayModel(_leaf1Eax) : 0;

    /// <summary>The display family of CPUID leaf 1's EAX.</summary>
    internal static int DisplayFamily(int eax)
    {
        int family = (eax >> 8) & 0xF;
        return family == 0xF ? family + ((eax >> 20) & 0xFF) : family;
    }

    /// <summary>The display model of CPUID leaf 1's EAX.</summary>
    internal static int DisplayModel(int eax)
    {
        int family = (eax >> 8) & 0xF, model = (eax >> 4) & 0xF;
        return family is 0x6 or 0xF ? model + (((eax >> 16) & 0xF) << 4) : model;
    }

    /// <summary>CPUID brand string, such as the processor's marketing name; empty where unavailable.</summary>
    public string Brand => IsX64 ? ReadBrand() : "";

    /// <summary>SSE2 (CPUID leaf 1, EDX bit 26): every x86-64 CPU.</summary>
    public bool Sse2 => Has(CpuFeature.Sse2);

    /// <summary>POPCNT (CPUID leaf 1, ECX bit 23).</summary>
    public bool Popcnt => Has(CpuFeature.Popcnt);

    /// <summary>SSE4.2, with the <c>crc32</c> instruction (CPUID leaf 1, ECX bit 20).</summary>
    public bool Sse42 => Has(CpuFeature.Sse42);

    /// <summary>PCLMULQDQ, carry-less multiplication on XMM registers (CPUID leaf 1, ECX bit 1).</summary>
    public bool Pclmulqdq => Has(CpuFeature.Pclmulqdq);

    /// <summary>AVX2 (CPUID leaf 7, EBX bit 5).</summary>
    public bool Avx2 => Has(CpuFeature.Avx2);

    /// <summary>AVX512F (CPUID leaf 7, EBX bit 16).</summary>
    public bool Avx512F => Has(CpuFeature.Avx512F);

    /// <summary>AVX512BW (CPUID leaf 7, EBX bit 30).</summary>
    public bool Avx512BW => Has(CpuFeature.Avx512BW);

    /// <summary>AVX512VL (CPUID leaf 7, EBX bit 31).</summary>
    public bool Avx512VL => Has(CpuFeature.Avx512VL);

    /// <summary>AVX512_VPOPCNTDQ (CPUID leaf 7, ECX bit 14).</summary>
    public bool Avx512Vpopcntdq => Has(CpuFeature.Avx512Vpopcntdq);

    /// <summary>VPCLMULQDQ, carry-less multiplication on YMM/ZMM registers (CPUID leaf 7, ECX bit 10).</summary>
    public bool Vpclmulqdq => Has(CpuFeature.Vpclmulqdq);

    /// <summary>AVX (CPUID leaf 1, ECX bit 28), which every ymm instruction and <c>vzeroupper</c> need.</summary>
    public bool Avx { get; private init; }

    /// <summary>The CPU has AVX and the OS saves the YMM state (OSXSAVE, XCR0 bits 1 and 2).</summary>
    public bool OsSavesYmm => Has(CpuFeature.OsYmm);

    /// <summary>The CPU has AVX512F and the OS saves the ZMM and mask state (XCR0 bits 5 to 7 too).</summary>
    public bool OsSavesZmm => Has(CpuFeature.OsZmm);

    /// <summary>XCR0 as XGETBV read it (0 when the OS has not enabled XSAVE), or null when it could not be read.</summary>
    public ulong? Xcr0 { get; private init; }

    /// <summary>
    /// Where <see cref="OsSavesYmm"/> and <see cref="OsSavesZmm"/> come from: XGETBV through the
    /// native library, or, when it is not loaded, the runtime's own view (under Native AOT, the
    /// instruction sets the binary was compiled for, not what the OS enables).
    /// </summary>
    public string OsStateSource => Xcr0 is null ? "the runtime's view (no native library to read XCR0)" : "XCR0 (XGETBV)";

    /// <summary>
    /// The widest vector the managed code of this process runs as hardware instructions: 512, 256,
    /// 128 or 0 bits (<see cref="System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated"/> and its
    /// kin). Under Native AOT it is what the binary was compiled for; the native kernels do not
    /// depend on it.
    /// </summary>
    public static int ManagedVectorWidth =>
        System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? 512
        : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? 256
        : System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated ? 128 : 0;

    /// <summary>Every feature present, as one mask.</summary>
    internal CpuFeature Mask { get; private init; }

    private bool Has(CpuFeature feature) => (Mask & feature) != 0;

    /// <summary>The features that are present, as the short lower-case names of <c>native/kernels.txt</c>.</summary>
    public IReadOnlyList<string> Names => NamesOf(Mask);

    /// <summary>The names of the features in <paramref name="mask"/>, lowest bit first.</summary>
    internal static List<string> NamesOf(CpuFeature mask)
    {
        var names = new List<string>();
        for (uint bit = 1; bit != 0 && bit <= (uint)KernelTable.LastFeature; bit <<= 1)
            if (((uint)mask & bit) != 0)
                names.Add(KernelTable.FeatureName((CpuFeature)bit));
        return names;
    }

    /// <summary>Why a kernel that needs <paramref name="feature"/> cannot run here.</summary>
    internal static string Missing(CpuFeature feature) => feature switch
    {
        CpuFeature.OsYmm => Current.Avx ? "the OS does not enable AVX state (YMM registers, XCR0)" : "this CPU has no AVX",
        CpuFeature.OsZmm => Current.Avx && (Current.Mask & CpuFeature.Avx512F) != 0
            ? "the OS does not enable AVX-512 state (ZMM and mask registers, XCR0)" : "this CPU has no AVX512F",
        _ => $"this CPU has no {KernelTable.FeatureName(feature).ToUpperInvariant()}",
    };

    /// <inheritdoc/>
    public override string ToString() => Mask == 0 ? "(none)" : string.Join(' ', Names);

    /// <summary>
    /// The features from CPUID (through the library's <paramref name="cpuId"/> routine, or the
    /// runtime's when it is 0) and <paramref name="xcr0"/> (null: unknown, the runtime's view instead).
    /// </summary>
    internal static unsafe CpuFeatures Detect(ulong? xcr0, nint cpuId = 0)
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64 || !X86Base.X64.IsSupported)
            return new CpuFeatures();

        int* regs = stackalloc int[4];
        CpuId(cpuId, 0, regs);
        int maxLeaf = regs[0], vendor0 = regs[1], vendor1 = regs[3], vendor2 = regs[2];
        CpuId(cpuId, 1, regs);
        int eax1 = regs[0], ecx1 = regs[2], edx1 = regs[3];
        int ebx7 = 0, ecx7 = 0;
        if (maxLeaf >= 7)
        {
            CpuId(cpuId, 7, regs);
            (ebx7, ecx7) = (regs[1], regs[2]);
        }

        // Which bit is which feature: one list in the generator (TableFile.CpuidBits), emitted here and into users' bindings.
        CpuFeature mask = KernelTable.CpuidFeatures(ecx1, edx1, ebx7, ecx7);
        bool avx = Bit(ecx1, 28);
        bool osYmm, osZmm;
        if (xcr0 is ulong state)
        {
            // XCR0 is readable only with OSXSAVE; without it the library returns 0.
            osYmm = KernelTable.OsFeatures(avx, ecx1, state, mask, out osZmm);
        }
        else
        {
            (osYmm, osZmm) = RuntimeView();
        }
        if (osYmm) mask |= CpuFeature.OsYmm;
        if (osZmm) mask |= CpuFeature.OsZmm;
        return new CpuFeatures
        {
            IsX64 = true, Avx = avx, Mask = mask, Xcr0 = xcr0,
            _vendor0 = vendor0, _vendor1 = vendor1, _vendor2 = vendor2, _leaf1Eax = eax1,
        };
    }

    /// <summary>CPUID leaf <paramref name="leaf"/>, subleaf 0, into eax, ebx, ecx, edx: the library's routine (machine code already) or the runtime's.</summary>
    private static unsafe void CpuId(nint native, int leaf, int* regs)
    {
        if (native != 0)
            ((delegate* unmanaged<uint, uint, int*, void>)native)((uint)leaf, 0, regs);
        else
            RuntimeCpuId(leaf, regs);
    }

    // Apart, so that the runtime's CPUID, compiled on its first call, is compiled only where the library is missing.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static unsafe void RuntimeCpuId(int leaf, int* regs) =>
        (regs[0], regs[1], regs[2], regs[3]) = X86Base.CpuId(leaf, 0);

    // Apart: a method that asks for AVX support is compiled again by the JIT on AVX machines
    // instead of running its ReadyToRun code, and Detect is on every process's start-up path.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static (bool OsYmm, bool OsZmm) RuntimeView() =>
        (System.Runtime.Intrinsics.X86.Avx.IsSupported, System.Runtime.Intrinsics.X86.Avx512F.IsSupported);

    private static bool Bit(int register, int bit) => (register & (1 << bit)) != 0;

    private static string ReadBrand()
    {
        (int maxExtended, _, _, _) = X86Base.CpuId(unchecked((int)0x80000000), 0);
        if ((uint)maxExtended < 0x80000004)
            return "";
        var sb = new StringBuilder(48);
        for (uint leaf = 0x80000002; leaf <= 0x80000004; leaf++)
        {
            (int a, int b, int c, int d) = X86Base.CpuId(unchecked((int)leaf), 0);
            sb.Append(Ascii(a, b, c, d));
        }
        return sb.ToString().Trim();
    }

    private static string Ascii(params ReadOnlySpan<int> registers)
    {
        Span<byte> bytes = stackalloc byte[registers.Length * 4];
        for (int i = 0; i < registers.Length; i++)
            BitConverter.TryWriteBytes(bytes[(4 * i)..], registers[i]);
        int end = bytes.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? bytes : bytes[..end]);
    }
}
