using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace AsmKernels.Build.Generator;

/// <summary>One kernel row of a kernel table: its export, operation, features and C signature, and where it is.</summary>
internal sealed class KernelRow
{
    public KernelRow(string name, string op, string[] features, CSignature signature, int line, TextSpan span)
    {
        Name = name;
        Op = op;
        Features = features;
        Signature = signature;
        Line = line;
        Span = span;
    }

    public string Name { get; }
    public string Op { get; }
    public string[] Features { get; }
    public CSignature Signature { get; }

    /// <summary>1-based line in the table.</summary>
    public int Line { get; }

    public TextSpan Span { get; }

    /// <summary>A legacy-SSE kernel (no ymm or zmm state): it has a clean entry, <c>NAME_vzeroupper</c>.</summary>
    public bool IsLegacySse => Array.IndexOf(Features, "os_ymm") < 0 && Array.IndexOf(Features, "os_zmm") < 0;
}

/// <summary>
/// The op and kernel rows of a kernel table in the library's format (native/kernels.txt): what
/// the generator binds. The table's own errors (unknown features, duplicates, lines of the wrong
/// shape) are the build task's to report, with file and line; rows it cannot read are skipped here.
/// </summary>
internal sealed class TableFile
{
    /// <summary>The library's feature names, in the order of their bits.</summary>
    public static readonly string[] FeatureNames =
        { "sse2", "popcnt", "sse4.2", "pclmulqdq", "avx2", "avx512f", "avx512bw", "avx512vl", "avx512_vpopcntdq", "vpclmulqdq", "os_ymm", "os_zmm" };

    private static readonly char[] Blanks = { ' ', '\t' };

    private static readonly Regex KernelLine = new(@"^kernel\s+([A-Za-z_][A-Za-z0-9_]*)\s+([a-z0-9_]+)\s+([a-z0-9_.,]+)\s+(.+?)\s*\((.*)\)\s*(\|.*)?$");

    private TableFile(string path, SourceText text, List<string> ops, List<KernelRow> kernels)
    {
        Path = path;
        Text = text;
        Ops = ops;
        Kernels = kernels;
    }

    public string Path { get; }
    public SourceText Text { get; }
    public IReadOnlyList<string> Ops { get; }
    public IReadOnlyList<KernelRow> Kernels { get; }

    /// <summary>The location of <paramref name="row"/> in the table, for a diagnostic.</summary>
    public Location LocationOf(KernelRow row) => Location.Create(Path, row.Span, Text.Lines.GetLinePositionSpan(row.Span));

    public static TableFile Parse(string path, SourceText text)
    {
        var ops = new List<string>();
        var kernels = new List<KernelRow>();
        foreach (TextLine textLine in text.Lines)
        {
            string line = textLine.ToString().Trim();
            if (line.Length == 0 || line.StartsWith("#", StringComparison.Ordinal))
                continue;
            string[] words = line.Split(Blanks, StringSplitOptions.RemoveEmptyEntries);
            if (words[0] == "op" && words.Length >= 2)
            {
                ops.Add(words[1]);
                continue;
            }
            if (words[0] != "kernel")
                continue;
            Match m = KernelLine.Match(line);
            if (!m.Success || !CSignature.TryParse(m.Groups[4].Value, m.Groups[5].Value, out CSignature? signature, out _))
                continue;
            kernels.Add(new KernelRow(m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value.Split(','), signature!,
                textLine.LineNumber + 1, textLine.Span));
        }
        return new TableFile(path, text, ops, kernels);
    }

    /// <summary>The feature mask of <paramref name="features"/>: bit i for <see cref="FeatureNames"/>[i]; unknown names add nothing.</summary>
    public static uint MaskOf(IEnumerable<string> features)
    {
        uint mask = 0;
        foreach (string f in features)
        {
            int i = Array.IndexOf(FeatureNames, f);
            if (i >= 0)
                mask |= 1u << i;
        }
        return mask;
    }
}
