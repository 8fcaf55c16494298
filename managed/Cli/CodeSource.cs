using System.Runtime.InteropServices;

namespace AsmKernels.Cli;

/// <summary>
/// The codes of <c>asmkernels search</c>, as spans of whole codes in order. A regular file of more
/// than <see cref="MapFromBytes"/> on Linux is mapped, not copied: searched in place, its resident
/// memory is the page cache's, so a file larger than RAM streams from the disk (one that fits in a
/// quarter of the memory is mapped with its pages populated, so that the timed search does not pay
/// for their faults). A smaller file is read into one block of native memory (aligned, huge pages
/// where it can be, see <see cref="Read"/>): not an array, because a large array makes the garbage
/// collector's next large allocation (inside the search) set off a full collection, 0.5-4.8 ms of
/// pause in a search of 32 MB that takes 1-2 ms without it (AMD Zen 4, fresh processes, counted by
/// hand with <c>GC.CollectionCount</c>; scripts/cli_search_ab.sh times the search); and not mapped, so that a file truncated while it is searched
/// is no SIGBUS (a fresh process's first search of 32 MB took about as long either way, 2-3 ms,
/// timed by hand on AMD Zen 4; no script in the repository repeats it). Standard input, a pipe, or
/// a file that cannot be mapped is read into arrays of at most <see cref="ChunkBytes"/>. Each span
/// (a chunk) holds fewer than 2^31 codes and 2^31 words, so the API takes it whole and its indices
/// fit; the search adds each chunk's first index.
/// </summary>
internal sealed unsafe partial class CodeSource : IDisposable
{
    /// <summary>The most bytes of codes per chunk (settable by tests, to cross chunks with small files).</summary>
    internal static long ChunkBytes { get; set; } = 1L << 30;

    /// <summary>Files above this size are mapped (settable by tests, to map small files).</summary>
    internal static long MapFromBytes { get; set; } = 1L << 30;

    // Arrays, not lists of tuples: a generic collection over a value tuple has no ReadyToRun code
    // and would be compiled inside the timed search (DOTNET_JitDisasmSummary listed its methods).
    private Part[] _chunks = new Part[4];
    private int _count;
    private nint _mapping;
    private nint _native; // the native block a known-size input was read into, or 0
    private nuint _mappedBytes;

    private CodeSource(string name, int words)
    {
        Name = name;
        Words = words;
    }

    /// <summary>How the input is named in messages.</summary>
    public string Name { get; }

    /// <summary>W: the words of a code.</summary>
    public int Words { get; }

    /// <summary>The codes in all.</summary>
    public long Count { get; private set; }

    /// <summary>Whether the codes are a mapped file, searched in place.</summary>
    public bool Mapped => _mapping != 0;

    /// <summary>The number of chunks.</summary>
    public int Chunks => _count;

    /// <summary>The index of chunk <paramref name="i"/>'s first code.</summary>
    public long First(int i)
    {
        long first = 0;
        for (int c = 0; c < i; c++)
            first += _chunks[c].Codes;
        return first;
    }

    /// <summary>Chunk <paramref name="i"/>'s codes.</summary>
    public ReadOnlySpan<ulong> Chunk(int i)
    {
        Part part = _chunks[i];
        int words = checked((int)(part.Codes * Words));
        return part.Array is { } array ? array.AsSpan(0, words) : new ReadOnlySpan<ulong>((void*)part.Start, words);
    }

    /// <summary>All the codes in one array (the queries: few enough).</summary>
    /// <exception cref="FileFailure">They are more than one array holds.</exception>
    public ulong[] ToArray()
    {
        if (Count * Words > Array.MaxLength)
            throw new FileFailure($"{Name}: holds {Count:N0} codes, more than one search can take as queries");
        if (_count == 1 && _chunks[0].Array is { } only && only.Length == Count * Words)
            return only;
        var all = new ulong[Count * Words];
        long at = 0;
        for (int i = 0; i < _count; i++)
        {
            ReadOnlySpan<ulong> chunk = Chunk(i);
            chunk.CopyTo(all.AsSpan((int)at));
            at += chunk.Length;
        }
        return all;
    }

