using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AsmKernels.Benchmarks;

/// <summary>
/// Intel ISA-L's CRC-32C, <c>crc32_iscsi</c> (Debian: <c>apt-get install libisal-dev</c>), the C
/// peer of the CRC-32C benchmarks. It takes and returns the raw CRC register, like the library's
/// kernels. Called like them: without a GC transition up to 8 KiB, with one above.
/// </summary>
internal static unsafe partial class IsaL
{
    private const string Library = "isal";

    /// <summary>Why ISA-L cannot be called here, or null when it can.</summary>
    public static readonly string? Missing = Probe();

    [LibraryImport(Library, EntryPoint = "crc32_iscsi")]
    [SuppressGCTransition]
    private static partial uint Crc32IscsiFast(byte* buffer, int length, uint initCrc);

    [LibraryImport(Library, EntryPoint = "crc32_iscsi")]
    private static partial uint Crc32Iscsi(byte* buffer, int length, uint initCrc);

    /// <summary>The CRC-32C of <paramref name="data"/> by ISA-L, inverted on entry and exit like <see cref="Checksums.Crc32C(ReadOnlySpan{byte}, uint)"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static uint Crc32C(ReadOnlySpan<byte> data, uint crc = 0)
    {
        fixed (byte* p = data)
        {
            return ~(data.Length <= 8192 ? Crc32IscsiFast(p, data.Length, ~crc) : Crc32Iscsi(p, data.Length, ~crc));
        }
    }

    private static string? Probe()
    {
        // Without the -dev package only the versioned file exists.
        NativeLibrary.SetDllImportResolver(typeof(IsaL).Assembly, (name, assembly, path) =>
            name == Library && (NativeLibrary.TryLoad("libisal.so.2", out nint h) || NativeLibrary.TryLoad(name, assembly, path, out h)) ? h : 0);
        try
        {
            return Crc32C("123456789"u8) == 0xE3069283 ? null : "crc32_iscsi gives a wrong check value";
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return $"ISA-L is not installed ({e.GetType().Name}; Debian: apt-get install libisal-dev)";
        }
    }
}
