using AsmKernels;
using AsmKernels.Benchmarks;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Csv;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

// usage: AsmKernels.Benchmarks [--quick | --calls | --short | --crc | --search] [--out <docs dir>] [--artifacts <dir>]
bool quick = args.Contains("--quick");
bool calls = args.Contains("--calls"); // only the cost of one native call, layer by layer
bool shortInputs = args.Contains("--short"); // 0..16 elements, per call and in a search loop
bool crc = args.Contains("--crc"); // CRC-32C against ISA-L, at the sizes of docs/crc32c.md, and the stream path
bool search = args.Contains("--search"); // Hamming search against the naive loop, Vector512, the roofline and FAISS
string outDir = ArgValue("--out") ?? Path.Combine(Directory.GetCurrentDirectory(), "docs");
// Appended to every report's name, so that the reports of each CPU class stand side by side (the
// lab's rule, AsmKernels.Lab.ReportSuffix), from this process's CPU detection.
string suffix = ArgValue("--report-suffix") ?? AsmKernels.Lab.ReportSuffix.Of(Kernels.Cpu);
string artifacts = ArgValue("--artifacts") ?? Path.Combine(Directory.GetCurrentDirectory(), "BenchmarkDotNet.Artifacts");
BenchSizes.Current = quick ? BenchSizes.Quick : BenchSizes.Full;

// Make the dispatch choice before any benchmark method is compiled, so the JIT sees it as a constant.
_ = Kernels.GetSelectedIsa(KernelOperation.PopCount);
if (Environment.GetEnvironmentVariable("DOTNET_TC_CallCountingDelayMs") != "0" || Environment.GetEnvironmentVariable("DOTNET_TieredPGO") != "0")
    Console.WriteLine("note: run with DOTNET_TC_CallCountingDelayMs=0 DOTNET_TieredPGO=0 (as ./build.sh bench does) so that in-process warm-up reaches final tier-1 code");

// In-process (no child process per case), a fixed number of iterations; medians are reported.
// CRC-32C's report compares rows that make the same call (the public API against its kernel):
// more, shorter iterations, so that a burst of load from the machine's other tenants moves the
// median less.
// Search cases run for up to seconds each (64 queries over 1M codes with the naive loop): fewer iterations.
int iterations = quick ? 3 : crc ? 21 : search ? 5 : 9;
Job job = Job.Default
    .WithToolchain(InProcessEmitToolchain.Instance)
    .WithWarmupCount(quick ? 4 : search ? 2 : 6)
    .WithIterationCount(iterations)
    .WithIterationTime(TimeInterval.FromMilliseconds(quick ? 25 : crc ? 40 : 100));

// Plain numbers in ns (no units, no digit grouping) so that gnuplot reads the CSV directly.
var csvCulture = (System.Globalization.CultureInfo)System.Globalization.CultureInfo.InvariantCulture.Clone();
csvCulture.NumberFormat.NumberGroupSeparator = "";
var csvStyle = new SummaryStyle(csvCulture, printUnitsInHeader: true, sizeUnit: null,
    timeUnit: TimeUnit.Nanosecond, printUnitsInContent: false, printZeroValuesInContent: true, maxParameterColumnWidth: 20);

var skipped = new HashSet<string>();
IConfig config = ManualConfig.CreateEmpty()
    .AddJob(job)
    .AddColumnProvider(DefaultColumnProviders.Instance)
    .AddColumn(StatisticColumn.Median)
    .AddExporter(MarkdownExporter.GitHub, new CsvExporter(CsvSeparator.Semicolon, csvStyle))
    .AddLogger(ConsoleLogger.Default)
    .WithArtifactsPath(artifacts)
    .WithOptions(ConfigOptions.DisableLogFile)
    .AddFilter(new SimpleFilter(c => Runnable(c.Descriptor.Type, c.Descriptor.WorkloadMethod.Name)));

