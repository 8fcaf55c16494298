using System.Globalization;
using System.Text.RegularExpressions;

namespace AsmKernels.AsmTools;

/// <summary>The hot loop of a listing: where it starts, its instructions, and how many elements one iteration consumes.</summary>
/// <param name="Label">The label the loop branches back to.</param>
/// <param name="First">The index of that label in the listing's lines.</param>
/// <param name="Last">The index of the branch back.</param>
/// <param name="Instructions">The instructions from the label to the branch, both included.</param>
/// <param name="ElementsPerIteration">The elements one iteration consumes.</param>
internal sealed record HotLoop(string Label, int First, int Last, int Instructions, int ElementsPerIteration);

/// <summary>
/// What a listing amounts to: its instruction count, code size, hot loop and widest vector register.
/// </summary>
/// <remarks>
/// A loop is a branch back to a label above it; its body runs from that label to the branch. The
/// elements one iteration consumes are read from its memory operands: operands that share the same
/// registers (and scales) form one data stream, the distinct offsets of a stream add up to the
/// bytes it covers per iteration, and the widest stream divided by the element size gives the
/// elements. A load and a store of the same address count once; constants (RIP-relative or
/// relocated operands) and the stack are not streams. The hot loop is the loop that consumes the
/// most elements per iteration (with the fewest instructions, when the JIT cloned it).
/// </remarks>
internal sealed partial record ListingSummary(int Instructions, int CodeBytes, HotLoop? Loop, int VectorBits)
{
    public string WidestRegister => VectorBits switch
    {
        512 => "zmm (512-bit)",
        256 => "ymm (256-bit)",
        128 => "xmm (128-bit)",
        _ => "general-purpose only",
    };

    /// <summary>The hot loop's instruction count, or <c>none</c>.</summary>
    public static string LoopText(ListingSummary s) => s.Loop is { } l ? $"{l.Instructions}" : "none";

    /// <summary>The elements the hot loop takes per iteration, or <c>-</c>.</summary>
    public static string ElementsText(ListingSummary s) => s.Loop is { } l ? $"{l.ElementsPerIteration}" : "-";

    public static ListingSummary Of(Listing listing, int elementBytes)
    {
        var lines = listing.Lines;
        int instructions = lines.Count(l => l.Kind == LineKind.Instruction);
        HotLoop? best = null;
        for (int i = 0; i < lines.Count; i++)
        {
            if (lines[i].Kind != LineKind.Instruction || !lines[i].Mnemonic.StartsWith('j'))
                continue;
            int target = IndexOfLabel(lines, lines[i].Operands);
            if (target < 0 || target > i)
                continue;
            var body = lines.Skip(target).Take(i - target + 1).Where(l => l.Kind == LineKind.Instruction).ToList();
            var loop = new HotLoop(lines[target].Text, target, i, body.Count, StreamBytes(body) / elementBytes);
            if (best is null || loop.ElementsPerIteration > best.ElementsPerIteration
                || (loop.ElementsPerIteration == best.ElementsPerIteration && loop.Instructions < best.Instructions))
                best = loop;
        }
        int bits = 0;
        foreach (ListingLine line in lines.Where(l => l.Kind == LineKind.Instruction))
            foreach (Match m in VectorRegister().Matches(line.Operands))
                bits = Math.Max(bits, m.Groups[1].Value switch { "z" => 512, "y" => 256, _ => 128 });
        return new ListingSummary(instructions, listing.CodeBytes, best, bits);
    }

    private static int IndexOfLabel(IReadOnlyList<ListingLine> lines, string name)
    {
        for (int i = 0; i < lines.Count; i++)
            if (lines[i].Kind == LineKind.Label && lines[i].Text == name)
                return i;
        return -1;
    }

    /// <summary>The bytes the widest data stream of <paramref name="body"/> covers.</summary>
    internal static int StreamBytes(IEnumerable<ListingLine> body)
    {
        var streams = new Dictionary<string, Dictionary<long, int>>();
        foreach (ListingLine line in body.Where(l => l.Mnemonic != "lea")) // lea computes an address, it reads nothing
        {
            foreach (Match m in MemoryOperand().Matches(line.Operands))
            {
                if (ParseAddress(m.Groups["expr"].Value) is not (string key, long offset))
                    continue;
                int size = OperandBytes(m.Groups["size"].Value);
                var offsets = streams.TryGetValue(key, out var o) ? o : streams[key] = [];
                offsets[offset] = Math.Max(size, offsets.GetValueOrDefault(offset));
            }
        }
        return streams.Count == 0 ? 0 : streams.Values.Max(o => o.Values.Sum());
    }

    private static int OperandBytes(string size) => size switch
    {
        "byte" => 1,
        "word" => 2,
        "dword" => 4,
        "xmmword" => 16,
        "ymmword" => 32,
        "zmmword" => 64,
        _ => 8, // qword, and the JIT's bword/gword (byref and object pointers)
    };

    /// <summary>The registers of an address (the stream) and its constant offset; null for the stack and for constants.</summary>
    private static (string Key, long Offset)? ParseAddress(string expr)
    {
        var registers = new List<string>();
        long offset = 0;
        foreach (Match term in AddressTerm().Matches(expr.Replace(" ", "")))
        {
            string text = term.Groups[2].Value;
            bool negative = term.Groups[1].Value == "-";
            if (TryNumber(text, out long value))
            {
                offset += negative ? -value : value;
                continue;
            }
            string[] factors = text.Split('*');
            string? register = factors.FirstOrDefault(f => GeneralRegister().IsMatch(f));
            if (register is null || register.StartsWith("rsp") || register.StartsWith("rbp") || register == "rip")
                return null; // a constant, a relocation, or the stack
            string scale = factors.FirstOrDefault(f => f != register) ?? "1";
            registers.Add($"{register}*{scale}");
        }
        if (registers.Count == 0)
            return null;
        registers.Sort(StringComparer.Ordinal);
        return (string.Join('+', registers), offset);
    }

    private static bool TryNumber(string text, out long value)
    {
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return long.TryParse(text[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out value);
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    [GeneratedRegex(@"\b(?<size>byte|word|dword|qword|xmmword|ymmword|zmmword|bword|gword)\s+(?:ptr|bcst)\s+\[(?<expr>[^\]]+)\]")]
    private static partial Regex MemoryOperand();

    [GeneratedRegex(@"([+-]?)([^+-]+)")]
    private static partial Regex AddressTerm();

    [GeneratedRegex(@"^(?:r(?:[abcd]x|si|di|bp|sp|[89]|1[0-5])d?|e(?:[abcd]x|si|di|bp|sp)|rip)$")]
    private static partial Regex GeneralRegister();

    [GeneratedRegex(@"\b([xyz])mm([0-9]|[12][0-9]|3[01])\b")]
    private static partial Regex VectorRegister();
}
