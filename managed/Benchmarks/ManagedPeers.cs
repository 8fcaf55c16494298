using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AsmKernels.Benchmarks;

/// <summary>
/// Hand-written managed vector loops (the best a .NET developer can do without native code) and
/// the rooflines: the fastest passes that only read (or read and write) the same bytes.
/// </summary>
internal static class ManagedPeers
{
    /// <summary>Popcount with Vector256: the vpshufb nibble lookup and vpsadbw (.NET has no managed VPOPCNTQ).</summary>
    public static ulong PopCountVector256(ReadOnlySpan<ulong> data) => CountVector256(data, default, hamming: false);

    public static ulong HammingVector256(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b) => CountVector256(a, b, hamming: true);

    private static ulong CountVector256(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, bool hamming)
    {
        int i = 0;
        ulong total = 0;
        if (Avx2.IsSupported && a.Length >= 4)
        {
            Vector256<byte> table = Vector256.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
                                                            0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
            Vector256<byte> low = Vector256.Create((byte)0x0F);
            Vector256<ulong> sums = Vector256<ulong>.Zero;
            ref ulong ra = ref MemoryMarshal.GetReference(a);
            ref ulong rb = ref MemoryMarshal.GetReference(b);
            for (; i <= a.Length - 4; i += 4)
            {
                Vector256<byte> v = Vector256.LoadUnsafe(ref ra, (nuint)i).AsByte();
                if (hamming)
                    v ^= Vector256.LoadUnsafe(ref rb, (nuint)i).AsByte();
                Vector256<byte> counts = Avx2.Shuffle(table, v & low) + Avx2.Shuffle(table, Avx2.ShiftRightLogical(v.AsUInt16(), 4).AsByte() & low);
                sums += Avx2.SumAbsoluteDifferences(counts, Vector256<byte>.Zero).AsUInt64();
            }
            total = Vector256.Sum(sums);
        }
        for (; i < a.Length; i++)
            total += ulong.PopCount(hamming ? a[i] ^ b[i] : a[i]);
        return total;
    }

    /// <summary>IncrementBy with Vector512 where available, else Vector256.</summary>
    public static void IncrementVector(Span<long> data, long value)
    {
        ref long r = ref MemoryMarshal.GetReference(data);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var v = Vector512.Create(value);
            for (; i <= data.Length - 8; i += 8)
                (Vector512.LoadUnsafe(ref r, (nuint)i) + v).StoreUnsafe(ref r, (nuint)i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var v = Vector256.Create(value);
            for (; i <= data.Length - 4; i += 4)
                (Vector256.LoadUnsafe(ref r, (nuint)i) + v).StoreUnsafe(ref r, (nuint)i);
        }
        for (; i < data.Length; i++)
            Unsafe.Add(ref r, i) += value;
    }

    /// <summary>
    /// Reads every byte once, four aligned 512-bit loads per step and nothing else: the read
    /// roofline. The array is pinned and the loop starts at a 64-byte boundary, so no load splits
    /// a cache line.
    /// </summary>
    public static unsafe ulong ReadRoofline(ReadOnlySpan<ulong> data)
    {
        fixed (ulong* p = data)
        {
            int n = data.Length, i = 0;
            ulong rest = 0;
            for (; i < n && ((nuint)(p + i) & 63) != 0; i++)
                rest |= p[i];
            Vector512<ulong> a0 = default, a1 = default, a2 = default, a3 = default;
            for (; i <= n - 32; i += 32)
            {
                a0 |= Vector512.LoadAligned(p + i);
                a1 |= Vector512.LoadAligned(p + i + 8);
                a2 |= Vector512.LoadAligned(p + i + 16);
                a3 |= Vector512.LoadAligned(p + i + 24);
            }
            for (; i < n; i++)
                rest |= p[i];
            return Vector512.Sum((a0 | a1) | (a2 | a3)) | rest;
        }
    }

    /// <summary>Reads two arrays once each: the read roofline of Hamming distance.</summary>
    public static ulong ReadRoofline(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b) => ReadRoofline(a) ^ ReadRoofline(b);

    /// <summary>
    /// Loads and stores back every element unchanged, aligned 512-bit accesses from the first
    /// 64-byte boundary: the read-write roofline of IncrementBy.
    /// </summary>
    public static unsafe void ReadWriteRoofline(Span<long> data)
    {
        fixed (long* p = data)
        {
            int n = data.Length, i = 0;
            for (; i < n && ((nuint)(p + i) & 63) != 0; i++)
                p[i] = Volatile.Read(ref p[i]);
            for (; i <= n - 32; i += 32)
            {
                Vector512<long> v0 = Vector512.LoadAligned(p + i), v1 = Vector512.LoadAligned(p + i + 8);
                Vector512<long> v2 = Vector512.LoadAligned(p + i + 16), v3 = Vector512.LoadAligned(p + i + 24);
                v0.StoreAligned(p + i);
                v1.StoreAligned(p + i + 8);
                v2.StoreAligned(p + i + 16);
                v3.StoreAligned(p + i + 24);
            }
            for (; i < n; i++)
                p[i] = Volatile.Read(ref p[i]);
        }
    }
}
