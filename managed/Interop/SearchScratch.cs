namespace AsmKernels;

/// <summary>
/// The searches' working arrays, one set per thread: made on a thread's first search, grown when a
/// search needs more, kept for its next ones. Not <c>ArrayPool&lt;ulong&gt;</c>: its generic code
/// over <c>ulong</c> is not in any ReadyToRun image, and compiling it (with the generic sort the
/// searches no longer use) cost a process's first search about 2.5 ms (AMD Zen 4, measured once). Each array has one use at a time on a thread: no search runs inside
/// another.
/// </summary>
internal static class SearchScratch
{
    [ThreadStatic] private static ulong[]? t_hits;
    [ThreadStatic] private static ulong[]? t_heap;
    [ThreadStatic] private static ulong[]? t_merged;
    [ThreadStatic] private static int[]? t_counts;
    [ThreadStatic] private static ulong[]? t_sliced;

    /// <summary>A scan's hits: at least <paramref name="length"/> keys.</summary>
    public static ulong[] Hits(int length) => Keys(ref t_hits, length);

    /// <summary>The k best of a search (or of each query of a share of a batch).</summary>
    public static ulong[] Heap(int length) => Keys(ref t_heap, length);

    /// <summary>Every query's heaps of every share of a search on several threads (a batch, or one query), side by side.</summary>
    public static ulong[] Merged(int length) => Keys(ref t_merged, length);

    /// <summary>A batch's tile of codes, sliced for the sliced scan.</summary>
    public static ulong[] Sliced(int length) => Keys(ref t_sliced, length);

    /// <summary>How many keys each query's heap of each share of a batch holds so far.</summary>
    public static int[] Counts(int length)
    {
        int[]? array = t_counts;
        if (array is null || array.Length < length)
            t_counts = array = new int[Math.Max(length, 16)];
        return array;
    }

    private static ulong[] Keys(ref ulong[]? slot, int length)
    {
        ulong[]? array = slot;
        if (array is null || array.Length < length)
            slot = array = new ulong[Math.Max(length, 16)];
        return array;
    }
}
