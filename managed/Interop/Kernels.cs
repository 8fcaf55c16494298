namespace AsmKernels;

/// <summary>
/// What the library chose for this process and why, and entry points that run one named
/// implementation regardless of that choice (for tests, benchmarks and tools).
/// </summary>
/// <remarks>
/// The choice is made once per process, per operation: the best kernel whose CPU features (and OS
/// register state) this machine has, that the loaded native library exports, and whose
/// <see cref="IsaLevel"/> the <c>ASMKERNELS_MAX_ISA</c> variable (<c>scalar</c>, <c>sse2</c>,
/// <c>sse4.2</c>, <c>avx2</c>, <c>avx512</c>, see <see cref="IsaLevels.TryParse"/>) allows. An
/// unreadable value selects managed code everywhere, and says so (<see cref="MaxIsaProblem"/>, the
/// fallback reasons, and once through <see cref="System.Diagnostics.Trace"/>).
/// <c>ASMKERNELS_NATIVE_PATH</c> names the native library (a file or a directory) and disables the
/// default search. <c>ASMKERNELS_MAX_ISA</c> limits the automatic choice only: the explicit entry
/// points here run any level the CPU and the library support.
/// </remarks>
public static partial class Kernels
{
    /// <summary>The processor's features, as detected.</summary>
    public static CpuFeatures Cpu => Dispatch.Cpu;

    /// <summary><see langword="true"/> when the native library was found, loaded and validated.</summary>
    public static bool NativeLibraryLoaded => Dispatch.Native.Loaded;

    /// <summary>The full path of the loaded native library, or <see langword="null"/>.</summary>
    public static string? NativeLibraryPath => Dispatch.Native.Path;

    /// <summary>Why the native library is not loaded, or <see langword="null"/> when it is.</summary>
    public static string? NativeLibraryError => Dispatch.Native.Error;

    /// <summary>The raw value of <c>ASMKERNELS_MAX_ISA</c>, or <see langword="null"/> when unset.</summary>
    public static string? MaxIsaSetting => Dispatch.MaxIsaSetting;

    /// <summary>Why <c>ASMKERNELS_MAX_ISA</c> could not be read (so that managed code runs everywhere), or <see langword="null"/>.</summary>
    public static string? MaxIsaProblem => Dispatch.CapProblem;

    /// <summary>
    /// When a Hamming search asks the AVX-512 scan kernel to prefetch ahead: a sentence's start such
    /// as "passes over 14 MiB of codes and more (AMD family 26 ...)" or "never (...)", chosen once per
    /// process by CPU vendor and family, or forced by <c>ASMKERNELS_SCAN_PREFETCH</c>
    /// (<c>auto</c>, <c>always</c>, <c>never</c>). It changes speed only, never a result.
    /// </summary>
    public static string ScanPrefetch => AsmKernels.ScanPrefetch.Describe();

    /// <summary>Why <c>ASMKERNELS_SCAN_PREFETCH</c> could not be read (the CPU's rule applies), or <see langword="null"/>.</summary>
    public static string? ScanPrefetchProblem => AsmKernels.ScanPrefetch.Problem;

    /// <summary>
    /// Whose tuned kernels dispatch chooses (a kernel of the table tuned for one vendor's CPUs, such
    /// as <c>asmk_crc32c_avx512_fold</c> for Intel's, is chosen only there): a line such as
    /// "Intel (the CPU's vendor, GenuineIntel); chosen: asmk_crc32c_avx512_fold". Forced by
    /// <c>ASMKERNELS_TUNE</c> (<c>auto</c>, <c>intel</c>, <c>amd</c>, <c>none</c>); it changes speed only, never a result.
    /// </summary>
    public static string Tuning => Dispatch.DescribeTune();

    /// <summary>Why <c>ASMKERNELS_TUNE</c> could not be read (the CPU's vendor chooses), or <see langword="null"/>.</summary>
    public static string? TuningProblem => Dispatch.TuneProblemOf(Dispatch.TuneSetting);

    /// <summary>The level <see cref="BitOps"/> and <see cref="Int64Ops"/> use for <paramref name="operation"/> on long inputs.</summary>
    /// <param name="operation">The operation.</param>
    /// <returns>The level chosen for this process.</returns>
    public static IsaLevel GetSelectedIsa(KernelOperation operation) => Dispatch.Selected(operation);

    /// <summary>Why <paramref name="operation"/> runs managed scalar code, or <see langword="null"/> when it runs a native kernel.</summary>
    /// <param name="operation">The operation.</param>
    /// <returns>A sentence naming the cause, such as a missing library or CPU feature.</returns>
    public static string? GetFallbackReason(KernelOperation operation) => Dispatch.FallbackReason(operation);

    /// <summary>Whether <paramref name="operation"/> can run at <paramref name="isa"/> in this process.</summary>
    /// <param name="operation">The operation.</param>
    /// <param name="isa">The level.</param>
    /// <returns><see langword="true"/> when the explicit entry points accept this level.</returns>
    public static bool IsSupported(KernelOperation operation, IsaLevel isa) => Dispatch.WhyNot(operation, isa) is null;

