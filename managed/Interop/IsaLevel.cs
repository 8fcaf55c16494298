namespace AsmKernels;

/// <summary>
/// The instruction-set levels the kernels are written for, lowest first. A level is usable when
/// the CPU has its instructions, the OS saves its register state, the native library is loaded
/// and <c>ASMKERNELS_MAX_ISA</c> allows it.
/// </summary>
public enum IsaLevel
{
    /// <summary>Managed scalar code: runs everywhere, and is the reference for every other level.</summary>
    Scalar = 0,

    /// <summary>
    /// x86-64 with POPCNT: <c>asmk_popcount_popcnt</c>, <c>asmk_hamming_popcnt</c>, the SSE2
    /// increment cascade <c>asmk_increment_sse2</c>, and <c>asmk_crc32c_sse42</c> (which also needs
    /// SSE4.2). Also accepted as <c>sse2</c> or <c>sse42</c> where a level is parsed.
    /// </summary>
    Popcnt = 1,

    /// <summary>AVX2 (256-bit) kernels: <c>asmk_popcount_avx2</c>, <c>asmk_hamming_avx2</c>, <c>asmk_increment_avx2</c>.</summary>
    Avx2 = 2,

    /// <summary>
    /// AVX-512 kernels: <c>asmk_increment_avx512</c> needs AVX512F; <c>asmk_popcount_avx512</c> and
    /// <c>asmk_hamming_avx512</c> also need AVX512_VPOPCNTDQ.
    /// </summary>
    Avx512 = 3,
}

/// <summary>The operations the library implements.</summary>
public enum KernelOperation
{
    /// <summary>Number of set bits in an array (<see cref="BitOps.PopCount(ReadOnlySpan{ulong})"/>).</summary>
    PopCount,

    /// <summary>Number of differing bits between two arrays (<see cref="BitOps.HammingDistance(ReadOnlySpan{ulong}, ReadOnlySpan{ulong})"/>).</summary>
    HammingDistance,

    /// <summary>Add a value to every element, wrapping (<see cref="Int64Ops.IncrementBy(Span{long}, long)"/>).</summary>
    IncrementBy,

    /// <summary>CRC-32C (Castagnoli) of a byte array (<see cref="Checksums.Crc32C(ReadOnlySpan{byte}, uint)"/>).</summary>
    Crc32C,
}

/// <summary>Parsing and naming of <see cref="IsaLevel"/> values.</summary>
public static class IsaLevels
{
    /// <summary>Every level, lowest first.</summary>
    public static ReadOnlySpan<IsaLevel> All => [IsaLevel.Scalar, IsaLevel.Popcnt, IsaLevel.Avx2, IsaLevel.Avx512];

    /// <summary>The names <see cref="TryParse"/> accepts, as a comma-separated list for messages.</summary>
    public const string ValidNames = "scalar, popcnt (or sse2, sse42), avx2, avx512";

    /// <summary>The lower-case name of a level, as used by <c>ASMKERNELS_MAX_ISA</c> and the CLI.</summary>
    public static string Name(IsaLevel level) => level switch
    {
        IsaLevel.Scalar => "scalar",
        IsaLevel.Popcnt => "popcnt",
        IsaLevel.Avx2 => "avx2",
        IsaLevel.Avx512 => "avx512",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Unknown ISA level."),
    };

    /// <summary>Parses a level name (case-insensitive, surrounding white space ignored).</summary>
    /// <param name="text">One of <see cref="ValidNames"/>.</param>
    /// <param name="level">The level, when the name is valid.</param>
    /// <returns><see langword="true"/> when <paramref name="text"/> names a level.</returns>
    public static bool TryParse(string? text, out IsaLevel level)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "scalar": level = IsaLevel.Scalar; return true;
            case "popcnt" or "sse2" or "sse42": level = IsaLevel.Popcnt; return true;
            case "avx2": level = IsaLevel.Avx2; return true;
            case "avx512": level = IsaLevel.Avx512; return true;
            default: level = IsaLevel.Scalar; return false;
        }
    }
}
