namespace AsmKernels.Tests;

/// <summary>The per-CPU rule for the scan's prefetch ahead, its forcing variable, and the CPUID fields it reads.</summary>
public class ScanPrefetchTests
{
    [Theory]
    [InlineData(null, false, true, 26, 14L << 20)]    // AMD Zen 5
    [InlineData("auto", false, true, 27, 14L << 20)]  // later AMD families keep the rule
    [InlineData("", false, true, 25, long.MaxValue)]  // AMD Zen 3 and Zen 4
    [InlineData(null, true, false, 6, 0L)]            // Intel: every pass
    [InlineData(null, false, false, 6, long.MaxValue)] // another vendor
    [InlineData(null, false, false, 0, long.MaxValue)] // no CPUID
    [InlineData("always", false, true, 25, 0L)]
    [InlineData(" Never ", false, true, 26, long.MaxValue)]
    [InlineData("never", true, false, 6, long.MaxValue)]
    public void The_rule_follows_the_CPU_unless_forced(string? setting, bool intel, bool amd, int family, long want)
    {
        Assert.Equal(want, ScanPrefetch.Choose(setting, intel, amd, family));
        Assert.Null(ScanPrefetch.ProblemOf(setting));
        string reason = ScanPrefetch.Reason(setting, intel, amd, family);
        Assert.False(string.IsNullOrWhiteSpace(reason));
        if (setting is { } s && s.Trim().Length > 0 && s.Trim() != "auto")
            Assert.Contains(ScanPrefetch.Variable, reason);
    }

    [Fact]
    public void An_unreadable_setting_is_reported_and_the_CPU_rule_applies()
    {
        Assert.Equal(ScanPrefetch.Zen5FromBytes, ScanPrefetch.Choose("sometimes", false, true, 26));
        string? problem = ScanPrefetch.ProblemOf("sometimes");
        Assert.NotNull(problem);
        Assert.Contains("'sometimes'", problem);
        Assert.Contains(ScanPrefetch.Variable, problem);
    }

    [Fact]
    public void Only_passes_from_the_chosen_size_ask_for_the_prefetch()
    {
        long from = ScanPrefetch.FromBytes;
        if (from == long.MaxValue)
            Assert.Equal(0UL, ScanPrefetch.FlagsFor(long.MaxValue - 1));
        else
            Assert.Equal(HammingScan.Stream, ScanPrefetch.FlagsFor(from));
        if (from > 0)
            Assert.Equal(0UL, ScanPrefetch.FlagsFor(Math.Min(from - 1, 1L << 40)));
        string described = Kernels.ScanPrefetch; // what info prints names the same cut-off
        Assert.StartsWith(from == long.MaxValue ? "never (" : from == 0 ? "every pass (" : $"passes over {from >> 20} MiB", described);
    }

    [Theory]
    [InlineData(0x00B40F00, 26, 0x40)]  // AMD Zen 5 (family 0xF + 0x0B, model 0x40)
    [InlineData(0x00A10F11, 25, 0x11)]  // AMD Zen 4 (family 0xF + 0x0A, model 0x11)
    [InlineData(0x000806F8, 6, 0x8F)]   // Intel Sapphire Rapids (family 6, model 0x8F)
    [InlineData(0x00000F41, 15, 4)]     // family 15, no extended family
    [InlineData(0x00000595, 5, 9)]      // family 5: the extended model is not added
    public void CPUID_leaf_1_decodes_to_the_display_family_and_model(int eax, int family, int model)
    {
        Assert.Equal(family, CpuFeatures.DisplayFamily(eax));
        Assert.Equal(model, CpuFeatures.DisplayModel(eax));
    }

    [Fact]
    public void This_CPU_reports_a_family_and_model_where_it_has_CPUID()
    {
        CpuFeatures cpu = Kernels.Cpu;
        Assert.Equal(cpu.IsX64, cpu.Family > 0);
        if (cpu.IsX64)
        {
            Assert.Equal(CpuFeatures.DisplayFamily(System.Runtime.Intrinsics.X86.X86Base.CpuId(1, 0).Eax), cpu.Family);
            Assert.Equal(CpuFeatures.DisplayModel(System.Runtime.Intrinsics.X86.X86Base.CpuId(1, 0).Eax), cpu.Model);
        }
    }
}
