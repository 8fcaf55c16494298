namespace AsmKernels.Tests;

/// <summary>
/// Kernels tuned for one vendor's CPUs (the kernel table's <c>tune</c> lines): chosen only there,
/// forced by <c>ASMKERNELS_TUNE</c>, and what <c>info</c> says of them.
/// </summary>
public class TuneTests
{
    [Theory]
    [InlineData(null, true, false, "intel")]
    [InlineData(null, false, true, "amd")]
    [InlineData(null, false, false, null)]   // no CPUID, or another vendor
    [InlineData("auto", false, true, "amd")]
    [InlineData(" AMD ", true, false, "amd")]
    [InlineData("intel", false, true, "intel")]
    [InlineData("none", true, false, null)]
    [InlineData("", true, false, "intel")]
    public void The_vendor_is_the_CPU_s_unless_forced(string? setting, bool intel, bool amd, string? want)
    {
        Assert.Equal(want, Dispatch.ChooseTune(setting, intel, amd));
        Assert.Null(Dispatch.TuneProblemOf(setting));
    }

    [Fact]
    public void An_unreadable_setting_is_reported_and_the_CPU_s_vendor_chooses()
    {
        Assert.Equal("intel", Dispatch.ChooseTune("zen", true, false));
        string? problem = Dispatch.TuneProblemOf("zen");
        Assert.NotNull(problem);
        Assert.Contains("'zen'", problem);
        Assert.Contains(Dispatch.TuneVariable, problem);
    }

    [Fact]
    public void The_vendor_tests_agree_with_the_vendor_string()
    {
        CpuFeatures cpu = Kernels.Cpu;
        Assert.Equal(cpu.Vendor == "GenuineIntel", cpu.IsIntel);
        Assert.Equal(cpu.Vendor == "AuthenticAMD", cpu.IsAmd);
    }

    [Fact]
    public void Every_tuned_kernel_names_a_vendor_and_a_measured_reason_and_has_an_untuned_twin()
    {
        int tuned = 0;
        for (int k = 0; k < KernelTable.Count; k++)
        {
            if (KernelTable.TunedFor(k) is not { } vendor)
            {
                Assert.Null(KernelTable.TuneReason(k));
                continue;
            }
            tuned++;
            Assert.True(vendor is "intel" or "amd", vendor);
            Assert.False(string.IsNullOrWhiteSpace(KernelTable.TuneReason(k)));
            // Another vendor's CPUs need a kernel of the same features to run instead.
            KernelOperation op = KernelTable.Operation(k);
            Assert.Contains(KernelTable.Of(op).ToArray(), j => j != k && KernelTable.TunedFor(j) is null && KernelTable.Needs(j) == KernelTable.Needs(k));
            Assert.Equal(vendor, Kernels.GetKernels(op).Single(i => i.Name == KernelTable.Name(k)).TunedFor);
        }
        Assert.True(tuned > 0, "the table tunes no kernel: asmk_crc32c_avx512_fold is tuned for Intel");
    }

    [Fact]
    public void Dispatch_never_chooses_a_kernel_tuned_for_another_vendor_while_another_runs()
    {
        foreach (KernelOperation op in IsaLevels.Operations)
        {
            foreach (IsaLevel isa in IsaLevels.All)
            {
                if (isa == IsaLevel.Scalar || Dispatch.WhyNot(op, isa) is not null)
                    continue;
                int k = Dispatch.KernelAt(op, isa);
                if (KernelTable.TunedFor(k) is { } vendor && vendor != Dispatch.TuneVendor)
                    foreach (byte other in KernelTable.Of(op))
                        Assert.False(other != k && KernelTable.TunedFor(other) is null && Dispatch.WhyNot(other) is null
                            && IsaLevels.Of(KernelTable.Needs(other)) == isa, $"{op} at {isa}: {KernelTable.Name(k)} is tuned for {vendor}");
            }
            if (Dispatch.SelectedKernel(op) is var s and >= 0)
                Assert.Equal(s, Dispatch.KernelAt(op, Dispatch.Selected(op)));
        }
        // info's line names the vendor and exactly the tuned kernels dispatch chose.
        string line = Kernels.Tuning;
        Assert.StartsWith(Dispatch.TuneVendor switch { "intel" => "Intel (", "amd" => "AMD (", _ => "none (" }, line);
        var chosen = IsaLevels.Operations.Select(Dispatch.SelectedKernel).Where(k => k >= 0 && KernelTable.TunedFor(k) is not null).Select(KernelTable.Name).ToList();
        Assert.EndsWith(chosen.Count == 0 ? "no tuned kernel chosen" : "chosen: " + string.Join(", ", chosen), line);
    }

    /// <summary>The CRC-32C kernel <c>info</c> names under <c>ASMKERNELS_TUNE</c>=<paramref name="setting"/> in a child process.</summary>
    private static string Crc32CKernelUnder(string setting)
    {
        (int code, string output) = ChildProcessTests.RunCli(Reference.CliAssembly, "info", ("ASMKERNELS_TUNE", setting));
        Assert.True(code == 0, output);
        string row = output.Split('\n').Single(l => l.StartsWith("Crc32C ", StringComparison.Ordinal));
        return row.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2];
    }

    [SkippableFact]
    public void The_forcing_switch_chooses_each_vendor_s_CRC_kernel_on_this_CPU()
    {
        Skip.IfNot(DispatchTests.DefaultEnvironment, "ASMKERNELS_MAX_ISA or ASMKERNELS_NATIVE_PATH is set for this run");
        string? why = Dispatch.WhyNot(Dispatch.KernelNamed("asmk_crc32c_avx512_fold"));
        Skip.If(why is not null, $"the AVX-512 CRC-32C kernels cannot run here: {why}");
        Assert.Equal("asmk_crc32c_avx512_fold", Crc32CKernelUnder("intel"));
        Assert.Equal("asmk_crc32c_avx512", Crc32CKernelUnder("amd"));
        Assert.Equal("asmk_crc32c_avx512", Crc32CKernelUnder("none"));
        (int code, string output) = ChildProcessTests.RunCli(Reference.CliAssembly, "info", ("ASMKERNELS_TUNE", "zen"));
        Assert.True(code == 0, output);
        Assert.Contains("warning: ASMKERNELS_TUNE='zen' is not auto, intel, amd or none", output);
        Assert.Contains($"tuned kernels:  {(Kernels.Cpu.IsIntel ? "Intel" : Kernels.Cpu.IsAmd ? "AMD" : "none")} (the CPU's vendor", output);
    }
}
