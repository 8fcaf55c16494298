using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using AsmKernels.Build;

namespace AsmKernels;

/// <summary>
/// Bulk arithmetic on <see cref="long"/> arrays, dispatched to the fastest kernel this process can
/// run (see <see cref="Kernels"/>). Arithmetic wraps on overflow, like <c>paddq</c> and
/// <c>unchecked</c> C#: <c>long.MaxValue + 1</c> is <c>long.MinValue</c>.
/// </summary>
public static partial class Int64Ops
{
    /// <summary>Adds <paramref name="value"/> to every element of <paramref name="data"/>, in place.</summary>
    /// <param name="data">The elements to update; any length, any alignment.</param>
    /// <param name="value">The value to add (negative to subtract).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // short inputs cost what the JIT's own loop costs
    public static void IncrementBy(Span<long> data, long value)
    {
        if (data.Length < IncrementPaths.VectorFrom)
            IncrementPaths.Scalar(data, value);
        else
            IncrementPaths.Long(data, value);
    }

    /// <summary>Returns a new array holding <c>source[i] + value</c>; <paramref name="source"/> is left untouched.</summary>
    /// <param name="source">The input elements.</param>
    /// <param name="value">The value to add.</param>
    /// <returns>A new array of <c>source.Length</c> elements.</returns>
    public static long[] IncrementedCopy(ReadOnlySpan<long> source, long value)
    {
        long[] result = source.ToArray();
        IncrementBy(result, value);
        return result;
    }

    /// <summary>
    /// Writes <c>source[i] + value</c> into the first <c>source.Length</c> elements of
    /// <paramref name="destination"/>, without allocating. The spans may overlap.
    /// </summary>
    /// <param name="source">The input elements.</param>
    /// <param name="destination">Where the results go; at least as long as <paramref name="source"/>.</param>
    /// <param name="value">The value to add.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="source"/>.</exception>
    public static void IncrementedCopy(ReadOnlySpan<long> source, Span<long> destination, long value)
    {
        if (destination.Length < source.Length)
            throw new ArgumentException(
                $"The destination has {destination.Length} elements but the source has {source.Length}; it must be at least as long.",
                nameof(destination));
        source.CopyTo(destination);
        IncrementBy(destination[..source.Length], value);
    }
}

public static partial class Kernels
{
    /// <summary>Adds <paramref name="value"/> to every element of <paramref name="data"/> with the implementation at <paramref name="isa"/>.</summary>
    /// <param name="isa">The level to run.</param>
    /// <param name="data">The elements to update in place.</param>
    /// <param name="value">The value to add, wrapping.</param>
    /// <exception cref="PlatformNotSupportedException">The level cannot run here; the message says why.</exception>
    public static void IncrementBy(IsaLevel isa, Span<long> data, long value)
    {
        nint kernel = Dispatch.Require(KernelOperation.IncrementBy, isa);
        if (kernel == 0)
            IncrementPaths.Scalar(data, value);
        else
            IncrementPaths.Native(kernel, data, value);
    }

    /// <summary>Adds <paramref name="value"/> to every element of <paramref name="data"/> with one named kernel (see <see cref="GetKernels(KernelOperation)"/>). For comparing kernels.</summary>
    /// <param name="kernel">The kernel's export name, e.g. <c>asmk_increment_sse2</c>.</param>
    /// <param name="data">The elements to update in place.</param>
    /// <param name="value">The value to add, wrapping.</param>
    /// <exception cref="ArgumentException"><paramref name="kernel"/> is not an IncrementBy kernel of this library.</exception>
    /// <exception cref="PlatformNotSupportedException">The kernel cannot run here; the message says why.</exception>
    public static void IncrementBy(string kernel, Span<long> data, long value) =>
        IncrementPaths.Native(Dispatch.RequireKernel(KernelOperation.IncrementBy, kernel), data, value);
}

