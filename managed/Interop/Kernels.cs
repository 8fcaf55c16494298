namespace AsmKernels;

/// <summary>
/// What the library chose for this process and why, and entry points that run one named
/// implementation regardless of that choice (for tests, benchmarks and tools).
/// </summary>
/// <remarks>
/// The choice is made once per process: the highest <see cref="IsaLevel"/> that the CPU, the OS,
/// the native library and the <c>ASMKERNELS_MAX_ISA</c> variable (<c>scalar</c>, <c>popcnt</c>,
/// <c>avx2</c>, <c>avx512</c>) allow. <c>ASMKERNELS_NATIVE_PATH</c> names the native library (a file
/// or a directory) and disables the default search. <c>ASMKERNELS_MAX_ISA</c> limits the automatic
/// choice only: the explicit entry points here run any level the CPU and the library support.
/// </remarks>
public static class Kernels
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

    /// <summary>The name of the implementation of <paramref name="operation"/> at <paramref name="isa"/>: a native export, or <c>managed scalar</c>.</summary>
    /// <param name="operation">The operation.</param>
    /// <param name="isa">The level.</param>
    /// <returns>The export name (such as <c>asmk_popcount_popcnt</c>), or <see langword="null"/> when this version has none.</returns>
    public static string? GetImplementationName(KernelOperation operation, IsaLevel isa) =>
        isa == IsaLevel.Scalar ? "managed scalar" : Dispatch.ExportName(operation, isa);

    /// <summary>Counts the set bits in <paramref name="data"/> with the implementation at <paramref name="isa"/>.</summary>
    /// <param name="isa">The level to run.</param>
    /// <param name="data">The words to count.</param>
    /// <returns>The number of 1 bits.</returns>
    /// <exception cref="PlatformNotSupportedException">The level cannot run here; the message says why.</exception>
    public static ulong PopCount(IsaLevel isa, ReadOnlySpan<ulong> data)
    {
        Require(KernelOperation.PopCount, isa);
        return isa == IsaLevel.Scalar ? ScalarKernels.PopCount(data) : NativeKernels.PopCount(isa, data);
    }

    /// <summary>Counts the differing bits of two arrays with the implementation at <paramref name="isa"/>.</summary>
    /// <param name="isa">The level to run.</param>
    /// <param name="a">The first array.</param>
    /// <param name="b">The second array; must have the length of <paramref name="a"/>.</param>
    /// <returns>The number of 1 bits in <c>a[i] ^ b[i]</c>.</returns>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    /// <exception cref="PlatformNotSupportedException">The level cannot run here; the message says why.</exception>
    public static ulong HammingDistance(IsaLevel isa, ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        if (a.Length != b.Length)
            throw BitOps.LengthMismatch(a.Length, b.Length);
        Require(KernelOperation.HammingDistance, isa);
        return isa == IsaLevel.Scalar ? ScalarKernels.HammingDistance(a, b) : NativeKernels.HammingDistance(isa, a, b);
    }

    /// <summary>Adds <paramref name="value"/> to every element of <paramref name="data"/> with the implementation at <paramref name="isa"/>.</summary>
    /// <param name="isa">The level to run.</param>
    /// <param name="data">The elements to update in place.</param>
    /// <param name="value">The value to add, wrapping.</param>
    /// <exception cref="PlatformNotSupportedException">The level cannot run here; the message says why.</exception>
    public static void IncrementBy(IsaLevel isa, Span<long> data, long value)
    {
        Require(KernelOperation.IncrementBy, isa);
        if (isa == IsaLevel.Scalar)
            ScalarKernels.IncrementBy(data, value);
        else
            NativeKernels.IncrementBy(isa, data, value);
    }

    /// <summary>Computes the CRC-32C of <paramref name="data"/> with the implementation at <paramref name="isa"/>.</summary>
    /// <param name="isa">The level to run.</param>
    /// <param name="data">The bytes.</param>
    /// <param name="crc">The CRC-32C of the bytes before <paramref name="data"/>, to continue from; 0 to start.</param>
    /// <returns>The CRC-32C, as <see cref="Checksums.Crc32C(ReadOnlySpan{byte}, uint)"/> returns it.</returns>
    /// <exception cref="PlatformNotSupportedException">The level cannot run here; the message says why.</exception>
    public static uint Crc32C(IsaLevel isa, ReadOnlySpan<byte> data, uint crc = 0)
    {
        Require(KernelOperation.Crc32C, isa);
        return ~(isa == IsaLevel.Scalar ? ScalarKernels.Crc32C(~crc, data) : NativeKernels.Crc32C(isa, ~crc, data));
    }

    private static void Require(KernelOperation operation, IsaLevel isa)
    {
        if (Dispatch.WhyNot(operation, isa) is { } reason)
            throw new PlatformNotSupportedException($"{operation} cannot run at ISA level {isa}: {reason}.");
    }
}
