namespace AsmKernels.Cli;

/// <summary>
/// One input of the file commands, read front to back: a regular file (its size known up front),
/// or a stream whose size is not known until it ends: <c>-</c> (standard input), a pipe, a FIFO,
/// <c>/dev/stdin</c> or a character device. Every failure is a <see cref="FileFailure"/> that names
/// the input.
/// </summary>
internal sealed class FileInput : IDisposable
{
    private readonly Stream _stream;
    private long _position;

    private FileInput(string name, Stream stream, long? length)
    {
        Name = name;
        _stream = stream;
        Length = length;
    }

    /// <summary>How the input is named in messages: the path, or <c>standard input</c>.</summary>
    public string Name { get; }

    /// <summary>The size in bytes, or null for a stream whose size is known only at its end.</summary>
    public long? Length { get; }

    /// <summary>The bytes read so far.</summary>
    public long Position => _position;

    /// <summary>An input over <paramref name="stream"/> that says it holds <paramref name="length"/> bytes (tests: a size that is only a hint).</summary>
    internal static FileInput FromStream(string name, Stream stream, long? length) => new(name, stream, length);

    public static FileInput Open(string path)
    {
        if (path == "-")
            return OpenStandardInput();
        if (Directory.Exists(path))
            throw new FileFailure($"{path}: is a directory, not a file");
        try
        {
            // No buffer of its own: every read goes straight into the caller's block.
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0, FileOptions.SequentialScan);
            // Devices such as /dev/zero seek but report 0 bytes: their size is unknown too.
            return new FileInput(path, stream, stream.CanSeek && stream.Length > 0 ? stream.Length : null);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FileFailure($"{path}: no such file");
        }
        catch (UnauthorizedAccessException)
        {
            throw new FileFailure($"{path}: permission denied");
        }
        catch (Exception e) when (e is IOException or NotSupportedException or ArgumentException)
        {
            throw new FileFailure($"{path}: cannot be opened: {e.Message}");
        }
    }

    private static FileInput OpenStandardInput()
    {
        if (StandardStreams.IsClosedAtStart(0))
            throw new FileFailure("standard input: is closed");
        Stream stream = Console.OpenStandardInput();
        return new FileInput("standard input", stream, null);
    }

    /// <summary>
    /// Fills <paramref name="buffer"/> from the input; fewer bytes only at its end (0 once it has
    /// ended). A file that ends before its size is an error only when it now reports a smaller one
    /// (it shrank); one that still reports the size it had (a sysfs or procfs file) just ended.
    /// </summary>
    public int Read(Span<byte> buffer)
    {
        int total = 0;
        try
        {
            while (total < buffer.Length)
            {
                int n = _stream.Read(buffer[total..]);
                if (n == 0)
                    break;
                total += n;
            }
        }
        catch (Exception e) when (e is IOException or NotSupportedException or UnauthorizedAccessException or ObjectDisposedException)
        {
            throw new FileFailure($"{Name}: read failed at byte {_position + total:N0}: {e.Message}");
        }
        _position += total;
        if (total < buffer.Length && Length is { } length && _position < length && SizeNow() < _position + 1)
            throw new FileFailure($"{Name}: ended at byte {_position:N0}, before its size of {length:N0} bytes: it shrank while being read");
        return total; // a file that still claims more (sysfs and procfs files do) has ended all the same: its size was a hint
    }

    /// <summary>The file's size now, as the file system reports it.</summary>
    private long SizeNow()
    {
        try
        {
            return _stream.Length;
        }
        catch (Exception e) when (e is IOException or NotSupportedException or ObjectDisposedException)
        {
            return long.MaxValue;
        }
    }

    public void Dispose() => _stream.Dispose();
}
