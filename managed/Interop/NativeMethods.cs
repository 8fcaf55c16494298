using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

[assembly: DisableRuntimeMarshalling]

namespace AsmKernels;

/// <summary>
/// The native exports, as declared in <c>native/include/asmkernels.h</c>. Every routine has two
/// declarations: a plain one, and a <c>Fast</c> one with <see cref="SuppressGCTransitionAttribute"/>
/// that <see cref="NativeKernels"/> uses only for inputs small enough that the call ends well under
/// a microsecond, so that a GC is never held up.
/// </summary>
internal static unsafe partial class NativeMethods
{
    private const string Lib = NativeLibraryLoader.LibraryName;

    [LibraryImport(Lib, EntryPoint = "asmk_popcount_popcnt")]
    internal static partial ulong PopCountPopcnt(ulong* data, nuint count);

    [LibraryImport(Lib, EntryPoint = "asmk_popcount_popcnt"), SuppressGCTransition]
    internal static partial ulong PopCountPopcntFast(ulong* data, nuint count);

    [LibraryImport(Lib, EntryPoint = "asmk_popcount_avx2")]
    internal static partial ulong PopCountAvx2(ulong* data, nuint count);

    [LibraryImport(Lib, EntryPoint = "asmk_popcount_avx2"), SuppressGCTransition]
    internal static partial ulong PopCountAvx2Fast(ulong* data, nuint count);

    [LibraryImport(Lib, EntryPoint = "asmk_popcount_avx512")]
    internal static partial ulong PopCountAvx512(ulong* data, nuint count);

    [LibraryImport(Lib, EntryPoint = "asmk_popcount_avx512"), SuppressGCTransition]
    internal static partial ulong PopCountAvx512Fast(ulong* data, nuint count);

    [LibraryImport(Lib, EntryPoint = "asmk_hamming_popcnt")]
    internal static partial ulong HammingPopcnt(ulong* a, ulong* b, nuint count);

    [LibraryImport(Lib, EntryPoint = "asmk_hamming_popcnt"), SuppressGCTransition]
    internal static partial ulong HammingPopcntFast(ulong* a, ulong* b, nuint count);

    [LibraryImport(Lib, EntryPoint = "asmk_hamming_avx2")]
    internal static partial ulong HammingAvx2(ulong* a, ulong* b, nuint count);

    [LibraryImport(Lib, EntryPoint = "asmk_hamming_avx2"), SuppressGCTransition]
    internal static partial ulong HammingAvx2Fast(ulong* a, ulong* b, nuint count);

    [LibraryImport(Lib, EntryPoint = "asmk_hamming_avx512")]
    internal static partial ulong HammingAvx512(ulong* a, ulong* b, nuint count);

    [LibraryImport(Lib, EntryPoint = "asmk_hamming_avx512"), SuppressGCTransition]
    internal static partial ulong HammingAvx512Fast(ulong* a, ulong* b, nuint count);

    [LibraryImport(Lib, EntryPoint = "asmk_increment_sse2")]
    internal static partial void IncrementSse2(long* data, nuint count, long value);

    [LibraryImport(Lib, EntryPoint = "asmk_increment_sse2"), SuppressGCTransition]
    internal static partial void IncrementSse2Fast(long* data, nuint count, long value);

    [LibraryImport(Lib, EntryPoint = "asmk_increment_avx2")]
    internal static partial void IncrementAvx2(long* data, nuint count, long value);

    [LibraryImport(Lib, EntryPoint = "asmk_increment_avx2"), SuppressGCTransition]
    internal static partial void IncrementAvx2Fast(long* data, nuint count, long value);

    [LibraryImport(Lib, EntryPoint = "asmk_increment_avx512")]
    internal static partial void IncrementAvx512(long* data, nuint count, long value);

    [LibraryImport(Lib, EntryPoint = "asmk_increment_avx512"), SuppressGCTransition]
    internal static partial void IncrementAvx512Fast(long* data, nuint count, long value);

    [LibraryImport(Lib, EntryPoint = "asmk_crc32c_sse42")]
    internal static partial uint Crc32CSse42(uint crc, byte* data, nuint count);

    [LibraryImport(Lib, EntryPoint = "asmk_crc32c_sse42"), SuppressGCTransition]
    internal static partial uint Crc32CSse42Fast(uint crc, byte* data, nuint count);
}
