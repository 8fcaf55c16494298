namespace AsmKernels.AsmTools;

internal enum LineKind { Label, Instruction, Directive }

/// <summary>One line of a listing: a label (<c>L0</c>), an instruction (mnemonic padded, then operands), or a directive (alignment, data).</summary>
internal sealed record ListingLine(LineKind Kind, string Text)
{
    public string Mnemonic => Kind == LineKind.Instruction ? Text.Split(' ', 2)[0] : "";
    public string Operands => Kind == LineKind.Instruction && Text.IndexOf(' ') is int i and >= 0 ? Text[(i + 1)..].Trim() : "";

    public static ListingLine Instruction(string mnemonic, string operands) =>
        new(LineKind.Instruction, operands.Length == 0 ? mnemonic : $"{mnemonic,-11} {operands}");

    public override string ToString() => Kind switch
    {
        LineKind.Label => Text + ":",
        _ => "    " + Text,
    };
}

/// <summary>
/// A listing normalized so that native and JIT code read alike and diff cleanly: Intel syntax,
/// branch targets as labels numbered in order (<c>L0</c>, <c>L1</c>, ...), no addresses.
/// </summary>
/// <param name="Title">What was disassembled: the export name, or the managed method's name.</param>
/// <param name="Origin">Where the code came from ("native, ELF symbol size", "JIT Tier1", ...).</param>
/// <param name="Lines">The lines.</param>
/// <param name="CodeBytes">The routine's size in bytes.</param>
internal sealed record Listing(string Title, string Origin, IReadOnlyList<ListingLine> Lines, int CodeBytes)
{
    public IEnumerable<string> TextLines => Lines.Select(l => l.ToString());
}
