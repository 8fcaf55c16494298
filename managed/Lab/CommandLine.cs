using System.CommandLine;

namespace AsmKernels.Lab;

/// <summary>
/// The grammar of <c>asmkernels-lab</c>, the measurement commands the library is built with (not
/// packed): the demo, the crossover sweeps behind the thresholds, first calls in fresh processes,
/// and each kernel beside the JIT's code. Each command binds its values from the parse result.
/// </summary>
internal static class CommandLine
{
    public const string Program = "asmkernels-lab";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Grammar.Run(Program, Build(args), args, stdout, stderr);

    private static RootCommand Build(string[] args)
    {
        var root = new RootCommand("AsmKernels' measurement lab: the demo, thresholds, first calls, and kernels beside the JIT's code.");
        root.SetAction(r =>
        {
            r.InvocationConfiguration.Error.WriteLine($"{Program}: name a command ({Grammar.CommandNames(root)}); {Program} --help lists them");
            return 1;
        });
        root.Add(ProgramHost.Simple("demo", "each seed kernel on a small example, then native against the JIT's loop at a few sizes", DemoCommand.Run));
        root.Add(ProgramHost.Simple("report-suffix", "what a report's name ends in on this CPU's class (-intel, -zen5, -avx2, -sse, or nothing on AMD Zen 4)", ReportSuffix.Run));
        root.Add(ProgramHost.Simple("crossover", "time managed against native code at each length (how the thresholds are set)", CrossoverCommand.Run));

        var processes = new Option<int>("--processes") { Description = "fresh processes per cell (the median is reported), 1..99", DefaultValueFactory = _ => 5 };
        Grammar.WholeNumber(processes, 1, 99, "a number of processes");
        var coldOut = new Option<string>("--out") { Description = "write the markdown report to this file" };
        var coldAot = new Option<string>("--aot") { Description = "a Native AOT build of this program: its first calls too" };
        var cold = new Command("cold", "first calls in fresh processes, the public API against a naive loop") { processes, coldAot, coldOut };
        cold.SetAction(r => ColdStartCommand.Run(r.GetValue(processes), r.GetValue(coldAot), r.GetValue(coldOut)));
        root.Add(cold);

        var op = new Argument<string>("op") { Description = "popcount, hamming, increment or crc32c", Arity = ArgumentArity.ZeroOrOne };
        op.AcceptOnlyFromAmong(DisasmOperation.All.Select(o => o.Name).ToArray());
        var isa = new Option<string>("--isa") { Description = "the kernel's level (default: the one dispatch selects)" };
        var jit = new Option<JitMode>("--jit") { Description = "tier1 or fullopts", DefaultValueFactory = _ => JitMode.Tier1 };
        var format = new Option<string>("--format") { Description = "text or markdown" };
        format.AcceptOnlyFromAmong("text", "markdown");
        var size = new Option<int>("--size") { Description = "elements for the timings", DefaultValueFactory = _ => 4096 };
        Grammar.WholeNumber(size, 1, 1 << 26, "a number of elements");
        var library = new Option<string>("--library") { Description = "the native library to read the kernel from" };
        var all = new Option<bool>("--all") { Description = "every operation at every level, as markdown files (with --out)" };
        var outDir = new Option<string>("--out") { Description = "the directory for --all" };
        var disasm = new Command("disasm", "a kernel's instructions beside the JIT's code for the same loop, with a summary and timings")
        {
            op, isa, jit, format, size, library, all, outDir,
        };
        disasm.SetAction(r => DisasmCommand.Run(new DisasmCommand.Options(r.GetValue(op), r.GetValue(isa), r.GetValue(jit), r.GetValue(format),
            r.GetValue(size), r.GetValue(library), r.GetValue(all), r.GetValue(outDir), $"{Program} {string.Join(' ', args)}")));
        root.Add(disasm);

        // The child processes of disasm and cold: not for people.
        root.Add(ProgramHost.Hidden("jit-run", () => JitRun(args)));
        root.Add(ProgramHost.Hidden("cold-run", () => ColdStartCommand.ChildRun(args)));
        return root;
    }

    /// <summary>The child process of disasm: <c>jit-run &lt;op&gt; tier1|fullopts</c> runs the operation's loops for the JIT to list.</summary>
    private static int JitRun(string[] args)
    {
        DisasmOperation? op = args.Length == 3 ? DisasmOperation.All.FirstOrDefault(o => o.Name == args[1]) : null;
        if (op is null || !Enum.TryParse(args[2], ignoreCase: true, out JitMode mode))
        {
            Console.Error.WriteLine($"{Program}: jit-run <op> tier1|fullopts is run by disasm");
            return 1;
        }
        JitDisassembler.RunLoops(op, mode);
        return 0;
    }
}
