using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace AsmKernels.Build.Generator;

/// <summary>One kernel row of a kernel table: its export, operation, features and C signature, and where it is.</summary>
internal sealed class KernelRow
{
    public KernelRow(string name, string op, string[] features, CSignature signature, int line)
    {
        Name = name;
        Op = op;
        Features = features;
        Signature = signature;
        Line = line;
    }

    public string Name { get; }
    public string Op { get; }
    public string[] Features { get; }
    public CSignature Signature { get; }

    /// <summary>1-based line in the table.</summary>
    public int Line { get; }

    /// <summary>A legacy-SSE kernel (no ymm or zmm state): it has a clean entry, <c>NAME_vzeroupper</c>.</summary>
    public bool IsLegacySse => Array.IndexOf(Features, "os_ymm") < 0 && Array.IndexOf(Features, "os_zmm") < 0;
}

/// <summary>
/// The op and kernel rows of a kernel table in the library's format (native/kernels.txt): what
/// the generator binds and <c>asmtools abicheck --table</c> checks. The table's own errors (unknown features, duplicates, lines of the wrong
/// shape) are the build task's to report, with file and line; rows it cannot read are skipped here.
/// </summary>
internal sealed class TableFile
{
    /// <summary>The library's feature names, in the order of their bits.</summary>
    public static readonly string[] FeatureNames =
        { "sse2", "popcnt", "sse4.2", "pclmulqdq", "avx2", "avx512f", "avx512bw", "avx512vl", "avx512_vpopcntdq", "vpclmulqdq", "os_ymm", "os_zmm" };

    /// <summary>
    /// Where CPUID reports each CPU feature of <see cref="FeatureNames"/>: the register of leaf 1
    /// (ecx1, edx1) or leaf 7 subleaf 0 (ebx7, ecx7) and the bit. The OS features (os_ymm, os_zmm)
    /// come from XCR0 instead. Both the library's detection (KernelTable.g.cs) and a user's
    /// generated binding are emitted from this one list (<see cref="FeatureTest"/>).
    /// </summary>
    public static readonly (string Feature, string Register, int Bit)[] CpuidBits =
    {
        ("sse2", "edx1", 26), ("popcnt", "ecx1", 23), ("sse4.2", "ecx1", 20), ("pclmulqdq", "ecx1", 1), ("avx2", "ebx7", 5),
        ("avx512f", "ebx7", 16), ("avx512bw", "ebx7", 30), ("avx512vl", "ebx7", 31), ("avx512_vpopcntdq", "ecx7", 14), ("vpclmulqdq", "ecx7", 10),
    };

    /// <summary>
    /// The OS features, as C# expressions over <c>avx</c> (CPUID leaf 1 ecx bit 28), <c>ecx1</c>
    /// and <c>xcr0</c> (0 without OSXSAVE): os_ymm when the OS has XSAVE on (OSXSAVE, ecx1 bit 27)
    /// and saves the SSE and AVX state (XCR0 bits 1, 2); os_zmm when it saves the opmask,
    /// ZMM_Hi256 and Hi16_ZMM state too (bits 5-7) on a CPU with AVX-512F. Emitted into both the
    /// library's table and users' bindings.
    /// </summary>
    public const string OsYmmTest = "avx && (ecx1 & (1 << 27)) != 0 && (xcr0 & 0x6) == 0x6", OsZmmTest = "(xcr0 & 0xE6) == 0xE6";

    /// <summary>C# statements that set, in <paramref name="mask"/>, the bit (<paramref name="bit"/>: feature to C# expression) of every CPU feature CPUID reports in the registers ecx1, edx1, ebx7, ecx7.</summary>
    public static string FeatureTest(string mask, Func<string, string> bit, string indent)
    {
        var s = new System.Text.StringBuilder();
        foreach ((string feature, string register, int b) in CpuidBits)
            s.Append(indent).Append("if ((").Append(register).Append(" & (1 << ").Append(b).Append(")) != 0) ").Append(mask).Append(" |= ").Append(bit(feature)).Append(";\n");
        return s.ToString();
    }

    private static readonly char[] Blanks = { ' ', '\t' };

    private static readonly Regex KernelLine = new(@"^kernel\s+([A-Za-z_][A-Za-z0-9_]*)\s+([a-z0-9_]+)\s+([a-z0-9_.,]+)\s+(.+?)\s*\((.*)\)\s*(\|.*)?$");

    private TableFile(string path, List<string> ops, List<KernelRow> kernels, Dictionary<string, string> structs)
    {
        Path = path;
        Ops = ops;
        Kernels = kernels;
        Structs = structs;
    }

    public string Path { get; }
    public IReadOnlyList<string> Ops { get; }
    public IReadOnlyList<KernelRow> Kernels { get; }

    /// <summary>The table's structs (<c>struct asmk_scan HammingScan.ScanJob | ...</c>): C name to C# twin.</summary>
    public IReadOnlyDictionary<string, string> Structs { get; }

    public static TableFile Parse(string path, string text)
    {
        var ops = new List<string>();
        var kernels = new List<KernelRow>();
        var structs = new Dictionary<string, string>();
        string[] lines = text.Split('\n');
        for (int number = 0; number < lines.Length; number++)
        {
            string line = lines[number].Trim();
            if (line.Length == 0 || line[0] == '#')
                continue;
            string[] words = line.Split(Blanks, StringSplitOptions.RemoveEmptyEntries);
            if (words[0] == "op" && words.Length >= 2)
            {
                ops.Add(words[1]);
                continue;
            }
            if (words[0] == "struct" && words.Length >= 3)
            {
                structs[words[1]] = words[2];
                continue;
            }
            if (words[0] != "kernel")
                continue;
            Match m = KernelLine.Match(line);
            if (!m.Success || !CSignature.TryParse(m.Groups[4].Value, m.Groups[5].Value, out CSignature? signature, out _))
                continue;
            kernels.Add(new KernelRow(m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value.Split(','), signature!, number + 1));
        }
        return new TableFile(path, ops, kernels, structs);
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
