using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace AsmKernels.Cli;

/// <summary>
/// <c>asmkernels search --codes FILE --queries FILE --bits B [--k K | --radius R] [--threads T] [--json] [--progress]</c>:
/// the k nearest codes (or those within a radius) of every query, by Hamming distance. FILE holds
/// raw packed codes of B/8 bytes each (B a multiple of 64), little-endian words; <c>-</c> is
/// standard input. Results on stdout, one line per query (<c>q: index:distance ...</c>), or one
/// JSON object; the time, codes per second, threads and kernel on stderr. Exit 0 ok, 1 bad usage,
/// 2 an input that cannot be read or is not a whole number of codes.
/// </summary>
internal static class SearchCommand
{
    /// <summary>Queries per batch call: between two, progress is reported and cancellation would be seen.</summary>
    private const int QueriesPerStep = 64;

    /// <summary>The search's arguments, bound from the parse result (<see cref="CommandLine"/>): K is null with a radius; Threads -1 is every core.</summary>
    internal sealed record Options(string Codes, string Queries, int Bits, int? K, uint? Radius, int Threads, bool Json, bool Progress);

    /// <summary><c>search</c> with these arguments, through the command-line grammar.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => CommandLine.Run(["search", .. args], stdout, stderr);

    public static int Run(Options o, TextWriter stdout, TextWriter stderr)
    {
        ulong[] codes, queries;
        try
        {
            codes = ReadCodes(o.Codes, o.Bits);
            queries = ReadCodes(o.Queries, o.Bits);
        }
        catch (FileFailure e)
        {
            stderr.WriteLine($"asmkernels: {e.Message}");
            return FileCommands.IoError;
        }
        int w = o.Bits / 64, n = codes.Length / w, q = queries.Length / w;
        int threads = o.Threads == -1 ? Environment.ProcessorCount : o.Threads;
        var results = new (int Index, uint Distance)[q][];
        bool draw = o.Progress || !Console.IsErrorRedirected;
        // The clock times the search: the inputs are read and the native library is loaded (and
        // its kernels chosen) before it starts, as a library's import precedes its first query.
        string implementation = Kernels.GetSelectedKernel(KernelOperation.HammingScan)?.Name ?? "managed";
        var clock = Stopwatch.StartNew();
        TimeSpan lastDrawn = TimeSpan.FromSeconds(0.5);
        // No more than min(k, N) can be found: room for that many per query, and fewer queries per
        // step where even those would not fit one array.
        int? kept = o.K is { } asked ? Math.Min(asked, n) : null;
        int perStep = kept is { } m && m > 0 ? (int)Math.Clamp(Array.MaxLength / (long)m, 1, QueriesPerStep) : QueriesPerStep;
        for (int first = 0; first < q; first += perStep)
        {
            int count = Math.Min(perStep, q - first);
            ReadOnlySpan<ulong> step = queries.AsSpan(first * w, count * w);
            if (kept is { } k)
            {
                var indices = new int[count * k];
                var distances = new uint[count * k];
                int found = HammingSearch.NearestBatch(step, codes, w, k, indices, distances, threads);
                for (int j = 0; j < count; j++)
                {
                    var result = new (int Index, uint Distance)[found];
                    for (int i = 0; i < found; i++)
                        result[i] = (indices[j * k + i], distances[j * k + i]);
                    results[first + j] = result;
                }
            }
            else
            {
                uint radius = o.Radius!.Value;
                Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = threads }, j =>
                {
                    List<HammingMatch> matches = HammingSearch.WithinRadius(queries.AsSpan((first + j) * w, w), codes, radius);
                    results[first + j] = [.. matches.Select(m => (m.Index, m.Distance))];
                });
            }
            if (draw && clock.Elapsed - lastDrawn >= TimeSpan.FromMilliseconds(100))
            {
                lastDrawn = clock.Elapsed;
                stderr.Write($"\r{first + count:N0}/{q:N0} queries  {(double)(first + count) * n / clock.Elapsed.TotalSeconds:E2} codes/s ");
            }
        }
        double seconds = clock.Elapsed.TotalSeconds;
        if (draw && lastDrawn > TimeSpan.FromSeconds(0.5))
            stderr.WriteLine();
        double rate = seconds > 0 ? (double)n * q / seconds : 0;
        stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{q:N0} queries x {n:N0} codes of {o.Bits} bits in {seconds:F3} s: {rate:E3} codes/s, {threads} threads, {implementation}"));
        if (o.Json)
            WriteJson(stdout, o, q, n, threads, seconds, rate, implementation, results);
        else
            WriteText(stdout, results);
        return FileCommands.Ok;
    }

    private static void WriteText(TextWriter stdout, (int Index, uint Distance)[][] results)
    {
        var line = new StringBuilder();
        for (int i = 0; i < results.Length; i++)
        {
            line.Clear().Append(i.ToString(CultureInfo.InvariantCulture)).Append(':');
            foreach ((int index, uint distance) in results[i])
                line.Append(' ').Append(index.ToString(CultureInfo.InvariantCulture)).Append(':').Append(distance.ToString(CultureInfo.InvariantCulture));
            stdout.WriteLine(line);
        }
    }

    private static void WriteJson(TextWriter stdout, Options o, int q, int n, int threads, double seconds, double rate, string implementation,
        (int Index, uint Distance)[][] results)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("queries", q);
            json.WriteNumber("codes", n);
            json.WriteNumber("bits", o.Bits);
            if (o.K is { } k)
                json.WriteNumber("k", k);
            else
                json.WriteNumber("radius", o.Radius!.Value);
            json.WriteNumber("threads", threads);
            json.WriteNumber("seconds", Math.Round(seconds, 6));
            json.WriteNumber("codesPerSecond", Math.Round(rate));
            json.WriteString("implementation", implementation);
            json.WriteStartArray("results");
            foreach ((int Index, uint Distance)[] r in results)
            {
                json.WriteStartArray();
                foreach ((int index, uint distance) in r)
                {
                    json.WriteStartArray();
                    json.WriteNumberValue(index);
                    json.WriteNumberValue(distance);
                    json.WriteEndArray();
                }
                json.WriteEndArray();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        stdout.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    /// <summary>A whole file (or standard input) of B-bit codes, as words.</summary>
    private static ulong[] ReadCodes(string path, int bits)
    {
        using FileInput input = FileInput.Open(path);
        int codeBytes = bits / 8;
        if (input.Length is { } size && size % codeBytes == 0 && size / 8 <= Array.MaxLength)
            return ReadWhole(input, size, codeBytes);
        var bytes = new MemoryStream(input.Length is { } length ? (int)Math.Min(length, int.MaxValue) : 1 << 20);
        byte[] block = new byte[1 << 20];
        int got;
        while ((got = input.Read(block)) > 0)
        {
            bytes.Write(block, 0, got);
            if (got < block.Length)
                break;
        }
        if (bytes.Length % codeBytes != 0)
            throw new FileFailure($"{input.Name}: is {bytes.Length:N0} bytes, not a whole number of {codeBytes}-byte ({bits}-bit) codes");
        if (bytes.Length / 8 > Array.MaxLength)
            throw new FileFailure($"{input.Name}: is {bytes.Length:N0} bytes, more than one search can hold");
        return MemoryMarshal.Cast<byte, ulong>(bytes.GetBuffer().AsSpan(0, (int)bytes.Length)).ToArray();
    }

    /// <summary>
    /// A file of known size read straight into the words: no copy, and no second array of its size
    /// left for the collector to free during the search that follows.
    /// </summary>
    private static ulong[] ReadWhole(FileInput input, long size, int codeBytes)
    {
        ulong[] words = GC.AllocateUninitializedArray<ulong>((int)(size / 8));
        const int Chunk = 1 << 27; // words per read: 1 GiB, within a span of bytes
        for (long at = 0; at < words.Length; at += Chunk)
        {
            Span<byte> part = MemoryMarshal.AsBytes(words.AsSpan((int)at, (int)Math.Min(Chunk, words.Length - at)));
            int got = input.Read(part); // fills it, or fails naming the input when it shrank
            if (got < part.Length) // a size that was only a hint (sysfs, procfs): what was there
            {
                long bytes = 8 * at + got;
                if (bytes % codeBytes != 0)
                    throw new FileFailure($"{input.Name}: is {bytes:N0} bytes, not a whole number of {codeBytes}-byte codes");
                return words.AsSpan(0, (int)(bytes / 8)).ToArray();
            }
        }
        Span<byte> more = stackalloc byte[1];
        if (input.Read(more) != 0)
            throw new FileFailure($"{input.Name}: grew while being read (beyond its size of {size:N0} bytes)");
        return words;
    }
}
