using System.Reflection;
using System.Numerics;
namespace AsmKernels.Tests;

public class DispatchTests
{
    private static readonly KernelOperation[] Operations = Enum.GetValues<KernelOperation>();

    internal static bool DefaultEnvironment =>
        Environment.GetEnvironmentVariable("ASMKERNELS_MAX_ISA") is null
        && Environment.GetEnvironmentVariable("ASMKERNELS_NATIVE_PATH") is null;

    [Fact, Trait("Category", "Api")]
    public void Selection_is_consistent_with_support_and_reasons()
    {
        foreach (KernelOperation op in Operations)
        {
            IsaLevel selected = Kernels.GetSelectedIsa(op);
            Assert.True(Kernels.IsSupported(op, selected), $"{op}: selected {selected} is not supported");
            Assert.Equal(selected == IsaLevel.Scalar, Kernels.GetFallbackReason(op) is not null);
            Assert.NotNull(Kernels.GetImplementationName(op, selected));
            foreach (IsaLevel isa in IsaLevels.All)
                Assert.Equal(Kernels.IsSupported(op, isa), Kernels.GetUnsupportedReason(op, isa) is null);
            Assert.True(Kernels.IsSupported(op, IsaLevel.Scalar));
        }
        Assert.Equal(Kernels.NativeLibraryLoaded, Kernels.NativeLibraryPath is not null);
        Assert.Equal(Kernels.NativeLibraryLoaded, Kernels.NativeLibraryError is null);
    }

    [SkippableFact, Trait("Category", "Api")]
    public void Environment_overrides_take_effect()
    {
        string? maxIsa = Environment.GetEnvironmentVariable("ASMKERNELS_MAX_ISA");
        string? nativePath = Environment.GetEnvironmentVariable("ASMKERNELS_NATIVE_PATH");
        Skip.If(maxIsa is null && nativePath is null, "neither ASMKERNELS_MAX_ISA nor ASMKERNELS_NATIVE_PATH is set for this run");
        if (nativePath is not null && !File.Exists(nativePath) && !Directory.Exists(nativePath))
        {
            Assert.False(Kernels.NativeLibraryLoaded);
            Assert.Contains("ASMKERNELS_NATIVE_PATH", Kernels.NativeLibraryError);
        }
        IsaLevel cap = IsaLevels.TryParse(maxIsa, out IsaLevel parsed) ? parsed : maxIsa is null ? IsaLevel.Avx512 : IsaLevel.Scalar;
        foreach (KernelOperation op in Operations)
            Assert.True(Kernels.GetSelectedIsa(op) <= cap, $"{op} runs at {Kernels.GetSelectedIsa(op)} above ASMKERNELS_MAX_ISA={maxIsa}");
        if (!Kernels.NativeLibraryLoaded || cap == IsaLevel.Scalar)
            foreach (KernelOperation op in Operations)
                Assert.Equal(IsaLevel.Scalar, Kernels.GetSelectedIsa(op));
    }

    [SkippableFact]
    public void Native_kernels_are_chosen_on_a_capable_machine()
    {
        Skip.IfNot(DefaultEnvironment, "ASMKERNELS_MAX_ISA or ASMKERNELS_NATIVE_PATH is set for this run");
        Skip.IfNot(Kernels.Cpu.IsX64 && Kernels.Cpu.Popcnt, "this machine has no x86-64 CPU with POPCNT");
        Assert.True(Kernels.NativeLibraryLoaded, Kernels.NativeLibraryError);
        Assert.EndsWith(Reference.NativeFileName, Kernels.NativeLibraryPath);
        foreach (KernelOperation op in Operations)
        {
            // Every operation with a kernel this CPU runs runs native.
            bool runnable = Reference.HasRunnableKernel(op);
            Assert.True(runnable == (Kernels.GetSelectedIsa(op) != IsaLevel.Scalar), $"{op} runs at {Kernels.GetSelectedIsa(op)}");
            Assert.True(runnable || Kernels.GetFallbackReason(op) is not null, $"{op}: no fallback reason");
        }
        Assert.NotEqual(IsaLevel.Scalar, Kernels.GetSelectedIsa(KernelOperation.PopCount));
        Assert.Equal("asmk_popcount_popcnt", Kernels.GetImplementationName(KernelOperation.PopCount, IsaLevel.Sse42));
        Assert.Equal("asmk_increment_sse2", Kernels.GetImplementationName(KernelOperation.IncrementBy, IsaLevel.Sse2));
        // The level's last kernel this CPU runs: three chains with PCLMULQDQ, else the one chain.
        Assert.Equal(Kernels.Cpu.Pclmulqdq ? "asmk_crc32c_pclmul" : "asmk_crc32c_sse42", Kernels.GetImplementationName(KernelOperation.Crc32C, IsaLevel.Sse42));
    }

