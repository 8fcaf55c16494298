using AsmKernels.Build;

namespace BuildConsumer;

/// <summary>The project's own routine: bound by AsmKernels.Build's generator from kernels.txt.</summary>
public static partial class ByteSums
{
    /// <summary>The sum of <paramref name="data"/> as unsigned bytes: the best bytesum kernel this CPU runs, else the fallback.</summary>
    [AsmKernel("bytesum")]
    public static partial ulong ByteSum(ReadOnlySpan<byte> data);

    private static ulong ByteSumFallback(ReadOnlySpan<byte> data)
    {
        ulong sum = 0;
        foreach (byte b in data)
            sum += b;
        return sum;
    }

    /// <summary>The fallback itself, the reference of the checks.</summary>
    public static ulong Reference(ReadOnlySpan<byte> data) => ByteSumFallback(data);
}
