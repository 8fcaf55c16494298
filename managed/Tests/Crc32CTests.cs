using System.Numerics;
using System.Text;

namespace AsmKernels.Tests;

public class Crc32CTests
{
    /// <summary>The levels with a CRC32C implementation: the managed loop and each kernel's.</summary>
    public static TheoryData<IsaLevel> Levels => AsmKernels.Tests.Levels.Of(KernelOperation.Crc32C);

    private static uint Bitwise(ReadOnlySpan<byte> data, uint crc = 0) => Cli.Reference.Crc32CBitwise(data, crc);

    /// <summary>The CRC-32C kernels of the table, by export name.</summary>
    public static TheoryData<string> KernelNames => new(Kernels.GetKernels(KernelOperation.Crc32C).Select(k => k.Name));

    private static uint Table(ReadOnlySpan<byte> data, uint crc = 0) => Cli.Reference.Crc32C(data, crc);

    private static void SkipUnlessRuns(string kernel)
    {
        string? why = null;
        try
        {
            Kernels.Crc32C(kernel, ReadOnlySpan<byte>.Empty);
        }
        catch (PlatformNotSupportedException e)
        {
            why = e.Message;
        }
        Skip.If(why is not null, why);
    }

    /// <summary>
    /// Each kernel by name (the sse4.2 level has two): every length 0..1024 at every offset 0..63,
    /// and 4095..4097 and 65535..65537 bytes at every offset, each from a different starting CRC.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(KernelNames))]
    public void Each_kernel_matches_the_reference_at_every_length_to_1024_and_around_4K_and_64K(string kernel)
    {
        SkipUnlessRuns(kernel);
        byte[] buffer = Reference.RandomBuffer(14, 8300);
        var random = new Random(15);
        int[] lengths = [.. Cli.Sweep.Lengths(bytes: true)];
        for (int offset = 0; offset < 64; offset++)
        {
            foreach (int n in lengths)
            {
                ReadOnlySpan<byte> data = buffer.AsSpan(offset, n);
                uint seed = (uint)random.Next() ^ (uint)random.Next() << 16;
                uint got = Kernels.Crc32C(kernel, data, seed), want = Table(data, seed);
                if (got != want)
                    Assert.Fail($"{kernel}: {n} bytes at offset {offset} from 0x{seed:X8}: got 0x{got:X8}, want 0x{want:X8}");
            }
        }
    }

    [Fact]
    public void The_table_reference_is_the_bitwise_one()
    {
        byte[] data = Reference.RandomBuffer(16, 200);
        Assert.Equal(Bitwise(data, 0x1234u), Table(data, 0x1234u));
        Assert.Equal(0xE3069283u, Table("123456789"u8));
    }

    [SkippableTheory]
    [MemberData(nameof(KernelNames))]
    public void Each_kernel_known_answers(string kernel)
    {
        SkipUnlessRuns(kernel);
        Assert.Equal(0xE3069283u, Kernels.Crc32C(kernel, "123456789"u8));
        Assert.Equal(0x8A9136AAu, Kernels.Crc32C(kernel, new byte[32]));                               // RFC 3720 B.4
        Assert.Equal(0x62A8AB43u, Kernels.Crc32C(kernel, Enumerable.Repeat((byte)0xFF, 32).ToArray()));
        Assert.Equal(0x46DD794Eu, Kernels.Crc32C(kernel, Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));
        Assert.Equal(0x113FDB5Cu, Kernels.Crc32C(kernel, Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray()));
        Assert.Equal(0u, Kernels.Crc32C(kernel, ReadOnlySpan<byte>.Empty));
    }

    [Fact]
    public void An_unknown_kernel_name_is_an_argument_exception_listing_the_kernels()
    {
        var e = Assert.Throws<ArgumentException>(() => Kernels.Crc32C("asmk_crc32c_nope", "x"u8));
        Assert.Contains("asmk_crc32c_sse42", e.Message);
        Assert.Throws<ArgumentException>(() => Kernels.Crc32C("asmk_popcount_popcnt", "x"u8));
    }

    [Fact, Trait("Category", "Api")]
    public void Pieces_at_random_split_points_give_the_whole_message_crc()
    {
        byte[] message = Reference.RandomBuffer(17, 40_000);
        uint whole = Checksums.Crc32C(message);
        Assert.Equal(Table(message), whole);
        var random = new Random(18);
        for (int round = 0; round < 200; round++)
        {
            uint crc = 0;
            int at = 0;
            while (at < message.Length)
            {
                int n = Math.Min(message.Length - at, random.Next(4) == 0 ? random.Next(0, 8) : random.Next(0, 20_000));
                crc = Checksums.Crc32C(message.AsSpan(at, n), crc);
                at += n;
            }
            Assert.Equal(whole, crc);
        }
    }

