using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AsmKernels;

/// <summary>
/// Managed vector loops for the lengths where the JIT's own SIMD code is as fast as a kernel and a
/// native call would only add its fixed cost: IncrementBy from one vector up to
/// <see cref="Thresholds.IncrementNative"/> elements.
/// </summary>
/// <remarks>
/// The loop mirrors the kernels' strategy: stores aligned to the vector size, four vectors per
/// iteration. The first and the last vector are loaded and summed before the loop and stored after
/// it, so they cover the unaligned head and the short tail without a scalar loop; the elements they
/// share with the loop receive the same sums twice, computed from the original values.
/// </remarks>
internal static unsafe class VectorKernels
{
    /// <summary>Adds <paramref name="value"/> to every element with the widest accelerated vector type.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void IncrementBy(Span<long> data, long value)
    {
        fixed (long* p = data)
        {
            long* end = p + data.Length;
            if (Vector512.IsHardwareAccelerated && data.Length >= Vector512<long>.Count)
                Increment512(p, end, value);
            else if (Vector256.IsHardwareAccelerated && data.Length >= Vector256<long>.Count)
                Increment256(p, end, value);
            else
                ScalarKernels.IncrementBy(data, value);
        }
    }

    /// <summary>The first element at or after <paramref name="p"/> + 1 that sits on a <paramref name="bytes"/> boundary, or <paramref name="p"/> + one vector when the elements themselves are misaligned.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long* FirstAligned(long* p, int bytes, int lanes) =>
        ((nuint)p & (sizeof(long) - 1)) != 0 ? p + lanes : (long*)(((nuint)p + (nuint)bytes) & ~(nuint)(bytes - 1));

    private static void Increment512(long* p, long* end, long value)
    {
        const int L = 8;
        Vector512<long> v = Vector512.Create(value);
        Vector512<long> head = Vector512.Load(p) + v, tail = Vector512.Load(end - L) + v;
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

    private static void Increment256(long* p, long* end, long value)
    {
        const int L = 4;
        Vector256<long> v = Vector256.Create(value);
        Vector256<long> head = Vector256.Load(p) + v, tail = Vector256.Load(end - L) + v;
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
