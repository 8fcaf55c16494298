using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using AsmKernels.Build;

namespace AsmKernels;

/// <summary>
/// The scan under every Hamming search: one block of codes against one query, keeping the codes
/// closer than a threshold as keys (distance &lt;&lt; 32) | index, which sort by distance, ties by
/// index. The native kernel (<c>asmk_hamscan_*</c>, bound once) or the managed loop below.
/// </summary>
internal static unsafe partial class HammingScan
{
    /// <summary>The most codes per kernel call, and the hits buffer's size (256 KiB).</summary>
    public const int BlockCodes = 32768;

    /// <summary>
    /// Codes per kernel call for <paramref name="words"/>-word codes: at least 64 KiB of codes and
    /// 8192 codes, few enough calls that the managed work between them does not stall the stream
    /// of loads (at 64 and 128 bits, 8192 codes are only 64 and 128 KiB).
    /// </summary>
    public static int BlockCodesFor(int words) => Math.Clamp(BlockCodes / words, 8192, BlockCodes) & ~7; // whole groups of sliced codes

    /// <summary>The first block of a search whose k best are not known yet: its codes all enter the heap.</summary>
    public const int FirstBlockCodes = 256;

    /// <summary>A threshold every code passes (distances are below 2^32).</summary>
    public const ulong Everything = 1UL << 32;

    /// <summary>The widest code whose distance fits the key's 32 bits with room: 2^26 words.</summary>
    public const int MaxWords = 1 << 26;

    /// <summary>The kernel dispatch selected, bound once; 0 when the managed loop runs.</summary>
    public static readonly nint Bound = Dispatch.SelectedAddress(KernelOperation.HammingScan);

    /// <summary>The scan of sliced codes dispatch selected (<c>asmk_hamslice_*</c>), bound once; 0 where none runs, and a batch scans the codes as stored.</summary>
    public static readonly nint SliceBound = Dispatch.SelectedAddress(KernelOperation.HammingSliceScan);

    /// <summary>The slicing kernel dispatch selected (<c>asmk_slice_*</c>), bound once; 0 where none runs, and <see cref="Slice(ReadOnlySpan{ulong}, int, Span{ulong})"/> copies in managed code.</summary>
    public static readonly nint SliceCodesBound = Dispatch.SelectedAddress(KernelOperation.SliceCodes);

    // ScanJob (asmk_scan) and Stream (ASMK_SCAN_STREAM) are generated from the kernel table at compile time (KernelTable.g.cs, LibraryTableEmitter).

    // A pass asks for ASMK_SCAN_STREAM (the kernels' prefetch ahead) where ScanPrefetch's CPU rule
    // says it pays for a pass over that many bytes: a whole code set, or a batch's cache-sized tile.

    public static int CodeCount(ReadOnlySpan<ulong> query, ReadOnlySpan<ulong> codes)
    {
        if (query.IsEmpty)
            throw new ArgumentException("The query is empty: a code has at least one 64-bit word.", nameof(query));
        return CodeCount(query.Length, codes);
    }

    public static int CodeCount(int words, ReadOnlySpan<ulong> codes)
    {
        if (words >= MaxWords)
            throw new ArgumentException($"Codes of {words} words are too long (at most {MaxWords - 1}).", nameof(words));
        if (codes.Length % words != 0)
            throw new ArgumentException($"The code set holds {codes.Length} words, which is not a whole number of {words}-word codes.", nameof(codes));
        return codes.Length / words;
    }

    public static void CheckResults(Span<int> indices, Span<uint> distances)
    {
        if (indices.Length != distances.Length)
            throw new ArgumentException($"indices ({indices.Length} elements) and distances ({distances.Length}) must have the same length, k.", nameof(distances));
    }

