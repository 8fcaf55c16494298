using AsmKernels.Build;

namespace AsmKernels.Benchmarks;

/// <summary>
/// The library's popcount kernels bound by the AsmKernels.Build generator, as a user's project
/// binds its own: <c>CallCostBenchmarks</c> times a call through it beside the library's entry point.
/// </summary>
internal static partial class GeneratedBinding
{
    /// <summary>The set bits of <paramref name="data"/>, by the best popcount kernel of native/kernels.txt this CPU runs.</summary>
    [AsmKernel("popcount")]
    public static partial ulong PopCount(ReadOnlySpan<ulong> data);

    private static ulong PopCountFallback(ReadOnlySpan<ulong> data)
    {
        ulong sum = 0;
        foreach (ulong word in data)
            sum += (ulong)System.Numerics.BitOperations.PopCount(word);
        return sum;
    }
}
