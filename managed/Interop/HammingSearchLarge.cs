namespace AsmKernels;

public static partial class HammingSearch
{
    /// <summary>
    /// The most codes one span of a large search holds: under 2^31 codes and 2^31 words, so that
    /// each part runs as one <see cref="Nearest(ReadOnlySpan{ulong}, ReadOnlySpan{ulong}, Span{int}, Span{uint}, int, CancellationToken)"/>
    /// (settable by tests, to cross parts with few codes).
    /// </summary>
    internal static long PartCodes { get; set; } = int.MaxValue - 1;

    /// <summary>
    /// Finds the k codes nearest to <paramref name="query"/> among <paramref name="count"/> codes at
    /// <paramref name="codes"/>, any number the machine can address (a mapped file larger than
    /// 16 GiB, native memory), with 64-bit indices. The codes are searched in parts of fewer than
    /// 2^31 codes, each on <paramref name="degreeOfParallelism"/> threads, and the parts' k best
    /// merged: the result is what one search over all of them gives.
    /// </summary>
    /// <param name="query">The query: W words, W at least 1.</param>
    /// <param name="codes">The first word of the first code; the memory must hold <paramref name="count"/> codes of W words and stay valid during the call.</param>
    /// <param name="count">N: the number of codes, 0 or more.</param>
    /// <param name="indices">Receives the indices of the nearest codes, nearest first, ties by the lower index; its length is k.</param>
    /// <param name="distances">Receives their distances; the same length as <paramref name="indices"/>.</param>
    /// <param name="degreeOfParallelism">Threads to use; -1 for every core.</param>
    /// <param name="cancellationToken">Stops the search between blocks of codes.</param>
    /// <returns>How many were found: min(k, N).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="codes"/> is null and <paramref name="count"/> is not 0.</exception>
    /// <exception cref="ArgumentException">The query is empty or too long, or the result spans differ in length.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative, or <paramref name="degreeOfParallelism"/> 0 or below -1.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public static unsafe long Nearest(ReadOnlySpan<ulong> query, ulong* codes, long count, Span<long> indices, Span<uint> distances,
        int degreeOfParallelism = 1, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (codes == null && count != 0)
            throw new ArgumentNullException(nameof(codes));
        if (indices.Length != distances.Length)
            throw new ArgumentException($"indices ({indices.Length} elements) and distances ({distances.Length}) must have the same length, k.", nameof(distances));
        int w = query.Length;
        HammingScan.CodeCount(query, ReadOnlySpan<ulong>.Empty); // the query's checks
        long part = Math.Max(1, Math.Min(PartCodes, int.MaxValue / w));
        int k = (int)Math.Min(indices.Length, count);
        // The best so far and each part's, side by side; merged into the first after each part.
        var best = new long[k];
        var bestDistance = new uint[k];
        var partIndex = new int[k];
        var partDistance = new uint[k];
        var merged = new long[k];
        var mergedDistance = new uint[k];
        int have = 0;
        for (long first = 0; first < count; first += part)
        {
            long n = Math.Min(part, count - first);
            var span = new ReadOnlySpan<ulong>(codes + first * w, checked((int)(n * w)));
            int found = Nearest(query, span, partIndex, partDistance, degreeOfParallelism, cancellationToken);
            // Two lists ordered by distance, then index: the k best of both, ties to the lower index.
            int a = 0, b = 0, at = 0;
            for (; at < k && (a < have || b < found); at++)
            {
                if (b >= found || (a < have && (bestDistance[a] < partDistance[b] || (bestDistance[a] == partDistance[b] && best[a] < first + partIndex[b]))))
                {
                    merged[at] = best[a];
                    mergedDistance[at] = bestDistance[a++];
                }
                else
                {
                    merged[at] = first + partIndex[b];
                    mergedDistance[at] = partDistance[b++];
                }
            }
            (best, merged) = (merged, best);
            (bestDistance, mergedDistance) = (mergedDistance, bestDistance);
            have = at;
        }
        best.AsSpan(0, have).CopyTo(indices);
        bestDistance.AsSpan(0, have).CopyTo(distances);
        return have;
    }
}
