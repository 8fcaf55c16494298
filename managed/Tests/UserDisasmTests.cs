using System.Diagnostics;
using AsmKernels.AsmTools;

namespace AsmKernels.Tests;

/// <summary>
/// <c>asmkernels disasm --method</c> and <c>--native</c> on code the test writes itself: a small
/// class library it builds, and a NASM routine it assembles as an ELF and a COFF object.
/// </summary>
public sealed class UserDisasmTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("asmk-userdisasm-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string ToolsAssembly => Reference.AsmToolsAssembly;

    private static (int Code, string Output) Run(string workDir, string file, params string[] args) => RunWithTmp(workDir, null, file, args);

    private static (int Code, string Output) RunWithTmp(string workDir, string? tmp, string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workDir };
        if (tmp is not null)
            start.Environment["TMPDIR"] = tmp;
        foreach (string a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        Task<string> err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(3)), $"{file} did not finish in 3 minutes");
        return (p.ExitCode, output + err.Result);
    }

    private (int Code, string Output) Cli(params string[] args) =>
        Run(_dir, Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [ToolsAssembly, .. args]);

    private const string Routine = """
        bits 64
        default rel
        extern helper
        section .rodata
        table: dq 1, 2, 3
        section .text
        global sum_words
        sum_words:
            xor eax, eax
        .loop:
            add rax, [rdi]
            add rax, [table]
            add rdi, 8
            dec rsi
            jnz .loop
            call helper
            ret
        global other
        other:
            mov eax, 1
            ret
        """;

    private string Assemble(string format, string extension)
    {
        string source = Path.Combine(_dir, "routine.asm"), obj = Path.Combine(_dir, "routine" + extension);
        File.WriteAllText(source, format == "win64" ? Routine.Replace(".rodata", ".rdata rdata", StringComparison.Ordinal) : Routine);
        (int code, string output) = Run(_dir, "nasm", "-f", format, "-o", obj, source);
        Assert.True(code == 0, output);
        return obj;
    }

    [SkippableTheory]
    [InlineData("elf64", ".o")]
    [InlineData("win64", ".obj")]
    public void A_routine_of_an_object_is_listed_with_its_relocations_named(string format, string extension)
    {
        Skip.If(!File.Exists("/usr/bin/nasm") && !File.Exists("/usr/local/bin/nasm"), "nasm is not installed");
        string obj = Assemble(format, extension);
        Listing? listing = UserDisasm.Native($"{obj}:sum_words", out string? error);
        Assert.True(listing is not null, error);
        string text = string.Join('\n', listing.TextLines);
        Assert.Contains("relocation: helper", text);
        Assert.Contains("relocation: .r", text); // the table, through its section
        Assert.Contains("L0:", text);
        Assert.Contains("jne         L0", text);
        Assert.DoesNotContain("mov         eax, 1", text); // stops where `other` begins
        Assert.Null(UserDisasm.Native($"{obj}:no_such_routine", out error));
        Assert.Contains("no_such_routine", error);
        Assert.Contains("sum_words", error); // the symbols it has

        (int code, string output) = Cli("disasm", "--native", $"{obj}:missing_symbol");
        Assert.Equal(1, code);
        Assert.Contains("missing_symbol", output);
    }

    [SkippableFact]
    public void An_export_of_the_shared_library_is_listed()
    {
        Skip.IfNot(Kernels.NativeLibraryLoaded, "the native library is not loaded");
        Listing? listing = UserDisasm.Native($"{Kernels.NativeLibraryPath}:asmk_popcount_popcnt", out string? error);
        Assert.True(listing is not null, error);
        Assert.Contains(listing.Lines, l => l.Mnemonic == "popcnt");
    }

    [SkippableFact]
    public void A_plain_NASM_routine_of_a_shared_library_without_a_size_is_bounded_by_the_next_symbol()
    {
        Skip.If(!File.Exists("/usr/bin/nasm") && !File.Exists("/usr/local/bin/nasm"), "nasm is not installed");
        Skip.IfNot(OperatingSystem.IsLinux(), "links an ELF shared library with ld");
        // Legacy style: `global f:function` and `global g` with no size expression, so the ELF
        // symbols' sizes are 0.
        string source = Path.Combine(_dir, "plain.asm"), obj = Path.Combine(_dir, "plain.o"), lib = Path.Combine(_dir, "libplain.so");
        File.WriteAllText(source, """
            bits 64
            section .text
            global first:function
            first:
                mov rax, rdi
            .loop:
                add rax, rsi
                dec rsi
                jnz .loop
                ret
            global second
            second:
                mov eax, 2
                ret
            section .note.GNU-stack noalloc noexec nowrite progbits
            """);
        (int code, string output) = Run(_dir, "nasm", "-f", "elf64", "-o", obj, source);
        Assert.True(code == 0, output);
        (code, output) = Run(_dir, "ld", "-shared", "-o", lib, obj);
        Assert.True(code == 0, output);
        Listing? listing = UserDisasm.Native($"{lib}:first", out string? error);
        Assert.True(listing is not null, error);
        string text = string.Join('\n', listing.TextLines);
        Assert.Contains("add         rax, rsi", text);
        Assert.DoesNotContain("mov         eax, 2", text); // stops where `second` begins
        listing = UserDisasm.Native($"{lib}:second", out error); // a NOTYPE symbol, the last of its section
        Assert.True(listing is not null, error);
        Assert.Contains("mov         eax, 2", string.Join('\n', listing.TextLines));
    }

    [SkippableFact]
    public void A_method_of_a_built_library_is_listed_beside_a_routine_and_bad_names_are_errors()
    {
        Skip.If(!File.Exists("/usr/bin/nasm") && !File.Exists("/usr/local/bin/nasm"), "nasm is not installed");
        string project = Path.Combine(_dir, "lib");
        Directory.CreateDirectory(project);
        File.WriteAllText(Path.Combine(project, "lib.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework><AssemblyName>SampleLib</AssemblyName></PropertyGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(project, "Bits.cs"), """
            using System;
            namespace Sample;
            public static class Bits
            {
                public static ulong Count(ReadOnlySpan<ulong> data) { ulong n = 0; foreach (ulong w in data) n += (ulong)System.Numerics.BitOperations.PopCount(w); return n; }
                public static ulong Count(ulong[] data) => Count(data.AsSpan());
                public static T Echo<T>(T value) => value;
            }
            static class Init
            {
                [System.Runtime.CompilerServices.ModuleInitializer]
                internal static void Run() => System.IO.File.WriteAllText("module-initializer-ran", "");
            }
            """);
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        (int built, string buildOutput) = Run(project, host, "build", "-c", "Release", "-o", Path.Combine(project, "out"), "-nologo");
        Assert.True(built == 0, buildOutput);
        string dll = Path.Combine(project, "out", "SampleLib.dll");
        string obj = Assemble("elf64", ".o");

        (int code, string output) = Cli("disasm", "--method", $"{dll}:Sample.Bits.Count(System.ReadOnlySpan<System.UInt64>)", "--native", $"{obj}:sum_words");
        Assert.True(code == 0, output);
        Assert.Contains("Sample.Bits:Count", output);
        Assert.Contains("JIT FullOpts", output);
        Assert.Contains("popcnt", output);
        Assert.Contains("| ", output); // side by side
        Assert.Contains("hot-loop instructions", output);

        (code, output) = Cli("disasm", "--method", $"{dll}:Sample.Bits.Count");
        Assert.Equal(1, code);
        Assert.Contains("ambiguous", output);
        Assert.Contains("Count(System.UInt64[])", output);

        (code, output) = Cli("disasm", "--method", $"{dll}:Sample.Bits.Echo");
        Assert.Equal(1, code);
        Assert.Contains("open generic", output);

        (code, output) = Cli("disasm", "--method", $"{dll}:Sample.Bits.Nope");
        Assert.Equal(1, code);
        Assert.Contains("Count, Echo", output);

        (code, output) = Cli("disasm", "--method", $"{dll}:Sample.Bits.Count(System.UInt64[])", "--format", "markdown");
        Assert.True(code == 0, output);
        Assert.Contains("```nasm", output);

        // The module initializer ran where compiling runs it: in the child's private directory, not here.
        Assert.False(File.Exists(Path.Combine(_dir, "module-initializer-ran")), "the module initializer wrote into the caller's directory");
    }

    [SkippableFact]
    public void The_JIT_listing_passes_through_a_private_directory_that_is_removed()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "file modes and TMPDIR are Linux's here");
        string tmp = Path.Combine(_dir, "tmp");
        Directory.CreateDirectory(tmp);
        string method = $"{typeof(Reference).Assembly.Location}:AsmKernels.Tests.Reference.Bits";
        var watcher = new List<string>();
        using var fsw = new FileSystemWatcher(tmp) { IncludeSubdirectories = false, EnableRaisingEvents = true };
        fsw.Created += (_, e) => { lock (watcher) watcher.Add(e.FullPath); };
        (int code, string output) = RunWithTmp(_dir, tmp, Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", ToolsAssembly, "disasm", "--method", method);
        Assert.True(code == 0, output);
        Assert.Contains("JIT FullOpts", output);
        Assert.Empty(Directory.EnumerateFileSystemEntries(tmp)); // removed on the way out
        lock (watcher)
        {
            // Only a fresh directory of its own (mode 0700, a random name), never a file at a
            // predictable path (the runtime's own diagnostic sockets come and go there too).
            string[] ours = [.. watcher.Select(Path.GetFileName).Where(n => n!.StartsWith("asmtools", StringComparison.Ordinal))!];
            Assert.NotEmpty(ours);
            Assert.All(ours, n => Assert.Matches("^asmtools-method-[A-Za-z0-9]+$", n));
        }
    }

    [SkippableFact]
    public void A_FIFO_a_device_or_a_directory_is_refused_at_once_by_name()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "FIFOs and /dev/zero are Linux's here");
        string fifo = Path.Combine(_dir, "lib.so");
        Assert.Equal(0, Run(_dir, "mkfifo", fifo).Code);
        var cases = new (string[] Args, string Message)[]
        {
            (["disasm", "--native", $"{fifo}:f"], "is a FIFO, not a library or object file"),
            (["disasm", "--native", "/dev/zero:f"], "/dev/zero: is a character device"),
            (["disasm", "--native", $"{_dir}:f"], "is a directory, not a file"),
            (["abicheck", fifo, "--symbol", "f", "--signature", "u64 (in u64[n], size n)"], "is a FIFO, not a library or object file"),
        };
        foreach (var (args, message) in cases)
        {
            var clock = Stopwatch.StartNew();
            (int code, string output) = Cli(args);
            Assert.True(code is 1 or 2, $"{string.Join(' ', args)}: exit {code}: {output}");
            Assert.Contains(message, output);
            Assert.DoesNotContain("   at ", output);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"{string.Join(' ', args)} took {clock.Elapsed}");
        }
    }

    [SkippableTheory]
    [InlineData(0xFFFF_FFFF_FFFF_FF00UL, 0x200UL)] // address + size wraps past 2^64 to a small address
    [InlineData(0UL, 0xFFFF_FFFF_FFFF_FFF0UL)]     // the real address, a size that wraps (0: keep the address)
    public void A_symbol_whose_address_or_size_wraps_is_named_as_damaged(ulong address, ulong size)
    {
        Skip.If(!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/nasm") || !File.Exists("/usr/bin/ld"), "needs Linux, nasm and ld");
        string source = Path.Combine(_dir, "wrap.asm"), obj = Path.Combine(_dir, "wrap.o"), lib = Path.Combine(_dir, "libwrap.so");
        File.WriteAllText(source, "bits 64\nsection .text\nglobal f:function (f.end - f)\nf:\n    mov eax, 1\n    ret\n.end:\nsection .note.GNU-stack noalloc noexec nowrite progbits\n");
        Assert.Equal(0, Run(_dir, "nasm", "-f", "elf64", "-o", obj, source).Code);
        Assert.Equal(0, Run(_dir, "ld", "-shared", "-o", lib, obj).Code);
        Assert.Equal(0, Cli("disasm", "--native", $"{lib}:f").Code);
        byte[] elf = File.ReadAllBytes(lib);
        int symbol = DynamicSymbol(elf, "f");
        if (address != 0)
            BitConverter.TryWriteBytes(elf.AsSpan(symbol + 8), address); // st_value
        BitConverter.TryWriteBytes(elf.AsSpan(symbol + 16), size);        // st_size
        File.WriteAllBytes(lib, elf);
        (int code, string output) = Cli("disasm", "--native", $"{lib}:f");
        Assert.Equal(2, code);
        Assert.Contains("lies outside every section stored in the file: the symbol table is damaged", output);
    }

    /// <summary>The file offset of the .dynsym entry named <paramref name="name"/> of a 64-bit ELF file.</summary>
    private static int DynamicSymbol(byte[] elf, string name)
    {
        int shoff = (int)BitConverter.ToUInt64(elf, 0x28), shentsize = BitConverter.ToUInt16(elf, 0x3A), shnum = BitConverter.ToUInt16(elf, 0x3C);
        for (int i = 0; i < shnum; i++)
        {
            int sh = shoff + i * shentsize;
            if (BitConverter.ToUInt32(elf, sh + 4) != 11) // SHT_DYNSYM
                continue;
            int offset = (int)BitConverter.ToUInt64(elf, sh + 0x18), size = (int)BitConverter.ToUInt64(elf, sh + 0x20);
            int strings = (int)BitConverter.ToUInt64(elf, shoff + (int)BitConverter.ToUInt32(elf, sh + 0x28) * shentsize + 0x18);
            for (int sym = offset; sym + 24 <= offset + size; sym += 24)
            {
                int at = strings + (int)BitConverter.ToUInt32(elf, sym), end = Array.IndexOf(elf, (byte)0, at);
                if (System.Text.Encoding.ASCII.GetString(elf, at, end - at) == name)
                    return sym;
            }
        }
        throw new InvalidDataException($"no dynamic symbol {name}");
    }

    [SkippableFact]
    public void A_huge_routine_is_listed_in_bounded_memory_with_its_bound_named()
    {
        Skip.If(!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/nasm") || !File.Exists("/usr/bin/ld"), "needs Linux, nasm and ld");
        string source = Path.Combine(_dir, "huge.asm"), obj = Path.Combine(_dir, "huge.o"), lib = Path.Combine(_dir, "libhuge.so");
        File.WriteAllText(source, "bits 64\nsection .text\nglobal huge:function (huge.end - huge)\nhuge:\n    times 16777216 nop\n    ret\n.end:\n");
        Assert.Equal(0, Run(_dir, "nasm", "-f", "elf64", "-o", obj, source).Code);
        Assert.Equal(0, Run(_dir, "ld", "-shared", "-o", lib, obj).Code);
        string time = File.Exists("/usr/bin/time") ? "/usr/bin/time" : "";
        (int code, string output) = time.Length > 0
            ? Run(_dir, time, "-f", "peak %M KB", Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", ToolsAssembly, "disasm", "--native", $"{lib}:huge")
            : Cli("disasm", "--native", $"{lib}:huge");
        Assert.True(code == 0, output[..Math.Min(output.Length, 2000)]);
        Assert.Contains("its first 1,048,576 of 16,777,217 bytes", output);
        System.Text.RegularExpressions.Match peak = System.Text.RegularExpressions.Regex.Match(output, @"peak (\d+) KB");
        if (peak.Success)
            Assert.True(long.Parse(peak.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) < 1_500_000, $"peak {peak.Groups[1].Value} KB");
    }
}
