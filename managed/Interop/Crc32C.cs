using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AsmKernels;

/// <summary>Checksums of byte arrays, dispatched to the fastest kernel this process can run (see <see cref="Kernels"/>).</summary>
public static class Checksums
{
    /// <summary>
    /// Computes the CRC-32C (Castagnoli: reflected polynomial 0x82F63B78, initial value and final
    /// XOR 0xFFFFFFFF, as in iSCSI, ext4 and SSE4.2) of <paramref name="data"/>. The CRC-32C of
    /// <c>"123456789"</c> is <c>0xE3069283</c>.
    /// </summary>
    /// <param name="data">The bytes; any length, any alignment.</param>
    /// <param name="crc">The CRC-32C of the bytes before <paramref name="data"/>, to continue from
    /// (<c>Crc32C(b, Crc32C(a))</c> equals the CRC-32C of a followed by b); 0 to start.</param>
    /// <returns>The CRC-32C.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Crc32C(ReadOnlySpan<byte> data, uint crc = 0)
    {
        nint kernel = Crc32CKernels.Bound;
        if (kernel == 0 || data.Length < Crc32CKernels.NativeFrom)
            return ~Crc32CKernels.Managed(~crc, data);
        return ~Crc32CKernels.Native(kernel, ~crc, data);
    }
}

public static partial class Kernels
{
    /// <summary>Computes the CRC-32C of <paramref name="data"/> with the implementation at <paramref name="isa"/>.</summary>
    /// <param name="isa">The level to run.</param>
    /// <param name="data">The bytes.</param>
    /// <param name="crc">The CRC-32C of the bytes before <paramref name="data"/>, to continue from; 0 to start.</param>
    /// <returns>The CRC-32C, as <see cref="Checksums.Crc32C(ReadOnlySpan{byte}, uint)"/> returns it.</returns>
    /// <exception cref="PlatformNotSupportedException">The level cannot run here; the message says why.</exception>
    public static uint Crc32C(IsaLevel isa, ReadOnlySpan<byte> data, uint crc = 0)
    {
        nint kernel = Dispatch.Require(KernelOperation.Crc32C, isa);
        return ~(kernel == 0 ? Crc32CKernels.Managed(~crc, data) : Crc32CKernels.Native(kernel, ~crc, data));
    }
}

/// <summary>
/// Crc32C's implementations on the raw CRC register (no inversions; the callers do them): the
/// managed loop over <see cref="BitOperations.Crc32C(uint, ulong)"/> (the reference path, and the
/// path for short inputs), and the call of a native kernel.
/// </summary>
internal static unsafe class Crc32CKernels
{
    /// <summary>
    /// From this many bytes the native kernel runs. The kernel and the managed loop (which the JIT
    /// compiles to the same <c>crc32</c> instruction) both run one dependency chain of 8-byte steps,
    /// so below a few hundred bytes the kernel's call costs more than its shorter chain saves.
    /// <c>asmkernels crossover</c> (8..2048 bytes) put the crossing at 256 bytes in two runs of two,
    /// the kernel about 1.6× ahead from 512 bytes.
    /// </summary>
    public const int NativeFrom = 256;

    /// <summary>The kernel dispatch selected, bound once; 0 when managed code runs every length.</summary>
    public static readonly nint Bound = Dispatch.SelectedAddress(KernelOperation.Crc32C);

    /// <summary>The raw CRC-32C register after <paramref name="data"/>: 8 bytes per step, then single bytes.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static uint Managed(uint crc, ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (ulong word in words)
            crc = BitOperations.Crc32C(crc, word);
        foreach (byte b in data[(words.Length * sizeof(ulong))..])
            crc = BitOperations.Crc32C(crc, b);
        return crc;
    }

    /// <summary>Pins <paramref name="data"/> and calls <paramref name="kernel"/>: without a GC transition up to <see cref="Dispatch.SuppressGCTransitionMaxBytes"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static uint Native(nint kernel, uint crc, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            nuint n = (nuint)data.Length;
            return data.Length <= Dispatch.SuppressGCTransitionMaxBytes
                ? ((Crc32CKernelFast)kernel)(crc, p, n)
                : WithTransition(kernel, crc, p, n);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static uint WithTransition(nint kernel, uint crc, byte* p, nuint n) => ((Crc32CKernel)kernel)(crc, p, n);
}
