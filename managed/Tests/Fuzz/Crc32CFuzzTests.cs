using CsCheck;

namespace AsmKernels.Tests.Fuzz;

/// <summary>
/// CRC-32C in pieces: chained calls, <see cref="Checksums.Crc32CCombine"/> of independently
/// checksummed parts, and <see cref="Crc32CHasher"/> over spans and over streams that return
/// their bytes in chunks of random sizes, each against the table-driven reference over the whole
/// message (and every kernel by name against it too).
/// </summary>
public class Crc32CFuzzTests
{
    /// <summary>A message (random, all zero, all ones or sparse bytes), cut at Cuts, read by a stream in chunks of at most Chunk bytes.</summary>
    public sealed record CrcCase(int Length, int Bias, int[] Cuts, int Chunk, uint Start, int Seed)
    {
        public byte[] Message()
        {
            var r = new Random(Seed);
            var data = new byte[Length];
            r.NextBytes(data);
            for (int i = 0; i < data.Length; i++)
                data[i] = Bias switch { 1 => 0, 2 => 0xFF, 3 => (byte)(data[i] & r.Next() & r.Next()), _ => data[i] };
            return data;
        }

        /// <summary>The pieces' bounds: 0, the cuts in order (each within the message), the length.</summary>
        public int[] Bounds() => [0, .. Cuts.Select(c => c % (Length + 1)).Order(), Length];
    }

    private static readonly Gen<CrcCase> Cases =
        from length in Gen.OneOf(Gen.Int[0, 300], Gen.Int[0, 20000], Gen.Int[4000, 70000])
        from bias in Gen.Int[0, 3]
        from cuts in Gen.Int[0, int.MaxValue].Array[0, 6]
        from chunk in Gen.Int[1, 70000]
        from start in Gen.UInt
        from seed in Gen.Int
        select new CrcCase(length, bias, cuts, chunk, start, seed);

    [Fact]
    public void Pieces_combinations_and_streams_equal_the_whole()
    {
        string[] kernels = [.. Kernels.GetKernels(KernelOperation.Crc32C).Select(k => k.Name).Where(k => Kernels.GetUnsupportedReason(k) is null)];
        Fuzz.Run(nameof(Pieces_combinations_and_streams_equal_the_whole), Cases, c =>
        {
            byte[] data = c.Message();
            uint whole = Cli.Reference.Crc32C(data, c.Start);
            Expect(Checksums.Crc32C(data, c.Start), whole, "one call");
            foreach (string kernel in kernels)
                Expect(Kernels.Crc32C(kernel, data, c.Start), whole, kernel);
            int[] bounds = c.Bounds();
            uint chained = c.Start, combined = Checksums.Crc32C(data.AsSpan(0, bounds[1]), c.Start);
            var hasher = new Crc32CHasher();
            for (int i = 0; i + 1 < bounds.Length; i++)
            {
                ReadOnlySpan<byte> piece = data.AsSpan(bounds[i], bounds[i + 1] - bounds[i]);
                chained = Checksums.Crc32C(piece, chained);
                if (i > 0)
                    combined = Checksums.Crc32CCombine(combined, Checksums.Crc32C(piece), piece.Length);
                hasher.Append(piece);
            }
            Expect(chained, whole, "chained over the pieces");
            Expect(hasher.GetCurrentHash(), Cli.Reference.Crc32C(data), "Crc32CHasher over the pieces");
            Expect(combined, whole, "Crc32CCombine of the pieces");
            hasher.Reset();
            Expect((uint)hasher.Append(new ChunkedStream(data, c.Chunk, c.Seed)), (uint)data.Length, "bytes read from the stream");
            Expect(hasher.GetCurrentHash(), Cli.Reference.Crc32C(data), $"Crc32CHasher over a stream in chunks of at most {c.Chunk}");
            hasher.Reset();
            long read = hasher.AppendAsync(new ChunkedStream(data, c.Chunk, ~c.Seed)).GetAwaiter().GetResult();
            Expect((uint)read, (uint)data.Length, "bytes read from the stream (async)");
            Expect(hasher.GetCurrentHash(), Cli.Reference.Crc32C(data), "Crc32CHasher.AppendAsync");
        }, iter: 400, print: c => $"{c with { Cuts = [] }} cuts [{string.Join(", ", c.Cuts)}]");
    }

    private static void Expect(uint got, uint want, string what)
    {
        if (got != want)
            throw new InvalidOperationException($"{what}: 0x{got:X8}, want 0x{want:X8}");
    }
}
