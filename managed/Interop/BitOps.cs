using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AsmKernels;

/// <summary>
/// Bit counting over arrays: population count and Hamming distance, dispatched to the fastest
/// kernel this process can run (see <see cref="Kernels"/>).
/// </summary>
public static class BitOps
{
    /// <summary>Counts the set bits in <paramref name="data"/>.</summary>
    /// <param name="data">The words to count; any length, any alignment.</param>
    /// <returns>The number of 1 bits.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // short inputs cost what the JIT's own loop costs
    public static ulong PopCount(ReadOnlySpan<ulong> data)
    {
        if (data.Length < Thresholds.PopCountVector)
            return ScalarKernels.PopCount(data);
        if (Dispatch.PopCount == IsaLevel.Scalar || data.Length < Thresholds.PopCountNative)
            return VectorKernels.PopCount(data);
        return NativeKernels.PopCount(Dispatch.PopCount, data);
    }

    /// <summary>Counts the set bits in <paramref name="data"/>, including a final partial word.</summary>
    /// <param name="data">The bytes to count; any length, any alignment.</param>
    /// <returns>The number of 1 bits.</returns>
    public static ulong PopCount(ReadOnlySpan<byte> data)
    {
        ulong total = PopCount(MemoryMarshal.Cast<byte, ulong>(data));
        if ((data.Length & 7) != 0)
            total += (ulong)BitOperations.PopCount(ScalarKernels.TailWord(data));
        return total;
    }

    /// <summary>Counts the bit positions in which <paramref name="a"/> and <paramref name="b"/> differ.</summary>
    /// <param name="a">The first array.</param>
    /// <param name="b">The second array; must have the length of <paramref name="a"/>.</param>
    /// <returns>The number of 1 bits in <c>a[i] ^ b[i]</c> over all <c>i</c>.</returns>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // short inputs cost what the JIT's own loop costs
    public static ulong HammingDistance(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        if (a.Length != b.Length)
            throw LengthMismatch(a.Length, b.Length);
        if (a.Length < Thresholds.HammingVector)
            return ScalarKernels.HammingDistance(a, b);
        if (Dispatch.HammingDistance == IsaLevel.Scalar || a.Length < Thresholds.HammingNative)
            return VectorKernels.HammingDistance(a, b);
        return NativeKernels.HammingDistance(Dispatch.HammingDistance, a, b);
    }

    /// <summary>Counts the bit positions in which <paramref name="a"/> and <paramref name="b"/> differ, including a final partial word.</summary>
    /// <param name="a">The first array.</param>
    /// <param name="b">The second array; must have the length of <paramref name="a"/>.</param>
    /// <returns>The number of 1 bits in <c>a[i] ^ b[i]</c> over all bytes.</returns>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static ulong HammingDistance(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != b.Length)
            throw LengthMismatch(a.Length, b.Length);
        ulong total = HammingDistance(MemoryMarshal.Cast<byte, ulong>(a), MemoryMarshal.Cast<byte, ulong>(b));
        if ((a.Length & 7) != 0)
            total += (ulong)BitOperations.PopCount(ScalarKernels.TailWord(a) ^ ScalarKernels.TailWord(b));
        return total;
    }

    internal static ArgumentException LengthMismatch(int a, int b) =>
        new($"The spans must have the same length, but a has {a} elements and b has {b}.", nameof(b));
}
