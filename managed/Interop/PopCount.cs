using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using AsmKernels.Build;

namespace AsmKernels;

public static partial class BitOps
{
    /// <summary>Counts the set bits in <paramref name="data"/>.</summary>
    /// <param name="data">The words to count; any length, any alignment.</param>
    /// <returns>The number of 1 bits.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // short inputs cost what the JIT's own loop costs
    public static ulong PopCount(ReadOnlySpan<ulong> data) =>
        data.Length < PopCountPaths.VectorFrom ? PopCountPaths.Scalar(data) : PopCountPaths.Long(data);

    /// <summary>Counts the set bits in <paramref name="data"/>, including a final partial word.</summary>
    /// <param name="data">The bytes to count; any length, any alignment.</param>
    /// <returns>The number of 1 bits.</returns>
    public static ulong PopCount(ReadOnlySpan<byte> data)
    {
        ulong total = PopCount(MemoryMarshal.Cast<byte, ulong>(data));
        if ((data.Length & 7) != 0)
            total += (ulong)BitOperations.PopCount(TailWord(data));
        return total;
    }

    /// <summary>The last <c>length % 8</c> bytes of a byte span as one zero-padded word.</summary>
    internal static ulong TailWord(ReadOnlySpan<byte> bytes)
    {
        ulong word = 0;
        bytes[(bytes.Length & ~7)..].CopyTo(MemoryMarshal.AsBytes(new Span<ulong>(ref word)));
        return word;
    }
}

public static partial class Kernels
{
    /// <summary>Counts the set bits in <paramref name="data"/> with the implementation at <paramref name="isa"/>.</summary>
    /// <param name="isa">The level to run.</param>
    /// <param name="data">The words to count.</param>
    /// <returns>The number of 1 bits.</returns>
    /// <exception cref="PlatformNotSupportedException">The level cannot run here; the message says why.</exception>
    public static ulong PopCount(IsaLevel isa, ReadOnlySpan<ulong> data)
    {
        nint kernel = Dispatch.Require(KernelOperation.PopCount, isa);
        return kernel == 0 ? PopCountPaths.Scalar(data) : PopCountPaths.Native(kernel, data);
    }

    /// <summary>Counts the set bits in <paramref name="data"/> with one named kernel (see <see cref="GetKernels(KernelOperation)"/>). For comparing kernels.</summary>
    /// <param name="kernel">The kernel's export name, e.g. <c>asmk_popcount_popcnt</c>.</param>
    /// <param name="data">The words to count.</param>
    /// <returns>The number of 1 bits.</returns>
    /// <exception cref="ArgumentException"><paramref name="kernel"/> is not a PopCount kernel of this library.</exception>
    /// <exception cref="PlatformNotSupportedException">The kernel cannot run here; the message says why.</exception>
    public static ulong PopCount(string kernel, ReadOnlySpan<ulong> data) =>
        PopCountPaths.Native(Dispatch.RequireKernel(KernelOperation.PopCount, kernel), data);
}

/// <summary>
/// PopCount's implementations: the scalar loop (the reference, and the path for the shortest
/// inputs), the managed vector loop, and the call of a native kernel.
/// </summary>
/// <remarks>
/// Thresholds, measured with <c>asmkernels crossover</c> (see <see cref="VectorFrom"/> and
/// <see cref="NativeFrom"/>). The public API inlines only the scalar loop; longer inputs take one
/// call, <see cref="Long"/>, which pins and calls the kernel itself, or calls the vector loop once
/// that is compiled (<see cref="VectorLoop"/>). Nothing on the kernel's path depends on the vector
/// width the JIT targets, so ReadyToRun code serves it from the first call.
/// </remarks>
internal static unsafe partial class PopCountPaths
{
    /// <summary>
    /// From this many words the vector loop runs instead of the scalar one. Up to 16 words (64- to
    /// 1024-bit codes compared one pair at a time) the scalar loop, inlined into the caller's loop,
    /// costs no call: <c>./build.sh bench --short</c> times it against a naive loop there, per call
    /// and inside a search loop (docs/short-inputs.md). From 17 words the vector loop's four words
    /// per step pay for its call: <c>asmkernels crossover</c> on AMD Zen 4 has it 1.4× ahead of
    /// the scalar loop at 20–64 words, both called.
    /// </summary>
    public const int VectorFrom = 17;

    /// <summary>
    /// From this many words the native kernel runs (when one is bound). <c>asmkernels crossover</c>
    /// put the crossing at 36–40 words on AMD Zen 4 (the AVX-512 kernel 1.4–2× ahead from 40) and
    /// at 40–48 on Intel Sapphire Rapids; at 40 the kernel is at least even on both.
    /// </summary>
    public const int NativeFrom = 40;

    /// <summary>The kernel dispatch selected, bound once; 0 when managed code runs every length.</summary>
    public static readonly nint Bound = Dispatch.SelectedAddress(KernelOperation.PopCount);

