namespace AsmKernels;

/// <summary>
/// Input lengths (in elements) below which the public API stays in managed code because the
/// native call costs more than it saves.
/// </summary>
/// <remarks>
/// Measured with <c>asmkernels crossover</c>, which times the managed scalar loop and the baseline
/// native kernel (call and level check included) at lengths 1..64 in one run. Over three runs on
/// an AVX-512 Xeon the native kernel won from 5-9 elements (PopCount), 14-15 (HammingDistance) and
/// 8-11 (IncrementBy); the thresholds sit just above the highest of those.
/// </remarks>
internal static class Thresholds
{
    public const int PopCountNative = 12;
    public const int HammingNative = 16;
    public const int IncrementNative = 12;
}
