using System.Diagnostics;

namespace AsmKernels.AsmTools;

/// <summary>
/// <c>asmtools abicheck LIBRARY --symbol NAME --signature SIG [--reference LIBRARY:NAME] [--seed N]</c>, or
/// <c>--table kernels.txt</c> for every row of a kernel table (SIG may be a row's C signature): the
/// project's checkasm core (native/tests/checkasm/abicheck.c on core.c, shipped beside the CLI as
/// <c>asmk-abicheck</c>) on any routine of any library. An ELF library is checked with the System V
/// convention by the Linux harness; a PE DLL with Win64 by the Windows harness
/// (<c>asmk-abicheck.exe</c>), under wine on Linux. Exit 0 clean, 1 with violations (each named),
/// 2 when the library, the symbol or the harness cannot be loaded or the signature is wrong.
/// </summary>
internal static class AbiCheckCommand
{
    /// <summary>
    /// Checks the routine of every kernel row of <paramref name="tablePath"/> (the table's C signature,
    /// the mapping of <see cref="AsmKernels.Build.Generator.CSignature.ToAbiCheck"/>) in
    /// <paramref name="library"/>, one after the other; the exit code is the worst of theirs.
    /// </summary>
    public static int RunTable(string library, string tablePath, ulong? seed)
    {
        if (!File.Exists(tablePath))
        {
            Console.Error.WriteLine($"{CommandLine.Program}: abicheck: {tablePath}: no such file");
            return 2;
        }
        var table = AsmKernels.Build.Generator.TableFile.Parse(tablePath, File.ReadAllText(tablePath));
        if (table.Kernels.Count == 0)
        {
            Console.Error.WriteLine($"{CommandLine.Program}: abicheck: {tablePath} lists no kernel row abicheck can read");
            return 2;
        }
        int worst = 0;
        foreach (var row in table.Kernels)
        {
            Console.WriteLine($"abicheck: {row.Name} ({row.Signature}, {Path.GetFileName(tablePath)} line {row.Line})");
            int rc = Run(library, row.Name, row.Signature.ToString(), null, seed);
            worst = Math.Max(worst, rc);
        }
        Console.WriteLine($"abicheck: {table.Kernels.Count} routines of {Path.GetFileName(tablePath)}: {(worst == 0 ? "all clean" : worst == 1 ? "violations found" : "not all could be checked")}");
        return worst;
    }

