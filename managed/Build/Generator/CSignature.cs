using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

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
/// <c>Span</c>; otherwise a <c>Span</c>) or a C# pointer to it; a <c>size_t</c> that no C#
/// parameter of its name supplies is the length of the spans since the previous count, which must
/// all have it.
/// </summary>
internal sealed class CSignature
{
    /// <summary>The C scalar types and their C# keywords.</summary>
    private static readonly Dictionary<string, (SpecialType Type, string Keyword)> Scalars = new()
    {
        ["uint8_t"] = (SpecialType.System_Byte, "byte"),
        ["int8_t"] = (SpecialType.System_SByte, "sbyte"),
        ["uint16_t"] = (SpecialType.System_UInt16, "ushort"),
        ["int16_t"] = (SpecialType.System_Int16, "short"),
        ["uint32_t"] = (SpecialType.System_UInt32, "uint"),
        ["int32_t"] = (SpecialType.System_Int32, "int"),
        ["uint64_t"] = (SpecialType.System_UInt64, "ulong"),
        ["int64_t"] = (SpecialType.System_Int64, "long"),
        ["size_t"] = (SpecialType.System_UIntPtr, "nuint"),
        ["float"] = (SpecialType.System_Single, "float"),
        ["double"] = (SpecialType.System_Double, "double"),
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

    /// <summary>The C# keyword of a C scalar type, or null when the generator does not map it.</summary>
    public static string? KeywordOf(string cType) => cType == "void" ? "void" : Scalars.TryGetValue(cType, out var s) ? s.Keyword : null;

    /// <summary>The special type of a C scalar type (void included), or None.</summary>
    public static SpecialType SpecialTypeOf(string cType) =>
        cType == "void" ? SpecialType.System_Void : Scalars.TryGetValue(cType, out var s) ? s.Type : SpecialType.None;
}
