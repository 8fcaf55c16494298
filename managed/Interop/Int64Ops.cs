using System.Runtime.CompilerServices;

namespace AsmKernels;

/// <summary>
/// Bulk arithmetic on <see cref="long"/> arrays, dispatched to the fastest kernel this process can
/// run (see <see cref="Kernels"/>). Arithmetic wraps on overflow, like <c>paddq</c> and
/// <c>unchecked</c> C#: <c>long.MaxValue + 1</c> is <c>long.MinValue</c>.
/// </summary>
public static class Int64Ops
{
    /// <summary>Adds <paramref name="value"/> to every element of <paramref name="data"/>, in place.</summary>
    /// <param name="data">The elements to update; any length, any alignment.</param>
    /// <param name="value">The value to add (negative to subtract).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // short inputs cost what the JIT's own loop costs
    public static void IncrementBy(Span<long> data, long value)
    {
        if (data.Length < Thresholds.IncrementVector)
            ScalarKernels.IncrementBy(data, value);
        else if (Dispatch.IncrementBy == IsaLevel.Scalar || data.Length < Thresholds.IncrementNative)
            VectorKernels.IncrementBy(data, value);
        else
            NativeKernels.IncrementBy(Dispatch.IncrementBy, data, value);
    }

    /// <summary>Returns a new array holding <c>source[i] + value</c>; <paramref name="source"/> is left untouched.</summary>
    /// <param name="source">The input elements.</param>
    /// <param name="value">The value to add.</param>
    /// <returns>A new array of <c>source.Length</c> elements.</returns>
    public static long[] IncrementedCopy(ReadOnlySpan<long> source, long value)
    {
        long[] result = source.ToArray();
        IncrementBy(result, value);
        return result;
    }

    /// <summary>
    /// Writes <c>source[i] + value</c> into the first <c>source.Length</c> elements of
    /// <paramref name="destination"/>, without allocating. The spans may overlap.
    /// </summary>
    /// <param name="source">The input elements.</param>
    /// <param name="destination">Where the results go; at least as long as <paramref name="source"/>.</param>
    /// <param name="value">The value to add.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="source"/>.</exception>
    public static void IncrementedCopy(ReadOnlySpan<long> source, Span<long> destination, long value)
    {
        if (destination.Length < source.Length)
            throw new ArgumentException(
                $"The destination has {destination.Length} elements but the source has {source.Length}; it must be at least as long.",
                nameof(destination));
        source.CopyTo(destination);
        IncrementBy(destination[..source.Length], value);
    }
}
