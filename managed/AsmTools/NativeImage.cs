using System.Buffers.Binary;
using System.Text;

namespace AsmKernels.AsmTools;

/// <summary>An exported routine: its address in the image (ELF virtual address or PE RVA) and its size in bytes.</summary>
/// <param name="Name">The export name.</param>
/// <param name="Address">The address relative to the image's load base.</param>
/// <param name="Size">The routine's length in bytes.</param>
/// <param name="SizeIsExact">True when the size was recorded at assembly time (the ELF symbol size); false when it runs to the next export (PE), padding included.</param>
internal sealed record NativeSymbol(string Name, ulong Address, ulong Size, bool SizeIsExact);

/// <summary>
/// Reads the export table of a shared library file without loading it: an ELF <c>.so</c>, whose
/// dynamic symbols carry the sizes NASM recorded (<c>ENDFUNC</c> in <c>abi.inc</c>), or a PE
/// <c>.dll</c>, whose exports have no sizes, so each runs to the next export or the end of its
/// section. Also maps an address back to the file, to read a routine's bytes from the file.
/// </summary>
internal sealed class NativeImage
{
    private readonly byte[] _file;
    private readonly List<(ulong Address, ulong Size, ulong FileOffset)> _sections = [];

    public string Path { get; }
    public string Format { get; }
    public IReadOnlyDictionary<string, NativeSymbol> Exports { get; }

    private NativeImage(string path, byte[] file)
    {
        Path = path;
        _file = file;
        if (file.Length >= 64 && file[0] == 0x7F && file[1] == (byte)'E' && file[2] == (byte)'L' && file[3] == (byte)'F')
        {
            Format = "ELF";
            Exports = ReadElf();
        }
        else if (file.Length >= 64 && file[0] == (byte)'M' && file[1] == (byte)'Z')
        {
            Format = "PE";
            Exports = ReadPe();
        }
        else
        {
            throw new InvalidDataException($"{path} is neither an ELF nor a PE file");
        }
    }

