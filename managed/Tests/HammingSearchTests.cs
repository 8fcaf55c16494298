namespace AsmKernels.Tests;

/// <summary><see cref="HammingSearch"/> and the scan kernels against a brute-force reference.</summary>
public class HammingSearchTests
{
    public static TheoryData<IsaLevel> Levels => AsmKernels.Tests.Levels.Of(KernelOperation.HammingScan);

    private static ulong[] RandomCodes(int words, int seed)
    {
        var codes = new ulong[words];
        var random = new Random(seed);
        for (int i = 0; i < words; i++)
            codes[i] = (ulong)random.NextInt64() ^ ((ulong)random.NextInt64() << 1);
        return codes;
    }

    private static uint[] ReferenceDistances(ReadOnlySpan<ulong> query, ReadOnlySpan<ulong> codes)
    {
        int w = query.Length, n = codes.Length / w;
        var d = new uint[n];
        for (int i = 0; i < n; i++)
            d[i] = (uint)Reference.Hamming(query, codes.Slice(i * w, w));
        return d;
    }

    /// <summary>The k nearest by brute force: every distance, sorted by (distance, index).</summary>
    private static (int[] Indices, uint[] Distances) ReferenceNearest(uint[] d, int k, uint radius = uint.MaxValue)
    {
        int[] order = Enumerable.Range(0, d.Length).Where(i => d[i] <= radius).OrderBy(i => d[i]).ThenBy(i => i).Take(k).ToArray();
        return (order, order.Select(i => d[i]).ToArray());
    }

    /// <summary>Each implementation's scan (the kernels and the managed loop) against the reference, every W 1..40.</summary>
    [SkippableTheory]
    [MemberData(nameof(Levels))]
    public void Scan_keeps_exactly_the_codes_below_the_threshold_in_order(IsaLevel isa)
    {
        AsmKernels.Tests.Levels.SkipUnlessSupported(KernelOperation.HammingScan, isa);
        nint kernel = Dispatch.Require(KernelOperation.HammingScan, isa);
        var hits = new ulong[300];
        for (int w = 1; w <= 40; w++)
        {
            byte[] buffer = Reference.RandomBuffer(100 + w, 300 * w + 8);
            foreach (int offset in new[] { 0, 3, 8 })
            {
                Span<ulong> query = Reference.Words(buffer, offset, w);
                foreach (int n in new[] { 0, 1, 7, 8, 9, 17, 64, 300 - 1 - w })
                {
                    ReadOnlySpan<ulong> codes = Reference.Words(buffer, offset + 8 * w, n * w);
                    uint[] d = ReferenceDistances(query, codes);
                    foreach (ulong threshold in new ulong[] { 0, 1, (ulong)(32 * w), (ulong)(64 * w + 1), HammingScan.Everything, ulong.MaxValue })
                        foreach (ulong flags in new ulong[] { 0, HammingScan.Stream }) // the prefetch ahead changes no result
                        {
                            int found = HammingScan.Scan(kernel, query, codes, threshold, 1000, hits, flags);
                            ulong[] want = Enumerable.Range(0, n).Where(i => d[i] < threshold).Select(i => (ulong)d[i] << 32 | (uint)(1000 + i)).ToArray();
                            Assert.True(want.AsSpan().SequenceEqual(hits.AsSpan(0, found)),
                                $"{isa}: W={w} N={n} offset {offset} threshold {threshold} flags {flags}: {found} hits, want {want.Length}");
                        }
                }
            }
        }
    }

