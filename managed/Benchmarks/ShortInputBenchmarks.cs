using System.Numerics;
using AsmKernels.Lab;
using BenchmarkDotNet.Attributes;

namespace AsmKernels.Benchmarks;

/// <summary>Code widths in 64-bit words: 64- to 1024-bit fingerprints and binary-quantized embeddings.</summary>
public static class ShortSizes
{
    public static IEnumerable<int> Words => [1, 2, 3, 4, 8, 16];
    public static IEnumerable<int> Elements => Enumerable.Range(0, 17);
}

/// <summary>
/// Short inputs the way a user meets them, the public API against the naive
/// <c>BitOperations.PopCount</c> loop: one call per benchmark invocation (<c>Call_*</c>), and a
/// search loop over <see cref="Codes"/> codes of <see cref="W"/> words (<c>Search_*</c>): the
/// nearest code and its index, the naive loop written inline, the public API called once per code,
/// as a user would write either.
/// </summary>
public class ShortBitBenchmarks
{
    public const int Codes = 4096;

    public static IEnumerable<int> Widths => ShortSizes.Words;

    [ParamsSource(nameof(Widths))]
    public int W { get; set; }

    private ulong[] _query = [], _codes = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(W);
        _query = new ulong[W];
        _codes = new ulong[W * Codes];
        random.NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_query.AsSpan()));
        random.NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_codes.AsSpan()));
    }

    /// <summary>Calls per invocation of the <c>Call_*</c> rows, so that a few nanoseconds stand clear of the harness's own cost.</summary>
    public const int Calls = 64;

    [Benchmark(OperationsPerInvoke = Calls)]
    public ulong Call_PopCount_Naive()
    {
        ulong s = 0;
        for (int i = 0; i < Calls; i++)
            s += JitLoops.PopCount(_query);
        return s;
    }

    [Benchmark(OperationsPerInvoke = Calls)]
    public ulong Call_PopCount_Api()
    {
        ulong s = 0;
        for (int i = 0; i < Calls; i++)
            s += BitOps.PopCount(_query);
        return s;
    }

    [Benchmark(OperationsPerInvoke = Calls)]
    public ulong Call_Hamming_Naive()
    {
        ulong s = 0;
        for (int i = 0; i < Calls; i++)
            s += JitLoops.HammingDistance(_query, _codes.AsSpan(0, W));
        return s;
    }

    [Benchmark(OperationsPerInvoke = Calls)]
    public ulong Call_Hamming_Api()
    {
        ulong s = 0;
        for (int i = 0; i < Calls; i++)
            s += BitOps.HammingDistance(_query, _codes.AsSpan(0, W));
        return s;
    }

    [Benchmark]
    public ulong Search_PopCount_Naive()
    {
        ulong best = ulong.MaxValue;
        int nearest = -1;
        ReadOnlySpan<ulong> codes = _codes;
        for (int i = 0; i < Codes; i++)
        {
            ReadOnlySpan<ulong> code = codes.Slice(i * W, W);
            ulong d = 0;
            foreach (ulong word in code)
                d += (ulong)BitOperations.PopCount(word);
            if (d < best)
                (best, nearest) = (d, i);
        }
        return best + (ulong)nearest;
    }

    [Benchmark]
    public ulong Search_PopCount_Api()
    {
        ulong best = ulong.MaxValue;
        int nearest = -1;
        ReadOnlySpan<ulong> codes = _codes;
        for (int i = 0; i < Codes; i++)
        {
            ulong d = BitOps.PopCount(codes.Slice(i * W, W));
            if (d < best)
                (best, nearest) = (d, i);
        }
        return best + (ulong)nearest;
    }

    [Benchmark]
    public ulong Search_Hamming_Naive()
    {
        ulong best = ulong.MaxValue;
        int nearest = -1;
        ReadOnlySpan<ulong> query = _query, codes = _codes;
        for (int i = 0; i < Codes; i++)
        {
            ReadOnlySpan<ulong> code = codes.Slice(i * W, W);
            ulong d = 0;
            for (int j = 0; j < query.Length; j++)
                d += (ulong)BitOperations.PopCount(query[j] ^ code[j]);
            if (d < best)
                (best, nearest) = (d, i);
        }
        return best + (ulong)nearest;
    }

    [Benchmark]
    public ulong Search_Hamming_Api()
    {
        ulong best = ulong.MaxValue;
        int nearest = -1;
        ReadOnlySpan<ulong> query = _query, codes = _codes;
        for (int i = 0; i < Codes; i++)
        {
            ulong d = BitOps.HammingDistance(query, codes.Slice(i * W, W));
            if (d < best)
                (best, nearest) = (d, i);
        }
        return best + (ulong)nearest;
    }
}

/// <summary>IncrementBy at 0..16 elements: the naive <c>data[i] += value</c> loop against the public API.</summary>
public class ShortIncrementBenchmarks
{
    public static IEnumerable<int> Sizes => ShortSizes.Elements;

    [ParamsSource(nameof(Sizes))]
    public int N { get; set; }

    private long[] _data = [];

    [GlobalSetup] public void Setup() => _data = new long[N];

    [Benchmark(OperationsPerInvoke = ShortBitBenchmarks.Calls)]
    public void Call_Increment_Naive()
    {
        for (int i = 0; i < ShortBitBenchmarks.Calls; i++)
            JitLoops.IncrementBy(_data, 3);
    }

    [Benchmark(OperationsPerInvoke = ShortBitBenchmarks.Calls)]
    public void Call_Increment_Api()
    {
        for (int i = 0; i < ShortBitBenchmarks.Calls; i++)
            Int64Ops.IncrementBy(_data, 3);
    }
}
