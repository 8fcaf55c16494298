using System.Text;

namespace AsmKernels.Terminal;

/// <summary>
/// The programs' standard output and error on Linux, in place of the console's: .NET's console
/// writers drop a write that fails (a pipe whose reader has gone, as in <c>| head -c1</c>) without
/// a word, flush every line, and write into whatever file took descriptor 1 or 2 when the process
/// was started with it closed. Here standard output is one buffered stream whose failure is an
/// error (<see cref="FileFailure"/>, exit 2), a closed descriptor is known as closed, and a lost
/// standard error makes the exit code 2 without losing the result on standard output.
/// </summary>
internal static partial class StandardStreams
{
    /// <summary>Standard error was closed, or a write to it failed: the run ends with exit code 2.</summary>
    public static bool ErrorLost { get; private set; }

    /// <summary>A write to standard output failed (reported once, as a <see cref="FileFailure"/>; later writes are dropped): the run ends with exit code 2.</summary>
    public static bool OutputLost { get; private set; }

    /// <summary>Installs the writers as <see cref="Console.Out"/> and <see cref="Console.Error"/> (Linux; elsewhere the console's stay).</summary>
    public static void Install()
    {
        if (!OperatingSystem.IsLinux())
            return;
        bool outClosed = IsClosedAtStart(1), errorClosed = IsClosedAtStart(2);
        Console.SetOut(outClosed ? new ClosedWriter() : new StreamWriter(new OutputStream(1), new UTF8Encoding(false), 1 << 16) { AutoFlush = !Console.IsOutputRedirected });
        if (errorClosed)
        {
            ErrorLost = true;
            Console.SetError(TextWriter.Null);
        }
        else
        {
            Console.SetError(new ErrorWriter(new StreamWriter(new OutputStream(2), new UTF8Encoding(false), 1 << 12) { AutoFlush = true }));
        }
    }

    /// <summary>
    /// Whether the process was started with descriptor <paramref name="fd"/> closed: then it is not
    /// there, or the runtime took the number for a file of its own (open for reading only, as
    /// standard output and error never are, or for writing only while standard input never is),
    /// or for a pipe of its own (its other end in this process too).
    /// </summary>
    public static bool IsClosedAtStart(int fd)
    {
        if (!OperatingSystem.IsLinux())
            return false;
        try
        {
            string? target = new FileInfo($"/proc/self/fd/{fd}").LinkTarget;
            if (target is null)
                return true;
            int access = AccessMode(fd.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (fd == 0 ? access == 1 : access == 0)
                return true;
            if (!target.StartsWith("pipe:", StringComparison.Ordinal))
                return false;
            foreach (string other in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
            {
                string number = Path.GetFileName(other);
                if (number != fd.ToString(System.Globalization.CultureInfo.InvariantCulture) && new FileInfo(other).LinkTarget == target
                    && (fd == 0 ? AccessMode(number) != 0 : AccessMode(number) != 1))
                    return true; // both ends here: the runtime's own pipe
            }
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return false; // no /proc: use it and see
        }
    }

    /// <summary>The access mode of descriptor <paramref name="fd"/> of this process (0 read, 1 write, 2 both; <c>flags:</c> in fdinfo, octal).</summary>
    private static int AccessMode(string fd)
    {
        foreach (string line in File.ReadLines($"/proc/self/fdinfo/{fd}"))
            if (line.StartsWith("flags:", StringComparison.Ordinal))
                return Convert.ToInt32(line[6..].Trim(), 8) & 3;
        return 2;
    }

    /// <summary>
    /// Writes to descriptor 1 or 2 with write(2) at the descriptor's own offset (shared with the
    /// shell and with the other stream, as a FileStream's positional writes would not be); a failed
    /// write is a <see cref="FileFailure"/> naming the stream and the system's reason.
    /// </summary>
    private sealed unsafe partial class OutputStream(int fd) : Stream
    {
        private const int EINTR = 4, EPIPE = 32;
        private readonly string _name = fd == 1 ? "standard output" : "standard error";

        [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
        private static partial nint SysWrite(int fd, byte* buffer, nint count);

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Flush() { }
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (fd == 1 && OutputLost)
                return; // its failure was reported: the rest cannot go out either
            fixed (byte* p = buffer)
            {
                for (int done = 0; done < buffer.Length;)
                {
                    nint n = SysWrite(fd, p + done, buffer.Length - done);
                    if (n >= 0)
                    {
                        done += (int)n;
                        continue;
                    }
                    int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                    if (errno == EINTR)
                        continue;
                    if (fd == 1)
                        OutputLost = true;
                    throw new FileFailure($"{_name}: cannot be written: {(errno == EPIPE ? "its reader has closed it (broken pipe)" : new System.ComponentModel.Win32Exception(errno).Message)}");
                }
            }
        }
    }

    /// <summary>Standard output when the process was started without one: the first write is the failure.</summary>
    private sealed class ClosedWriter : TextWriter
    {
        public override Encoding Encoding => Encoding.UTF8;
        public override void Write(char value) => throw new FileFailure("standard output: is closed");
        public override void Write(string? value)
        {
            if (!string.IsNullOrEmpty(value))
                Write('\0');
        }
    }

    /// <summary>Standard error: a write that fails is dropped and remembered (<see cref="ErrorLost"/>), so that the result still reaches standard output.</summary>
    private sealed class ErrorWriter(TextWriter inner) : TextWriter
    {
        public override Encoding Encoding => inner.Encoding;

        public override void Write(char value) => Guard(() => inner.Write(value));
        public override void Write(string? value) => Guard(() => inner.Write(value));
        public override void Write(char[] buffer, int index, int count) => Guard(() => inner.Write(buffer, index, count));
        public override void WriteLine(string? value) => Guard(() => inner.WriteLine(value));
        public override void Flush() => Guard(inner.Flush);

        private static void Guard(Action write)
        {
            if (ErrorLost)
                return;
            try
            {
                write();
            }
            catch (FileFailure)
            {
                ErrorLost = true;
            }
        }
    }
}
