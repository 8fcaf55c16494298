namespace AsmKernels.Lab;

/// <summary>
/// Times, at lengths 1..64, the managed scalar loop against the managed vector loop for each
/// operation, and for PopCount and HammingDistance the managed vector loop against the native
/// kernel that dispatch selects (through the explicit entry points, so the native column includes
/// the interop call and the level check); for IncrementBy the managed vector loop against the
/// kernel from 64 up to 16M elements; for CRC32C the managed loop against the kernel at 8..2048
/// bytes. Prints where each
/// faster path starts to win: how the thresholds in each operation's file (PopCount.cs, ...) are set.
/// </summary>
internal static class CrossoverCommand
{
    public static int Run()
    {
        if (Kernels.GetFallbackReason(KernelOperation.PopCount) is { } why)
        {
            Console.Error.WriteLine($"asmkernels-lab: crossover needs the native kernels: {why}");
            return 1;
        }
        Console.WriteLine("native: " + string.Join(", ", Enum.GetValues<KernelOperation>().Select(op => Kernels.GetSelectedKernel(op)?.Name ?? "managed")));
        var table = new TextTable("elements", "popcount scalar/vector", "popcount vector/native",
            "hamming scalar/vector", "hamming vector/native", "increment scalar/vector");
        var first = new int?[7];
        Timing.WarmUp(Bodies(8));
        for (int n = 1; n <= 64; n = n < 16 ? n + 1 : n + 4)
        {
            var bodies = Bodies(n);
            double[] ratios = [Ratio(bodies[0], bodies[1]), Ratio(bodies[1], bodies[2]), Ratio(bodies[3], bodies[4]),
                Ratio(bodies[4], bodies[5]), Ratio(bodies[6], bodies[7])];
            for (int k = 0; k < ratios.Length; k++)
                Track(first, k, n, ratios[k]);
            table.Add([n.ToString(), .. ratios.Select(r => $"{r:F2}")]);
        }
        table.Write(Console.Out);
        Console.WriteLine();

        var large = new TextTable("elements", "increment vector/native");
        for (int n = 64; n <= 1 << 24; n *= 4)
        {
            var bodies = Bodies(n);
            double ms = n >= 1 << 20 ? 40 : 4; // several calls per round even at 16M elements
            double ratio = Timing.NanosecondsPerOp(bodies[7], ms, 9) / Timing.NanosecondsPerOp(bodies[8], ms, 9);
            Track(first, 5, n, ratio);
            large.Add([n.ToString("N0"), $"{ratio:F2}"]);
        }
        large.Write(Console.Out);
        Console.WriteLine();

        // CRC32C, lengths in bytes: the managed BitOperations.Crc32C loop against the kernel.
        var crc = new TextTable("bytes", "crc32c scalar/native");
        Timing.WarmUp(CrcBodies(64));
        for (int n = 8; n <= 2048; n += n < 64 ? 8 : n < 512 ? 32 : 256)
        {
            var bodies = CrcBodies(n);
            double ratio = Ratio(bodies[0], bodies[1]);
            Track(first, 6, n, ratio);
            crc.Add([n.ToString("N0"), $"{ratio:F2}"]);
        }
        crc.Write(Console.Out);
        Console.WriteLine();

        Console.WriteLine("ratio = time of the first path / time of the second; the second wins at and above (lowest length from which every measured ratio is >= 1):");
        string[] names = ["PopCount vector", "PopCount native", "Hamming vector", "Hamming native", "Increment vector",
            "Increment native", "Crc32C native (bytes)"];
        for (int k = 0; k < names.Length; k++)
            Console.WriteLine($"  {names[k],-22} {(first[k] is { } n ? n.ToString("N0") : "never, in the range measured")}");
        return 0;
    }

    private static void Track(int?[] first, int k, int n, double ratio)
    {
        if (ratio >= 1.0) first[k] ??= n; else first[k] = null;
    }

    /// <summary>
    /// At length <paramref name="n"/>: PopCount scalar, managed vector and native, the same for
    /// Hamming, then IncrementBy scalar, managed vector and native.
    /// </summary>
    private static Func<int, ulong>[] Bodies(int n)
    {
        var random = new Random(n);
        IsaLevel pop = Kernels.GetSelectedIsa(KernelOperation.PopCount);
        IsaLevel ham = Kernels.GetSelectedIsa(KernelOperation.HammingDistance);
        IsaLevel inc = Kernels.GetSelectedIsa(KernelOperation.IncrementBy);
        ulong[] a = new ulong[n], b = new ulong[n];
        long[] c = new long[n];
        random.NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()));
        random.NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(b.AsSpan()));
        return
        [
            reps => { ulong s = 0; for (int i = 0; i < reps; i++) s += Kernels.PopCount(IsaLevel.Scalar, a); return s; },
            reps => { ulong s = 0; for (int i = 0; i < reps; i++) s += PopCountPaths.Vector(a); return s; },
            reps => { ulong s = 0; for (int i = 0; i < reps; i++) s += Kernels.PopCount(pop, a); return s; },
            reps => { ulong s = 0; for (int i = 0; i < reps; i++) s += Kernels.HammingDistance(IsaLevel.Scalar, a, b); return s; },
            reps => { ulong s = 0; for (int i = 0; i < reps; i++) s += HammingPaths.Vector(a, b); return s; },
            reps => { ulong s = 0; for (int i = 0; i < reps; i++) s += Kernels.HammingDistance(ham, a, b); return s; },
            reps => { for (int i = 0; i < reps; i++) Kernels.IncrementBy(IsaLevel.Scalar, c, 1); return (ulong)c[0]; },
            reps => { for (int i = 0; i < reps; i++) IncrementPaths.Vector(c, 1); return (ulong)c[0]; },
            reps => { for (int i = 0; i < reps; i++) Kernels.IncrementBy(inc, c, 1); return (ulong)c[0]; },
        ];
    }

    /// <summary>At <paramref name="n"/> bytes: CRC32C scalar and native.</summary>
    private static Func<int, ulong>[] CrcBodies(int n)
    {
        IsaLevel isa = Kernels.GetSelectedIsa(KernelOperation.Crc32C);
        byte[] data = new byte[n];
        new Random(n).NextBytes(data);
        return
        [
            reps => { ulong s = 0; for (int i = 0; i < reps; i++) s += Kernels.Crc32C(IsaLevel.Scalar, data); return s; },
            reps => { ulong s = 0; for (int i = 0; i < reps; i++) s += Kernels.Crc32C(isa, data); return s; },
        ];
    }

    private static double Ratio(Func<int, ulong> scalar, Func<int, ulong> native) =>
        Timing.NanosecondsPerOp(scalar, 2, 9) / Timing.NanosecondsPerOp(native, 2, 9);
}
