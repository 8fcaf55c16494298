namespace AsmKernels;

/// <summary>
/// Input lengths (in elements) at which the public API moves from one implementation to the next:
/// below them the cheaper path is at least as fast.
/// </summary>
/// <remarks>
/// Measured with <c>asmkernels crossover</c> (run with <c>DOTNET_TieredPGO=0</c>, as the benchmarks
/// are), which times, in one run, the managed scalar loop against the managed vector loop at lengths
/// 1..64, the managed vector loop against the kernel dispatch selects (call and level check
/// included) at 1..64 for PopCount and HammingDistance and from 64 to 16M elements for IncrementBy.
/// On an AVX-512 Xeon (Sapphire Rapids), with the AVX-512 kernels, three runs gave:
/// <list type="bullet">
/// <item>PopCount and HammingDistance, scalar to vector: the vector loop (one call, then four words
/// per step) is 1.2–2.3× the scalar loop from 4 elements, one whole vector, in all three runs; 4.
/// Below that it would only run the scalar tail after a call.</item>
/// <item>PopCount and HammingDistance, vector to native: the kernel wins from 48 elements
/// (PopCount 48, 48 and a flat 0.98–1.09 from 48 to 64 in the third run; Hamming 44, 48, 48),
/// and two more runs after the vector loop's last change gave PopCount 44 and 48, Hamming 40 and
/// 44, the kernel at least 1.1× ahead from 48 in both; 48. The kernels pay for the call, zeroing accumulators, a horizontal reduction, masked ends
/// and <c>vzeroupper</c>; from 256 elements they are several times faster.</item>
/// <item>IncrementBy, scalar to vector: 12, 11 and 44 (one noisy ratio of 0.99 at 40); 12.</item>
/// <item>IncrementBy, vector to native: the two are within 5% of each other from 4,096 to 4M
/// elements (both align their stores and run four vectors per iteration) and the kernel is ahead
/// at 16M in two runs of three (1.20×); 4M. Unlike <c>TensorPrimitives.Add</c>, neither switches
/// to non-temporal stores, which is what keeps both fast at 64K..1M.</item>
/// </list>
/// </remarks>
internal static class Thresholds
{
    public const int PopCountVector = 4;
    public const int PopCountNative = 48;
    public const int HammingVector = 4;
    public const int HammingNative = 48;
    public const int IncrementVector = 12;
    public const int IncrementNative = 1 << 22;

    /// <summary>
    /// CRC32C, in bytes: the kernel and the managed loop over <c>BitOperations.Crc32C</c> (which
    /// the JIT compiles to the same <c>crc32</c> instruction) both run one dependency chain of
    /// 8-byte steps, so below a few hundred bytes the kernel's call costs more than its shorter
    /// chain saves. <c>asmkernels crossover</c> (8..2048 bytes) put the crossing at 256 bytes in
    /// two runs of two, the kernel about 1.6× ahead from 512 bytes.
    /// </summary>
    public const int Crc32CNative = 256;
}
