using System.Numerics;
using System.Runtime.CompilerServices;
using AsmKernels.Build;

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
        nint kernel = Crc32CPaths.Bound;
        if (kernel == 0 || data.Length < Crc32CPaths.NativeFrom)
            return ~Crc32CPaths.Managed(~crc, data);
        return ~Crc32CPaths.Native(kernel, ~crc, data);
    }

    /// <summary>
    /// Combines two CRC-32Cs: from the CRC-32C of a message A and that of a message B, the CRC-32C
    /// of A followed by B, without the bytes. Pieces of a message can so be checksummed
    /// independently (on several cores, or as they arrive out of order) and combined.
    /// </summary>
    /// <param name="crcA">The CRC-32C of the first part, as <see cref="Crc32C(ReadOnlySpan{byte}, uint)"/> returns it.</param>
    /// <param name="crcB">The CRC-32C of the second part, computed from 0.</param>
    /// <param name="lengthB">The length of the second part in bytes.</param>
    /// <returns>The CRC-32C of the first part followed by the second.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lengthB"/> is negative.</exception>
    public static uint Crc32CCombine(uint crcA, uint crcB, long lengthB)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lengthB);
        return Crc32CPaths.Shift(crcA, lengthB) ^ crcB;
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
        return ~(kernel == 0 ? Crc32CPaths.Managed(~crc, data) : Crc32CPaths.Native(kernel, ~crc, data));
    }
}

public static partial class Kernels
{
    /// <summary>
    /// Computes the CRC-32C of <paramref name="data"/> with one named kernel (see
    /// <see cref="GetKernels(KernelOperation)"/>: the sse4.2 level has two, the single crc32 chain
    /// <c>asmk_crc32c_sse42</c> and the three chains <c>asmk_crc32c_pclmul</c>). For comparing kernels.
    /// </summary>
    /// <param name="kernel">The kernel's export name, e.g. <c>asmk_crc32c_avx512</c>.</param>
    /// <param name="data">The bytes.</param>
    /// <param name="crc">The CRC-32C of the bytes before <paramref name="data"/>, to continue from; 0 to start.</param>
    /// <returns>The CRC-32C, as <see cref="Checksums.Crc32C(ReadOnlySpan{byte}, uint)"/> returns it.</returns>
    /// <exception cref="ArgumentException"><paramref name="kernel"/> is not a CRC-32C kernel of this library.</exception>
    /// <exception cref="PlatformNotSupportedException">The kernel cannot run here; the message says why.</exception>
    public static uint Crc32C(string kernel, ReadOnlySpan<byte> data, uint crc = 0) =>
        ~Crc32CPaths.Native(Dispatch.RequireKernel(KernelOperation.Crc32C, kernel), ~crc, data);
}

/// <summary>
/// Crc32C's implementations on the raw CRC register (no inversions; the callers do them): the
/// managed loop over <see cref="BitOperations.Crc32C(uint, ulong)"/> (the reference path, and the
/// path for short inputs), and the call of a native kernel.
/// </summary>
internal static unsafe partial class Crc32CPaths
{
    /// <summary>
    /// From this many bytes the single-chain kernel (<c>asmk_crc32c_sse42</c>, the one that needs no
    /// carry-less multiply) runs. It and the
    /// managed loop (which the JIT compiles to the same <c>crc32</c> instruction) both run one
    /// dependency chain of 8-byte steps, so below a few hundred bytes the kernel's call costs more
    /// than its shorter chain saves.
    /// <c>asmkernels crossover</c> (8..2048 bytes) put the crossing at 256 bytes in two runs of two,
    /// the kernel about 1.6× ahead from 512 bytes.
    /// </summary>
    public const int SingleChainNativeFrom = 256;

    /// <summary>
    /// From this many bytes the kernels that fold with carry-less multiplies or run three chains
    /// are ahead of the managed loop: <c>asmkernels crossover</c> (independent calls at 8..2048
    /// bytes) put the crossing at 192 bytes on AMD Zen 4 for both (with <c>ASMKERNELS_MAX_ISA=sse4.2</c>
    /// for the three chains), 1.3× and 1.05× there, 4.5× and 2× at 2 KiB.
    /// </summary>
    public const int ParallelNativeFrom = 192;

