using System.Runtime.InteropServices;

namespace AsmKernels.Lab;

/// <summary>A listing with its summary and, where it could run here, its time per call.</summary>
/// <param name="Name">A short name for tables (the export, or <c>Class.Method</c>).</param>
/// <param name="Listing">The listing.</param>
/// <param name="Summary">Its summary.</param>
/// <param name="Body">The timed body, or null when it cannot run here.</param>
/// <param name="WhyNotTimed">Why there is no timing, when <paramref name="Body"/> is null.</param>
internal sealed record ReportEntry(string Name, Listing Listing, ListingSummary Summary, Func<int, ulong>? Body, string? WhyNotTimed)
{
    public double? Nanoseconds { get; set; }
}

/// <summary>What <c>asmkernels-lab disasm</c> shows for one operation: native listings, JIT listings, timings.</summary>
internal sealed class DisasmReport
{
    public required DisasmOperation Operation { get; init; }
    public required JitMode Jit { get; init; }
    public required int Size { get; init; }
    public required string LibraryPath { get; init; }
    public required IReadOnlyList<ReportEntry> Native { get; init; }
    public required IReadOnlyList<ReportEntry> Managed { get; init; }

    public IEnumerable<ReportEntry> Entries => Native.Concat(Managed);

    /// <summary>
    /// Builds the report: the native kernels of <paramref name="levels"/> from
    /// <paramref name="image"/> (read from the loaded library when it is the one loaded, else
    /// from the file), the JIT's code in <paramref name="jit"/> mode from a child process.
    /// </summary>
    public static DisasmReport Build(DisasmOperation op, IEnumerable<IsaLevel> levels, JitMode jit, int size, NativeImage image, bool loaded)
    {
        string library = image.Path;
        var native = new List<ReportEntry>();
        foreach (IsaLevel isa in levels)
        {
            string export = KernelTable.Name(Dispatch.KernelAt(op.Operation, isa));
            if (!image.Exports.TryGetValue(export, out NativeSymbol? symbol))
                throw new InvalidDataException($"{library} has no export {export}");
            Listing listing = NativeListing(image, symbol, loaded);
            string? why = !loaded ? $"{library} is not the loaded library"
                : Kernels.GetUnsupportedReason(op.Operation, isa) is { } reason ? $"this machine cannot run it: {reason}" : null;
            native.Add(new ReportEntry(export, listing, ListingSummary.Of(listing, op.ElementBytes), why is null ? op.NativeBody(isa, size) : null, why));
        }

        IReadOnlyList<ManagedLoop> loops = op.ManagedLoops(size);
        IReadOnlyList<Listing> jitListings = JitDisassembler.Disassemble(op, jit);
        var managed = loops.Zip(jitListings, (loop, listing) =>
            new ReportEntry(ShortName(loop.Name), listing, ListingSummary.Of(listing, op.ElementBytes), loop.Body, null)).ToList();

        return new DisasmReport { Operation = op, Jit = jit, Size = size, LibraryPath = library, Native = native, Managed = managed };
    }

    /// <summary>Times every entry that can run, in one run (only ratios within it mean anything).</summary>
    public void Time()
    {
        var timed = Entries.Where(e => e.Body is not null).ToList();
        Timing.WarmUp(timed.Select(e => e.Body!).ToList());
        double ms = Size >= 1 << 20 ? 40 : 4;
        foreach (ReportEntry entry in timed)
            entry.Nanoseconds = Timing.NanosecondsPerOp(entry.Body!, ms, 7);
    }

    /// <summary>The time of the JIT's scalar loop divided by <paramref name="entry"/>'s: how many times faster it is.</summary>
    public string SpeedUp(ReportEntry entry) =>
        entry.Nanoseconds is { } ns && Managed[0].Nanoseconds is { } baseline ? $"{baseline / ns:F2}x" : "-";

    public static string Time(ReportEntry entry) => entry.Nanoseconds is { } ns ? Timing.Format(ns) : "-";

    public static string Loop(ListingSummary s) => ListingSummary.LoopText(s);

    public static string Elements(ListingSummary s) => ListingSummary.ElementsText(s);

    /// <summary>The listing of <paramref name="symbol"/>, decoded from the loaded library's memory when <paramref name="loaded"/>, else from the file.</summary>
    public static Listing NativeListing(NativeImage image, NativeSymbol symbol, bool loaded)
    {
        byte[] code = loaded ? LoadedBytes(symbol) : image.ReadBytes(symbol);
        string origin = $"native {image.Format}, " + (symbol.SizeIsExact ? "symbol size" : "sized to its last return");
        return NativeDisassembler.Decode(symbol, code, origin);
    }

    private static byte[] LoadedBytes(NativeSymbol symbol)
    {
        if (!NativeLibrary.TryGetExport(Dispatch.Native.Handle, symbol.Name, out nint address))
            throw new InvalidDataException($"the loaded library has no export {symbol.Name}");
        byte[] code = new byte[checked((int)symbol.Size)];
        Marshal.Copy(address, code, 0, code.Length);
        return code;
    }

    /// <summary><c>AsmKernels.Lab.JitLoops:PopCount</c> as <c>JitLoops.PopCount</c>.</summary>
    private static string ShortName(string jitName)
    {
        string[] parts = jitName.Split(':');
        return parts[0][(parts[0].LastIndexOf('.') + 1)..] + "." + parts[1];
    }
}