/// <summary>
/// IncrementBy's implementations: the scalar loop (the reference, and the path for the shortest
/// inputs), the managed vector loop, and the call of a native kernel.
/// </summary>
/// <remarks>
/// The vector loop mirrors the kernels' strategy: stores aligned to the vector size, four vectors
/// per iteration. The first and the last vector are loaded and summed before the loop and stored
/// after it, so they cover the unaligned head and the short tail without a scalar loop; the
/// elements they share with the loop receive the same sums twice, computed from the original
/// values. It is compiled fully optimized, in the background (<see cref="VectorLoop"/>).
/// </remarks>
internal static unsafe partial class IncrementPaths
{
    /// <summary>
    /// From this many elements the vector loop runs instead of the scalar one: <c>asmkernels
    /// crossover</c> put the crossing at 16 on AMD Zen 4 (the scalar loop 1.1–1.9× ahead at 5–15)
    /// and at 11–12 on Intel Sapphire Rapids; 16 keeps the scalar loop wherever it wins on either.
    /// </summary>
    public const int VectorFrom = 16;

    /// <summary>
    /// From this many elements the native kernel runs even once the vector loop is compiled:
    /// <c>asmkernels crossover</c> on AMD Zen 4 has the kernel 0.98–1.05× the vector loop from 256
    /// elements to 1M (both align their stores and run four vectors per iteration; neither
    /// switches to non-temporal stores), and 0.86× at 64, where the vector loop stays ahead. On
    /// Intel Xeon (family 6 model 207) the vector loop is ahead at 256 (crossover 0.93×; a
    /// throwaway program, best of 9 interleaved rounds at each 8-byte offset: 18–24 ns against the
    /// kernel's call 21–30 and TensorPrimitives.Add's 20–28, and at 384 elements 25–31 against
    /// 25–37), level at 768 and behind at 1,024 (1.08×), where the call's few nanoseconds no
    /// longer count. So 512 holds on both. Below it the kernel serves only until the vector loop is
    /// compiled (<see cref="BackgroundCompiled"/>).
    /// </summary>
    public const int NativeFrom = 512;

    /// <summary>The kernel dispatch selected, bound once; 0 when managed code runs every length.</summary>
    public static readonly nint Bound = Dispatch.SelectedAddress(KernelOperation.IncrementBy);

    /// <summary>
    /// Up to 4,096 elements (32 KiB) the kernel is called without a GC transition, four times the
    /// other operations' <see cref="Dispatch.SuppressGCTransitionMaxBytes"/>: the transition cost
    /// about 15 ns on Intel (Xeon family 6 model 207: a 1,025-element call 81 ns against 66 at
    /// 1,024, a throwaway program, median of 41 rounds), a twelfth of a 4,096-element call, which
    /// takes 0.19 µs with the array in L1 (scripts/kernel_ab.sh) and about 3 µs from memory.
    /// </summary>
    public const int TransitionFreeBytes = 4 * Dispatch.SuppressGCTransitionMaxBytes;

    /// <summary>The reference loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // the small-input path of the public API
    public static void Scalar(Span<long> data, long value)
    {
        for (int i = 0; i < data.Length; i++)
            data[i] = unchecked(data[i] + value);
    }

    /// <summary>The vector loop, compiled in the background once inputs of <see cref="VectorFrom"/>..<see cref="NativeFrom"/> elements come often (<see cref="BackgroundCompiled"/>).</summary>
    public static readonly BackgroundCompiled VectorLoop = new(static () => Vector(new long[VectorFrom], 0));

    /// <summary>
    /// Inputs from <see cref="VectorFrom"/> elements: the kernel, or below <see cref="NativeFrom"/>
    /// the vector loop once it is compiled. Kept out of line, so that the public API inlines into a
    /// caller's loop as the scalar loop and one compare.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Long(Span<long> data, long value)
    {
        nint kernel = Bound;
        if (kernel == 0 || (data.Length < NativeFrom && VectorLoop.IsReady))
            Vector(data, value);
        else
            Native(kernel, data, value);
    }

