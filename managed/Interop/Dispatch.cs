using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace AsmKernels;

/// <summary>
/// The process-wide choice of kernels, made once from <see cref="KernelTable"/>: for each operation
/// the last kernel of its rows whose features the CPU and the OS have, that the loaded native
/// library exports, and that <c>ASMKERNELS_MAX_ISA</c> allows, passing over a kernel tuned for
/// another vendor's CPUs (<c>ASMKERNELS_TUNE</c> forces the vendor) while another row runs.
/// Nothing here formats text or reflects on start-up; the reasons are put into words only when
/// asked for.
/// </summary>
internal static class Dispatch
{
    public const string MaxIsaVariable = "ASMKERNELS_MAX_ISA";

    /// <summary>
    /// Inputs of at most this many bytes call the <c>SuppressGCTransition</c> binding (no GC
    /// transition); longer ones the plain one, so a GC is never held up. 8 KiB: the slowest kernel
    /// (the seed POPCNT loop, or the one-chain CRC) finishes it in well under a microsecond to about
    /// one, while a normal transition adds about 5 ns (<c>./build.sh bench --calls</c>).
    /// </summary>
    public const int SuppressGCTransitionMaxBytes = 8192;

    public static readonly NativeLoadResult Native = NativeLibraryLoader.Result;
    public static readonly CpuFeatures Cpu = CpuFeatures.Current;

    /// <summary>
    /// Whether legacy-SSE kernels are entered through their clean entry (vzeroupper first): on a CPU
    /// with AVX the managed caller may hold a dirty upper state, because .NET emits no vzeroupper
    /// before a function-pointer call, and legacy SSE code would pay an SSE/AVX transition.
    /// </summary>
    public static readonly bool CleanEntries = Cpu.OsSavesYmm;

    /// <summary>The address managed code calls for kernel <paramref name="k"/>.</summary>
    public static nint EntryOf(int k) => Bind(Native.Address(k), Native.CleanAddress(k));

    /// <summary>
    /// How every routine is bound: its clean entry (<paramref name="clean"/>, 0 for a VEX routine,
    /// which has none) where <see cref="CleanEntries"/>, else its plain entry.
    /// </summary>
    public static nint Bind(nint plain, nint clean) => CleanEntries && clean != 0 ? clean : plain;

    public static readonly string? MaxIsaSetting = Environment.GetEnvironmentVariable(MaxIsaVariable);
    public static readonly IsaLevel Cap = ParseCap(MaxIsaSetting);

    /// <summary>The variable that forces whose tuned kernels dispatch chooses: <c>auto</c> (the CPU's vendor), <c>intel</c>, <c>amd</c> or <c>none</c>.</summary>
    public const string TuneVariable = "ASMKERNELS_TUNE";

    public static readonly string? TuneSetting = Environment.GetEnvironmentVariable(TuneVariable);

    /// <summary>
    /// The vendor whose tuned kernels (<c>tune</c> lines of the kernel table) dispatch chooses:
    /// "intel", "amd", or null for none; a kernel tuned for another vendor is passed over.
    /// </summary>
    public static readonly string? TuneVendor = ChooseTune(TuneSetting, Cpu.IsIntel, Cpu.IsAmd);

    /// <summary>The selected kernel of each operation (a <see cref="KernelTable"/> row), or -1.</summary>
    private static readonly sbyte[] Selection = Select();

    /// <summary>What <paramref name="setting"/> forces: "intel", "amd" or "none"; null where the CPU's vendor chooses (unset, <c>auto</c> or unreadable).</summary>
    private static string? ForcedTune(string? setting) =>
        setting?.Trim().ToLowerInvariant() switch
        {
            "intel" => "intel",
            "amd" => "amd",
            "none" => "none",
            _ => null,
        };

    /// <summary>What <paramref name="setting"/> forces, else the CPU's vendor (<paramref name="intel"/>, <paramref name="amd"/>) chooses; an unreadable value counts as <c>auto</c>.</summary>
    public static string? ChooseTune(string? setting, bool intel, bool amd) => ForcedTune(setting) switch
    {
        "none" => null,
        { } forced => forced,
        null => intel ? "intel" : amd ? "amd" : null,
    };

