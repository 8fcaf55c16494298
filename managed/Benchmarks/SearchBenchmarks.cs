using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;

namespace AsmKernels.Benchmarks;

/// <summary>
/// k = 10 nearest of 1 or 64 queries among 1,000,000 random codes of 64 to 1024 bits, on one
/// thread or all: the public API against the naive loop (a library call per code and a heap), a
/// managed Vector512 scan with a heap, and the read roofline (one pass over the codes per query).
/// FAISS runs on the same files afterwards (faiss_search.py).
/// </summary>
public class SearchBenchmarks
{
    public const int Codes = 1_000_000, K = 10;

    /// <summary>The code widths every search table measures: the common fingerprint widths (64-bit perceptual hashes and SimHash, 128-bit) and binary-quantized embeddings (256, 1024).</summary>
    public static readonly int[] Widths = [64, 128, 256, 1024];

    public static IEnumerable<int> WidthValues => Widths;

    [ParamsSource(nameof(WidthValues))] public int Bits { get; set; }
    [Params(1, 64)] public int Queries { get; set; }
    [Params(1, -1)] public int Threads { get; set; }

    private ulong[] _codes = [], _queries = [];
    private int[] _indices = [];
    private uint[] _distances = [];
    private readonly ulong[] _heap = new ulong[K];

    private int Words => Bits / 64;

    [GlobalSetup]
    public void Setup()
    {
        (_codes, _queries) = SearchData.Get(Bits, Queries);
        _indices = new int[Queries * K];
        _distances = new uint[Queries * K];
    }

    [Benchmark]
    public int Api() => Queries == 1
        ? HammingSearch.Nearest(_queries, _codes, _indices, _distances, Threads)
        : HammingSearch.NearestBatch(_queries, _codes, Words, K, _indices, _distances, Threads);

    [Benchmark(Baseline = true)]
    public ulong NaiveLoop() => EachQuery(SearchPeers.NaiveLoop);

    [Benchmark]
    public ulong ManagedVector512() => EachQuery(SearchPeers.Vector512Scan);

    [Benchmark]
    public ulong Roofline()
    {
        ulong sum = 0;
        for (int q = 0; q < Queries; q++)
            sum += ManagedPeers.ReadRoofline(_codes);
        return sum;
    }

    private delegate ulong Scan(ReadOnlySpan<ulong> query, ReadOnlySpan<ulong> codes, Span<ulong> heap);

    /// <summary>The queries one after another, or spread over the threads like the API does.</summary>
    private ulong EachQuery(Scan scan)
    {
        int threads = Threads == -1 ? Environment.ProcessorCount : Threads;
        if (threads == 1 || Queries == 1)
        {
            ulong sum = 0;
            for (int q = 0; q < Queries; q++)
                sum += scan(_queries.AsSpan(q * Words, Words), _codes, _heap);
            return sum;
        }
        long total = 0;
        Parallel.For(0, Queries, new ParallelOptions { MaxDegreeOfParallelism = threads }, () => new ulong[K],
            (q, _, heap) => { Interlocked.Add(ref total, (long)scan(_queries.AsSpan(q * Words, Words), _codes, heap)); return heap; }, _ => { });
        return (ulong)total;
    }
}

/// <summary>The codes and queries of the search benchmarks: random, the same in every run (seeded), made once per width.</summary>
internal static class SearchData
{
    private static readonly Dictionary<int, (ulong[] Codes, ulong[] Queries)> Made = [];

    public static (ulong[] Codes, ulong[] Queries) Get(int bits, int queries)
    {
        if (!Made.TryGetValue(bits, out var data))
        {
            int w = bits / 64;
            var codes = new ulong[SearchBenchmarks.Codes * w];
            var all = new ulong[64 * w];
            new Random(bits).NextBytes(MemoryMarshal.AsBytes(codes.AsSpan()));
            new Random(bits + 1).NextBytes(MemoryMarshal.AsBytes(all.AsSpan()));
            Made[bits] = data = (codes, all);
        }
        return (data.Codes, data.Queries.AsSpan(0, queries * (bits / 64)).ToArray());
    }
}
