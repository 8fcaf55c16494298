using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AsmKernels;

/// <summary>A code a search found: its index in the code set and its Hamming distance to the query.</summary>
/// <param name="Index">The code's index: it occupies words [Index * W, (Index + 1) * W) of the code set.</param>
/// <param name="Distance">The number of bits in which the code differs from the query.</param>
public readonly record struct HammingMatch(int Index, uint Distance);

/// <summary>
/// Search over packed binary codes by Hamming distance: binary-quantized embeddings, perceptual
/// hashes, chemical fingerprints. A code set holds N codes of W 64-bit words each, back to back
/// (code i is words [i * W, (i + 1) * W)); W is the query's length. Results are ordered by
/// distance, ties by the lower index. The scan runs a native kernel that compares each code with
/// the k-th best distance found so far and writes only the codes that beat it
/// (<see cref="KernelOperation.HammingScan"/>), or a managed loop where no kernel can run.
/// Nothing here allocates memory in proportion to N; <see cref="HammingSearcher"/> allocates nothing at all
/// per search.
/// </summary>
public static partial class HammingSearch
{
    /// <summary>Computes the distance of <paramref name="query"/> to every code.</summary>
    /// <param name="query">The query: W words, W at least 1.</param>
    /// <param name="codes">N codes of W words each.</param>
    /// <param name="distances">Receives the N distances, in code order; its length must be N.</param>
    /// <exception cref="ArgumentException">The query is empty, the code set is not a whole number of codes, or <paramref name="distances"/> does not have N elements.</exception>
    public static void Distances(ReadOnlySpan<ulong> query, ReadOnlySpan<ulong> codes, Span<uint> distances)
    {
        int n = HammingScan.CodeCount(query, codes);
        if (distances.Length != n)
            throw new ArgumentException($"distances has {distances.Length} elements; the code set holds {n} codes of {query.Length} words.", nameof(distances));
        ulong[] hits = SearchScratch.Hits(HammingScan.BlockCodes);
        int block = HammingScan.BlockCodesFor(query.Length);
        ulong flags = ScanPrefetch.FlagsFor((long)codes.Length * sizeof(ulong));
        for (int start = 0; start < n; start += block)
        {
            int count = Math.Min(block, n - start);
            int found = HammingScan.Scan(HammingScan.Bound, query, codes.Slice(start * query.Length, count * query.Length), HammingScan.Everything, start, hits, flags);
            for (int i = 0; i < found; i++)
                distances[start + i] = (uint)(hits[i] >> 32);
        }
    }

    /// <summary>Finds the k codes nearest to <paramref name="query"/>, k being the length of the result spans.</summary>
    /// <param name="query">The query: W words, W at least 1.</param>
    /// <param name="codes">N codes of W words each.</param>
    /// <param name="indices">Receives the indices of the nearest codes, nearest first, ties by the lower index.</param>
    /// <param name="distances">Receives their distances; the same length as <paramref name="indices"/>.</param>
    /// <returns>How many were found: min(k, N).</returns>
    /// <exception cref="ArgumentException">The query is empty, the code set is not a whole number of codes, or the result spans differ in length.</exception>
    public static int Nearest(ReadOnlySpan<ulong> query, ReadOnlySpan<ulong> codes, Span<int> indices, Span<uint> distances) =>
        HammingScan.Pooled(HammingScan.Bound, query, codes, indices, distances, HammingScan.Everything, countAll: false, out _);