    /// <summary>
    /// Runs <paramref name="body"/>(0 .. <paramref name="threads"/> - 1) on that many threads. Apart
    /// and never inlined, so that a search on one thread does not name Parallel: a method that does
    /// loads System.Threading.Tasks.Parallel on its first call, whichever branch it takes, and a
    /// fresh process's first one-query NearestBatch took 0.3-0.5 ms more than its first Nearest
    /// (AMD Zen 5, by hand, a throwaway program timing the first calls).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void OnThreads(int threads, Action<int> body, CancellationToken cancel) =>
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancel }, body);

    public static int Threads(int degreeOfParallelism, int work)
    {
        if (degreeOfParallelism == 0 || degreeOfParallelism < -1)
            throw new ArgumentOutOfRangeException(nameof(degreeOfParallelism), degreeOfParallelism, "Use -1 for every core, or a number of threads from 1.");
        int threads = degreeOfParallelism == -1 ? Environment.ProcessorCount : degreeOfParallelism;
        return Math.Max(1, Math.Min(threads, work));
    }

    /// <summary>Codes per tile of a batch: about 256 KiB of codes, which stay in a core's L2 cache while the queries pass.</summary>
    public static int TileCodes(int words) => Math.Clamp((256 << 10) / (8 * words), 64, 1 << 16);

    /// <summary>
    /// Whether a batch share of <paramref name="queries"/> queries of <paramref name="words"/>-word
    /// codes scans sliced copies of its tiles (where a sliced scan kernel runs). Slicing a tile
    /// costs about what one query's scan of it does, so it pays from enough queries, and sooner
    /// where the stored layout's body does more per code. Measured by hand (NearestBatch timed with
    /// and without slicing, AMD Zen 4, 1,000,000 codes, one thread, 32 KiB tiles sliced by
    /// asmk_slice_avx512, per query against the stored layout; the kernels alone: hamscan_stream W N
    /// sliced, scripts/hamscan_ab.sh): at
    /// 12 words (no body of its own) 1.57x from 16 queries; at 3, 4, 8 and 16 words, which have
    /// bodies of their own, 1.14-1.24x, 0.98-1.01x, 1.04-1.07x and 0.88-0.90x at 16 queries,
    /// 1.31-1.37x, 1.13-1.28x, 1.14-1.29x and 1.00-1.15x at 32, 1.24x, 1.26-1.31x, 1.28-1.35x and
    /// 1.04-1.06x at 64. With asmk_hamslice_avx2 (the same CPU capped at AVX2, tiles sliced in
    /// managed code): 4.3x at 3 words, 1.02x, 1.35x and 1.20x at 4, 8 and 16 words at 32 queries,
    /// 1.08x, 1.45x and 1.30x at 64. At 1 word there is no add tree to save and at 2 only the pair
    /// sums (1.32x in cache before the slicing's cost): sliced batches ran 0.80x and 1.03x the stored
    /// layout at 64 queries, 0.65x and 0.92x at 32 (16 KiB tiles, interleaved in one process, by
    /// hand); above 1,024 words (64 KiB codes) a tile's copy would outgrow the cache. At 2 words
    /// asmk_hamslice_avx512 has a body of its own now and a tile's scan no GC transition
    /// (<see cref="CallSlicedTile"/>): on Intel Xeon (family 6 model 207, 1,000,000 codes, one
    /// thread, interleaved in one process, a throwaway program) sliced batches ran 1.20-1.23x the
    /// stored layout at 64 queries, 1.11-1.12x at 32 and 1.06-1.07x at 16; so 2 words slice from 64
    /// queries, where Zen 4 did not lose even with the general body, and only with the AVX-512
    /// slicing kernel (the AVX2 path slices in managed code and was not measured at 2 words).
    /// </summary>
    public static bool SlicePays(int words, int queries) =>
        SliceBound != 0 && (words is >= 3 and <= 1024 && queries >= (words is 4 or 8 or 16 ? 32 : 16)
            || words == 2 && SliceCodesBound != 0 && queries >= 64);

    /// <summary>
    /// Codes per tile of a sliced batch: about 16 KiB, whole groups of eight, half the L1 data cache
    /// of AMD Zen 4 (32 KiB), so that the tile stays there beside each query's hits, heap and stack,
    /// and beside the other thread's tile where two threads share a core. Measured by hand
    /// (NearestBatch, 1,000,000 codes, 64 queries, the tile sizes interleaved in one process, best
    /// of 9 rounds each, AMD Zen 4): against 32 KiB tiles, 1.01-1.09x at 3, 4 and 8 words, 1.01-1.13x
    /// at 16, 0.96x at 12 on one thread, and 1.04-1.07x at 4 and 16 words on two; 24 KiB tiles ran
    /// 0.93-1.17x, and 8 KiB ones (in separate processes) 0.69-0.77x the 16 KiB ones.
    /// </summary>
    public static int SliceTileCodes(int words) => Math.Clamp(SliceTileBytes / (8 * words), 64, 1 << 16) & ~7;

    /// <summary>The bytes of a sliced tile (<see cref="SliceTileCodes"/>).</summary>
    public const int SliceTileBytes = 16 << 10;

    /// <summary>The words <paramref name="count"/> sliced codes of <paramref name="words"/> words fill: whole groups of eight codes.</summary>
    public static int SlicedLength(int count, int words) => (count + 7) / 8 * 8 * words;

    /// <summary>
    /// Writes the codes of <paramref name="codes"/> (as stored: code i at words i*W .. i*W+W-1) to
    /// <paramref name="sliced"/> in the layout the sliced scan reads: group g of 8 W words holds word
    /// j of codes 8g .. 8g+7 at its words 8j .. 8j+7; the lanes of the last group past the codes are
    /// zero. <paramref name="sliced"/> holds at least <see cref="SlicedLength"/> words.
    /// </summary>
    public static void Slice(ReadOnlySpan<ulong> codes, int words, Span<ulong> sliced) => Slice(SliceCodesBound, codes, words, sliced);

    /// <summary><see cref="Slice(ReadOnlySpan{ulong}, int, Span{ulong})"/> with a given kernel (0: the managed copy).</summary>
    public static void Slice(nint kernel, ReadOnlySpan<ulong> codes, int words, Span<ulong> sliced)
    {
        int count = codes.Length / words, length = SlicedLength(count, words);
        if (sliced.Length < length)
            throw new ArgumentException($"{count} sliced codes of {words} words need {length} words; the buffer holds {sliced.Length}.", nameof(sliced));
        if (kernel != 0)
        {
            fixed (ulong* from = codes, to = sliced)
                CallSlice(kernel, to, from, (nuint)count, (nuint)words);
            return;
        }
        if (count % 8 != 0)
            sliced.Slice(length - 8 * words, 8 * words).Clear();
        fixed (ulong* from = codes, to = sliced)
        {
            ulong* group = to;
            int whole = count / 8;
            for (int g = 0; g < whole; g++) // a group's words in the order they are written: j, then the eight codes
            {
                ulong* code = from + (long)g * 8 * words;
                for (int j = 0; j < words; j++, group += 8)
                {
                    ulong* word = code + j;
                    group[0] = word[0];
                    group[1] = word[words];
                    group[2] = word[2 * words];
                    group[3] = word[3 * words];
                    group[4] = word[4 * words];
                    group[5] = word[5 * words];
                    group[6] = word[6 * words];
                    group[7] = word[7 * words];
                }
            }
            for (int i = 8 * whole; i < count; i++)
                for (int j = 0; j < words; j++)
                    group[8 * j + (i & 7)] = from[(long)i * words + j];
        }
    }

    /// <summary>
    /// Scans <paramref name="codes"/> (numbered from <paramref name="firstIndex"/>) and writes the
    /// keys of the codes with distance below <paramref name="threshold"/> to <paramref name="hits"/>,
    /// in code order; returns their number. <paramref name="hits"/> has room for every code.
    /// </summary>
    public static int Scan(ReadOnlySpan<ulong> query, ReadOnlySpan<ulong> codes, ulong threshold, int firstIndex, Span<ulong> hits) =>
        Scan(Bound, query, codes, threshold, firstIndex, hits);

    /// <summary><see cref="Scan(ReadOnlySpan{ulong}, ReadOnlySpan{ulong}, ulong, int, Span{ulong})"/> with a given kernel (0: the managed loop) and the job's flags (<see cref="ScanPrefetch.FlagsFor"/>).</summary>
    public static int Scan(nint kernel, ReadOnlySpan<ulong> query, ReadOnlySpan<ulong> codes, ulong threshold, int firstIndex, Span<ulong> hits, ulong flags = 0)
    {
        int count = codes.Length / query.Length;
        if (count == 0)
            return 0;
        if (kernel == 0)
            return Managed(query, codes, threshold, firstIndex, hits);
        fixed (ulong* q = query, c = codes, h = hits)
        {
            var job = new ScanJob { Query = q, Words = (ulong)query.Length, Threshold = threshold, FirstIndex = (ulong)firstIndex, Hits = h, Flags = flags };
            return (int)Call(kernel, &job, c, (nuint)count);
        }
    }

    /// <summary>
    /// <see cref="Scan(nint, ReadOnlySpan{ulong}, ReadOnlySpan{ulong}, ulong, int, Span{ulong}, ulong)"/> over
    /// <paramref name="count"/> codes sliced (<see cref="Slice(ReadOnlySpan{ulong}, int, Span{ulong})"/>) with the sliced scan kernel at <paramref name="kernel"/>.
    /// </summary>
    public static int ScanSliced(nint kernel, ReadOnlySpan<ulong> query, ReadOnlySpan<ulong> sliced, int count, ulong threshold, int firstIndex, Span<ulong> hits)
    {
        if (kernel == 0)
            throw new ArgumentException("Sliced codes are scanned only by a native kernel.", nameof(kernel));
        if (sliced.Length < SlicedLength(count, query.Length) || hits.Length < count)
            throw new ArgumentException($"{count} sliced codes of {query.Length} words need {SlicedLength(count, query.Length)} words and room for {count} hits; there are {sliced.Length} and {hits.Length}.", nameof(sliced));
        if (count == 0)
            return 0;
        fixed (ulong* q = query, c = sliced, h = hits)
        {
            var job = new ScanJob { Query = q, Words = (ulong)query.Length, Threshold = threshold, FirstIndex = (ulong)firstIndex, Hits = h };
            return (int)((ulong)SlicedLength(count, query.Length) * sizeof(ulong) <= SliceTileBytes
                ? CallSlicedTile(kernel, &job, c, (nuint)count)
                : CallSliced(kernel, &job, c, (nuint)count));
        }
    }

    /// <summary>Calls the scan kernel at <paramref name="kernel"/>, always with the GC transition: a block of codes takes microseconds (the call generated from the kernel table).</summary>
    [AsmKernelCall("hamscan", MaxTransitionFreeBytes = 0)]
    private static partial nuint Call(nint kernel, ScanJob* scan, ulong* codes, nuint count);

    /// <summary>Calls the slicing kernel at <paramref name="kernel"/>, with the GC transition: a tile takes microseconds.</summary>
    [AsmKernelCall("slice", MaxTransitionFreeBytes = 0)]
    private static partial void CallSlice(nint kernel, ulong* sliced, ulong* codes, nuint count, nuint words);

    /// <summary>Calls the sliced scan kernel at <paramref name="kernel"/>, as <see cref="Call"/>.</summary>
    [AsmKernelCall("hamslice", MaxTransitionFreeBytes = 0)]
    private static partial nuint CallSliced(nint kernel, ScanJob* scan, ulong* codes, nuint count);

    /// <summary>
    /// Calls the sliced scan kernel at <paramref name="kernel"/> over at most one tile
    /// (<see cref="SliceTileBytes"/>), without the GC transition: a batch makes one such call per
    /// query and tile, about 0.2 µs each (128-bit codes, Intel Xeon family 6 model 207, a
    /// throwaway program), and the transition costs about 15 ns there
    /// (<see cref="IncrementPaths.TransitionFreeBytes"/>): the GC waits at most one tile's scan.
    /// </summary>
    [AsmKernelCall("hamslice", MaxTransitionFreeBytes = SliceTileBytes)]
    private static partial nuint CallSlicedTile(nint kernel, ScanJob* scan, ulong* codes, nuint count);

    /// <summary>The managed scan: the same contract as the kernels, word by word with <see cref="BitOperations.PopCount(ulong)"/>.</summary>
    public static int Managed(ReadOnlySpan<ulong> query, ReadOnlySpan<ulong> codes, ulong threshold, int firstIndex, Span<ulong> hits)
    {
        int w = query.Length, found = 0;
        uint index = (uint)firstIndex;
        if (w == 4)
        {
            ulong q0 = query[0], q1 = query[1], q2 = query[2], q3 = query[3];
            for (int at = 0; at + 4 <= codes.Length; at += 4, index++)
            {
                ulong d = (ulong)(BitOperations.PopCount(codes[at] ^ q0) + BitOperations.PopCount(codes[at + 1] ^ q1)
                    + BitOperations.PopCount(codes[at + 2] ^ q2) + BitOperations.PopCount(codes[at + 3] ^ q3));
                if (d < threshold)
                    hits[found++] = d << 32 | index;
            }
            return found;
        }
        for (int at = 0; at + w <= codes.Length; at += w, index++)
        {
            ulong d = 0;
            ReadOnlySpan<ulong> code = codes.Slice(at, w);
            for (int j = 0; j < code.Length; j++)
                d += (ulong)BitOperations.PopCount(code[j] ^ query[j]);
            if (d < threshold)
                hits[found++] = d << 32 | index;
        }
        return found;
    }

    /// <summary>
    /// A one-thread search with the thread's scratch arrays: checks the shapes, runs <paramref name="kernel"/>
    /// over every code keeping the k = <paramref name="indices"/>.Length best below
    /// <paramref name="threshold"/>, writes them sorted; returns how many it wrote, and in
    /// <paramref name="total"/> the number below the threshold when <paramref name="countAll"/>.
    /// </summary>
    public static int Pooled(nint kernel, ReadOnlySpan<ulong> query, ReadOnlySpan<ulong> codes, Span<int> indices, Span<uint> distances,
        ulong threshold, bool countAll, out int total, CancellationToken cancel = default)
    {
        CheckResults(indices, distances);
        int k = Math.Min(indices.Length, CodeCount(query, codes)); // no more can be found: room for min(k, N)
        var top = new TopK(new Span<ulong>(SearchScratch.Heap(k), 0, k));
        total = Run(kernel, query, codes, 0, ref top, SearchScratch.Hits(BlockCodes), threshold, countAll, cancel);
        return top.WriteSorted(indices, distances);
    }

    /// <summary>
    /// Runs <paramref name="query"/> over all of <paramref name="codes"/> (numbered from
    /// <paramref name="firstIndex"/>) a block at a time, keeping the best in <paramref name="top"/>.
    /// The threshold passed to each block is the k-th best distance so far (below
    /// <paramref name="threshold"/>), or with <paramref name="countAll"/> always
    /// <paramref name="threshold"/>, and then the number of codes below it is returned.
    /// </summary>
    public static int Run(ReadOnlySpan<ulong> query, ReadOnlySpan<ulong> codes, int firstIndex, ref TopK top, ulong[] hits, ulong threshold,
        bool countAll = false, CancellationToken cancel = default) =>
        Run(Bound, query, codes, firstIndex, ref top, hits, threshold, countAll, cancel);

    /// <summary><see cref="Run(ReadOnlySpan{ulong}, ReadOnlySpan{ulong}, int, ref TopK, ulong[], ulong, bool, CancellationToken)"/> with a given kernel (0: the managed loop).</summary>
    /// <remarks>Nothing here depends on the vector width the JIT targets: ReadyToRun code runs it from the first search.</remarks>
    public static int Run(nint kernel, ReadOnlySpan<ulong> query, ReadOnlySpan<ulong> codes, int firstIndex, ref TopK top, ulong[] hits, ulong threshold,
        bool countAll = false, CancellationToken cancel = default) =>
        Run(kernel, sliced: false, query, codes, codes.Length / query.Length, firstIndex, ref top, hits, threshold, countAll, cancel);

    /// <summary><see cref="Run(ReadOnlySpan{ulong}, ReadOnlySpan{ulong}, int, ref TopK, ulong[], ulong, bool, CancellationToken)"/> over <paramref name="count"/> sliced codes with the sliced scan kernel at <paramref name="kernel"/>, keeping the best in <paramref name="top"/>.</summary>
    public static void RunSliced(nint kernel, ReadOnlySpan<ulong> query, ReadOnlySpan<ulong> sliced, int count, int firstIndex, ref TopK top, ulong[] hits) =>
        Run(kernel, sliced: true, query, sliced, count, firstIndex, ref top, hits, Everything, countAll: false, default);

    private static int Run(nint kernel, bool sliced, ReadOnlySpan<ulong> query, ReadOnlySpan<ulong> codes, int n, int firstIndex, ref TopK top, ulong[] hits, ulong threshold,
        bool countAll, CancellationToken cancel)
    {
        int w = query.Length, total = 0;
        ulong flags = sliced ? 0 : ScanPrefetch.FlagsFor((long)codes.Length * sizeof(ulong)); // one pass over all of them
        // Until the k best are known every code is a hit and goes into the heap: the blocks start
        // small and double, so that the threshold tightens after a few hundred codes rather than
        // after a whole block (at 64 bits, 8192 heap inserts cost about what scanning 1M codes does).
        // Every block but the last is whole groups of eight codes, where sliced codes start.
        int most = BlockCodesFor(w), block = countAll || top.IsFull ? most : FirstBlockCodes;
        for (int start = 0; start < n; start += block, block = Math.Min(2 * block, most))
        {
            cancel.ThrowIfCancellationRequested();
            int count = Math.Min(block, n - start);
            ulong limit = countAll ? threshold : top.Threshold(threshold);
            if (limit == 0)
                break; // k = 0, or k codes at distance 0: nothing can enter
            int found = sliced
                ? ScanSliced(kernel, query, codes.Slice(start * w, SlicedLength(count, w)), count, limit, firstIndex + start, hits)
                : Scan(kernel, query, codes.Slice(start * w, count * w), limit, firstIndex + start, hits, flags);
            total += found;
            // Spans of the search's arrays by constructor, not AsSpan: MemoryExtensions.AsSpan<ulong>
            // has no ReadyToRun code, and the JIT compiled it inside a fresh process's first search
            // (DOTNET_JitDisasmSummary=1 on `asmkernels search`).
            top.AddAll(new ReadOnlySpan<ulong>(hits, 0, found));
        }
        return total;
    }
}

