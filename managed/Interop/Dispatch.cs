using System.Runtime.InteropServices;

namespace AsmKernels;

/// <summary>
/// The process-wide choice of implementation, made once: the highest level that the CPU, the OS,
/// the loaded native library and <c>ASMKERNELS_MAX_ISA</c> all allow, per operation. Every field is
/// <c>static readonly</c>, so the tier-1 JIT treats the choice as a constant and folds the branch
/// away.
/// </summary>
internal static class Dispatch
{
    public const string MaxIsaVariable = "ASMKERNELS_MAX_ISA";

    public static readonly CpuFeatures Cpu = CpuFeatures.Current;
    public static readonly NativeLoadResult Native = LoadNative();
    public static readonly string? MaxIsaSetting = Environment.GetEnvironmentVariable(MaxIsaVariable);
    public static readonly IsaLevel Cap = ParseCap(MaxIsaSetting, out CapProblem);
    public static readonly string? CapProblem;

    // Why each (operation, level) cannot run, or null; computed once so that the explicit entry
    // points check a level with one array read. (Static initializers run in this order.)
    private static readonly uint OperationCount = (uint)Enum.GetValues<KernelOperation>().Length;
    private static readonly string?[] Reasons = ComputeReasons();

    public static readonly IsaLevel PopCount = Select(KernelOperation.PopCount);
    public static readonly IsaLevel HammingDistance = Select(KernelOperation.HammingDistance);
    public static readonly IsaLevel IncrementBy = Select(KernelOperation.IncrementBy);
    public static readonly IsaLevel Crc32C = Select(KernelOperation.Crc32C);

    public static IsaLevel Selected(KernelOperation op) => op switch
    {
        KernelOperation.PopCount => PopCount,
        KernelOperation.HammingDistance => HammingDistance,
        KernelOperation.IncrementBy => IncrementBy,
        KernelOperation.Crc32C => Crc32C,
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Unknown operation."),
    };

    /// <summary>The native export that implements <paramref name="op"/> at <paramref name="isa"/>, or null.</summary>
    public static string? ExportName(KernelOperation op, IsaLevel isa) => (op, isa) switch
    {
        (KernelOperation.PopCount, IsaLevel.Popcnt) => "asmk_popcount_popcnt",
        (KernelOperation.HammingDistance, IsaLevel.Popcnt) => "asmk_hamming_popcnt",
        (KernelOperation.IncrementBy, IsaLevel.Popcnt) => "asmk_increment_sse2",
        (KernelOperation.Crc32C, IsaLevel.Popcnt) => "asmk_crc32c_sse42",
        (KernelOperation.PopCount, IsaLevel.Avx2) => "asmk_popcount_avx2",
        (KernelOperation.HammingDistance, IsaLevel.Avx2) => "asmk_hamming_avx2",
        (KernelOperation.IncrementBy, IsaLevel.Avx2) => "asmk_increment_avx2",
        (KernelOperation.PopCount, IsaLevel.Avx512) => "asmk_popcount_avx512",
        (KernelOperation.HammingDistance, IsaLevel.Avx512) => "asmk_hamming_avx512",
        (KernelOperation.IncrementBy, IsaLevel.Avx512) => "asmk_increment_avx512",
        _ => null,
    };

    /// <summary>
    /// Why <paramref name="op"/> cannot run at <paramref name="isa"/> in this process, or null when
    /// it can. <c>ASMKERNELS_MAX_ISA</c> limits the automatic choice only, not this.
    /// </summary>
    public static string? WhyNot(KernelOperation op, IsaLevel isa)
    {
        if ((uint)op >= OperationCount || (uint)isa >= (uint)IsaLevels.All.Length)
            return ComputeWhyNot(op, isa);
        return Reasons[(int)op * IsaLevels.All.Length + (int)isa];
    }

    private static string?[] ComputeReasons()
    {
        var reasons = new string?[OperationCount * IsaLevels.All.Length];
        for (int op = 0; op < OperationCount; op++)
            foreach (IsaLevel isa in IsaLevels.All)
                reasons[op * IsaLevels.All.Length + (int)isa] = ComputeWhyNot((KernelOperation)op, isa);
        return reasons;
    }

    private static string? ComputeWhyNot(KernelOperation op, IsaLevel isa)
    {
        if (!Enum.IsDefined(op))
            return $"{op} is not an operation";
        if (isa == IsaLevel.Scalar)
            return null;
        if (!Enum.IsDefined(isa))
            return $"{isa} is not an ISA level (valid: {IsaLevels.ValidNames})";
        string name = IsaLevels.Name(isa);
        if (ExportName(op, isa) is null)
            return $"this version of AsmKernels has no {name} kernel for {op}";
        if (!Native.Loaded)
            return $"the native library is not loaded: {Native.Error}";
        return isa switch
        {
            _ when !Cpu.Popcnt => "this CPU has no POPCNT", // every native level builds on it
            _ when op == KernelOperation.Crc32C && !Cpu.Sse42 => "this CPU has no SSE4.2",
            IsaLevel.Avx2 when !Cpu.Avx2 => "this CPU has no AVX2",
            IsaLevel.Avx2 when !Cpu.OsSavesYmm => "the OS or the runtime does not enable AVX state (YMM registers)",
            IsaLevel.Avx512 when !Cpu.Avx512F => "this CPU has no AVX512F",
            IsaLevel.Avx512 when op != KernelOperation.IncrementBy && !Cpu.Avx512Vpopcntdq => "this CPU has no AVX512_VPOPCNTDQ",
            IsaLevel.Avx512 when !Cpu.OsSavesZmm => "the OS or the runtime does not enable AVX-512 state (ZMM registers)",
            _ => null,
        };
    }

    /// <summary>Why <paramref name="op"/> runs the managed scalar loop, or null when it runs native code.</summary>
    public static string? FallbackReason(KernelOperation op)
    {
        if (Selected(op) != IsaLevel.Scalar)
            return null;
        if (Cap == IsaLevel.Scalar)
            return CapProblem ?? $"{MaxIsaVariable}={MaxIsaSetting}";
        return WhyNot(op, IsaLevel.Popcnt);
    }

    private static IsaLevel Select(KernelOperation op)
    {
        for (int i = IsaLevels.All.Length - 1; i > 0; i--)
        {
            IsaLevel isa = IsaLevels.All[i];
            if (isa <= Cap && WhyNot(op, isa) is null)
                return isa;
        }
        return IsaLevel.Scalar;
    }

    private static IsaLevel ParseCap(string? setting, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(setting))
            return IsaLevel.Avx512;
        if (IsaLevels.TryParse(setting, out IsaLevel cap))
            return cap;
        // The variable exists to hold the library back; an unreadable value must not lift the limit.
        problem = $"{MaxIsaVariable}='{setting}' is not one of {IsaLevels.ValidNames}; using scalar";
        return IsaLevel.Scalar;
    }

    private static NativeLoadResult LoadNative()
    {
        NativeLoadResult result = NativeLibraryLoader.Load();
        if (result.Loaded)
        {
            // Every [LibraryImport] of this assembly names "asmkernels": bind it to the library
            // validated above, never to whatever the default probing would find.
            NativeLibrary.SetDllImportResolver(typeof(Dispatch).Assembly, (name, _, _) =>
                name == NativeLibraryLoader.LibraryName ? result.Handle : 0);
        }
        return result;
    }
}
