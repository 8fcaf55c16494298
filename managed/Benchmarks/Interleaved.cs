using System.Diagnostics;

namespace AsmKernels.Benchmarks;

/// <summary>
/// Rows measured again, interleaved: in each of several rounds every row of a size runs once (a
/// few milliseconds of calls), and each row keeps its best round. A burst of load from the
/// machine's other tenants then slows one round of every row rather than all of one row's
/// measurements, so the ratios between rows (the targets) are not at the mercy of when a row
/// happened to run. Calls go through a delegate, which adds the same nanosecond or two to every row.
/// </summary>
internal static class Interleaved
{
    public const int Rounds = 9;

    /// <summary>Best nanoseconds per call of each (method, size): the rows of one size run round-robin.</summary>
    public static Dictionary<(string Method, int N), double> BestNs(IEnumerable<(int N, (string Method, Func<ulong> Call)[] Rows)> sizes)
    {
        var best = new Dictionary<(string, int), double>();
        foreach ((int n, (string Method, Func<ulong> Call)[] rows) in sizes)
        {
            long[] reps = rows.Select(r => Calibrate(r.Call)).ToArray();
            for (int round = 0; round < Rounds; round++)
            {
                for (int i = 0; i < rows.Length; i++)
                {
                    double ns = Time(rows[i].Call, reps[i]);
                    var key = (rows[i].Method, n);
                    best[key] = best.TryGetValue(key, out double b) ? Math.Min(b, ns) : ns;
                }
            }
        }
        return best;
    }

    /// <summary>How many calls take about 5 ms (after a warm-up of the same).</summary>
    private static long Calibrate(Func<ulong> call)
    {
        long reps = 1;
        while (true)
        {
            double ns = Time(call, reps) * reps;
            if (ns >= 5e6)
                return reps;
            reps = ns < 1e5 ? reps * 10 : (long)(reps * 5e6 / ns) + 1;
        }
    }

    private static double Time(Func<ulong> call, long reps)
    {
        ulong sink = 0;
        long start = Stopwatch.GetTimestamp();
        for (long i = 0; i < reps; i++)
            sink += call();
        double ns = Stopwatch.GetElapsedTime(start).TotalNanoseconds / reps;
        GC.KeepAlive(sink);
        return ns;
    }
}
