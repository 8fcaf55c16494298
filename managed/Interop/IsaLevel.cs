namespace AsmKernels;

/// <summary>
/// Instruction-set levels, lowest first: what <c>ASMKERNELS_MAX_ISA</c> caps and what the explicit
/// entry points of <see cref="Kernels"/> name. Each level stands for a set of CPU features (the
/// x86-64 microarchitecture levels); a kernel belongs to the lowest level whose set holds every
/// feature the kernel needs, and may run where the CPU and the OS have exactly those features.
/// </summary>
public enum IsaLevel
{
    /// <summary>Managed code: runs everywhere, and is the reference for every other level.</summary>
    Scalar = 0,

    /// <summary>The x86-64 baseline: SSE2.</summary>
    Sse2 = 1,

    /// <summary>x86-64-v2: SSE4.2 and POPCNT, with PCLMULQDQ.</summary>
    Sse42 = 2,

    /// <summary>x86-64-v3: AVX2, with VPCLMULQDQ on YMM registers; the OS saves YMM state.</summary>
    Avx2 = 3,

    /// <summary>x86-64-v4: AVX-512 (F, BW, VL, VPOPCNTDQ); the OS saves ZMM state.</summary>
    Avx512 = 4,
}

/// <summary>Parsing and naming of <see cref="IsaLevel"/> values.</summary>
public static class IsaLevels
{
    /// <summary>Every level, lowest first.</summary>
    public static ReadOnlySpan<IsaLevel> All => [IsaLevel.Scalar, IsaLevel.Sse2, IsaLevel.Sse42, IsaLevel.Avx2, IsaLevel.Avx512];

    /// <summary>Every operation, in declaration order.</summary>
    public static IReadOnlyList<KernelOperation> Operations => Enum.GetValues<KernelOperation>();

    /// <summary>The names <see cref="TryParse"/> accepts, as a list for messages.</summary>
    public const string ValidNames =
        "scalar; sse2 (x86-64, x86-64-v1); sse4.2 (sse42, sse4_2, popcnt, x86-64-v2); avx2 (avx, x86-64-v3); avx512 (avx-512, avx512f, x86-64-v4)";

    /// <summary>The lower-case name of a level, as used by <c>ASMKERNELS_MAX_ISA</c> and the CLI.</summary>
    /// <param name="level">The level.</param>
    /// <returns><c>scalar</c>, <c>sse2</c>, <c>sse4.2</c>, <c>avx2</c> or <c>avx512</c>.</returns>
    public static string Name(IsaLevel level) => level switch
    {
        IsaLevel.Scalar => "scalar",
        IsaLevel.Sse2 => "sse2",
        IsaLevel.Sse42 => "sse4.2",
        IsaLevel.Avx2 => "avx2",
        IsaLevel.Avx512 => "avx512",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Unknown ISA level."),
    };

    /// <summary>
    /// Parses a level name: case-insensitive, surrounding white space ignored, with the common
    /// spellings (<c>sse42</c>, <c>AVX-512</c>, <c>x86-64-v3</c>, ...) and <c>popcnt</c> (the
    /// POPCNT kernels' level) accepted.
    /// </summary>
    /// <param name="text">One of <see cref="ValidNames"/>.</param>
    /// <param name="level">The level, when the name is valid.</param>
    /// <returns><see langword="true"/> when <paramref name="text"/> names a level.</returns>
    public static bool TryParse(string? text, out IsaLevel level)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "scalar" or "none" or "managed": level = IsaLevel.Scalar; return true;
            case "sse2" or "x86-64" or "x86-64-v1" or "x86_64" or "baseline": level = IsaLevel.Sse2; return true;
            case "sse4.2" or "sse42" or "sse4_2" or "sse4" or "popcnt" or "x86-64-v2": level = IsaLevel.Sse42; return true;
            case "avx2" or "avx" or "x86-64-v3": level = IsaLevel.Avx2; return true;
            case "avx512" or "avx-512" or "avx_512" or "avx512f" or "x86-64-v4": level = IsaLevel.Avx512; return true;
            default: level = IsaLevel.Scalar; return false;
        }
    }

    /// <summary>The features a level stands for: a kernel that needs only these may run under it.</summary>
    internal static CpuFeature Features(IsaLevel level) => level switch
    {
        IsaLevel.Scalar => CpuFeature.None,
        IsaLevel.Sse2 => CpuFeature.Sse2,
        IsaLevel.Sse42 => Features(IsaLevel.Sse2) | CpuFeature.Popcnt | CpuFeature.Sse42 | CpuFeature.Pclmulqdq,
        IsaLevel.Avx2 => Features(IsaLevel.Sse42) | CpuFeature.Avx2 | CpuFeature.Vpclmulqdq | CpuFeature.OsYmm,
        IsaLevel.Avx512 => Features(IsaLevel.Avx2) | CpuFeature.Avx512F | CpuFeature.Avx512BW | CpuFeature.Avx512VL
                           | CpuFeature.Avx512Vpopcntdq | CpuFeature.OsZmm,
        _ => CpuFeature.None,
    };

    /// <summary>The lowest level whose features hold <paramref name="needs"/>.</summary>
    internal static IsaLevel Of(CpuFeature needs)
    {
        for (IsaLevel level = IsaLevel.Sse2; level < IsaLevel.Avx512; level++)
            if ((needs & ~Features(level)) == 0)
                return level;
        return IsaLevel.Avx512;
    }
}
