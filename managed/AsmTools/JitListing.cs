using System.Text.RegularExpressions;

namespace AsmKernels.AsmTools;

/// <summary>
/// Reads the JIT's own listings (what <c>DOTNET_JitDisasm</c> with <c>DOTNET_JitStdOutFile</c>
/// writes) into <see cref="Listing"/>s normalized like a native one: Intel syntax as the JIT prints
/// it, labels renamed <c>L0</c>, <c>L1</c>, ... in order, no addresses.
/// </summary>
internal static partial class JitListing
{
    /// <summary>The last listing in <paramref name="text"/> of method <paramref name="name"/> at <paramref name="tier"/>, normalized.</summary>
    public static Listing? Find(string text, string name, string tier)
    {
        const string Header = "; Assembly listing for method ";
        Listing? found = null;
        foreach (string chunk in text.Split(Header).Skip(1))
        {
            string first = chunk[..chunk.IndexOf('\n')].Trim();
            Match m = ListingHeader().Match(first);
            if (!m.Success || m.Groups["method"].Value != name || m.Groups["tier"].Value != tier)
                continue;
            found = Parse(m.Groups["signature"].Value, tier, chunk);
        }
        return found;
    }

    private static Listing Parse(string signature, string tier, string chunk)
    {
        var raw = new List<ListingLine>();
        int codeBytes = 0;
        foreach (string line in chunk.Split('\n').Skip(1).Select(l => l.TrimEnd()))
        {
            if (line.Length == 0 || line.Trim().Length == 0)
                continue;
            if (line.StartsWith(';'))
            {
                if (TotalBytes().Match(line) is { Success: true } total)
                    codeBytes = int.Parse(total.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                continue;
            }
            string trimmed = Whitespace().Replace(line.Trim(), " ");
            if (!char.IsWhiteSpace(line[0]))
            {
                raw.Add(trimmed.EndsWith(':') ? new ListingLine(LineKind.Label, trimmed[..^1]) : new ListingLine(LineKind.Directive, trimmed));
                continue;
            }
            string[] parts = trimmed.Split(' ', 2);
            if (parts[0] == "align")
                raw.Add(new ListingLine(LineKind.Directive, AlignTarget().Replace(trimmed, "]")));
            else
                raw.Add(ListingLine.Instruction(parts[0], parts.Length > 1 ? parts[1].Replace("SHORT ", "", StringComparison.Ordinal) : ""));
        }
        return new Listing(signature, $"JIT {tier}", RenameLabels(raw), codeBytes);
    }

    /// <summary>Keeps only the labels something refers to, renamed <c>L0</c>, <c>L1</c>, ... in order.</summary>
    private static List<ListingLine> RenameLabels(List<ListingLine> lines)
    {
        var used = lines.Where(l => l.Kind != LineKind.Label)
            .SelectMany(l => JitLabel().Matches(l.Text).Select(m => m.Value)).ToHashSet();
        var names = new Dictionary<string, string>();
        foreach (ListingLine line in lines)
            if (line.Kind == LineKind.Label && used.Contains(line.Text))
                names[line.Text] = $"L{names.Count}";
        string Rename(string text) => JitLabel().Replace(text, m => names.GetValueOrDefault(m.Value, m.Value));
        return lines
            .Where(l => l.Kind != LineKind.Label || names.ContainsKey(l.Text))
            .Select(l => l.Kind == LineKind.Instruction ? ListingLine.Instruction(l.Mnemonic, Rename(l.Operands)) : l with { Text = Rename(l.Text) })
            .ToList();
    }

    [GeneratedRegex(@"^(?<signature>(?<method>[^(]+)\(.*\)[^ ]*) \((?<tier>[^)]+)\)$")]
    private static partial Regex ListingHeader();

    [GeneratedRegex(@"^; Total bytes of code (\d+)")]
    private static partial Regex TotalBytes();

    [GeneratedRegex(@"\bG_M\d+_IG\d+\b")]
    private static partial Regex JitLabel();

    [GeneratedRegex(@" for IG\d+\]")]
    private static partial Regex AlignTarget();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
