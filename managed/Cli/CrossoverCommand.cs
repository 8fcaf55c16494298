namespace AsmKernels.Cli;

/// <summary>
/// Times the managed scalar loop against the native kernel that dispatch selects for each
/// operation (through the explicit entry points, so the native column includes the interop call
/// and the level check) at every length 1..64 and prints where native starts to win: how the
/// thresholds in <c>Thresholds.cs</c> are set.
/// </summary>
internal static class CrossoverCommand
{
    public static int Run()
    {
        if (Kernels.GetFallbackReason(KernelOperation.PopCount) is { } why)
        {
            Console.Error.WriteLine($"asmkernels: crossover needs the native kernels: {why}");
            return 1;
        }
        Console.WriteLine("native: " + string.Join(", ", Enum.GetValues<KernelOperation>().Select(op => Kernels.GetImplementationName(op, Kernels.GetSelectedIsa(op)))));
        var table = new TextTable("elements", "popcount scalar/native", "hamming scalar/native", "increment scalar/native");
        var first = new int?[3];
        Timing.WarmUp(Bodies(8));
        for (int n = 1; n <= 64; n = n < 16 ? n + 1 : n + 4)
        {
            var bodies = Bodies(n);
            double[] ratios = [Ratio(bodies[0], bodies[1]), Ratio(bodies[2], bodies[3]), Ratio(bodies[4], bodies[5])];
            for (int k = 0; k < 3; k++)
                if (ratios[k] >= 1.0) first[k] ??= n; else first[k] = null;
            table.Add([n.ToString(), .. ratios.Select(r => $"{r:F2}")]);
        }
        table.Write(Console.Out);
        Console.WriteLine();
        Console.WriteLine("ratio = scalar time / native time; native wins at and above (lowest length from which every measured ratio is >= 1):");
        string[] names = ["PopCount", "HammingDistance", "IncrementBy"];
        for (int k = 0; k < 3; k++)
            Console.WriteLine($"  {names[k],-16} {(first[k] is { } n ? n.ToString() : "above 64")}");
        return 0;
    }

    /// <summary>Scalar and native bodies for each operation at length <paramref name="n"/>, in pairs.</summary>
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
            reps => { ulong s = 0; for (int i = 0; i < reps; i++) s += Kernels.PopCount(pop, a); return s; },
            reps => { ulong s = 0; for (int i = 0; i < reps; i++) s += Kernels.HammingDistance(IsaLevel.Scalar, a, b); return s; },
            reps => { ulong s = 0; for (int i = 0; i < reps; i++) s += Kernels.HammingDistance(ham, a, b); return s; },
            reps => { for (int i = 0; i < reps; i++) Kernels.IncrementBy(IsaLevel.Scalar, c, 1); return (ulong)c[0]; },
            reps => { for (int i = 0; i < reps; i++) Kernels.IncrementBy(inc, c, 1); return (ulong)c[0]; },
        ];
    }

    private static double Ratio(Func<int, ulong> scalar, Func<int, ulong> native) =>
        Timing.NanosecondsPerOp(scalar, 2, 9) / Timing.NanosecondsPerOp(native, 2, 9);
}
