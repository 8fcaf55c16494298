namespace AsmKernels.Lab;

internal static class DemoCommand
{
    private static readonly int[] Sizes = [8, 64, 1024, 65536];

    public static int Run()
    {
        AsmKernels.Cli.InfoCommand.Write(Console.Out);
        Console.WriteLine();
        bool agree = Examples();
        Console.WriteLine();
        TimingTable();
        return agree ? 0 : 1;
    }

    /// <summary>The baseline (first) kernel of an operation in the kernel table, and whether it can run here.</summary>
    private static (KernelInfo Seed, bool Native, string Note) Seed(KernelOperation op)
    {
        KernelInfo seed = Kernels.GetKernels(op)[0];
        string? why = Kernels.GetUnsupportedReason(seed.Name);
        return (seed, why is null, why is null ? "" : $" (native unavailable: {why})");
    }

    private static bool Examples()
    {
        ulong[] words = [ulong.MaxValue, 0xAAAA_AAAA_AAAA_AAAA, 1, 0, 1UL << 63];
        ulong[] other = [0, 0x5555_5555_5555_5555, 1, 0xFF, 1UL << 63];
        long[] values = [long.MaxValue, -1, 0, 41, long.MinValue];
        bool ok = true;

        var (seed, native, note) = Seed(KernelOperation.PopCount);
        Console.WriteLine($"PopCount of [{Hex(words)}]{note}");
        ulong scalar = Kernels.PopCount(IsaLevel.Scalar, words);
        ulong asm = native ? Kernels.PopCount(seed.Name, words) : scalar;
        ok &= Report(seed.Name, asm, scalar, native);

        (seed, native, note) = Seed(KernelOperation.HammingDistance);
        Console.WriteLine($"HammingDistance of [{Hex(words)}]{note}");
        Console.WriteLine($"               and [{Hex(other)}]");
        scalar = Kernels.HammingDistance(IsaLevel.Scalar, words, other);
        asm = native ? Kernels.HammingDistance(seed.Name, words, other) : scalar;
        ok &= Report(seed.Name, asm, scalar, native);

        (seed, native, note) = Seed(KernelOperation.IncrementBy);
        Console.WriteLine($"IncrementBy 1 of [{string.Join(", ", values)}]{note}");
        long[] byScalar = (long[])values.Clone();
        Kernels.IncrementBy(IsaLevel.Scalar, byScalar, 1);
        long[] byAsm = (long[])values.Clone();
        if (native)
            Kernels.IncrementBy(seed.Name, byAsm, 1);
        else
            byAsm = byScalar;
        bool same = byAsm.AsSpan().SequenceEqual(byScalar);
        Console.WriteLine($"  {seed.Name} -> [{string.Join(", ", byAsm)}]{(native ? "" : " (managed)")}, managed {(same ? "agrees" : "DISAGREES")}");
        ok &= same;

        (seed, native, note) = Seed(KernelOperation.Crc32C);
        byte[] check = "123456789"u8.ToArray();
        Console.WriteLine($"Crc32C of \"123456789\" (the check value is 0xE3069283){note}");
        uint crcManaged = Kernels.Crc32C(IsaLevel.Scalar, check);
        uint crcAsm = native ? Kernels.Crc32C(seed.Name, check) : crcManaged;
        bool crcOk = crcAsm == crcManaged && crcAsm == 0xE3069283;
        Console.WriteLine($"  {seed.Name} -> 0x{crcAsm:X8}{(native ? "" : " (managed)")}, managed -> 0x{crcManaged:X8}: {(crcOk ? "agree" : "DISAGREE")}");
        return ok && crcOk;
    }

    private static bool Report(string kernel, ulong asm, ulong scalar, bool native)
    {
        Console.WriteLine($"  {kernel} -> {asm}{(native ? "" : " (managed)")}, managed -> {scalar}: {(asm == scalar ? "agree" : "DISAGREE")}");
        return asm == scalar;
    }

    private static string Hex(ulong[] words) => string.Join(", ", words.Select(w => $"0x{w:X16}"));