    /// <summary>Why <paramref name="operation"/> cannot run at <paramref name="isa"/>, or <see langword="null"/> when it can.</summary>
    /// <param name="operation">The operation.</param>
    /// <param name="isa">The level.</param>
    /// <returns>A sentence naming the cause.</returns>
    public static string? GetUnsupportedReason(KernelOperation operation, IsaLevel isa) => Dispatch.WhyNot(operation, isa);

    /// <summary>
    /// The name of the implementation of <paramref name="operation"/> at <paramref name="isa"/>: a
    /// native export, or <c>managed</c>. Where a level has several kernels, the last one this CPU
    /// can run (the one <see cref="GetSelectedIsa"/>'s level and the explicit entry points run).
    /// </summary>
    /// <param name="operation">The operation.</param>
    /// <param name="isa">The level.</param>
    /// <returns>The export name (<c>asmk_&lt;operation&gt;_&lt;isa&gt;</c>), or <see langword="null"/> when this version has none.</returns>
    public static string? GetImplementationName(KernelOperation operation, IsaLevel isa) =>
        isa == IsaLevel.Scalar ? "managed" : Dispatch.KernelAt(operation, isa) is var k and >= 0 ? KernelTable.Name(k) : null;

    /// <summary>The native kernels of <paramref name="operation"/> in this version, baseline first, whether or not they can run here.</summary>
    /// <param name="operation">The operation.</param>
    /// <returns>Each kernel's export name, level and the CPU features it needs (as <c>native/kernels.txt</c> names them).</returns>
    public static IReadOnlyList<KernelInfo> GetKernels(KernelOperation operation)
    {
        var list = new List<KernelInfo>();
        foreach (byte k in KernelTable.Of(operation))
            list.Add(Info(k));
        return list;
    }

    /// <summary>
    /// The kernel <see cref="BitOps"/>, <see cref="Int64Ops"/>, <see cref="Checksums"/> and
    /// <see cref="HammingSearch"/> run for <paramref name="operation"/> on long inputs in this
    /// process, as its row of the kernel table, or <see langword="null"/> when managed code runs it
    /// (<see cref="GetFallbackReason"/> says why).
    /// </summary>
    /// <param name="operation">The operation.</param>
    /// <returns>The selected kernel: its name, its level and the features it needs.</returns>
    public static KernelInfo? GetSelectedKernel(KernelOperation operation) =>
        Dispatch.SelectedKernel(operation) is var k and >= 0 ? Info(k) : null;

    /// <summary>Why the kernel named <paramref name="kernel"/> cannot run here, or <see langword="null"/> when it can.</summary>
    /// <param name="kernel">An export name of <see cref="GetKernels"/>, such as <c>asmk_crc32c_sse42</c>.</param>
    /// <returns>A sentence naming the cause.</returns>
    /// <exception cref="ArgumentException"><paramref name="kernel"/> is not a kernel of this library.</exception>
    public static string? GetUnsupportedReason(string kernel) => Dispatch.WhyNot(Dispatch.KernelNamed(kernel));

    /// <summary>
    /// Whether the kernel named <paramref name="kernel"/> is entered through its clean entry here:
    /// a legacy-SSE kernel on a CPU with AVX runs <c>vzeroupper</c> first, because .NET makes no
    /// such transition before a function-pointer call and legacy SSE code entered with a dirty
    /// upper state pays an SSE/AVX transition.
    /// </summary>
    /// <param name="kernel">An export name of <see cref="GetKernels"/>.</param>
    /// <returns><see langword="true"/> when calls go through <c>&lt;kernel&gt;_vzeroupper</c>.</returns>
    /// <exception cref="ArgumentException"><paramref name="kernel"/> is not a kernel of this library.</exception>
    public static bool IsEnteredThroughVzeroupper(string kernel) =>
        Dispatch.CleanEntries && KernelTable.CleanEntry(Dispatch.KernelNamed(kernel)) is not null;

    private static KernelInfo Info(int k) =>
        new(KernelTable.Name(k), KernelTable.Operation(k), IsaLevels.Of(KernelTable.Needs(k)),
            CpuFeatures.NamesOf(KernelTable.Needs(k)), KernelTable.Strategy(k))
        { TunedFor = KernelTable.TunedFor(k) };
}

/// <summary>One native kernel, as the kernel table describes it.</summary>
/// <param name="Name">The export name, <c>asmk_&lt;operation&gt;_&lt;isa&gt;</c>.</param>
/// <param name="Operation">The operation it implements.</param>
/// <param name="Level">The lowest <see cref="IsaLevel"/> whose features hold what it needs.</param>
/// <param name="Needs">The CPU and OS features it needs, such as <c>avx512f</c> or <c>os_zmm</c>.</param>
/// <param name="Strategy">How it works, in a few words.</param>
public sealed record KernelInfo(string Name, KernelOperation Operation, IsaLevel Level, IReadOnlyList<string> Needs, string Strategy)
{
    /// <summary>The vendor the kernel is tuned for, <c>intel</c> or <c>amd</c> (dispatch chooses it only on that vendor's CPUs), or <see langword="null"/>.</summary>
    public string? TunedFor { get; init; }
}
