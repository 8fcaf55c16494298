using System.Buffers.Binary;
using System.Text;

namespace AsmKernels.AsmTools;

/// <summary>
/// A routine of an assembled, unlinked object: an ELF relocatable (<c>nasm -f elf64</c>, <c>.o</c>)
/// or a COFF object (<c>nasm -f win64</c>, <c>.obj</c>). Its bytes come from its section, from its
/// symbol's value for its size (ELF, when recorded) or up to the next symbol of the section; its
/// relocations are named by their symbols, so a listing shows <c>call printf</c> or
/// <c>[rel table]</c> rather than the zeros the assembler left for the linker.
/// </summary>
internal sealed class ObjectFile
{
    private readonly byte[] _f;

    /// <summary>A symbol of the object's code: the section it is in, its offset there and its size.</summary>
    public sealed record CodeSymbol(string Name, int Section, ulong Offset, ulong Size);

    /// <summary>A relocation: where it patches (offset in its section) and the symbol it refers to.</summary>
    public sealed record Relocation(ulong Offset, string Target);

    public string Path { get; }
    public string Format { get; }
    public IReadOnlyDictionary<string, CodeSymbol> Symbols { get; }
    private readonly Dictionary<int, (int FileOffset, int Size)> _sections = [];
    private readonly Dictionary<int, List<Relocation>> _relocations = [];

    private ObjectFile(string path, byte[] file, bool elf)
    {
        Path = path;
        _f = file;
        Format = elf ? "ELF relocatable" : "COFF object";
        Symbols = elf ? ReadElf() : ReadCoff();
    }

