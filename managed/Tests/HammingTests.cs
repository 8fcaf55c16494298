namespace AsmKernels.Tests;

public class HammingTests
{
    [SkippableTheory]
    [MemberData(nameof(Levels.Of), KernelOperation.HammingDistance, MemberType = typeof(Levels))]
    public void Kernel_matches_reference_at_every_length_and_offset(IsaLevel isa)
    {
        Levels.SkipUnlessSupported(KernelOperation.HammingDistance, isa);
        byte[] bufA = Reference.RandomBuffer(10), bufB = Reference.RandomBuffer(11);
        foreach ((int offset, int n) in Reference.Cases())
        {
            var a = Reference.Words(bufA, offset, n);
            var b = Reference.Words(bufB, (offset * 7 + 5) % 64, n);
            ulong got = Kernels.HammingDistance(isa, a, b), want = Reference.Hamming(a, b);
            Assert.True(got == want, $"{isa} length {n} offset {offset}: got {got}, want {want}");
        }
    }

    [Fact, Trait("Category", "Api")]
    public void Managed_vector_loop_matches_reference_at_every_length_and_offset()
    {
        byte[] bufA = Reference.RandomBuffer(12), bufB = Reference.RandomBuffer(13);
        foreach ((int offset, int n) in Reference.Cases())
        {
            var a = Reference.Words(bufA, offset, n);
            var b = Reference.Words(bufB, (offset * 5 + 3) % 64, n);
            ulong got = HammingPaths.Vector(a, b), want = Reference.Hamming(a, b);
            Assert.True(got == want, $"length {n} offset {offset}: got {got}, want {want}");
        }
        // Every bit differs: the largest byte counts, around the 31-step (124-word) fold.
        foreach (int n in new[] { 123, 124, 125, 127, 128, 248, 252, 1000 })
            Assert.Equal(64UL * (ulong)n, HammingPaths.Vector(Enumerable.Repeat(ulong.MaxValue, n).ToArray(), new ulong[n]));
    }

    [SkippableTheory]
    [MemberData(nameof(Levels.Of), KernelOperation.HammingDistance, MemberType = typeof(Levels))]
    public void Kernel_known_answers(IsaLevel isa)
    {
        Levels.SkipUnlessSupported(KernelOperation.HammingDistance, isa);
        ulong[] ones = Enumerable.Repeat(ulong.MaxValue, 41).ToArray();
        ulong[] alternating = Enumerable.Repeat(0xAAAA_AAAA_AAAA_AAAAUL, 41).ToArray();
        Assert.Equal(0UL, Kernels.HammingDistance(isa, ReadOnlySpan<ulong>.Empty, ReadOnlySpan<ulong>.Empty));
        Assert.Equal(64UL * 41, Kernels.HammingDistance(isa, ones, new ulong[41]));
        Assert.Equal(0UL, Kernels.HammingDistance(isa, alternating, alternating));
        Assert.Equal(32UL * 41, Kernels.HammingDistance(isa, alternating, ones));
    }

    [SkippableTheory]
    [MemberData(nameof(Levels.Of), KernelOperation.HammingDistance, MemberType = typeof(Levels))]
    public void Kernel_rejects_mismatched_lengths(IsaLevel isa)
    {
        Levels.SkipUnlessSupported(KernelOperation.HammingDistance, isa);
        var e = Assert.Throws<ArgumentException>(() => Kernels.HammingDistance(isa, new ulong[5], new ulong[6]));
        Assert.Contains("5", e.Message);
        Assert.Contains("6", e.Message);
    }

    [Fact, Trait("Category", "Api")]
    public void Api_words_match_reference_at_every_length_and_offset()
    {
        byte[] bufA = Reference.RandomBuffer(12), bufB = Reference.RandomBuffer(13);
        foreach ((int offset, int n) in Reference.Cases())
        {
            var a = Reference.Words(bufA, offset, n);
            var b = Reference.Words(bufB, 63 - offset, n);
            ulong got = BitOps.HammingDistance(a, b), want = Reference.Hamming(a, b);
            Assert.True(got == want, $"length {n} offset {offset}: got {got}, want {want}");
        }
    }

    [Fact, Trait("Category", "Api")]
    public void Api_bytes_count_trailing_bytes_at_every_length_and_offset()
    {
        byte[] bufA = Reference.RandomBuffer(14, 400), bufB = Reference.RandomBuffer(15, 400);
        for (int offset = 0; offset < 64; offset++)
        {
            for (int n = 0; n <= 600; n++)
            {
                ReadOnlySpan<byte> a = bufA.AsSpan(offset, n), b = bufB.AsSpan((offset + 13) % 64, n);
                ulong got = BitOps.HammingDistance(a, b), want = Reference.Hamming(a, b);
                Assert.True(got == want, $"{n} bytes at offset {offset}: got {got}, want {want}");
            }
        }
    }

    [Fact, Trait("Category", "Api")]
    public void Api_known_answers()
    {
        Assert.Equal(0UL, BitOps.HammingDistance(ReadOnlySpan<ulong>.Empty, ReadOnlySpan<ulong>.Empty));
        Assert.Equal(0UL, BitOps.HammingDistance(ReadOnlySpan<byte>.Empty, ReadOnlySpan<byte>.Empty));
        Assert.Equal(64UL * 4096, BitOps.HammingDistance(Enumerable.Repeat(ulong.MaxValue, 4096).ToArray(), new ulong[4096]));
        Assert.Equal(8UL * 11, BitOps.HammingDistance(Enumerable.Repeat((byte)0x0F, 11).ToArray(), Enumerable.Repeat((byte)0xF0, 11).ToArray()));
        byte[] same = Reference.RandomBuffer(16, 100);
        Assert.Equal(0UL, BitOps.HammingDistance(same, same));
    }

    [Theory, Trait("Category", "Api")]
    [InlineData(0, 1)]
    [InlineData(3, 2)]
    [InlineData(100, 1000)]
    public void Api_mismatched_lengths_throw_naming_both(int lengthA, int lengthB)
    {
        var words = Assert.Throws<ArgumentException>(() => BitOps.HammingDistance(new ulong[lengthA], new ulong[lengthB]));
        Assert.Contains($"{lengthA} elements", words.Message);
        Assert.Contains($"has {lengthB}", words.Message);
        var bytes = Assert.Throws<ArgumentException>(() => BitOps.HammingDistance(new byte[lengthA], new byte[lengthB]));
        Assert.Contains($"{lengthA} elements", bytes.Message);
        Assert.Contains($"has {lengthB}", bytes.Message);
    }
}
