using System.Diagnostics;

namespace AsmKernels.Tests;

/// <summary>
/// The dispatch choice is process-wide, so the fallback paths run in a child process: the CLI's
/// selftest (every API against a reference) under each configuration.
/// </summary>
public class ChildProcessTests
{
    private static string CliAssembly => Reference.CliAssembly;

    private static string MissingLibrary => Path.Combine(Path.GetTempPath(), "asmk-no-such-dir", Reference.NativeFileName);

    [Fact]
    public void No_command_prints_the_usage_and_exits_1_and_help_exits_0()
    {
        (int code, string output) = RunCli(CliAssembly, "");
        Assert.Equal(1, code);
        Assert.Contains("usage: asmkernels <command>", output);
        Assert.Contains("name a command", output);
        (code, output) = RunCli(CliAssembly, "--help");
        Assert.Equal(0, code);
        Assert.Contains("asmkernels [command] [options]", output);
        Assert.Contains("search", output);
    }

    [Fact]
    public void Every_command_has_help_and_unknown_options_exit_1()
    {
        foreach ((string assembly, string program, string[] commands) in new[]
        {
            (CliAssembly, "asmkernels", new[] { "info", "selftest", "popcount", "hamming", "crc32c", "search" }),
            (Reference.AsmToolsAssembly, "asmtools", ["disasm", "abicheck"]),
            (Reference.LabAssembly, "asmkernels-lab", ["demo", "crossover", "cold", "disasm"]),
        })
        {
            foreach (string command in commands)
            {
                (int code, string output) = RunCli(assembly, command, [], "--help");
                Assert.True(code == 0, $"{program} {command} --help: exit {code}: {output}");
                Assert.Contains($"{command}", output);
            }
            (int none, string usage) = RunCli(assembly, "");
            Assert.True(none == 1, $"{program} with no command: exit {none}: {usage}");
            Assert.Contains($"{program}: name a command", usage);
        }
        (int bad, string message) = RunCli(CliAssembly, "popcount", [], "f.bin", "--frobnicate");
        Assert.Equal(1, bad);
        Assert.Contains("--frobnicate", message);
        (bad, message) = RunCli(CliAssembly, "no-such-command");
        Assert.Equal(1, bad);
        Assert.Contains("no-such-command", message);
        (bad, message) = RunCli(Reference.LabAssembly, "cold", [], "--processes", "0");
        Assert.Equal(1, bad);
        Assert.Contains("--processes takes a number of processes, from 1 to 99; not '0'", message);
    }

    internal static (int ExitCode, string Output) RunCli(string cliAssembly, string command, params (string Name, string? Value)[] environment) =>
        RunCli(cliAssembly, command, environment, []);

