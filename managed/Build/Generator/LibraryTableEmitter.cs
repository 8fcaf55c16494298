using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace AsmKernels.Build.Generator;

/// <summary>
/// The library's own managed kernel table, <c>KernelTable.g.cs</c> of the AsmKernels assembly,
/// from native/kernels.txt: <c>KernelOperation</c>, <c>CpuFeature</c>, the <c>KernelTable</c>
/// rows dispatch reads, and the managed twins of the table's structs and constants. The same
/// generator that binds a user's <c>[AsmKernel]</c> methods, and the library's own calls of its
/// kernels (<c>[AsmKernelCall]</c>, against this table); a project asks for this with
/// <c>$(AsmkLibraryTable)</c>. The C side (header, export lists, checkasm's
/// registry, kernels.inc) is native/cmake/kernel_table.cmake's.
/// </summary>
internal static class LibraryTableEmitter
{
    /// <summary>The C# member of each of <see cref="TableFile.FeatureNames"/>, in the same order.</summary>
    public static readonly string[] FeatureMembers =
        { "Sse2", "Popcnt", "Sse42", "Pclmulqdq", "Avx2", "Avx512F", "Avx512BW", "Avx512VL", "Avx512Vpopcntdq", "Vpclmulqdq", "OsYmm", "OsZmm" };

    /// <summary>The suffix of a legacy-SSE kernel's clean entry (abi.inc's FUNC emits it).</summary>
    public const string CleanEntrySuffix = "_vzeroupper";

    private static readonly Dictionary<string, string> CTypes = new()
    {
        ["uint64_t"] = "ulong", ["int64_t"] = "long", ["uint32_t"] = "uint", ["size_t"] = "nuint", ["void"] = "void",
        ["const uint64_t *"] = "ulong*", ["uint64_t *"] = "ulong*", ["int64_t *"] = "long*", ["const int64_t *"] = "long*",
        ["const void *"] = "byte*", ["const uint8_t *"] = "byte*", ["uint8_t *"] = "byte*", ["uint32_t *"] = "uint*",
    };

    private static readonly Regex Abi = new(@"^abi +([0-9]+)$");
    private static readonly Regex Op = new(@"^op +([a-z0-9]+) +([A-Za-z0-9]+) *\| *(.+)$");
    private static readonly Regex Struct = new(@"^struct +([a-z_][a-z0-9_]*) +([A-Za-z0-9]+)\.([A-Za-z0-9]+) *\| *(.+)$");
    private static readonly Regex Field = new(@"^field +([a-z_][a-z0-9_]*) +([a-z_][a-z0-9_]*) +\(([^)]*)\) +([A-Za-z0-9]+) *\| *(.+)$");
    private static readonly Regex Const = new(@"^const +([A-Z_][A-Z0-9_]*) +([0-9]+) +([A-Za-z0-9]+)\.([A-Za-z0-9]+) *\| *(.+)$");
    private static readonly Regex Kernel = new(@"^kernel +(asmk_[a-z0-9_]+) +([a-z0-9]+) +([a-z0-9_.,]+) +([a-z0-9_]+) *\(([^)]*)\) *\| *(.+)$");
    private static readonly Regex Tune = new(@"^tune +(asmk_[a-z0-9_]+) +(intel|amd) *\| *(.+)$");