    private static void TimingTable()
    {
        if (!Seed(KernelOperation.PopCount).Native)
        {
            Console.WriteLine("timing skipped: no native kernel can run in this process");
            return;
        }
        string popSeed = Seed(KernelOperation.PopCount).Seed.Name, hamSeed = Seed(KernelOperation.HammingDistance).Seed.Name;
        string incSeed = Seed(KernelOperation.IncrementBy).Seed.Name, crcSeed = Seed(KernelOperation.Crc32C).Seed.Name;
        bool crcNative = Seed(KernelOperation.Crc32C).Native;
        Console.WriteLine("time per call, median of 7 rounds (ratio = JIT loop time / kernel time; above 1 the kernel is faster)");
        var table = new TextTable("operation", "elements", "JIT loop", "asm seed", "ratio", "public API", "ratio");
        var random = new Random(42);
        var rows = new List<(string Op, int N, int Shown, Func<int, ulong>[] Bodies)>();
        foreach (int n in Sizes)
        {
            ulong[] a = new ulong[n], b = new ulong[n];
            long[] c = new long[n];
            random.NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()));
            random.NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(b.AsSpan()));

            Row(table, "PopCount", n, n,
                reps => { ulong s = 0; for (int i = 0; i < reps; i++) s += JitLoops.PopCount(a); return s; },
                reps => { ulong s = 0; for (int i = 0; i < reps; i++) s += Kernels.PopCount(popSeed, a); return s; },
                reps => { ulong s = 0; for (int i = 0; i < reps; i++) s += BitOps.PopCount(a); return s; });
            Row(table, "HammingDistance", n, n,
                reps => { ulong s = 0; for (int i = 0; i < reps; i++) s += JitLoops.HammingDistance(a, b); return s; },
                reps => { ulong s = 0; for (int i = 0; i < reps; i++) s += Kernels.HammingDistance(hamSeed, a, b); return s; },
                reps => { ulong s = 0; for (int i = 0; i < reps; i++) s += BitOps.HammingDistance(a, b); return s; });
            Row(table, "IncrementBy", n, n,
                reps => { for (int i = 0; i < reps; i++) JitLoops.IncrementBy(c, 3); return (ulong)c[0]; },
                reps => { for (int i = 0; i < reps; i++) Kernels.IncrementBy(incSeed, c, 3); return (ulong)c[0]; },
                reps => { for (int i = 0; i < reps; i++) Int64Ops.IncrementBy(c, 3); return (ulong)c[0]; });
            if (crcNative)
            {
                byte[] bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()).ToArray();
                Row(table, "Crc32C (bytes)", n, bytes.Length,
                    reps => { ulong s = 0; for (int i = 0; i < reps; i++) s += JitLoops.Crc32C(bytes); return s; },
                    reps => { ulong s = 0; for (int i = 0; i < reps; i++) s += Kernels.Crc32C(crcSeed, bytes); return s; },
                    reps => { ulong s = 0; for (int i = 0; i < reps; i++) s += Checksums.Crc32C(bytes); return s; },
                    reps => { ulong s = 0; for (int i = 0; i < reps; i++) s += System.IO.Hashing.Crc32.HashToUInt32(System.IO.Hashing.Crc32ParameterSet.Crc32C, bytes); return s; });
            }
        }
        Timing.WarmUp(rows.SelectMany(r => r.Bodies).ToList()); // every size: a peer may take other code at other lengths
        // The CRC-32C rows also time the managed alternative a .NET developer would pick first.
        var alternative = new TextTable("bytes", "System.IO.Hashing", "public API", "ratio");
        foreach ((string op, _, int n, Func<int, ulong>[] bodies) in rows)
        {
            double tJit = Timing.NanosecondsPerOp(bodies[0]), tAsm = Timing.NanosecondsPerOp(bodies[1]), tApi = Timing.NanosecondsPerOp(bodies[2]);
            table.Add(op, n.ToString("N0"), Timing.Format(tJit), Timing.Format(tAsm), $"{tJit / tAsm:F2}x",
                Timing.Format(tApi), $"{tJit / tApi:F2}x");
            if (bodies.Length > 3)
            {
                double tOther = Timing.NanosecondsPerOp(bodies[3]);
                alternative.Add(n.ToString("N0"), Timing.Format(tOther), Timing.Format(tApi), $"{tOther / tApi:F2}x");
            }
        }
        table.Write(Console.Out);
        if (crcNative)
        {
            Console.WriteLine();
            Console.WriteLine("CRC-32C: the public API against System.IO.Hashing's Crc32 with Crc32ParameterSet.Crc32C (ratio above 1: the public API is faster)");
            alternative.Write(Console.Out);
        }

        // n: the size in words; shown: what the table prints.
        void Row(TextTable _, string op, int n, int shown, params Func<int, ulong>[] bodies) => rows.Add((op, n, shown, bodies));
    }
}
