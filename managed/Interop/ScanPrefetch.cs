namespace AsmKernels;

/// <summary>
/// From how many bytes of codes a Hamming scan's pass asks the kernel for its prefetch ahead
/// (<c>ASMK_SCAN_STREAM</c>: the AVX-512 scan prefetches 16 KiB ahead), chosen once per process by
/// CPU, or forced by <c>ASMKERNELS_SCAN_PREFETCH</c> (<c>auto</c>, <c>always</c>, <c>never</c>).
/// </summary>
/// <remarks>
/// The rule, as measured (<c>scripts/hamscan_ab.sh</c> and its <c>hamscan_stream W N</c>, the scan
/// with and without the flag interleaved in one process; docs/performance-notes.md):
/// <list type="bullet">
/// <item>AMD family 26 and later (Zen 5: 1 MiB L2 per core, 32 MiB L3), 2026-12-03, W = 1, 2 and 4,
/// three runs each: the prefetch gained 37-56% at 32 MB of codes (W = 1 to 16), 25% at 64 MB, 9-14% at
/// 128 MB and 12-23% at 16 MB (W = 2, 4; W = 1 -2 to +8%), but cost 1-10% in most runs at 8-12 MB
/// (it gained 17-18% in a few) and 9-17% with the codes in L2 (0.2 MB; level at W = 4): asked for from 14 MiB, between
/// the sizes where it lost and where it gained.</item>
/// <item>Intel (Xeon family 6 model 207, Sapphire Rapids class: 2 MiB L2 per core), 2026-12-03, W = 1,
/// 2, 4, 8 and 16, three runs: every pass. It gained 11-22% with the codes in L2 (0.2 MB, W = 1; W = 2
/// 1-13%, W = 4 at 0.6 MB 6-13%), 0-11% at 32 MB, and was level at 8 MB (-1 to +4%).</item>
/// <item>AMD Zen 4 and every other CPU: never. On Zen 4 it cost 2-35% at every size from 8 to 256 MB in
/// two of three measurements.</item>
/// </list>
/// On Zen 5 a batch's tiles (256 KiB) are far below that size, and get no prefetch; on Intel every pass
/// asks for it, a tile's too (in L2 it gained most).
/// </remarks>
internal static class ScanPrefetch
{
    /// <summary>The variable that forces the choice.</summary>
    public const string Variable = "ASMKERNELS_SCAN_PREFETCH";

    /// <summary>Where the rule starts on the CPUs it pays on (AMD Zen 5): the measured border, between 12 MB (lost) and 16 MB (gained).</summary>
    public const long Zen5FromBytes = 14L << 20;

    /// <summary>The raw value of <see cref="Variable"/>, or null.</summary>
    public static readonly string? Setting = Environment.GetEnvironmentVariable(Variable);

    /// <summary>
    /// The bytes of codes from which a pass asks for the prefetch; <see cref="long.MaxValue"/>: never.
    /// Read on a process's first search: nothing here formats text or runs CPUID again.
    /// </summary>
    public static readonly long FromBytes = Choose(Setting, Dispatch.Cpu.IsIntel, Dispatch.Cpu.IsAmd, Dispatch.Cpu.Family);

    /// <summary>The ASMK_SCAN_STREAM flag for a pass over <paramref name="bytes"/> bytes of codes.</summary>
    public static ulong FlagsFor(long bytes) => bytes >= FromBytes ? HammingScan.Stream : 0;

    /// <summary>What <paramref name="setting"/> forces: 0 (always), <see cref="long.MaxValue"/> (never), or -1 (the CPU's rule: unset, <c>auto</c> or unreadable).</summary>
    private static long Forced(string? setting) => setting?.Trim().ToLowerInvariant() switch
    {
        "always" => 0,
        "never" => long.MaxValue,
        _ => -1,
    };

    /// <summary>The rule: <paramref name="setting"/> forces it, else the CPU's vendor (<paramref name="intel"/>, <paramref name="amd"/>) and display family choose.</summary>
    public static long Choose(string? setting, bool intel, bool amd, int family) =>
        Forced(setting) is >= 0 and var forced ? forced : intel ? 0 : amd && family >= 26 ? Zen5FromBytes : long.MaxValue;

    /// <summary>Why <see cref="Choose"/> gives what it gives, as a sentence's end.</summary>
    public static string Reason(string? setting, bool intel, bool amd, int family) =>
        Forced(setting) >= 0 ? $"{Variable}={setting!.Trim()}"
        : intel ? "Intel: measured to gain 11-22% with the codes in L2 and up to 11% from memory, never to cost"
        : amd && family >= 26 ? $"AMD family {family}, Zen 5 and later: measured to gain 12-56% from 16 MB of codes"
        : amd && family == 25 ? "AMD family 25, Zen 3 and Zen 4: measured to cost 2-35% on Zen 4"
        : "not measured to pay on this CPU";

    /// <summary>Why <paramref name="setting"/> could not be read (the CPU's rule applies instead), or null.</summary>
    public static string? ProblemOf(string? setting) =>
        Forced(setting) < 0 && !string.IsNullOrWhiteSpace(setting) && !setting.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase)
            ? $"{Variable}='{setting}' is not auto, always or never; using the CPU's rule"
            : null;

    /// <summary>Why <see cref="Setting"/> could not be read, or null.</summary>
    public static string? Problem => ProblemOf(Setting);

    /// <summary>The choice as one line, for <c>info</c>.</summary>
    public static string Describe() =>
        (FromBytes == long.MaxValue ? "never" : FromBytes == 0 ? "every pass" : $"passes over {FromBytes >> 20} MiB of codes and more")
        + $" ({Reason(Setting, Dispatch.Cpu.IsIntel, Dispatch.Cpu.IsAmd, Dispatch.Cpu.Family)})";
}
