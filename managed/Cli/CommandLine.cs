using System.CommandLine;
using AsmKernels.Cli.Disasm;

namespace AsmKernels.Cli;

/// <summary>
/// The command line's grammar, in System.CommandLine: every command with its arguments and options,
/// so that each has <c>--help</c>, unknown options and missing arguments are errors (exit 1) before
/// anything runs, and shells can complete names (the <c>[suggest]</c> directive, for
/// <c>dotnet-suggest</c>). A command that parses runs its implementation with its own arguments,
/// which checks what the grammar cannot say (a multiple of 64 bits, one input on standard input).
/// </summary>
internal static class CommandLine
{
    public static int Invoke(string[] args, Func<string[], int> usage, Func<int> help)
    {
        var root = new RootCommand("AsmKernels: hand-written x86-64 kernels for bit-level work, from .NET.");
        root.SetAction(_ => usage(args)); // no command: the usage, exit 1
        string[] rest = args.Length > 0 ? args[1..] : [];

        root.Add(Simple("info", "CPU, features, the kernel chosen per operation, the native library", InfoCommand.Run));
        root.Add(Simple("demo", "each kernel on a small example, then native against the JIT's loop at a few sizes", DemoCommand.Run));
        root.Add(Simple("selftest", "every API at every supported ISA level against a reference; exit 1 on a mismatch", SelfTestCommand.Run));
        root.Add(Simple("crossover", "time managed against native code at each length (how the thresholds are set)", CrossoverCommand.Run));

        var cold = new Command("cold", "first calls in fresh processes, the public API against a naive loop")
        {
            new Option<int>("--processes") { Description = "fresh processes per cell (the median is reported), 1..99" },
            new Option<string>("--out") { Description = "write the markdown report to this file" },
        };
        cold.SetAction(_ => ColdStartCommand.Run(rest));
        root.Add(cold);

        var disasm = new Command("disasm", "a kernel's instructions beside the JIT's code for the same loop, with a summary and timings")
        {
            new Argument<string>("op") { Description = "popcount, hamming, increment or crc32c", Arity = ArgumentArity.ZeroOrOne },
            new Option<string>("--isa") { Description = "the kernel's level (default: the one dispatch selects)" },
            new Option<string>("--jit") { Description = "tier1 or fullopts" },
            new Option<string>("--format") { Description = "text or markdown" },
            new Option<int>("--size") { Description = "elements for the timings" },
            new Option<string>("--library") { Description = "the native library to read the kernel from" },
            new Option<bool>("--all") { Description = "every operation at every level, as markdown files (with --out)" },
            new Option<string>("--out") { Description = "the directory for --all" },
            new Option<string>("--method") { Description = "ASSEMBLY.dll:Namespace.Type.Method[(parameter types)]: the JIT's code for any method" },
            new Option<string>("--native") { Description = "FILE:SYMBOL: a routine of a .so, .dll, .o or .obj" },
        };
        disasm.SetAction(_ => DisasmCommand.Run(rest));
        root.Add(disasm);

        root.Add(FileCommand("popcount", "set bits in a file (- is standard input)", 1, pad: false, () => FileCommands.PopCount(rest, Console.Out, Console.Error)));
        root.Add(FileCommand("hamming", "differing bits of two files (either may be -)", 2, pad: true, () => FileCommands.Hamming(rest, Console.Out, Console.Error)));
        root.Add(FileCommand("crc32c", "the CRC-32C of a file (- is standard input), in hex", 1, pad: false, () => FileCommands.Crc32C(rest, Console.Out, Console.Error)));

        var search = new Command("search", "the nearest codes by Hamming distance, for every query of a file")
        {
            new Option<string>("--codes") { Description = "a file of raw B-bit codes (or - for standard input)", Required = true },
            new Option<string>("--queries") { Description = "a file of raw B-bit queries (or - for standard input)", Required = true },
            new Option<int>("--bits") { Description = "B: the bits of a code, a multiple of 64", Required = true },
            new Option<int>("--k") { Description = "the neighbours per query (default 10)" },
            new Option<uint>("--radius") { Description = "every code within this distance, instead of --k" },
            new Option<int>("--threads") { Description = "threads (default: every core)" },
            new Option<bool>("--json") { Description = "one JSON object on stdout" },
            new Option<bool>("--progress") { Description = "draw progress even when stderr is not a terminal" },
        };
        search.SetAction(_ => SearchCommand.Run(rest, Console.Out, Console.Error));
        root.Add(search);

        var helpCommand = new Command("help", "the usage, as --help shows it") { Hidden = true };
        helpCommand.SetAction(_ => help());
        root.Add(helpCommand);

        var abicheck = new Command("abicheck", "checkasm for any routine: callee-saved registers, guard pages, vzeroupper, results against a reference")
        {
            new Argument<string>("library") { Description = "an ELF shared library (System V) or a PE DLL (Win64, under wine on Linux)" },
            new Option<string>("--symbol") { Description = "the routine's exported name", Required = true },
            new Option<string>("--signature") { Description = "e.g. 'u64 (in u64[n], size n)': in|inout|out T[n], size n or a scalar T; T: u8 i8 u16 i16 u32 i32 u64 i64 size", Required = true },
            new Option<string>("--reference") { Description = "LIBRARY:NAME of a routine that must give the same results" },
        };
        abicheck.SetAction(_ => AbiCheckCommand.Run(rest));
        root.Add(abicheck);

        // The child processes of disasm and cold: not for people.
        root.Add(Hidden("jit-run", () => JitRun(args)));
        root.Add(Hidden("cold-run", () => ColdStartCommand.ChildRun(args)));
        root.Add(Hidden("jit-method", () => args.Length == 3 ? UserDisasm.ChildCompile(args[1], args[2]) : 1));

        // Exceptions reach Program's handler (one line and exit code 2 for I/O), not a stack trace.
        return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
    }

