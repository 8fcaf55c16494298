using System;
using System.Collections.Generic;
using System.Linq;

namespace AsmKernels.Build.Generator;

/// <summary>A C parameter of a kernel row: <c>const uint8_t *data</c>, <c>size_t count</c>.</summary>
internal sealed class CParameter
{
    public CParameter(string type, bool isConst, bool isPointer, string name)
    {
        Type = type;
        IsConst = isConst;
        IsPointer = isPointer;
        Name = name;
    }

    /// <summary>The C scalar type: the pointee's for a pointer.</summary>
    public string Type { get; }
    public bool IsConst { get; }
    public bool IsPointer { get; }
    public string Name { get; }

    /// <summary>A <c>size_t</c> by value: a count, which a span before it can supply.</summary>
    public bool IsCount => !IsPointer && Type == "size_t";

    public override string ToString() => (IsConst ? "const " : "") + Type + (IsPointer ? " *" : " ") + Name;
}

/// <summary>
/// A kernel row's C signature, and the one mapping between it and C#, the same as the library's
/// bindings: a C scalar is the C# type of its size and sign (<c>uint8_t</c> byte, <c>size_t</c>
/// nuint, ...); a pointer is a span of its pointee (<c>const</c>: a <c>ReadOnlySpan</c> or a
/// <c>Span</c>; otherwise a <c>Span</c>; <c>void</c>: bytes) or a C# pointer to it, and a pointer
/// to a struct of the table a C# pointer to its twin; a <c>size_t</c> that no C#
/// parameter of its name supplies is the length of the spans since the previous count, which must
/// all have it.
/// </summary>
internal sealed class CSignature
{
    /// <summary>The C scalar types: their C# keywords and their names in abicheck's language.</summary>
    private static readonly Dictionary<string, (string Keyword, string? Abi)> Scalars = new()
    {
        ["uint8_t"] = ("byte", "u8"),
        ["int8_t"] = ("sbyte", "i8"),
        ["uint16_t"] = ("ushort", "u16"),
        ["int16_t"] = ("short", "i16"),
        ["uint32_t"] = ("uint", "u32"),
        ["int32_t"] = ("int", "i32"),
        ["uint64_t"] = ("ulong", "u64"),
        ["int64_t"] = ("long", "i64"),
        ["size_t"] = ("nuint", "size"),
        ["float"] = ("float", null),
        ["double"] = ("double", null),
    };

    private static readonly char[] Blanks = { ' ', '\t' };

    private CSignature(string returnType, IReadOnlyList<CParameter> parameters)
    {
        ReturnType = returnType;
        Parameters = parameters;
    }

    /// <summary>The C return type: <c>void</c> or a scalar.</summary>
    public string ReturnType { get; }
    public IReadOnlyList<CParameter> Parameters { get; }

    public override string ToString() => ReturnType + " (" + string.Join(", ", Parameters) + ")";

    /// <summary>Parses <c>RET</c> and <c>PARAMS</c> of a kernel row; false with the reason when it is not a signature.</summary>
    public static bool TryParse(string returnType, string parameters, out CSignature? signature, out string? error)
    {
        signature = null;
        returnType = returnType.Trim();
        if (returnType != "void" && !Scalars.ContainsKey(returnType))
        {
            error = $"return type '{returnType}' is not void or a scalar ({string.Join(", ", Scalars.Keys)})";
            return false;
        }
        var list = new List<CParameter>();
        string all = parameters.Trim();
        if (all.Length > 0 && all != "void")
        {
            foreach (string raw in all.Split(','))
            {
                string text = raw.Trim();
                bool isConst = text.StartsWith("const ", StringComparison.Ordinal);
                if (isConst)
                    text = text.Substring(6).Trim();
                bool isPointer = text.Contains('*');
                string[] words = text.Replace("*", " ").Split(Blanks, StringSplitOptions.RemoveEmptyEntries);
                if (words.Length != 2 || text.Count(c => c == '*') > 1)
                {
                    error = $"parameter '{raw.Trim()}' is not 'TYPE NAME', 'TYPE *NAME' or 'const TYPE *NAME'";
                    return false;
                }
                list.Add(new CParameter(words[0], isConst, isPointer, words[1]));
            }
        }
        signature = new CSignature(returnType, list);
        error = null;
        return true;
    }

    /// <summary>The C# keyword of a C scalar type (void included), or null when the mapping has no such type.</summary>
    public static string? KeywordOf(string cType) => cType == "void" ? "void" : Scalars.TryGetValue(cType, out var s) ? s.Keyword : null;

    /// <summary>The C# keyword of what a parameter passes: its scalar, or for a pointer its pointee, a <c>void *</c> being bytes; null when unmapped.</summary>
    public static string? KeywordOf(CParameter p) => p.IsPointer && p.Type == "void" ? "byte" : p.Type == "void" ? null : KeywordOf(p.Type);

    /// <summary>abicheck's name of what a parameter passes, by the same rule; null when it has none.</summary>
    private static string? AbiOf(CParameter p) => p.IsPointer && p.Type == "void" ? "u8" : Scalars.TryGetValue(p.Type, out var t) ? t.Abi : null;

    /// <summary>
    /// The signature in abicheck's language (<c>u64 (in u8[count], size count)</c>) by the same
    /// mapping: a pointer is a buffer (<c>in</c> when const, else <c>inout</c>) counted by the
    /// <c>size_t</c> after it; null with the reason when abicheck cannot take it.
    /// </summary>
    public string? ToAbiCheck(out string? error)
    {
        error = null;
        string? ret = ReturnType == "void" ? "void" : Scalars[ReturnType].Abi;
        var args = new List<string>();
        var buffers = new List<int>();
        foreach (CParameter p in Parameters)
        {
            string? type = AbiOf(p);
            if (type is null || ret is null)
            {
                error = $"abicheck has no type for '{(ret is null ? ReturnType : p.Type)}' (integers and size_t only)";
                return null;
            }
            if (p.IsPointer)
            {
                buffers.Add(args.Count);
                args.Add((p.IsConst ? "in " : "inout ") + type + "[#]");
            }
            else if (p.IsCount && buffers.Count > 0)
            {
                foreach (int b in buffers)
                    args[b] = args[b].Replace("#", p.Name);
                buffers.Clear();
                args.Add("size " + p.Name);
            }
            else
            {
                args.Add(type);
            }
        }
        if (buffers.Count > 0)
        {
            error = $"the pointer '{Parameters.First(p => p.IsPointer)}' has no size_t count after it";
            return null;
        }
        return ret + " (" + string.Join(", ", args) + ")";
    }
}
