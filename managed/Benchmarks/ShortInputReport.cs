using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;

namespace AsmKernels.Benchmarks;

/// <summary>docs/short-inputs.md: the public API against the naive loop at 0..16 elements, per call and in a search loop.</summary>
internal static class ShortInputReport
{
    public static string Write(Summary[] summaries, int iterations)
    {
        // Method names are <Shape>_<Operation>_<Naive|Api>; the size is W or N.
        var cells = new Dictionary<(string Shape, string Op, int Size), (double Naive, double Api)>();
        foreach (BenchmarkReport r in summaries.SelectMany(s => s.Reports))
        {
            if (r.ResultStatistics is null) continue;
            string[] parts = r.BenchmarkCase.Descriptor.WorkloadMethod.Name.Split('_');
            int size = (int)(r.BenchmarkCase.Parameters.Items.Single().Value);
            var key = (parts[0], parts[1], size);
            cells.TryGetValue(key, out var cell);
            cells[key] = parts[2] == "Naive" ? (r.ResultStatistics.Median, cell.Api) : (cell.Naive, r.ResultStatistics.Median);
        }

        var md = new StringBuilder();
        Report.Header(md, "Short inputs: the public API against the naive loop");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Command: `./build.sh bench --short` (BenchmarkDotNet 0.14.0, in-process, median of {iterations} iterations)");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Call: {ShortBitBenchmarks.Calls} calls per invocation on the same input, time per call; the naive loop is `JitLoops` (`BitOperations.PopCount` per word, `data[i] += value`), a method of its own.");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Search: the nearest code (smallest count, and its index) among {ShortBitBenchmarks.Codes:N0} codes of W words; the naive loop is written inline, the public API is called once per code.");
        md.AppendLine("- Ratio: naive time / API time; the target is at least 1.00 in every row.");
        md.AppendLine();
        md.AppendLine("| shape | operation | words | naive | public API | ratio | target 1.0× |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---|");
        int missed = 0;
        foreach (var ((shape, op, size), (naive, api)) in cells.OrderBy(c => c.Key.Op).ThenBy(c => c.Key.Shape).ThenBy(c => c.Key.Size))
        {
            double ratio = naive / api;
            missed += ratio < 1 ? 1 : 0;
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {shape} | {op} | {size} | {naive:F2} ns | {api:F2} ns | {ratio:F2}× | {(ratio >= 1 ? "met" : "NOT MET")} |");
        }
        md.AppendLine();
        md.AppendLine(missed == 0 ? "Every row meets the target." : $"{missed} rows miss the target in this run.");
        return md.ToString();
    }
}
