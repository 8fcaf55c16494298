using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Reports;

namespace AsmKernels.Benchmarks;

/// <summary>
/// docs/search.md: the search benchmarks (BenchmarkDotNet medians), FAISS's IndexBinaryFlat on the
/// same codes and queries (faiss_search.py, with its distances compared to ours), the targets, and
/// how the code width and k move the speed.
/// </summary>
internal static class SearchReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private sealed record Shape(int Bits, int Queries, int Threads);

    /// <summary>FAISS's best time per shape, or why it did not run.</summary>
    public sealed record FaissResult(Dictionary<(int Bits, int Queries, int Threads), double> Seconds, List<string> Notes);

    /// <summary>Runs faiss_search.py for every shape on files of the benchmark's data, checking its distances against ours.</summary>
    public static FaissResult RunFaiss(string workDir)
    {
        var seconds = new Dictionary<(int, int, int), double>();
        var notes = new List<string>();
        string script = Path.Combine(AppContext.BaseDirectory, "faiss_search.py");
        const string python = "/usr/bin/python3";
        if (!File.Exists(python) || Run(python, ["-c", "import faiss"], out _) != 0)
        {
            notes.Add("FAISS skipped: /usr/bin/python3 cannot import faiss (Debian: apt-get install -y python3-faiss)");
            return new FaissResult(seconds, notes);
        }
        Directory.CreateDirectory(workDir);
        int all = Environment.ProcessorCount;
        foreach (int bits in SearchBenchmarks.Widths)
        {
            (ulong[] codes, ulong[] queries) = SearchData.Get(bits, 64);
            string codesFile = Path.Combine(workDir, $"codes{bits}.bin"), queriesFile = Path.Combine(workDir, $"queries{bits}.bin");
            File.WriteAllBytes(codesFile, System.Runtime.InteropServices.MemoryMarshal.AsBytes(codes.AsSpan()).ToArray());
            foreach (int q in new[] { 1, 64 })
            {
                File.WriteAllBytes(queriesFile, System.Runtime.InteropServices.MemoryMarshal.AsBytes(queries.AsSpan(0, q * bits / 64)).ToArray());
                foreach (int threads in new[] { 1, all })
                {
                    if (Run(python, [script, codesFile, queriesFile, bits.ToString(Inv), SearchBenchmarks.K.ToString(Inv), threads.ToString(Inv), "5"], out string output) != 0)
                    {
                        notes.Add($"FAISS failed at {bits} bits, {q} queries, {threads} threads: {output.Trim()}");
                        continue;
                    }
                    using JsonDocument doc = JsonDocument.Parse(output);
                    seconds[(bits, q, threads)] = doc.RootElement.GetProperty("seconds").GetDouble();
                    // Same distances, query by query (the indices of equal distances may be ordered differently).
                    var idx = new int[q * SearchBenchmarks.K];
                    var dist = new uint[q * SearchBenchmarks.K];
                    HammingSearch.NearestBatch(queries.AsSpan(0, q * bits / 64), codes, bits / 64, SearchBenchmarks.K, idx, dist);
                    uint[] theirs = doc.RootElement.GetProperty("distances").EnumerateArray().SelectMany(r => r.EnumerateArray()).Select(e => (uint)e.GetInt32()).ToArray();
                    if (!theirs.AsSpan().SequenceEqual(dist))
                        throw new InvalidOperationException($"FAISS's distances differ from ours at {bits} bits, {q} queries");
                    if (threads == all && q == 64)
                        notes.Add($"FAISS {doc.RootElement.GetProperty("version").GetString()} distances equal ours at {bits} bits (every query's {SearchBenchmarks.K} nearest)");
                }
            }
            File.Delete(codesFile);
            File.Delete(queriesFile);
        }
        return new FaissResult(seconds, notes);
    }

    private static int Run(string file, string[] args, out string output)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        Task<string> err = p.StandardError.ReadToEndAsync();
        output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) output += err.Result;
        return p.ExitCode;
    }

    /// <summary>Codes per second of one query over 1M codes, one thread, for widths and k: best of 5.</summary>
    public static Dictionary<(int Bits, int K), double> WidthAndK()
    {
        var rates = new Dictionary<(int, int), double>();
        const int n = SearchBenchmarks.Codes;
        foreach (int bits in new[] { 64, 128, 256, 512, 1024, 2048 })
        {
            int w = bits / 64;
            var codes = new ulong[n * w];
            new Random(bits).NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(codes.AsSpan()));
            ulong[] query = codes.AsSpan(0, w).ToArray();
            query[0] ^= 0xFF;
            foreach (int k in new[] { 1, 10, 100, 1000 })
            {
                var idx = new int[k];
                var dist = new uint[k];
                double best = double.MaxValue;
                for (int round = 0; round < 5; round++)
                {
                    long t = Stopwatch.GetTimestamp();
                    HammingSearch.Nearest(query, codes, idx, dist);
                    best = Math.Min(best, Stopwatch.GetElapsedTime(t).TotalSeconds);
                }
                rates[(bits, k)] = n / best;
            }
        }
        return rates;
    }

    /// <summary>
    /// The shapes the ratio targets compare, interleaved, in two groups: first every one-thread
    /// shape (the public API for one query and for 64, the read roofline, the count ceiling), then
    /// each many-thread shape beside its one-thread twin. In each of 7 rounds every shape of a
    /// group runs once (repeated to at least 20 ms), and each keeps its best round, so a burst of
    /// load from other tenants hits one round of every shape instead of every measurement of one.
    /// The groups are apart because on this shared machine a one-thread pass over memory right
    /// after a two-thread batch ran faster than one after one-thread work (Intel Xeon, 1,000,000
    /// codes of 64 bits, a throwaway program: the read roofline 34-42 GB/s against 24-29, the API
    /// alike), which gave whichever row followed the two-thread rows a head start.
    /// Codes per second, by group.
    /// </summary>
    public static Dictionary<(string Group, int Bits, int Queries, int Threads, string Method), double> Interleaved()
    {
        const int k = SearchBenchmarks.K, n = SearchBenchmarks.Codes;
        int all = Environment.ProcessorCount;
        var oneThread = new List<((string, int, int, int, string) Key, Func<long> Op, long Codes)>();
        var threads = new List<((string, int, int, int, string) Key, Func<long> Op, long Codes)>();
        foreach (int bits in SearchBenchmarks.Widths)
        {
            (ulong[] codes, ulong[] queries) = SearchData.Get(bits, 64);
            int w = bits / 64;
            var idx = new int[64 * k];
            var dist = new uint[64 * k];
            Func<long> one = () => HammingSearch.Nearest(queries.AsSpan(0, w), codes, idx.AsSpan(0, k), dist.AsSpan(0, k));
            Func<long> batch = () => HammingSearch.NearestBatch(queries, codes, w, k, idx, dist, 1);
            oneThread.Add(((OneThreadGroup, bits, 1, 1, "Api"), one, n));
            oneThread.Add(((OneThreadGroup, bits, 64, 1, "Api"), batch, 64L * n));
            oneThread.Add(((OneThreadGroup, bits, 1, 1, "Roofline"), () => (long)ManagedPeers.ReadRoofline(codes), n));
            oneThread.Add(((OneThreadGroup, bits, 1, 1, "CountCeiling"), () =>
            {
                ulong sum = 0;
                for (int pass = 0; pass < CountCeilingPasses; pass++)
                    sum += BitOps.PopCount(codes.AsSpan(0, CountCeilingWords));
                return (long)sum;
            }, (long)CountCeilingPasses * CountCeilingWords / w));
            threads.Add(((ThreadsGroup, bits, 1, 1, "Api"), one, n));
            threads.Add(((ThreadsGroup, bits, 1, all, "Api"), () => HammingSearch.Nearest(queries.AsSpan(0, w), codes, idx.AsSpan(0, k), dist.AsSpan(0, k), all), n));
            threads.Add(((ThreadsGroup, bits, 64, 1, "Api"), batch, 64L * n));
            threads.Add(((ThreadsGroup, bits, 64, all, "Api"), () => HammingSearch.NearestBatch(queries, codes, w, k, idx, dist, all), 64L * n));
        }
        var best = new Dictionary<(string, int, int, int, string), double>();
        foreach (var rows in new[] { oneThread, threads })
        {
            for (int round = 0; round < 7; round++)
            {
                foreach (var (key, op, codesPerOp) in rows)
                {
                    long reps = 0, start = Stopwatch.GetTimestamp();
                    do { op(); reps++; } while (Stopwatch.GetElapsedTime(start).TotalMilliseconds < 20);
                    double rate = reps * codesPerOp / Stopwatch.GetElapsedTime(start).TotalSeconds;
                    best[key] = Math.Max(best.GetValueOrDefault(key), rate);
                }
            }
        }
        return best;
    }

    /// <summary>The interleaved groups: the one-thread shapes alone, and the many-thread shapes beside their one-thread twins.</summary>
    private const string OneThreadGroup = "one-thread shapes", ThreadsGroup = "threads beside one";

    /// <summary>
    /// The count ceiling of a batch: 16 KiB of codes (they stay in L1) counted by the library's
    /// popcount kernel, pass after pass. A batch, however it tiles, counts the bits of every code
    /// once per query, and this pass does only that: its codes/s is the most a batch can reach per
    /// query on this core.
    /// </summary>
    private const int CountCeilingWords = 2048, CountCeilingPasses = 64;

    /// <summary>
    /// What more threads can give here at all: the same cache-resident scan (one query over 4,096
    /// codes, repeated) on one thread, then on every core at once, each doing the same work; the
    /// speed-up of the total work, best of 5. No memory traffic, no shared data: the ceiling for any
    /// multi-threaded search on this machine.
    /// </summary>
    public static double ThreadScaling()
    {
        const int w = 4, n = 4096, reps = 5000;
        var codes = new ulong[n * w];
        new Random(3).NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(codes.AsSpan()));
        ulong[] query = codes.AsSpan(0, w).ToArray();
        void Work()
        {
            var idx = new int[10];
            var dist = new uint[10];
            for (int r = 0; r < reps; r++)
                HammingSearch.Nearest(query, codes, idx, dist);
        }
        int all = Environment.ProcessorCount;
        double one = double.MaxValue, many = double.MaxValue;
        for (int round = 0; round < 5; round++)
        {
            long t = Stopwatch.GetTimestamp();
            Work();
            one = Math.Min(one, Stopwatch.GetElapsedTime(t).TotalSeconds);
            t = Stopwatch.GetTimestamp();
            Parallel.For(0, all, new ParallelOptions { MaxDegreeOfParallelism = all }, _ => Work());
            many = Math.Min(many, Stopwatch.GetElapsedTime(t).TotalSeconds);
        }
        return all * one / many;
    }

    public static string Write(Summary summary, int iterations, FaissResult faiss, Dictionary<(int Bits, int K), double> widthAndK, double threadScaling,
        Dictionary<(string Group, int Bits, int Queries, int Threads, string Method), double> interleaved)
    {
        var ns = new Dictionary<(Shape, string), double>();
        foreach (BenchmarkReport r in summary.Reports)
        {
            if (r.ResultStatistics is null) continue;
            var p = r.BenchmarkCase.Parameters;
            int threads = (int)p["Threads"] == -1 ? Environment.ProcessorCount : (int)p["Threads"];
            ns[(new Shape((int)p["Bits"], (int)p["Queries"], threads), r.BenchmarkCase.Descriptor.WorkloadMethod.Name)] = r.ResultStatistics.Median;
        }
        Shape[] shapes = ns.Keys.Select(k => k.Item1).Distinct().OrderBy(s => s.Queries).ThenBy(s => s.Bits).ThenBy(s => s.Threads).ToArray();
        double Rate(Shape s, string method) => ns.TryGetValue((s, method), out double t) ? (double)s.Queries * SearchBenchmarks.Codes / (t * 1e-9) : double.NaN;
        double FaissRate(Shape s) => faiss.Seconds.TryGetValue((s.Bits, s.Queries, s.Threads), out double t) ? s.Queries * (double)SearchBenchmarks.Codes / t : double.NaN;
        string implementation = Kernels.GetSelectedKernel(KernelOperation.HammingScan)?.Name ?? "managed";

        var md = new StringBuilder();
        Report.Header(md, "Hamming search");
        md.AppendLine(Inv, $"- Command: `./build.sh bench --search` (BenchmarkDotNet 0.14.0, in-process, median of {iterations} iterations; FAISS through `managed/Benchmarks/faiss_search.py`, best of 5)");
        md.AppendLine(Inv, $"- {SearchBenchmarks.Codes:N0} random codes, k = {SearchBenchmarks.K}; the scan kernel: {implementation}");
        foreach (string note in faiss.Notes)
            md.AppendLine(Inv, $"- {note}");
        if (SearchPeers.Vector512WhyNot is { } why)
            md.AppendLine(Inv, $"- Skipped here: the managed Vector512 column: {why}");
        md.AppendLine("- Only ratios within one run mean anything: absolute times drift on this shared machine.");
        md.AppendLine();
        md.AppendLine(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "search-intro.md")).TrimEnd());
        md.AppendLine();
        md.AppendLine("## Measured");
        md.AppendLine();
        md.AppendLine("Codes per second (queries × codes / time). The roofline reads every code once per query and does nothing else; GB/s is the API's codes/s × bytes per code.");
        md.AppendLine();
        md.AppendLine("| queries | bits | threads | public API | GB/s | naive loop | managed Vector512 | FAISS IndexBinaryFlat | read roofline | API / naive | API / FAISS | API / roofline |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (Shape s in shapes)
        {
            double api = Rate(s, "Api");
            md.AppendLine(Inv, $"| {s.Queries} | {s.Bits} | {s.Threads} | {E(api)} | {api * s.Bits / 8 / 1e9:F1} | {E(Rate(s, "NaiveLoop"))} | {E(Rate(s, "ManagedVector512"))} | {E(FaissRate(s))} | {E(Rate(s, "Roofline"))} | {X(api / Rate(s, "NaiveLoop"))} | {X(api / FaissRate(s))} | {Pct(api / Rate(s, "Roofline"))} |");
        }
        md.AppendLine();

        md.AppendLine("## Targets");
        md.AppendLine();
        md.AppendLine("The ratios marked *interleaved* come from a second measurement of the shapes they compare, round-robin, best of 7 rounds each (the table above is BenchmarkDotNet's medians, one row after another, which on this shared machine can put a burst of load into one row only), in two groups: the one-thread shapes alone, then each many-thread shape beside its one-thread twin (a one-thread pass over memory right after a two-thread batch ran faster here than after one-thread work, so mixing them favoured whichever row came next):");
        md.AppendLine();
        md.AppendLine("| group | shape (interleaved) | codes/s |");
        md.AppendLine("|---|---|---:|");
        foreach (var ((group, bits, queries, threads, method), rate) in interleaved.OrderBy(x => x.Key.Group != OneThreadGroup).ThenBy(x => x.Key.Bits).ThenBy(x => x.Key.Queries).ThenBy(x => x.Key.Threads))
        {
            string what = method switch { "Roofline" => "read roofline", "CountCeiling" => "count ceiling (16 KiB of codes in L1, counted by BitOps.PopCount)", _ => "public API" };
            md.AppendLine(Inv, $"| {group} | {what}, {queries} {(queries == 1 ? "query" : "queries")}, {bits} bits, {threads} {(threads == 1 ? "thread" : "threads")} | {E(rate)} |");
        }
        md.AppendLine();
        md.AppendLine("| check | measured | target | met |");
        md.AppendLine("|---|---:|---:|:---:|");
        int all = Environment.ProcessorCount;
        void Check(string what, double value, double target, bool percent = false)
        {
            if (double.IsNaN(value)) return;
            string v = percent ? Pct(value) : X(value), t = percent ? Pct(target) : X(target);
            md.AppendLine(Inv, $"| {what} | {v} | ≥ {t} | {(value >= target ? "yes" : "**no**")} |");
        }
        double I(int bits, int queries, int threads, string method = "Api") => interleaved.GetValueOrDefault((OneThreadGroup, bits, queries, threads, method), double.NaN);
        double T(int bits, int queries, int threads) => interleaved.GetValueOrDefault((ThreadsGroup, bits, queries, threads, "Api"), double.NaN);
        foreach (int bits in SearchBenchmarks.Widths)
            Check($"1 query, {bits} bits, 1 thread: share of the read roofline (interleaved)", I(bits, 1, 1) / I(bits, 1, 1, "Roofline"), bits <= 128 ? 0.8 : 0.9, percent: true);
        Check("1 query, 256 bits, 1 thread: vs the naive loop", Rate(new(256, 1, 1), "Api") / Rate(new(256, 1, 1), "NaiveLoop"), 1.5);
        foreach (int bits in new[] { 64, 128 })
            Check($"1 query, {bits} bits, 1 thread: vs the naive loop", Rate(new(bits, 1, 1), "Api") / Rate(new(bits, 1, 1), "NaiveLoop"), 3);
        foreach (int bits in SearchBenchmarks.Widths)
        {
            Check($"64 queries, {bits} bits, 1 thread: per query vs one query alone (interleaved)", I(bits, 64, 1) / I(bits, 1, 1), bits == 1024 ? 4 : 2.5);
            md.AppendLine(Inv, $"| *ceiling at {bits} bits: the count ceiling vs one query alone (each code's bits counted once per query, from L1, nothing else)* | {X(I(bits, 1, 1, "CountCeiling") / I(bits, 1, 1))} | | |");
        }
        md.AppendLine(Inv, $"| *ceiling: the same cache-resident scan on {all} threads at once vs 1 (no memory traffic, nothing shared)* | {X(threadScaling)} | | |");
        foreach (int bits in SearchBenchmarks.Widths)
        {
            Check($"64 queries, {bits} bits: {all} threads vs 1 (interleaved)", T(bits, 64, all) / T(bits, 64, 1), 1.7);
            Check($"1 query, {bits} bits: {all} threads vs 1 (interleaved)", T(bits, 1, all) / T(bits, 1, 1), 1.3);
        }
        foreach (Shape s in shapes)
            Check($"{s.Queries} {(s.Queries == 1 ? "query" : "queries")}, {s.Bits} bits, {s.Threads} {(s.Threads == 1 ? "thread" : "threads")}: vs FAISS", Rate(s, "Api") / FaissRate(s), 5);
        md.AppendLine();

        md.AppendLine("## How the code width and k change the speed");
        md.AppendLine();
        md.AppendLine("One query over 1,000,000 codes, one thread, codes per second (best of 5, outside BenchmarkDotNet; the query is a code with 8 bits flipped, so the nearest is close):");
        md.AppendLine();
        int[] ks = widthAndK.Keys.Select(x => x.K).Distinct().Order().ToArray();
        md.AppendLine("| bits | " + string.Join(" | ", ks.Select(k => $"k = {k}")) + " |");
        md.AppendLine("|---:|" + string.Concat(ks.Select(_ => "---:|")));
        foreach (int bits in widthAndK.Keys.Select(x => x.Bits).Distinct().Order())
            md.AppendLine($"| {bits} | " + string.Join(" | ", ks.Select(k => E(widthAndK[(bits, k)]))) + " |");
        md.AppendLine();
        return md.ToString();
    }

    private static string E(double v) => double.IsNaN(v) ? "–" : v.ToString("0.00e0", Inv);
    private static string X(double v) => double.IsNaN(v) ? "–" : v.ToString("F2", Inv) + "×";
    private static string Pct(double v) => double.IsNaN(v) ? "–" : (100 * v).ToString("F0", Inv) + "%";
}
