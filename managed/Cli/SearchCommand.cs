using System.Diagnostics;
using System.Globalization;
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
        CodeSource? codes = null;
        // The search's first calls run on made-up codes on another thread while the inputs are read.
        Thread warmUp = SearchWarmUp.Start(o.Bits / 64, o.K, o.Threads == -1 ? Environment.ProcessorCount : o.Threads);
        try
        {
            ulong[] queries;
            try
            {
                codes = CodeSource.Open(o.Codes, o.Bits);
                using CodeSource read = CodeSource.Open(o.Queries, o.Bits);
                queries = read.ToArray();
            }
            catch (FileFailure e)
            {
                stderr.WriteLine($"asmkernels: {e.Message}");
                return FileCommands.IoError;
            }
            warmUp.Join();
            return Search(o, codes, queries, stdout, stderr);
        }
        finally
        {
            codes?.Dispose();
        }
    }

    /// <summary>
    /// Every query against every chunk of the codes, a step of queries at a time: the k nearest of
    /// each chunk merged (each chunk's indices offset by its first), or the matches within the
    /// radius gathered and sorted; each step's results are written as soon as it is done, so
    /// that memory holds one step's. The clock times the searching only.
    /// </summary>
    private static int Search(Options o, CodeSource codes, ulong[] queries, TextWriter stdout, TextWriter stderr)
    {
        int w = o.Bits / 64, q = queries.Length / w;
        long n = codes.Count;
        int threads = o.Threads == -1 ? Environment.ProcessorCount : o.Threads;
        // The inputs are read (a file mapped) and the native library loaded (its kernels chosen)
        // before the clock starts, as a library's import precedes its first query.
        string implementation = Kernels.GetSelectedKernel(KernelOperation.HammingScan)?.Name ?? "managed";
        var progress = new SearchProgress(stderr, o.Progress, !o.Progress && !Console.IsErrorRedirected, q, n);
        // No more than min(k, N) can be found: room for that many per query, and fewer queries per
        // step where even those would not fit one array.
        int? kept = o.K is { } asked ? (int)Math.Min(asked, n) : null;
        int perStep = kept is { } m && m > 0 ? (int)Math.Clamp(Array.MaxLength / (2L * m), 1, QueriesPerStep) : QueriesPerStep;
        using var output = new ResultWriter(stdout, o, q, n, threads, implementation);
        for (int first = 0; first < q; first += perStep)
        {
            int count = Math.Min(perStep, q - first);
            progress.StartStep(first, count);
            Hit[][] step = kept is { } k
                ? NearestStep(new ReadOnlySpan<ulong>(queries, first * w, count * w), codes, k, threads, progress)
                : RadiusStep(queries, first, count, codes, o.Radius!.Value, threads, progress);
            progress.Stop();
            output.Write(first, step);
        }
        double seconds = progress.Seconds;
        progress.Finish();
        double rate = seconds > 0 ? (double)n * q / seconds : 0;
        stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{q:N0} queries x {n:N0} codes of {o.Bits} bits in {seconds:F3} s: {rate:E3} codes/s, {threads} threads, {implementation}{(codes.Mapped ? ", searched in place (mapped)" : "")}"));
        output.Finish(seconds, rate);
        return FileCommands.Ok;
    }

    /// <summary>The k nearest of each query of a step, over every chunk, merged; progress after each chunk.</summary>
    private static Hit[][] NearestStep(ReadOnlySpan<ulong> step, CodeSource codes, int k, int threads, SearchProgress progress)
    {
        int w = codes.Words, count = step.Length / w;
        var best = new Hit[]?[count]; // null: none yet (no empty array: Array.Empty over a type of ours has no ReadyToRun code)
        var indices = new int[count * k];
        var distances = new uint[count * k];
        for (int c = 0; c < codes.Chunks; c++)
        {
            int found = HammingSearch.NearestBatch(step, codes.Chunk(c), w, k, indices, distances, threads);
            long offset = codes.First(c);
            for (int j = 0; j < count; j++)
                best[j] = Merge(best[j], indices.AsSpan(j * k, found), distances.AsSpan(j * k, found), offset, k);
            progress.Report(offset + codes.Chunk(c).Length / w);
        }
        var results = new Hit[count][];
        for (int j = 0; j < count; j++)
            results[j] = best[j] ?? Merge(null, default, default, 0, k);
        return results;
    }

    /// <summary>The k best of two lists each ordered by distance, then index (the second's indices offset): ties keep the lower index, as one search would.</summary>
    private static Hit[] Merge(Hit[]? a, ReadOnlySpan<int> indices, ReadOnlySpan<uint> distances, long offset, int k)
    {
        int have = a?.Length ?? 0;
        var merged = new Hit[Math.Min(k, have + indices.Length)];
        int i = 0, j = 0;
        for (int at = 0; at < merged.Length; at++)
        {
            bool takeA = j >= indices.Length || (i < have && (a![i].Distance < distances[j] || (a[i].Distance == distances[j] && a[i].Index < offset + indices[j])));
            merged[at] = takeA ? a![i++] : new Hit(offset + indices[j], distances[j++]);
        }
        return merged;
    }

    /// <summary>The matches within the radius of each query of a step, over every chunk, nearest first, ties by index; progress after each chunk.</summary>
    private static Hit[][] RadiusStep(ulong[] queries, int first, int count, CodeSource codes, uint radius, int threads, SearchProgress progress)
    {
        int w = codes.Words;
        var all = new List<Hit>[count];
        for (int j = 0; j < count; j++)
            all[j] = new List<Hit>();
        for (int c = 0; c < codes.Chunks; c++)
        {
            long offset = codes.First(c);
            int chunk = c;
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = threads }, j =>
            {
                foreach (HammingMatch match in HammingSearch.WithinRadius(queries.AsSpan((first + j) * w, w), codes.Chunk(chunk), radius))
                    all[j].Add(new Hit(offset + match.Index, match.Distance));
            });
            progress.Report(offset + codes.Chunk(c).Length / w);
        }
        var results = new Hit[count][];
        for (int j = 0; j < count; j++)
        {
            if (codes.Chunks > 1)
                all[j].Sort((x, y) => x.Distance != y.Distance ? x.Distance.CompareTo(y.Distance) : x.Index.CompareTo(y.Index));
            results[j] = [.. all[j]];
        }
        return results;
    }

    /// <summary>
    /// The progress line on stderr, <c>\rN% of Q queries  R codes/s</c>, drawn after each chunk of
    /// codes a step has searched, so that one query over a file of many GiB shows it too: with
    /// <c>--progress</c> from the first report, on a terminal once the search has run half a
    /// second; then every 100 ms at most. Its clock times the searching only.
    /// </summary>
    private sealed class SearchProgress(TextWriter stderr, bool asked, bool terminal, int queries, long codes)
    {
        private readonly Stopwatch _clock = new(), _sinceDrawn = Stopwatch.StartNew();
        private bool _drawn;
        private int _first, _count;
        private double _last; // the comparisons the last line drawn showed

        public double Seconds => _clock.Elapsed.TotalSeconds;

        public void StartStep(int first, int count)
        {
            (_first, _count) = (first, count);
            _clock.Start();
        }

        public void Stop() => _clock.Stop();

        /// <summary>The step's queries have been compared with the first <paramref name="codesDone"/> codes.</summary>
        public void Report(long codesDone)
        {
            if (!asked && !terminal || _sinceDrawn.ElapsedMilliseconds < (_drawn ? 100 : asked ? 0 : 500))
                return;
            _sinceDrawn.Restart();
            Draw((double)_first * codes + (double)_count * codesDone);
        }

        /// <summary>Ends a drawn line at 100%.</summary>
        public void Finish()
        {
            if (!_drawn)
                return;
            if (_last < (double)queries * codes)
                Draw((double)queries * codes);
            stderr.WriteLine();
        }

        private void Draw(double compared)
        {
            _drawn = true;
            _last = compared;
            double done = compared / Math.Max(1.0, (double)queries * codes), rate = compared / Math.Max(_clock.Elapsed.TotalSeconds, 1e-9);
            stderr.Write(string.Create(CultureInfo.InvariantCulture, $"\r{done * 100:F0}% of {queries:N0} queries  {rate:E2} codes/s "));
        }
    }

    /// <summary>
    /// The results, written a step at a time: text lines (<c>q: index:distance ...</c>), or one JSON
    /// object whose summary numbers (seconds, codes per second) follow its results.
    /// </summary>
    private sealed class ResultWriter : IDisposable
    {
        private readonly TextWriter _out;
        private readonly Utf8JsonWriter? _json;
        private readonly Stream? _jsonStream;
        private readonly StringBuilder _line = new();

        public ResultWriter(TextWriter stdout, Options o, int q, long n, int threads, string implementation)
        {
            _out = stdout;
            if (!o.Json)
                return;
            _jsonStream = new TextWriterStream(stdout);
            _json = new Utf8JsonWriter(_jsonStream);
            _json.WriteStartObject();
            _json.WriteNumber("queries", q);
            _json.WriteNumber("codes", n);
            _json.WriteNumber("bits", o.Bits);
            if (o.K is { } k)
                _json.WriteNumber("k", k);
            else
                _json.WriteNumber("radius", o.Radius!.Value);
            _json.WriteNumber("threads", threads);
            _json.WriteString("implementation", implementation);
            _json.WriteStartArray("results");
        }

        public void Write(int first, Hit[][] step)
        {
            for (int j = 0; j < step.Length; j++)
            {
                if (_json is not null)
                {
                    _json.WriteStartArray();
                    foreach (Hit hit in step[j])
                    {
                        _json.WriteStartArray();
                        _json.WriteNumberValue(hit.Index);
                        _json.WriteNumberValue(hit.Distance);
                        _json.WriteEndArray();
                    }
                    _json.WriteEndArray();
                    continue;
                }
                _line.Clear().Append((first + j).ToString(CultureInfo.InvariantCulture)).Append(':');
                foreach (Hit hit in step[j])
                    _line.Append(' ').Append(hit.Index.ToString(CultureInfo.InvariantCulture)).Append(':').Append(hit.Distance.ToString(CultureInfo.InvariantCulture));
                _out.WriteLine(_line);
            }
            _json?.Flush();
        }

        public void Dispose()
        {
            _json?.Dispose();
            _jsonStream?.Dispose();
        }

        public void Finish(double seconds, double rate)
        {
            if (_json is null)
                return;
            _json.WriteEndArray();
            _json.WriteNumber("seconds", Math.Round(seconds, 6));
            _json.WriteNumber("codesPerSecond", Math.Round(rate));
            _json.WriteEndObject();
            _json.Flush();
            _out.WriteLine();
        }
    }

    /// <summary>UTF-8 bytes onto a text writer (the JSON writer's output, onto standard output's writer).</summary>
    private sealed class TextWriterStream(TextWriter writer) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { } // the writer buffers; the program flushes it at its end
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => writer.Write(Encoding.UTF8.GetString(buffer, offset, count));
    }
}

/// <summary>One result of a search: a code's index and its distance to the query.</summary>
internal readonly struct Hit(long index, uint distance)
{
    public long Index { get; } = index;
    public uint Distance { get; } = distance;
}