    /// <summary>The kernel dispatch selected, bound once; 0 when managed code runs every length.</summary>
    public static readonly nint Bound = Dispatch.SelectedAddress(KernelOperation.Crc32C);

    /// <summary>From this many bytes <see cref="Checksums.Crc32C(ReadOnlySpan{byte}, uint)"/> calls <see cref="Bound"/>.</summary>
    public static readonly int NativeFrom =
        Dispatch.SelectedKernel(KernelOperation.Crc32C) is int k && k >= 0
            && (KernelTable.Needs(k) & (CpuFeature.Pclmulqdq | CpuFeature.Vpclmulqdq)) != 0 // more than one chain
            ? ParallelNativeFrom : SingleChainNativeFrom;

    /// <summary>x^(2^k) mod P for k = 0..65 (8 * a long's bytes is below 2^66), bit-reflected: the squarings <see cref="Shift"/> multiplies together.</summary>
    private static readonly uint[] PowersOfTwo = MakePowersOfTwo();

    /// <summary>
    /// <paramref name="crc"/> * x^(8 * <paramref name="bytes"/>) mod P: the CRC register moved on by
    /// that many zero bytes, in O(log bytes) multiplies. With it, crc(A ‖ B) = Shift(crc(A), |B|) ^ crc(B)
    /// for the inverted CRC-32C as for the raw register (the inversions cancel).
    /// </summary>
    public static uint Shift(uint crc, long bytes)
    {
        ulong bits = (ulong)bytes;
        for (int k = 3; bits != 0; bits >>= 1, k++) // 8 * bytes = bytes << 3
        {
            if ((bits & 1) != 0)
                crc = MultiplyModP(PowersOfTwo[k], crc);
        }
        return crc;
    }

    /// <summary>a * b mod P of two bit-reflected polynomials (bit 31 is x^0), a bit at a time.</summary>
    public static uint MultiplyModP(uint a, uint b)
    {
        uint product = 0;
        for (uint m = 1u << 31; m != 0; m >>= 1)
        {
            if ((a & m) != 0)
                product ^= b;
            b = (b >> 1) ^ (Polynomial & (0u - (b & 1))); // b * x
        }
        return product;
    }

    /// <summary>The reflected CRC-32C polynomial (Castagnoli), without its x^32 term.</summary>
    public const uint Polynomial = 0x82F63B78;

    private static uint[] MakePowersOfTwo()
    {
        var powers = new uint[66];
        powers[0] = 1u << 30; // x^1
        for (int k = 1; k < powers.Length; k++)
            powers[k] = MultiplyModP(powers[k - 1], powers[k - 1]);
        return powers;
    }

    /// <summary>The raw CRC-32C register after <paramref name="data"/>: 8 bytes per step, then single bytes.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static uint Managed(uint crc, ReadOnlySpan<byte> data)
    {
        // Read through a pointer, not a span cast: MemoryMarshal.Cast<byte, ulong> has no ReadyToRun
        // code, so a fresh process compiled it on its first short checksum and ran its Tier0 code
        // on every call after (DOTNET_JitDisasmSummary=1 lists it in asmkernels-lab's cold child).
        fixed (byte* p = data)
        {
            int i = 0;
            for (; i <= data.Length - sizeof(ulong); i += sizeof(ulong))
                crc = BitOperations.Crc32C(crc, Unsafe.ReadUnaligned<ulong>(p + i));
            for (; i < data.Length; i++)
                crc = BitOperations.Crc32C(crc, p[i]);
        }
        return crc;
    }

    /// <summary>Pins <paramref name="data"/> and calls <paramref name="kernel"/>: without a GC transition up to <see cref="Dispatch.SuppressGCTransitionMaxBytes"/> (the call generated from the kernel table).</summary>
    [AsmKernelCall("crc32c", MaxTransitionFreeBytes = Dispatch.SuppressGCTransitionMaxBytes)]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static partial uint Native(nint kernel, uint crc, ReadOnlySpan<byte> data);
}
