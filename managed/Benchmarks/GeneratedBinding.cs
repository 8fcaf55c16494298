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

    /// <summary>
    /// The same over native memory: a pointer and a count, which hold no span bytes, so every call
    /// skips the GC transition (the form a build with warnings as errors compiles, here in every build).
    /// </summary>
    [AsmKernel("popcount", Fallback = nameof(PopCountAtFallback))]
    public static unsafe partial ulong PopCountAt(ulong* data, nuint count);

    private static unsafe ulong PopCountAtFallback(ulong* data, nuint count) => PopCountFallback(new ReadOnlySpan<ulong>(data, checked((int)count)));

    private static ulong PopCountFallback(ReadOnlySpan<ulong> data)
    {
        ulong sum = 0;
        foreach (ulong word in data)
            sum += (ulong)System.Numerics.BitOperations.PopCount(word);
        return sum;
    }
}
