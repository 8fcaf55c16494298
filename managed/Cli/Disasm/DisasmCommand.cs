namespace AsmKernels.Cli.Disasm;

/// <summary>
/// <c>asmkernels disasm &lt;op&gt; [--isa L] [--jit tier1|fullopts] [--format text|markdown]
/// [--size N] [--library FILE]</c>, and <c>asmkernels disasm --all --out DIR</c>: a kernel's
/// instructions beside the JIT's code for the same loops, with a summary and a timing of each.
/// </summary>
internal static class DisasmCommand
{
    public const string Usage = "usage: asmkernels disasm <op> [--isa <level>] [--jit tier1|fullopts] [--format text|markdown] [--size <elements>] [--library <file>]\n"
        + "       asmkernels disasm --all --out <dir> [--jit tier1|fullopts] [--size <elements>]\n"
        + "       asmkernels disasm [--method ASSEMBLY.dll:Namespace.Type.Method[(types)]] [--native FILE:SYMBOL] [--format text|markdown]";

    public static int Run(string[] args)
    {
        string? opName = null, isaText = null, jitText = null, format = null, sizeText = null, library = null, outDir = null, method = null, native = null;
        bool all = false;
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (arg == "--all") { all = true; continue; }
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (i + 1 >= args.Length)
                    return Fail($"{arg} needs a value");
                string value = args[++i];
                switch (arg)
                {
                    case "--isa": isaText = value; break;
                    case "--jit": jitText = value; break;
                    case "--format": format = value; break;
                    case "--size": sizeText = value; break;
                    case "--library": library = value; break;
                    case "--out": outDir = value; break;
                    case "--method": method = value; break;
                    case "--native": native = value; break;
                    default: return Fail($"unknown option '{arg}'");
                }
                continue;
            }
            if (opName is not null)
                return Fail($"unexpected argument '{arg}'");
            opName = arg;
        }

        JitMode jit;
        switch (jitText ?? "tier1")
        {
            case "tier1": jit = JitMode.Tier1; break;
            case "fullopts": jit = JitMode.FullOpts; break;
            default: return Fail($"unknown --jit '{jitText}'; valid: tier1, fullopts");
        }
        if (format is not (null or "text" or "markdown"))
            return Fail($"unknown --format '{format}'; valid: text, markdown");
        if (method is not null || native is not null)
        {
            if (opName is not null || all || isaText is not null || library is not null || outDir is not null)
                return Fail("--method and --native take no operation, --all, --isa, --library or --out");
            return UserDisasm.Run(method, native, format);
        }
        int size = 4096;
        if (sizeText is not null && (!int.TryParse(sizeText, out size) || size < 1 || size > 1 << 26))
            return Fail($"--size must be a number of elements from 1 to {1 << 26}, not '{sizeText}'");

        if (all)
        {
            if (opName is not null || isaText is not null || format is not null)
                return Fail("--all takes no operation, --isa or --format (it writes every operation at every level as markdown)");
            if (outDir is null)
                return Fail("--all needs --out <dir>");
        }
        else
        {
            if (outDir is not null)
                return Fail("--out goes with --all");
            if (opName is null)
                return Fail($"name an operation: {DisasmOperation.ValidNames}");
        }

        DisasmOperation? single = null;
        if (opName is not null && (single = DisasmOperation.All.FirstOrDefault(o => o.Name == opName)) is null)
            return Fail($"unknown operation '{opName}'; valid: {DisasmOperation.ValidNames}");

        IsaLevel? isa = null;
        if (isaText is not null)
        {
            var levels = single!.NativeLevels.ToList();
            string valid = string.Join(", ", levels.Select(IsaLevels.Name));
            if (!IsaLevels.TryParse(isaText, out IsaLevel parsed))
                return Fail($"unknown ISA level '{isaText}'; valid for {single.Name}: {valid}");
            if (!levels.Contains(parsed))
                return Fail($"{single.Name} has no native kernel at '{isaText}'; valid: {valid}");
            isa = parsed;
        }

        bool loaded = library is null;
        if (library is null)
        {
            if (!Kernels.NativeLibraryLoaded)
            {
                Console.Error.WriteLine($"asmkernels: disasm reads the native library, which is not loaded: {Kernels.NativeLibraryError}. Name a file with --library.");
                return 2;
            }
            library = Kernels.NativeLibraryPath!;
        }
        else if (!File.Exists(library))
        {
            Console.Error.WriteLine($"asmkernels: --library {library}: no such file");
            return 2;
        }

        try
        {
            NativeImage image = NativeImage.Open(library);
            if (all)
                return WriteAll(jit, size, image, loaded, outDir!, args);
            DisasmReport report = DisasmReport.Build(single!, [isa ?? DefaultLevel(single!)], jit, size, image, loaded);
            report.Time();
            if (format == "markdown")
                DisasmWriter.Markdown(report, Console.Out, "asmkernels disasm " + string.Join(' ', args));
            else
                DisasmWriter.Text(report, Console.Out);
            return 0;
        }
        catch (Exception e) when (e is InvalidDataException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"asmkernels: disasm: {e.Message}");
            return 2;
        }
    }

    private static int WriteAll(JitMode jit, int size, NativeImage image, bool loaded, string outDir, string[] args)
    {
        Directory.CreateDirectory(outDir);
        foreach (DisasmOperation op in DisasmOperation.All)
        {
            DisasmReport report = DisasmReport.Build(op, op.NativeLevels, jit, size, image, loaded);
            report.Time();
            string file = Path.Combine(outDir, op.Name + ".md");
            using (var writer = new StreamWriter(file) { NewLine = "\n" })
                DisasmWriter.Markdown(report, writer, "asmkernels disasm " + string.Join(' ', args.Select(a => a == outDir ? "docs/disasm" : a)));
            Console.WriteLine($"wrote {file}");
        }
        return 0;
    }

    /// <summary>The highest level with a kernel that this machine runs, else the lowest (still shown, not timed).</summary>
    private static IsaLevel DefaultLevel(DisasmOperation op) =>
        op.NativeLevels.Where(l => Kernels.IsSupported(op.Operation, l)).DefaultIfEmpty(op.NativeLevels.First()).Max();

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"asmkernels: disasm: {message}");
        Console.Error.WriteLine(Usage);
        return 1;
    }
}
