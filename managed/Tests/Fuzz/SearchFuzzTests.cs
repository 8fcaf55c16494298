using System.Numerics;
using CsCheck;

namespace AsmKernels.Tests.Fuzz;

/// <summary>
/// The search's logic above the scan kernels -- thresholds, the k-best heaps, blocks, tiles,
/// thread splits and their merge, radius totals and buffers too small for them -- against a brute
/// force reference (every distance by <see cref="BitOperations.PopCount(ulong)"/>, sorted by
/// distance, ties by the lower index), on codes built to tie and to crowd the queries.
/// </summary>
public class SearchFuzzTests
{
    /// <summary>One search: its shape and the seed its codes and queries are made from.</summary>
    public sealed record SearchCase(int Words, int Codes, int Queries, int K, int Threads, uint Radius, int Near, int Duplicates, int Seed)
    {
        /// <summary>The codes and queries: each code random, or a query with a few bits flipped (Near: fewer the higher), or a copy of an earlier code (Duplicates in 4).</summary>
        public (ulong[] Codes, ulong[] Queries) Make()
        {
            var r = new Random(Seed);
            var queries = new ulong[Queries * Words];
            for (int i = 0; i < queries.Length; i++)
                queries[i] = (ulong)r.NextInt64() ^ ((ulong)r.Next() << 62);
            var codes = new ulong[Codes * Words];
            for (int i = 0; i < Codes; i++)
            {
                Span<ulong> code = codes.AsSpan(i * Words, Words);
                if (i > 0 && r.Next(4) < Duplicates)
                    codes.AsSpan(r.Next(i) * Words, Words).CopyTo(code);
                else if (Near == 0)
                    for (int j = 0; j < Words; j++) code[j] = (ulong)r.NextInt64() ^ ((ulong)r.Next() << 62);
                else
                {
                    int q = r.Next(Queries);
                    for (int j = 0; j < Words; j++)
                    {
                        ulong flip = ~0ul;
                        for (int n = 0; n < Near; n++) flip &= (ulong)r.NextInt64() ^ ((ulong)r.Next() << 62);
                        code[j] = queries[q * Words + j] ^ flip;
                    }
                }
            }
            return (codes, queries);
        }
    }

    private static readonly Gen<SearchCase> Cases =
        from w in Gen.OneOf(1, 2, 3, 4, 5, 8, 16, 17)
        from n in Gen.Int[0, 3000]
        from q in Gen.OneOf(Gen.Int[1, 5], Gen.Int[30, 36]) // from 16 or 32 queries a batch slices its tiles (W = 3, 5, 17 and 4, 8)
        from k in Gen.Int[0, 40]
        from threads in Gen.Int[1, 4]
        from radius in Gen.Int[0, 64 * w + 1]
        from near in Gen.Int[0, 5]
        from dup in Gen.Int[0, 3]
        from seed in Gen.Int
        select new SearchCase(w, n, q, k, threads, (uint)radius, near, dup, seed);

    private static readonly HammingSearcher Searcher = new(0); // grows with the cases' k

    /// <summary>Every code's (index, distance) to the query, nearest first, ties by the lower index.</summary>
    private static (int Index, uint Distance)[] Ranked(ReadOnlySpan<ulong> query, ulong[] codes, int words)
    {
        int n = codes.Length / words;
        var all = new (int Index, uint Distance)[n];
        for (int i = 0; i < n; i++)
        {
            uint d = 0;
            for (int j = 0; j < words; j++) d += (uint)BitOperations.PopCount(query[j] ^ codes[i * words + j]);
            all[i] = (i, d);
        }
        return [.. all.OrderBy(x => x.Distance).ThenBy(x => x.Index)];
    }

    private static void Same((int Index, uint Distance)[] want, ReadOnlySpan<int> indices, ReadOnlySpan<uint> distances, string what)
    {
        for (int i = 0; i < want.Length; i++)
            if (indices[i] != want[i].Index || distances[i] != want[i].Distance)
                throw new InvalidOperationException($"{what}: result {i} is ({indices[i]}, {distances[i]}), want ({want[i].Index}, {want[i].Distance})");
    }