    /// <summary>The codes of <paramref name="path"/> (or <c>-</c>, standard input), B bits each.</summary>
    /// <exception cref="FileFailure">It cannot be read, or is not a whole number of codes.</exception>
    public static CodeSource Open(string path, int bits)
    {
        using FileInput input = FileInput.Open(path);
        if (input.Length is { } size && size > MapFromBytes && OperatingSystem.IsLinux())
        {
            var mapped = new CodeSource(input.Name, bits / 64);
            if (mapped.TryMap(path, size, bits / 8)) // false, or a FileFailure, with nothing mapped
                return mapped;
        }
        return Read(input, bits);
    }

    /// <summary>The codes of <paramref name="input"/>, read (never mapped), B bits each; the input stays open.</summary>
    /// <exception cref="FileFailure">It cannot be read, or is not a whole number of codes.</exception>
    internal static CodeSource Read(FileInput input, int bits)
    {
        var source = new CodeSource(input.Name, bits / 64);
        try
        {
            source.Read(input, bits / 8, input.Length);
            return source;
        }
        catch
        {
            source.Dispose(); // the native block, when the input fails part-way
            throw;
        }
    }

    private long CodesPerChunk(int codeBytes) =>
        Math.Max(1, Math.Min(Math.Min(ChunkBytes / codeBytes, int.MaxValue / Words), int.MaxValue - 1));

