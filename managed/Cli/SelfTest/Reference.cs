namespace AsmKernels.Cli;

/// <summary>
/// The independent references every check compares with (<c>asmkernels selftest</c> and the xunit
/// suite): bit by bit, with no <see cref="System.Numerics.BitOperations"/> and nothing of the library.
/// </summary>
internal static class Reference
{
    /// <summary>The set bits of <paramref name="v"/>, one at a time.</summary>
    public static ulong Bits(ulong v)
    {
        ulong n = 0;
        for (; v != 0; v &= v - 1) n++;
        return n;
    }

    public static ulong PopCount(ReadOnlySpan<ulong> data)
    {
        ulong total = 0;
        foreach (ulong w in data) total += Bits(w);
        return total;
    }

    public static ulong PopCount(ReadOnlySpan<byte> data)
    {
        ulong total = 0;
        foreach (byte b in data) total += Bits(b);
        return total;
    }

    public static ulong Hamming(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        ulong total = 0;
        for (int i = 0; i < a.Length; i++) total += Bits(a[i] ^ b[i]);
        return total;
    }

    public static ulong Hamming(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        ulong total = 0;
        for (int i = 0; i < a.Length; i++) total += Bits((ulong)(a[i] ^ b[i]));
        return total;
    }

    /// <summary>CRC-32C bit by bit: reflected polynomial 0x82F63B78, inverted on entry and exit (continues from <paramref name="crc"/>).</summary>
    public static uint Crc32CBitwise(ReadOnlySpan<byte> data, uint crc = 0)
    {
        crc = ~crc;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
                crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1)));
        }
        return ~crc;
    }

    /// <summary>The bitwise step over each byte value, from <see cref="Crc32CBitwise"/>.</summary>
    private static readonly uint[] Crc32CBytes = Enumerable.Range(0, 256).Select(b => ~Crc32CBitwise([(byte)b], ~0u)).ToArray();

    /// <summary><see cref="Crc32CBitwise"/> a byte at a time (its steps tabled), eight times faster, for the long sweeps.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data, uint crc = 0)
    {
        crc = ~crc;
        foreach (byte b in data)
            crc = (crc >> 8) ^ Crc32CBytes[(byte)(crc ^ b)];
        return ~crc;
    }
}

/// <summary>
/// The one sweep of lengths, offsets and extreme values, as the native harness (checkasm's core)
/// defines it: every length 0..N at every start offset 0..63 bytes, then a few large lengths at the
/// offsets 0, 3, 11, ..., 59. Lengths count elements: 64-bit words, or bytes for CRC-32C, whose
/// kernels switch strategy at 16, 64, 128, 256 and 4096 bytes.
/// </summary>
internal static class Sweep
{
    /// <summary>Every length up to this many words covers every unroll boundary of every kernel several times.</summary>
    public const int EveryWords = 300;

    /// <summary>The large word counts.</summary>
    public static readonly int[] LargeWords = [1000, 4096, 65537];

    /// <summary>Every byte length up to this for CRC-32C.</summary>
    public const int EveryBytes = 1024;

    /// <summary>The large byte counts for CRC-32C: either side of two powers of two.</summary>
    public static readonly int[] LargeBytes = [4095, 4096, 4097, 65535, 65536, 65537];

    /// <summary>The start offsets in bytes: every offset within a cache line.</summary>
    public static IEnumerable<int> Offsets => Enumerable.Range(0, 64);

    /// <summary>Where the large lengths are checked: offset 0 and every offset 3 mod 8.</summary>
    public static bool LargeAt(int offset) => offset == 0 || offset % 8 == 3;

    /// <summary>Every length of the sweep for words (<paramref name="bytes"/>: for CRC-32C's byte lengths).</summary>
    public static IEnumerable<int> Lengths(bool bytes = false) =>
        Enumerable.Range(0, (bytes ? EveryBytes : EveryWords) + 1).Concat(bytes ? LargeBytes : LargeWords);

    /// <summary>The (offset, length) cases of the sweep.</summary>
    public static IEnumerable<(int Offset, int Length)> Cases(bool bytes = false)
    {
        int every = bytes ? EveryBytes : EveryWords;
        foreach (int offset in Offsets)
            foreach (int n in Lengths(bytes))
                if (n <= every || LargeAt(offset))
                    yield return (offset, n);
    }

    /// <summary>The extreme values an increment adds: the wrap-arounds and a mixed pattern.</summary>
    public static readonly long[] Increments = [1, -1, 0, long.MaxValue, long.MinValue, 0x0123456789ABCDEF];
}
