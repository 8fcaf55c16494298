using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AsmKernels.Benchmarks;

/// <summary>
/// Hand-written managed vector loops (the best a .NET developer can do without native code) and
/// the rooflines: the fastest passes that only read (or read and write) the same bytes.
/// </summary>
internal static class ManagedPeers
{
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