    /// <summary>The codes sliced, by the slicing kernel where one runs and by the managed copy: group g's word 8j + l is word j of code 8g + l; the lanes past the codes zero.</summary>
    [Fact]
    public void Slicing_puts_word_j_of_eight_codes_side_by_side()
    {
        foreach (nint kernel in HammingScan.SliceCodesBound == 0 ? [0] : new[] { 0, HammingScan.SliceCodesBound })
        {
            foreach (int w in new[] { 1, 3, 4, 8, 9, 16, 17 })
                foreach (int n in new[] { 0, 1, 7, 8, 9, 23, 64 })
                {
                    ulong[] codes = RandomCodes(n * w, 7 * n + w);
                    var sliced = new ulong[HammingScan.SlicedLength(n, w) + 3];
                    sliced.AsSpan().Fill(0xDEAD);
                    HammingScan.Slice(kernel, codes, w, sliced);
                    Assert.Equal((n + 7) / 8 * 8 * w, HammingScan.SlicedLength(n, w));
                    for (int i = 0; i < (n + 7) / 8 * 8; i++)
                        for (int j = 0; j < w; j++)
                            Assert.True((i < n ? codes[i * w + j] : 0) == sliced[(i / 8) * 8 * w + 8 * j + i % 8], $"kernel {kernel:x}, W={w} N={n}: code {i} word {j}");
                    Assert.All(sliced[HammingScan.SlicedLength(n, w)..], x => Assert.Equal(0xDEADUL, x)); // nothing past its length
                }
            Assert.Throws<ArgumentException>(() => HammingScan.Slice(kernel, new ulong[9 * 2], 2, new ulong[16 * 2 - 1])); // 9 codes fill two groups
        }
    }

    /// <summary>Each sliced scan kernel this CPU runs against the reference, every W 1..40, counts around its groups and steps, every threshold.</summary>
    [SkippableFact]
    public void The_sliced_scan_keeps_exactly_the_codes_below_the_threshold_in_order()
    {
        string[] kernels = [.. Kernels.GetKernels(KernelOperation.HammingSliceScan).Select(k => k.Name).Where(k => Kernels.GetUnsupportedReason(k) is null)];
        Skip.If(kernels.Length == 0, $"no sliced scan kernel runs here: {Kernels.GetUnsupportedReason(KernelOperation.HammingSliceScan, IsaLevel.Avx2)}");
        foreach (string name in kernels)
            SlicedScanMatchesTheReference(Dispatch.RequireKernel(KernelOperation.HammingSliceScan, name), name);
    }

    private static void SlicedScanMatchesTheReference(nint kernel, string name)
    {
        var hits = new ulong[300];
        for (int w = 1; w <= 40; w++)
        {
            ulong[] query = RandomCodes(w, 300 + w);
            foreach (int n in new[] { 0, 1, 7, 8, 9, 17, 31, 32, 33, 40, 64, 65, 299 })
            {
                ulong[] codes = RandomCodes(n * w, 400 + n + w);
                for (int i = 0; i < n; i += 3) // near the query, so that the thresholds between matter
                    for (int j = 0; j < w; j++)
                        codes[i * w + j] = query[j] ^ (codes[i * w + j] & codes[(i * w + j + 1) % codes.Length] & (1UL << (i + j) % 64));
                var sliced = new ulong[HammingScan.SlicedLength(n, w)];
                HammingScan.Slice(codes, w, sliced);
                for (int pad = (n + 7) / 8 * 8 - 1; pad >= n; pad--) // the lanes past the codes hold anything, here the query itself
                    for (int j = 0; j < w; j++)
                        sliced[(pad / 8) * 8 * w + 8 * j + pad % 8] = query[j];
                uint[] d = ReferenceDistances(query, codes);
                foreach (ulong threshold in new ulong[] { 0, 1, (ulong)(16 * w), (ulong)(32 * w), (ulong)(64 * w + 1), HammingScan.Everything, ulong.MaxValue })
                {
                    int found = HammingScan.ScanSliced(kernel, query, sliced, n, threshold, 1000, hits);
                    ulong[] want = Enumerable.Range(0, n).Where(i => d[i] < threshold).Select(i => (ulong)d[i] << 32 | (uint)(1000 + i)).ToArray();
                    Assert.True(want.AsSpan().SequenceEqual(hits.AsSpan(0, found)), $"{name}: W={w} N={n} threshold {threshold}: {found} hits, want {want.Length}");
                }
            }
        }
    }