    [Fact]
    public void Every_kernel_has_a_level_made_of_its_features()
    {
        int total = 0;
        foreach (KernelOperation op in Operations)
        {
            IReadOnlyList<KernelInfo> kernels = Kernels.GetKernels(op);
            Assert.NotEmpty(kernels);
            foreach (KernelInfo k in kernels)
            {
                total++;
                Assert.StartsWith("asmk_", k.Name);
                Assert.Equal(op, k.Operation);
                Assert.NotEmpty(k.Needs);
                Assert.NotEqual(IsaLevel.Scalar, k.Level);
                // A level names its last kernel this CPU runs, or its last (Crc32C has two at sse4.2).
                KernelInfo[] atLevel = kernels.Where(x => x.Level == k.Level).ToArray();
                string[] have = Kernels.Cpu.ToString().Split(' ');
                KernelInfo expected = atLevel.LastOrDefault(x => x.Needs.All(have.Contains)) ?? atLevel[^1];
                Assert.Equal(expected.Name, Kernels.GetImplementationName(op, k.Level));
            }
        }
        Assert.Equal(KernelTable.Count, total);
        // Real feature sets, not buckets: the SSE2 cascade is not held back by POPCNT, the CRC by nothing but SSE4.2.
        Assert.Equal(["sse2"], Kernels.GetKernels(KernelOperation.IncrementBy)[0].Needs);
        Assert.Equal(IsaLevel.Sse2, Kernels.GetKernels(KernelOperation.IncrementBy)[0].Level);
        Assert.Equal(["sse4.2"], Kernels.GetKernels(KernelOperation.Crc32C)[0].Needs);
        Assert.Equal(["sse4.2", "pclmulqdq"], Kernels.GetKernels(KernelOperation.Crc32C)[1].Needs);
        Assert.Contains("avx512_vpopcntdq", Kernels.GetKernels(KernelOperation.PopCount)[^1].Needs);
        Assert.Contains("os_zmm", Kernels.GetKernels(KernelOperation.PopCount)[^1].Needs);
    }