    /// <summary>
    /// Finds the k codes nearest to <paramref name="query"/> on several threads: each scans a
    /// share of the codes with its own k best, and the shares' results are merged.
    /// </summary>
    /// <param name="query">The query: W words, W at least 1.</param>
    /// <param name="codes">N codes of W words each.</param>
    /// <param name="indices">Receives the indices of the nearest codes, nearest first, ties by the lower index.</param>
    /// <param name="distances">Receives their distances; the same length as <paramref name="indices"/>.</param>
    /// <param name="degreeOfParallelism">Threads to use; -1 for every core.</param>
    /// <param name="cancellationToken">Stops the search between blocks of codes.</param>
    /// <returns>How many were found: min(k, N).</returns>
    /// <exception cref="ArgumentException">The shapes do not fit, as for <see cref="Nearest(ReadOnlySpan{ulong}, ReadOnlySpan{ulong}, Span{int}, Span{uint})"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="degreeOfParallelism"/> is 0 or below -1.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public static int Nearest(ReadOnlySpan<ulong> query, ReadOnlySpan<ulong> codes, Span<int> indices, Span<uint> distances,
        int degreeOfParallelism, CancellationToken cancellationToken = default)
    {
        HammingScan.CheckResults(indices, distances);
        int n = HammingScan.CodeCount(query, codes);
        int threads = HammingScan.Threads(degreeOfParallelism, n);
        if (threads == 1) // the token is checked between blocks, as on several threads
            return HammingScan.Pooled(HammingScan.Bound, query, codes, indices, distances, HammingScan.Everything, countAll: false, out _, cancellationToken);
        return Batch(query, 1, codes, n, query.Length, indices.Length, indices, distances, threads, cancellationToken); // a batch of one: the threads share the codes
    }

    /// <summary>
    /// Finds every code within <paramref name="radius"/> of <paramref name="query"/>, nearest first,
    /// ties by the lower index, into the caller's buffers; returns how many there are in all, which
    /// may be more than the buffers hold (then they hold the nearest ones: call again with room for
    /// the returned number to have them all).
    /// </summary>
    /// <param name="query">The query: W words, W at least 1.</param>
    /// <param name="codes">N codes of W words each.</param>
    /// <param name="radius">The largest distance that counts.</param>
    /// <param name="indices">Receives the indices of the nearest codes within the radius.</param>
    /// <param name="distances">Receives their distances; the same length as <paramref name="indices"/>.</param>
    /// <returns>The number of codes within the radius.</returns>
    /// <exception cref="ArgumentException">The shapes do not fit, as for <see cref="Nearest(ReadOnlySpan{ulong}, ReadOnlySpan{ulong}, Span{int}, Span{uint})"/>.</exception>
    public static int WithinRadius(ReadOnlySpan<ulong> query, ReadOnlySpan<ulong> codes, uint radius, Span<int> indices, Span<uint> distances)
    {
        HammingScan.Pooled(HammingScan.Bound, query, codes, indices, distances, (ulong)radius + 1, countAll: true, out int total);
        return total;
    }

    /// <summary>Finds every code within <paramref name="radius"/> of <paramref name="query"/>, nearest first, ties by the lower index.</summary>
    /// <param name="query">The query: W words, W at least 1.</param>
    /// <param name="codes">N codes of W words each.</param>
    /// <param name="radius">The largest distance that counts.</param>
    /// <returns>The matches (a list as long as the number of matches).</returns>
    /// <exception cref="ArgumentException">The query is empty or the code set is not a whole number of codes.</exception>
    public static List<HammingMatch> WithinRadius(ReadOnlySpan<ulong> query, ReadOnlySpan<ulong> codes, uint radius)
    {
        // One pass: every block's hits are kept as they come (keys (distance << 32) | index, which
        // sort by distance, ties by index), then sorted once.
        int w = query.Length, n = HammingScan.CodeCount(query, codes);
        ulong flags = ScanPrefetch.FlagsFor((long)codes.Length * sizeof(ulong));
        var keys = new List<ulong>();
        ulong[] hits = SearchScratch.Hits(HammingScan.BlockCodes);
        int block = HammingScan.BlockCodesFor(w);
        for (int start = 0; start < n; start += block)
        {
            int count = Math.Min(block, n - start);
            int found = HammingScan.Scan(HammingScan.Bound, query, codes.Slice(start * w, count * w), (ulong)radius + 1, start, hits, flags);
            keys.AddRange(hits.AsSpan(0, found));
        }
        keys.Sort();
        var matches = new List<HammingMatch>(keys.Count);
        foreach (ulong key in keys)
            matches.Add(new HammingMatch((int)(uint)key, (uint)(key >> 32)));
        return matches;
    }

    /// <summary>
    /// Finds the k nearest codes of each of several queries. Each thread takes a share of the
    /// codes and runs every query over it a tile at a time, so that a tile is read from memory once
    /// for all the queries and then stays in the core's cache; each query's k best of the shares
    /// are merged.
    /// </summary>
    /// <param name="queries">Q queries of <paramref name="words"/> words each, back to back.</param>
    /// <param name="codes">N codes of <paramref name="words"/> words each.</param>
    /// <param name="words">W: the words of every query and code, at least 1.</param>
    /// <param name="k">The neighbours per query, 0 or more.</param>
    /// <param name="indices">Receives, for query q, its min(k, N) nearest codes' indices at [q * k, q * k + min(k, N)): length Q * k.</param>
    /// <param name="distances">Receives their distances, laid out as <paramref name="indices"/>.</param>
    /// <param name="degreeOfParallelism">Threads to use; -1 for every core.</param>
    /// <param name="cancellationToken">Stops the search between tiles.</param>
    /// <returns>The results per query: min(k, N).</returns>
    /// <exception cref="ArgumentException">A shape does not fit; the message names the numbers.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="words"/> is below 1, <paramref name="k"/> negative, or <paramref name="degreeOfParallelism"/> 0 or below -1.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public static unsafe int NearestBatch(ReadOnlySpan<ulong> queries, ReadOnlySpan<ulong> codes, int words, int k, Span<int> indices, Span<uint> distances,
        int degreeOfParallelism = -1, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(words, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        if (queries.Length % words != 0)
            throw new ArgumentException($"queries holds {queries.Length} words, not a whole number of {words}-word queries.", nameof(queries));
        int q = queries.Length / words;
        int n = HammingScan.CodeCount(words, codes);
        long want = (long)q * k;
        if (indices.Length != want || distances.Length != want)
            throw new ArgumentException($"indices and distances must hold queries x k = {q} x {k} = {want} elements; they hold {indices.Length} and {distances.Length}.", nameof(indices));
        int threads = HammingScan.Threads(degreeOfParallelism, n);
        return Batch(queries, q, codes, n, words, k, indices, distances, threads, cancellationToken);
    }

    /// <summary>The shapes checked: q queries over n codes of <paramref name="words"/> words, on <paramref name="threads"/> threads, each with a share of the codes; the shares' k best merged per query into results k apart.</summary>
    private static unsafe int Batch(ReadOnlySpan<ulong> queries, int q, ReadOnlySpan<ulong> codes, int n, int words, int k, Span<int> indices, Span<uint> distances,
        int threads, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (q == 0 || k == 0 || n == 0)
            return 0;
        var shares = new BatchShares(q, n, k, threads);
        if (shares.Keys > Array.MaxLength)
            shares = new BatchShares(q, n, k, threads = 1); // one share's heaps are no more than the results
        ulong[] heaps = SearchScratch.Merged((int)shares.Keys);
        int[] counts = SearchScratch.Counts(threads * shares.CountStride);
        fixed (ulong* qp = queries, cp = codes)
        {
            var job = new BatchJob((nint)qp, words, (nint)cp, shares, heaps, counts, cancellationToken);
            if (threads == 1)
                job.Run(0);
            else
                HammingScan.OnThreads(threads, job.Run, cancellationToken);
        }
        int room = Math.Min(k, n);
        for (int j = 0; j < q; j++)
        {
            Span<int> to = indices.Slice(j * k, k);
            Span<uint> toDistance = distances.Slice(j * k, k);
            if (threads == 1)
            {
                new TopK(BatchShares.Heap(heaps, 0, room, j), counts[j]).WriteSorted(to, toDistance);
                continue;
            }
            var top = new TopK(new Span<ulong>(SearchScratch.Heap(room), 0, room));
            for (int t = 0, at = 0; t < threads; at = shares.After(t, at), t++)
                top.AddAll(BatchShares.Heap(heaps, at, shares.Room(t), j)[..counts[t * shares.CountStride + j]]);
            top.WriteSorted(to, toDistance);
        }
        return room;
    }

    /// <summary>
    /// How a batch's codes are shared among threads, and where each share keeps its queries' heaps
    /// and their counts in one array each: share t's side by side, min(k, its codes) keys per query,
    /// each share's apart from the next by a cache line, so that no two threads write one line (a
    /// count is written for every query on every tile).
    /// </summary>
    private readonly struct BatchShares(int queries, int codes, int k, int threads)
    {
        public int Queries => queries;

        /// <summary>The first code of share <paramref name="t"/> (share number <c>threads</c>: the end).</summary>
        public int Start(int t) => (int)((long)codes * t / threads);

        /// <summary>The keys each of share <paramref name="t"/>'s heaps holds at most.</summary>
        public int Room(int t) => Math.Min(k, Start(t + 1) - Start(t));

        /// <summary>Where share <paramref name="t"/>'s heaps start (share number <c>threads</c>: the keys of them all), no more than the threads times the results.</summary>
        public long Offset(int t)
        {
            long at = 0;
            for (int s = 0; s < t; s++)
                at += KeysOf(s);
            return at;
        }

        /// <summary>Where the heaps after share <paramref name="t"/>'s start, given that its own start at <paramref name="at"/> (within <see cref="Keys"/>).</summary>
        public int After(int t, int at) => at + (int)KeysOf(t);

        /// <summary>The keys of share <paramref name="t"/>'s heaps: min(k, its codes) per query, and a cache line.</summary>
        private long KeysOf(int t) => (long)queries * Room(t) + LineKeys;

        /// <summary>The counts of share t are at [t * CountStride, t * CountStride + queries): a cache line or more apart.</summary>
        public int CountStride => queries + 16;

        private const int LineKeys = 8;

        /// <summary>The keys of every share's heaps.</summary>
        public long Keys => Offset(threads);

        /// <summary>Query <paramref name="j"/>'s heap of the share whose heaps start at <paramref name="at"/> and hold <paramref name="room"/> keys each.</summary>
        public static Span<ulong> Heap(ulong[] heaps, int at, int room, int j) => new(heaps, at + j * room, room);
    }

    /// <summary>One thread's share of a batch: every query over codes [Start(t), Start(t + 1)), a tile at a time; heaps and counts in the shared arrays.</summary>
    private sealed unsafe class BatchJob(nint queries, int words, nint codes, BatchShares shares, ulong[] heaps, int[] counts, CancellationToken cancel)
    {
        public void Run(int t)
        {
            int q = shares.Queries, start = shares.Start(t), n = shares.Start(t + 1) - start, room = shares.Room(t), at = (int)shares.Offset(t);
            var mine = new ReadOnlySpan<ulong>((ulong*)codes + (long)start * words, n * words);
            if (q == 1)
            {
                // Tiles pay by sharing a tile's trip from memory among queries: one query makes one
                // pass, as Nearest does, and where its CPU's rule says so, asks for the prefetch ahead.
                var one = new TopK(BatchShares.Heap(heaps, at, room, 0));
                HammingScan.Run(new ReadOnlySpan<ulong>((ulong*)queries, words), mine, start, ref one, SearchScratch.Hits(HammingScan.BlockCodes),
                    HammingScan.Everything, countAll: false, cancel);
                counts[t * shares.CountStride] = one.Count;
                return;
            }
            bool sliced = HammingScan.SlicePays(words, q);
            int tile = sliced ? HammingScan.SliceTileCodes(words) : HammingScan.TileCodes(words);
            ulong[] hits = SearchScratch.Hits(tile);
            ulong[]? slices = sliced ? SearchScratch.Sliced(HammingScan.SlicedLength(tile, words)) : null;
            int mark = t * shares.CountStride;
            Array.Clear(counts, mark, q);
            for (int first = 0; first < n; first += tile)
            {
                cancel.ThrowIfCancellationRequested();
                int count = Math.Min(tile, n - first);
                ReadOnlySpan<ulong> block = mine.Slice(first * words, count * words);
                if (slices is not null)
                    HammingScan.Slice(block, words, slices); // once per tile, for all the queries
                for (int j = 0; j < q; j++)
                {
                    var query = new ReadOnlySpan<ulong>((ulong*)queries + (long)j * words, words);
                    var top = new TopK(BatchShares.Heap(heaps, at, room, j), counts[mark + j]);
                    if (slices is not null)
                        HammingScan.RunSliced(HammingScan.SliceBound, query, slices, count, start + first, ref top, hits);
                    else
                        HammingScan.Run(query, block, start + first, ref top, hits, HammingScan.Everything);
                    counts[mark + j] = top.Count;
                }
            }
        }
    }
}

