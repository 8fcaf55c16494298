namespace AsmKernels.Benchmarks;

/// <summary>The CRC-32C rows again, interleaved (<see cref="Interleaved"/>): every row this machine can run.</summary>
internal static class Crc32CInterleaved
{
    /// <summary>Best nanoseconds per call of each (method, bytes).</summary>
    public static Dictionary<(string Method, int Bytes), double> Run(int[] elementCounts) =>
        Interleaved.BestNs(elementCounts.Select(n =>
        {
            var bench = new Crc32CBenchmarks { N = n };
            bench.Setup();
            (string Method, Func<ulong> Call)[] rows =
            [
                ("JitLoop", () => bench.JitLoop()), ("Asm_sse42", () => bench.Asm_sse42()), ("Asm_pclmul", () => bench.Asm_pclmul()),
                ("Asm_avx2", () => bench.Asm_avx2()), ("Asm_avx512", () => bench.Asm_avx512()),
                ("Asm_avx512_fold", () => bench.Asm_avx512_fold()), ("IsaL_", () => bench.IsaL_()),
                ("SystemIoHashing", () => bench.SystemIoHashing()), ("PublicApi", () => bench.PublicApi()),
                ("Roofline", () => bench.Roofline()),
            ];
            return (8 * n, rows.Where(r => Crc32CRows.WhyNot(r.Method) is null).ToArray());
        })).ToDictionary(x => (x.Key.Method, Bytes: x.Key.N), x => x.Value);
}
