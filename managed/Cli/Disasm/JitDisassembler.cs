using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace AsmKernels.Cli.Disasm;

/// <summary>Which of the JIT's code to show.</summary>
internal enum JitMode
{
    /// <summary>The steady state: the code that runs after the loop has run long enough, with tiered PGO on.</summary>
    Tier1,

    /// <summary>Fully optimized code on the first call (<c>DOTNET_TieredCompilation=0</c>).</summary>
    FullOpts,
}

/// <summary>
/// Gets the JIT's code for managed loops: a child process (this CLI's hidden <c>jit-run</c>
/// command) runs them with <c>DOTNET_JitDisasm</c> naming them and <c>DOTNET_JitStdOutFile</c>
/// collecting the listings, then the listing of the wanted tier is normalized like a native one.
/// </summary>
internal static partial class JitDisassembler
{
    /// <summary>The JIT's listing of every managed loop of <paramref name="op"/>, in order.</summary>
    /// <exception cref="InvalidOperationException">No JIT here, the child process failed, or a listing is missing.</exception>
    public static IReadOnlyList<Listing> Disassemble(DisasmOperation op, JitMode mode)
    {
        if (!RuntimeFeature.IsDynamicCodeCompiled)
            throw new InvalidOperationException("this process was compiled ahead of time; there is no JIT whose code could be shown");
        IReadOnlyList<ManagedLoop> loops = op.ManagedLoops(1);
        string output = Path.Combine(Path.GetTempPath(), $"asmkernels-jit-{Environment.ProcessId}-{op.Name}-{mode}.txt");
        try
        {
            RunChild(op, mode, loops, output);
            string text = File.Exists(output) ? File.ReadAllText(output) : "";
            string tier = mode == JitMode.Tier1 ? "Tier1" : "FullOpts";
            // An AggressiveOptimization method is compiled once, fully optimized, and never tiers:
            // that listing is its final code in tier-1 mode too.
            return loops.Select(loop => Find(text, loop.Name, tier)
                ?? (mode == JitMode.Tier1 ? Find(text, loop.Name, "FullOpts") : null)
                ?? throw new InvalidOperationException($"the JIT printed no {tier} code for {loop.Name}")).ToList();
        }
        finally
        {
            File.Delete(output);
        }
    }

    /// <summary>Runs the loops of <paramref name="op"/> so that the JIT compiles them at <paramref name="mode"/> (the child's side).</summary>
    public static void RunLoops(DisasmOperation op, JitMode mode)
    {
        IReadOnlyList<ManagedLoop> loops = op.ManagedLoops(256);
        ulong sink = 0;
        // Tier-1 needs a loop to be called 30 times, then a quiet 100 ms, once for the instrumented
        // tier and once more for the final one; a dozen rounds leave ample margin.
        int rounds = mode == JitMode.Tier1 ? 12 : 1;
        for (int round = 0; round < rounds; round++)
        {
            foreach (ManagedLoop loop in loops)
                sink += loop.Body(mode == JitMode.Tier1 ? 50 : 1);
            if (mode == JitMode.Tier1)
                Thread.Sleep(150);
        }
        GC.KeepAlive(sink);
    }

    private static void RunChild(DisasmOperation op, JitMode mode, IReadOnlyList<ManagedLoop> loops, string output)
    {
        var start = SelfProcess.StartInfo("jit-run", op.Name, mode.ToString().ToLowerInvariant());
        start.Environment["DOTNET_JitDisasm"] = string.Join(' ', loops.Select(l => l.Name));
        start.Environment["DOTNET_JitStdOutFile"] = output;
        start.Environment["DOTNET_JitDisasmDiffable"] = "1";
        start.Environment["DOTNET_TieredCompilation"] = mode == JitMode.FullOpts ? "0" : "1";
        start.Environment["DOTNET_TieredPGO"] = "1";

        using Process child = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
        Task<string> stderr = child.StandardError.ReadToEndAsync();
        child.StandardOutput.ReadToEnd();
        if (!child.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            child.Kill(entireProcessTree: true);
            throw new InvalidOperationException("the JIT child process did not finish in 2 minutes");
        }
        if (child.ExitCode != 0)
            throw new InvalidOperationException($"the JIT child process failed (exit {child.ExitCode}): {stderr.Result.Trim()}");
    }

