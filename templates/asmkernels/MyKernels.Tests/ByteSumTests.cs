using System.Diagnostics;
using AsmKernels.Build;
using Xunit;

namespace MyKernels.Tests;

/// <summary>
/// Every bytesum kernel this CPU runs against the fallback (every length 0..300 at every offset
/// 0..63, long and extreme inputs), the bound method too, and every routine of kernels.txt under
/// asmtools abicheck. A kernel this CPU cannot run is skipped, with the reason.
/// </summary>
public class ByteSumTests
{
    private static readonly byte[] Data = RandomBytes(4096 + 64);

    public static TheoryData<string> Kernels() => new(NativeKernels.KernelsOf("bytesum"));

    [SkippableTheory]
    [MemberData(nameof(Kernels))]
    public void Each_kernel_equals_the_fallback_at_every_length_and_offset(string kernel)
    {
        string? why = NativeKernels.WhyNot(kernel);
        Skip.If(why is not null, $"{kernel}: {why}");
        foreach (int n in Enumerable.Range(0, 301).Append(4096))
            for (int offset = 0; offset < 64; offset++)
            {
                ReadOnlySpan<byte> span = Data.AsSpan(offset, n);
                Assert.Equal(ByteSums.ByteSumFallback(span), ByteSums.ByteSum(kernel, span));
            }
        byte[] ones = Enumerable.Repeat((byte)0xFF, 1 << 20).ToArray();
        Assert.Equal(255UL << 20, ByteSums.ByteSum(kernel, ones));
        Assert.Equal(0UL, ByteSums.ByteSum(kernel, new byte[1000]));
    }

    [Fact]
    public void The_bound_method_equals_the_fallback()
    {
        foreach (int n in Enumerable.Range(0, 301).Append(4096))
            for (int offset = 0; offset < 64; offset += 7)
                Assert.Equal(ByteSums.ByteSumFallback(Data.AsSpan(offset, n)), ByteSums.ByteSum(Data.AsSpan(offset, n)));
    }

    [Fact]
    public void The_binding_says_what_runs_and_refuses_what_cannot()
    {
        string text = ByteSums.Describe();
        Assert.Contains("bytesum: ", text);
        foreach (string kernel in NativeKernels.KernelsOf("bytesum"))
            Assert.Contains(kernel, text);
        Assert.Throws<ArgumentException>(() => ByteSums.ByteSum("no_such_kernel", Data));
    }

    [SkippableFact]
    public void Every_routine_of_the_table_passes_abicheck()
    {
        Skip.If(NativeKernels.LoadProblem is not null, NativeKernels.LoadProblem);
        Skip.IfNot(OperatingSystem.IsLinux(), "abicheck runs the Linux library here (asmtools abicheck checks a Windows DLL under wine)");
        string root = Root();
        string library = Path.Combine(AppContext.BaseDirectory, NativeKernels.LibraryName + ".so");
        string table = Path.Combine(root, "MyKernels", "kernels.txt");
        var start = new ProcessStartInfo("dotnet", ["tool", "run", "asmtools", "abicheck", library, "--table", table])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd() + stderr.Result;
        process.WaitForExit();
        Skip.If(process.ExitCode != 0 && output.Contains("dotnet tool restore", StringComparison.Ordinal),
            "asmtools is not restored: run 'dotnet tool restore' (the AsmKernels.AsmTools tool of .config/dotnet-tools.json)");
        Assert.True(process.ExitCode == 0, output);
        Assert.Contains("all clean", output);
    }

    /// <summary>The solution's folder: the one with the tool manifest, above the test's output.</summary>
    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, ".config", "dotnet-tools.json")))
                return dir.FullName;
        throw new InvalidOperationException($"no .config/dotnet-tools.json above {AppContext.BaseDirectory}");
    }

    private static byte[] RandomBytes(int n)
    {
        var bytes = new byte[n];
        new Random(20261201).NextBytes(bytes);
        return bytes;
    }
}
