using System.Diagnostics;
using System.Runtime.InteropServices;
using AsmKernels.Lab;
using BenchmarkDotNet.Attributes;

namespace AsmKernels.Benchmarks;

/// <summary>
/// CRC-32C over N * 8 bytes (N counts 8-byte elements, as in the other tables): the JIT's
/// <c>BitOperations.Crc32C</c> loop, each kernel by name, Intel ISA-L, System.IO.Hashing (the
/// managed CRC-32C a .NET developer would pick first), the public API and the read roofline. The
/// setup checks that ISA-L, System.IO.Hashing and every kernel agree with the JIT loop.
/// </summary>
public class Crc32CBenchmarks : SizedBenchmark
{
    private byte[] _data = [];

    [GlobalSetup]
    public void Setup()
    {
        _data = MemoryMarshal.AsBytes(RandomWords(N, 4).AsSpan()).ToArray();
        uint want = JitLoops.Crc32C(_data);
        foreach (string kernel in Crc32CRows.Runnable())
            Check(kernel, Kernels.Crc32C(kernel, _data), want);
        if (IsaL.Missing is null)
            Check("ISA-L crc32_iscsi", IsaL.Crc32C(_data), want);
        Check("Checksums.Crc32C", Checksums.Crc32C(_data), want);
        Check("System.IO.Hashing Crc32C", SystemIoHashing(), want);
    }

    private void Check(string who, uint got, uint want)
    {
        if (got != want)
            throw new InvalidOperationException($"{who} gives 0x{got:X8} for {_data.Length} bytes, the JIT loop 0x{want:X8}");
    }

    [Benchmark(Baseline = true)] public uint JitLoop() => JitLoops.Crc32C(_data);
    [Benchmark] public uint Asm_sse42() => Kernels.Crc32C(Crc32CRows.SingleChain, _data);
    [Benchmark] public uint Asm_pclmul() => Kernels.Crc32C(Crc32CRows.ThreeChains, _data);
    [Benchmark] public uint Asm_avx2() => Kernels.Crc32C(Crc32CRows.FoldingYmm, _data);
    [Benchmark] public uint Asm_avx512() => Kernels.Crc32C(Crc32CRows.Folding, _data);
    [Benchmark] public uint Asm_avx512_fold() => Kernels.Crc32C(Crc32CRows.FoldsAlone, _data);
    [Benchmark] public uint IsaL_() => IsaL.Crc32C(_data);
    [Benchmark] public uint SystemIoHashing() => System.IO.Hashing.Crc32.HashToUInt32(System.IO.Hashing.Crc32ParameterSet.Crc32C, _data);
    [Benchmark] public uint PublicApi() => Checksums.Crc32C(_data);
    [Benchmark] public ulong Roofline() => ManagedPeers.ReadRoofline(MemoryMarshal.Cast<byte, ulong>(_data));
}

/// <summary>The CRC-32C kernels the benchmark rows name, and which of the rows can run here.</summary>
internal static class Crc32CRows
{
    public const string SingleChain = "asmk_crc32c_sse42", ThreeChains = "asmk_crc32c_pclmul", FoldingYmm = "asmk_crc32c_avx2", Folding = "asmk_crc32c_avx512",
        FoldsAlone = "asmk_crc32c_avx512_fold";

    /// <summary>The benchmark method of each kernel.</summary>
    public static readonly (string Method, string Kernel)[] Methods =
        [(nameof(Crc32CBenchmarks.Asm_sse42), SingleChain), (nameof(Crc32CBenchmarks.Asm_pclmul), ThreeChains),
         (nameof(Crc32CBenchmarks.Asm_avx2), FoldingYmm), (nameof(Crc32CBenchmarks.Asm_avx512), Folding),
         (nameof(Crc32CBenchmarks.Asm_avx512_fold), FoldsAlone)];

    /// <summary>
    /// The folding row the targets measure: the folding kernel dispatch chooses here (on Intel's
    /// CPUs the one tuned for them), else the widest folding kernel that runs (null: none does).
    /// </summary>
    public static string? FoldingMethod()
    {
        string? selected = Kernels.GetSelectedKernel(KernelOperation.Crc32C)?.Name;
        foreach ((string method, string kernel) in Methods)
            if (kernel == selected && kernel is not (SingleChain or ThreeChains))
                return method;
        return WhyNot(nameof(Crc32CBenchmarks.Asm_avx512)) is null ? nameof(Crc32CBenchmarks.Asm_avx512)
            : WhyNot(nameof(Crc32CBenchmarks.Asm_avx2)) is null ? nameof(Crc32CBenchmarks.Asm_avx2) : null;
    }

    /// <summary>Why a benchmark method cannot run on this machine, or null.</summary>
    public static string? WhyNot(string method)
    {
        if (method == nameof(Crc32CBenchmarks.IsaL_))
            return IsaL.Missing;
        foreach ((string m, string kernel) in Methods)
        {
            if (m != method)
                continue;
            try
            {
                Kernels.Crc32C(kernel, ReadOnlySpan<byte>.Empty);
                return null;
            }
            catch (PlatformNotSupportedException e)
            {
                return e.Message;
            }
        }
        return null;
    }

    public static IEnumerable<string> Runnable() => Methods.Where(m => WhyNot(m.Method) is null).Select(m => m.Kernel);
}

/// <summary>
/// A 200 MB file from the page cache: <c>cat file &gt; /dev/null</c> (through <c>/bin/sh</c>, so a
/// process start is in its time), the same reads in .NET without a checksum, and
/// <see cref="Crc32CHasher.Append(Stream)"/> on a <see cref="FileStream"/>.
/// </summary>
public class Crc32CStreamBenchmarks
{
    public const int FileBytes = 200_000_000;
    private string _path = "";
    private byte[] _buffer = [];

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Path.GetTempPath(), $"asmkernels-crc32c-{Environment.ProcessId}.bin");
        byte[] content = new byte[FileBytes];
        new Random(5).NextBytes(content);
        File.WriteAllBytes(_path, content);
        _buffer = new byte[Crc32CHasher.StreamBlockBytes];
        if (Hasher() != Checksums.Crc32C(content))
            throw new InvalidOperationException("the hasher's stream path disagrees with the one-shot CRC-32C");
        Cat(); // into the page cache
    }

    [GlobalCleanup] public void Cleanup() => File.Delete(_path);

    [Benchmark(Baseline = true)]
    public int Cat()
    {
        using var cat = Process.Start("/bin/sh", ["-c", $"cat '{_path}' > /dev/null"]);
        cat.WaitForExit();
        return cat.ExitCode;
    }

    [Benchmark]
    public long ReadOnly()
    {
        using var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        long total = 0;
        int n;
        while ((n = file.Read(_buffer)) > 0)
            total += n;
        return total;
    }

    [Benchmark]
    public uint Hasher()
    {
        using var file = File.OpenRead(_path);
        var hasher = new Crc32CHasher();
        hasher.Append(file);
        return hasher.GetCurrentHash();
    }
}