    private static (int ExitCode, string Output) RunCli(string cliAssembly, string command, (string Name, string? Value)[] environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(cliAssembly);
        if (command.Length > 0)
            start.ArgumentList.Add(command);
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment.Remove("ASMKERNELS_MAX_ISA");
        start.Environment.Remove("ASMKERNELS_NATIVE_PATH");
        foreach ((string name, string? value) in environment)
            start.Environment[name] = value;
        using var process = Process.Start(start)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), "the child process did not finish in 3 minutes");
        return (process.ExitCode, output + stderr.Result);
    }

    private static void AssertScalarEverywhere(string output)
    {
        foreach (KernelOperation op in Enum.GetValues<KernelOperation>())
            Assert.Matches($@"(?m)^{op} +scalar ", output); // info's row, whatever the column's width
    }

    private static void AssertSelfTestPassed(string output) =>
        Assert.Matches(@"selftest: [1-9][0-9]* checks, 0 failed", output);

    [Fact]
    public void Forced_scalar_passes_the_selftest()
    {
        (int code, string output) = RunCli(CliAssembly, "selftest", ("ASMKERNELS_MAX_ISA", "scalar"));
        Assert.True(code == 0, output);
        AssertScalarEverywhere(output);
        AssertSelfTestPassed(output);
        Assert.Contains("managed fallback because ASMKERNELS_MAX_ISA=scalar", output);
    }

    [Fact]
    public void Unknown_max_isa_value_falls_back_to_scalar_and_says_why()
    {
        (int code, string output) = RunCli(CliAssembly, "info", ("ASMKERNELS_MAX_ISA", "avx9000"));
        Assert.True(code == 0, output);
        AssertScalarEverywhere(output);
        // Named at the top of info, before anything else, and as every operation's reason.
        Assert.StartsWith("warning: ASMKERNELS_MAX_ISA='avx9000' is not a level", output);
        Assert.Contains("managed fallback because ASMKERNELS_MAX_ISA='avx9000' is not a level", output);
    }

    [Fact]
    public void Missing_native_library_passes_the_selftest()
    {
        // A copy of the CLI's directory without the native library: nothing to find anywhere.
        string source = Path.GetDirectoryName(CliAssembly)!;
        string copy = Directory.CreateTempSubdirectory("asmk-nolib-").FullName;
        try
        {
            string[] nativeNames = ["libasmkernels.so", "libasmkernels.dll", "libasmkernels.dylib"];
            foreach (string file in Directory.GetFiles(source))
                if (!nativeNames.Contains(Path.GetFileName(file)))
                    File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            Assert.False(File.Exists(Path.Combine(copy, Reference.NativeFileName)));

            (int code, string output) = RunCli(Path.Combine(copy, Path.GetFileName(CliAssembly)), "selftest");
            Assert.True(code == 0, output);
            AssertScalarEverywhere(output);
            AssertSelfTestPassed(output);
            Assert.Contains($"native library: not loaded: {Reference.NativeFileName} not found", output);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public void Explicit_path_to_a_missing_file_falls_back_and_names_it()
    {
        (int code, string output) = RunCli(CliAssembly, "selftest", ("ASMKERNELS_NATIVE_PATH", MissingLibrary));
        Assert.True(code == 0, output);
        AssertScalarEverywhere(output);
        AssertSelfTestPassed(output);
        Assert.Contains($"ASMKERNELS_NATIVE_PATH={MissingLibrary}: no such file", output);
    }

    [Fact]
    public void A_file_that_is_not_a_library_is_refused_with_the_loader_reason()
    {
        string fake = Path.Combine(Directory.CreateTempSubdirectory("asmk-fake-").FullName, Reference.NativeFileName);
        File.WriteAllText(fake, "not an ELF file");
        try
        {
            (int code, string output) = RunCli(CliAssembly, "info", ("ASMKERNELS_NATIVE_PATH", Path.GetDirectoryName(fake)));
            Assert.True(code == 0, output);
            Assert.Contains($"{fake} could not be loaded", output);
            Assert.Matches("(?m)^PopCount +scalar ", output);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(fake)!, recursive: true);
        }
    }

    [SkippableFact]
    public void Default_child_uses_native_kernels_and_passes_the_selftest()
    {
        Skip.IfNot(Kernels.Cpu.Popcnt && File.Exists(Path.Combine(Path.GetDirectoryName(CliAssembly)!, Reference.NativeFileName)),
            "no POPCNT on this CPU or no native library beside the CLI");
        (int code, string output) = RunCli(CliAssembly, "selftest");
        Assert.True(code == 0, output);
        Assert.DoesNotMatch("(?m)^PopCount +scalar ", output);
        // A managed fallback only where no kernel of the operation runs on this CPU (SliceCodes without AVX-512).
        foreach (KernelOperation op in Enum.GetValues<KernelOperation>())
            if (Reference.HasRunnableKernel(op))
                Assert.DoesNotMatch($"(?m)^{op} +scalar ", output);
        foreach (KernelOperation op in Enum.GetValues<KernelOperation>())
            foreach (IsaLevel isa in IsaLevels.All)
                if (Kernels.IsSupported(op, isa))
                    Assert.Contains($"{op} at {IsaLevels.Name(isa)}: ", output);
        AssertSelfTestPassed(output);
    }
}
