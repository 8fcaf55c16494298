namespace AsmKernels.Lab;

/// <summary>
/// What a measurement report's name ends in on this CPU's class, so that each class's reports
/// stand side by side in docs/: nothing on AMD's AVX-512 CPUs before family 26 (AVX-512 VPOPCNTDQ and
/// VPCLMULQDQ: Zen 4); <c>-zen5</c> on AMD's from family 26 (full-width 512-bit units); <c>-intel</c>
/// on Intel's (Sapphire Rapids class: <c>vpclmulqdq</c> every cycle, a legacy-SSE instruction after
/// VEX code costly); <c>-avx2</c> on an AVX2 CPU without them (AMD Zen 3, for one); <c>-sse</c> below.
/// The one rule: the benchmark program applies it, and the scripts and build.ps1 read it from
/// <c>asmkernels-lab report-suffix</c> (scripts/report_suffix.sh).
/// </summary>
internal static class ReportSuffix
{
    /// <summary>The suffix for <paramref name="cpu"/>.</summary>
    public static string Of(CpuFeatures cpu) => Of(cpu.Avx512Vpopcntdq && cpu.Vpclmulqdq, cpu.Avx2, cpu.Vendor, cpu.Family);

    /// <summary>The rule: AVX-512 with VPOPCNTDQ and VPCLMULQDQ (<paramref name="avx512"/>), else AVX2, then the vendor and display family.</summary>
    public static string Of(bool avx512, bool avx2, string vendor, int family) =>
        !avx512 ? avx2 ? "-avx2" : "-sse"
        : vendor == "GenuineIntel" ? "-intel"
        : vendor == "AuthenticAMD" && family >= 26 ? "-zen5" : "";

    /// <summary>The <c>report-suffix</c> command: prints this CPU's suffix (an empty line on Zen 4).</summary>
    public static int Run()
    {
        Console.WriteLine(Of(Kernels.Cpu));
        return 0;
    }
}