    /// <summary>A batch large enough to slice its tiles gives what each query alone does, at the widths that slice and those that do not.</summary>
    [Fact, Trait("Category", "Api")]
    public void A_batch_that_slices_its_tiles_equals_one_query_at_a_time()
    {
        // 130 queries at 2 words: 65 on each of two threads, where 2-word batches slice
        foreach ((int w, int q) in new[] { (2, 130), (3, 33), (4, 33), (8, 33), (12, 33), (16, 33), (17, 33) })
        {
            if (HammingScan.SliceBound != 0 && w == 2)
                Assert.True(HammingScan.SlicePays(w, 65) == (HammingScan.SliceCodesBound != 0) && !HammingScan.SlicePays(w, 63) && !HammingScan.SlicePays(1, q), "W=2: which batches slice");
            else if (HammingScan.SliceBound != 0)
                Assert.True(HammingScan.SlicePays(w, q) && HammingScan.SlicePays(w, 16) == w is not (4 or 8 or 16) && !HammingScan.SlicePays(1025, q), $"W={w}: which batches slice");
            foreach (int n in new[] { 1, 9, 2 * HammingScan.SliceTileCodes(w) + 13 })
            {
                ulong[] codes = RandomCodes(n * w, 77 + w + n);
                ulong[] queries = RandomCodes(q * w, 88 + w);
                codes.AsSpan(0, w).CopyTo(queries.AsSpan(5 * w)); // a distance-0 match
                foreach (int k in new[] { 1, 10, 300 }) // 300: at 16 words and more the heap fills over several tiles
                    foreach (int threads in new[] { 1, 2 })
                    {
                        var idx = new int[q * k];
                        var dist = new uint[q * k];
                        int found = HammingSearch.NearestBatch(queries, codes, w, k, idx, dist, threads);
                        Assert.Equal(Math.Min(k, n), found);
                        for (int j = 0; j < q; j++)
                        {
                            (int[] want, uint[] wantDist) = ReferenceNearest(ReferenceDistances(queries.AsSpan(j * w, w), codes), k);
                            Assert.Equal(want, idx.AsSpan(j * k, found).ToArray());
                            Assert.Equal(wantDist, dist.AsSpan(j * k, found).ToArray());
                        }
                    }
            }
        }
    }

    [Fact, Trait("Category", "Api")]
    public void Nearest_matches_brute_force_for_every_width_and_count_around_k()
    {
        for (int w = 1; w <= 40; w += w < 10 ? 1 : 3)
        {
            ulong[] query = RandomCodes(w, w);
            foreach (int k in new[] { 0, 1, 5, 16 })
            {
                foreach (int n in new[] { 0, 1, Math.Max(0, k - 1), k, k + 1, 777 })
                {
                    ulong[] codes = RandomCodes(n * w, 1000 + n + w);
                    for (int i = 0; i < n; i += 5) // near neighbours and exact ties
                        query.AsSpan().CopyTo(codes.AsSpan(i * w, w));
                    uint[] d = ReferenceDistances(query, codes);
                    var (wantIdx, wantDist) = ReferenceNearest(d, k);
                    var idx = new int[k];
                    var dist = new uint[k];
                    int found = HammingSearch.Nearest(query, codes, idx, dist);
                    Assert.Equal(Math.Min(k, n), found);
                    Assert.Equal(wantIdx, idx[..found]);
                    Assert.Equal(wantDist, dist[..found]);
                    Array.Clear(idx);
                    Assert.Equal(found, HammingSearch.Nearest(query, codes, idx, dist, degreeOfParallelism: 3));
                    Assert.Equal(wantIdx, idx[..found]);
                    Assert.Equal(found, new HammingSearcher().Nearest(query, codes, idx, dist));
                    Assert.Equal(wantIdx, idx[..found]);
                }
            }
        }
    }

    [Fact, Trait("Category", "Api")]
    public void Equal_codes_come_out_by_index()
    {
        ulong[] query = [1, 2, 3, 4];
        ulong[] codes = new ulong[4 * 5000];
        for (int i = 0; i < 5000; i++)
            codes[4 * i] = 5; // every code at the same distance
        var idx = new int[10];
        var dist = new uint[10];
        Assert.Equal(10, HammingSearch.Nearest(query, codes, idx, dist, degreeOfParallelism: 2));
        Assert.Equal(Enumerable.Range(0, 10), idx);
        Assert.Equal(10, HammingSearch.Nearest(query, codes, idx, dist));
        Assert.Equal(Enumerable.Range(0, 10), idx);
        Assert.All(dist, x => Assert.Equal(dist[0], x));
    }

