using System.Reflection;
using System.Runtime.InteropServices;

namespace AsmKernels.Tests;

/// <summary>An independent reference (bit by bit, no BitOperations) and the test inputs.</summary>
internal static class Reference
{
    /// <summary>The CLI's assembly (the build writes its path into this assembly's metadata), for tests that run it as a child process.</summary>
    public static string CliAssembly =>
        typeof(Reference).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "CliAssembly").Value!;

    /// <summary>The native library's file name on this OS.</summary>
    public static string NativeFileName =>
        OperatingSystem.IsWindows() ? "libasmkernels.dll" : OperatingSystem.IsMacOS() ? "libasmkernels.dylib" : "libasmkernels.so";

    /// <summary>0..300 covers every unroll boundary of every kernel several times; then a few large ones.</summary>
    public static IEnumerable<int> Lengths => Enumerable.Range(0, 301).Concat([1000, 4096, 65537]);

    /// <summary>Start offsets in bytes: every offset within a cache line.</summary>
    public static IEnumerable<int> Offsets => Enumerable.Range(0, 64);

    public static ulong Bits(ulong v)
    {
        ulong n = 0;
        for (; v != 0; v &= v - 1) n++;
        return n;
    }

    public static ulong PopCount(ReadOnlySpan<ulong> data)
    {
        ulong total = 0;
        foreach (ulong w in data) total += Bits(w);
        return total;
    }

    public static ulong PopCount(ReadOnlySpan<byte> data)
    {
        ulong total = 0;
        foreach (byte b in data) total += Bits(b);
        return total;
    }

    public static ulong Hamming(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        ulong total = 0;
        for (int i = 0; i < a.Length; i++) total += Bits(a[i] ^ b[i]);
        return total;
    }

    public static ulong Hamming(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        ulong total = 0;
        for (int i = 0; i < a.Length; i++) total += Bits((ulong)(a[i] ^ b[i]));
        return total;
    }

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

    /// <summary>Large lengths are checked at a few offsets only, to keep the suite fast.</summary>
    public static IEnumerable<(int Offset, int Length)> Cases()
    {
        foreach (int offset in Offsets)
            foreach (int n in Lengths)
                if (n <= 300 || offset is 0 or 1 or 63)
                    yield return (offset, n);
    }
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
