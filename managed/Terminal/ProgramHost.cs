namespace AsmKernels.Terminal;

/// <summary>
/// A file or stream that cannot be used (missing, a directory, no permission, not whole codes):
/// one line naming it, exit code 2.
/// </summary>
internal sealed class FileFailure(string message) : Exception(message);

/// <summary>
/// The entry point the programs share: no exception escapes as a stack trace. Each prints one line
/// naming the cause and exits with 2 for I/O errors (a missing file, a closed standard input, an
/// output pipe closed early, a closed standard output or error: <see cref="StandardStreams"/>) and
/// 1 for usage errors.
/// </summary>
internal static class ProgramHost
{
    public static int Run(string name, Func<int> run)
    {
        if (OperatingSystem.IsWindows())
            Console.OutputEncoding = System.Text.Encoding.UTF8; // the tables print µs
        StandardStreams.Install();
        try
        {
            int code = run();
            Console.Out.Flush(); // buffered: a pipe closed early fails here at the latest
            return code == 0 && (StandardStreams.ErrorLost || StandardStreams.OutputLost) ? 2 : code;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FileFailure)
        {
            return Fail(name, 2, e);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            return Fail(name, 1, e);
        }
        catch (Exception e)
        {
            return Fail(name, 2, e);
        }
    }

    private static int Fail(string name, int exitCode, Exception e)
    {
        try
        {
            Console.Out.Flush(); // what was computed before the failure still goes out, where it can
        }
        catch (Exception lost) when (lost is IOException or UnauthorizedAccessException or FileFailure)
        {
            // standard output is what failed
        }
        try
        {
            Console.Error.WriteLine(e is FileFailure ? $"{name}: {e.Message}" : $"{name}: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
        }
        catch (Exception lost) when (lost is IOException or UnauthorizedAccessException or FileFailure)
        {
            // stderr is gone too: the exit code is all that is left
        }
        return exitCode;
    }

    /// <summary>A command that only runs, with no arguments or options.</summary>
    public static System.CommandLine.Command Simple(string name, string description, Func<int> run)
    {
        var command = new System.CommandLine.Command(name, description);
        command.SetAction(_ => run());
        return command;
    }

    /// <summary>A child-process command, not for people: every token goes to it as it is.</summary>
    public static System.CommandLine.Command Hidden(string name, Func<int> run)
    {
        var command = new System.CommandLine.Command(name) { Hidden = true, TreatUnmatchedTokensAsErrors = false };
        command.Add(new System.CommandLine.Argument<string[]>("arguments") { Arity = System.CommandLine.ArgumentArity.ZeroOrMore });
        command.SetAction(_ => run());
        return command;
    }

    /// <summary>Parses and runs; exceptions reach <see cref="Run"/>'s handler (one line), not a stack trace.</summary>
    public static int Invoke(System.CommandLine.RootCommand root, string[] args) =>
        root.Parse(args).Invoke(new System.CommandLine.InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
