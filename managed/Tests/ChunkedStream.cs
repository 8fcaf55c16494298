namespace AsmKernels.Tests;

/// <summary>
/// A read-only stream over bytes that cannot seek, like a pipe, and returns at most
/// <paramref name="maxRead"/> bytes per read: exactly that many (or what is left), or with a
/// <paramref name="seed"/> a random number from 1 to it.
/// </summary>
internal sealed class ChunkedStream(byte[] data, int maxRead, int? seed = null) : Stream
{
    private readonly Random? _random = seed is { } s ? new Random(s) : null;
    private int _at;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _at; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int most = _random is null ? maxRead : 1 + _random.Next(maxRead);
        int n = Math.Min(Math.Min(buffer.Length, most), data.Length - _at);
        data.AsSpan(_at, n).CopyTo(buffer);
        _at += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));
}
