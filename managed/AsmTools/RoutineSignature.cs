using System.Globalization;

namespace AsmKernels.AsmTools;

/// <summary>How an argument of a routine is passed, in the signature language of <c>abicheck</c> and <c>compare</c>.</summary>
internal enum ArgumentKind { In, InOut, Out, Size, Scalar }

/// <summary>One argument: its kind, its element (or scalar) type, and for a buffer the size argument that counts it.</summary>
internal sealed record RoutineArgument(ArgumentKind Kind, Type Type, string? SizeName)
{
    public bool IsBuffer => Kind is ArgumentKind.In or ArgumentKind.InOut or ArgumentKind.Out;
}

/// <summary>
/// <c>RET (ARG, ...)</c>, the language <c>asmtools abicheck</c>'s harness reads (native/tests/checkasm/abicheck.c):
/// RET is <c>void</c> or a scalar type; ARG is <c>in T[n]</c>, <c>inout T[n]</c>, <c>out T[n]</c> (a buffer of n
/// elements of T), <c>size n</c> (the count) or a scalar <c>T</c>; T is u8 i8 u16 i16 u32 i32 u64 i64 or size.
/// Whitespace is free; anything after the closing parenthesis is an error. In .NET a buffer is a span
/// (<c>ReadOnlySpan&lt;T&gt;</c> for <c>in</c>, <c>Span&lt;T&gt;</c> otherwise) that carries its count, so a
/// <c>size</c> argument has no managed parameter.
/// </summary>
internal sealed partial record RoutineSignature(Type? Return, IReadOnlyList<RoutineArgument> Arguments)
{
    private static readonly Dictionary<string, Type> Types = new(StringComparer.Ordinal)
    {
        ["u8"] = typeof(byte), ["i8"] = typeof(sbyte), ["u16"] = typeof(ushort), ["i16"] = typeof(short),
        ["u32"] = typeof(uint), ["i32"] = typeof(int), ["u64"] = typeof(ulong), ["i64"] = typeof(long), ["size"] = typeof(nuint),
    };

