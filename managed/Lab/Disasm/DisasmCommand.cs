namespace AsmKernels.Lab;

/// <summary>
/// <c>asmkernels-lab disasm &lt;op&gt; [--isa L] [--jit tier1|fullopts] [--format text|markdown]
/// [--size N] [--library FILE]</c>, and <c>disasm --all --out DIR</c>: a kernel's instructions
/// beside the JIT's code for the same loops, with a summary and a timing of each. The values come
/// bound from the parse result; the grammar (<see cref="CommandLine"/>) has checked their forms.
/// </summary>
internal static class DisasmCommand
{
    /// <summary>The command's values: the operation (or null with --all), the level, the JIT mode, the format, the timed size, another library, the --all directory; and the command line, for the pages' headers.</summary>
    internal sealed record Options(string? Op, string? Isa, JitMode Jit, string? Format, int Size, string? Library, bool All, string? Out, string CommandLine);

    public static int Run(Options o)
    {
        string? opName = o.Op, isaText = o.Isa, format = o.Format, library = o.Library, outDir = o.Out;
        bool all = o.All;
        JitMode jit = o.Jit;
        int size = o.Size;
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
                Console.Error.WriteLine($"{CommandLine.Program}: disasm reads the native library, which is not loaded: {Kernels.NativeLibraryError}. Name a file with --library.");
                return 2;
            }
            library = Kernels.NativeLibraryPath!;
        }
        else if (!File.Exists(library))
        {
            Console.Error.WriteLine($"{CommandLine.Program}: --library {library}: no such file");
            return 2;
        }

        try
        {
            NativeImage image = NativeImage.Open(library);
            if (all)
                return WriteAll(jit, size, image, loaded, outDir!, o.CommandLine);
            DisasmReport report = DisasmReport.Build(single!, [isa ?? DefaultLevel(single!)], jit, size, image, loaded);
            report.Time();
            if (format == "markdown")
                DisasmWriter.Markdown(report, Console.Out, o.CommandLine);
            else
                DisasmWriter.Text(report, Console.Out);
            return 0;
        }
        catch (Exception e) when (e is InvalidDataException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"{CommandLine.Program}: disasm: {e.Message}");
            return 2;
        }
    }

    private static int WriteAll(JitMode jit, int size, NativeImage image, bool loaded, string outDir, string commandLine)
    {
        Directory.CreateDirectory(outDir);
        foreach (DisasmOperation op in DisasmOperation.All)
        {
            DisasmReport report = DisasmReport.Build(op, op.NativeLevels, jit, size, image, loaded);
            report.Time();
            string file = Path.Combine(outDir, op.Name + ".md");
            using (var writer = new StreamWriter(file) { NewLine = "\n" })
                DisasmWriter.Markdown(report, writer, commandLine.Replace(outDir, "docs/disasm", StringComparison.Ordinal));
            Console.WriteLine($"wrote {file}");
        }
        return 0;
    }

    /// <summary>The highest level with a kernel that this machine runs, else the lowest (still shown, not timed).</summary>
    private static IsaLevel DefaultLevel(DisasmOperation op) =>
        op.NativeLevels.Where(l => Kernels.IsSupported(op.Operation, l)).DefaultIfEmpty(op.NativeLevels.First()).Max();

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"{CommandLine.Program}: disasm: {message}");
        return 1;
    }
}