// Rows this machine cannot run are left out, and said so.
bool Runnable(Type type, string method)
{
    string? why = type == typeof(SearchBenchmarks) ? (method == nameof(SearchBenchmarks.ManagedVector512) ? SearchPeers.Vector512WhyNot : null)
        : type == typeof(Crc32CBenchmarks) ? Crc32CRows.WhyNot(method)
        : typeof(SizedBenchmark).IsAssignableFrom(type) ? Probe.WhyNot(type, method) : null;
    if (why is null)
        return true;
    if (skipped.Add(type == typeof(Crc32CBenchmarks) ? method : $"{type.Name}.{method}"))
        Console.WriteLine($"skipped: {type.Name}.{method}: {why}");
    return false;
}

Directory.CreateDirectory(outDir);
Summary[] summaries;
if (search)
{
    summaries = [BenchmarkRunner.Run<SearchBenchmarks>(config)];
    var faiss = SearchReport.RunFaiss(Path.Combine(artifacts, "faiss"));
    var widthAndK = SearchReport.WidthAndK();
    double threadScaling = SearchReport.ThreadScaling();
    var interleavedSearch = SearchReport.Interleaved();
    string searchMarkdown = SearchReport.Write(summaries[0], iterations, faiss, widthAndK, threadScaling, interleavedSearch);
    File.WriteAllText(Path.Combine(outDir, $"search{suffix}.md"), searchMarkdown);
    Console.WriteLine(searchMarkdown);
}
else if (crc)
{
    BenchSizes.Current = BenchSizes.Crc;
    WarmUp.All(typeof(Crc32CBenchmarks));
    summaries = [BenchmarkRunner.Run<Crc32CBenchmarks>(config), .. OperatingSystem.IsLinux() ? [BenchmarkRunner.Run<Crc32CStreamBenchmarks>(config)] : Array.Empty<Summary>()];
    var interleaved = Crc32CInterleaved.Run(BenchSizes.Crc);
    string crcMarkdown = Crc32CReport.Write(summaries, iterations, skipped, interleaved);
    File.WriteAllText(Path.Combine(outDir, $"crc32c{suffix}.md"), crcMarkdown);
    Console.WriteLine(crcMarkdown);
}
else if (shortInputs)
{
    Type[] benchmarks = [typeof(ShortBitBenchmarks), typeof(ShortIncrementBenchmarks)];
    WarmUp.All(benchmarks);
    summaries = BenchmarkRunner.Run(benchmarks, config);
    string shortMarkdown = ShortInputReport.Write(summaries, iterations);
    File.WriteAllText(Path.Combine(outDir, $"short-inputs{suffix}.md"), shortMarkdown);
    Console.WriteLine(shortMarkdown);
}
else if (calls)
{
    summaries = [BenchmarkRunner.Run<CallCostBenchmarks>(config), BenchmarkRunner.Run<TransitionBenchmarks>(config)];
    string callsMarkdown = Report.WriteCallCost(summaries[0], iterations) + Report.WriteTransition(summaries[1]);
    File.WriteAllText(Path.Combine(outDir, $"call-cost{suffix}.md"), callsMarkdown);
    Console.WriteLine(callsMarkdown);
}
else
{
    Type[] benchmarks = [typeof(PopCountBenchmarks), typeof(HammingBenchmarks), typeof(IncrementBenchmarks), typeof(Crc32CBenchmarks)];
    WarmUp.All(benchmarks);
    summaries = BenchmarkRunner.Run(benchmarks, config);
    var increment = IncrementInterleaved.Run(BenchSizes.Current);
    string name = (quick ? "benchmarks-quick" : "benchmarks") + suffix;
    string markdown = Report.Write(summaries, quick, iterations, name + ".svg", increment);
    File.WriteAllText(Path.Combine(outDir, name + ".md"), markdown);
    Console.WriteLine(markdown);
    Plot.Draw(Path.Combine(artifacts, "results"), Path.Combine(outDir, name + ".svg"));
}
return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;

string? ArgValue(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