    /// <summary>
    /// The feature bits are numbered twice: by native/cmake/kernel_table.cmake for C and NASM
    /// (ASMK_F_*, which checkasm and the asm layer use) and by the generator for C# (CpuFeature):
    /// the same names in the same order.
    /// </summary>
    [Fact]
    public void The_managed_feature_bits_are_the_native_ones()
    {
        string root = typeof(DispatchTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;
        string line = File.ReadLines(Path.Combine(root, "native", "cmake", "kernel_table.cmake")).Single(l => l.StartsWith("set(ASMK_FEATURES ", StringComparison.Ordinal));
        string[] native = line["set(ASMK_FEATURES ".Length..^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string[] managed = Enumerable.Range(0, BitOperations.Log2((uint)KernelTable.LastFeature) + 1).Select(i => KernelTable.FeatureName((CpuFeature)(1u << i))).ToArray();
        Assert.Equal(native, managed);
    }

    [Fact]
    public void Cpu_features_hold_what_the_kernels_need()
    {
        CpuFeatures cpu = Kernels.Cpu;
        Assert.Equal(cpu.IsX64, cpu.Sse2);
        if (cpu.OsSavesYmm) Assert.True(cpu.Avx);
        if (cpu.OsSavesZmm) Assert.True(cpu.Avx512F && cpu.OsSavesYmm);
        if (cpu.IsX64) Assert.NotEmpty(cpu.Vendor);
    }

    [SkippableFact, Trait("Category", "Api")]
    public void Unsupported_levels_throw_PlatformNotSupportedException_with_the_reason()
    {
        var unsupported = (from op in Operations
                           from isa in IsaLevels.All.ToArray()
                           where !Kernels.IsSupported(op, isa)
                           select (op, isa)).ToList();
        Skip.If(unsupported.Count == 0, "every operation runs at every level on this machine");
        foreach ((KernelOperation op, IsaLevel isa) in unsupported)
        {
            Exception e = op switch
            {
                KernelOperation.PopCount => Assert.Throws<PlatformNotSupportedException>(() => Kernels.PopCount(isa, new ulong[4])),
                KernelOperation.HammingDistance => Assert.Throws<PlatformNotSupportedException>(() => Kernels.HammingDistance(isa, new ulong[4], new ulong[4])),
                KernelOperation.IncrementBy => Assert.Throws<PlatformNotSupportedException>(() => Kernels.IncrementBy(isa, new long[4], 1)),
                KernelOperation.Crc32C => Assert.Throws<PlatformNotSupportedException>(() => Kernels.Crc32C(isa, new byte[4])),
                KernelOperation.HammingScan => Assert.Throws<PlatformNotSupportedException>(() => Kernels.HammingNearest(isa, [1UL], new ulong[4], new int[1], new uint[1])),
                KernelOperation.HammingSliceScan or KernelOperation.SliceCodes => Assert.Throws<PlatformNotSupportedException>(() => Dispatch.Require(op, isa)), // the batches' own: no public call per level
                _ => throw new Xunit.Sdk.XunitException($"no call for {op}"),
            };
            Assert.Contains(Kernels.GetUnsupportedReason(op, isa)!, e.Message);
        }
    }

    [Fact]
    public void Undefined_levels_are_rejected()
    {
        Assert.False(Kernels.IsSupported(KernelOperation.PopCount, (IsaLevel)42));
        Assert.Throws<PlatformNotSupportedException>(() => Kernels.PopCount((IsaLevel)42, new ulong[1]));
    }

    [Theory]
    [InlineData("scalar", IsaLevel.Scalar)]
    [InlineData(" sse2 ", IsaLevel.Sse2)]
    [InlineData("x86-64", IsaLevel.Sse2)]
    [InlineData("POPCNT", IsaLevel.Sse42)]
    [InlineData("sse4.2", IsaLevel.Sse42)]
    [InlineData("sse42", IsaLevel.Sse42)]
    [InlineData("SSE4_2", IsaLevel.Sse42)]
    [InlineData("x86-64-v2", IsaLevel.Sse42)]
    [InlineData("avx2", IsaLevel.Avx2)]
    [InlineData("x86-64-v3", IsaLevel.Avx2)]
    [InlineData("Avx512", IsaLevel.Avx512)]
    [InlineData("avx-512", IsaLevel.Avx512)]
    [InlineData("AVX512F", IsaLevel.Avx512)]
    [InlineData("x86-64-v4", IsaLevel.Avx512)]
    public void Level_names_parse(string text, IsaLevel expected)
    {
        Assert.True(IsaLevels.TryParse(text, out IsaLevel level));
        Assert.Equal(expected, level);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("avx3")]
    [InlineData("sse 4.2")]
    [InlineData("x86-64-v5")]
    public void Bad_level_names_do_not_parse(string? text) => Assert.False(IsaLevels.TryParse(text, out _));

    [Fact]
    public void Level_names_round_trip()
    {
        foreach (IsaLevel isa in IsaLevels.All)
        {
            Assert.True(IsaLevels.TryParse(IsaLevels.Name(isa), out IsaLevel parsed));
            Assert.Equal(isa, parsed);
        }
    }
}
