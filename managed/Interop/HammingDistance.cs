using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using AsmKernels.Build;

namespace AsmKernels;

/// <summary>
/// Bit counting over arrays: population count and Hamming distance, dispatched to the fastest
/// kernel this process can run (see <see cref="Kernels"/>).
/// </summary>
public static partial class BitOps
{
    /// <summary>Counts the bit positions in which <paramref name="a"/> and <paramref name="b"/> differ.</summary>
    /// <param name="a">The first array.</param>
    /// <param name="b">The second array; must have the length of <paramref name="a"/>.</param>
    /// <returns>The number of 1 bits in <c>a[i] ^ b[i]</c> over all <c>i</c>.</returns>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // short inputs cost what the JIT's own loop costs
    public static ulong HammingDistance(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        if (a.Length != b.Length)
            ThrowLengthMismatch(a.Length, b.Length);
        return a.Length < HammingPaths.VectorFrom ? HammingPaths.Scalar(a, b) : HammingPaths.Long(a, b);
    }

    /// <summary>Counts the bit positions in which <paramref name="a"/> and <paramref name="b"/> differ, including a final partial word.</summary>
    /// <param name="a">The first array.</param>
    /// <param name="b">The second array; must have the length of <paramref name="a"/>.</param>
    /// <returns>The number of 1 bits in <c>a[i] ^ b[i]</c> over all bytes.</returns>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static ulong HammingDistance(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != b.Length)
            ThrowLengthMismatch(a.Length, b.Length);
        ulong total = HammingDistance(MemoryMarshal.Cast<byte, ulong>(a), MemoryMarshal.Cast<byte, ulong>(b));
        if ((a.Length & 7) != 0)
            total += (ulong)BitOperations.PopCount(TailWord(a) ^ TailWord(b));
        return total;
    }

    internal static ArgumentException LengthMismatch(int a, int b) =>
        new($"The spans must have the same length, but a has {a} elements and b has {b}.", nameof(b));

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    // Not NoInlining: the JIT sees that this only throws, so a call to it is a cold, no-return block (no spills around it in a caller's loop).
    internal static void ThrowLengthMismatch(int a, int b) => throw LengthMismatch(a, b);
}

public static partial class Kernels
{
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
            BitOps.ThrowLengthMismatch(a.Length, b.Length);
        nint kernel = Dispatch.Require(KernelOperation.HammingDistance, isa);
        return kernel == 0 ? HammingPaths.Scalar(a, b) : HammingPaths.Native(kernel, a, b);
    }

    /// <summary>Computes the Hamming distance of <paramref name="a"/> and <paramref name="b"/> with one named kernel (see <see cref="GetKernels(KernelOperation)"/>). For comparing kernels.</summary>
    /// <param name="kernel">The kernel's export name, e.g. <c>asmk_hamming_popcnt</c>.</param>
    /// <param name="a">The first array.</param>
    /// <param name="b">The second array, as long as the first.</param>
    /// <returns>The number of bits that differ.</returns>
    /// <exception cref="ArgumentException">The lengths differ, or <paramref name="kernel"/> is not a HammingDistance kernel of this library.</exception>
    /// <exception cref="PlatformNotSupportedException">The kernel cannot run here; the message says why.</exception>
    public static ulong HammingDistance(string kernel, ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        if (a.Length != b.Length)
            BitOps.ThrowLengthMismatch(a.Length, b.Length);
        return HammingPaths.Native(Dispatch.RequireKernel(KernelOperation.HammingDistance, kernel), a, b);
    }
}

/// <summary>
/// HammingDistance's implementations: the scalar loop (the reference, and the path for the
/// shortest inputs), the managed vector loop (PopCount's, on <c>a ^ b</c>), and the call of a
/// native kernel. Callers have checked that the lengths are equal.
/// </summary>
internal static unsafe partial class HammingPaths
{
    /// <summary>From this many words the vector loop runs instead of the scalar one (as <see cref="PopCountPaths.VectorFrom"/>).</summary>
    public const int VectorFrom = PopCountPaths.VectorFrom;

    /// <summary>
    /// From this many words the native kernel runs (when one is bound): <c>asmkernels crossover</c>
    /// put the crossing at 40 words on AMD Zen 4 and at 40–44 on Intel Sapphire Rapids.
    /// </summary>
    public const int NativeFrom = 40;

    /// <summary>The kernel dispatch selected, bound once; 0 when managed code runs every length.</summary>
    public static readonly nint Bound = Dispatch.SelectedAddress(KernelOperation.HammingDistance);

    /// <summary>The reference loop: one <c>popcnt</c> of <c>a[i] ^ b[i]</c> per word, four words per step into two sums, then the last 0-3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // the small-input path of the public API
    public static ulong Scalar(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        ref ulong pa = ref MemoryMarshal.GetReference(a);
        ref ulong pb = ref MemoryMarshal.GetReference(b);
        nuint n = (nuint)a.Length, i = 0;
        ulong even = 0, odd = 0;
        for (; i + 4 <= n; i += 4)
        {
            even += ulong.PopCount(Unsafe.Add(ref pa, i) ^ Unsafe.Add(ref pb, i)) + ulong.PopCount(Unsafe.Add(ref pa, i + 1) ^ Unsafe.Add(ref pb, i + 1));
            odd += ulong.PopCount(Unsafe.Add(ref pa, i + 2) ^ Unsafe.Add(ref pb, i + 2)) + ulong.PopCount(Unsafe.Add(ref pa, i + 3) ^ Unsafe.Add(ref pb, i + 3));
        }
        for (; i < n; i++)
            even += ulong.PopCount(Unsafe.Add(ref pa, i) ^ Unsafe.Add(ref pb, i));
        return even + odd;
    }

    /// <summary>The vector loop, compiled in the background once inputs of <see cref="VectorFrom"/>..<see cref="NativeFrom"/> words come often (<see cref="BackgroundCompiled"/>).</summary>
    public static readonly BackgroundCompiled VectorLoop = new(static () => Vector(new ulong[VectorFrom], new ulong[VectorFrom]));

    /// <summary>Inputs from <see cref="VectorFrom"/> words: the kernel, or below <see cref="NativeFrom"/> the vector loop once it is compiled (out of line, as <see cref="PopCountPaths.Long"/>).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong Long(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        nint kernel = Bound;
        return kernel == 0 || (a.Length < NativeFrom && VectorLoop.IsReady) ? Vector(a, b) : Native(kernel, a, b);
    }

    /// <summary>The managed vector loop (<see cref="PopCountPaths.CountBits"/> on <c>a ^ b</c>); the scalar loop without AVX2.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // compiled once, fully optimized
    public static ulong Vector(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        if (!Avx2.IsSupported)
            return Scalar(a, b);
        return PopCountPaths.CountBits(ref MemoryMarshal.GetReference(a), ref MemoryMarshal.GetReference(b), (nuint)a.Length, hamming: true);
    }

    /// <summary>Pins both spans (of one length) and calls <paramref name="kernel"/>: without a GC transition up to <see cref="Dispatch.SuppressGCTransitionMaxBytes"/> per span (the call generated from the kernel table).</summary>
    [AsmKernelCall("hamming", MaxTransitionFreeBytes = 2 * Dispatch.SuppressGCTransitionMaxBytes)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into Long: one call from the public API
    public static partial ulong Native(nint kernel, ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b);
}