    /// <summary>Reads <paramref name="path"/>; throws <see cref="InvalidDataException"/> when it is not a 64-bit ELF or PE library.</summary>
    public static NativeImage Open(string path)
    {
        byte[] file = BinaryFile.Read(path);
        try
        {
            return new NativeImage(path, file);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or ArgumentException or OverflowException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path} is truncated or malformed ({e.GetType().Name})", e);
        }
    }

    /// <summary>The most bytes of one routine listed: far beyond any routine written by hand.</summary>
    public const int MaxRoutineBytes = 1 << 20;

    /// <summary>The bytes of <paramref name="symbol"/> as stored in the file: its first <see cref="MaxRoutineBytes"/> (the listing says so) when it is longer.</summary>
    public byte[] ReadBytes(NativeSymbol symbol)
    {
        foreach ((ulong address, ulong size, ulong fileOffset) in _sections)
        {
            // Without overflow: a damaged symbol's address or size near 2^64 must not wrap into a section.
            if (symbol.Address >= address && symbol.Size <= size && symbol.Address - address <= size - symbol.Size
                && fileOffset + (symbol.Address - address) >= fileOffset && fileOffset + (symbol.Address - address) + symbol.Size <= (ulong)_file.Length)
                return _file.AsSpan((int)(fileOffset + symbol.Address - address), (int)Math.Min(symbol.Size, MaxRoutineBytes)).ToArray();
        }
        throw new InvalidDataException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{Path}: {symbol.Name} (address 0x{symbol.Address:X}, {symbol.Size:N0} bytes) lies outside every section stored in the file: the symbol table is damaged, or the routine is not in this file"));
    }

    private Dictionary<string, NativeSymbol> ReadElf()
    {
        ReadOnlySpan<byte> f = _file;
        if (f[4] != 2 || f[5] != 1)
            throw new InvalidDataException($"{Path} is not a 64-bit little-endian ELF file");
        ulong shoff = U64(0x28);
        int shentsize = U16(0x3A), shnum = U16(0x3C);
        var exports = new Dictionary<string, NativeSymbol>(StringComparer.Ordinal);
        const uint ShtNobits = 8, ShtDynsym = 11;
        for (int i = 0; i < shnum; i++)
        {
            int sh = checked((int)shoff + i * shentsize);
            uint type = U32(sh + 4);
            ulong address = U64(sh + 0x10), offset = U64(sh + 0x18), size = U64(sh + 0x20);
            if (type != ShtNobits && address != 0)
                _sections.Add((address, size, offset));
            if (type != ShtDynsym)
                continue;
            int strtab = checked((int)shoff + (int)U32(sh + 0x28) * shentsize);
            ulong strOffset = U64(strtab + 0x18);
            for (ulong sym = offset; sym + 24 <= offset + size; sym += 24)
            {
                int s = checked((int)sym);
                const int SttNotype = 0, SttFunc = 2;
                int symbolType = f[s + 4] & 0xF;
                if ((symbolType != SttFunc && symbolType != SttNotype) || U16(s + 6) == 0)
                    continue;
                string name = CString(checked((int)(strOffset + U32(s))));
                if (name.Length == 0)
                    continue;
                exports[name] = new NativeSymbol(name, U64(s + 8), U64(s + 16), SizeIsExact: true);
            }
        }
        // Plain NASM (`global f` or `global f:function` without a size expression) records no size:
        // such a routine runs to the next exported symbol of its section, or to the section's end.
        foreach (NativeSymbol symbol in exports.Values.Where(e => e.Size == 0).ToList())
        {
            var section = _sections.FirstOrDefault(x => symbol.Address >= x.Address && symbol.Address < x.Address + x.Size);
            if (section.Size == 0)
                continue;
            ulong end = section.Address + section.Size;
            foreach (NativeSymbol other in exports.Values)
                if (other.Address > symbol.Address && other.Address < end)
                    end = other.Address;
            exports[symbol.Name] = symbol with { Size = end - symbol.Address, SizeIsExact = false };
        }
        return exports;
    }

    private Dictionary<string, NativeSymbol> ReadPe()
    {
        int pe = checked((int)U32(0x3C));
        if (U32(pe) != 0x4550 || U16(pe + 4) != 0x8664)
            throw new InvalidDataException($"{Path} is not an x86-64 PE file");
        int sectionCount = U16(pe + 6), optionalSize = U16(pe + 20);
        int optional = pe + 24;
        if (U16(optional) != 0x20B)
            throw new InvalidDataException($"{Path} is not a PE32+ (64-bit) image");
        uint exportRva = U32(optional + 112);
        var bounds = new List<(uint Start, uint End)>();
        for (int i = 0; i < sectionCount; i++)
        {
            int sh = optional + optionalSize + i * 40;
            uint virtualSize = U32(sh + 8), rva = U32(sh + 12), rawSize = U32(sh + 16), rawOffset = U32(sh + 20);
            _sections.Add((rva, Math.Min(virtualSize, rawSize), rawOffset));
            bounds.Add((rva, rva + virtualSize));
        }
        var exports = new Dictionary<string, NativeSymbol>(StringComparer.Ordinal);
        if (exportRva == 0)
            return exports;
        int dir = FileOffset(exportRva);
        int names = checked((int)U32(dir + 24));
        int functions = FileOffset(U32(dir + 28)), namePointers = FileOffset(U32(dir + 32)), ordinals = FileOffset(U32(dir + 36));
        var rvas = new List<(string Name, uint Rva)>();
        for (int i = 0; i < names; i++)
        {
            string name = CString(FileOffset(U32(namePointers + 4 * i)));
            rvas.Add((name, U32(functions + 4 * U16(ordinals + 2 * i))));
        }
        foreach ((string name, uint rva) in rvas)
        {
            uint end = bounds.First(b => rva >= b.Start && rva < b.End).End;
            foreach ((_, uint other) in rvas)
                if (other > rva && other < end)
                    end = other;
            exports[name] = new NativeSymbol(name, rva, end - rva, SizeIsExact: false);
        }
        return exports;
    }

    private int FileOffset(ulong address)
    {
        foreach ((ulong start, ulong size, ulong fileOffset) in _sections)
            if (address >= start && address < start + size)
                return checked((int)(fileOffset + address - start));
        throw new InvalidDataException($"{Path}: address 0x{address:X} lies outside every section stored in the file");
    }

    private ushort U16(int at) => BinaryPrimitives.ReadUInt16LittleEndian(_file.AsSpan(at));
    private uint U32(int at) => BinaryPrimitives.ReadUInt32LittleEndian(_file.AsSpan(at));
    private ulong U64(int at) => BinaryPrimitives.ReadUInt64LittleEndian(_file.AsSpan(at));

    private string CString(int at)
    {
        int end = Array.IndexOf(_file, (byte)0, at);
        return Encoding.ASCII.GetString(_file, at, (end < 0 ? _file.Length : end) - at);
    }
}