    /// <summary>Checks <paramref name="symbol"/> of <paramref name="library"/>, described by <paramref name="signature"/>, optionally against <paramref name="reference"/> (LIBRARY:NAME); the values come bound from the parse result.</summary>
    public static int Run(string library, string symbol, string signature, string? reference, ulong? seed)
    {
        if (Refused(library) is { } refused)
        {
            Console.Error.WriteLine($"{CommandLine.Program}: abicheck: {refused}");
            return 2;
        }
        if (RoutineSignature.Normalize(signature, out string? why) is not { } abi)
        {
            Console.Error.WriteLine($"{CommandLine.Program}: abicheck: --signature '{signature}': {why}");
            return 2;
        }
        signature = abi;
        var harnessArgs = new List<string>();
        if (seed is { } n)
            harnessArgs.AddRange(["--seed", n.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        int libraryAt = harnessArgs.Count;
        harnessArgs.AddRange([Path.GetFullPath(library), symbol, signature]);
        if (reference is not null)
        {
            int colon = reference.LastIndexOf(':');
            if (colon <= 0 || colon == reference.Length - 1)
                return Fail($"--reference takes LIBRARY:NAME, not '{reference}'");
            string refLibrary = reference[..colon];
            if (Refused(refLibrary) is { } refusedReference)
            {
                Console.Error.WriteLine($"{CommandLine.Program}: abicheck: {refusedReference}");
                return 2;
            }
            harnessArgs.Add(Path.GetFullPath(refLibrary));
            harnessArgs.Add(reference[(colon + 1)..]);
        }

        bool pe = IsPe(library);
        if (pe && reference is not null && !IsPe(reference[..reference.LastIndexOf(':')]))
            return Fail("the routine and its reference must both be PE DLLs or both ELF libraries");
        string harness = Path.Combine(AppContext.BaseDirectory, pe ? "asmk-abicheck.exe" : "asmk-abicheck");
        if (!File.Exists(harness))
        {
            Console.Error.WriteLine($"{CommandLine.Program}: abicheck: the {(pe ? "Windows" : "Linux")} harness {harness} is missing (./build.sh builds it{(pe ? " with MinGW-w64" : "")})");
            return 2;
        }
        if (!pe && !OperatingSystem.IsWindows() && (File.GetUnixFileMode(harness) & UnixFileMode.UserExecute) == 0)
        {
            // A NuGet package (the .NET tool) does not keep file modes.
            try { File.SetUnixFileMode(harness, File.GetUnixFileMode(harness) | UnixFileMode.UserExecute); }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                Console.Error.WriteLine($"{CommandLine.Program}: abicheck: {harness} is not executable and cannot be made so: {e.Message}");
                return 2;
            }
        }
        ProcessStartInfo start;
        if (pe && !OperatingSystem.IsWindows())
        {
            string? wine = FindWine();
            if (wine is null)
            {
                Console.Error.WriteLine("asmtools: abicheck: a PE DLL is checked by the Windows harness, and wine is not installed (apt-get install wine64)");
                return 2;
            }
            start = new ProcessStartInfo(wine);
            start.ArgumentList.Add(harness);
            start.Environment["WINEDEBUG"] = "-all";
            for (int i = libraryAt; i < harnessArgs.Count; i++)
                if (i == libraryAt || (i == libraryAt + 3 && harnessArgs.Count == libraryAt + 5))
                    harnessArgs[i] = "Z:" + harnessArgs[i].Replace('/', '\\'); // wine's drive for the Unix root
        }
        else
        {
            start = new ProcessStartInfo(harness);
        }
        foreach (string a in harnessArgs)
            start.ArgumentList.Add(a);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        // Standard input: a pipe held open and never written; the Windows harness ends when it
        // closes, so it ends with this process however that ends (Linux: PR_SET_PDEATHSIG too).
        start.RedirectStandardInput = true;
        start.Environment["ASMK_ABICHECK_PARENT_PIPE"] = "1";
        // The harness writes its calls and current case into this file (both systems): a routine
        // that never returns, or kills or ends the process, is then named with the case it was in.
        using var temp = new TempDirectory("asmtools-abicheck-");
        string progress = temp.File("progress");
        File.WriteAllBytes(progress, new byte[ProgressBytes]);
        start.Environment["ASMK_ABICHECK_PROGRESS"] = pe && !OperatingSystem.IsWindows() ? "Z:" + progress.Replace('/', '\\') : progress;
        using Process child = Process.Start(start) ?? throw new IOException($"cannot start {start.FileName}");
        Task<string> stderr = child.StandardError.ReadToEndAsync();
        bool summary = false, done = false;
        Task stdout = Task.Run(() =>
        {
            string? line;
            while ((line = child.StandardOutput.ReadLine()) is not null)
            {
                line = line.TrimEnd('\r');
                summary |= line.StartsWith("abicheck: ", StringComparison.Ordinal) && line.Contains(" violations", StringComparison.Ordinal);
                done |= line == "abicheck: done";
                if (line != "abicheck: done")
                    Console.WriteLine(line);
            }
        });
        (ulong Calls, string Case) last = ReadProgress(progress);
        var unchanged = Stopwatch.StartNew();
        while (!child.WaitForExit(250))
        {
            var now = ReadProgress(progress);
            if (now.Calls != last.Calls)
            {
                last = now;
                unchanged.Restart();
            }
            else if (unchanged.Elapsed > CaseTimeLimit && now.Calls > 0)
            {
                child.Kill(entireProcessTree: true);
                child.WaitForExit();
                stdout.Wait();
                Console.WriteLine($"abicheck: {symbol} did not return within {CaseTimeLimit.TotalSeconds:F0} s in call {now.Calls} ({now.Case}): 1 violation (the harness was stopped)");
                return 1;
            }
        }
        stdout.Wait();
        Console.Error.Write(stderr.Result.Replace("\r", "", StringComparison.Ordinal));
        int code = child.ExitCode;
        if (code is 0 or 1 && summary && done)
        {
            LegacySseNote(library, symbol);
            return code;
        }
        if (code == 2 && last.Calls == 0)
            return 2; // the harness's own usage error: the library, the symbol or the signature, in its message
        var (calls, lastCase) = ReadProgress(progress);
        string where = calls == 0 ? "before its first call of the routine" : $"in call {calls} of the routine ({lastCase})";
        string how = code > 128 && !OperatingSystem.IsWindows() ? $"was killed by {SignalName(code - 128)}" : $"ended with exit code {code} and no summary";
        Console.WriteLine($"abicheck: the harness {how} {where}: the routine ended or broke the process (exit, a signal, a corrupted stack): 1 violation");
        return 1;
    }

    /// <summary>How long one call may run before the routine is taken to hang: generous, as a 65,537-element case on a slow emulator takes milliseconds.</summary>
    private static readonly TimeSpan CaseTimeLimit = TimeSpan.FromSeconds(10);

    /// <summary>The size of native/tests/checkasm/checkasm.h's struct checkasm_progress: calls, len, offset (8 bytes each), placement (48).</summary>
    private const int ProgressBytes = 72;

    private static (ulong Calls, string Case) ReadProgress(string path)
    {
        try
        {
            byte[] b = File.ReadAllBytes(path);
            if (b.Length < ProgressBytes)
                return (0, "");
            ulong calls = BitConverter.ToUInt64(b, 0), len = BitConverter.ToUInt64(b, 8), offset = BitConverter.ToUInt64(b, 16);
            int end = Array.IndexOf(b, (byte)0, 24, 48);
            string placement = System.Text.Encoding.ASCII.GetString(b, 24, (end < 0 ? 72 : end) - 24);
            return (calls, $"len={len} offset={offset} {placement}".TrimEnd());
        }
        catch (IOException)
        {
            return (0, "");
        }
    }

    private static string SignalName(int signal) => signal switch
    {
        4 => "SIGILL", 6 => "SIGABRT", 7 => "SIGBUS", 8 => "SIGFPE", 9 => "SIGKILL", 11 => "SIGSEGV", 13 => "SIGPIPE", 15 => "SIGTERM",
        _ => $"signal {signal}",
    };

    /// <summary>
    /// The instructions of the routine in legacy SSE encoding (not VEX or EVEX, on xmm registers),
    /// from its disassembly, or null when it cannot be read.
    /// </summary>
    internal static List<string>? LegacySseInstructions(string library, string symbol)
    {
        Listing? listing;
        try
        {
            listing = UserDisasm.Native($"{library}:{symbol}", out _);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException)
        {
            return null;
        }
        if (listing is null)
            return null;
        return listing.Lines
            .Where(l => l.Kind == LineKind.Instruction && !l.Mnemonic.StartsWith('v') && l.Operands.Contains("xmm", StringComparison.Ordinal))
            .Select(l => l.Mnemonic).ToList();
    }

    /// <summary>What a routine in legacy SSE encoding costs a .NET caller, and how to avoid it.</summary>
    private static void LegacySseNote(string library, string symbol)
    {
        List<string>? legacy = LegacySseInstructions(library, symbol);
        if (legacy is null || legacy.Count == 0)
            return;
        Console.WriteLine($"note: {symbol} has {legacy.Count} legacy-SSE instruction{(legacy.Count == 1 ? "" : "s")} (not VEX-encoded: {string.Join(", ", legacy.Distinct().Take(6))}).");
        Console.WriteLine("  Entered with a dirty upper vector state, such code pays an SSE/AVX transition on some Intel CPUs");
        Console.WriteLine("  (hundreds of ns per call; AMD CPUs and VEX code pay nothing): the 'upper state' line above is that");
        Console.WriteLine("  cost measured here. .NET's function-pointer calls (delegate* unmanaged) enter a routine with the");
        Console.WriteLine("  upper state managed code left, dirty after any Vector256/Vector512 code; P/Invoke ([DllImport],");
        Console.WriteLine("  [LibraryImport]) runs vzeroupper first. To avoid it: call through an entry that runs vzeroupper");
        Console.WriteLine("  first (abi.inc's FUNC gives every routine whose ISA has neither OS_YMM nor OS_ZMM one, NAME_vzeroupper,");
        Console.WriteLine("  bound on CPUs with AVX), or encode the routine with VEX (the v- forms; needs AVX), or use P/Invoke.");
    }

    /// <summary>Why <paramref name="path"/> cannot be a library to check (missing, a directory, a FIFO, a device, too large), or null.</summary>
    private static string? Refused(string path)
    {
        try
        {
            BinaryFile.Check(path);
            return null;
        }
        catch (IOException e)
        {
            return e.Message;
        }
    }

    private static bool IsPe(string path)
    {
        using FileStream f = File.OpenRead(path);
        return f.ReadByte() == 'M' && f.ReadByte() == 'Z';
    }

    private static string? FindWine()
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
            foreach (string name in new[] { "wine64", "wine" })
                if (dir.Length > 0 && File.Exists(Path.Combine(dir, name)))
                    return Path.Combine(dir, name);
        return File.Exists("/usr/lib/wine/wine64") ? "/usr/lib/wine/wine64" : null;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"{CommandLine.Program}: abicheck: {message}");
        return 1;
    }
}