public static partial class Kernels
{
    /// <summary>Finds the k codes nearest to <paramref name="query"/> with the scan implementation at <paramref name="isa"/>; see <see cref="HammingSearch.Nearest(ReadOnlySpan{ulong}, ReadOnlySpan{ulong}, Span{int}, Span{uint})"/>.</summary>
    /// <param name="isa">The level to run.</param>
    /// <param name="query">The query: W words, W at least 1.</param>
    /// <param name="codes">N codes of W words each.</param>
    /// <param name="indices">Receives the indices of the nearest codes, nearest first, ties by the lower index.</param>
    /// <param name="distances">Receives their distances; the same length as <paramref name="indices"/>.</param>
    /// <returns>How many were found: min(k, N).</returns>
    /// <exception cref="PlatformNotSupportedException">The level cannot run here; the message says why.</exception>
    /// <exception cref="ArgumentException">The shapes do not fit.</exception>
    public static int HammingNearest(IsaLevel isa, ReadOnlySpan<ulong> query, ReadOnlySpan<ulong> codes, Span<int> indices, Span<uint> distances) =>
        HammingScan.Pooled(Dispatch.Require(KernelOperation.HammingScan, isa), query, codes, indices, distances, HammingScan.Everything, countAll: false, out _);

    /// <summary>Finds the k codes nearest to <paramref name="query"/> with one named scan kernel (see <see cref="GetKernels(KernelOperation)"/>). For comparing kernels.</summary>
    /// <param name="kernel">The kernel's export name, e.g. <c>asmk_hamscan_popcnt</c>.</param>
    /// <param name="query">The query: W words, W at least 1.</param>
    /// <param name="codes">N codes of W words each.</param>
    /// <param name="indices">Receives the indices of the nearest codes, nearest first, ties by the lower index.</param>
    /// <param name="distances">Receives their distances; the same length as <paramref name="indices"/>.</param>
    /// <returns>How many were found: min(k, N).</returns>
    /// <exception cref="PlatformNotSupportedException">The kernel cannot run here; the message says why.</exception>
    /// <exception cref="ArgumentException">The shapes do not fit, or <paramref name="kernel"/> is not a HammingScan kernel of this library.</exception>
    public static int HammingNearest(string kernel, ReadOnlySpan<ulong> query, ReadOnlySpan<ulong> codes, Span<int> indices, Span<uint> distances) =>
        HammingScan.Pooled(Dispatch.RequireKernel(KernelOperation.HammingScan, kernel), query, codes, indices, distances, HammingScan.Everything, countAll: false, out _);
}