    /// <summary>
    /// <paramref name="text"/> in this language: itself, or a C signature as a kernel table writes it
    /// (<c>uint64_t (const uint8_t *data, size_t count)</c>) by the table's mapping
    /// (<see cref="AsmKernels.Build.Generator.CSignature.ToAbiCheck"/>); null with the reason when it is neither.
    /// </summary>
    public static string? Normalize(string text, out string? error)
    {
        error = null;
        if (!text.Contains('*', StringComparison.Ordinal) && !CTypeName().IsMatch(text))
            return text;
        int open = text.IndexOf('(', StringComparison.Ordinal), close = text.LastIndexOf(')');
        if (open < 0 || close < open)
        {
            error = "a C signature is RET (PARAMS), e.g. 'uint64_t (const uint8_t *data, size_t count)'";
            return null;
        }
        if (close + 1 < text.Length && text[(close + 1)..].Trim().Length > 0)
        {
            error = $"'{text[(close + 1)..].Trim()}' after the closing parenthesis";
            return null;
        }
        if (!AsmKernels.Build.Generator.CSignature.TryParse(text[..open], text[(open + 1)..close], out var c, out error))
            return null;
        return c!.ToAbiCheck(out error);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\b(u?int(8|16|32|64)_t|size_t)\b")]
    private static partial System.Text.RegularExpressions.Regex CTypeName();

    /// <summary>Reads <paramref name="text"/> (or a C signature, see <see cref="Normalize"/>); null with the reason in <paramref name="error"/> when it is not a signature.</summary>
    public static RoutineSignature? Parse(string text, out string? error)
    {
        if (Normalize(text, out error) is not { } normalized)
            return null;
        text = normalized;
        error = null;
        string s = text.Trim();
        int open = s.IndexOf('(', StringComparison.Ordinal), close = s.LastIndexOf(')');
        if (open < 0 || close < open)
            return Fail("a signature is RET (ARG, ...), e.g. 'u64 (in u64[n], size n)'", out error);
        if (s[(close + 1)..].Trim().Length > 0)
            return Fail($"'{s[(close + 1)..].Trim()}' after the closing parenthesis", out error);
        string ret = s[..open].Trim();
        Type? returnType = null;
        if (ret != "void" && !Types.TryGetValue(ret, out returnType))
            return Fail($"the return type '{ret}' is not void or one of {string.Join(' ', Types.Keys)}", out error);
        var args = new List<RoutineArgument>();
        string inner = s[(open + 1)..close].Trim();
        foreach (string raw in inner.Length == 0 ? [] : inner.Split(','))
        {
            string a = string.Join(' ', raw.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
            string[] words = a.Split(' ');
            if (a.Length == 0)
                return Fail("an empty argument between commas", out error);
            if (words[0] == "size")
            {
                if (words.Length != 2 || !IsName(words[1]))
                    return Fail($"'{a}': a count is 'size NAME'", out error);
                args.Add(new RoutineArgument(ArgumentKind.Size, typeof(nuint), words[1]));
                continue;
            }
            ArgumentKind? kind = words[0] switch { "in" => ArgumentKind.In, "inout" => ArgumentKind.InOut, "out" => ArgumentKind.Out, _ => null };
            string typeText = kind is null ? a : string.Join("", words[1..]);
            if (kind is null)
            {
                if (typeText.Contains('[', StringComparison.Ordinal))
                    return Fail($"'{a}': a buffer needs in, inout or out before its type", out error);
                if (!Types.TryGetValue(typeText, out Type? scalar))
                    return Fail($"'{a}' is not a scalar type ({string.Join(' ', Types.Keys)}), a buffer (in|inout|out T[n]) or a count (size n)", out error);
                args.Add(new RoutineArgument(ArgumentKind.Scalar, scalar, null));
                continue;
            }
            int bracket = typeText.IndexOf('[', StringComparison.Ordinal);
            if (bracket < 0 || !typeText.EndsWith(']'))
                return Fail($"'{a}': a buffer is written T[n]", out error);
            if (!Types.TryGetValue(typeText[..bracket], out Type? element))
                return Fail($"'{a}': '{typeText[..bracket]}' is not one of {string.Join(' ', Types.Keys)}", out error);
            string size = typeText[(bracket + 1)..^1];
            if (!IsName(size))
                return Fail($"'{a}': a buffer's length names a size argument: T[n]", out error);
            args.Add(new RoutineArgument(kind.Value, element, size));
        }
        if (args.Count > 4)
            return Fail("at most four arguments", out error);
        foreach (RoutineArgument b in args.Where(x => x.IsBuffer))
            if (!args.Any(x => x.Kind == ArgumentKind.Size && x.SizeName == b.SizeName))
                return Fail($"the buffer counted by '{b.SizeName}' has no 'size {b.SizeName}' argument", out error);
        if (args.Count(x => x.Kind == ArgumentKind.Size) > 1)
            return Fail("one count (size n) per routine: every buffer has the same length", out error);
        return new RoutineSignature(returnType, args);
    }

    /// <summary>The .NET parameter types a managed implementation of this signature takes, in order.</summary>
    public IReadOnlyList<Type> ManagedParameters => Arguments.Where(a => a.Kind != ArgumentKind.Size)
        .Select(a => a.Kind switch
        {
            ArgumentKind.In => typeof(ReadOnlySpan<>).MakeGenericType(a.Type),
            ArgumentKind.InOut or ArgumentKind.Out => typeof(Span<>).MakeGenericType(a.Type),
            _ => a.Type,
        }).ToList();

    /// <summary>The managed declaration that matches, as C# writes it: <c>ulong M(ReadOnlySpan&lt;byte&gt;)</c>.</summary>
    public string ManagedDeclaration(string name) =>
        $"{(Return is null ? "void" : CSharp(Return))} {name}({string.Join(", ", ManagedParameters.Select(CSharp))})";

    private static string CSharp(Type t) => t.IsGenericType
        ? $"{t.Name[..t.Name.IndexOf('`', StringComparison.Ordinal)]}<{CSharp(t.GetGenericArguments()[0])}>"
        : t == typeof(nuint) ? "nuint" : t.Name switch
        {
            "Byte" => "byte", "SByte" => "sbyte", "UInt16" => "ushort", "Int16" => "short", "UInt32" => "uint",
            "Int32" => "int", "UInt64" => "ulong", "Int64" => "long", _ => t.Name,
        };

    private static bool IsName(string s) => s.Length > 0 && (char.IsLetter(s[0]) || s[0] == '_') && s.All(c => char.IsLetterOrDigit(c) || c == '_');

    private static RoutineSignature? Fail(string message, out string? error)
    {
        error = message;
        return null;
    }

    /// <summary>The bytes of one element of <paramref name="t"/>.</summary>
    public static int Bytes(Type t) => t == typeof(nuint) ? IntPtr.Size : System.Runtime.InteropServices.Marshal.SizeOf(t);

    /// <summary>For messages: the invariant text of a value.</summary>
    public static string Text(ulong v) => v.ToString(CultureInfo.InvariantCulture);
}
