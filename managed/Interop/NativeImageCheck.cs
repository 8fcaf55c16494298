using System;
using System.Buffers.Binary;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace AsmKernels;

/// <summary>
/// Looks at a native library's file before the OS loader maps it: a truncated or partly written
/// library (an interrupted copy or download) would otherwise kill the process inside dlopen, which
/// maps its segments and faults (SIGBUS) on the pages past the end of the file. An ELF file must be
/// a 64-bit little-endian x86-64 shared object whose program headers and every PT_LOAD segment's
/// file range lie inside the file; a PE file, an x86-64 image whose headers and every section's raw
/// data lie inside the file.
/// </summary>
/// <remarks>
/// AsmKernels.Build's generator emits this same file into every project it binds (namespace
/// AsmKernels.Build), for the project's own library.
/// On Linux the file is read through libc's <c>open</c>, <c>pread</c>, <c>lseek</c>, <c>access</c>
/// and <c>close</c> as function pointers: this runs on every process's start-up path, where a
/// process's first <c>File.Exists</c> cost about 1.7 ms (AMD Zen 4, measured once; see
/// NativeLibraryLoader); the loader's layer of docs/cold-start.md shows no cost for this check.
/// </remarks>
internal static unsafe class NativeImageCheck
{
    /// <summary>What the check found: no file, a file that must not be loaded, or one that may.</summary>
    public enum Verdict { Missing, Refused, Loadable }

    private const int HeaderBytes = 4096;

    /// <summary>Checks <paramref name="path"/>; for <see cref="Verdict.Refused"/>, <paramref name="reason"/> says why.</summary>
    public static Verdict Check(string path, out string? reason) => Check(path, out reason, out _);

    /// <summary>
    /// <see cref="Check(string, out string?)"/>, and for a loadable ELF file its executable segments
    /// (<paramref name="code"/>: load-relative address ranges, for <see cref="IsCode"/>; null otherwise).
    /// </summary>
    public static Verdict Check(string path, out string? reason, out CodeRange[]? code)
    {
        reason = null;
        code = null;
        byte[] header = new byte[HeaderBytes];
        long size;
        int got;
        if (OperatingSystem.IsLinux())
        {
            if (!LibcRead(path, header, out size, out got, out bool exists))
                return exists ? Verdict.Loadable : Verdict.Missing; // unreadable here: the loader says why
            if (size < 0)
            {
                reason = "it is not a regular file (a FIFO, a socket or a character device: the loader would wait on it or read nothing)";
                return Verdict.Refused;
            }
        }
        else
        {
            try
            {
                using var handle = File.OpenHandle(path);
                size = RandomAccess.GetLength(handle);
                got = RandomAccess.Read(handle, header, 0);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                return Verdict.Missing;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return Verdict.Loadable;
            }
        }
        // An array of its own struct, not a list of tuples: generic code over a value tuple has no
        // ReadyToRun code, and compiling it cost every process's load of the library (8 methods).
        var segments = new CodeRange[8];
        int executable = 0;
        bool elf = got >= 4 && header[0] == 0x7F && header[1] == 'E' && header[2] == 'L' && header[3] == 'F';
        reason = elf
            ? ElfProblem(header.AsSpan(0, got), size, ref segments, ref executable)
            : got >= 2 && header[0] == 'M' && header[1] == 'Z'
                ? PeProblem(header.AsSpan(0, got), size)
                : $"it is not a shared library (no ELF or PE header in its first {Math.Min(got, 4)} bytes)";
        if (reason is not null)
            return Verdict.Refused;
        if (elf)
        {
            code = new CodeRange[executable];
            for (int i = 0; i < executable; i++)
                code[i] = segments[i];
        }
        return Verdict.Loadable;
    }