    private const int ProtRead = 1, MapPrivate = 2, MapPopulate = 0x8000, MadvSequential = 2, MadvHugePage = 14;
    private const long HugePage = 2 << 20;

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc", EntryPoint = "munmap")]
    private static partial int Munmap(nint address, nuint length);

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);

    /// <summary>Maps a regular file of <paramref name="size"/> bytes; false where it cannot be (then it is read).</summary>
    private bool TryMap(string path, long size, int codeBytes)
    {
        if (size % codeBytes != 0)
            throw new FileFailure($"{Name}: is {size:N0} bytes, not a whole number of {codeBytes}-byte ({codeBytes * 8}-bit) codes");
        if (size == 0 || (ulong)size > nuint.MaxValue)
            return false;
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
        if (file.Length != size)
            return false; // changed since it was opened: read what is there
        // Populated up front when it fits in a quarter of the memory: its faults then happen here,
        // with the reading of the inputs, and not inside the timed search.
        bool populate = size <= GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4;
        nint at = Mmap(0, (nuint)size, ProtRead, MapPrivate | (populate ? MapPopulate : 0), (int)file.SafeFileHandle.DangerousGetHandle(), 0);
        if (at == -1)
            return false; // a file system that cannot map (sysfs, procfs): read it
        _mapping = at;
        _mappedBytes = (nuint)size;
        _ = Madvise(at, (nuint)size, MadvSequential) == 0; // advice only: read ahead further
        Count = size / codeBytes;
        long per = CodesPerChunk(codeBytes);
        for (long first = 0; first < Count; first += per)
            AddChunk(new Part(null, at + (nint)(first * codeBytes), Math.Min(per, Count - first)));
        return true;
    }

    /// <summary>
    /// Reads the input to its end into chunks, arrays of at most a chunk's codes: as large as the
    /// input says it is (a size is a hint: a byte more is asked for all the same), or, where it
    /// says nothing or more arrives, growing by doubling from 1 MiB.
    /// </summary>
    private void Read(FileInput input, int codeBytes, long? size)
    {
        long full = CodesPerChunk(codeBytes) * Words; // words of a full chunk
        long filled = 0, total = 0; // bytes
        Span<byte> probe = stackalloc byte[1];
        if (size is { } known && known > 0 && known % codeBytes == 0 && known <= 8 * full)
        {
            // The size it says, into native memory; then the end, unless the file grew. On Linux
            // in whole 2 MiB pages, advised as huge pages (transparent huge pages in "madvise"
            // mode, Debian's default): a fresh process's first search of 32 MB of 64- and 128-bit
            // codes took a median 2.1 ms against 2.5-2.7 ms in 4 KiB pages (AMD Zen 4, 15 fresh
            // processes each, timed by hand; scripts/cli_search_ab.sh measures the search).
            bool huge = OperatingSystem.IsLinux() && known >= HugePage;
            nuint bytes = huge ? (nuint)((known + HugePage - 1) & ~(HugePage - 1)) : (nuint)known;
            _native = (nint)NativeMemory.AlignedAlloc(bytes, huge ? (nuint)HugePage : 64);
            if (huge)
                _ = Madvise(_native, bytes, MadvHugePage) == 0; // advice only
            while (total < known)
            {
                int got = input.Read(new Span<byte>((byte*)_native + total, (int)Math.Min(known - total, int.MaxValue)));
                if (got == 0)
                    break;
                total += got;
            }
            if (total % codeBytes != 0)
                throw new FileFailure($"{Name}: is {total:N0} bytes, not a whole number of {codeBytes}-byte ({codeBytes * 8}-bit) codes");
            if (total > 0)
            {
                AddChunk(new Part(null, _native, total / codeBytes));
                Count += total / codeBytes;
            }
            if (total < known || input.Read(probe) == 0)
                return;
            filled = 1; // the file grew: the rest goes into arrays, from the byte just read
            total++;
        }
        long Next(long total) => Math.Min(full, size is { } s && s > total ? (s - total + 7) / 8 : 1 << 17);
        ulong[] chunk = Allocate(Next(total));
        if (filled == 1)
            MemoryMarshal.AsBytes(chunk.AsSpan())[0] = probe[0];
        while (true)
        {
            int got = input.Read(MemoryMarshal.AsBytes(chunk.AsSpan())[(int)filled..]);
            filled += got;
            total += got;
            if (filled < 8L * chunk.Length)
                break; // the end
            if (chunk.Length == full)
            {
                Add(chunk, filled / codeBytes);
                chunk = Allocate(Next(total));
                filled = 0;
                continue;
            }
            // Full, and not a whole chunk: the end, unless more arrives (a stream, or a file that grew).
            int more = input.Read(probe);
            if (more == 0)
                break;
            ulong[] larger = Allocate(Math.Min(full, Math.Max(2L * chunk.Length, 1 << 17)));
            chunk.CopyTo(larger, 0);
            chunk = larger;
            MemoryMarshal.AsBytes(chunk.AsSpan())[(int)filled] = probe[0];
            filled++;
            total++;
        }
        if (total % codeBytes != 0)
            throw new FileFailure($"{Name}: is {total:N0} bytes, not a whole number of {codeBytes}-byte ({codeBytes * 8}-bit) codes");
        if (filled > 0)
            Add(chunk, filled / codeBytes);
    }

    private static ulong[] Allocate(long words) => GC.AllocateUninitializedArray<ulong>((int)words);

    private void Add(ulong[] chunk, long codes)
    {
        AddChunk(new Part(chunk, 0, codes));
        Count += codes;
    }

    private void AddChunk(Part chunk)
    {
        if (_count == _chunks.Length)
            System.Array.Resize(ref _chunks, 2 * _chunks.Length);
        _chunks[_count++] = chunk;
    }

    /// <summary>A chunk: an array of codes, or the address of its first code (in the mapping or the native block); its number of codes.</summary>
    private readonly struct Part(ulong[]? array, nint start, long codes)
    {
        public ulong[]? Array { get; } = array;
        public nint Start { get; } = start;
        public long Codes { get; } = codes;
    }

    public void Dispose()
    {
        if (_mapping != 0)
            _ = Munmap(_mapping, _mappedBytes) == 0;
        _mapping = 0;
        if (_native != 0)
            NativeMemory.AlignedFree((void*)_native);
        _native = 0;
        _count = 0;
    }
}
