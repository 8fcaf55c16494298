using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;

namespace AsmKernels.Benchmarks;

/// <summary>Turns the summaries into docs/benchmarks.md: medians, ratios, GB/s, % of roofline, and the targets.</summary>
internal static class Report
{
    private sealed record Row(string Operation, string Method, int N, double MedianNs);

    /// <summary>Bytes an operation touches per element: popcount and CRC32C (8-byte elements) read 8, Hamming reads 16, increment reads and writes 8.</summary>
    private static int BytesPerElement(string op) => op is "PopCount" or "Crc32C" ? 8 : 16;

    private static readonly string[] ManagedPeers = ["JitLoop", "TensorPrimitives_", "ManagedVector256", "ManagedVector512"];

    /// <param name="summaries">BenchmarkDotNet's results of every operation.</param>
    /// <param name="quick">Whether this is the quick run.</param>
    /// <param name="iterations">BenchmarkDotNet's iterations per case.</param>
    /// <param name="svgName">The plot's file name, beside the report.</param>
    /// <param name="increment">IncrementBy's rows interleaved (<see cref="IncrementInterleaved"/>): best ns per (method, elements).</param>
    public static string Write(Summary[] summaries, bool quick, int iterations, string svgName, Dictionary<(string Method, int N), double> increment)
    {
        var rows = new List<Row>();
        foreach (Summary summary in summaries)
        {
            foreach (BenchmarkReport r in summary.Reports)
            {
                if (r.ResultStatistics is null) continue;
                string op = r.BenchmarkCase.Descriptor.Type.Name.Replace("Benchmarks", "", StringComparison.Ordinal);
                if (op == "Hamming") op = "HammingDistance";
                if (op == "Increment") op = "IncrementBy";
                rows.Add(new Row(op, r.BenchmarkCase.Descriptor.WorkloadMethod.Name,
                    (int)r.BenchmarkCase.Parameters["N"], r.ResultStatistics.Median));
            }
        }

        var md = new StringBuilder();
        Header(md, $"Benchmarks{(quick ? " (quick run)" : "")}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Dispatch: PopCount {Name(KernelOperation.PopCount)}, HammingDistance {Name(KernelOperation.HammingDistance)}, IncrementBy {Name(KernelOperation.IncrementBy)}, Crc32C {Name(KernelOperation.Crc32C)}");
        md.AppendLine("- Command: `./build.sh bench" + (quick ? " --quick" : "") + "` (BenchmarkDotNet 0.14.0, in-process, median of " + iterations + " iterations; then IncrementBy's rows from " + IncrementInterleaved.From + " elements interleaved, best of " + Interleaved.Rounds + " rounds)");
        md.AppendLine("- Each cell: median time, and in parentheses the speedup over the JIT's scalar loop (higher is better). GB/s counts the bytes each operation must touch: 8 per element for PopCount and Crc32C (whose N counts 8-byte elements), 16 for HammingDistance (two inputs) and IncrementBy (read + write).");
        md.AppendLine("- Only ratios within one run mean anything: absolute times drift on this machine.");
        md.AppendLine();
        md.AppendLine("![GB/s against size](" + svgName + ")");
        md.AppendLine();

        foreach (var op in rows.GroupBy(r => r.Operation))
        {
            string[] methods = op.Select(r => r.Method).Distinct().ToArray();
            md.AppendLine(CultureInfo.InvariantCulture, $"## {op.Key}");
            md.AppendLine();
            Table(md, methods, op.GroupBy(r => r.N), (size, row) =>
            {
                double baseline = size.Single(r => r.Method == "JitLoop").MedianNs;
                return string.Create(CultureInfo.InvariantCulture, $"{Time(row.MedianNs)} ({baseline / row.MedianNs:F2}×)");
            });
            md.AppendLine("GB/s:");
            md.AppendLine();
            Table(md, methods, op.GroupBy(r => r.N).Where(g => g.Key >= 41),
                (_, row) => string.Create(CultureInfo.InvariantCulture, $"{GBps(op.Key, row):F1}"));
        }

        IncrementTable(md, increment);
        Targets(md, rows, increment);
        return md.ToString();
    }

