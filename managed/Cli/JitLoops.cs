using System.Numerics;

namespace AsmKernels.Cli;

/// <summary>The loops a .NET developer writes for these operations, compiled by the JIT: the peers the kernels are timed against.</summary>
internal static class JitLoops
{
    public static ulong PopCount(ReadOnlySpan<ulong> data)
    {
        ulong total = 0;
        foreach (ulong word in data)
            total += (ulong)BitOperations.PopCount(word);
        return total;
    }

    public static ulong HammingDistance(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        ulong total = 0;
        for (int i = 0; i < a.Length; i++)
            total += (ulong)BitOperations.PopCount(a[i] ^ b[i]);
        return total;
    }

    public static void IncrementBy(Span<long> data, long value)
    {
        for (int i = 0; i < data.Length; i++)
            data[i] += value;
    }
}
