namespace AsmKernels.Tests;

/// <summary>
/// A native library truncated inside what the loader maps is refused before the OS loader sees it
/// (which would kill the process inside dlopen), with the reason; a whole one passes; a missing one
/// is missing. (A file cut only in its trailing section headers or symbols is loadable: no loader reads them.)
/// </summary>
public sealed class NativeImageCheckTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("asmk-image-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Root =>
        typeof(NativeImageCheckTests).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    private string Truncated(string library, int bytes)
    {
        string copy = Path.Combine(_dir, $"{bytes}", Path.GetFileName(library));
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        File.WriteAllBytes(copy, File.ReadAllBytes(library)[..bytes]);
        return copy;
    }

    [SkippableFact]
    public void A_truncated_ELF_library_is_refused_and_a_whole_one_passes()
    {
        Skip.IfNot(Kernels.NativeLibraryLoaded && OperatingSystem.IsLinux(), "the Linux native library is not loaded");
        string lib = Kernels.NativeLibraryPath!;
        Assert.Equal(NativeImageCheck.Verdict.Loadable, NativeImageCheck.Check(lib, out string? reason));
        Assert.Null(reason);
        Assert.Equal(NativeImageCheck.Verdict.Missing, NativeImageCheck.Check(Path.Combine(_dir, "none", "libasmkernels.so"), out _));
        int length = (int)new FileInfo(lib).Length;
        foreach (int bytes in new[] { 0, 3, 63, 1000, 5000, 20000, length / 2 })
        {
            Assert.Equal(NativeImageCheck.Verdict.Refused, NativeImageCheck.Check(Truncated(lib, bytes), out reason));
            Assert.NotNull(reason);
            Assert.True(bytes < 64 || reason.Contains("truncated or damaged", StringComparison.Ordinal), $"{bytes} bytes: {reason}");
        }
    }

    [SkippableFact]
    public void A_truncated_PE_library_is_refused_and_a_whole_one_passes()
    {
        string dll = Path.Combine(Root, "build", "native-win64", "libasmkernels.dll");
        Skip.IfNot(File.Exists(dll), "needs the MinGW-w64 build of libasmkernels.dll: ./build.sh test builds it");
        Assert.Equal(NativeImageCheck.Verdict.Loadable, NativeImageCheck.Check(dll, out string? reason));
        Assert.Null(reason);
        int length = (int)new FileInfo(dll).Length;
        foreach (int bytes in new[] { 1000, 5000, length / 2 })
        {
            Assert.Equal(NativeImageCheck.Verdict.Refused, NativeImageCheck.Check(Truncated(dll, bytes), out reason));
            Assert.Contains("truncated or damaged", reason, StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public void A_FIFO_where_the_library_is_expected_is_refused_without_blocking()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "FIFOs: Linux");
        string fifo = Path.Combine(_dir, "fifo", "libasmkernels.so");
        Directory.CreateDirectory(Path.GetDirectoryName(fifo)!);
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
            mkfifo.WaitForExit();
        var check = Task.Run(() => (NativeImageCheck.Check(fifo, out string? why), why));
        Assert.True(check.Wait(TimeSpan.FromSeconds(10)), "the check blocked on the FIFO");
        Assert.Equal(NativeImageCheck.Verdict.Refused, check.Result.Item1);
        Assert.Contains("not a regular file", check.Result.why, StringComparison.Ordinal);
        (int code, string output) = ChildProcessTests.RunCli(Reference.CliAssembly, "info", ("ASMKERNELS_NATIVE_PATH", fifo));
        Assert.True(code == 0, output);
        Assert.Contains($"{fifo} could not be loaded: it is not a regular file", output);
    }

    [SkippableFact]
    public void A_library_whose_version_export_is_data_is_refused_not_called()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && File.Exists("/usr/bin/nasm") && File.Exists("/usr/bin/gcc"), "needs nasm and gcc on Linux");
        string dir = Path.Combine(_dir, "data");
        Directory.CreateDirectory(dir);
        string source = Path.Combine(dir, "data.asm"), obj = Path.Combine(dir, "data.o"), lib = Path.Combine(dir, "libasmkernels.so");
        File.WriteAllText(source, """
            section .note.GNU-stack noalloc noexec nowrite progbits
            section .data
            global asmk_abi_version:data
            asmk_abi_version: dd 8
            """);
        foreach ((string tool, string[] args) in new[] { ("/usr/bin/nasm", new[] { "-f", "elf64", "-o", obj, source }), ("/usr/bin/gcc", new[] { "-shared", "-o", lib, obj }) })
        {
            using var process = System.Diagnostics.Process.Start(tool, args);
            process.WaitForExit();
            Assert.Equal(0, process.ExitCode);
        }
        (int code, string output) = ChildProcessTests.RunCli(Reference.CliAssembly, "info", ("ASMKERNELS_NATIVE_PATH", lib));
        Assert.True(code == 0, output);
        Assert.Contains($"{lib} exports asmk_abi_version as data, not as a routine", output);
        Assert.Matches("(?m)^PopCount +scalar ", output);
    }

    [SkippableFact]
    public void A_process_given_a_truncated_library_falls_back_and_names_it()
    {
        Skip.IfNot(Kernels.NativeLibraryLoaded && OperatingSystem.IsLinux(), "the Linux native library is not loaded");
        foreach (int bytes in new[] { 1000, 20000 })
        {
            string copy = Truncated(Kernels.NativeLibraryPath!, bytes);
            (int code, string output) = ChildProcessTests.RunCli(Reference.CliAssembly, "info", ("ASMKERNELS_NATIVE_PATH", Path.GetDirectoryName(copy)!));
            Assert.True(code == 0, output);
            Assert.Contains($"{copy} could not be loaded: it is truncated or damaged", output);
            Assert.Matches("(?m)^PopCount +scalar ", output);
        }
    }
}
