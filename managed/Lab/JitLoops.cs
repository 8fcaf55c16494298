using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AsmKernels.Lab;

/// <summary>
/// The loops a .NET developer writes for these operations, compiled by the JIT: the peers the
/// kernels are timed against, and the managed side of <c>asmkernels-lab disasm</c>. Each is its own
/// method (never inlined), so the JIT's listing of it is exactly this loop.
/// </summary>
internal static class JitLoops
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong PopCount(ReadOnlySpan<ulong> data)
    {
        ulong total = 0;
        foreach (ulong word in data)
            total += (ulong)BitOperations.PopCount(word);
        return total;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong HammingDistance(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        ulong total = 0;
        for (int i = 0; i < a.Length; i++)
            total += (ulong)BitOperations.PopCount(a[i] ^ b[i]);
        return total;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void IncrementBy(Span<long> data, long value)
    {
        for (int i = 0; i < data.Length; i++)
            data[i] += value;
    }

    /// <summary>CRC-32C the way .NET code computes it: <c>BitOperations.Crc32C</c> on each 8-byte word, then the last bytes.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = ~0u;
        ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (ulong word in words)
            crc = BitOperations.Crc32C(crc, word);
        foreach (byte b in data[(words.Length * sizeof(ulong))..])
            crc = BitOperations.Crc32C(crc, b);
        return ~crc;
    }

    /// <summary>Popcount with Vector256: the vpshufb nibble lookup and vpsadbw (.NET has no managed VPOPCNTQ).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong PopCountVector256(ReadOnlySpan<ulong> data)
    {
        int i = 0;
        ulong total = 0;
        if (Avx2.IsSupported && data.Length >= 4)
        {
            ref ulong r = ref MemoryMarshal.GetReference(data);
            Vector256<ulong> sums = Vector256<ulong>.Zero;
            for (; i <= data.Length - 4; i += 4)
                sums += CountBytes(Vector256.LoadUnsafe(ref r, (nuint)i).AsByte());
            total = Vector256.Sum(sums);
        }
        for (; i < data.Length; i++)
            total += ulong.PopCount(data[i]);
        return total;
    }

    /// <summary>Hamming distance with Vector256: the popcount loop over <c>a ^ b</c>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong HammingVector256(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        b = b[..a.Length];
        int i = 0;
        ulong total = 0;
        if (Avx2.IsSupported && a.Length >= 4)
        {
            ref ulong ra = ref MemoryMarshal.GetReference(a);
            ref ulong rb = ref MemoryMarshal.GetReference(b);
            Vector256<ulong> sums = Vector256<ulong>.Zero;
            for (; i <= a.Length - 4; i += 4)
                sums += CountBytes((Vector256.LoadUnsafe(ref ra, (nuint)i) ^ Vector256.LoadUnsafe(ref rb, (nuint)i)).AsByte());
            total = Vector256.Sum(sums);
        }
        for (; i < a.Length; i++)
            total += ulong.PopCount(a[i] ^ b[i]);
        return total;
    }

    /// <summary>The set bits of each 8-byte lane: two nibble lookups, summed per lane by vpsadbw.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> CountBytes(Vector256<byte> v)
    {
        Vector256<byte> table = Vector256.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
                                                        0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
        Vector256<byte> low = Vector256.Create((byte)0x0F);
        Vector256<byte> counts = Avx2.Shuffle(table, v & low) + Avx2.Shuffle(table, Avx2.ShiftRightLogical(v.AsUInt16(), 4).AsByte() & low);
        return Avx2.SumAbsoluteDifferences(counts, Vector256<byte>.Zero).AsUInt64();
    }
}
