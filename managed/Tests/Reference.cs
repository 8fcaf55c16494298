using System.Reflection;
using System.Runtime.InteropServices;

namespace AsmKernels.Tests;

/// <summary>An independent reference (bit by bit, no BitOperations) and the test inputs.</summary>
internal static class Reference
{
    /// <summary>The CLI's assembly (the build writes its path into this assembly's metadata), for tests that run it as a child process.</summary>
    public static string CliAssembly => Metadata("CliAssembly");

    /// <summary>The assembly tools' assembly (<c>asmtools</c>: disasm of any routine, abicheck).</summary>
    public static string AsmToolsAssembly => Metadata("AsmToolsAssembly");

    /// <summary>The measurement lab's assembly (<c>asmkernels-lab</c>: demo, crossover, cold, disasm of the kernels).</summary>
    public static string LabAssembly => Metadata("LabAssembly");

    private static string Metadata(string key) =>
        typeof(Reference).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    /// <summary>The native library's file name on this OS.</summary>
    public static string NativeFileName => NativeLibraryLoader.FileName;

    /// <summary>Whether some native kernel of <paramref name="op"/> runs in this process (SliceCodes has only an AVX-512 one).</summary>
    public static bool HasRunnableKernel(KernelOperation op)
    {
        foreach (IsaLevel isa in IsaLevels.All)
            if (isa != IsaLevel.Scalar && Kernels.IsSupported(op, isa))
                return true;
        return false;
    }

    /// <summary>The sweep's word lengths (<see cref="Cli.Sweep"/>, the native harness's).</summary>
    public static IEnumerable<int> Lengths => Cli.Sweep.Lengths();

    /// <summary>Start offsets in bytes: every offset within a cache line.</summary>
    public static IEnumerable<int> Offsets => Cli.Sweep.Offsets;

    public static ulong Bits(ulong v) => Cli.Reference.Bits(v);
    public static ulong PopCount(ReadOnlySpan<ulong> data) => Cli.Reference.PopCount(data);
    public static ulong PopCount(ReadOnlySpan<byte> data) => Cli.Reference.PopCount(data);
    public static ulong Hamming(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b) => Cli.Reference.Hamming(a, b);
    public static ulong Hamming(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => Cli.Reference.Hamming(a, b);

    /// <summary>Random bytes with room for the largest length at any offset 0..63.</summary>
    public static byte[] RandomBuffer(int seed, int words = 65537)
    {
        byte[] buffer = new byte[words * 8 + 128];
        new Random(seed).NextBytes(buffer);
        return buffer;
    }

    /// <summary><paramref name="count"/> words starting <paramref name="offset"/> bytes into <paramref name="buffer"/>: misaligned for any offset not a multiple of 8.</summary>
    public static Span<ulong> Words(byte[] buffer, int offset, int count) =>
        MemoryMarshal.Cast<byte, ulong>(buffer.AsSpan(offset, count * 8));

    public static Span<long> Longs(byte[] buffer, int offset, int count) =>
        MemoryMarshal.Cast<byte, long>(buffer.AsSpan(offset, count * 8));

    /// <summary>The sweep's (offset, length) cases: every length to 300 at every offset, the large ones at the native harness's offsets.</summary>
    public static IEnumerable<(int Offset, int Length)> Cases() => Cli.Sweep.Cases();
}

/// <summary>
/// The levels of an operation: managed code and the level of each of its kernels in the kernel
/// table, for tests that run one implementation each; the ones this machine cannot run are skipped
/// with the reason.
/// </summary>
public static class Levels
{
    public static TheoryData<IsaLevel> Of(KernelOperation op)
    {
        var data = new TheoryData<IsaLevel> { IsaLevel.Scalar };
        foreach (IsaLevel isa in Kernels.GetKernels(op).Select(k => k.Level).Distinct())
            data.Add(isa);
        return data;
    }

    public static void SkipUnlessSupported(KernelOperation op, IsaLevel isa) =>
        Skip.IfNot(Kernels.IsSupported(op, isa), $"{op} at {IsaLevels.Name(isa)}: {Kernels.GetUnsupportedReason(op, isa)}");
}
