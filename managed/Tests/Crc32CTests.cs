using System.Numerics;
using System.Text;

namespace AsmKernels.Tests;

public class Crc32CTests
{
    /// <summary>The levels with a CRC32C implementation: the managed loop and each kernel's.</summary>
    public static TheoryData<IsaLevel> Levels => AsmKernels.Tests.Levels.Of(KernelOperation.Crc32C);

    /// <summary>CRC-32C bit by bit: reflected polynomial 0x82F63B78, inverted on entry and exit.</summary>
    private static uint Bitwise(ReadOnlySpan<byte> data, uint crc = 0)
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
