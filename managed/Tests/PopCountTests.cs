namespace AsmKernels.Tests;

public class PopCountTests
{
    [SkippableTheory]
    [MemberData(nameof(Levels.Of), KernelOperation.PopCount, MemberType = typeof(Levels))]
    public void Kernel_matches_reference_at_every_length_and_offset(IsaLevel isa)
    {
        Levels.SkipUnlessSupported(KernelOperation.PopCount, isa);
        byte[] buffer = Reference.RandomBuffer(1);
        foreach ((int offset, int n) in Reference.Cases())
        {
            var data = Reference.Words(buffer, offset, n);
            ulong got = Kernels.PopCount(isa, data), want = Reference.PopCount(data);
            Assert.True(got == want, $"{isa} length {n} offset {offset}: got {got}, want {want}");
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Levels.Of), KernelOperation.PopCount, MemberType = typeof(Levels))]
    public void Kernel_known_answers(IsaLevel isa)
    {
        Levels.SkipUnlessSupported(KernelOperation.PopCount, isa);
        Assert.Equal(0UL, Kernels.PopCount(isa, ReadOnlySpan<ulong>.Empty));
        Assert.Equal(64UL, Kernels.PopCount(isa, [ulong.MaxValue]));
        Assert.Equal(64UL * 301, Kernels.PopCount(isa, Enumerable.Repeat(ulong.MaxValue, 301).ToArray()));
        Assert.Equal(32UL * 37, Kernels.PopCount(isa, Enumerable.Repeat(0xAAAA_AAAA_AAAA_AAAAUL, 37).ToArray()));
        Assert.Equal(32UL * 37, Kernels.PopCount(isa, Enumerable.Repeat(0x5555_5555_5555_5555UL, 37).ToArray()));
        Assert.Equal(0UL, Kernels.PopCount(isa, new ulong[1000]));
        Assert.Equal(2UL, Kernels.PopCount(isa, [1UL, 1UL << 63]));
    }

    [Fact, Trait("Category", "Api")]
    public void Managed_vector_loop_matches_reference_at_every_length_and_offset()
    {
        byte[] buffer = Reference.RandomBuffer(4);
        foreach ((int offset, int n) in Reference.Cases())
        {
            var data = Reference.Words(buffer, offset, n);
            ulong got = PopCountPaths.Vector(data), want = Reference.PopCount(data);
            Assert.True(got == want, $"length {n} offset {offset}: got {got}, want {want}");
        }
        // All ones: the largest byte counts, around the 31-step (124-word) fold into 64-bit lanes.
        foreach (int n in new[] { 123, 124, 125, 127, 128, 248, 252, 1000 })
            Assert.Equal(64UL * (ulong)n, PopCountPaths.Vector(Enumerable.Repeat(ulong.MaxValue, n).ToArray()));
    }

    [Fact, Trait("Category", "Api")]
    public void Api_words_match_reference_at_every_length_and_offset()
    {
        byte[] buffer = Reference.RandomBuffer(2);
        foreach ((int offset, int n) in Reference.Cases())
        {
            var data = Reference.Words(buffer, offset, n);
            ulong got = BitOps.PopCount(data), want = Reference.PopCount(data);
            Assert.True(got == want, $"length {n} offset {offset}: got {got}, want {want}");
        }
    }

    [Fact, Trait("Category", "Api")]
    public void Api_bytes_count_trailing_bytes_at_every_length_and_offset()
    {
        byte[] buffer = Reference.RandomBuffer(3, 400);
        for (int offset = 0; offset < 64; offset++)
        {
            for (int n = 0; n <= 300 * 8 / 4; n++)
            {
                ReadOnlySpan<byte> data = buffer.AsSpan(offset, n);
                ulong got = BitOps.PopCount(data), want = Reference.PopCount(data);
                Assert.True(got == want, $"{n} bytes at offset {offset}: got {got}, want {want}");
            }
        }
    }

    [Fact, Trait("Category", "Api")]
    public void Api_known_answers()
    {
        Assert.Equal(0UL, BitOps.PopCount(ReadOnlySpan<ulong>.Empty));
        Assert.Equal(0UL, BitOps.PopCount(ReadOnlySpan<byte>.Empty));
        Assert.Equal(64UL, BitOps.PopCount([ulong.MaxValue]));
        Assert.Equal(8UL * 4099, BitOps.PopCount(Enumerable.Repeat((byte)0xFF, 4099).ToArray()));
        Assert.Equal(4UL * 13, BitOps.PopCount(Enumerable.Repeat((byte)0xAA, 13).ToArray()));
        Assert.Equal(1UL, BitOps.PopCount(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0x80 }));
        Assert.Equal(64UL * 65537, BitOps.PopCount(Enumerable.Repeat(ulong.MaxValue, 65537).ToArray()));
    }
}
