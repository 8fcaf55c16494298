namespace AsmKernels.Cli;

internal static class DemoCommand
{
    private static readonly int[] Sizes = [8, 64, 1024, 65536];

    public static int Run()
    {
        InfoCommand.Write(Console.Out);
        Console.WriteLine();
        bool agree = Examples();
        Console.WriteLine();
        TimingTable();
        return agree ? 0 : 1;
    }

    private static bool Examples()
    {
        ulong[] words = [ulong.MaxValue, 0xAAAA_AAAA_AAAA_AAAA, 1, 0, 1UL << 63];
        ulong[] other = [0, 0x5555_5555_5555_5555, 1, 0xFF, 1UL << 63];
        long[] values = [long.MaxValue, -1, 0, 41, long.MinValue];
        bool native = Kernels.IsSupported(KernelOperation.PopCount, IsaLevel.Popcnt);
        string nativeNote = native ? "" : $" (native unavailable: {Kernels.GetUnsupportedReason(KernelOperation.PopCount, IsaLevel.Popcnt)})";
        bool ok = true;

        Console.WriteLine($"PopCount of [{Hex(words)}]{nativeNote}");
        ulong scalar = Kernels.PopCount(IsaLevel.Scalar, words);
        ulong asm = native ? Kernels.PopCount(IsaLevel.Popcnt, words) : scalar;
        ok &= Report("asmk_popcount_popcnt", asm, scalar, native);

        Console.WriteLine($"HammingDistance of [{Hex(words)}]");
        Console.WriteLine($"               and [{Hex(other)}]");
        scalar = Kernels.HammingDistance(IsaLevel.Scalar, words, other);
        asm = native ? Kernels.HammingDistance(IsaLevel.Popcnt, words, other) : scalar;
        ok &= Report("asmk_hamming_popcnt", asm, scalar, native);

        Console.WriteLine($"IncrementBy 1 of [{string.Join(", ", values)}]");
        long[] byScalar = (long[])values.Clone();
        Kernels.IncrementBy(IsaLevel.Scalar, byScalar, 1);
        long[] byAsm = (long[])values.Clone();
        if (native)
            Kernels.IncrementBy(IsaLevel.Popcnt, byAsm, 1);
        else
            byAsm = byScalar;
        bool same = byAsm.AsSpan().SequenceEqual(byScalar);
        Console.WriteLine($"  asmk_increment_sse2 -> [{string.Join(", ", byAsm)}]{(native ? "" : " (scalar)")}, managed scalar {(same ? "agrees" : "DISAGREES")}");
        return ok && same;
    }

    private static bool Report(string kernel, ulong asm, ulong scalar, bool native)
    {
        Console.WriteLine($"  {kernel} -> {asm}{(native ? "" : " (scalar)")}, managed scalar -> {scalar}: {(asm == scalar ? "agree" : "DISAGREE")}");
        return asm == scalar;
    }

    private static string Hex(ulong[] words) => string.Join(", ", words.Select(w => $"0x{w:X16}"));

    private static void TimingTable()
    {
        if (!Kernels.IsSupported(KernelOperation.PopCount, IsaLevel.Popcnt))
        {
            Console.WriteLine("timing skipped: no native kernel can run in this process");
            return;
        }
        Console.WriteLine("time per call, median of 7 rounds (ratio = JIT loop time / kernel time; above 1 the kernel is faster)");
        var table = new TextTable("operation", "elements", "JIT loop", "asm seed", "ratio", "public API", "ratio");
        var random = new Random(42);
        var rows = new List<(string Op, int N, Func<int, ulong>[] Bodies)>();
        foreach (int n in Sizes)
        {
            ulong[] a = new ulong[n], b = new ulong[n];
            long[] c = new long[n];
            random.NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()));
            random.NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(b.AsSpan()));

            Row(table, "PopCount", n,
                reps => { ulong s = 0; for (int i = 0; i < reps; i++) s += JitLoops.PopCount(a); return s; },
                reps => { ulong s = 0; for (int i = 0; i < reps; i++) s += Kernels.PopCount(IsaLevel.Popcnt, a); return s; },
                reps => { ulong s = 0; for (int i = 0; i < reps; i++) s += BitOps.PopCount(a); return s; });
            Row(table, "HammingDistance", n,
                reps => { ulong s = 0; for (int i = 0; i < reps; i++) s += JitLoops.HammingDistance(a, b); return s; },
                reps => { ulong s = 0; for (int i = 0; i < reps; i++) s += Kernels.HammingDistance(IsaLevel.Popcnt, a, b); return s; },
                reps => { ulong s = 0; for (int i = 0; i < reps; i++) s += BitOps.HammingDistance(a, b); return s; });
            Row(table, "IncrementBy", n,
                reps => { for (int i = 0; i < reps; i++) JitLoops.IncrementBy(c, 3); return (ulong)c[0]; },
                reps => { for (int i = 0; i < reps; i++) Kernels.IncrementBy(IsaLevel.Popcnt, c, 3); return (ulong)c[0]; },
                reps => { for (int i = 0; i < reps; i++) Int64Ops.IncrementBy(c, 3); return (ulong)c[0]; });
        }
        Timing.WarmUp(rows.Where(r => r.N == Sizes[0]).SelectMany(r => r.Bodies).ToList());
        foreach ((string op, int n, Func<int, ulong>[] bodies) in rows)
        {
            double tJit = Timing.NanosecondsPerOp(bodies[0]), tAsm = Timing.NanosecondsPerOp(bodies[1]), tApi = Timing.NanosecondsPerOp(bodies[2]);
            table.Add(op, n.ToString("N0"), Timing.Format(tJit), Timing.Format(tAsm), $"{tJit / tAsm:F2}x",
                Timing.Format(tApi), $"{tJit / tApi:F2}x");
        }
        table.Write(Console.Out);

        void Row(TextTable _, string op, int n, params Func<int, ulong>[] bodies) => rows.Add((op, n, bodies));
    }
}
