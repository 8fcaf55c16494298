using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AsmKernels;

/// <summary>
/// Managed vector loops for the lengths where the JIT's own SIMD code is as fast as a kernel and a
/// native call would only add its fixed cost: IncrementBy from one vector up to
/// <see cref="Thresholds.IncrementNative"/> elements, PopCount and HammingDistance from one vector
/// up to <see cref="Thresholds.PopCountNative"/> and <see cref="Thresholds.HammingNative"/>. They
/// are also the managed fallback at every length when no kernel can run.
/// </summary>
/// <remarks>
/// PopCount and HammingDistance use the AVX2 kernel's nibble lookup (<c>vpshufb</c> on each
/// byte's two nibbles) on four words per step; without AVX2 they run the scalar loop.
/// The IncrementBy loop mirrors the kernels' strategy: stores aligned to the vector size, four vectors per
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

    /// <summary>
    /// Up to this many vectors, the loop skips aligning its stores: the vectors between the head
    /// and the tail go unaligned, and the last of them may overlap the tail, which was summed
    /// from the original values before the loop. Aligning pays for itself only over longer runs.
    /// </summary>
    private const int SmallVectors = 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // one call from the public API, not two
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // one call from the public API, not two
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

    /// <summary>The number of set bits in <paramref name="data"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong PopCount(ReadOnlySpan<ulong> data)
    {
        if (!Avx2.IsSupported)
            return ScalarKernels.PopCount(data);
        ref ulong p = ref MemoryMarshal.GetReference(data);
        return CountBits(ref p, ref p, (nuint)data.Length, hamming: false);
    }

    /// <summary>The number of set bits in <c>a[i] ^ b[i]</c>; the spans have the same length.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong HammingDistance(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        b = b[..a.Length];
        if (!Avx2.IsSupported)
            return ScalarKernels.HammingDistance(a, b);
        return CountBits(ref MemoryMarshal.GetReference(a), ref MemoryMarshal.GetReference(b), (nuint)a.Length, hamming: true);
    }

    /// <summary>
    /// Set bits of the words at <paramref name="a"/> (or of <c>a ^ b</c>), four per step: each
    /// byte's nibbles index a table of bit counts, and <c>vpsadbw</c> adds each step's byte counts
    /// into 64-bit lanes. The last 1-3 words are counted in one more vector, the input's last four
    /// words with those already counted masked off; inputs of under four words go through
    /// <c>popcnt</c>. One plain loop: this path serves short inputs, where loop overhead counts.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong CountBits(ref ulong a, ref ulong b, nuint n, bool hamming)
    {
        Vector256<byte> table = Vector256.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
                                                 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
        Vector256<byte> lowNibbles = Vector256.Create((byte)0x0F);
        Vector256<ulong> lanes = Vector256<ulong>.Zero;
        nuint i = 0;
        for (; i + 4 <= n; i += 4)
        {
            Vector256<byte> v = Vector256.LoadUnsafe(ref a, i).AsByte();
            if (hamming)
                v ^= Vector256.LoadUnsafe(ref b, i).AsByte();
            lanes += ByteCountLanes(v, table, lowNibbles);
        }
        if (i < n && n >= 4)
        {
            // 1-3 words left: the last four words, minus the ones the loop already counted.
            nuint start = n - 4;
            Vector256<ulong> keep = Vector256.GreaterThanOrEqual(Vector256.Create(0UL, 1, 2, 3), Vector256.Create((ulong)(i - start)));
            Vector256<ulong> last = Vector256.LoadUnsafe(ref a, start);
            if (hamming)
                last ^= Vector256.LoadUnsafe(ref b, start);
            lanes += ByteCountLanes((last & keep).AsByte(), table, lowNibbles);
            i = n;
        }
        ulong total = Vector256.Sum(lanes);
        for (; i < n; i++) // fewer than four words in all
            total += ulong.PopCount(hamming ? Unsafe.Add(ref a, i) ^ Unsafe.Add(ref b, i) : Unsafe.Add(ref a, i));
        return total;
    }

    /// <summary>The bit counts of the four 64-bit lanes of <paramref name="v"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> ByteCountLanes(Vector256<byte> v, Vector256<byte> table, Vector256<byte> lowNibbles)
    {
        Vector256<byte> high = Avx2.ShiftRightLogical(v.AsUInt16(), 4).AsByte();
        Vector256<byte> counts = Avx2.Shuffle(table, v & lowNibbles) + Avx2.Shuffle(table, high & lowNibbles);
        return Avx2.SumAbsoluteDifferences(counts, Vector256<byte>.Zero).AsUInt64();
    }
}
