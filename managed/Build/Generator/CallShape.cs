using System;
using System.Collections.Generic;
using System.Linq;

namespace AsmKernels.Build.Generator;

/// <summary>One argument of the kernel call: a C# parameter (a pinned span, a pointer, a scalar) or the length of spans.</summary>
internal sealed class CallArgument
{
    /// <summary>The C# parameter passed, or -1 for a length.</summary>
    public int Parameter { get; set; } = -1;

    /// <summary>For a length: the spans (C# parameter indices) it is the length of.</summary>
    public List<int> LengthOf { get; } = new();

    /// <summary>The C# type of the argument in the function-pointer type.</summary>
    public string Type { get; set; } = "";
}

/// <summary>
/// How a C# declaration calls a kernel row (the mapping of <see cref="CSignature"/>), or why it
/// cannot: the one place that decides it.
/// </summary>
internal static class CallShape
{
    /// <summary>The kernel call's arguments for <paramref name="method"/>, or null with <paramref name="problem"/> in words.</summary>
    /// <param name="method">The C# declaration.</param>
    /// <param name="signature">The kernel row's C signature.</param>
    /// <param name="structs">The table's structs: C name to C# twin (<c>asmk_scan</c> to <c>HammingScan.ScanJob</c>).</param>
    public static List<CallArgument>? Match(MethodModel method, CSignature signature, IReadOnlyDictionary<string, string> structs, out string? problem)
    {
        problem = null;
        if (method.ReturnKeyword != CSignature.KeywordOf(signature.ReturnType))
        {
            string want = CSignature.KeywordOf(signature.ReturnType) ?? signature.ReturnType;
            problem = $"it returns {method.ReturnType}, the kernel {signature.ReturnType} (C# {want})";
            return null;
        }
        var arguments = new List<CallArgument>();
        var spans = new List<int>();
        int j = 0;
        List<ParameterModel> ps = method.Parameters;
        foreach (CParameter c in signature.Parameters)
        {
            if (c.IsPointer && structs.TryGetValue(c.Type, out string? twin))
            {
                // A table struct: a C# pointer to its twin, known by its name (a twin the same
                // compilation generates is not resolved yet when this runs).
                ParameterModel? sp = j < ps.Count ? ps[j] : null;
                if (sp is null || sp.Kind != ParameterKind.Pointer || sp.ByReference || LastName(sp.Element ?? "") != LastName(twin))
                {
                    problem = sp is null ? $"the kernel's parameter '{c}' has no C# parameter" : $"parameter '{sp.Name}' is {sp.Display}; the kernel's '{c}' takes a {twin}*";
                    return null;
                }
                arguments.Add(new CallArgument { Parameter = j, Type = sp.Element + "*" });
                j++;
                continue;
            }
            string? keyword = CSignature.KeywordOf(c);
            if (keyword is null)
            {
                problem = $"the kernel's parameter '{c}' has a type the generator does not map (scalars and pointers to scalars only)";
                return null;
            }
            if (c.IsCount && spans.Count > 0 && (j >= ps.Count || ps[j].Name != c.Name))
            {
                var length = new CallArgument { Type = "nuint" };
                length.LengthOf.AddRange(spans);
                spans.Clear();
                arguments.Add(length);
                continue;
            }
            if (j >= ps.Count)
            {
                problem = $"the kernel's parameter '{c}' has no C# parameter";
                return null;
            }
            ParameterModel p = ps[j];
            if (p.ByReference)
            {
                problem = $"parameter '{p.Name}' is passed by reference; use a span or a pointer";
                return null;
            }
            if (c.IsPointer)
            {
                bool span = p.Kind is ParameterKind.Span or ParameterKind.ReadOnlySpan;
                if (!span && p.Kind != ParameterKind.Pointer || p.Keyword != keyword)
                {
                    problem = $"parameter '{p.Name}' is {p.Display}; the kernel's '{c}' takes {(c.IsConst ? "a ReadOnlySpan<" + keyword + ">" : "a Span<" + keyword + ">")} (or {keyword}*)";
                    return null;
                }
                if (p.Kind == ParameterKind.ReadOnlySpan && !c.IsConst)
                {
                    problem = $"parameter '{p.Name}' is a ReadOnlySpan, but the kernel writes through '{c}' (not const): use Span<{keyword}>";
                    return null;
                }
                if (span)
                    spans.Add(j);
                arguments.Add(new CallArgument { Parameter = j, Type = keyword + "*" });
            }
            else
            {
                if (p.Kind != ParameterKind.Scalar || p.Keyword != keyword)
                {
                    problem = $"parameter '{p.Name}' is {p.Display}; the kernel's '{c}' takes {keyword}";
                    return null;
                }
                arguments.Add(new CallArgument { Parameter = j, Type = keyword });
            }
            j++;
        }
        if (j < ps.Count)
        {
            problem = $"parameter '{ps[j].Name}' has no parameter in the kernel's signature";
            return null;
        }
        return arguments;
    }

    private static string LastName(string type) => type.Substring(type.LastIndexOf('.') + 1);
}