    [Fact, Trait("Category", "Api")]
    public void Distances_and_misaligned_spans_match_the_reference()
    {
        byte[] buffer = Reference.RandomBuffer(7, 5000);
        foreach (int w in new[] { 1, 3, 4, 8, 16, 17 })
        {
            Span<ulong> query = Reference.Words(buffer, 5, w);
            ReadOnlySpan<ulong> codes = Reference.Words(buffer, 13, 100 * w); // both misaligned
            var got = new uint[100];
            HammingSearch.Distances(query, codes, got);
            Assert.Equal(ReferenceDistances(query, codes), got);
        }
        Assert.Throws<ArgumentException>(() => HammingSearch.Distances([1UL, 2], new ulong[6], new uint[2]));
    }

    [Fact, Trait("Category", "Api")]
    public void Radius_finds_every_code_within_it_in_order_and_reports_the_total()
    {
        ulong[] query = RandomCodes(8, 1);
        ulong[] codes = RandomCodes(8 * 3000, 2);
        for (int i = 0; i < 3000; i += 7)
        {
            query.AsSpan().CopyTo(codes.AsSpan(8 * i, 8));
            codes[8 * i] ^= (ulong)i; // a few bits off
        }
        uint[] d = ReferenceDistances(query, codes);
        foreach (uint radius in new uint[] { 0, 3, 10, 250, 512, uint.MaxValue })
        {
            var (wantIdx, wantDist) = ReferenceNearest(d, int.MaxValue, radius);
            List<HammingMatch> all = HammingSearch.WithinRadius(query, codes, radius);
            Assert.Equal(wantIdx, all.Select(m => m.Index));
            Assert.Equal(wantDist, all.Select(m => m.Distance));
            var idx = new int[5];
            var dist = new uint[5];
            Assert.Equal(wantIdx.Length, HammingSearch.WithinRadius(query, codes, radius, idx, dist)); // the total, with room for 5
            int shown = Math.Min(5, wantIdx.Length);
            Assert.Equal(wantIdx[..shown], idx[..shown]);
            Assert.Equal(wantIdx.Length, new HammingSearcher(5).WithinRadius(query, codes, radius, idx, dist));
        }
    }

    [Fact, Trait("Category", "Api")]
    public void Batch_equals_one_query_at_a_time_on_any_number_of_threads()
    {
        // The threads share the codes: 5 codes on 3 threads leave shares smaller than k = 7, and one
        // query runs its one-pass path on every share.
        foreach (int w in new[] { 1, 4, 5, 8, 16 })
            foreach ((int n, int nq) in new[] { (20000, 13), (20000, 1), (5, 13) })
            {
                ulong[] codes = RandomCodes(w * n, w);
                ulong[] queries = RandomCodes(w * nq, w + 50);
                codes.AsSpan(0, w).CopyTo(queries.AsSpan(nq / 2 * w)); // a query with a distance-0 match
                foreach (int k in new[] { 0, 1, 7 })
                {
                    foreach (int threads in new[] { 1, 2, 3, -1 })
                    {
                        var idx = new int[nq * k];
                        var dist = new uint[nq * k];
                        Assert.Equal(Math.Min(k, n), HammingSearch.NearestBatch(queries, codes, w, k, idx, dist, threads));
                        for (int q = 0; q < nq; q++)
                        {
                            var one = new int[k];
                            var oneDist = new uint[k];
                            int found = HammingSearch.Nearest(queries.AsSpan(q * w, w), codes, one, oneDist);
                            Assert.Equal(one.AsSpan(0, found).ToArray(), idx.AsSpan(q * k, found).ToArray());
                            Assert.Equal(oneDist.AsSpan(0, found).ToArray(), dist.AsSpan(q * k, found).ToArray());
                        }
                    }
                }
            }
    }

