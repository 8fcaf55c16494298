namespace AsmKernels.Tests;

/// <summary><see cref="Crc32CHasher"/> against one-shot <see cref="Checksums.Crc32C(ReadOnlySpan{byte}, uint)"/>.</summary>
public class Crc32CHasherTests
{
    private static readonly byte[] Message = Reference.RandomBuffer(21, 100_000);

    [Fact]
    public void Spans_in_random_pieces_give_the_one_shot_result_and_length()
    {
        var random = new Random(22);
        var hasher = new Crc32CHasher();
        Assert.Equal(0u, hasher.GetCurrentHash());
        int at = 0;
        while (at < Message.Length)
        {
            int n = Math.Min(Message.Length - at, random.Next(0, 5000));
            hasher.Append(Message.AsSpan(at, n));
            at += n;
            Assert.Equal(Checksums.Crc32C(Message.AsSpan(0, at)), hasher.GetCurrentHash());
        }
        Assert.Equal(Message.Length, hasher.Length);
        hasher.Reset();
        Assert.Equal((0u, 0L), (hasher.GetCurrentHash(), hasher.Length));
        hasher.Append("123456789"u8);
        Assert.Equal(0xE3069283u, hasher.GetCurrentHash());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(100_000)]
    public void A_stream_read_to_its_end_gives_the_one_shot_result(int length)
    {
        var hasher = new Crc32CHasher();
        hasher.Append(Message.AsSpan(0, 7)); // streams continue what came before
        Assert.Equal(length, hasher.Append(new MemoryStream(Message, 7, length)));
        Assert.Equal(Checksums.Crc32C(Message.AsSpan(0, 7 + length)), hasher.GetCurrentHash());
        Assert.Equal(7 + length, hasher.Length);

        var trickle = new Crc32CHasher();
        Assert.Equal(length, trickle.Append(new ChunkedStream(Message.AsSpan(0, length).ToArray(), 1000)));
        Assert.Equal(Checksums.Crc32C(Message.AsSpan(0, length)), trickle.GetCurrentHash());
    }

    [Fact]
    public async Task AppendAsync_reads_a_file_to_its_end()
    {
        string path = Path.GetTempFileName();
        try
        {
            byte[] content = Reference.RandomBuffer(23, 3 * Crc32CHasher.StreamBlockBytes / 8 + 5);
            await File.WriteAllBytesAsync(path, content);
            var hasher = new Crc32CHasher();
            await using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.Asynchronous))
                Assert.Equal(content.Length, await hasher.AppendAsync(file));
            Assert.Equal(Checksums.Crc32C(content), hasher.GetCurrentHash());
            var sync = new Crc32CHasher();
            using (var file = File.OpenRead(path))
                sync.Append(file);
            Assert.Equal(hasher.GetCurrentHash(), sync.GetCurrentHash());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task AppendAsync_stops_when_canceled()
    {
        using var canceled = new CancellationTokenSource();
        await canceled.CancelAsync();
        var hasher = new Crc32CHasher();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hasher.AppendAsync(new MemoryStream(Message), canceled.Token));
        Assert.True(hasher.Length <= Crc32CHasher.StreamBlockBytes);
    }

    [Fact]
    public async Task Null_and_unreadable_streams_are_argument_errors()
    {
        var hasher = new Crc32CHasher();
        Assert.Throws<ArgumentNullException>(() => hasher.Append((Stream)null!));
        var closed = new MemoryStream(Message);
        closed.Dispose();
        Assert.Throws<ArgumentException>(() => hasher.Append(closed));
        await Assert.ThrowsAsync<ArgumentException>(() => hasher.AppendAsync(closed));
        Assert.Equal((0u, 0L), (hasher.GetCurrentHash(), hasher.Length));
    }
}
