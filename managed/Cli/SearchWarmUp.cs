namespace AsmKernels.Cli;

/// <summary>
/// Runs the search's code once on a few made-up codes, on a thread of its own, while the command
/// reads its inputs. A fresh process's first search otherwise pays, inside the search, for its
/// first calls and type loads (the ReadyToRun code's fix-ups, the scan's statics, the heap):
/// about 0.5 ms for one query over 1,000 codes (Intel Xeon and AMD EPYC). Overlapped with the
/// reading on another core, that time leaves the command's run, not only its clock; on one core
/// it runs before the clock instead of inside it. The made-up codes are never the caller's, and
/// a failure here is ignored: the search proper reports its own.
/// </summary>
internal static class SearchWarmUp
{
    /// <summary>Words in the made-up set at most (512 KiB): enough for a batch's tiles, small enough to take microseconds.</summary>
    private const int MaxWords = 1 << 16;

    /// <summary>Starts the warm-up for codes of <paramref name="words"/> words, searched for the <paramref name="k"/> nearest (or within a radius when null) on <paramref name="threads"/> threads.</summary>
    public static Thread Start(int words, int? k, int threads)
    {
        var thread = new Thread(() => Run(words, k, threads)) { IsBackground = true, Name = "asmkernels search warm-up" };
        thread.Start();
        return thread;
    }

    private static void Run(int words, int? k, int threads)
    {
        try
        {
            int count = Math.Clamp(MaxWords / Math.Max(words, 1), 2, 1024);
            var codes = new ulong[count * words];
            for (int i = 0; i < codes.Length; i++)
                codes[i] = (ulong)i * 0x9E3779B97F4A7C15UL;
            var queries = new ulong[2 * words];
            if (k is { } wanted)
            {
                int room = Math.Clamp(wanted, 1, count);
                var indices = new int[2 * room];
                var distances = new uint[2 * room];
                // One query (a pass over every code) and two (a batch's tiles): the two shapes of a step.
                HammingSearch.NearestBatch(queries.AsSpan(0, words), codes, words, room, indices.AsSpan(0, room), distances.AsSpan(0, room), threads);
                HammingSearch.NearestBatch(queries, codes, words, room, indices, distances, threads);
            }
            else
            {
                HammingSearch.WithinRadius(queries.AsSpan(0, words), codes, (uint)(32 * words));
            }
        }
#pragma warning disable CA1031 // a warm-up's failure must not fail the command: the search proper reports its own
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
