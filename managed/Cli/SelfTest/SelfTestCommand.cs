using System.Runtime.InteropServices;

namespace AsmKernels.Cli;

/// <summary>
/// Runs every API at every ISA level this process supports over the sweep of lengths and offsets
/// the native harness uses (<see cref="Sweep"/>), against a bit-by-bit reference, and checks that
/// increments write nothing outside their range. Exit code 1 on any mismatch. Meant for places
/// where the xunit suite does not run: another process configuration, another OS, wine.
/// </summary>
internal static class SelfTestCommand
{
    private static long _checks, _failures;

    public static int Run()
    {
        InfoCommand.Write(Console.Out);
        Console.WriteLine();
        int skipped = 0;

        foreach (IsaLevel isa in IsaLevels.All)
        {
            foreach (KernelOperation op in Enum.GetValues<KernelOperation>())
            {
                if (Kernels.GetUnsupportedReason(op, isa) is { } why)
                {
                    Console.WriteLine($"skipped: {op} at {IsaLevels.Name(isa)}: {why}");
                    skipped++;
                    continue;
                }
                long before = _checks, failedBefore = _failures;
                SweepLevel(op, isa);
                Console.WriteLine($"{op} at {IsaLevels.Name(isa)}: {_checks - before} checks, {_failures - failedBefore} failed");
            }
        }
        long apiBefore = _checks, apiFailedBefore = _failures;
        PublicApi();
        Console.WriteLine($"public API: {_checks - apiBefore} checks, {_failures - apiFailedBefore} failed");

        Console.WriteLine($"selftest: {_checks} checks, {_failures} failed, {skipped} skipped");
        return _failures == 0 ? 0 : 1;
    }

    private static void Expect(bool ok, string what)
    {
        _checks++;
        if (ok) return;
        if (++_failures <= 20)
            Console.WriteLine($"FAIL {what}");
    }

    private static void SweepLevel(KernelOperation op, IsaLevel isa)
    {
        var random = new Random(1234 + (int)op * 10 + (int)isa);
        byte[] bufA = new byte[Sweep.LargeWords.Max() * 8 + 128], bufB = new byte[bufA.Length], saved = new byte[bufA.Length];
        // The searches' results and references, made once: a few allocations in all, not several
        // per case (under qemu-user each collection risks the process, see build.sh).
        ulong[] keyBuffer = new ulong[bufA.Length / 8];
        int[] idxBuffer = new int[32 * 12];
        uint[] distBuffer = new uint[32 * 12];
        random.NextBytes(bufA);
        random.NextBytes(bufB);
        long[] values = Sweep.Increments;

        foreach ((int offset, int n) in Sweep.Cases(bytes: op == KernelOperation.Crc32C))
        {
            var a = MemoryMarshal.Cast<byte, ulong>(bufA.AsSpan(offset, n * 8));
            var b = MemoryMarshal.Cast<byte, ulong>(bufB.AsSpan((offset * 7 + 5) % 64, n * 8));
            string where = $"{op} at {IsaLevels.Name(isa)}, length {n}, offset {offset}";
            switch (op)
            {
                case KernelOperation.PopCount:
                {
                    ulong want = Reference.PopCount(a);
                    ulong got = Kernels.PopCount(isa, a);
                    Expect(got == want, $"{where}: got {got}, want {want}");
                    break;
                }
                case KernelOperation.HammingDistance:
                {
                    ulong want = Reference.Hamming(a, b);
                    ulong got = Kernels.HammingDistance(isa, a, b);
                    Expect(got == want, $"{where}: got {got}, want {want}");
                    break;
                }
                case KernelOperation.IncrementBy:
                {
                    long value = values[(n + offset) % values.Length];
                    bufA.CopyTo(saved, 0);
                    var data = MemoryMarshal.Cast<byte, long>(bufA.AsSpan(offset, n * 8));
                    Kernels.IncrementBy(isa, data, value);
                    var before = MemoryMarshal.Cast<byte, long>(saved.AsSpan(offset, n * 8));
                    bool ok = bufA.AsSpan(0, offset).SequenceEqual(saved.AsSpan(0, offset))
                        && bufA.AsSpan(offset + n * 8).SequenceEqual(saved.AsSpan(offset + n * 8));
                    for (int i = 0; i < n && ok; i++)
                        ok = data[i] == unchecked(before[i] + value);
                    Expect(ok, $"{where}, value {value}: wrong result or a write outside the range");
                    break;
                }
                case KernelOperation.HammingScan: // n words of codes, W = 1..8 by offset, k = 0..11
                {
                    int w = 1 + offset % 8, k = offset % 12, codeCount = n / w;
                    ReadOnlySpan<ulong> codes = a[..(codeCount * w)], query = b[..Math.Min(w, n)];
                    if (query.Length < w)
                        break;
                    Span<int> idx = idxBuffer.AsSpan(0, k);
                    int found = Kernels.HammingNearest(isa, query, codes, idx, distBuffer.AsSpan(0, k));
                    Span<ulong> keys = ReferenceKeys(query, codes, keyBuffer);
                    bool ok = found == Math.Min(k, codeCount);
                    for (int i = 0; i < found && ok; i++)
                        ok = idx[i] == (int)(uint)keys[i];
                    Expect(ok, $"{where}, W {w}, k {k}: wrong nearest codes");
                    break;
                }
                case KernelOperation.HammingSliceScan: // a batch of 32 queries over n words of codes, W = 3..8 by offset: the sliced tiles' path
                case KernelOperation.SliceCodes:
                {
                    int w = 3 + offset % 6, k = 1 + offset % 5, codeCount = n / w, q = 32;
                    if (b.Length < q * w)
                        break;
                    ReadOnlySpan<ulong> codes = a[..(codeCount * w)], queries = b[..(q * w)];
                    Span<int> idx = idxBuffer.AsSpan(0, q * k);
                    Span<uint> dist = distBuffer.AsSpan(0, q * k);
                    int found = HammingSearch.NearestBatch(queries, codes, w, k, idx, dist, 1);
                    bool ok = found == Math.Min(k, codeCount);
                    for (int j = 0; j < q && ok; j++)
                    {
                        Span<ulong> keys = ReferenceKeys(queries.Slice(j * w, w), codes, keyBuffer);
                        for (int i = 0; i < found && ok; i++)
                            ok = idx[j * k + i] == (int)(uint)keys[i] && dist[j * k + i] == (uint)(keys[i] >> 32);
                    }
                    Expect(ok, $"{where}, W {w}, k {k}, {q} queries: wrong nearest codes");
                    break;
                }
                case KernelOperation.Crc32C: // lengths in bytes here
                {
                    ReadOnlySpan<byte> bytes = bufA.AsSpan(offset, n);
                    uint seed = (uint)(n * 2654435761u);
                    uint want = Reference.Crc32C(bytes, seed), got = Kernels.Crc32C(isa, bytes, seed);
                    Expect(got == want, $"{where}, continuing from 0x{seed:X8}: got 0x{got:X8}, want 0x{want:X8}");
                    break;
                }
            }
        }
    }

