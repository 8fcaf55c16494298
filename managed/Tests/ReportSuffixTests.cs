using AsmKernels.Lab;

namespace AsmKernels.Tests;

/// <summary>The one rule naming each CPU class's reports (the benchmark program's and the scripts').</summary>
public class ReportSuffixTests
{
    [Theory]
    [InlineData(true, true, "AuthenticAMD", 25, "")]        // Zen 4
    [InlineData(true, true, "AuthenticAMD", 26, "-zen5")]   // Zen 5
    [InlineData(true, true, "AuthenticAMD", 27, "-zen5")]   // later AMD families
    [InlineData(true, true, "GenuineIntel", 6, "-intel")]   // Sapphire Rapids class
    [InlineData(false, true, "GenuineIntel", 6, "-avx2")]   // AVX2 without the AVX-512 extensions
    [InlineData(false, true, "AuthenticAMD", 25, "-avx2")]  // Zen 3
    [InlineData(false, false, "GenuineIntel", 6, "-sse")]
    [InlineData(true, true, "", 0, "")]                     // unknown vendor with the features: Zen 4's names
    public void Each_class_has_its_suffix(bool avx512, bool avx2, string vendor, int family, string want) =>
        Assert.Equal(want, ReportSuffix.Of(avx512, avx2, vendor, family));

    private static readonly string[] Suffixes = ["", "-zen5", "-intel", "-avx2", "-sse"];

    [Fact]
    public void This_CPU_gets_one_of_the_suffixes() => Assert.Contains(ReportSuffix.Of(Kernels.Cpu), Suffixes);
}
