using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace AsmKernels;

/// <summary>
/// Pins the spans and calls the native routine of one ISA level. Callers have checked that the
/// level is runnable (<see cref="Dispatch.WhyNot"/>). Inputs of at most
/// <see cref="SuppressGCTransitionMaxElements"/> elements take the <c>SuppressGCTransition</c>
/// declaration; longer ones take a normal transition, so the GC is free to run during the call.
/// </summary>
internal static unsafe class NativeKernels
{
    /// <summary>
    /// 1024 elements (8 KiB): the slowest kernel, the seed POPCNT loop, finishes this in about
    /// 0.3 µs from L1 and well under 1 µs from memory, while a normal transition costs about
    /// 10-20 ns, under 5% of a call this long. Measured with <c>asmkernels demo</c>; see README.
    /// </summary>
    internal const int SuppressGCTransitionMaxElements = 1024;

    [MethodImpl(MethodImplOptions.NoInlining)] // keeps the pinning frame out of the public API's small-input path
    public static ulong PopCount(IsaLevel isa, ReadOnlySpan<ulong> data)
    {
        fixed (ulong* p = data)
        {
            nuint n = (nuint)data.Length;
            bool fast = data.Length <= SuppressGCTransitionMaxElements;
            return isa switch
            {
                IsaLevel.Popcnt => fast ? NativeMethods.PopCountPopcntFast(p, n) : NativeMethods.PopCountPopcnt(p, n),
                IsaLevel.Avx2 => fast ? NativeMethods.PopCountAvx2Fast(p, n) : NativeMethods.PopCountAvx2(p, n),
                IsaLevel.Avx512 => fast ? NativeMethods.PopCountAvx512Fast(p, n) : NativeMethods.PopCountAvx512(p, n),
                _ => throw NotNative(isa),
            };
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)] // keeps the pinning frame out of the public API's small-input path
    public static ulong HammingDistance(IsaLevel isa, ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        Debug.Assert(a.Length == b.Length);
        fixed (ulong* pa = a)
        fixed (ulong* pb = b)
        {
            nuint n = (nuint)a.Length;
            bool fast = a.Length <= SuppressGCTransitionMaxElements;
            return isa switch
            {
                IsaLevel.Popcnt => fast ? NativeMethods.HammingPopcntFast(pa, pb, n) : NativeMethods.HammingPopcnt(pa, pb, n),
                IsaLevel.Avx2 => fast ? NativeMethods.HammingAvx2Fast(pa, pb, n) : NativeMethods.HammingAvx2(pa, pb, n),
                IsaLevel.Avx512 => fast ? NativeMethods.HammingAvx512Fast(pa, pb, n) : NativeMethods.HammingAvx512(pa, pb, n),
                _ => throw NotNative(isa),
            };
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)] // keeps the pinning frame out of the public API's small-input path
    public static void IncrementBy(IsaLevel isa, Span<long> data, long value)
    {
        fixed (long* p = data)
        {
            nuint n = (nuint)data.Length;
            bool fast = data.Length <= SuppressGCTransitionMaxElements;
            switch (isa)
            {
                case IsaLevel.Popcnt:
                    if (fast) NativeMethods.IncrementSse2Fast(p, n, value);
                    else NativeMethods.IncrementSse2(p, n, value);
                    break;
                case IsaLevel.Avx2:
                    if (fast) NativeMethods.IncrementAvx2Fast(p, n, value);
                    else NativeMethods.IncrementAvx2(p, n, value);
                    break;
                case IsaLevel.Avx512:
                    if (fast) NativeMethods.IncrementAvx512Fast(p, n, value);
                    else NativeMethods.IncrementAvx512(p, n, value);
                    break;
                default:
                    throw NotNative(isa);
            }
        }
    }

    private static InvalidOperationException NotNative(IsaLevel isa) =>
        new($"No native kernel is bound for ISA level {IsaLevels.Name(isa)}.");
}