    /// <summary>The last listing in <paramref name="text"/> of method <paramref name="name"/> at <paramref name="tier"/>, normalized.</summary>
    internal static Listing? Find(string text, string name, string tier)
    {
        const string Header = "; Assembly listing for method ";
        Listing? found = null;
        foreach (string chunk in text.Split(Header).Skip(1))
        {
            string first = chunk[..chunk.IndexOf('\n')].Trim();
            Match m = ListingHeader().Match(first);
            if (!m.Success || m.Groups["method"].Value != name || m.Groups["tier"].Value != tier)
                continue;
            found = Parse(m.Groups["signature"].Value, tier, chunk);
        }
        return found;
    }

    private static Listing Parse(string signature, string tier, string chunk)
    {
        var raw = new List<ListingLine>();
        int codeBytes = 0;
        foreach (string line in chunk.Split('\n').Skip(1).Select(l => l.TrimEnd()))
        {
            if (line.Length == 0 || line.Trim().Length == 0)
                continue;
            if (line.StartsWith(';'))
            {
                if (TotalBytes().Match(line) is { Success: true } total)
                    codeBytes = int.Parse(total.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                continue;
            }
            string trimmed = Whitespace().Replace(line.Trim(), " ");
            if (!char.IsWhiteSpace(line[0]))
            {
                raw.Add(trimmed.EndsWith(':') ? new ListingLine(LineKind.Label, trimmed[..^1]) : new ListingLine(LineKind.Directive, trimmed));
                continue;
            }
            string[] parts = trimmed.Split(' ', 2);
            if (parts[0] == "align")
                raw.Add(new ListingLine(LineKind.Directive, AlignTarget().Replace(trimmed, "]")));
            else
                raw.Add(ListingLine.Instruction(parts[0], parts.Length > 1 ? parts[1].Replace("SHORT ", "", StringComparison.Ordinal) : ""));
        }
        return new Listing(signature, $"JIT {tier}", RenameLabels(raw), codeBytes);
    }

    /// <summary>Keeps only the labels something refers to, renamed <c>L0</c>, <c>L1</c>, ... in order.</summary>
    private static List<ListingLine> RenameLabels(List<ListingLine> lines)
    {
        var used = lines.Where(l => l.Kind != LineKind.Label)
            .SelectMany(l => JitLabel().Matches(l.Text).Select(m => m.Value)).ToHashSet();
        var names = new Dictionary<string, string>();
        foreach (ListingLine line in lines)
            if (line.Kind == LineKind.Label && used.Contains(line.Text))
                names[line.Text] = $"L{names.Count}";
        string Rename(string text) => JitLabel().Replace(text, m => names.GetValueOrDefault(m.Value, m.Value));
        return lines
            .Where(l => l.Kind != LineKind.Label || names.ContainsKey(l.Text))
            .Select(l => l.Kind == LineKind.Instruction ? ListingLine.Instruction(l.Mnemonic, Rename(l.Operands)) : l with { Text = Rename(l.Text) })
            .ToList();
    }

    [GeneratedRegex(@"^(?<signature>(?<method>[^(]+)\(.*\)[^ ]*) \((?<tier>[^)]+)\)$")]
    private static partial Regex ListingHeader();

    [GeneratedRegex(@"^; Total bytes of code (\d+)")]
    private static partial Regex TotalBytes();

    [GeneratedRegex(@"\bG_M\d+_IG\d+\b")]
    private static partial Regex JitLabel();

    [GeneratedRegex(@" for IG\d+\]")]
    private static partial Regex AlignTarget();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
