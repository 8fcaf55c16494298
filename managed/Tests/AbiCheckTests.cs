using System.Diagnostics;

namespace AsmKernels.Tests;

/// <summary>
/// <c>asmtools abicheck</c>: clean on the library's own kernels, and each deliberately broken
/// routine (assembled and linked by the test) caught and named: a clobbered callee-saved register,
/// a read one byte past the buffer, upper YMM state left dirty, a result that differs from the
/// reference. Linux (System V) always; a Win64 DLL under wine where the Windows harness was built.
/// </summary>
public sealed class AbiCheckTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("asmk-abicheck-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string ToolsAssembly => Reference.AsmToolsAssembly;

    private (int Code, string Output) Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _dir };
        foreach (string a in args) start.ArgumentList.Add(a);
        start.Environment["WINEDEBUG"] = "-all";
        using var p = Process.Start(start)!;
        Task<string> err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(5)), $"{file} did not finish in 5 minutes");
        return (p.ExitCode, output + err.Result);
    }

    private (int Code, string Output) AbiCheck(params string[] args) =>
        Run(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [ToolsAssembly, "abicheck", .. args]);

    private static readonly string[] ToolDirectories = ["/usr/bin", "/usr/local/bin"];

    private static string? Tool(string name) => ToolDirectories.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private const string Sum = "u64 (in u64[n], size n)";

    /// <summary>u64 f(const u64 *a, size_t n), correct and broken, written for one convention's argument registers.</summary>
    private static string Routines(string a, string n, string format) => $$"""
        bits 64
        default rel
        section .text
        {{(format == "elf64" ? "global good_sum:function, clobber:function, overread:function, dirty_ymm:function, wrong_sum:function, clobber_overread:function, exits:function, hangs:function, illegal:function, far_write:function, far_read:function, stack_write:function, write_before_8k:function, write_before_64k:function" : "global good_sum, clobber, overread, dirty_ymm, wrong_sum, clobber_overread, hangs\nexport good_sum\nexport clobber\nexport overread\nexport dirty_ymm\nexport wrong_sum\nexport clobber_overread\nexport hangs")}}
        good_sum:
            xor eax, eax
            test {{n}}, {{n}}
            jz .done
        .loop:
            add rax, [{{a}}]
            add {{a}}, 8
            dec {{n}}
            jnz .loop
        .done:
            ret
        clobber:
            mov {{(format == "elf64" ? "rbx" : "rsi")}}, {{a}}   ; callee-saved, not saved
            jmp good_sum
        overread:
            test {{n}}, {{n}}
            jz good_sum
            movzx eax, byte [{{a}} + 8*{{n}}]   ; one byte past the end
            jmp good_sum
        dirty_ymm:
            vpcmpeqd ymm0, ymm0, ymm0
            jmp good_sum
        stack_write:                ; the caller's frame, just above the return address
            mov qword [rsp + 16], 0
            jmp good_sum
        far_write:                  ; a byte 8 KiB past the end when n > 0
            test {{n}}, {{n}}
            jz good_sum
            mov byte [{{a}} + 8*{{n}} + 8192], 1
            jmp good_sum
        write_before_8k:            ; a byte 8 KiB before the buffer when n > 0
            test {{n}}, {{n}}
            jz good_sum
            mov byte [{{a}} - 8192], 1
            jmp good_sum
        write_before_64k:           ; a byte 64 KiB before the buffer when n > 0
            test {{n}}, {{n}}
            jz good_sum
            mov byte [{{a}} - 65536], 1
            jmp good_sum
        far_read:                   ; a byte 32 KiB past the end when n > 0
            test {{n}}, {{n}}
            jz good_sum
            movzx eax, byte [{{a}} + 8*{{n}} + 32768]
            jmp good_sum
        exits:                      ; ends the whole process on its fifth call: exit_group(0)
            inc dword [calls]
            cmp dword [calls], 5
            jb good_sum
            mov eax, 231
            xor edi, edi
            syscall
        hangs:                      ; never returns once n > 100
            cmp {{n}}, 100
            jbe good_sum
        .forever:
            jmp .forever
        illegal:                    ; an invalid instruction once n > 200
            cmp {{n}}, 200
            jbe good_sum
            ud2
        clobber_overread:           ; both: a register on every call, a read past the end when n > 0
            mov {{(format == "elf64" ? "rbx" : "rsi")}}, {{a}}
            jmp overread
        section .data
        calls: dd 0
        section .text
        wrong_sum:                  ; one too many for every non-empty input
            test {{n}}, {{n}}
            jz good_sum
            sub rsp, 8
            call good_sum
            add rsp, 8
            inc rax
            ret
        """;

    private string BuildWindows(string mingw)
    {
        string source = Path.Combine(_dir, "routines.asm"), obj = Path.Combine(_dir, "routines.obj"), dll = Path.Combine(_dir, "routines.dll");
        File.WriteAllText(source, Routines("rcx", "rdx", "win64"));
        (int code, string output) = Run(Tool("nasm")!, "-f", "win64", "-o", obj, source);
        Assert.True(code == 0, output);
        (code, output) = Run(mingw, "-shared", "-nostdlib", "-Wl,-e,0", "-o", dll, obj);
        Assert.True(code == 0, output);
        return dll;
    }

    private string BuildLinux()
    {
        string source = Path.Combine(_dir, "routines.asm"), obj = Path.Combine(_dir, "routines.o"), lib = Path.Combine(_dir, "libroutines.so");
        File.WriteAllText(source, Routines("rdi", "rsi", "elf64"));
        (int code, string output) = Run(Tool("nasm")!, "-f", "elf64", "-o", obj, source);
        Assert.True(code == 0, output);
        (code, output) = Run(Tool("gcc")!, "-shared", "-Wl,-z,noexecstack", "-o", lib, obj);
        Assert.True(code == 0, output);
        return lib;
    }

    [SkippableFact]
    public void The_librarys_own_kernels_are_clean()
    {
        Skip.IfNot(Kernels.NativeLibraryLoaded && OperatingSystem.IsLinux(), "the Linux native library is not loaded");
        string lib = Kernels.NativeLibraryPath!;
        var (code, output) = AbiCheck(lib, "--symbol", "asmk_popcount_popcnt", "--signature", Sum);
        Assert.True(code == 0, output);
        Assert.Contains("0 violations", output);
        Skip.IfNot(Kernels.Cpu.Avx2, "this CPU has no AVX2 for the reference comparison");
        (code, output) = AbiCheck(lib, "--symbol", "asmk_hamming_avx2", "--signature", "u64 (in u64[n], in u64[n], size n)",
            "--reference", $"{lib}:asmk_hamming_popcnt");
        Assert.True(code == 0, output);
        (code, output) = AbiCheck(lib, "--symbol", "asmk_increment_avx2", "--signature", "void (inout i64[n], size n, i64)",
            "--reference", $"{lib}:asmk_increment_sse2");
        Assert.True(code == 0, output);
        (code, output) = AbiCheck(lib, "--symbol", "asmk_crc32c_pclmul", "--signature", "u32 (u32, in u8[n], size n)",
            "--reference", $"{lib}:asmk_crc32c_sse42");
        Assert.True(code == 0, output);
    }

    [SkippableFact]
    public void A_kernel_tables_C_signatures_check_the_same_routines_and_a_table_checks_every_row()
    {
        Skip.IfNot(Kernels.NativeLibraryLoaded && OperatingSystem.IsLinux(), "the Linux native library is not loaded");
        string lib = Kernels.NativeLibraryPath!;
        var (code, output) = AbiCheck(lib, "--symbol", "asmk_popcount_popcnt", "--signature", "uint64_t (const uint64_t *data, size_t count)");
        Assert.True(code == 0, output);
        Assert.Contains("'u64 (in u64[count], size count)'", output);
        string table = Path.Combine(_dir, "kernels.txt");
        File.WriteAllText(table, """
            op popcount PopCount | bits
            op hamming HammingDistance | bits
            op increment IncrementBy | add
            kernel asmk_popcount_popcnt popcount popcnt uint64_t (const uint64_t *data, size_t count) | a
            kernel asmk_hamming_popcnt hamming popcnt uint64_t (const uint64_t *a, const uint64_t *b, size_t count) | b
            kernel asmk_increment_sse2 increment sse2 void (int64_t *data, size_t count, int64_t value) | c
            """);
        (code, output) = AbiCheck(lib, "--table", table);
        Assert.True(code == 0, output);
        Assert.Contains("'u64 (in u64[count], in u64[count], size count)'", output);
        Assert.Contains("'void (inout i64[count], size count, i64)'", output);
        Assert.Contains("3 routines of kernels.txt: all clean", output);
        File.AppendAllText(table, "\nkernel asmk_not_there popcount popcnt uint64_t (const uint64_t *data, size_t count) | d\n");
        (code, output) = AbiCheck(lib, "--table", table);
        Assert.Equal(2, code);
        Assert.Contains("asmk_not_there", output);
        (code, output) = AbiCheck(lib, "--symbol", "asmk_popcount_popcnt", "--signature", "uint64_t (const uint64_t *data)");
        Assert.Equal(2, code);
        Assert.Contains("has no size_t count after it", output);
        (code, output) = AbiCheck(lib, "--table", table, "--symbol", "asmk_popcount_popcnt");
        Assert.Equal(1, code);
        Assert.Contains("--symbol and --signature, or --table", output);
    }

    [SkippableFact]
    public void A_legacy_SSE_routine_is_told_what_a_dirty_upper_state_costs_it_and_how_to_avoid_it()
    {
        Skip.IfNot(Kernels.NativeLibraryLoaded && OperatingSystem.IsLinux(), "the Linux native library is not loaded");
        Skip.IfNot(Kernels.Cpu.OsSavesYmm, "this CPU has no AVX state to dirty");
        string lib = Kernels.NativeLibraryPath!;
        var (code, output) = AbiCheck(lib, "--symbol", "asmk_increment_sse2", "--signature", "void (inout i64[n], size n, i64)");
        Assert.True(code == 0, output);
        Assert.Matches(@"upper state: entered dirty [0-9.]+ ns per call, clean [0-9.]+ ns", output);
        Assert.Contains("legacy-SSE instructions (not VEX-encoded: movq, pshufd, movdqu, paddq)", output);
        Assert.Contains("delegate* unmanaged", output);
        Assert.Contains("_vzeroupper", output);
        Skip.IfNot(Kernels.Cpu.Avx2, "this CPU has no AVX2 for the VEX counterpart");
        (code, output) = AbiCheck(lib, "--symbol", "asmk_increment_avx2", "--signature", "void (inout i64[n], size n, i64)");
        Assert.True(code == 0, output);
        Assert.Contains("upper state: entered dirty", output);
        Assert.DoesNotContain("legacy-SSE", output);
    }

    [SkippableFact]
    public void Each_broken_routine_is_caught_and_named()
    {
        Skip.If(!OperatingSystem.IsLinux() || Tool("nasm") is null || Tool("gcc") is null, "needs Linux, nasm and gcc");
        string lib = BuildLinux();
        Assert.Equal(0, AbiCheck(lib, "--symbol", "good_sum", "--signature", Sum).Code);

        var (code, output) = AbiCheck(lib, "--symbol", "clobber", "--signature", Sum);
        Assert.Equal(1, code);
        Assert.Contains("callee-saved register changed: rbx", output);

        (code, output) = AbiCheck(lib, "--symbol", "overread", "--signature", Sum);
        Assert.Equal(1, code);
        Assert.Contains("memory fault: at 0 bytes past the end of argument 1", output);

        if (Kernels.Cpu.Avx2)
        {
            (code, output) = AbiCheck(lib, "--symbol", "dirty_ymm", "--signature", Sum);
            Assert.Equal(1, code);
            Assert.Contains("missing vzeroupper", output);
        }

        (code, output) = AbiCheck(lib, "--symbol", "stack_write", "--signature", Sum);
        Assert.Equal(1, code);
        Assert.Contains("the caller's stack above the return address", output);

        // Far past the end: the guard regions are 64 KiB wide.
        (code, output) = AbiCheck(lib, "--symbol", "far_write", "--signature", Sum);
        Assert.Equal(1, code);
        Assert.Contains("memory fault: at 8192 bytes past the end of argument 1", output);
        (code, output) = AbiCheck(lib, "--symbol", "far_read", "--signature", Sum);
        Assert.Equal(1, code);
        Assert.Contains("memory fault: at 32768 bytes past the end of argument 1", output);

        // Before the buffer: a fault in every call, whichever guard the buffer sits against (against
        // the back one, the rest of its buffer is inaccessible during the call).
        foreach ((string routine, string distance) in new[] { ("write_before_8k", "8192"), ("write_before_64k", "65536") })
        {
            (code, output) = AbiCheck(lib, "--symbol", routine, "--signature", Sum);
            Assert.Equal(1, code);
            Assert.Contains($"memory fault: at {distance} bytes before argument 1", output);
            System.Text.RegularExpressions.Match m = System.Text.RegularExpressions.Regex.Match(output, @"abicheck: (\d+) cases \((\d+) calls\), (\d+) violations");
            Assert.True(m.Success, output);
            long cases = long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), violations = long.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture);
            // A case runs against both guards: a violation each (against the back guard the write
            // used to land in the unchecked rest of the buffer, one violation per case).
            Assert.True(violations >= cases * 19 / 10, $"{routine}: {violations} violations in {cases} cases (each against both guards)");
        }

        // Thousands of register violations first, and still the first read past the end is named.
        (code, output) = AbiCheck(lib, "--symbol", "clobber_overread", "--signature", Sum);
        Assert.Equal(1, code);
        Assert.Contains("callee-saved register changed: rbx", output);
        Assert.Contains("memory fault: at 0 bytes past the end of argument 1", output);

        (code, output) = AbiCheck(lib, "--symbol", "wrong_sum", "--signature", Sum, "--reference", $"{lib}:good_sum");
        Assert.Equal(1, code);
        Assert.Contains("the reference", output);
        Assert.Contains("len=1 ", output); // the first differing case
    }

    [SkippableFact]
    public void A_routine_that_ends_kills_or_hangs_the_harness_is_a_violation_named_with_its_case()
    {
        Skip.If(!OperatingSystem.IsLinux() || Tool("nasm") is null || Tool("gcc") is null, "needs Linux, nasm and gcc");
        string lib = BuildLinux();
        var (code, output) = AbiCheck(lib, "--symbol", "exits", "--signature", Sum);
        Assert.Equal(1, code);
        Assert.Contains("the harness ended with exit code 0 and no summary in call 5 of the routine (len=", output);
        (code, output) = AbiCheck(lib, "--symbol", "illegal", "--signature", Sum);
        Assert.Equal(1, code);
        Assert.Matches("killed by SIGILL in call [0-9]+ of the routine \\(len=201 |illegal instruction|SIGILL", output);
        (code, output) = AbiCheck(lib, "--symbol", "hangs", "--signature", Sum);
        Assert.Equal(1, code);
        Assert.Contains("did not return within 10 s in call", output);
        Assert.Contains("len=101 ", output);
    }

    [SkippableFact]
    public void Bad_signatures_and_missing_symbols_are_named()
    {
        Skip.IfNot(Kernels.NativeLibraryLoaded && OperatingSystem.IsLinux(), "the Linux native library is not loaded");
        string lib = Kernels.NativeLibraryPath!;
        var (code, output) = AbiCheck(lib, "--symbol", "asmk_popcount_popcnt", "--signature", "u64 (in u64[m], size n)");
        Assert.Equal(2, code);
        Assert.Contains("names no size argument", output);
        (code, output) = AbiCheck(lib, "--symbol", "asmk_popcount_popcnt", "--signature", "u64 (in u64[n], size n) garbage");
        Assert.Equal(2, code);
        Assert.Contains("text after the closing parenthesis", output);
        // Whitespace is free: none at all, or more than one.
        (code, output) = AbiCheck(lib, "--symbol", "asmk_popcount_popcnt", "--signature", "u64(in u64[n],size n)");
        Assert.True(code == 0, output);
        (code, output) = AbiCheck(lib, "--symbol", "asmk_popcount_popcnt", "--signature", " u64 ( in  u64 [ n ] ,\tsize n ) ");
        Assert.True(code == 0, output);
        (code, output) = AbiCheck(lib, "--symbol", "no_such_routine", "--signature", Sum);
        Assert.Equal(2, code);
        Assert.Contains("no_such_routine", output);
        (code, output) = AbiCheck(lib, "--signature", Sum);
        Assert.Equal(1, code);
        Assert.Contains("--symbol", output);
    }

    [SkippableFact]
    public void A_win64_dll_is_checked_under_wine_and_a_clobbered_rsi_is_caught()
    {
        string dll = Path.Combine(Root, "build", "native-win64", "libasmkernels.dll");
        string mingw = SkipUnlessWindowsHarness(dll);
        var (code, output) = AbiCheck(dll, "--symbol", "asmk_popcount_popcnt", "--signature", Sum);
        Assert.True(code == 0, output);
        Assert.Contains("Win64 convention", output);

        string broken = BuildWindows(mingw);
        (code, output) = AbiCheck(broken, "--symbol", "clobber", "--signature", Sum);
        Assert.Equal(1, code);
        Assert.Contains("callee-saved register changed: rsi", output);

        // The per-case time limit holds for the Windows harness too (its progress file mapped under wine).
        (code, output) = AbiCheck(broken, "--symbol", "hangs", "--signature", Sum);
        Assert.Equal(1, code);
        Assert.Contains("did not return within 10 s in call", output); // named with its case (the Windows harness's unwind check comes first)
        Assert.Contains("len=", output);
    }

    private static string Root => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(ToolsAssembly)!, "..", "..", "..", "..", ".."));

    /// <summary>MinGW-w64's gcc; skips unless the Windows harness, wine, MinGW-w64 and nasm are here (and <paramref name="needs"/>).</summary>
    private static string SkipUnlessWindowsHarness(string? needs = null)
    {
        string harness = Path.Combine(Path.GetDirectoryName(ToolsAssembly)!, "asmk-abicheck.exe");
        string? wine = Tool("wine64") ?? Tool("wine") ?? (File.Exists("/usr/lib/wine/wine64") ? "/usr/lib/wine/wine64" : null);
        string? mingw = Tool("x86_64-w64-mingw32-gcc");
        Skip.If(!OperatingSystem.IsLinux() || needs is not null && !File.Exists(needs) || !File.Exists(harness) || wine is null || mingw is null || Tool("nasm") is null,
            "needs the MinGW-w64 build (libasmkernels.dll, asmk-abicheck.exe), wine and nasm: ./build.sh test builds them");
        return mingw!;
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_harness_ends_with_the_command_that_started_it(bool windows)
    {
        Skip.If(!OperatingSystem.IsLinux() || Tool("nasm") is null || Tool("gcc") is null, "needs Linux, nasm and gcc");
        string lib = windows ? BuildWindows(SkipUnlessWindowsHarness()) : BuildLinux();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _dir,
        };
        foreach (string a in new[] { ToolsAssembly, "abicheck", lib, "--symbol", "hangs", "--signature", Sum })
            start.ArgumentList.Add(a);
        start.Environment["WINEDEBUG"] = "-all";
        using Process cli = Process.Start(start)!;
        _ = cli.StandardOutput.ReadToEndAsync();
        _ = cli.StandardError.ReadToEndAsync();
        // The harness: a process whose command line names this test's directory (under wine as Z:\...).
        string marker = Path.GetFileName(_dir);
        int harness = 0;
        for (var waited = Stopwatch.StartNew(); harness == 0 && waited.Elapsed < TimeSpan.FromSeconds(60) && !cli.HasExited; Thread.Sleep(50))
            harness = Processes().FirstOrDefault(p => p.Id != cli.Id && p.CommandLine.Contains("asmk-abicheck", StringComparison.Ordinal) && p.CommandLine.Contains(marker, StringComparison.Ordinal)).Id;
        Assert.True(harness != 0, "the harness did not start");
        Thread.Sleep(500); // into its calls
        cli.Kill(entireProcessTree: false); // SIGKILL, the command alone: no handler of its runs
        cli.WaitForExit();
        var gone = Stopwatch.StartNew();
        while (Running(harness) && gone.Elapsed < TimeSpan.FromSeconds(15))
            Thread.Sleep(50);
        bool orphaned = Running(harness);
        if (orphaned)
            Process.GetProcessById(harness).Kill();
        Assert.False(orphaned, $"the harness (pid {harness}) outlived the command by 15 s");
    }

    private static IEnumerable<(int Id, string CommandLine)> Processes()
    {
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid))
                continue;
            string line;
            try { line = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' '); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            yield return (pid, line);
        }
    }

    /// <summary>Whether <paramref name="pid"/> still runs (a zombie, waiting for its reaper, does not).</summary>
    private static bool Running(int pid)
    {
        try { return !File.ReadAllText($"/proc/{pid}/stat").Split(") ")[1].StartsWith('Z'); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }
}
