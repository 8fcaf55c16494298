using AsmKernels.Build;

namespace MyKernels;

/// <summary>Sums of bytes, by the best kernel of kernels.txt that this CPU runs.</summary>
public static partial class ByteSums
{
    /// <summary>The sum of <paramref name="data"/> as unsigned bytes.</summary>
    /// <param name="data">The bytes; any length, any alignment.</param>
    /// <returns>Their sum.</returns>
    /// <remarks>Bound by AsmKernels.Build to the best bytesum kernel this CPU runs; see <see cref="Describe"/>.</remarks>
    [AsmKernel("bytesum")]
    public static partial ulong ByteSum(ReadOnlySpan<byte> data);

    /// <summary>What runs where no kernel can, and the reference the tests check every kernel against.</summary>
    internal static ulong ByteSumFallback(ReadOnlySpan<byte> data)
    {
        ulong sum = 0;
        foreach (byte b in data)
            sum += b;
        return sum;
    }

    /// <summary>What was bound and why, in words: the native library, the CPU's features, each kernel.</summary>
    /// <returns>One line per fact.</returns>
    public static string Describe() => NativeKernels.Describe();
}