/// <summary>
/// The k smallest keys seen, in a max-heap over a caller's span: the root is the k-th best, which a
/// new key must beat to enter.
/// </summary>
internal ref struct TopK
{
    private readonly Span<ulong> _heap;

    public TopK(Span<ulong> heap, int count = 0)
    {
        _heap = heap;
        Count = count;
    }

    public int Count { get; private set; }

    /// <summary>Whether the heap holds k keys (then only a key below the root can enter).</summary>
    public readonly bool IsFull => Count >= _heap.Length;

    /// <summary>The threshold a code must be below to enter: the k-th best distance once there are k, else <paramref name="limit"/>.</summary>
    public readonly ulong Threshold(ulong limit) =>
        _heap.Length == 0 ? 0 : Count < _heap.Length ? limit : Math.Min(limit, _heap[0] >> 32);

    public void AddAll(ReadOnlySpan<ulong> keys)
    {
        foreach (ulong key in keys)
            Add(key);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(ulong key)
    {
        if (Count < _heap.Length)
        {
            int i = Count++;
            while (i > 0)
            {
                int parent = (i - 1) >> 1;
                if (_heap[parent] >= key)
                    break;
                _heap[i] = _heap[parent];
                i = parent;
            }
            _heap[i] = key;
        }
        else if (_heap.Length > 0 && key < _heap[0])
        {
            SiftDown(_heap, key);
        }
    }

    /// <summary>Puts <paramref name="key"/> at the root of the max-heap <paramref name="heap"/> (replacing the root) and sifts it down.</summary>
    private static void SiftDown(Span<ulong> heap, ulong key)
    {
        int i = 0, n = heap.Length;
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= n)
                break;
            if (child + 1 < n && heap[child + 1] > heap[child])
                child++;
            if (heap[child] <= key)
                break;
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = key;
    }

    /// <summary>
    /// Sorts the keys ascending and writes the first min(Count, indices.Length); returns that number.
    /// The keys are a max-heap already: heapsort finishes it in place (no generic sort, whose code
    /// the JIT would compile on a process's first search).
    /// </summary>
    public readonly int WriteSorted(Span<int> indices, Span<uint> distances)
    {
        Span<ulong> keys = _heap[..Count];
        for (int end = keys.Length - 1; end > 0; end--)
        {
            ulong last = keys[end];
            keys[end] = keys[0]; // the largest left goes last
            SiftDown(keys[..end], last);
        }
        int n = Math.Min(Count, indices.Length);
        for (int i = 0; i < n; i++)
        {
            indices[i] = (int)(uint)keys[i];
            distances[i] = (uint)(keys[i] >> 32);
        }
        return n;
    }
}
