using AsmKernels;

// Prints what the package chose on this machine, then checks each API against a known answer.
// Exit code 0 when every answer is right; the output says whether the native kernels ran.

Console.WriteLine($"AsmKernels {typeof(Kernels).Assembly.GetName().Version}");
Console.WriteLine($"AsmKernels.dll: {Compilation()}");
Console.WriteLine($"CPU: {Kernels.Cpu.Brand} ({Kernels.Cpu})");
Console.WriteLine(Kernels.NativeLibraryLoaded
    ? $"native library: loaded from {Kernels.NativeLibraryPath}"
    : $"native library: not loaded ({Kernels.NativeLibraryError})");
foreach (KernelOperation op in Enum.GetValues<KernelOperation>())
{
    KernelInfo? kernel = Kernels.GetSelectedKernel(op);
    Console.WriteLine($"{op}: {kernel?.Name ?? "managed"} ({IsaLevels.Name(kernel?.Level ?? IsaLevel.Scalar)})"
        + (Kernels.GetFallbackReason(op) is { } why ? $", managed fallback because {why}" : ""));
}

int failures = 0;
void Check(string what, ulong actual, ulong expected)
{
    bool ok = actual == expected;
    failures += ok ? 0 : 1;
    Console.WriteLine($"{what} = {actual}{(ok ? " ok" : $" WRONG, expected {expected}")}");
}

// 1000 words: well above the length where the native kernels take over.
ulong[] words = new ulong[1000];
for (int i = 0; i < words.Length; i++)
    words[i] = i % 2 == 0 ? ulong.MaxValue : 0x5555_5555_5555_5555UL; // 64 and 32 set bits
Check("BitOps.PopCount(1000 words)", BitOps.PopCount(words), 500 * 64 + 500 * 32);

ulong[] zeros = new ulong[1000];
Check("BitOps.HammingDistance(1000 words, zeros)", BitOps.HammingDistance(words, zeros), 500 * 64 + 500 * 32);
Check("BitOps.PopCount(\"AsmKernels\"u8)", BitOps.PopCount("AsmKernels"u8), 42);

// 5M elements: above the length where IncrementBy hands over to the native kernel.
long[] values = new long[5_000_003];
for (int i = 0; i < values.Length; i++)
    values[i] = i - 7;
Int64Ops.IncrementBy(values, 7);
ulong wrong = 0;
for (int i = 0; i < values.Length; i++)
    wrong += values[i] == i ? 0UL : 1UL;
Check("Int64Ops.IncrementBy(5,000,003 elements, 7): elements wrong", wrong, 0);
long[] wrapped = [long.MaxValue, -1];
Int64Ops.IncrementBy(wrapped, 1);
Check("Int64Ops.IncrementBy([long.MaxValue, -1], 1) wraps", (ulong)(wrapped[0] == long.MinValue && wrapped[1] == 0 ? 1 : 0), 1);

try
{
    BitOps.HammingDistance(words, zeros.AsSpan(1));
    Check("BitOps.HammingDistance with lengths 1000 and 999 throws", 0, 1);
}
catch (ArgumentException)
{
    Check("BitOps.HammingDistance with lengths 1000 and 999 throws", 1, 1);
}

Console.WriteLine(failures == 0 ? "consumer: all checks passed" : $"consumer: {failures} checks FAILED");
return failures == 0 ? 0 : 1;

// How the library's code reached this process: precompiled for this platform (the package's
// runtimes/<rid>/lib/), IL for the JIT, or part of a Native AOT binary.
[System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("SingleFile", "IL3000", Justification = "An empty location is reported as such.")]
static string Compilation()
{
    if (!System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeCompiled)
        return "Native AOT";
    string location = typeof(Kernels).Assembly.Location;
    if (location.Length == 0)
        return "no file (single-file bundle)";
    using var pe = new System.Reflection.PortableExecutable.PEReader(File.OpenRead(location));
    bool readyToRun = pe.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0;
    return $"{(readyToRun ? "ReadyToRun" : "IL only")}, {location}";
}