    /// <summary>What keeps the ELF file in <paramref name="h"/> from loading, or null; <paramref name="code"/> receives its executable PT_LOAD ranges.</summary>
    private static string? ElfProblem(ReadOnlySpan<byte> h, long size, ref CodeRange[] code, ref int count)
    {
        if (h.Length < 64 || h[4] != 2 || h[5] != 1)
            return "it is not a 64-bit little-endian ELF file";
        if (BinaryPrimitives.ReadUInt16LittleEndian(h[16..]) != 3 || BinaryPrimitives.ReadUInt16LittleEndian(h[18..]) != 62)
            return "it is not an x86-64 ELF shared object";
        ulong phoff = BinaryPrimitives.ReadUInt64LittleEndian(h[32..]);
        int phentsize = BinaryPrimitives.ReadUInt16LittleEndian(h[54..]), phnum = BinaryPrimitives.ReadUInt16LittleEndian(h[56..]);
        ulong end = phoff + (ulong)(phentsize * phnum);
        if (phentsize < 56 || end > (ulong)size)
            return Truncated(size, end, "its program headers");
        if (end > (ulong)h.Length)
            return $"its program headers lie beyond the first {HeaderBytes} bytes, which is not how a linker writes them";
        for (int i = 0; i < phnum; i++)
        {
            ReadOnlySpan<byte> ph = h[(int)(phoff + (ulong)(i * phentsize))..];
            if (BinaryPrimitives.ReadUInt32LittleEndian(ph) != 1) // PT_LOAD
                continue;
            ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(ph[8..]), filesz = BinaryPrimitives.ReadUInt64LittleEndian(ph[32..]);
            if (offset + filesz > (ulong)size || offset + filesz < offset)
                return Truncated(size, offset + filesz, $"its loadable segment {i}");
            if ((BinaryPrimitives.ReadUInt32LittleEndian(ph[4..]) & 1) != 0) // PF_X
            {
                ulong vaddr = BinaryPrimitives.ReadUInt64LittleEndian(ph[16..]), memsz = BinaryPrimitives.ReadUInt64LittleEndian(ph[40..]);
                if (count == code.Length)
                {
                    var larger = new CodeRange[2 * count];
                    for (int c = 0; c < count; c++)
                        larger[c] = code[c];
                    code = larger;
                }
                code[count++] = new CodeRange(vaddr, vaddr + memsz);
            }
        }
        return null;
    }

    private static string? PeProblem(ReadOnlySpan<byte> h, long size)
    {
        if (h.Length < 0x40)
            return Truncated(size, 0x40, "its DOS header");
        int pe = BinaryPrimitives.ReadInt32LittleEndian(h[0x3C..]);
        if (pe < 0 || pe + 24 > h.Length)
            return Truncated(size, (ulong)Math.Max(pe, 0) + 24, "its PE header");
        if (h[pe] != 'P' || h[pe + 1] != 'E' || h[pe + 2] != 0 || h[pe + 3] != 0)
            return "it is not a PE image (no PE signature)";
        if (BinaryPrimitives.ReadUInt16LittleEndian(h[(pe + 4)..]) != 0x8664)
            return "it is not an x86-64 PE image";
        int sections = BinaryPrimitives.ReadUInt16LittleEndian(h[(pe + 6)..]), optional = BinaryPrimitives.ReadUInt16LittleEndian(h[(pe + 20)..]);
        int table = pe + 24 + optional, tableEnd = table + 40 * sections;
        if (tableEnd > h.Length)
            return Truncated(size, (ulong)tableEnd, "its section table");
        for (int i = 0; i < sections; i++)
        {
            ReadOnlySpan<byte> s = h[(table + 40 * i)..];
            ulong raw = BinaryPrimitives.ReadUInt32LittleEndian(s[16..]), at = BinaryPrimitives.ReadUInt32LittleEndian(s[20..]);
            if (raw != 0 && at + raw > (ulong)size)
                return Truncated(size, at + raw, $"its section {Encoding.ASCII.GetString(s[..8]).TrimEnd('\0')}");
        }
        return null;
    }

