using System.Runtime.InteropServices;
using System.Text.Json;
using AsmKernels.Cli;

namespace AsmKernels.Tests;

/// <summary><c>asmkernels search</c> on files: text and JSON results against the API, bad sizes and usage.</summary>
public sealed class SearchCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("asmk-search-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, ReadOnlySpan<ulong> words)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, MemoryMarshal.AsBytes(words).ToArray());
        return path;
    }

    private static ulong[] Random(int words, int seed)
    {
        var r = new Random(seed);
        var a = new ulong[words];
        r.NextBytes(MemoryMarshal.AsBytes(a.AsSpan()));
        return a;
    }

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = SearchCommand.Run(args, stdout, stderr);
        return (code, stdout.ToString().ReplaceLineEndings("\n"), stderr.ToString());
    }

    [Fact]
    public void Text_lines_list_each_querys_nearest_as_the_api_finds_them()
    {
        ulong[] codes = Random(4 * 5000, 1), queries = Random(4 * 7, 2);
        var (code, stdout, stderr) = Run("--codes", Write("c.bin", codes), "--queries", Write("q.bin", queries), "--bits", "256", "--k", "3");
        Assert.True(code == 0, stderr);
        string[] lines = stdout.TrimEnd('\n').Split('\n');
        Assert.Equal(7, lines.Length);
        for (int q = 0; q < 7; q++)
        {
            var idx = new int[3];
            var dist = new uint[3];
            HammingSearch.Nearest(queries.AsSpan(4 * q, 4), codes, idx, dist);
            Assert.Equal($"{q}: {idx[0]}:{dist[0]} {idx[1]}:{dist[1]} {idx[2]}:{dist[2]}", lines[q]);
        }
        Assert.Contains("7 queries x 5,000 codes of 256 bits", stderr);
        Assert.Contains("codes/s", stderr);
    }

    [Fact]
    public void Json_parses_back_with_every_field_and_radius_results()
    {
        ulong[] codes = Random(8 * 3000, 3), queries = codes.AsSpan(0, 16).ToArray(); // queries 0 and 1 are codes 0 and 1
        var (code, stdout, stderr) = Run("--codes", Write("c.bin", codes), "--queries", Write("q.bin", queries), "--bits", "512",
            "--radius", "200", "--threads", "2", "--json");
        Assert.True(code == 0, stderr);
        using JsonDocument doc = JsonDocument.Parse(stdout);
        JsonElement root = doc.RootElement;
        Assert.Equal(2, root.GetProperty("queries").GetInt32());
        Assert.Equal(3000, root.GetProperty("codes").GetInt32());
        Assert.Equal(512, root.GetProperty("bits").GetInt32());
        Assert.Equal(200, root.GetProperty("radius").GetInt32());
        Assert.Equal(2, root.GetProperty("threads").GetInt32());
        Assert.True(root.GetProperty("seconds").GetDouble() >= 0);
        Assert.True(root.GetProperty("codesPerSecond").GetDouble() >= 0);
        Assert.False(string.IsNullOrEmpty(root.GetProperty("implementation").GetString()));
        JsonElement first = root.GetProperty("results")[0];
        Assert.Equal(0, first[0][0].GetInt32()); // the query itself, at distance 0
        Assert.Equal(0, first[0][1].GetInt32());
        List<HammingMatch> want = HammingSearch.WithinRadius(queries.AsSpan(8, 8), codes, 200);
        Assert.Equal(want.Select(m => m.Index), root.GetProperty("results")[1].EnumerateArray().Select(e => e[0].GetInt32()));
    }

    [Fact]
    public void A_file_that_is_not_whole_codes_is_exit_2_naming_its_size()
    {
        string bad = Path.Combine(_dir, "bad.bin");
        File.WriteAllBytes(bad, new byte[100]);
        string good = Write("q.bin", Random(4, 4));
        var (code, _, stderr) = Run("--codes", bad, "--queries", good, "--bits", "256");
        Assert.Equal(2, code);
        Assert.Contains("100 bytes", stderr);
        Assert.Contains("32-byte", stderr);
        Assert.Equal(2, Run("--codes", Path.Combine(_dir, "missing.bin"), "--queries", good, "--bits", "256").Code);
    }

    [Fact]
    public void Bad_usage_is_exit_1_with_the_usage()
    {
        string f = Write("c.bin", Random(4, 5));
        foreach (string[] args in new[]
        {
            new[] { "--codes", f, "--queries", f },
            ["--codes", f, "--queries", f, "--bits", "100"],
            ["--codes", f, "--queries", f, "--bits", "256", "--k", "2", "--radius", "3"],
            ["--codes", f, "--queries", f, "--bits", "256", "--threads", "0"],
            ["--codes", f, "--queries", f, "--bits", "256", "--frobnicate"],
            ["--codes", "-", "--queries", "-", "--bits", "256"],
        })
        {
            var (code, _, stderr) = Run(args);
            Assert.Equal(1, code);
            Assert.Contains("usage: asmkernels search", stderr);
        }
    }

    [Fact]
    public void A_k_beyond_the_codes_gives_every_code_without_room_for_k()
    {
        ulong[] codes = Random(3, 3), queries = Random(2, 4);
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var (code, stdout, stderr) = Run("--codes", Write("c.bin", codes), "--queries", Write("q.bin", queries), "--bits", "64", "--k", "2147483647");
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.True(code == 0, stderr);
        Assert.All(stdout.TrimEnd('\n').Split('\n'), line => Assert.Equal(3, line.Split(' ').Length - 1)); // all three codes per query
        Assert.True(allocated < 64 << 20, $"{allocated:N0} bytes allocated for 2 queries over 3 codes");
    }

    [Theory]
    [InlineData("--k", "abc", "--k takes a number of neighbours, from 0 to 2,147,483,647; not 'abc'")]
    [InlineData("--k", "2147483648", "--k takes a number of neighbours, from 0 to 2,147,483,647; not '2147483648'")]
    [InlineData("--bits", "65", "--bits takes a multiple of 64 bits")]
    [InlineData("--bits", "99999999999", "--bits takes a multiple of 64 bits")]
    [InlineData("--threads", "x", "--threads takes a number of threads, from 1")]
    [InlineData("--radius", "-1", "--radius takes a distance, from 0 to 4,294,967,295; not '-1'")]
    public void A_number_that_does_not_fit_is_a_usage_error_naming_the_option(string option, string value, string message)
    {
        string codes = Write("c.bin", Random(3, 5));
        string[] args = option == "--bits" ? ["--codes", codes, "--queries", codes, "--bits", value] : ["--codes", codes, "--queries", codes, "--bits", "64", option, value];
        var (code, _, stderr) = Run(args);
        Assert.Equal(1, code);
        Assert.Contains(message, stderr);
        Assert.DoesNotContain("Exception", stderr);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Codes_in_many_chunks_read_or_mapped_give_what_one_search_gives(bool mapped)
    {
        const int w = 2, n = 1000, q = 5, k = 7;
        ulong[] codes = Random(w * n, 11), queries = Random(w * q, 12);
        for (int i = 0; i < n; i += 9) // ties across chunk bounds: copies of earlier codes
            codes.AsSpan(w * (i / 2), w).CopyTo(codes.AsSpan(w * i, w));
        string codesFile = Write("c.bin", codes), queriesFile = Write("q.bin", queries);
        (long chunk, long map) = (CodeSource.ChunkBytes, CodeSource.MapFromBytes);
        try
        {
            CodeSource.ChunkBytes = 8 * w * 97; // 97 codes a chunk: 11 chunks
            CodeSource.MapFromBytes = mapped ? 0 : long.MaxValue;
            var (code, stdout, stderr) = Run("--codes", codesFile, "--queries", queriesFile, "--bits", "128", "--k", $"{k}");
            Assert.True(code == 0, stderr);
            Assert.Equal(mapped && OperatingSystem.IsLinux(), stderr.Contains("searched in place (mapped)", StringComparison.Ordinal));
            var idx = new int[q * k];
            var dist = new uint[q * k];
            HammingSearch.NearestBatch(queries, codes, w, k, idx, dist);
            string[] lines = stdout.TrimEnd('\n').Split('\n');
            for (int j = 0; j < q; j++)
                Assert.Equal($"{j}:" + string.Concat(Enumerable.Range(0, k).Select(i => $" {idx[j * k + i]}:{dist[j * k + i]}")), lines[j]);

            (code, stdout, stderr) = Run("--codes", codesFile, "--queries", queriesFile, "--bits", "128", "--radius", "60");
            Assert.True(code == 0, stderr);
            lines = stdout.TrimEnd('\n').Split('\n');
            for (int j = 0; j < q; j++)
            {
                List<HammingMatch> within = HammingSearch.WithinRadius(queries.AsSpan(j * w, w), codes, 60);
                Assert.Equal($"{j}:" + string.Concat(within.Select(m => $" {m.Index}:{m.Distance}")), lines[j]);
            }
        }
        finally
        {
            (CodeSource.ChunkBytes, CodeSource.MapFromBytes) = (chunk, map);
        }
    }

    [Fact]
    public void A_codes_file_is_read_outside_the_managed_heap()
    {
        // A large array of codes would make the next large allocation, inside the search, set off
        // a full collection: the file is read into native memory instead.
        ulong[] codes = Random(4 * 100_000, 31); // 3.2 MB of 256-bit codes
        string path = Write("c.bin", codes);
        long before = GC.GetAllocatedBytesForCurrentThread();
        using (CodeSource source = CodeSource.Open(path, 256))
        {
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < 256 << 10, $"{allocated:N0} bytes of managed memory to read a 3.2 MB file");
            Assert.Equal(1, source.Chunks);
            Assert.Equal(100_000, source.Count);
            Assert.True(source.Chunk(0).SequenceEqual(codes));
            unsafe
            {
                fixed (ulong* first = source.Chunk(0))
                    Assert.Equal(0, (long)first % 64); // aligned: the scan's 64-byte loads split no cache line
            }
        }
    }

    [Theory]
    [InlineData(600)]  // the input grew after its size was taken: the rest is read too
    [InlineData(1000)] // as it says
    public void An_input_that_grew_gives_every_code_there_is(int saidCodes)
    {
        ulong[] codes = Random(2 * 1000, 41); // 1,000 codes of 128 bits
        using var stream = new MemoryStream(System.Runtime.InteropServices.MemoryMarshal.AsBytes(codes.AsSpan()).ToArray());
        using FileInput input = FileInput.FromStream("test input", stream, 16L * saidCodes);
        using CodeSource source = CodeSource.Read(input, 128);
        Assert.Equal(1000, source.Count);
        Assert.Equal(saidCodes < 1000 ? 2 : 1, source.Chunks); // the block it said, then an array of the rest
        var all = new List<ulong>();
        for (int c = 0; c < source.Chunks; c++)
            all.AddRange(source.Chunk(c).ToArray());
        Assert.Equal(codes, all);
    }

    [Fact]
    public void An_input_that_shrank_while_read_is_named_with_both_sizes()
    {
        using var stream = new MemoryStream(new byte[16 * 10]); // ten codes of 128 bits, said to be twenty
        using FileInput input = FileInput.FromStream("test input", stream, 16 * 20);
        var e = Assert.Throws<AsmKernels.Terminal.FileFailure>(() => CodeSource.Read(input, 128));
        Assert.Contains("test input: ended at byte 160, before its size of 320 bytes: it shrank while being read", e.Message);
    }

    [Theory]
    [InlineData("--k")]
    [InlineData("--radius")]
    public void Progress_is_drawn_within_a_single_query_after_each_chunk(string mode)
    {
        const int w = 1, n = 1100;
        string codesFile = Write("c.bin", Random(w * n, 21)), queriesFile = Write("q.bin", Random(w, 22));
        long chunk = CodeSource.ChunkBytes;
        try
        {
            CodeSource.ChunkBytes = 8 * w * 100; // 11 chunks of 100 codes
            var (code, _, stderr) = Run("--codes", codesFile, "--queries", queriesFile, "--bits", "64", mode, "20", "--progress");
            Assert.True(code == 0, stderr);
            // One step (one query): its progress comes from the chunks, the first at 100 of 1,100 codes.
            Assert.Contains("\r9% of 1 queries", stderr);
            Assert.Matches(@"\r100% of 1 queries  [0-9.]+E\+[0-9]+ codes/s \n", stderr);
        }
        finally
        {
            CodeSource.ChunkBytes = chunk;
        }
    }

    [SkippableFact]
    public void A_codes_file_of_more_than_2_GiB_is_searched_in_place()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "mapping is Linux's");
        string path = Path.Combine(_dir, "big.bin");
        long size = (2L << 30) + 64; // 268,435,464 codes of 64 bits: all zero (a sparse file) but the last
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write))
        {
            file.SetLength(size);
            file.Seek(size - 8, SeekOrigin.Begin);
            file.Write(BitConverter.GetBytes(ulong.MaxValue));
        }
        string query = Write("q.bin", [ulong.MaxValue, ulong.MaxValue >> 1]);
        var (code, stdout, stderr) = Run("--codes", path, "--queries", query, "--bits", "64", "--k", "2");
        File.Delete(path);
        Assert.True(code == 0, stderr);
        Assert.Contains("268,435,464 codes", stderr);
        Assert.Contains("searched in place (mapped)", stderr);
        string[] lines = stdout.TrimEnd('\n').Split('\n');
        Assert.Equal("0: 268435463:0 0:64", lines[0]); // the last code, then the first of the ties at 64
        Assert.Equal("1: 268435463:1 0:63", lines[1]);
    }
}
