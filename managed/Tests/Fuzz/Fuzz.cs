using CsCheck;

namespace AsmKernels.Tests.Fuzz;

/// <summary>
/// The managed fuzz driver: CsCheck (seeded, PCG-based generation that shrinks a failing case to
/// a small one and prints its seed). Each property first replays the seeds committed in
/// <c>managed/Tests/Fuzz/regressions.txt</c> for it, then runs <c>iter</c> fresh cases, or with
/// <c>ASMKERNELS_FUZZ_SECONDS=N</c> (<c>./build.sh fuzz</c>) for N seconds. A failure names the
/// seed: add the line <c>Property seed</c> to regressions.txt so that every test run replays it.
/// </summary>
internal static class Fuzz
{
    /// <summary>Seconds per property from ASMKERNELS_FUZZ_SECONDS, or 0 for the test run's fixed count.</summary>
    public static int Seconds => int.TryParse(Environment.GetEnvironmentVariable("ASMKERNELS_FUZZ_SECONDS"), out int s) && s > 0 ? s : 0;

    public static void Run<T>(string property, Gen<T> gen, Action<T> check, long iter, Func<T, string> print)
    {
        foreach (string seed in Regressions(property))
            gen.Sample(check, seed: seed, iter: 1, threads: 1, print: print);
        int seconds = Seconds;
        gen.Sample(check, writeLine: Console.WriteLine, iter: seconds > 0 ? -1 : iter, time: seconds > 0 ? seconds : -1, threads: 1, print: print);
    }

    /// <summary>The committed seeds of <paramref name="property"/>: lines <c>Property seed</c>, <c>#</c> comments.</summary>
    public static IEnumerable<string> Regressions(string property)
    {
        string file = Path.Combine(AppContext.BaseDirectory, "Fuzz", "regressions.txt");
        foreach (string line in File.ReadLines(file))
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 2 && f[0] == property && !line.StartsWith('#'))
                yield return f[1];
        }
    }
}
