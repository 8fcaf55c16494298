using System.Numerics.Tensors;
using AsmKernels.Lab;
using BenchmarkDotNet.Attributes;

namespace AsmKernels.Benchmarks;

/// <summary>Array sizes, in elements; set by <c>Program</c> before the run.</summary>
public static class BenchSizes
{
    public static readonly int[] Full = [0, 1, 3, 4, 7, 8, 41, 256, 4096, 65536, 1048576, 16777216];
    public static readonly int[] Quick = [8, 4096, 1048576];

    /// <summary>CRC-32C's sizes against ISA-L: 64 B, 256 B, 1 KiB, 4 KiB, 64 KiB, 1 MiB and 16 MiB.</summary>
    public static readonly int[] Crc = [8, 32, 128, 512, 8192, 131072, 2097152];
    public static int[] Current { get; set; } = Full;
}

public abstract class SizedBenchmark
{
    public static IEnumerable<int> Sizes => BenchSizes.Current;

    [ParamsSource(nameof(Sizes))]
    public int N { get; set; }

    protected static ulong[] RandomWords(int n, int seed)
    {
        var words = new ulong[n];
        new Random(seed).NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(words.AsSpan()));
        return words;
    }
}

public class PopCountBenchmarks : SizedBenchmark
{
    private ulong[] _data = [];

    [GlobalSetup] public void Setup() => _data = RandomWords(N, 1);

    [Benchmark(Baseline = true)] public ulong JitLoop() => JitLoops.PopCount(_data);
    [Benchmark] public long TensorPrimitives_() => TensorPrimitives.PopCount<ulong>(_data);
    [Benchmark] public ulong ManagedVector256() => JitLoops.PopCountVector256(_data);
    [Benchmark] public ulong Asm_popcnt() => Kernels.PopCount(IsaLevel.Sse42, _data);
    [Benchmark] public ulong Asm_avx2() => Kernels.PopCount(IsaLevel.Avx2, _data);
    [Benchmark] public ulong Asm_avx512() => Kernels.PopCount(IsaLevel.Avx512, _data);
    [Benchmark] public ulong PublicApi() => BitOps.PopCount(_data);
    [Benchmark] public ulong Roofline() => ManagedPeers.ReadRoofline(_data);
}

public class HammingBenchmarks : SizedBenchmark
{
    private ulong[] _a = [], _b = [];

    [GlobalSetup] public void Setup() => (_a, _b) = (RandomWords(N, 2), RandomWords(N, 3));

    [Benchmark(Baseline = true)] public ulong JitLoop() => JitLoops.HammingDistance(_a, _b);
    [Benchmark] public long TensorPrimitives_() => TensorPrimitives.HammingBitDistance<ulong>(_a, _b);
    [Benchmark] public ulong ManagedVector256() => JitLoops.HammingVector256(_a, _b);
    [Benchmark] public ulong Asm_popcnt() => Kernels.HammingDistance(IsaLevel.Sse42, _a, _b);
    [Benchmark] public ulong Asm_avx2() => Kernels.HammingDistance(IsaLevel.Avx2, _a, _b);
    [Benchmark] public ulong Asm_avx512() => Kernels.HammingDistance(IsaLevel.Avx512, _a, _b);
    [Benchmark] public ulong PublicApi() => BitOps.HammingDistance(_a, _b);
    [Benchmark] public ulong Roofline() => ManagedPeers.ReadRoofline(_a, _b);
}

public class IncrementBenchmarks : SizedBenchmark
{
    private long[] _data = [];

    [GlobalSetup] public void Setup() => _data = new long[N];

    [Benchmark(Baseline = true)] public void JitLoop() => JitLoops.IncrementBy(_data, 3);
    [Benchmark] public void TensorPrimitives_() => TensorPrimitives.Add(_data, 3L, _data);
    [Benchmark] public void ManagedVector512() => ManagedPeers.IncrementVector(_data, 3);
    [Benchmark] public void Asm_sse2() => Kernels.IncrementBy(IsaLevel.Sse2, _data, 3);
    [Benchmark] public void Asm_avx2() => Kernels.IncrementBy(IsaLevel.Avx2, _data, 3);
    [Benchmark] public void Asm_avx512() => Kernels.IncrementBy(IsaLevel.Avx512, _data, 3);
    [Benchmark] public void PublicApi() => Int64Ops.IncrementBy(_data, 3);
    [Benchmark] public void Roofline() => ManagedPeers.ReadWriteRoofline(_data);
}
