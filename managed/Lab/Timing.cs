using System.Diagnostics;

namespace AsmKernels.Lab;

/// <summary>
/// Short in-process timing for the CLI's tables. Each body runs its operation <c>reps</c> times
/// and returns a checksum (so nothing is optimized away). The result is the median of several
/// rounds, in nanoseconds per operation. Only ratios between bodies timed in the same run mean
/// anything on a shared machine.
/// </summary>
internal static class Timing
{
    /// <summary>
    /// Runs every body for a while, waits for the runtime's background tier-1 compiler, and runs
    /// them again, so that the timings that follow measure steady-state code, not tier-0 code.
    /// </summary>
    public static void WarmUp(IReadOnlyList<Func<int, ulong>> bodies)
    {
        ulong sink = 0;
        for (int pass = 0; pass < 2; pass++)
        {
            foreach (var body in bodies)
            {
                long start = Stopwatch.GetTimestamp();
                while (Stopwatch.GetElapsedTime(start).TotalMilliseconds < 20)
                    sink += body(64);
            }
            Thread.Sleep(300);
        }
        GC.KeepAlive(sink);
    }

    public static double NanosecondsPerOp(Func<int, ulong> body, double roundMilliseconds = 4, int rounds = 7)
    {
        ulong sink = body(16); // JIT warm-up
        int reps = 1;
        while (true)
        {
            long start = Stopwatch.GetTimestamp();
            sink += body(reps);
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (ms >= roundMilliseconds / 4 || reps >= 1 << 28)
            {
                reps = (int)Math.Clamp(reps * roundMilliseconds / Math.Max(ms, 1e-6), 1, 1 << 28);
                break;
            }
            reps *= 4;
        }

        var samples = new double[rounds];
        for (int r = 0; r < rounds; r++)
        {
            long start = Stopwatch.GetTimestamp();
            sink += body(reps);
            samples[r] = Stopwatch.GetElapsedTime(start).TotalNanoseconds / reps;
        }
        GC.KeepAlive(sink);
        Array.Sort(samples);
        return samples[rounds / 2];
    }

    public static string Format(double ns) =>
        ns >= 1e6 ? $"{ns / 1e6:F2} ms" : ns >= 1e3 ? $"{ns / 1e3:F2} µs" : $"{ns:F1} ns";
}