    private static string Truncated(long size, ulong needed, string what) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"it is truncated or damaged: {what} would end at byte {needed:N0}, past the end of the file ({size:N0} bytes)");

    /// <summary>
    /// Whether <paramref name="address"/>, an export of a library whose file <c>Check</c> read, lies
    /// in one of the executable segments it found (<paramref name="code"/>): a routine,
    /// not data that a call would crash on. True where this cannot be told (not an ELF file, not
    /// Linux, no dladdr): the caller then calls as before.
    /// </summary>
    public static bool IsCode(CodeRange[]? code, nint address)
    {
        if (code is null || !OperatingSystem.IsLinux() || !Libc.Ready || Libc.DlAddrFn == null)
            return true;
        nint* info = stackalloc nint[4]; // Dl_info: dli_fname, dli_fbase, dli_sname, dli_saddr
        if (Libc.DlAddrFn((void*)address, info) == 0)
            return true;
        ulong offset = (ulong)(address - info[1]);
        foreach (CodeRange range in code)
            if (offset >= range.Start && offset < range.End)
                return true;
        return false;
    }

    /// <summary>An executable segment of a library's file: [Start, End) as offsets from its load address.</summary>
    public readonly struct CodeRange(ulong start, ulong end)
    {
        public ulong Start { get; } = start;
        public ulong End { get; } = end;
    }

    /// <summary>The file's size (-1 when it has none: not a regular file) and its first bytes, through libc; false when it cannot be opened (<paramref name="exists"/>: though it is there).</summary>
    private static bool LibcRead(string path, byte[] header, out long size, out int got, out bool exists)
    {
        size = 0;
        got = 0;
        exists = true;
        if (!Libc.Ready)
            return false;
        int length = Encoding.UTF8.GetByteCount(path);
        byte* name = stackalloc byte[length + 1];
        Encoding.UTF8.GetBytes(path, new Span<byte>(name, length));
        name[length] = 0;
        int fd = Libc.Open(name, 0x80800 /* O_RDONLY | O_CLOEXEC | O_NONBLOCK: a FIFO must not block the open */);
        if (fd < 0)
        {
            // errno does not survive the way back into managed code: ask whether the file is there.
            exists = Libc.Access(name, 0 /* F_OK */) == 0;
            return false;
        }
        size = Libc.Lseek(fd, 0, 2 /* SEEK_END */); // fails (-1) on a FIFO or a socket: not a file to load
        if (size >= 0)
        {
            fixed (byte* buffer = header)
                got = (int)Math.Max(0, Libc.Pread(fd, buffer, (nuint)header.Length, 0));
        }
        Libc.Close(fd);
        return true;
    }

    /// <summary>libc's file calls, resolved once.</summary>
    private static class Libc
    {
        private static readonly nint Handle = NativeLibrary.TryLoad("libc.so.6", out nint h) ? h : 0;
        private static readonly delegate* unmanaged<byte*, int, int> OpenFn = (delegate* unmanaged<byte*, int, int>)Export("open");
        private static readonly delegate* unmanaged<int, byte*, nuint, long, nint> PreadFn = (delegate* unmanaged<int, byte*, nuint, long, nint>)Export("pread");
        private static readonly delegate* unmanaged<int, long, int, long> LseekFn = (delegate* unmanaged<int, long, int, long>)Export("lseek");
        private static readonly delegate* unmanaged<int, int> CloseFn = (delegate* unmanaged<int, int>)Export("close");
        private static readonly delegate* unmanaged<byte*, int, int> AccessFn = (delegate* unmanaged<byte*, int, int>)Export("access");

        /// <summary>dladdr (in libc since glibc 2.34), or null.</summary>
        public static readonly delegate* unmanaged<void*, nint*, int> DlAddrFn = (delegate* unmanaged<void*, nint*, int>)Export("dladdr");

        public static bool Ready => OpenFn != null && PreadFn != null && LseekFn != null && CloseFn != null && AccessFn != null;

        private static nint Export(string name) => Handle != 0 && NativeLibrary.TryGetExport(Handle, name, out nint f) ? f : 0;

        public static int Open(byte* path, int flags) => OpenFn(path, flags);
        public static nint Pread(int fd, byte* buffer, nuint count, long offset) => PreadFn(fd, buffer, count, offset);
        public static long Lseek(int fd, long offset, int whence) => LseekFn(fd, offset, whence);
        public static int Close(int fd) => CloseFn(fd);
        public static int Access(byte* path, int mode) => AccessFn(path, mode);
    }
}