    /// <summary>Why <paramref name="setting"/> could not be read (the CPU's vendor chooses instead), or null.</summary>
    public static string? TuneProblemOf(string? setting) =>
        ForcedTune(setting) is null && !string.IsNullOrWhiteSpace(setting) && !setting.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase)
            ? $"{TuneVariable}='{setting}' is not auto, intel, amd or none; using the CPU's vendor"
            : null;

    /// <summary>Whether automatic dispatch may choose kernel <paramref name="k"/>: it is tuned for no vendor, or for <see cref="TuneVendor"/>.</summary>
    public static bool ChosenHere(int k) => KernelTable.TunedFor(k) is not { } vendor || vendor == TuneVendor;

    /// <summary>The tuning as one line, for <c>info</c>: whose kernels, why, and which of them this process chose.</summary>
    public static string DescribeTune()
    {
        string who = TuneVendor is null ? "none" : TuneVendor == "intel" ? "Intel" : "AMD";
        string why = ForcedTune(TuneSetting) is not null
            ? $"{TuneVariable}={TuneSetting!.Trim()}" : $"the CPU's vendor, {(Cpu.Vendor.Length > 0 ? Cpu.Vendor : "unknown")}";
        var chosen = new List<string>();
        for (int op = 0; op < Selection.Length; op++)
            if (Selection[op] >= 0 && KernelTable.TunedFor(Selection[op]) is not null)
                chosen.Add(KernelTable.Name(Selection[op]));
        return $"{who} ({why}); {(chosen.Count == 0 ? "no tuned kernel chosen" : "chosen: " + string.Join(", ", chosen))}";
    }

    /// <summary>Why <c>ASMKERNELS_MAX_ISA</c> could not be read, or null.</summary>
    public static string? CapProblem =>
        Cap == IsaLevel.Scalar && !string.IsNullOrWhiteSpace(MaxIsaSetting) && !IsaLevels.TryParse(MaxIsaSetting, out _)
            ? $"{MaxIsaVariable}='{MaxIsaSetting}' is not a level ({IsaLevels.ValidNames}); using scalar"
            : null;

    /// <summary>The address of the kernel selected for <paramref name="op"/>, or 0 when managed code runs it.</summary>
    public static nint SelectedAddress(KernelOperation op)
    {
        int k = SelectedKernel(op);
        return k < 0 ? 0 : EntryOf(k);
    }

    /// <summary>The <see cref="KernelTable"/> row selected for <paramref name="op"/>, or -1.</summary>
    public static int SelectedKernel(KernelOperation op) => (uint)op < (uint)Selection.Length ? Selection[(int)op] : -1;

    public static IsaLevel Selected(KernelOperation op)
    {
        int k = SelectedKernel(op);
        return k < 0 ? IsaLevel.Scalar : IsaLevels.Of(KernelTable.Needs(k));
    }

    /// <summary>
    /// The kernel of <paramref name="op"/> at <paramref name="isa"/>: the last row of that level
    /// whose features this CPU has (a level may hold several: CRC-32C's one chain needs SSE4.2, its
    /// three chains also PCLMULQDQ) and that is not tuned for another vendor (else a runnable one
    /// that is), else the level's last row (which then says what is missing), or -1 when the level
    /// has none. Selection picks the same row at the level it selects.
    /// </summary>
    public static int KernelAt(KernelOperation op, IsaLevel isa)
    {
        ReadOnlySpan<byte> rows = KernelTable.Of(op);
        int last = -1, tunedElsewhere = -1;
        for (int i = rows.Length - 1; i >= 0; i--)
        {
            if (IsaLevels.Of(KernelTable.Needs(rows[i])) != isa)
                continue;
            bool runs = (KernelTable.Needs(rows[i]) & ~Cpu.Mask) == 0;
            if (!ChosenHere(rows[i]))
            {
                if (runs && tunedElsewhere < 0)
                    tunedElsewhere = rows[i];
                continue;
            }
            if (runs)
                return rows[i];
            if (last < 0)
                last = rows[i];
        }
        return tunedElsewhere >= 0 ? tunedElsewhere : last;
    }

    /// <summary>The address of the kernel of <paramref name="op"/> at <paramref name="isa"/> (0 for managed code); throws when it cannot run.</summary>
    public static nint Require(KernelOperation op, IsaLevel isa)
    {
        if ((uint)op < KernelTable.OperationCount && (uint)isa < LevelCount)
        {
            nint address = Explicit.Addresses[(int)op * LevelCount + (int)isa];
            if (address != -1)
                return address;
        }
        throw new PlatformNotSupportedException($"{op} cannot run at ISA level {isa}: {WhyNot(op, isa)}.");
    }

    /// <summary>
    /// The address of the kernel of <paramref name="op"/> named <paramref name="name"/> (an export
    /// name of <see cref="KernelTable"/>); throws when there is no such kernel or it cannot run.
    /// </summary>
    public static nint RequireKernel(KernelOperation op, string name)
    {
        // The same name again (a loop over one kernel): no search, no string compare.
        if (s_lastKernel is { } last && ReferenceEquals(last.Name, name) && last.Operation == op)
            return last.Address;
        ArgumentNullException.ThrowIfNull(name);
        foreach (byte k in KernelTable.Of(op))
        {
            if (KernelTable.Name(k) != name)
                continue;
            if (WhyNot(k) is { } why)
                throw new PlatformNotSupportedException($"{name} cannot run here: {why}.");
            nint address = EntryOf(k);
            s_lastKernel = new NamedKernel(name, op, address);
            return address;
        }
        var names = new List<string>();
        foreach (byte k in KernelTable.Of(op))
            names.Add(KernelTable.Name(k));
        throw new ArgumentException($"'{name}' is not a {op} kernel (the kernels: {string.Join(", ", names)}).", nameof(name));
    }

    private sealed record NamedKernel(string Name, KernelOperation Operation, nint Address);

    /// <summary>The last kernel <see cref="RequireKernel"/> found (replaced whole, so threads see a consistent one).</summary>
    private static NamedKernel? s_lastKernel;

    private const int LevelCount = (int)IsaLevel.Avx512 + 1;

    /// <summary>The explicit entry points' table, made on their first use: the address per (operation, level), -1 where it cannot run.</summary>
    private static class Explicit
    {
        public static readonly nint[] Addresses = Compute();

        private static nint[] Compute()
        {
            var addresses = new nint[KernelTable.OperationCount * LevelCount];
            for (int op = 0; op < KernelTable.OperationCount; op++)
            {
                for (int isa = 0; isa < LevelCount; isa++)
                {
                    bool runs = WhyNot((KernelOperation)op, (IsaLevel)isa) is null;
                    addresses[op * LevelCount + isa] = !runs ? -1 : isa == 0 ? 0 : EntryOf(KernelAt((KernelOperation)op, (IsaLevel)isa));
                }
            }
            return addresses;
        }
    }

    /// <summary>Why <paramref name="op"/> cannot run at <paramref name="isa"/> here, or null when it can. The cap does not apply.</summary>
    public static string? WhyNot(KernelOperation op, IsaLevel isa)
    {
        if ((uint)op >= (uint)KernelTable.OperationCount)
            return $"{op} is not an operation";
        if (isa == IsaLevel.Scalar)
            return null;
        if ((uint)isa >= (uint)IsaLevels.All.Length)
            return $"{isa} is not an ISA level (valid: {IsaLevels.ValidNames})";
        int k = KernelAt(op, isa);
        if (k < 0)
            return $"this version of AsmKernels has no {IsaLevels.Name(isa)} kernel for {op}";
        return WhyNot(k);
    }

    /// <summary>The <see cref="KernelTable"/> row of the kernel named <paramref name="name"/>; throws when there is none.</summary>
    public static int KernelNamed(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        for (int k = 0; k < KernelTable.Count; k++)
            if (KernelTable.Name(k) == name)
                return k;
        throw new ArgumentException($"'{name}' is not a kernel of this library (see Kernels.GetKernels).", nameof(name));
    }

    /// <summary>Why kernel <paramref name="k"/> cannot run here, or null.</summary>
    public static string? WhyNot(int k)
    {
        if (!Native.Loaded)
            return $"the native library is not loaded: {Native.Error}";
        CpuFeature missing = KernelTable.Needs(k) & ~Cpu.Mask;
        return missing == 0 ? null : CpuFeatures.Missing((CpuFeature)((uint)missing & (uint)-(int)missing));
    }

    /// <summary>Why <paramref name="op"/> runs managed code, or null when it runs a native kernel.</summary>
    public static string? FallbackReason(KernelOperation op)
    {
        if (SelectedKernel(op) >= 0)
            return null;
        if (CapProblem is { } problem)
            return problem;
        if (Cap == IsaLevel.Scalar)
            return $"{MaxIsaVariable}={MaxIsaSetting}";
        // The reason of the lowest kernel the cap allows names what is missing for any of them.
        ReadOnlySpan<byte> rows = KernelTable.Of(op);
        foreach (byte k in rows)
            if ((KernelTable.Needs(k) & ~IsaLevels.Features(Cap)) == 0)
                return WhyNot(k) ?? "no kernel was selected";
        return rows.Length == 0
            ? $"this version of AsmKernels has no native kernel for {op}"
            : $"{MaxIsaVariable}={MaxIsaSetting} is below every {op} kernel (the lowest is {IsaLevels.Name(IsaLevels.Of(KernelTable.Needs(rows[0])))})";
    }

    private static sbyte[] Select()
    {
        var selection = new sbyte[KernelTable.OperationCount];
        CpuFeature usable = Native.Loaded ? Cpu.Mask & IsaLevels.Features(Cap) : CpuFeature.None;
        for (int op = 0; op < selection.Length; op++)
        {
            selection[op] = -1;
            ReadOnlySpan<byte> rows = KernelTable.Of((KernelOperation)op);
            for (int i = rows.Length - 1; i >= 0; i--)
            {
                if ((KernelTable.Needs(rows[i]) & ~usable) != 0)
                    continue;
                if (ChosenHere(rows[i]))
                {
                    selection[op] = (sbyte)rows[i];
                    break;
                }
                if (selection[op] < 0)
                    selection[op] = (sbyte)rows[i]; // tuned for another vendor: only while no other row runs
            }
        }
        return selection;
    }

    private static IsaLevel ParseCap(string? setting)
    {
        if (string.IsNullOrWhiteSpace(setting))
            return IsaLevel.Avx512;
        if (IsaLevels.TryParse(setting, out IsaLevel cap))
            return cap;
        // The variable exists to hold the library back: an unreadable value must not lift the
        // limit, and must not pass unnoticed either.
        ReportUnreadableCap(setting);
        return IsaLevel.Scalar;
    }

    // Apart, so that only a bad value loads the tracing assembly.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ReportUnreadableCap(string setting) =>
        Trace.TraceWarning($"AsmKernels: {MaxIsaVariable}='{setting}' is not a level ({IsaLevels.ValidNames}); using scalar");
}