    [Fact, Trait("Category", "Api")]
    public void Bad_shapes_are_argument_errors_naming_the_numbers()
    {
        var e = Assert.Throws<ArgumentException>(() => HammingSearch.Nearest([1UL, 2, 3], new ulong[10], new int[1], new uint[1]));
        Assert.Contains("10", e.Message);
        Assert.Contains("3", e.Message);
        Assert.Throws<ArgumentException>(() => HammingSearch.Nearest([], new ulong[10], new int[1], new uint[1]));
        Assert.Throws<ArgumentException>(() => HammingSearch.Nearest([1UL], new ulong[10], new int[2], new uint[1]));
        e = Assert.Throws<ArgumentException>(() => HammingSearch.NearestBatch(new ulong[7], new ulong[8], 4, 1, new int[1], new uint[1]));
        Assert.Contains("7", e.Message);
        e = Assert.Throws<ArgumentException>(() => HammingSearch.NearestBatch(new ulong[8], new ulong[8], 4, 3, new int[5], new uint[5]));
        Assert.Contains("6", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => HammingSearch.NearestBatch(new ulong[8], new ulong[8], 0, 1, new int[1], new uint[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => HammingSearch.Nearest([1UL], new ulong[10], new int[1], new uint[1], degreeOfParallelism: 0));
    }

    [Fact, Trait("Category", "Api")]
    public void A_searcher_allocates_nothing_on_repeated_searches()
    {
        ulong[] codes = RandomCodes(4 * 50_000, 8), query = RandomCodes(4, 9);
        var searcher = new HammingSearcher(10);
        var idx = new int[10];
        var dist = new uint[10];
        // Warm up past tiering (the JIT resolving string literals and types on this thread while
        // it compiles counts as this thread's allocations): then the steady state is measured.
        for (int round = 0; round < 2; round++)
        {
            for (int i = 0; i < 50; i++)
            {
                searcher.Nearest(query, codes, idx, dist);
                searcher.WithinRadius(query, codes, 100, idx, dist);
            }
            Thread.Sleep(300);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            searcher.Nearest(query, codes, idx, dist);
            searcher.WithinRadius(query, codes, 100, idx, dist);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact, Trait("Category", "Api")]
    public void A_canceled_batch_throws()
    {
        using var canceled = new CancellationTokenSource();
        canceled.Cancel();
        ulong[] codes = RandomCodes(4 * 1000, 3);
        Assert.ThrowsAny<OperationCanceledException>(() =>
            HammingSearch.NearestBatch(codes.AsSpan(0, 8), codes, 4, 2, new int[4], new uint[4], 2, canceled.Token));
        Assert.ThrowsAny<OperationCanceledException>(() =>
            HammingSearch.Nearest(codes.AsSpan(0, 4), codes, new int[2], new uint[2], 2, canceled.Token));
    }

    [Fact]
    public void A_k_beyond_the_codes_allocates_for_the_codes_not_for_k()
    {
        ulong[] codes = [1, 2, 3];
        var idx = new int[50_000_000];
        var dist = new uint[50_000_000];
        var bi = new int[2 * 20_000_000];
        var bd = new uint[2 * 20_000_000];
        long before = GC.GetTotalAllocatedBytes(precise: true);
        Assert.Equal(3, HammingSearch.Nearest([0UL], codes, idx, dist));
        Assert.Equal(3, HammingSearch.Nearest([0UL], codes, idx, dist, 2));
        Assert.Equal(3, HammingSearch.WithinRadius([0UL], codes, 64, idx, dist));
        Assert.Equal(3, HammingSearch.NearestBatch([0UL, 7UL], codes, 1, 20_000_000, bi, bd, 2));
        var searcher = new HammingSearcher(int.MaxValue);
        Assert.Equal(3, searcher.Nearest([0UL], codes, idx, dist));
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.True(allocated < 8 << 20, $"{allocated:N0} bytes allocated to search 3 codes with k up to int.MaxValue");
        Assert.Equal([0, 1, 2], idx[..3]); // distances 1, 1, 2
    }

    [Fact]
    public void A_one_thread_search_sees_its_cancellation_between_blocks()
    {
        const int w = 8;
        var codes = new ulong[w * 2_000_000]; // 128 MB: a few milliseconds a pass
        new Random(9).NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(codes.AsSpan()));
        var idx = new int[10];
        var dist = new uint[10];
        HammingSearch.Nearest(codes.AsSpan(0, w), codes, idx, dist, 1); // warm: pages touched, code compiled
        long begin = System.Diagnostics.Stopwatch.GetTimestamp();
        HammingSearch.Nearest(codes.AsSpan(0, w), codes, idx, dist, 1);
        long pass = System.Diagnostics.Stopwatch.GetTimestamp() - begin;
        // One call, canceled while it runs: a check between blocks throws; a check only at the start
        // would let the pass run to its end. A canceler the scheduler delays past the pass (the
        // machine is shared) proves nothing either way, and the attempt is made again.
        for (int attempt = 0; attempt < 50; attempt++)
        {
            using var cancel = new CancellationTokenSource();
            long requested = 0;
            var canceler = new Thread(() =>
            {
                Thread.Sleep(1);
                Volatile.Write(ref requested, System.Diagnostics.Stopwatch.GetTimestamp());
                cancel.Cancel();
            });
            long callStart = System.Diagnostics.Stopwatch.GetTimestamp();
            canceler.Start();
            bool seen = false;
            try
            {
                HammingSearch.Nearest(codes.AsSpan(0, w), codes, idx, dist, 1, cancel.Token);
            }
            catch (OperationCanceledException)
            {
                seen = true;
            }
            long callEnd = System.Diagnostics.Stopwatch.GetTimestamp();
            canceler.Join();
            long at = Volatile.Read(ref requested) - callStart, took = callEnd - callStart;
            if (seen && at > pass / 20)
                return; // requested well after the call began, and seen before its end
            Assert.False(!seen && at > 0 && at < took / 2,
                $"canceled {at * 1000.0 / System.Diagnostics.Stopwatch.Frequency:F2} ms into a {took * 1000.0 / System.Diagnostics.Stopwatch.Frequency:F2} ms call, which ran to its end");
        }
        Assert.Fail("in 50 attempts no cancellation arrived while a call ran (the canceler was always scheduled too late)");
    }

    [Fact]
    public unsafe void Codes_by_pointer_and_count_are_searched_in_parts_with_long_indices()
    {
        const int w = 2, n = 1000;
        var codes = new ulong[w * n];
        new Random(21).NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(codes.AsSpan()));
        for (int i = 96; i < n; i += 97) // a tie on every part's first code
            codes.AsSpan(0, w).CopyTo(codes.AsSpan(w * i, w));
        ulong[] query = codes[..w];
        long parts = HammingSearch.PartCodes;
        try
        {
            HammingSearch.PartCodes = 97;
            var li = new long[12];
            var ld = new uint[12];
            var ii = new int[12];
            var id = new uint[12];
            fixed (ulong* p = codes)
                Assert.Equal(12, HammingSearch.Nearest(query, p, n, li, ld));
            Assert.Equal(12, HammingSearch.Nearest(query, codes, ii, id));
            Assert.Equal(ii.Select(i => (long)i), li);
            Assert.Equal(id, ld);
            Assert.Equal([0L, 96, 193, 290], li[..4]); // the ties at 0, across the parts, by index

            var all = new long[2 * n];
            var allDistances = new uint[2 * n];
            fixed (ulong* p = codes)
                Assert.Equal(n, HammingSearch.Nearest(query, p, n, all, allDistances, -1));
            Assert.Equal(0, HammingSearch.Nearest(query, null, 0, li, ld));
            Assert.Throws<ArgumentNullException>(() => HammingSearch.Nearest(query, null, 1, li, ld));
            Assert.Throws<ArgumentOutOfRangeException>(() => HammingSearch.Nearest(query, null, -1, li, ld));
        }
        finally
        {
            HammingSearch.PartCodes = parts;
        }
    }
}
