using System.Runtime.CompilerServices;

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
        if (Dispatch.Crc32C == IsaLevel.Scalar || data.Length < Thresholds.Crc32CNative)
            return ~ScalarKernels.Crc32C(~crc, data);
        return ~NativeKernels.Crc32C(Dispatch.Crc32C, ~crc, data);
    }
}
