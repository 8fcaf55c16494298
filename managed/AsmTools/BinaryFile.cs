using System.Runtime.InteropServices;

namespace AsmKernels.AsmTools;

/// <summary>
/// The libraries and object files the tools read (<c>disasm --native</c>, <c>abicheck</c>, <c>compare</c>):
/// a regular file of a bounded size, or one <see cref="IOException"/> naming what it is instead --
/// missing, a directory, a FIFO (whose open would wait for a writer forever), a device (which
/// would read without end), or larger than any library the tools take.
/// </summary>
internal static partial class BinaryFile
{
    /// <summary>The largest file read: far beyond any library of routines, far below what reading it whole would cost.</summary>
    public const long MaxBytes = 256L << 20;

    /// <summary>Refuses <paramref name="path"/> unless it is a regular file of at most <see cref="MaxBytes"/> bytes.</summary>
    /// <exception cref="IOException">It is not; the message says what it is.</exception>
    public static void Check(string path)
    {
        if (Directory.Exists(path))
            throw new IOException($"{path}: is a directory, not a file");
        if (!File.Exists(path))
            throw new IOException($"{path}: no such file");
        if (OperatingSystem.IsLinux() && Type(path) is { } type && type != "a regular file")
            throw new IOException($"{path}: is {type}, not a library or object file");
        long size = new FileInfo(path).Length;
        if (size > MaxBytes)
            throw new IOException($"{path}: is {size:N0} bytes, more than the {MaxBytes:N0} the tools read");
    }

    /// <summary>The whole of <paramref name="path"/>, after <see cref="Check"/>.</summary>
    public static byte[] Read(string path)
    {
        Check(path);
        return File.ReadAllBytes(path);
    }

    // struct stat on x86-64 Linux: st_mode is the 32 bits at offset 24 of its 144 bytes.
    private const int StatBytes = 144, ModeOffset = 24;

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int Stat(string path, byte* buffer);

    /// <summary>What kind of file <paramref name="path"/> is, from stat(2) (which follows links and opens nothing), or null when that cannot be read.</summary>
    private static unsafe string? Type(string path)
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64)
            return null;
        byte* buffer = stackalloc byte[StatBytes];
        try
        {
            if (Stat(path, buffer) != 0)
                return null;
        }
        catch (EntryPointNotFoundException)
        {
            return null; // a C library before glibc 2.33 exports no stat: open it and see
        }
        return (*(uint*)(buffer + ModeOffset) & 0xF000) switch
        {
            0x8000 => "a regular file",
            0x1000 => "a FIFO",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0xC000 => "a socket",
            0x4000 => "a directory",
            _ => "not a regular file",
        };
    }
}