    /// <summary>
    /// Pins <paramref name="data"/> and calls <paramref name="kernel"/>: without a GC transition up to
    /// <see cref="TransitionFreeBytes"/> (the call generated from the kernel table).
    /// </summary>
    [AsmKernelCall("increment", MaxTransitionFreeBytes = TransitionFreeBytes)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into Long: one call from the public API
    public static partial void Native(nint kernel, Span<long> data, long value);

    /// <summary>Adds <paramref name="value"/> to every element with the widest accelerated vector type.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // compiled once, fully optimized
    public static void Vector(Span<long> data, long value)
    {
        fixed (long* p = data)
        {
            long* end = p + data.Length;
            if (Vector512.IsHardwareAccelerated && data.Length >= Vector512<long>.Count)
                Increment512(p, end, value);
            else if (Vector256.IsHardwareAccelerated && data.Length >= Vector256<long>.Count)
                Increment256(p, end, value);
            else
                Scalar(data, value);
        }
    }

    /// <summary>The first element at or after <paramref name="p"/> + 1 that sits on a <paramref name="bytes"/> boundary, or <paramref name="p"/> + one vector when the elements themselves are misaligned.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long* FirstAligned(long* p, int bytes, int lanes) =>
        ((nuint)p & (sizeof(long) - 1)) != 0 ? p + lanes : (long*)(((nuint)p + (nuint)bytes) & ~(nuint)(bytes - 1));

    /// <summary>
    /// Up to this many vectors, the loop skips aligning its stores: the vectors between the head
    /// and the tail go unaligned, and the last of them may overlap the tail, which was summed
    /// from the original values before the loop. Aligning pays for itself only over longer runs.
    /// </summary>
    private const int SmallVectors = 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into Vector: one call from Long
    private static void Increment512(long* p, long* end, long value)
    {
        const int L = 8;
        Vector512<long> v = Vector512.Create(value);
        Vector512<long> head = Vector512.Load(p) + v, tail = Vector512.Load(end - L) + v;
        if (end - p <= SmallVectors * L)
        {
            for (long* m = p + L; m < end - L; m += L)
                (Vector512.Load(m) + v).Store(m);
            head.Store(p);
            tail.Store(end - L);
            return;
        }
        long* q = FirstAligned(p, 64, L);
        for (; q + 4 * L <= end; q += 4 * L)
        {
            (Vector512.Load(q) + v).Store(q);
            (Vector512.Load(q + L) + v).Store(q + L);
            (Vector512.Load(q + 2 * L) + v).Store(q + 2 * L);
            (Vector512.Load(q + 3 * L) + v).Store(q + 3 * L);
        }
        for (; q + L <= end; q += L)
            (Vector512.Load(q) + v).Store(q);
        head.Store(p);
        tail.Store(end - L);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into Vector: one call from Long
    private static void Increment256(long* p, long* end, long value)
    {
        const int L = 4;
        Vector256<long> v = Vector256.Create(value);
        Vector256<long> head = Vector256.Load(p) + v, tail = Vector256.Load(end - L) + v;
        if (end - p <= SmallVectors * L)
        {
            for (long* m = p + L; m < end - L; m += L)
                (Vector256.Load(m) + v).Store(m);
            head.Store(p);
            tail.Store(end - L);
            return;
        }
        long* q = FirstAligned(p, 32, L);
        for (; q + 4 * L <= end; q += 4 * L)
        {
            (Vector256.Load(q) + v).Store(q);
            (Vector256.Load(q + L) + v).Store(q + L);
            (Vector256.Load(q + 2 * L) + v).Store(q + 2 * L);
            (Vector256.Load(q + 3 * L) + v).Store(q + 3 * L);
        }
        for (; q + L <= end; q += L)
            (Vector256.Load(q) + v).Store(q);
        head.Store(p);
        tail.Store(end - L);
    }

}
