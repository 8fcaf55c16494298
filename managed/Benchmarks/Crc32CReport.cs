using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;

namespace AsmKernels.Benchmarks;

/// <summary>docs/crc32c.md: the CRC-32C kernels against ISA-L and the read roofline, the targets, the stream path against cat.</summary>
internal static class Crc32CReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly (string Method, string Title)[] Columns =
    [
        ("JitLoop", "JIT loop"), ("Asm_sse42", "asm sse42 (one chain)"), ("Asm_pclmul", "asm pclmul (three chains)"),
        ("Asm_avx2", "asm avx2 (ymm folding)"), ("Asm_avx512", "asm avx512 (folding)"),
        ("Asm_avx512_fold", "asm avx512_fold (folds alone)"), ("IsaL_", "ISA-L crc32_iscsi"),
        ("SystemIoHashing", "System.IO.Hashing"), ("PublicApi", "public API"), ("Roofline", "read roofline"),
    ];

    public static string Write(Summary[] summaries, int iterations, IReadOnlyCollection<string> skipped,
        Dictionary<(string Method, int Bytes), double> interleaved)
    {
        var sized = new Dictionary<(string Method, int Bytes), double>();
        var stream = new Dictionary<string, double>();
        foreach (Summary summary in summaries)
        {
            foreach (BenchmarkReport r in summary.Reports)
            {
                if (r.ResultStatistics is null) continue;
                string method = r.BenchmarkCase.Descriptor.WorkloadMethod.Name;
                if (r.BenchmarkCase.Descriptor.Type == typeof(Crc32CStreamBenchmarks))
                    stream[method] = r.ResultStatistics.Median;
                else
                    sized[(method, 8 * (int)r.BenchmarkCase.Parameters["N"])] = r.ResultStatistics.Median;
            }
        }
        string selected = Kernels.GetSelectedKernel(KernelOperation.Crc32C)?.Name ?? "managed";
        string selectedMethod = Crc32CRows.Methods.FirstOrDefault(m => m.Kernel == selected).Method ?? "JitLoop";
        // The targets' folding row: the folding kernel dispatch chooses (else the widest that runs), and its name in the columns.
        string fold = Crc32CRows.FoldingMethod() ?? "Asm_avx512";
        string foldName = Crc32CRows.Methods.Single(m => m.Method == fold).Kernel;
        string foldShort = fold["Asm_".Length..];

        var md = new StringBuilder();
        Report.Header(md, "CRC-32C against Intel ISA-L");
        md.AppendLine(Inv, $"- Command: `./build.sh bench --crc` (BenchmarkDotNet 0.14.0, in-process, median of {iterations} iterations; then the same rows interleaved, best of {Interleaved.Rounds} rounds); the C-level comparison below it: `scripts/crc32c_ab.sh`");
        md.AppendLine("- Rows: the JIT's `BitOperations.Crc32C` loop; each kernel called by name (`Kernels.Crc32C(name, data)`): `asmk_crc32c_sse42` (one `crc32` chain, the kernel before folding), `asmk_crc32c_pclmul` (three interleaved chains merged by PCLMULQDQ), `asmk_crc32c_avx2` (VPCLMULQDQ folding on eight ymm accumulators fused with four `crc32` chains, for AVX2 CPUs without AVX-512), `asmk_crc32c_avx512` (VPCLMULQDQ folding, four zmm accumulators, fused with a `crc32` chain from 4 KiB), `asmk_crc32c_avx512_fold` (the same folds alone, tuned for Intel's CPUs); ISA-L's `crc32_iscsi` through `[LibraryImport(\"isal\")]` (its own dispatch picks its kernel; called, like ours, without a GC transition up to 8 KiB); System.IO.Hashing 11.0.0's `Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, data)`, the managed CRC-32C a .NET developer would pick first; the public API `Checksums.Crc32C`, which dispatches to " + selected + "; a pass that only reads the same bytes (the roofline). The setup checks that ISA-L and every kernel give the JIT loop's result.");
        foreach (string method in skipped)
            md.AppendLine(Inv, $"- Skipped here: {method}: {Crc32CRows.WhyNot(method)}");
        md.AppendLine("- Only ratios within one run mean anything: absolute times drift on this shared machine.");
        md.AppendLine();

        int[] sizes = sized.Keys.Select(k => k.Bytes).Concat(interleaved.Keys.Select(k => k.Bytes)).Distinct().Order().ToArray();
        GbpsTable(md, "## GB/s (BenchmarkDotNet, median)", sized, sizes);
        GbpsTable(md, $"## GB/s (interleaved, best of {Interleaved.Rounds} rounds)", interleaved, sizes);
        md.AppendLine("The second table times the same rows again, round-robin: every row once per round, for about 5 ms, and each row's best round. The ratios and the targets below come from it: a burst of load from other tenants of this machine then hits one round of every row, not every measurement of one row (in the first table the public API and its kernel, the same call, differ by up to a fifth at some sizes for that reason).");
        md.AppendLine();

        double Ns(string method, int n) => interleaved.TryGetValue((method, n), out double ns) ? ns : double.NaN;
        double Ratio(string fast, string slow, int n) => Ns(slow, n) / Ns(fast, n);

        md.AppendLine("## Ratios (interleaved)");
        md.AppendLine();
        md.AppendLine($"| bytes | {foldShort} / ISA-L | {foldShort} / one chain | three chains / one chain | public API / " + selected + $" | public API / System.IO.Hashing | {foldShort} share of the read roofline |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (int n in sizes)
            md.AppendLine(Inv, $"| {n:N0} | {X(Ratio(fold, "IsaL_", n))} | {X(Ratio(fold, "Asm_sse42", n))} | {X(Ratio("Asm_pclmul", "Asm_sse42", n))} | {X(Ratio("PublicApi", selectedMethod, n))} | {X(Ratio("PublicApi", "SystemIoHashing", n))} | {Percent(Ratio(fold, "Roofline", n))} |");
        md.AppendLine();

        md.AppendLine("## Targets (interleaved)");
        md.AppendLine();
        md.AppendLine("| check | bytes | measured | target | met |");
        md.AppendLine("|---|---:|---:|---:|:---:|");
        void Check(string what, int n, double value, double target)
        {
            if (!double.IsNaN(value))
                md.AppendLine(Inv, $"| {what} | {n:N0} | {value:F2}× | ≥ {target:F2}× | {(value >= target ? "yes" : "**no**")} |");
        }
        foreach (int n in new[] { 256, 4096, 65536, 1 << 20 })
            Check($"{foldName} vs ISA-L", n, Ratio(fold, "IsaL_", n), n == 256 ? 0.9 : 1.0);
        Check($"{foldName} vs the one-chain kernel", 64, Ratio(fold, "Asm_sse42", 64), 1.0);
        Check($"{foldName} vs the one-chain kernel", 65536, Ratio(fold, "Asm_sse42", 65536), 4.5);
        foreach (int n in sizes.Where(n => n >= 4096))
            Check($"public API vs the bare kernel ({selected})", n, Ratio("PublicApi", selectedMethod, n), 0.9);
        Check("asm pclmul (no VPCLMULQDQ) vs the one-chain kernel", 65536, Ratio("Asm_pclmul", "Asm_sse42", 65536), 2.0);
        if (stream.TryGetValue("Cat", out double cat) && stream.TryGetValue("Hasher", out double hasher))
            md.AppendLine(Inv, $"| Crc32CHasher.Append(FileStream) vs `cat file > /dev/null` | {Crc32CStreamBenchmarks.FileBytes:N0} | {100 * cat / hasher:F0}% | ≥ 80% | {(cat / hasher >= 0.8 ? "yes" : "**no**")} |");
        md.AppendLine();

        if (stream.Count > 0)
        {
            md.AppendLine(Inv, $"## A {Crc32CStreamBenchmarks.FileBytes / 1e6:F0} MB file from the page cache");
            md.AppendLine();
            md.AppendLine(Inv, $"`Crc32CHasher.Append(Stream)` reads {Crc32CHasher.StreamBlockBytes / 1024} KiB blocks; `cat` runs through `/bin/sh` (a process start, about a millisecond, is in its time); the .NET read loop is the same reads without a checksum.");
            md.AppendLine();
            md.AppendLine("| path | median | GB/s | vs cat |");
            md.AppendLine("|---|---:|---:|---:|");
            foreach ((string method, string title) in new[] { ("Cat", "`cat file > /dev/null`"), ("ReadOnly", ".NET FileStream reads, no checksum"), ("Hasher", "`Crc32CHasher.Append(FileStream)`") })
                if (stream.TryGetValue(method, out double ns))
                    md.AppendLine(Inv, $"| {title} | {ns / 1e6:F1} ms | {Crc32CStreamBenchmarks.FileBytes / ns:F2} | {Percent(stream.GetValueOrDefault("Cat", double.NaN) / ns)} |");
            md.AppendLine();
        }
        return md.ToString();
    }

    private static void GbpsTable(StringBuilder md, string title, Dictionary<(string Method, int Bytes), double> ns, int[] sizes)
    {
        string[] present = Columns.Where(c => sizes.Any(n => ns.ContainsKey((c.Method, n)))).Select(c => c.Method).ToArray();
        md.AppendLine(title);
        md.AppendLine();
        md.AppendLine("| bytes | " + string.Join(" | ", present.Select(m => Columns.Single(c => c.Method == m).Title)) + " |");
        md.AppendLine("|---:|" + string.Concat(present.Select(_ => "---:|")));
        foreach (int n in sizes)
            md.AppendLine("| " + n.ToString("N0", Inv) + " | " + string.Join(" | ", present.Select(m => Cell(ns.TryGetValue((m, n), out double t) ? n / t : double.NaN))) + " |");
        md.AppendLine();
    }

    private static string Cell(double gbps) => double.IsNaN(gbps) ? "–" : gbps.ToString("F1", Inv);
    private static string X(double ratio) => double.IsNaN(ratio) ? "–" : ratio.ToString("F2", Inv) + "×";
    private static string Percent(double ratio) => double.IsNaN(ratio) ? "–" : (100 * ratio).ToString("F0", Inv) + "%";
}