    /// <summary>Every code's key (distance to <paramref name="query"/> &lt;&lt; 32) | index, sorted, in <paramref name="buffer"/>.</summary>
    private static Span<ulong> ReferenceKeys(ReadOnlySpan<ulong> query, ReadOnlySpan<ulong> codes, ulong[] buffer)
    {
        int w = query.Length, n = codes.Length / w;
        Span<ulong> keys = buffer.AsSpan(0, n);
        for (int i = 0; i < n; i++)
            keys[i] = Reference.Hamming(query, codes.Slice(i * w, w)) << 32 | (uint)i;
        keys.Sort();
        return keys;
    }

    private static void PublicApi()
    {
        var random = new Random(99);
        byte[] x = new byte[5000], y = new byte[5000];
        random.NextBytes(x);
        random.NextBytes(y);
        foreach (int n in new[] { 0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 255, 4097 })
        {
            for (int offset = 0; offset < 8; offset++)
            {
                ReadOnlySpan<byte> a = x.AsSpan(offset, n), b = y.AsSpan(7 - offset, n);
                ulong wantPop = 0, wantHam = 0;
                wantPop = Reference.PopCount(a);
                wantHam = Reference.Hamming(a, b);
                Expect(BitOps.PopCount(a) == wantPop, $"BitOps.PopCount(bytes) length {n} offset {offset}");
                Expect(BitOps.HammingDistance(a, b) == wantHam, $"BitOps.HammingDistance(bytes) length {n} offset {offset}");

                var words = MemoryMarshal.Cast<byte, ulong>(a);
                ulong wantWords = Reference.PopCount(words);
                Expect(BitOps.PopCount(words) == wantWords, $"BitOps.PopCount(words) length {words.Length}");

                long[] longs = MemoryMarshal.Cast<byte, long>(a).ToArray();
                long[] copy = Int64Ops.IncrementedCopy(longs, -5);
                Int64Ops.IncrementBy(longs, -5);
                Expect(copy.AsSpan().SequenceEqual(longs), $"Int64Ops.IncrementedCopy vs IncrementBy length {longs.Length}");
            }
        }

        Expect(Checksums.Crc32C("123456789"u8) == 0xE3069283, "CRC-32C check value of \"123456789\"");
        Expect(Checksums.Crc32C(x) == Reference.Crc32C(x), "Checksums.Crc32C of 5000 bytes");
        Expect(Checksums.Crc32C(x.AsSpan(1000), Checksums.Crc32C(x.AsSpan(0, 1000))) == Checksums.Crc32C(x), "Crc32C continued in two pieces");

        long[] edges = [long.MaxValue, long.MinValue, -1, 0];
        Int64Ops.IncrementBy(edges, 1);
        Expect(edges.AsSpan().SequenceEqual([long.MinValue, long.MinValue + 1, 0, 1]), "IncrementBy wraps at the edges");
        Expect(BitOps.PopCount(new ulong[100].AsSpan()) == 0, "PopCount of zeros");
        Expect(BitOps.PopCount(Enumerable.Repeat(ulong.MaxValue, 100).ToArray()) == 6400, "PopCount of all-ones words");
        try
        {
            BitOps.HammingDistance(new ulong[3], new ulong[4]);
            Expect(false, "HammingDistance with lengths 3 and 4 did not throw");
        }
        catch (ArgumentException e)
        {
            Expect(e.Message.Contains('3') && e.Message.Contains('4'), $"mismatch message names both lengths: {e.Message}");
        }
    }
}