    /// <summary>
    /// KernelTable.g.cs for <paramref name="text"/>, or null with <paramref name="problem"/> (the
    /// line it cannot read); the table's own checks (features, duplicates, signatures per
    /// operation) are kernel_table.cmake's, which runs first in every build of the library.
    /// </summary>
    public static string? Emit(string text, out string? problem)
    {
        problem = null;
        string abi = "";
        var ops = new List<(string Name, string Cs, string Doc)>();
        var kernels = new List<(string Name, string Op, string[] Needs, string Doc)>();
        var tunes = new Dictionary<string, (string Vendor, string Why)>();
        var classes = new List<string>();
        var classBodies = new Dictionary<string, List<string>>();
        var structs = new Dictionary<string, (string Class, string Cs, string Doc, List<string> Fields)>();
        var types = new Dictionary<string, string>(CTypes);
        void Member(string cls, string body)
        {
            if (!classBodies.TryGetValue(cls, out List<string>? list))
                classBodies[cls] = list = new List<string>();
            list.Add(body);
        }
        var constants = new List<(string Class, string Body)>();
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith("#", StringComparison.Ordinal))
                continue;
            Match m;
            if ((m = Abi.Match(line)).Success)
                abi = m.Groups[1].Value;
            else if ((m = Op.Match(line)).Success)
                ops.Add((m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value));
            else if ((m = Struct.Match(line)).Success)
            {
                string cls = m.Groups[2].Value, member = m.Groups[3].Value;
                structs[m.Groups[1].Value] = (cls, member, m.Groups[4].Value, new List<string>());
                types["const " + m.Groups[1].Value + " *"] = types[m.Groups[1].Value + " *"] = $"AsmKernels.{cls}.{member}*";
                classes.Add(cls);
            }
            else if ((m = Field.Match(line)).Success)
            {
                if (!structs.TryGetValue(m.Groups[1].Value, out var st) || CsType(types, m.Groups[3].Value) is not { } t)
                {
                    problem = "cannot read the line: " + line.Trim();
                    return null;
                }
                st.Fields.Add($"        /// <summary>{Xml(m.Groups[5].Value)}</summary>\n        public {t} {m.Groups[4].Value};\n");
            }
            else if ((m = Const.Match(line)).Success)
                constants.Add((m.Groups[3].Value, $"    /// <summary><c>{m.Groups[1].Value}</c>: {Xml(m.Groups[5].Value)}</summary>\n    public const ulong {m.Groups[4].Value} = {m.Groups[2].Value};\n"));
            else if ((m = Kernel.Match(line)).Success)
                kernels.Add((m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value.Split(','), m.Groups[6].Value));
            else if ((m = Tune.Match(line)).Success && kernels.Any(k => k.Name == m.Groups[1].Value))
                tunes[m.Groups[1].Value] = (m.Groups[2].Value, m.Groups[3].Value);
            else
            {
                problem = "cannot read the line: " + line.Trim();
                return null;
            }
        }
        foreach (var st in structs)
            Member(st.Value.Class, $"    /// <summary>The native layout of <c>{st.Key}</c> (asmkernels.h): {Xml(st.Value.Doc)}</summary>\n"
                + "    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]\n"
                + $"    public struct {st.Value.Cs}\n    {{\n{string.Concat(st.Value.Fields)}    }}\n");
        foreach (var (cls, body) in constants)
        {
            classes.Add(cls);
            Member(cls, body);
        }

        var cs = new StringBuilder();
        cs.Append("// <auto-generated>\n// Generated from native/kernels.txt by the AsmKernels.Build generator (LibraryTableEmitter); edit those, not this.\n// </auto-generated>\n#nullable enable\n\n");
        cs.Append("\nnamespace AsmKernels;\n\n/// <summary>The operations the library implements, in the order of <c>native/kernels.txt</c>.</summary>\npublic enum KernelOperation\n{\n");
        cs.Append(string.Join("\n", ops.Select(op => $"    /// <summary>{Xml(op.Doc)}</summary>\n    {op.Cs},\n")));
        cs.Append("}\n\n/// <summary>One CPU or OS feature a kernel can need (<c>os_ymm</c>, <c>os_zmm</c>: the OS saves that register state and the runtime uses it); the bits are checkasm's <c>ASMK_F_*</c>.</summary>\n[Flags]\ninternal enum CpuFeature : uint\n{\n    None = 0,\n");
        for (int i = 0; i < FeatureMembers.Length; i++)
            cs.Append($"    {FeatureMembers[i]} = 1u << {i},\n");
        cs.Append("}\n\n/// <summary>The native kernels, one row each, in the order of <c>native/kernels.txt</c>.</summary>\ninternal static class KernelTable\n{\n");
        cs.Append($"    /// <summary>The highest <see cref=\"CpuFeature\"/> bit.</summary>\n    public const CpuFeature LastFeature = CpuFeature.{FeatureMembers[FeatureMembers.Length - 1]};\n\n");
        cs.Append("    /// <summary>The name of one feature, as <c>native/kernels.txt</c> spells it.</summary>\n    public static string FeatureName(CpuFeature feature) => feature switch\n    {\n");
        for (int i = 0; i < FeatureMembers.Length; i++)
            cs.Append($"        CpuFeature.{FeatureMembers[i]} => \"{TableFile.FeatureNames[i]}\",\n");
        cs.Append("        _ => $\"0x{(uint)feature:x}\",\n    };\n\n");
        cs.Append("    /// <summary>The CPU features CPUID reports in leaf 1's ecx and edx and leaf 7's ebx and ecx (the OS features come from XCR0).</summary>\n");
        cs.Append("    public static CpuFeature CpuidFeatures(int ecx1, int edx1, int ebx7, int ecx7)\n    {\n        CpuFeature mask = CpuFeature.None;\n");
        cs.Append(TableFile.FeatureTest("mask", f => "CpuFeature." + FeatureMembers[Array.IndexOf(TableFile.FeatureNames, f)], "        "));
        cs.Append("        return mask;\n    }\n\n");
        cs.Append("    /// <summary>Whether the OS saves the YMM state (os_ymm; <paramref name=\"osZmm\"/>: and the ZMM state, on a CPU with AVX-512F), from XCR0 (0 without OSXSAVE), CPUID leaf 1's ecx and its AVX bit. Out parameters, not a tuple: no generic code on the start-up path.</summary>\n");
        cs.Append($"    public static bool OsFeatures(bool avx, int ecx1, ulong xcr0, CpuFeature cpu, out bool osZmm)\n    {{\n        bool osYmm = {TableFile.OsYmmTest};\n        osZmm = osYmm && (cpu & CpuFeature.Avx512F) != 0 && {TableFile.OsZmmTest};\n        return osYmm;\n    }}\n\n");
        cs.Append($"    /// <summary>The number of <see cref=\"KernelOperation\"/> values.</summary>\n    public const int OperationCount = {ops.Count};\n\n");
        cs.Append($"    /// <summary>What <c>asmk_abi_version</c> must return.</summary>\n    public const uint AbiVersion = {abi};\n\n");
        cs.Append("    /// <summary>The export that reports <see cref=\"AbiVersion\"/>.</summary>\n    public const string VersionExport = \"asmk_abi_version\";\n\n");
        cs.Append($"    /// <summary>The suffix of a legacy-SSE kernel's clean entry: <c>&lt;kernel&gt;{CleanEntrySuffix}</c> runs vzeroupper, then the kernel.</summary>\n    public const string CleanEntrySuffix = \"{CleanEntrySuffix}\";\n\n");
        cs.Append("    /// <summary>The export that returns XCR0 (the register state the OS saves), or 0 without OSXSAVE.</summary>\n    public const string Xcr0Export = \"asmk_os_xcr0\";\n\n");
        cs.Append("    /// <summary>The export that runs CPUID: <c>void (uint32_t leaf, uint32_t subleaf, uint32_t regs[4])</c>, regs = eax, ebx, ecx, edx.</summary>\n    public const string CpuIdExport = \"asmk_cpuid\";\n\n");
        cs.Append($"    /// <summary>The number of kernels; they are numbered 0 to <c>Count - 1</c>.</summary>\n    public const int Count = {kernels.Count};\n\n");
        string Switch(string doc, string head, Func<int, string?> arm, string otherwise)
        {
            var s = new StringBuilder($"    /// <summary>{doc}</summary>\n    {head} => kernel switch\n    {{\n");
            for (int i = 0; i < kernels.Count; i++)
                if (arm(i) is { } a)
                    s.Append($"        {i} => {a},\n");
            return s.Append($"        _ => {otherwise},\n    }};\n\n").ToString();
        }
        const string OutOfRange = "throw new ArgumentOutOfRangeException(nameof(kernel))";
        string? OpCs(string op) => ops.FirstOrDefault(o => o.Name == op).Cs;
        string Mask(string[] needs) => string.Join(" | ", needs.Select(f => "CpuFeature." + FeatureMembers[Array.IndexOf(TableFile.FeatureNames, f)]));
        bool Legacy(string[] needs) => !needs.Contains("os_ymm") && !needs.Contains("os_zmm");
        if (kernels.Any(k => OpCs(k.Op) is null || k.Needs.Any(f => Array.IndexOf(TableFile.FeatureNames, f) < 0)))
        {
            problem = "a kernel row names an operation or a feature the table does not define";
            return null;
        }
        cs.Append(Switch("The export name of a kernel.", "public static string Name(int kernel)", i => $"\"{kernels[i].Name}\"", OutOfRange));
        cs.Append(Switch("The operation a kernel implements.", "public static KernelOperation Operation(int kernel)", i => $"KernelOperation.{OpCs(kernels[i].Op)}", OutOfRange));
        cs.Append(Switch("The CPU and OS features a kernel needs.", "public static CpuFeature Needs(int kernel)", i => Mask(kernels[i].Needs), OutOfRange));
        cs.Append(Switch("The export of a legacy-SSE kernel's clean entry (vzeroupper, then the kernel), or null for a VEX kernel.", "public static string? CleanEntry(int kernel)",
            i => Legacy(kernels[i].Needs) ? $"\"{kernels[i].Name}{CleanEntrySuffix}\"" : null, "null"));
        string Literal(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
        cs.Append(Switch("A kernel's strategy, in a few words.", "public static string Strategy(int kernel)", i => Literal(kernels[i].Doc), OutOfRange));
        cs.Append(Switch("The vendor a kernel is tuned for (\"intel\" or \"amd\": dispatch chooses it only on that vendor's CPUs), or null.", "public static string? TunedFor(int kernel)",
            i => tunes.TryGetValue(kernels[i].Name, out var t) ? Literal(t.Vendor) : null, "null"));
        cs.Append(Switch("What was measured for a kernel's tuning, or null.", "public static string? TuneReason(int kernel)",
            i => tunes.TryGetValue(kernels[i].Name, out var t) ? Literal(t.Why) : null, "null"));
        cs.Append("    /// <summary>The kernels of an operation, in table order (later rows are preferred).</summary>\n    public static ReadOnlySpan<byte> Of(KernelOperation operation) => operation switch\n    {\n");
        foreach (var op in ops)
            cs.Append($"        KernelOperation.{op.Cs} => [{string.Join(", ", kernels.Select((k, i) => (k, i)).Where(x => x.k.Op == op.Name).Select(x => x.i))}],\n");
        cs.Append("        _ => [],\n    };\n}\n");
        foreach (string cls in classes.Distinct())
            cs.Append($"\ninternal static unsafe partial class {cls}\n{{\n{string.Join("\n", classBodies[cls])}}}\n");
        return cs.ToString();
    }

    /// <summary>The blittable C# type of a C type, or null.</summary>
    private static string? CsType(Dictionary<string, string> types, string c)
    {
        string t = Regex.Replace(c, @" *\* *$", " *").Trim();
        return types.TryGetValue(t, out string? cs) ? cs : null;
    }

    private static string Xml(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
