namespace AsmKernels.Benchmarks;

/// <summary>
/// IncrementBy's rows from 256 elements again, interleaved (<see cref="Interleaved"/>), for its
/// targets: the public API against TensorPrimitives.Add and the read-write roofline. At 4,096
/// elements (32 KiB, in L1) the calls take about 0.2 µs and sit at the store port's limit, so one
/// case measured after another differs by more than the rows do (the same native call, by level
/// and through the API: 204 and 249 ns in one run on Intel Sapphire Rapids).
/// </summary>
internal static class IncrementInterleaved
{
    /// <summary>The smallest size measured: where the target starts.</summary>
    public const int From = 256;

    /// <summary>Best nanoseconds per call of each (method, elements), every row this machine can run.</summary>
    public static Dictionary<(string Method, int N), double> Run(int[] sizes) =>
        Interleaved.BestNs(sizes.Where(n => n >= From).Select(n =>
        {
            var bench = new IncrementBenchmarks { N = n };
            bench.Setup();
            (string Method, Func<ulong> Call)[] rows =
            [
                ("TensorPrimitives_", () => { bench.TensorPrimitives_(); return 0; }),
                ("ManagedVector512", () => { bench.ManagedVector512(); return 0; }),
                ("Asm_avx2", () => { bench.Asm_avx2(); return 0; }),
                ("Asm_avx512", () => { bench.Asm_avx512(); return 0; }),
                ("PublicApi", () => { bench.PublicApi(); return 0; }),
                ("Roofline", () => { bench.Roofline(); return 0; }),
            ];
            return (n, rows.Where(r => Probe.WhyNot(typeof(IncrementBenchmarks), r.Method) is null).ToArray());
        }));
}
