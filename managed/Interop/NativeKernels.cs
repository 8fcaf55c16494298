using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace AsmKernels;

/// <summary>
/// Pins the spans and calls the native routine of one ISA level. Callers have checked that the
/// level is runnable (<see cref="Dispatch.WhyNot"/>). Inputs of at most
/// <see cref="SuppressGCTransitionMaxElements"/> elements take the <c>SuppressGCTransition</c>
/// declarations; longer ones take a normal transition, so the GC is free to run during the call.
/// </summary>
/// <remarks>
/// The two kinds of call live in separate methods, and the normal-transition ones are never
/// inlined. A method that contains a normal P/Invoke sets up an inlined call frame in its prolog,
/// through a runtime helper, on every call; kept apart, the fast path pays only for the call.
/// <c>./build.sh bench --calls</c> times each layer (docs/call-cost.md).
/// </remarks>
internal static unsafe class NativeKernels
{
    /// <summary>
    /// 1024 elements (8 KiB): the slowest kernel, the seed POPCNT loop, finishes this in about
    /// 0.35 µs from L1 and well under 1 µs from memory (<c>asmkernels demo</c>), while a normal
    /// transition adds about 5 ns (<c>./build.sh bench --calls</c>): under 2% of a call this long.
    /// </summary>
    internal const int SuppressGCTransitionMaxElements = 1024;

    [MethodImpl(MethodImplOptions.NoInlining)] // keeps the pinning frame out of the public API's small-input path
    public static ulong PopCount(IsaLevel isa, ReadOnlySpan<ulong> data)
    {
        fixed (ulong* p = data)
        {
            nuint n = (nuint)data.Length;
            return data.Length <= SuppressGCTransitionMaxElements ? PopCountFast(isa, p, n) : PopCountWithTransition(isa, p, n);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong HammingDistance(IsaLevel isa, ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        Debug.Assert(a.Length == b.Length);
        fixed (ulong* pa = a)
        fixed (ulong* pb = b)
        {
            nuint n = (nuint)a.Length;
            return a.Length <= SuppressGCTransitionMaxElements ? HammingFast(isa, pa, pb, n) : HammingWithTransition(isa, pa, pb, n);
        }
    }

    /// <summary>
    /// 8 KiB, the same bytes as <see cref="SuppressGCTransitionMaxElements"/> words: the CRC
    /// kernel runs at about 8 bytes per 3 cycles, so this is about 1 µs.
    /// </summary>
    internal const int SuppressGCTransitionMaxBytes = 8192;

    /// <summary>The raw CRC-32C register after <paramref name="data"/> (no inversions; the caller does them).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static uint Crc32C(IsaLevel isa, uint crc, ReadOnlySpan<byte> data)
    {
        if (isa != IsaLevel.Popcnt)
            throw NotNative(isa);
        fixed (byte* p = data)
        {
            return data.Length <= SuppressGCTransitionMaxBytes
                ? NativeMethods.Crc32CSse42Fast(crc, p, (nuint)data.Length)
                : NativeMethods.Crc32CSse42(crc, p, (nuint)data.Length);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void IncrementBy(IsaLevel isa, Span<long> data, long value)
    {
        fixed (long* p = data)
        {
            nuint n = (nuint)data.Length;
            if (data.Length <= SuppressGCTransitionMaxElements)
                IncrementFast(isa, p, n, value);
            else
                IncrementWithTransition(isa, p, n, value);
        }
    }

    private static ulong PopCountFast(IsaLevel isa, ulong* p, nuint n) => isa switch
    {
        IsaLevel.Popcnt => NativeMethods.PopCountPopcntFast(p, n),
        IsaLevel.Avx2 => NativeMethods.PopCountAvx2Fast(p, n),
        IsaLevel.Avx512 => NativeMethods.PopCountAvx512Fast(p, n),
        _ => throw NotNative(isa),
    };

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ulong PopCountWithTransition(IsaLevel isa, ulong* p, nuint n) => isa switch
    {
        IsaLevel.Popcnt => NativeMethods.PopCountPopcnt(p, n),
        IsaLevel.Avx2 => NativeMethods.PopCountAvx2(p, n),
        IsaLevel.Avx512 => NativeMethods.PopCountAvx512(p, n),
        _ => throw NotNative(isa),
    };

    private static ulong HammingFast(IsaLevel isa, ulong* a, ulong* b, nuint n) => isa switch
    {
        IsaLevel.Popcnt => NativeMethods.HammingPopcntFast(a, b, n),
        IsaLevel.Avx2 => NativeMethods.HammingAvx2Fast(a, b, n),
        IsaLevel.Avx512 => NativeMethods.HammingAvx512Fast(a, b, n),
        _ => throw NotNative(isa),
    };

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ulong HammingWithTransition(IsaLevel isa, ulong* a, ulong* b, nuint n) => isa switch
    {
        IsaLevel.Popcnt => NativeMethods.HammingPopcnt(a, b, n),
        IsaLevel.Avx2 => NativeMethods.HammingAvx2(a, b, n),
        IsaLevel.Avx512 => NativeMethods.HammingAvx512(a, b, n),
        _ => throw NotNative(isa),
    };

    private static void IncrementFast(IsaLevel isa, long* p, nuint n, long value)
    {
        switch (isa)
        {
            case IsaLevel.Popcnt: NativeMethods.IncrementSse2Fast(p, n, value); break;
            case IsaLevel.Avx2: NativeMethods.IncrementAvx2Fast(p, n, value); break;
            case IsaLevel.Avx512: NativeMethods.IncrementAvx512Fast(p, n, value); break;
            default: throw NotNative(isa);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void IncrementWithTransition(IsaLevel isa, long* p, nuint n, long value)
    {
        switch (isa)
        {
            case IsaLevel.Popcnt: NativeMethods.IncrementSse2(p, n, value); break;
            case IsaLevel.Avx2: NativeMethods.IncrementAvx2(p, n, value); break;
            case IsaLevel.Avx512: NativeMethods.IncrementAvx512(p, n, value); break;
            default: throw NotNative(isa);
        }
    }

    private static InvalidOperationException NotNative(IsaLevel isa) =>
        new($"No native kernel is bound for ISA level {IsaLevels.Name(isa)}.");
}