    /// <summary>Whether <paramref name="file"/> is an object this reader takes (an ELF of type ET_REL, or an x86-64 COFF object).</summary>
    public static bool Is(byte[] file) =>
        (file.Length >= 64 && file[0] == 0x7F && file[1] == (byte)'E' && file[2] == (byte)'L' && file[3] == (byte)'F'
            && BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(16)) == 1)
        || (file.Length >= 20 && BinaryPrimitives.ReadUInt16LittleEndian(file) == 0x8664);

    public static ObjectFile Open(string path, byte[] file)
    {
        try
        {
            return new ObjectFile(path, file, file[0] == 0x7F);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or ArgumentException or OverflowException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path} is truncated or malformed ({e.GetType().Name})", e);
        }
    }

    public byte[] Bytes(CodeSymbol symbol)
    {
        (int offset, int size) = _sections[symbol.Section];
        if (symbol.Offset + symbol.Size > (ulong)size)
            throw new InvalidDataException($"{Path}: {symbol.Name} runs past the end of its section");
        return _f.AsSpan(offset + (int)symbol.Offset, (int)symbol.Size).ToArray();
    }

    /// <summary>The relocations inside <paramref name="symbol"/>'s bytes, offsets relative to its start.</summary>
    public IReadOnlyList<Relocation> RelocationsOf(CodeSymbol symbol) =>
        _relocations.TryGetValue(symbol.Section, out var all)
            ? all.Where(r => r.Offset >= symbol.Offset && r.Offset < symbol.Offset + symbol.Size).Select(r => r with { Offset = r.Offset - symbol.Offset }).ToList()
            : [];

    private Dictionary<string, CodeSymbol> ReadElf()
    {
        ulong shoff = U64(0x28);
        int shentsize = U16(0x3A), shnum = U16(0x3C), shstrndx = U16(0x3E);
        int Sh(int i) => checked((int)shoff + i * shentsize);
        string SectionName(int i) => CString(checked((int)U64(Sh(shstrndx) + 0x18) + (int)U32(Sh(i))));
        var symbols = new List<(string Name, int Section, ulong Value, ulong Size, int Type)>();
        int symtab = -1;
        for (int i = 0; i < shnum; i++)
        {
            uint type = U32(Sh(i) + 4);
            const uint ShtProgbits = 1, ShtSymtab = 2;
            const ulong ShfExecinstr = 4;
            if (type == ShtProgbits && (U64(Sh(i) + 8) & ShfExecinstr) != 0)
                _sections[i] = (checked((int)U64(Sh(i) + 0x18)), checked((int)U64(Sh(i) + 0x20)));
            if (type == ShtSymtab)
                symtab = i;
        }
        if (symtab < 0)
            throw new InvalidDataException($"{Path} has no symbol table");
        int strOffset = checked((int)U64(Sh((int)U32(Sh(symtab) + 0x28)) + 0x18));
        int start = checked((int)U64(Sh(symtab) + 0x18)), size = checked((int)U64(Sh(symtab) + 0x20));
        for (int s = start; s + 24 <= start + size; s += 24)
        {
            int section = U16(s + 6), type = _f[s + 4] & 0xF;
            const int SttSection = 3;
            string name = type == SttSection && section < shnum ? SectionName(section) : CString(strOffset + (int)U32(s));
            symbols.Add((name, section, U64(s + 8), U64(s + 16), type));
        }
        for (int i = 0; i < shnum; i++)
        {
            const uint ShtRela = 4;
            if (U32(Sh(i) + 4) != ShtRela)
                continue;
            int target = (int)U32(Sh(i) + 0x2C), at = checked((int)U64(Sh(i) + 0x18)), bytes = checked((int)U64(Sh(i) + 0x20));
            var list = _relocations.TryGetValue(target, out var l) ? l : _relocations[target] = [];
            for (int r = at; r + 24 <= at + bytes; r += 24)
            {
                var sym = symbols[(int)(U64(r + 8) >> 32)];
                long addend = (long)U64(r + 16);
                list.Add(new Relocation(U64(r), addend == 0 ? sym.Name : $"{sym.Name}{addend:+0;-0}"));
            }
        }
        return CodeSymbols(symbols.Where(s => s.Type is 0 or 2 && s.Name.Length > 0 && _sections.ContainsKey(s.Section))
            .Select(s => (s.Name, s.Section, s.Value, s.Size)));
    }

    private Dictionary<string, CodeSymbol> ReadCoff()
    {
        int sectionCount = U16(2), symbolTable = checked((int)U32(8)), symbolCount = checked((int)U32(12)), optional = U16(16);
        int strings = symbolTable + 18 * symbolCount;
        string Name(int at) => U32(at) == 0 ? CString(strings + (int)U32(at + 4)) : Encoding.ASCII.GetString(_f, at, 8).TrimEnd('\0');
        var names = new Dictionary<int, string>();
        var symbols = new List<(string Name, int Section, ulong Value, ulong Size)>();
        for (int i = 0; i < symbolCount; i++)
        {
            int s = symbolTable + 18 * i;
            names[i] = Name(s);
            short section = (short)U16(s + 12);
            const int ImageSymClassExternal = 2, ImageSymClassStatic = 3, ImageSymClassLabel = 6;
            byte storage = _f[s + 16];
            if (section > 0 && storage is ImageSymClassExternal or ImageSymClassStatic or ImageSymClassLabel && _f[s + 17] == 0)
                symbols.Add((names[i], section, U32(s + 8), 0));
            i += _f[s + 17]; // auxiliary records
        }
        for (int i = 0; i < sectionCount; i++)
        {
            int sh = 20 + optional + 40 * i;
            const uint ImageScnCntCode = 0x20;
            if ((U32(sh + 36) & ImageScnCntCode) != 0)
                _sections[i + 1] = (checked((int)U32(sh + 20)), checked((int)U32(sh + 16)));
            var list = _relocations[i + 1] = [];
            int at = checked((int)U32(sh + 24));
            for (int r = 0; r < U16(sh + 32); r++)
                list.Add(new Relocation(U32(at + 10 * r), names.GetValueOrDefault((int)U32(at + 10 * r + 4), "?")));
        }
        return CodeSymbols(symbols.Where(s => _sections.ContainsKey(s.Section) && !s.Name.StartsWith('.') && !s.Name.StartsWith('$')));
    }

    /// <summary>Sizes from the symbol table where recorded, else up to the next symbol of the section or its end.</summary>
    private Dictionary<string, CodeSymbol> CodeSymbols(IEnumerable<(string Name, int Section, ulong Value, ulong Size)> symbols)
    {
        var list = symbols.ToList();
        var result = new Dictionary<string, CodeSymbol>(StringComparer.Ordinal);
        foreach (var s in list)
        {
            ulong size = s.Size;
            if (size == 0)
            {
                ulong end = (ulong)_sections[s.Section].Size;
                foreach (var other in list)
                    if (other.Section == s.Section && other.Value > s.Value && other.Value < end && !other.Name.Contains('.'))
                        end = other.Value;
                size = end - s.Value;
            }
            result.TryAdd(s.Name, new CodeSymbol(s.Name, s.Section, s.Value, size));
        }
        return result;
    }

    private ushort U16(int at) => BinaryPrimitives.ReadUInt16LittleEndian(_f.AsSpan(at));
    private uint U32(int at) => BinaryPrimitives.ReadUInt32LittleEndian(_f.AsSpan(at));
    private ulong U64(int at) => BinaryPrimitives.ReadUInt64LittleEndian(_f.AsSpan(at));

    private string CString(int at)
    {
        int end = Array.IndexOf(_f, (byte)0, at);
        return Encoding.ASCII.GetString(_f, at, (end < 0 ? _f.Length : end) - at);
    }
}
