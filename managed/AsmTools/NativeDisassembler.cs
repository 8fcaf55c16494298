using Iced.Intel;

namespace AsmKernels.AsmTools;

/// <summary>Decodes a native routine's bytes with Iced into a <see cref="Listing"/>.</summary>
internal static class NativeDisassembler
{
    /// <summary>
    /// Decodes <paramref name="code"/>, the bytes of <paramref name="symbol"/>. A size that is not
    /// exact (a PE export runs to the next export) is cut after the routine's last return or
    /// jump that no branch inside it passes, which drops the padding that follows it.
    /// </summary>
    public static Listing Decode(NativeSymbol symbol, byte[] code, string origin) => Decode(symbol, code, origin, []);

    /// <summary>
    /// <see cref="Decode(NativeSymbol, byte[], string)"/>, naming in a comment the symbol of each
    /// relocation (offset from the routine's start) that falls inside an instruction.
    /// </summary>
    public static Listing Decode(NativeSymbol symbol, byte[] code, string origin, IReadOnlyList<ObjectFile.Relocation> relocations)
    {
        List<Instruction> instructions = DecodeAll(symbol.Address, code);
        if (!symbol.SizeIsExact)
            instructions = instructions[..RoutineLength(instructions)];
        if (instructions.Count == 0)
            throw new InvalidDataException($"{symbol.Name}: no instructions");

        ulong start = symbol.Address, end = instructions[^1].NextIP;
        var labels = instructions
            .Where(i => i.FlowControl is FlowControl.ConditionalBranch or FlowControl.UnconditionalBranch)
            .Select(i => i.NearBranchTarget)
            .Where(t => t >= start && t < end)
            .Distinct().Order()
            .Select((target, n) => (target, n)).ToDictionary(x => x.target, x => $"L{x.n}");

        var formatter = new IntelFormatter(new Names(labels));
        formatter.Options.MemorySizeOptions = MemorySizeOptions.Always;
        formatter.Options.ShowBranchSize = false;
        formatter.Options.HexPrefix = "0x";
        formatter.Options.HexSuffix = null;
        formatter.Options.UppercaseHex = true;
        formatter.Options.SpaceAfterOperandSeparator = true;
        formatter.Options.ScaleBeforeIndex = true;
        formatter.Options.SmallHexNumbersInDecimal = true;

        var lines = new List<ListingLine>();
        var mnemonic = new StringOutput();
        var operands = new StringOutput();
        foreach (Instruction instruction in instructions)
        {
            if (labels.TryGetValue(instruction.IP, out string? label))
                lines.Add(new ListingLine(LineKind.Label, label));
            formatter.FormatMnemonic(instruction, mnemonic);
            formatter.FormatAllOperands(instruction, operands);
            string text = operands.ToStringAndReset();
            foreach (ObjectFile.Relocation r in relocations)
                if (start + r.Offset >= instruction.IP && start + r.Offset < instruction.NextIP)
                    text += $"  ; relocation: {r.Target}";
            lines.Add(ListingLine.Instruction(mnemonic.ToStringAndReset(), text));
        }
        return new Listing(symbol.Name, origin, lines, checked((int)(end - start)));
    }

    private static List<Instruction> DecodeAll(ulong ip, byte[] code)
    {
        var decoder = Decoder.Create(64, new ByteArrayCodeReader(code), ip);
        var instructions = new List<Instruction>();
        ulong end = ip + (ulong)code.Length;
        while (decoder.IP < end)
        {
            decoder.Decode(out Instruction instruction);
            if (instruction.IsInvalid || instruction.NextIP > end)
                break; // padding or data after the routine: only reached when the size is not exact
            instructions.Add(instruction);
        }
        return instructions;
    }

    /// <summary>The number of instructions up to the last return or jump beyond which no branch of the routine lands.</summary>
    internal static int RoutineLength(IReadOnlyList<Instruction> instructions)
    {
        ulong furthest = 0;
        for (int i = 0; i < instructions.Count; i++)
        {
            Instruction instruction = instructions[i];
            if (instruction.FlowControl is FlowControl.ConditionalBranch or FlowControl.UnconditionalBranch)
                furthest = Math.Max(furthest, instruction.NearBranchTarget);
            if (instruction.FlowControl is FlowControl.Return or FlowControl.UnconditionalBranch or FlowControl.IndirectBranch
                && instruction.NextIP > furthest)
                return i + 1;
        }
        return instructions.Count;
    }

    /// <summary>Names branch targets by their labels and RIP-relative constants <c>const0</c>, <c>const1</c>, ... in order of use.</summary>
    private sealed class Names(Dictionary<ulong, string> labels) : ISymbolResolver
    {
        private readonly Dictionary<ulong, string> _constants = [];

        public bool TryGetSymbol(in Instruction instruction, int operand, int instructionOperand, ulong address, int addressSize, out SymbolResult symbol)
        {
            string? name = null;
            if (instruction.GetOpKind(operand) is OpKind.NearBranch64 or OpKind.NearBranch32 or OpKind.NearBranch16)
                name = labels.GetValueOrDefault(address);
            else if (instruction.GetOpKind(operand) == OpKind.Memory && instruction.IsIPRelativeMemoryOperand)
                name = _constants.TryGetValue(address, out string? c) ? c : _constants[address] = $"const{_constants.Count}";
            symbol = name is null ? default : new SymbolResult(address, name);
            return name is not null;
        }
    }
}