    /// <summary>The child process of disasm: <c>jit-run &lt;op&gt; tier1|fullopts</c> runs the operation's loops for the JIT to list.</summary>
    private static int JitRun(string[] args)
    {
        DisasmOperation? op = args.Length == 3 ? DisasmOperation.All.FirstOrDefault(o => o.Name == args[1]) : null;
        if (op is null || !Enum.TryParse(args[2], ignoreCase: true, out JitMode mode))
        {
            Console.Error.WriteLine("asmkernels: jit-run <op> tier1|fullopts is run by disasm");
            return 1;
        }
        JitDisassembler.RunLoops(op, mode);
        return 0;
    }

    private static Command Simple(string name, string description, Func<int> run)
    {
        var command = new Command(name, description);
        command.SetAction(_ => run());
        return command;
    }

    private static Command FileCommand(string name, string description, int files, bool pad, Func<int> run)
    {
        var command = new Command(name, description);
        if (files == 1)
        {
            command.Add(new Argument<string>("file") { Description = "the file, or - for standard input" });
        }
        else
        {
            command.Add(new Argument<string>("fileA") { Description = "the first file, or - for standard input" });
            command.Add(new Argument<string>("fileB") { Description = "the second file, or - (not both)" });
        }
        command.Add(new Option<bool>("--json") { Description = "one JSON object on stdout" });
        command.Add(new Option<bool>("--progress") { Description = "draw progress even when stderr is not a terminal" });
        if (pad)
            command.Add(new Option<bool>("--pad") { Description = "count the longer file's extra bytes against zeros" });
        command.SetAction(_ => run());
        return command;
    }

    private static Command Hidden(string name, Func<int> run)
    {
        var command = new Command(name) { Hidden = true, TreatUnmatchedTokensAsErrors = false };
        command.Add(new Argument<string[]>("arguments") { Arity = ArgumentArity.ZeroOrMore });
        command.SetAction(_ => run());
        return command;
    }
}
