using System.CommandLine;

namespace AsmKernels.Cli;

/// <summary>
/// The grammar of <c>asmkernels</c>, the tool users install, in System.CommandLine: every command
/// with its arguments and options, so that each has <c>--help</c>, unknown options, missing
/// arguments and values the grammar refuses are errors (exit 1) before anything runs, and shells
/// can complete names (the <c>[suggest]</c> directive, for <c>dotnet-suggest</c>). Each command's
/// action binds its values from the parse result and runs the command with them.
/// </summary>
internal static class CommandLine
{
    public const string Program = "asmkernels";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Grammar.Run(Program, Build(), args, stdout, stderr);

    private static RootCommand Build()
    {
        var root = new RootCommand("AsmKernels: hand-written x86-64 kernels for bit-level work, from .NET.");
        root.SetAction(r => Usage(root, r.InvocationConfiguration.Error, 1, "name a command")); // no command: the usage, exit 1

        root.Add(ProgramHost.Simple("info", "CPU, features, the kernel chosen per operation, the native library", InfoCommand.Run));
        root.Add(ProgramHost.Simple("selftest", "every API at every supported ISA level against a reference; exit 1 on a mismatch", SelfTestCommand.Run));
        root.Add(FileCommand("popcount", "set bits in a file (- is standard input)", 1, pad: false, FileCommands.PopCount));
        root.Add(FileCommand("hamming", "differing bits of two files (either may be -)", 2, pad: true, FileCommands.Hamming));
        root.Add(FileCommand("crc32c", "the CRC-32C of a file (- is standard input), in hex", 1, pad: false, FileCommands.Crc32C));
        root.Add(Search());

        var help = new Command("help", "the usage, as --help shows it") { Hidden = true };
        help.SetAction(r => Usage(root, r.InvocationConfiguration.Output, 0));
        root.Add(help);
        return root;
    }

    private static Command FileCommand(string name, string description, int files, bool pad,
        Func<FileCommands.Options, TextWriter, TextWriter, int> run)
    {
        var command = new Command(name, description);
        var inputs = new List<Argument<string>>();
        if (files == 1)
        {
            inputs.Add(new Argument<string>("file") { Description = "the file, or - for standard input" });
        }
        else
        {
            inputs.Add(new Argument<string>("fileA") { Description = "the first file, or - for standard input" });
            inputs.Add(new Argument<string>("fileB") { Description = "the second file, or - (not both)" });
        }
        foreach (Argument<string> input in inputs)
            command.Add(input);
        var json = new Option<bool>("--json") { Description = "one JSON object on stdout" };
        var progress = new Option<bool>("--progress") { Description = "draw progress even when stderr is not a terminal" };
        var padding = new Option<bool>("--pad") { Description = "count the longer file's extra bytes against zeros" };
        command.Add(json);
        command.Add(progress);
        if (pad)
            command.Add(padding);
        if (files == 2)
        {
            command.Validators.Add(r =>
            {
                if (r.GetValue(inputs[0]) == "-" && r.GetValue(inputs[1]) == "-")
                    r.AddError("only one of the two inputs can be standard input (-)");
            });
        }
        command.SetAction(r => run(
            new FileCommands.Options(inputs.Select(i => r.GetValue(i)!).ToList(), r.GetValue(json), pad && r.GetValue(padding), r.GetValue(progress)),
            r.InvocationConfiguration.Output, r.InvocationConfiguration.Error));
        return command;
    }

    private static Command Search()
    {
        var codes = new Option<string>("--codes") { Description = "a file of raw B-bit codes (or - for standard input)", Required = true };
        var queries = new Option<string>("--queries") { Description = "a file of raw B-bit queries (or - for standard input)", Required = true };
        var bits = new Option<int>("--bits") { Description = "B: the bits of a code, a multiple of 64", Required = true };
        var k = new Option<int?>("--k") { Description = "the neighbours per query (default 10)" };
        var radius = new Option<uint?>("--radius") { Description = "every code within this distance, instead of --k" };
        var threads = new Option<int?>("--threads") { Description = "threads (default: every core)" };
        var json = new Option<bool>("--json") { Description = "one JSON object on stdout" };
        var progress = new Option<bool>("--progress") { Description = "draw progress even when stderr is not a terminal" };
        Grammar.WholeNumber(bits, 64, int.MaxValue & ~63, "a multiple of 64 bits", b => b % 64 == 0);
        Grammar.WholeNumber(k, 0, int.MaxValue, "a number of neighbours");
        Grammar.WholeNumber(radius, 0, uint.MaxValue, "a distance");
        Grammar.WholeNumber(threads, 1, int.MaxValue, "a number of threads");
        var search = new Command("search", "the nearest codes by Hamming distance, for every query of a file")
        {
            codes, queries, bits, k, radius, threads, json, progress,
        };
        search.Validators.Add(r =>
        {
            if (r.GetResult(k) is not null && r.GetResult(radius) is not null) // given, whatever their values (those have their own errors)
                r.AddError("give --k or --radius, not both");
            if (r.GetValue(codes) == "-" && r.GetValue(queries) == "-")
                r.AddError("only one of --codes and --queries can be standard input (-)");
        });
        search.SetAction(r =>
        {
            uint? within = r.GetValue(radius);
            var o = new SearchCommand.Options(r.GetValue(codes)!, r.GetValue(queries)!, r.GetValue(bits),
                within is null ? r.GetValue(k) ?? 10 : null, within, r.GetValue(threads) ?? -1, r.GetValue(json), r.GetValue(progress));
            return SearchCommand.Run(o, r.InvocationConfiguration.Output, r.InvocationConfiguration.Error);
        });
        return search;
    }

    private static int Usage(RootCommand root, TextWriter to, int exitCode, string? error = null)
    {
        if (error is not null)
            to.WriteLine($"{Program}: {error}");
        Grammar.WriteUsage(Program, root, to);
        to.WriteLine("""
            (- is standard input; pipes, FIFOs and devices stream in blocks; exit codes: 0 ok, 1 bad usage, 2 I/O error)
            asmtools (disasm --method/--native, abicheck): the assembly tools, a tool of their own

            environment: ASMKERNELS_MAX_ISA=scalar|sse2|sse4.2|avx2|avx512, ASMKERNELS_NATIVE_PATH=<file or dir>,
              ASMKERNELS_TUNE=auto|intel|amd|none, ASMKERNELS_SCAN_PREFETCH=auto|always|never
            """);
        return exitCode;
    }
}