    /// <summary>docs/call-cost.md: the median of each layer of a native call, against a bare function-pointer call.</summary>
    public static string WriteCallCost(Summary summary, int iterations)
    {
        var md = new StringBuilder();
        Header(md, "What one native call costs");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Command: `./build.sh bench --calls` (BenchmarkDotNet 0.14.0, in-process, median of {iterations} iterations); count 0, so only the call is timed");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Kernel: {Name(KernelOperation.PopCount)}");
        md.AppendLine();
        md.AppendLine("| path | median | × bare call |");
        md.AppendLine("|---|---:|---:|");
        var medians = summary.Reports.Where(r => r.ResultStatistics is not null)
            .Select(r => (Method: r.BenchmarkCase.Descriptor.WorkloadMethod.Name, Ns: r.ResultStatistics!.Median)).ToList();
        double baseline = medians.Single(m => m.Method == nameof(CallCostBenchmarks.FunctionPointer_SuppressGCTransition)).Ns;
        foreach ((string method, double ns) in medians)
            md.AppendLine(CultureInfo.InvariantCulture, $"| {method.Replace('_', ' ')} | {ns:F2} ns | {ns / baseline:F2} |");
        double Ns(string method) => medians.Single(m => m.Method == method).Ns;
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Kernels EntryPoint is the library's own binding (`Kernels.PopCount(isa, span)`); Generated Binding is the one the AsmKernels.Build generator makes of the same kernels for a user's `[AsmKernel(\"popcount\")] static partial` method (managed/Benchmarks/GeneratedBinding.cs): {Ns(nameof(CallCostBenchmarks.Generated_Binding)) / Ns(nameof(CallCostBenchmarks.Kernels_EntryPoint)):F2}× the library's own in this run.");
        md.AppendLine();
        return md.ToString();
    }

    /// <summary>The transition rows of <c>--calls</c>: a legacy-SSE kernel after Vector256 code, against the target (within 1.3× of the same call alone).</summary>
    public static string WriteTransition(Summary summary)
    {
        const double target = 1.3;
        var md = new StringBuilder();
        md.AppendLine();
        md.AppendLine("## A legacy-SSE kernel after managed Vector256 code");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"{TransitionBenchmarks.Kernel} on 8 elements, called in a loop alone and after a Vector256 operation in the same method (.NET emits no vzeroupper before a function-pointer call). The library's binding enters it through its clean entry (vzeroupper first) on this CPU: {(Kernels.IsEnteredThroughVzeroupper(TransitionBenchmarks.Kernel) ? "yes" : "no")}. The plain entry is the kernel itself, as a function pointer to it would call it.");
        md.AppendLine();
        md.AppendLine("| path | median | × alone |");
        md.AppendLine("|---|---:|---:|");
        var medians = summary.Reports.Where(r => r.ResultStatistics is not null)
            .ToDictionary(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name, r => r.ResultStatistics!.Median);
        foreach ((string alone, string after) in new[] { (nameof(TransitionBenchmarks.Binding_Alone), nameof(TransitionBenchmarks.Binding_AfterVector256)),
                                                         (nameof(TransitionBenchmarks.PlainEntry_Alone), nameof(TransitionBenchmarks.PlainEntry_AfterVector256)) })
        {
            if (!medians.TryGetValue(alone, out double a) || !medians.TryGetValue(after, out double b))
                continue;
            md.AppendLine(CultureInfo.InvariantCulture, $"| {alone.Replace('_', ' ')} | {a:F2} ns | 1.00 |");
            md.AppendLine(CultureInfo.InvariantCulture, $"| {after.Replace('_', ' ')} | {b:F2} ns | {b / a:F2} |");
        }
        if (medians.TryGetValue(nameof(TransitionBenchmarks.Binding_Alone), out double x) && medians.TryGetValue(nameof(TransitionBenchmarks.Binding_AfterVector256), out double y))
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"Target: the binding after Vector256 code within {target:F1}× of the binding alone: {y / x:F2}× — {(y / x <= target ? "met" : "NOT met")} on this CPU.");
        }
        return md.ToString();
    }

    internal static void Header(StringBuilder md, string title)
    {
        CpuFeatures cpu = Kernels.Cpu;
        md.AppendLine(CultureInfo.InvariantCulture, $"# {title}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- CPU: {cpu.Brand} [{cpu.Vendor}, family {cpu.Family} model {cpu.Model}] ({cpu})");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; .NET {Environment.Version}; {Environment.ProcessorCount} logical cores, shared machine");
    }

    /// <summary>One row per size, one column per method; <paramref name="cell"/> formats a measured row.</summary>
    private static void Table(StringBuilder md, string[] methods, IEnumerable<IGrouping<int, Row>> sizes, Func<IGrouping<int, Row>, Row, string> cell)
    {
        md.AppendLine("| elements | " + string.Join(" | ", methods.Select(Pretty)) + " |");
        md.AppendLine("|---:|" + string.Concat(methods.Select(_ => "---:|")));
        foreach (var size in sizes.OrderBy(g => g.Key))
        {
            md.Append(CultureInfo.InvariantCulture, $"| {size.Key:N0} |");
            foreach (string m in methods)
                md.Append(size.SingleOrDefault(r => r.Method == m) is { } row ? $" {cell(size, row)} |" : " – |");
            md.AppendLine();
        }
        md.AppendLine();
    }

    /// <summary>IncrementBy's interleaved rows: best time and GB/s, one row per size.</summary>
    private static void IncrementTable(StringBuilder md, Dictionary<(string Method, int N), double> increment)
    {
        if (increment.Count == 0)
            return;
        md.AppendLine(CultureInfo.InvariantCulture, $"## IncrementBy, interleaved (best of {Interleaved.Rounds} rounds)");
        md.AppendLine();
        md.AppendLine("The targets of IncrementBy compare these: in each round every row of a size runs about 5 ms, so a burst of load from other tenants slows one round of every row, not one row (BenchmarkDotNet runs its cases one after another). Each cell: best time per call (through a delegate, the same for every row) and GB/s.");
        md.AppendLine();
        string[] methods = increment.Keys.Select(k => k.Method).Distinct().ToArray();
        md.AppendLine("| elements | " + string.Join(" | ", methods.Select(Pretty)) + " |");
        md.AppendLine("|---:|" + string.Concat(methods.Select(_ => "---:|")));
        foreach (int n in increment.Keys.Select(k => k.N).Distinct().Order())
        {
            md.Append(CultureInfo.InvariantCulture, $"| {n:N0} |");
            foreach (string m in methods)
                md.Append(increment.TryGetValue((m, n), out double ns)
                    ? string.Create(CultureInfo.InvariantCulture, $" {Time(ns)} ({n * (double)BytesPerElement("IncrementBy") / ns:F1} GB/s) |")
                    : " – |");
            md.AppendLine();
        }
        md.AppendLine();
    }

    private static void Targets(StringBuilder md, List<Row> rows, Dictionary<(string Method, int N), double> increment)
    {
        md.AppendLine("## Targets");
        md.AppendLine();
        md.AppendLine("The last column is what the roofline (a pass that only reads the same bytes) reaches against the same peer: no implementation of the operation can go much beyond it.");
        md.AppendLine();
        md.AppendLine("| check | elements | measured | target | met | roofline vs the same peer |");
        md.AppendLine("|---|---:|---:|---:|:---:|---:|");

        double Best(string method, int n) => increment.GetValueOrDefault((method, n), double.NaN);
        double Median(string op, string method, int n) => rows.SingleOrDefault(r => r.Operation == op && r.Method == method && r.N == n)?.MedianNs ?? double.NaN;
        (string Name, double Ns) BestPeer(string op, int n) => rows
            .Where(r => r.Operation == op && r.N == n && ManagedPeers.Contains(r.Method))
            .Select(r => (Pretty(r.Method), r.MedianNs)).DefaultIfEmpty(("none", double.NaN)).MinBy(p => p.Item2);
        void Check(string what, int n, double value, double target, string unit, double bound = double.NaN)
        {
            if (double.IsNaN(value)) return;
            string boundText = double.IsNaN(bound) ? "" : string.Create(CultureInfo.InvariantCulture, $"{bound:F2}×");
            md.AppendLine(CultureInfo.InvariantCulture, $"| {what} | {n:N0} | {value:F2}{unit} | ≥ {target:F2}{unit} | {(value >= target ? "yes" : "**no**")} | {boundText} |");
        }

        var sizes = rows.Select(r => r.N).Distinct().OrderBy(n => n).ToArray();
        foreach (string op in new[] { "PopCount", "HammingDistance" })
        {
            foreach (int n in sizes)
            {
                (string peer, double peerNs) = BestPeer(op, n);
                double target = n <= 8 ? 0.9 : n == 4096 ? 6 : n == 65536 ? 3 : n >= 1048576 ? 2 : double.NaN;
                if (!double.IsNaN(target))
                    Check($"{op}: public API vs best managed peer ({peer})", n, peerNs / Median(op, "PublicApi", n), target, "×",
                        n >= 41 ? peerNs / Median(op, "Roofline", n) : double.NaN);
            }
        }
        foreach (int n in sizes.Where(n => n >= 65536))
            Check("PopCount: asm_avx512 share of the read roofline", n, 100 * Median("PopCount", "Roofline", n) / Median("PopCount", "Asm_avx512", n), 80, "%");
        foreach (int n in sizes)
        {
            if (n <= 8)
                Check("IncrementBy: public API vs JIT loop", n, Median("IncrementBy", "JitLoop", n) / Median("IncrementBy", "PublicApi", n), 0.9, "×");
            if (n >= 41 && n < IncrementInterleaved.From)
                Check("IncrementBy: public API vs TensorPrimitives.Add", n, Median("IncrementBy", "TensorPrimitives_", n) / Median("IncrementBy", "PublicApi", n), 1, "×");
            if (n >= IncrementInterleaved.From)
                Check("IncrementBy: public API vs TensorPrimitives.Add (interleaved)", n, Best("TensorPrimitives_", n) / Best("PublicApi", n), n == 65536 ? 3 : 1, "×");
            if (n >= 4096)
                Check("IncrementBy: public API share of the read-write roofline (interleaved)", n, 100 * Best("Roofline", n) / Best("PublicApi", n), 90, "%");
        }
        foreach (int n in sizes.Where(n => n >= 41))
            Check("seed: asm_popcnt (4-wide POPCNT) vs the JIT's popcnt loop", n, Median("PopCount", "JitLoop", n) / Median("PopCount", "Asm_popcnt", n), 1, "×");
        md.AppendLine();
    }

    private static string Name(KernelOperation op) => Kernels.GetSelectedKernel(op)?.Name ?? "managed";

    private static string Pretty(string method) => method switch
    {
        "TensorPrimitives_" => "TensorPrimitives",
        "IsaL_" => "ISA-L",
        "JitLoop" => "JIT loop",
        _ => method.Replace("Asm_", "asm ", StringComparison.Ordinal),
    };

    private static double GBps(string op, Row row) => row.N * (double)BytesPerElement(op) / row.MedianNs;

    private static string Time(double ns) => ns switch
    {
        >= 1e6 => string.Create(CultureInfo.InvariantCulture, $"{ns / 1e6:F2} ms"),
        >= 1e3 => string.Create(CultureInfo.InvariantCulture, $"{ns / 1e3:F2} µs"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{ns:F1} ns"),
    };
}