    [Fact, Trait("Category", "Api")]
    public void Combine_of_two_crcs_is_the_crc_of_the_concatenation_including_empty_pieces()
    {
        byte[] message = Reference.RandomBuffer(19, 9000);
        var random = new Random(20);
        for (int round = 0; round < 500; round++)
        {
            int n = round < 10 ? round : random.Next(0, message.Length);
            int cut = round % 7 == 0 ? 0 : round % 7 == 1 ? n : random.Next(0, n + 1);
            ReadOnlySpan<byte> a = message.AsSpan(0, cut), b = message.AsSpan(cut, n - cut);
            uint combined = Checksums.Crc32CCombine(Checksums.Crc32C(a), Checksums.Crc32C(b), b.Length);
            Assert.Equal(Table(message.AsSpan(0, n)), combined);
        }
        Assert.Equal(0xE3069283u, Checksums.Crc32CCombine(Checksums.Crc32C("1234"u8), Checksums.Crc32C("56789"u8), 5));
        Assert.Equal(0x1234ABCDu, Checksums.Crc32CCombine(0x1234ABCDu, 0, 0)); // an empty second piece
    }

    [Fact, Trait("Category", "Api")]
    public void Combine_over_lengths_too_large_to_hash_is_associative()
    {
        // (a b) c = a (b c) with b and c of 2^40 and 2^62 - 1 bytes: exercises every squaring.
        uint a = 0x01234567, b = 0x89ABCDEF, c = 0xDEADBEEF;
        long lb = 1L << 40, lc = (1L << 62) - 1;
        Assert.Equal(Checksums.Crc32CCombine(Checksums.Crc32CCombine(a, b, lb), c, lc),
            Checksums.Crc32CCombine(a, Checksums.Crc32CCombine(b, c, lc), lb + lc));
        Assert.Equal(Checksums.Crc32CCombine(a, 0, long.MaxValue), Checksums.Crc32CCombine(Checksums.Crc32CCombine(a, 0, long.MaxValue - 5), 0, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Checksums.Crc32CCombine(a, b, -1));
    }

    /// <summary>Every byte length 0..300 and the large lengths, at every offset 0..63, continuing from a seed.</summary>
    [SkippableTheory]
    [MemberData(nameof(Levels))]
    public void Kernel_matches_the_bitwise_reference_at_every_length_and_offset(IsaLevel isa)
    {
        AsmKernels.Tests.Levels.SkipUnlessSupported(KernelOperation.Crc32C, isa);
        byte[] buffer = Reference.RandomBuffer(11);
        foreach ((int offset, int n) in Reference.Cases())
        {
            ReadOnlySpan<byte> data = buffer.AsSpan(offset, n);
            uint seed = (uint)(n * 0x9E3779B9);
            uint got = Kernels.Crc32C(isa, data, seed), want = Bitwise(data, seed);
            Assert.True(got == want, $"{isa} {n} bytes at offset {offset} from 0x{seed:X8}: got 0x{got:X8}, want 0x{want:X8}");
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Levels))]
    public void Kernel_known_answers(IsaLevel isa)
    {
        AsmKernels.Tests.Levels.SkipUnlessSupported(KernelOperation.Crc32C, isa);
        Assert.Equal(0xE3069283u, Kernels.Crc32C(isa, "123456789"u8));        // the CRC-32C check value
        Assert.Equal(0u, Kernels.Crc32C(isa, ReadOnlySpan<byte>.Empty));
        Assert.Equal(0x8A9136AAu, Kernels.Crc32C(isa, new byte[32]));          // RFC 3720 B.4: 32 zero bytes
        Assert.Equal(0x62A8AB43u, Kernels.Crc32C(isa, Enumerable.Repeat((byte)0xFF, 32).ToArray())); // 32 bytes of 0xFF
        Assert.Equal(0x46DD794Eu, Kernels.Crc32C(isa, Enumerable.Range(0, 32).Select(i => (byte)i).ToArray())); // 0x00..0x1F
        byte[] large = Enumerable.Range(0, 1 << 20).Select(i => (byte)(i * 7)).ToArray();
        Assert.Equal(Bitwise(large), Kernels.Crc32C(isa, large));
    }

    [Fact, Trait("Category", "Api")]
    public void Api_matches_the_reference_and_continues_across_pieces()
    {
        byte[] buffer = Reference.RandomBuffer(12, 2000);
        for (int offset = 0; offset < 64; offset++)
        {
            for (int n = 0; n <= 600; n += n < 300 ? 1 : 37)
            {
                ReadOnlySpan<byte> data = buffer.AsSpan(offset, n);
                Assert.Equal(Bitwise(data), Checksums.Crc32C(data));
                int cut = n / 3;
                Assert.Equal(Bitwise(data), Checksums.Crc32C(data[cut..], Checksums.Crc32C(data[..cut])));
            }
        }
        Assert.Equal(0xE3069283u, Checksums.Crc32C("123456789"u8));
        Assert.Equal(Bitwise(Encoding.ASCII.GetBytes("The quick brown fox jumps over the lazy dog")),
            Checksums.Crc32C("The quick brown fox jumps over the lazy dog"u8));
    }

    [Fact]
    public void The_managed_loop_agrees_with_BitOperations_Crc32C_byte_by_byte()
    {
        byte[] data = Reference.RandomBuffer(13, 100).AsSpan(0, 797).ToArray();
        uint crc = ~0u;
        foreach (byte b in data)
            crc = BitOperations.Crc32C(crc, b);
        Assert.Equal(~crc, Kernels.Crc32C(IsaLevel.Scalar, data));
    }
}
