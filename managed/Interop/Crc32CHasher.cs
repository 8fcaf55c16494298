using System.Buffers;

namespace AsmKernels;

/// <summary>
/// Computes a CRC-32C (see <see cref="Checksums.Crc32C(ReadOnlySpan{byte}, uint)"/>) over data that
/// arrives in pieces: spans, or whole streams read to their end. Each piece goes to the same kernel
/// as a one-shot call, so the result equals <see cref="Checksums.Crc32C(ReadOnlySpan{byte}, uint)"/>
/// over the concatenation. An instance is not thread-safe; to checksum pieces on several threads,
/// hash each separately and join the results with <see cref="Checksums.Crc32CCombine(uint, uint, long)"/>.
/// </summary>
public sealed class Crc32CHasher
{
    /// <summary>The block read from a stream at a time: small enough to stay in the core's L2 cache
    /// between the copy from the stream and the checksum, large enough to make few system calls.</summary>
    public const int StreamBlockBytes = 256 * 1024;

    private uint _crc;

    /// <summary>The number of bytes appended since creation or the last <see cref="Reset"/>.</summary>
    public long Length { get; private set; }

    /// <summary>Appends <paramref name="data"/>.</summary>
    /// <param name="data">The next bytes of the message.</param>
    public void Append(ReadOnlySpan<byte> data)
    {
        _crc = Checksums.Crc32C(data, _crc);
        Length += data.Length;
    }

    /// <summary>Reads <paramref name="stream"/> from its current position to its end and appends every byte.</summary>
    /// <param name="stream">A readable stream.</param>
    /// <returns>The number of bytes read.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> cannot be read.</exception>
    public long Append(Stream stream)
    {
        CheckReadable(stream);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(StreamBlockBytes);
        try
        {
            long total = 0;
            int n;
            while ((n = stream.Read(buffer, 0, StreamBlockBytes)) > 0)
            {
                Append(buffer.AsSpan(0, n));
                total += n;
            }
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads <paramref name="stream"/> asynchronously from its current position to its end and appends every byte.</summary>
    /// <param name="stream">A readable stream.</param>
    /// <param name="cancellationToken">Stops the reading between two blocks; the bytes appended so far stay appended.</param>
    /// <returns>The number of bytes read.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> cannot be read.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public async Task<long> AppendAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        CheckReadable(stream);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(StreamBlockBytes);
        try
        {
            long total = 0;
            int n;
            while ((n = await stream.ReadAsync(buffer.AsMemory(0, StreamBlockBytes), cancellationToken).ConfigureAwait(false)) > 0)
            {
                Append(buffer.AsSpan(0, n));
                total += n;
                cancellationToken.ThrowIfCancellationRequested();
            }
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The CRC-32C of every byte appended so far (of none: 0). The hasher goes on unchanged.</summary>
    /// <returns>The CRC-32C.</returns>
    public uint GetCurrentHash() => _crc;

    /// <summary>Starts over, as a new hasher.</summary>
    public void Reset()
    {
        _crc = 0;
        Length = 0;
    }

    private static void CheckReadable(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
            throw new ArgumentException("The stream cannot be read (it is closed or write-only).", nameof(stream));
    }
}
