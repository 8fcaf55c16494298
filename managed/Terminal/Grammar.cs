namespace AsmKernels.Terminal;

/// <summary>
/// Runs a grammar on arguments: parse errors (an unknown option, a missing argument, a value a
/// validator refuses) print one line each and the command's usage, derived from the grammar, on
/// stderr with exit code 1, before anything runs; otherwise the command's action runs with
/// <paramref name="stdout"/> and <paramref name="stderr"/> as its writers.
/// </summary>
internal static class Grammar
{
    public static int Run(string program, System.CommandLine.RootCommand root, string[] args, TextWriter stdout, TextWriter stderr)
    {
        System.CommandLine.ParseResult result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (System.CommandLine.Parsing.ParseError error in result.Errors)
                stderr.WriteLine($"{program}: {error.Message}");
            stderr.WriteLine($"usage: {Usage(program, result.CommandResult.Command)}");
            stderr.WriteLine($"{program} {(result.CommandResult.Command is System.CommandLine.RootCommand ? "" : result.CommandResult.Command.Name + " ")}--help: every argument and option");
            return 1;
        }
        return result.Invoke(new System.CommandLine.InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = stdout, Error = stderr });
    }

    /// <summary>
    /// Makes <paramref name="option"/> (int, uint or ulong, nullable or not) take a whole number in
    /// [<paramref name="min"/>, <paramref name="max"/>] that <paramref name="check"/> (if given)
    /// accepts: anything else is one parse error naming the option, what it takes and the text
    /// given, never an exception from reading the value.
    /// </summary>
    public static void WholeNumber<T>(System.CommandLine.Option<T> option, ulong min, ulong max, string what, Func<ulong, bool>? check = null)
    {
        Type type = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        option.CustomParser = r =>
        {
            string text = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
            if (ulong.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ulong v)
                && v >= min && v <= max && (check is null || check(v)))
                return (T)Convert.ChangeType(v, type, System.Globalization.CultureInfo.InvariantCulture);
            r.AddError(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{option.Name} takes {what}, from {min:N0} to {max:N0}; not '{text}'"));
            return default;
        };
    }

    /// <summary>
    /// The usage of the whole program from its grammar: each visible command with its description
    /// and its usage line, then how to ask a command for the rest.
    /// </summary>
    public static void WriteUsage(string program, System.CommandLine.RootCommand root, TextWriter to)
    {
        to.WriteLine($"usage: {program} <command>");
        to.WriteLine();
        foreach (System.CommandLine.Command command in root.Subcommands.Where(c => !c.Hidden))
        {
            to.WriteLine($"  {command.Name,-10} {command.Description}");
            to.WriteLine($"  {"",-10} {Usage(program, command)}");
        }
        to.WriteLine();
        to.WriteLine($"{program} <command> --help: the command's arguments and options");
    }

    /// <summary>The visible commands' names, for "name a command (...)".</summary>
    public static string CommandNames(System.CommandLine.RootCommand root) =>
        string.Join(", ", root.Subcommands.Where(c => !c.Hidden).Select(c => c.Name));

    /// <summary>One line of usage from the grammar: <c>program command &lt;argument&gt; --required VALUE [--option VALUE] [--flag]</c>.</summary>
    public static string Usage(string program, System.CommandLine.Command command)
    {
        var parts = new List<string> { program };
        if (command is System.CommandLine.RootCommand)
            parts.Add("<command>");
        else
            parts.Add(command.Name);
        foreach (System.CommandLine.Argument argument in command.Arguments)
            parts.Add(argument.Arity.MinimumNumberOfValues == 0 ? $"[<{argument.Name}>]" : $"<{argument.Name}>");
        foreach (System.CommandLine.Option option in command.Options)
        {
            if (option.Hidden || option.Name is "--help" or "-h" or "-?" or "--version")
                continue;
            string text = option.ValueType == typeof(bool) ? option.Name : $"{option.Name} {option.Name.TrimStart('-').ToUpperInvariant()}";
            parts.Add(option.Required ? text : $"[{text}]");
        }
        return string.Join(' ', parts);
    }
}