/// <summary>
/// Repeated Hamming searches without allocating: the buffers a search needs are kept between
/// searches (they grow only when k does). The same results as <see cref="HammingSearch"/>'s
/// one-thread methods. An instance is not thread-safe: use one per thread.
/// </summary>
public sealed class HammingSearcher
{
    private readonly ulong[] _hits = new ulong[HammingScan.BlockCodes];
    private ulong[] _heap;

    /// <summary>The most neighbours a searcher makes room for before a search needs them.</summary>
    private const int RoomUpFront = 1 << 16;

    /// <summary>
    /// Creates a searcher with room for <paramref name="k"/> neighbours, up to 65,536 (8 bytes
    /// each); a search that can find more (min(k, N) of them) makes room for them then and keeps it.
    /// </summary>
    /// <param name="k">The number of neighbours the searches will ask for.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is negative.</exception>
    public HammingSearcher(int k = 10)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        _heap = new ulong[Math.Min(k, RoomUpFront)];
    }

    /// <summary>Finds the k codes nearest to <paramref name="query"/>; see <see cref="HammingSearch.Nearest(ReadOnlySpan{ulong}, ReadOnlySpan{ulong}, Span{int}, Span{uint})"/>.</summary>
    /// <param name="query">The query: W words, W at least 1.</param>
    /// <param name="codes">N codes of W words each.</param>
    /// <param name="indices">Receives the indices of the nearest codes, nearest first, ties by the lower index.</param>
    /// <param name="distances">Receives their distances; the same length as <paramref name="indices"/>.</param>
    /// <returns>How many were found: min(k, N).</returns>
    /// <exception cref="ArgumentException">The query is empty, the code set is not a whole number of codes, or the result spans differ in length.</exception>
    public int Nearest(ReadOnlySpan<ulong> query, ReadOnlySpan<ulong> codes, Span<int> indices, Span<uint> distances)
    {
        HammingScan.CheckResults(indices, distances);
        var top = new TopK(Heap(Math.Min(indices.Length, HammingScan.CodeCount(query, codes))));
        HammingScan.Run(query, codes, 0, ref top, _hits, HammingScan.Everything);
        return top.WriteSorted(indices, distances);
    }

    /// <summary>Finds the codes within <paramref name="radius"/>; see <see cref="HammingSearch.WithinRadius(ReadOnlySpan{ulong}, ReadOnlySpan{ulong}, uint, Span{int}, Span{uint})"/>.</summary>
    /// <param name="query">The query: W words, W at least 1.</param>
    /// <param name="codes">N codes of W words each.</param>
    /// <param name="radius">The largest distance that counts.</param>
    /// <param name="indices">Receives the indices of the nearest codes within the radius.</param>
    /// <param name="distances">Receives their distances; the same length as <paramref name="indices"/>.</param>
    /// <returns>The number of codes within the radius (possibly more than the spans hold).</returns>
    /// <exception cref="ArgumentException">The shapes do not fit.</exception>
    public int WithinRadius(ReadOnlySpan<ulong> query, ReadOnlySpan<ulong> codes, uint radius, Span<int> indices, Span<uint> distances)
    {
        HammingScan.CheckResults(indices, distances);
        var top = new TopK(Heap(Math.Min(indices.Length, HammingScan.CodeCount(query, codes))));
        int total = HammingScan.Run(query, codes, 0, ref top, _hits, (ulong)radius + 1, countAll: true);
        top.WriteSorted(indices, distances);
        return total;
    }

    private Span<ulong> Heap(int k)
    {
        if (_heap.Length < k)
            _heap = new ulong[k];
        return new Span<ulong>(_heap, 0, k);
    }
}
