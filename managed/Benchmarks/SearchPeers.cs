using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AsmKernels.Benchmarks;

/// <summary>
/// What a .NET developer writes today for a k-nearest search over binary codes: a distance per
/// code (<see cref="BitOps.HammingDistance(ReadOnlySpan{ulong}, ReadOnlySpan{ulong})"/>, or a
/// hand-written Vector512 loop) and a max-heap of the k best.
/// </summary>
internal static class SearchPeers
{
    /// <summary>The k best of one query: one library call per code, a heap.</summary>
    public static ulong NaiveLoop(ReadOnlySpan<ulong> query, ReadOnlySpan<ulong> codes, Span<ulong> heap)
    {
        int w = query.Length, n = codes.Length / w, count = 0;
        for (int i = 0; i < n; i++)
        {
            ulong d = BitOps.HammingDistance(query, codes.Slice(i * w, w));
            count = Offer(heap, count, d << 32 | (uint)i);
        }
        return heap[0];
    }

    /// <summary>Why <see cref="Vector512Scan"/> cannot run here, or null.</summary>
    public static string? Vector512WhyNot => Avx512BW.IsSupported ? null : "the managed Vector512 scan needs AVX-512 BW";

    /// <summary>The k best of one query: a Vector512 nibble-lookup distance (vpshufb + vpsadbw), eight 64-bit, four 128-bit or two 256-bit codes or one 512-bit chunk at a time, a heap.</summary>
    public static ulong Vector512Scan(ReadOnlySpan<ulong> query, ReadOnlySpan<ulong> codes, Span<ulong> heap)
    {
        if (Vector512WhyNot is { } why)
            throw new PlatformNotSupportedException(why);
        int w = query.Length, n = codes.Length / w, count = 0;
        ref ulong c = ref MemoryMarshal.GetReference(codes);
        if (w is 1 or 2)
        {
            Vector512<ulong> q = w == 1 ? Vector512.Create(query[0]) : Vector512.Create(Vector128.Create(query[0], query[1]));
            int perVector = 8 / w, i = 0;
            for (; i + perVector <= n; i += perVector)
            {
                Vector512<ulong> sums = Bytes(Vector512.LoadUnsafe(ref c, (nuint)(i * w)) ^ q);
                for (int lane = 0; lane < perVector; lane++)
                {
                    ulong d = w == 1 ? sums.GetElement(lane) : sums.GetElement(2 * lane) + sums.GetElement(2 * lane + 1);
                    count = Offer(heap, count, d << 32 | (uint)(i + lane));
                }
            }
            for (; i < n; i++)
                count = Offer(heap, count, BitOps.HammingDistance(query, codes.Slice(i * w, w)) << 32 | (uint)i);
            return heap[0];
        }
        if (w == 4)
        {
            Vector512<ulong> q = Vector512.Create(Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(query)));
            int i = 0;
            for (; i + 2 <= n; i += 2)
            {
                Vector512<ulong> sums = Bytes(Vector512.LoadUnsafe(ref c, (nuint)(i * 4)) ^ q);
                count = Offer(heap, count, Vector256.Sum(sums.GetLower()) << 32 | (uint)i);
                count = Offer(heap, count, Vector256.Sum(sums.GetUpper()) << 32 | (uint)(i + 1));
            }
            for (; i < n; i++)
                count = Offer(heap, count, BitOps.HammingDistance(query, codes.Slice(i * 4, 4)) << 32 | (uint)i);
            return heap[0];
        }
        if (w % 8 != 0)
            throw new ArgumentException("the managed Vector512 scan takes 64-, 128- and 256-bit codes or multiples of 512 bits");
        for (int i = 0; i < n; i++)
        {
            Vector512<ulong> acc = Vector512<ulong>.Zero;
            for (int j = 0; j < w; j += 8)
                acc += Bytes(Vector512.LoadUnsafe(ref c, (nuint)(i * w + j)) ^ Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(query), (nuint)j));
            count = Offer(heap, count, Vector512.Sum(acc) << 32 | (uint)i);
        }
        return heap[0];
    }

    /// <summary>Set bits per 8 bytes: nibble lookup per byte, then vpsadbw.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Bytes(Vector512<ulong> x)
    {
        Vector512<byte> lut = Vector512.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
            0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
            0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
        Vector512<byte> b = x.AsByte(), low = Vector512.Create((byte)15);
        Vector512<byte> counts = Avx512BW.Shuffle(lut, b & low) + Avx512BW.Shuffle(lut, Avx512BW.ShiftRightLogical(b.AsUInt16(), 4).AsByte() & low);
        return Avx512BW.SumAbsoluteDifferences(counts, Vector512<byte>.Zero).AsUInt64();
    }

    /// <summary>Adds a key to a max-heap of the k smallest; returns the new count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Offer(Span<ulong> heap, int count, ulong key)
    {
        if (count < heap.Length)
        {
            int i = count++;
            while (i > 0 && heap[(i - 1) >> 1] < key)
            {
                heap[i] = heap[(i - 1) >> 1];
                i = (i - 1) >> 1;
            }
            heap[i] = key;
            return count;
        }
        if (key >= heap[0])
            return count;
        int at = 0;
        while (true)
        {
            int child = 2 * at + 1;
            if (child >= heap.Length) break;
            if (child + 1 < heap.Length && heap[child + 1] > heap[child]) child++;
            if (heap[child] <= key) break;
            heap[at] = heap[child];
            at = child;
        }
        heap[at] = key;
        return count;
    }
}
