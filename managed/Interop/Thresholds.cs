namespace AsmKernels;

/// <summary>
/// Input lengths (in elements) below which the public API stays in managed code because the
/// native call costs more than it saves.
/// </summary>
/// <remarks>
/// Measured with <c>asmkernels crossover</c> (run with <c>DOTNET_TieredPGO=0</c>, as the benchmarks
/// are), which times the managed scalar loop against the kernel dispatch selects, call and level
/// check included, at lengths 1..64 in one run. On an AVX-512 Xeon, with the AVX-512 kernels, two
/// runs agreed: native wins from 20 elements (PopCount), 28 (HammingDistance) and 32 (IncrementBy).
/// The seed POPCNT/SSE2 kernels won earlier (5-11 elements); the AVX-512 ones pay for zeroing
/// accumulators, a horizontal reduction, masked ends and vzeroupper.
/// </remarks>
internal static class Thresholds
{
    public const int PopCountNative = 20;
    public const int HammingNative = 28;
    public const int IncrementNative = 32;
}
