using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AsmKernels;

/// <summary>
/// The managed scalar implementations: the fallback where no native kernel can run, the fast path
/// for inputs too short to pay for a native call, and the reference every kernel is tested against.
/// </summary>
internal static class ScalarKernels
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // the small-input path of the public API
    public static ulong PopCount(ReadOnlySpan<ulong> data)
    {
        ulong total = 0;
        foreach (ulong word in data)
            total += (ulong)BitOperations.PopCount(word);
        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // the small-input path of the public API
    public static ulong HammingDistance(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        b = b[..a.Length]; // one bounds check here lets the JIT drop the one in the loop
        ulong total = 0;
        for (int i = 0; i < a.Length; i++)
            total += (ulong)BitOperations.PopCount(a[i] ^ b[i]);
        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // the small-input path of the public API
    public static void IncrementBy(Span<long> data, long value)
    {
        for (int i = 0; i < data.Length; i++)
            data[i] = unchecked(data[i] + value);
    }

    /// <summary>The raw CRC-32C register after <paramref name="data"/>: 8 bytes per step, then single bytes.</summary>
    public static uint Crc32C(uint crc, ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (ulong word in words)
            crc = BitOperations.Crc32C(crc, word);
        foreach (byte b in data[(words.Length * sizeof(ulong))..])
            crc = BitOperations.Crc32C(crc, b);
        return crc;
    }

    /// <summary>The last <c>length % 8</c> bytes of a byte span as one zero-padded word.</summary>
    public static ulong TailWord(ReadOnlySpan<byte> bytes)
    {
        ulong word = 0;
        bytes[(bytes.Length & ~7)..].CopyTo(MemoryMarshal.AsBytes(new Span<ulong>(ref word)));
        return word;
    }
}
