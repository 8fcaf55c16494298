using System.Diagnostics;

namespace AsmKernels.Tests;

/// <summary><c>asmtools compare</c>: a .NET method against a native routine on the same inputs, then timed.</summary>
public class CompareTests
{
    /// <summary>Popcount with a defect above 100 words: what compare must catch.</summary>
    public static ulong PopCountWrongAbove100(ReadOnlySpan<ulong> data) =>
        BitOps.PopCount(data) + (data.Length > 100 ? 1UL : 0UL);

    private static (int Code, string Output) Compare(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in (string[])[Reference.AsmToolsAssembly, "compare", .. args])
            start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        Task<string> err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(3)), "compare did not finish in 3 minutes");
        return (p.ExitCode, output + err.Result);
    }

    [SkippableFact]
    public void The_same_results_are_timed_and_a_difference_is_the_first_differing_case()
    {
        Skip.IfNot(Kernels.NativeLibraryLoaded && OperatingSystem.IsLinux(), "the Linux native library is not loaded");
        string native = $"{Kernels.NativeLibraryPath}:asmk_popcount_popcnt";
        (int code, string output) = Compare("--method", $"{typeof(BitOps).Assembly.Location}:AsmKernels.BitOps.PopCount",
            "--native", native, "--signature", "u64 (in u64[n], size n)", "--sizes", "64,4096");
        Assert.True(code == 0, output);
        Assert.Contains("results: identical in 604 cases", output);
        Assert.Matches(@"\| 4,096 \| [0-9.]+ (ns|µs) \| [0-9.]+ (ns|µs) \| [0-9.]+x \|", output);
        Assert.Contains("asmk_popcount_popcnt |", output); // the listings' summary

        (code, output) = Compare("--method", $"{typeof(CompareTests).Assembly.Location}:AsmKernels.Tests.CompareTests.PopCountWrongAbove100",
            "--native", native, "--signature", "u64(in u64[n],size n)");
        Assert.Equal(1, code);
        Assert.Contains("results differ at 101 elements, offset 0 bytes", output);
    }

    [SkippableFact]
    public void A_method_of_another_shape_a_bad_signature_and_a_missing_routine_are_named()
    {
        Skip.IfNot(Kernels.NativeLibraryLoaded && OperatingSystem.IsLinux(), "the Linux native library is not loaded");
        string method = $"{typeof(BitOps).Assembly.Location}:AsmKernels.BitOps.PopCount";
        (int code, string output) = Compare("--method", method, "--native", $"{Kernels.NativeLibraryPath}:asmk_popcount_popcnt", "--signature", "u32 (in u64[n], size n)");
        Assert.Equal(2, code);
        Assert.Contains("no static method uint PopCount(ReadOnlySpan<ulong>)", output);
        (code, output) = Compare("--method", method, "--native", $"{Kernels.NativeLibraryPath}:asmk_popcount_popcnt", "--signature", "u64 (in u64[n], size n) extra");
        Assert.Equal(2, code);
        Assert.Contains("'extra' after the closing parenthesis", output);
        (code, output) = Compare("--method", method, "--native", $"{Kernels.NativeLibraryPath}:no_such_routine", "--signature", "u64 (in u64[n], size n)");
        Assert.Equal(2, code);
        Assert.Contains("does not export no_such_routine", output);
    }
}
