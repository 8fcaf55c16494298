using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Text;

namespace AsmKernels;

/// <summary>
/// What the processor reports through CPUID, combined with the runtime's own checks that the OS
/// saves the wider register state. Read once per process.
/// </summary>
public sealed class CpuFeatures
{
    /// <summary>The features of the processor this process runs on.</summary>
    public static CpuFeatures Current { get; } = Detect();

    /// <summary><see langword="true"/> in a 64-bit x86 process, where CPUID and the native kernels exist.</summary>
    public bool IsX64 { get; private init; }

    /// <summary>CPUID vendor string, such as <c>GenuineIntel</c>; empty where CPUID is unavailable.</summary>
    public string Vendor { get; private init; } = "";

    /// <summary>CPUID brand string, such as the processor's marketing name; empty where unavailable.</summary>
    public string Brand { get; private init; } = "";

    /// <summary>CPUID leaf 1, ECX bit 23.</summary>
    public bool Popcnt { get; private init; }

    /// <summary>SSE4.2 (the <c>crc32</c> instruction).</summary>
    public bool Sse42 { get; private init; }

    /// <summary>CPUID leaf 7, EBX bit 5.</summary>
    public bool Avx2 { get; private init; }

    /// <summary>CPUID leaf 7, EBX bit 16.</summary>
    public bool Avx512F { get; private init; }

    /// <summary>CPUID leaf 7, EBX bit 30.</summary>
    public bool Avx512BW { get; private init; }

    /// <summary>CPUID leaf 7, ECX bit 14.</summary>
    public bool Avx512Vpopcntdq { get; private init; }

    /// <summary>The OS saves YMM state and the runtime allows AVX2 (<see cref="System.Runtime.Intrinsics.X86.Avx2.IsSupported"/>).</summary>
    public bool OsSavesYmm { get; private init; }

    /// <summary>The OS saves ZMM state and the runtime allows AVX-512 (<see cref="System.Runtime.Intrinsics.X86.Avx512F.IsSupported"/>).</summary>
    public bool OsSavesZmm { get; private init; }

    /// <summary>The CPU features that are present, as short lower-case names.</summary>
    public IReadOnlyList<string> Names
    {
        get
        {
            var names = new List<string>();
            if (Popcnt) names.Add("popcnt");
            if (Sse42) names.Add("sse4.2");
            if (Avx2) names.Add("avx2");
            if (Avx512F) names.Add("avx512f");
            if (Avx512BW) names.Add("avx512bw");
            if (Avx512Vpopcntdq) names.Add("avx512_vpopcntdq");
            if (OsSavesYmm) names.Add("os-ymm");
            if (OsSavesZmm) names.Add("os-zmm");
            return names;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Names.Count == 0 ? "(none)" : string.Join(' ', Names);

    private static CpuFeatures Detect()
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64 || !X86Base.X64.IsSupported)
            return new CpuFeatures();

        (int maxLeaf, int vb, int vc, int vd) = X86Base.CpuId(0, 0);
        (_, _, int ecx1, _) = X86Base.CpuId(1, 0);
        int ebx7 = 0, ecx7 = 0;
        if (maxLeaf >= 7)
            (_, ebx7, ecx7, _) = X86Base.CpuId(7, 0);

        return new CpuFeatures
        {
            IsX64 = true,
            Vendor = Ascii(vb, vd, vc),
            Brand = ReadBrand(),
            Popcnt = Bit(ecx1, 23),
            Sse42 = Bit(ecx1, 20),
            Avx2 = Bit(ebx7, 5),
            Avx512F = Bit(ebx7, 16),
            Avx512BW = Bit(ebx7, 30),
            Avx512Vpopcntdq = Bit(ecx7, 14),
            OsSavesYmm = System.Runtime.Intrinsics.X86.Avx2.IsSupported,
            OsSavesZmm = System.Runtime.Intrinsics.X86.Avx512F.IsSupported,
        };
    }

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
