using System.Diagnostics;

namespace AsmKernels.AsmTools;

/// <summary>
/// <c>asmtools abicheck LIBRARY --symbol NAME --signature SIG [--reference LIBRARY:NAME] [--seed N]</c>: the
/// project's checkasm core (native/tests/checkasm/abicheck.c on core.c, shipped beside the CLI as
/// <c>asmk-abicheck</c>) on any routine of any library. An ELF library is checked with the System V
/// convention by the Linux harness; a PE DLL with Win64 by the Windows harness
/// (<c>asmk-abicheck.exe</c>), under wine on Linux. Exit 0 clean, 1 with violations (each named),
/// 2 when the library, the symbol or the harness cannot be loaded or the signature is wrong.
/// </summary>
internal static class AbiCheckCommand
{
    /// <summary>Checks <paramref name="symbol"/> of <paramref name="library"/>, described by <paramref name="signature"/>, optionally against <paramref name="reference"/> (LIBRARY:NAME); the values come bound from the parse result.</summary>
    public static int Run(string library, string symbol, string signature, string? reference, ulong? seed)
    {
        if (!File.Exists(library))
        {
            Console.Error.WriteLine($"{CommandLine.Program}: abicheck: {library}: no such file");
            return 2;
        }
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
            if (!File.Exists(refLibrary))
            {
                Console.Error.WriteLine($"{CommandLine.Program}: abicheck: {refLibrary}: no such file");
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
        using Process child = Process.Start(start) ?? throw new IOException($"cannot start {start.FileName}");
        Task<string> stderr = child.StandardError.ReadToEndAsync();
        string line;
        while ((line = child.StandardOutput.ReadLine()!) is not null)
            Console.WriteLine(line.TrimEnd('\r'));
        child.WaitForExit();
        Console.Error.Write(stderr.Result.Replace("\r", "", StringComparison.Ordinal));
        if (child.ExitCode is 0 or 1)
            LegacySseNote(library, symbol);
        return child.ExitCode is 0 or 1 or 2 ? child.ExitCode : 2;
    }

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