    [Fact]
    public void Every_search_path_equals_brute_force()
    {
        string[] kernels = [.. Kernels.GetKernels(KernelOperation.HammingScan).Select(k => k.Name).Where(k => Kernels.GetUnsupportedReason(k) is null)];
        Fuzz.Run(nameof(Every_search_path_equals_brute_force), Cases, c =>
        {
            (ulong[] codes, ulong[] queries) = c.Make();
            int w = c.Words, k = c.K, found = Math.Min(k, c.Codes);
            var idx = new int[k];
            var dist = new uint[k];
            for (int q = 0; q < c.Queries; q++)
            {
                ReadOnlySpan<ulong> query = queries.AsSpan(q * w, w);
                (int Index, uint Distance)[] ranked = Ranked(query, codes, w);
                (int, uint)[] best = ranked[..found];
                Check(HammingSearch.Nearest(query, codes, idx, dist), found, best, idx, dist, "Nearest, one thread");
                Check(HammingSearch.Nearest(query, codes, idx, dist, c.Threads), found, best, idx, dist, $"Nearest, {c.Threads} threads");
                Check(Searcher.Nearest(query, codes, idx, dist), found, best, idx, dist, "HammingSearcher.Nearest");
                foreach (string kernel in kernels)
                    Check(Kernels.HammingNearest(kernel, query, codes, idx, dist), found, best, idx, dist, kernel);

                (int, uint)[] within = [.. ranked.TakeWhile(x => x.Distance <= c.Radius)];
                int room = within.Length == 0 ? 0 : (c.Seed & 0x7FFFFFFF) % (within.Length + 2);
                var ri = new int[room];
                var rd = new uint[room];
                int total = HammingSearch.WithinRadius(query, codes, c.Radius, ri, rd);
                if (total != within.Length)
                    throw new InvalidOperationException($"WithinRadius {c.Radius}: total {total}, want {within.Length}");
                Same(within[..Math.Min(room, total)], ri, rd, $"WithinRadius {c.Radius} into {room}");
                List<HammingMatch> list = HammingSearch.WithinRadius(query, codes, c.Radius);
                if (!list.Select(m => (m.Index, m.Distance)).SequenceEqual(within))
                    throw new InvalidOperationException($"WithinRadius {c.Radius} (list): {list.Count} matches, want {within.Length}");
            }
            // Codes by pointer and count in parts of a few hundred codes, with long indices: the same results.
            long partCodes = HammingSearch.PartCodes;
            try
            {
                HammingSearch.PartCodes = 1 + (c.Seed & 0x7FFFFFFF) % 700;
                var li = new long[k];
                for (int q = 0; q < c.Queries; q++)
                {
                    (int Index, uint Distance)[] best = Ranked(queries.AsSpan(q * w, w), codes, w)[..found];
                    long got;
                    unsafe
                    {
                        fixed (ulong* p = codes)
                            got = HammingSearch.Nearest(queries.AsSpan(q * w, w), p, c.Codes, li, dist, c.Threads);
                    }
                    if (got != found)
                        throw new InvalidOperationException($"Nearest by pointer in parts of {HammingSearch.PartCodes}: found {got}, want {found}");
                    for (int i = 0; i < found; i++)
                        if (li[i] != best[i].Index || dist[i] != best[i].Distance)
                            throw new InvalidOperationException($"Nearest by pointer in parts of {HammingSearch.PartCodes}: result {i} is ({li[i]}, {dist[i]}), want ({best[i].Index}, {best[i].Distance})");
                }
            }
            finally
            {
                HammingSearch.PartCodes = partCodes;
            }
            var bi = new int[c.Queries * k];
            var bd = new uint[c.Queries * k];
            int per = HammingSearch.NearestBatch(queries, codes, w, k, bi, bd, c.Threads);
            if (per != found)
                throw new InvalidOperationException($"NearestBatch: {per} per query, want {found}");
            for (int q = 0; q < c.Queries; q++)
                Same(Ranked(queries.AsSpan(q * w, w), codes, w)[..found], bi.AsSpan(q * k, k), bd.AsSpan(q * k, k), $"NearestBatch query {q}, {c.Threads} threads");
        }, iter: 300, print: c => c.ToString());
    }

    private static void Check(int got, int found, (int, uint)[] best, int[] idx, uint[] dist, string what)
    {
        if (got != found)
            throw new InvalidOperationException($"{what}: found {got}, want {found}");
        Same(best, idx, dist, what);
    }
}
