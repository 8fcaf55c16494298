namespace AsmKernels.Tests;

public class IncrementTests
{
    private static readonly long[] Values = [1, -1, 0, 3, long.MaxValue, long.MinValue, 0x0123_4567_89AB_CDEF];

    /// <summary>
    /// Increments <c>count</c> elements at <c>offset</c> inside a random buffer and checks every
    /// element of the range and every byte outside it.
    /// </summary>
    private static void CheckRange(Action<Span<long>, long> increment, string label)
    {
        byte[] buffer = Reference.RandomBuffer(20);
        byte[] before = new byte[buffer.Length];
        int k = 0;
        foreach ((int offset, int n) in Reference.Cases())
        {
            long value = Values[k++ % Values.Length];
            buffer.CopyTo(before, 0);
            increment(Reference.Longs(buffer, offset, n), value);

            var now = Reference.Longs(buffer, offset, n);
            var old = Reference.Longs(before, offset, n);
            for (int i = 0; i < n; i++)
                Assert.True(now[i] == unchecked(old[i] + value), $"{label} length {n} offset {offset} value {value}: element {i} is {now[i]}, want {unchecked(old[i] + value)}");
            Assert.True(buffer.AsSpan(0, offset).SequenceEqual(before.AsSpan(0, offset)), $"{label} length {n} offset {offset}: wrote before the range");
            Assert.True(buffer.AsSpan(offset + 8 * n).SequenceEqual(before.AsSpan(offset + 8 * n)), $"{label} length {n} offset {offset}: wrote after the range");
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Levels.Of), KernelOperation.IncrementBy, MemberType = typeof(Levels))]
    public void Kernel_matches_reference_and_writes_only_its_range(IsaLevel isa)
    {
        Levels.SkipUnlessSupported(KernelOperation.IncrementBy, isa);
        CheckRange((data, value) => Kernels.IncrementBy(isa, data, value), isa.ToString());
    }

    [SkippableTheory]
    [MemberData(nameof(Levels.Of), KernelOperation.IncrementBy, MemberType = typeof(Levels))]
    public void Kernel_wraps_at_the_edges(IsaLevel isa)
    {
        Levels.SkipUnlessSupported(KernelOperation.IncrementBy, isa);
        foreach (int n in new[] { 5, 9, 13, 37 }) // the edges land in the 8-block, the 4-block and the 1-loop
        {
            long[] data = new long[n];
            for (int i = 0; i < n; i++) data[i] = (i % 4) switch { 0 => long.MaxValue, 1 => long.MinValue, 2 => -1, _ => 0 };
            Kernels.IncrementBy(isa, data, 1);
            for (int i = 0; i < n; i++)
                Assert.Equal((i % 4) switch { 0 => long.MinValue, 1 => long.MinValue + 1, 2 => 0, _ => 1 }, data[i]);
            Kernels.IncrementBy(isa, data, -1);
            for (int i = 0; i < n; i++)
                Assert.Equal((i % 4) switch { 0 => long.MaxValue, 1 => long.MinValue, 2 => -1, _ => 0 }, data[i]);
            Kernels.IncrementBy(isa, data, long.MinValue);
            Assert.Equal(-1L, data[0]); // MaxValue + MinValue
        }
    }

    [Fact, Trait("Category", "Api")]
    public void Api_matches_reference_and_writes_only_its_range() =>
        CheckRange(Int64Ops.IncrementBy, "IncrementBy");

    [Fact, Trait("Category", "Api")]
    public void Api_is_exact_on_both_sides_of_the_native_threshold()
    {
        // Above IncrementPaths.NativeFrom the public API calls the kernel; below it, the vector loop once
        // it is compiled (BackgroundCompiledTests), the kernel before.
        foreach (int n in new[] { IncrementPaths.NativeFrom - 1, IncrementPaths.NativeFrom + 13 })
        {
            long[] buffer = new long[n + 2];
            for (int i = 0; i < buffer.Length; i++) buffer[i] = i * 0x9E37_79B9L;
            Int64Ops.IncrementBy(buffer.AsSpan(1, n), -5);
            Assert.Equal(0L, buffer[0]);
            Assert.Equal((n + 1) * 0x9E37_79B9L, buffer[n + 1]);
            for (int i = 1; i <= n; i++)
                if (buffer[i] != i * 0x9E37_79B9L - 5)
                    Assert.Fail($"length {n}: element {i - 1} is {buffer[i]}, want {i * 0x9E37_79B9L - 5}");
        }
    }

    [Fact, Trait("Category", "Api")]
    public void Api_wraps_and_handles_negative_values()
    {
        long[] data = [long.MaxValue, long.MinValue, -1, 0, 41];
        Int64Ops.IncrementBy(data, 1);
        Assert.Equal([long.MinValue, long.MinValue + 1, 0, 1, 42], data);
        Int64Ops.IncrementBy(data, -43);
        Assert.Equal([long.MaxValue - 42, unchecked(long.MinValue + 1 - 43), -43, -42, -1], data);
        Int64Ops.IncrementBy(Span<long>.Empty, 5);
    }

    [Fact, Trait("Category", "Api")]
    public void Api_incremented_copy_leaves_the_source_untouched()
    {
        foreach (int n in Reference.Lengths)
        {
            long[] source = new long[n];
            for (int i = 0; i < n; i++) source[i] = i * 1_000_003L - 7;
            long[] snapshot = (long[])source.Clone();
            long[] copy = Int64Ops.IncrementedCopy(source, long.MaxValue);
            Assert.Equal(snapshot, source);
            Assert.Equal(n, copy.Length);
            for (int i = 0; i < n; i++)
                Assert.True(copy[i] == unchecked(source[i] + long.MaxValue), $"length {n} element {i}");
        }
        Assert.Empty(Int64Ops.IncrementedCopy(ReadOnlySpan<long>.Empty, 1));
    }

    [Fact, Trait("Category", "Api")]
    public void Api_incremented_copy_into_a_destination()
    {
        long[] source = Enumerable.Range(0, 100).Select(i => (long)i).ToArray();
        long[] destination = Enumerable.Repeat(-9L, 103).ToArray();
        Int64Ops.IncrementedCopy(source, destination, 10);
        Assert.Equal(source.Select(v => v + 10), destination.Take(100));
        Assert.Equal([-9L, -9L, -9L], destination.Skip(100));

        // In place (source and destination are the same memory) is an increment.
        Int64Ops.IncrementedCopy(source, source, 1);
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), source);

        var e = Assert.Throws<ArgumentException>(() => Int64Ops.IncrementedCopy(new long[10], new long[9], 1));
        Assert.Equal("destination", e.ParamName);
        Assert.Contains("9", e.Message);
        Assert.Contains("10", e.Message);
    }
}