    /// <summary>The reference loop: one <c>popcnt</c> per word, four words per step into two sums, then the last 0-3 words.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // the small-input path of the public API
    public static ulong Scalar(ReadOnlySpan<ulong> data)
    {
        ref ulong p = ref MemoryMarshal.GetReference(data);
        nuint n = (nuint)data.Length, i = 0;
        ulong even = 0, odd = 0;
        for (; i + 4 <= n; i += 4)
        {
            even += ulong.PopCount(Unsafe.Add(ref p, i)) + ulong.PopCount(Unsafe.Add(ref p, i + 1));
            odd += ulong.PopCount(Unsafe.Add(ref p, i + 2)) + ulong.PopCount(Unsafe.Add(ref p, i + 3));
        }
        for (; i < n; i++)
            even += ulong.PopCount(Unsafe.Add(ref p, i));
        return even + odd;
    }

    /// <summary>The vector loop, compiled in the background once inputs of <see cref="VectorFrom"/>..<see cref="NativeFrom"/> words come often (<see cref="BackgroundCompiled"/>).</summary>
    public static readonly BackgroundCompiled VectorLoop = new(static () => Vector(new ulong[VectorFrom]));

    /// <summary>
    /// Inputs from <see cref="VectorFrom"/> words: the kernel, or below <see cref="NativeFrom"/>
    /// the vector loop once it is compiled. Kept out of line, so that the public API inlines into a
    /// caller's loop as the scalar loop and one compare, nothing more.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong Long(ReadOnlySpan<ulong> data)
    {
        nint kernel = Bound;
        return kernel == 0 || (data.Length < NativeFrom && VectorLoop.IsReady) ? Vector(data) : Native(kernel, data);
    }

    /// <summary>The managed vector loop (<see cref="CountBits"/>); the scalar loop without AVX2.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // compiled once, fully optimized
    public static ulong Vector(ReadOnlySpan<ulong> data)
    {
        if (!Avx2.IsSupported)
            return Scalar(data);
        ref ulong p = ref MemoryMarshal.GetReference(data);
        return CountBits(ref p, ref p, (nuint)data.Length, hamming: false);
    }

    /// <summary>Pins <paramref name="data"/> and calls <paramref name="kernel"/>: without a GC transition up to <see cref="Dispatch.SuppressGCTransitionMaxBytes"/> (the call generated from the kernel table).</summary>
    [AsmKernelCall("popcount", MaxTransitionFreeBytes = Dispatch.SuppressGCTransitionMaxBytes)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into Long: one call from the public API
    public static partial ulong Native(nint kernel, ReadOnlySpan<ulong> data);

    /// <summary>
    /// Set bits of the words at <paramref name="a"/> (or of <c>a ^ b</c>), four per step: each
    /// byte's nibbles index a table of bit counts, and <c>vpsadbw</c> adds each step's byte counts
    /// into 64-bit lanes. The last 1-3 words are counted in one more vector, the input's last four
    /// words with those already counted masked off; inputs of under four words go through
    /// <c>popcnt</c>. One plain loop: this path serves short inputs, where loop overhead counts.
    /// HammingDistance runs the same loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong CountBits(ref ulong a, ref ulong b, nuint n, bool hamming)
    {
        Vector256<byte> table = Vector256.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
                                                 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
        Vector256<byte> lowNibbles = Vector256.Create((byte)0x0F);
        Vector256<ulong> lanes = Vector256<ulong>.Zero;
        nuint i = 0;
        for (; i + 4 <= n; i += 4)
        {
            Vector256<byte> v = Vector256.LoadUnsafe(ref a, i).AsByte();
            if (hamming)
                v ^= Vector256.LoadUnsafe(ref b, i).AsByte();
            lanes += ByteCountLanes(v, table, lowNibbles);
        }
        if (i < n && n >= 4)
        {
            // 1-3 words left: the last four words, minus the ones the loop already counted.
            nuint start = n - 4;
            Vector256<ulong> keep = Vector256.GreaterThanOrEqual(Vector256.Create(0UL, 1, 2, 3), Vector256.Create((ulong)(i - start)));
            Vector256<ulong> last = Vector256.LoadUnsafe(ref a, start);
            if (hamming)
                last ^= Vector256.LoadUnsafe(ref b, start);
            lanes += ByteCountLanes((last & keep).AsByte(), table, lowNibbles);
            i = n;
        }
        ulong total = Vector256.Sum(lanes);
        for (; i < n; i++) // fewer than four words in all
            total += ulong.PopCount(hamming ? Unsafe.Add(ref a, i) ^ Unsafe.Add(ref b, i) : Unsafe.Add(ref a, i));
        return total;
    }

    /// <summary>The bit counts of the four 64-bit lanes of <paramref name="v"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> ByteCountLanes(Vector256<byte> v, Vector256<byte> table, Vector256<byte> lowNibbles)
    {
        Vector256<byte> high = Avx2.ShiftRightLogical(v.AsUInt16(), 4).AsByte();
        Vector256<byte> counts = Avx2.Shuffle(table, v & lowNibbles) + Avx2.Shuffle(table, high & lowNibbles);
        return Avx2.SumAbsoluteDifferences(counts, Vector256<byte>.Zero).AsUInt64();
    }
}
