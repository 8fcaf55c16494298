using System.Diagnostics;

namespace AsmKernels.Tests;

/// <summary>
/// <c>asmkernels popcount</c> and <c>hamming</c> on streams, in a child process run by
/// <c>/bin/sh</c>: standard input as <c>-</c> and as <c>/dev/stdin</c>, a FIFO, an empty pipe, a
/// closed standard input, a device without a size; and the CLI's promise that no exception escapes.
/// </summary>
public sealed class PipeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("asmk-pipes-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string CliAssembly => Reference.CliAssembly;

    /// <summary>Runs <paramref name="script"/> with <c>$CLI</c> naming the CLI command; stdout and stderr apart.</summary>
    private (int Code, string Out, string Err) Shell(string script)
    {
        if (!OperatingSystem.IsLinux())
            throw new SkipException("pipes and FIFOs are tested through /bin/sh on Linux");
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _dir };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        string wrapper = Path.Combine(_dir, "asmkernels");
        File.WriteAllText(wrapper, $"#!/bin/sh\nexec '{host}' '{CliAssembly}' \"$@\"\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        start.Environment["CLI"] = wrapper;
        start.Environment.Remove("ASMKERNELS_MAX_ISA");
        start.Environment.Remove("ASMKERNELS_NATIVE_PATH");
        using var process = Process.Start(start)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), $"'{script}' did not finish in 2 minutes");
        return (process.ExitCode, stdout.Trim(), stderr.Result);
    }

    private byte[] WriteRandom(string name, int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        File.WriteAllBytes(Path.Combine(_dir, name), bytes);
        return bytes;
    }

    private static void AssertOneLineError(string stderr, string expected)
    {
        Assert.Contains(expected, stderr);
        Assert.DoesNotContain("   at ", stderr); // no stack trace
        Assert.DoesNotContain("Unhandled exception", stderr);
    }

    // Two blocks and a tail, so the stream crosses block boundaries with partial reads.
    private const int Length = 2 * (4 << 20) + 4099;

    [SkippableTheory]
    [InlineData("cat f.bin | $CLI popcount -")]
    [InlineData("cat f.bin | $CLI popcount /dev/stdin")]
    [InlineData("$CLI popcount - < f.bin")]
    [InlineData("mkfifo p && (cat f.bin > p 2>/dev/null &) && $CLI popcount p")]
    public void Popcount_streams_standard_input_pipes_and_fifos(string script)
    {
        byte[] content = WriteRandom("f.bin", Length, 7);
        var (code, stdout, stderr) = Shell(script);
        Assert.True(code == 0, stderr);
        Assert.Equal(Reference.PopCount(content).ToString(System.Globalization.CultureInfo.InvariantCulture), stdout);
        Assert.Contains($"{Length:N0} bytes in", stderr);
    }

    [SkippableTheory]
    [InlineData("cat f.bin | $CLI crc32c -")]
    [InlineData("$CLI crc32c /dev/stdin < f.bin")]
    [InlineData("mkfifo p && (cat f.bin > p 2>/dev/null &) && $CLI crc32c p")]
    public void Crc32c_streams_standard_input_pipes_and_fifos(string script)
    {
        byte[] content = WriteRandom("f.bin", Length, 8);
        var (code, stdout, stderr) = Shell(script);
        Assert.True(code == 0, stderr);
        Assert.Equal(Checksums.Crc32C(content).ToString("x8", System.Globalization.CultureInfo.InvariantCulture), stdout);
        Assert.Contains($"{Length:N0} bytes in", stderr);
    }

    [SkippableFact]
    public void Search_reads_its_queries_from_standard_input()
    {
        byte[] codes = WriteRandom("codes.bin", 32 * 1000, 9);
        var (code, stdout, stderr) = Shell("head -c 64 codes.bin | $CLI search --codes codes.bin --queries - --bits 256 --k 1");
        Assert.True(code == 0, stderr);
        Assert.Equal("0: 0:0\n1: 1:0", stdout.ReplaceLineEndings("\n"));
        Assert.Contains("2 queries x 1,000 codes", stderr);
        Assert.Equal(32 * 1000, codes.Length);
    }

    [SkippableFact]
    public void Crc32c_of_an_empty_pipe_is_zero()
    {
        var (code, stdout, stderr) = Shell("printf '' | $CLI crc32c -");
        Assert.True(code == 0, stderr);
        Assert.Equal("00000000", stdout);
    }

    [SkippableFact]
    public void Popcount_of_an_empty_pipe_is_zero()
    {
        var (code, stdout, stderr) = Shell("printf '' | $CLI popcount - --json");
        Assert.True(code == 0, stderr);
        Assert.Contains("\"bytes\":0,\"setBits\":0", stdout);
    }

    [SkippableFact]
    public void A_closed_standard_input_is_an_io_error()
    {
        var (code, stdout, stderr) = Shell("$CLI popcount - <&-");
        Assert.Equal(2, code);
        Assert.Empty(stdout);
        AssertOneLineError(stderr, "standard input: is closed");
    }

    [SkippableFact]
    public void Hamming_streams_one_side_and_pads_or_names_both_sizes()
    {
        byte[] a = WriteRandom("a.bin", Length, 1), b = WriteRandom("b.bin", Length, 2);
        ulong expected = 0;
        for (int i = 0; i < Length; i++)
            expected += Reference.Bits((ulong)(a[i] ^ b[i]));
        var (code, stdout, stderr) = Shell("cat a.bin | $CLI hamming - b.bin");
        Assert.True(code == 0, stderr);
        Assert.Equal(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), stdout);

        // A shorter stream: an error naming both sizes, known only once the stream has ended...
        (code, stdout, stderr) = Shell("head -c 1000 a.bin | $CLI hamming - b.bin");
        Assert.Equal(1, code);
        AssertOneLineError(stderr, $"standard input is 1,000 bytes and b.bin is {Length:N0} bytes");
        // ...or, with --pad, the longer file's rest against zeros.
        (code, stdout, stderr) = Shell("head -c 1000 a.bin | $CLI hamming - b.bin --pad");
        Assert.True(code == 0, stderr);
        ulong padded = Reference.PopCount(b.AsSpan(1000));
        for (int i = 0; i < 1000; i++)
            padded += Reference.Bits((ulong)(a[i] ^ b[i]));
        Assert.Equal(padded.ToString(System.Globalization.CultureInfo.InvariantCulture), stdout);
    }

    [SkippableFact]
    public void Both_sides_on_standard_input_is_a_usage_error()
    {
        var (code, _, stderr) = Shell("$CLI hamming - - < /dev/null");
        Assert.Equal(1, code);
        AssertOneLineError(stderr, "only one of the two inputs can be standard input");
    }

    [SkippableFact]
    public void A_device_streams_with_an_unknown_size()
    {
        var (code, stdout, stderr) = Shell("$CLI popcount /dev/null && head -c 100000 /dev/zero | $CLI popcount /dev/stdin");
        Assert.True(code == 0, stderr);
        Assert.Equal("0\n0", stdout.ReplaceLineEndings("\n"));
    }

    [SkippableFact]
    public void A_closed_output_pipe_ends_with_an_exit_code_not_a_stack_trace()
    {
        // The reader may be gone before the count is written: EPIPE on stdout.
        WriteRandom("f.bin", 10, 1);
        var (code, _, stderr) = Shell("($CLI popcount f.bin; echo \"rc=$?\" >&2) | true");
        Assert.Equal(0, code);
        Assert.Matches("rc=[02]", stderr);
        Assert.DoesNotContain("Unhandled exception", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [SkippableFact]
    public void A_closed_standard_error_keeps_the_result_and_exits_2()
    {
        WriteRandom("f.bin", 4096, 2);
        var (code, stdout, _) = Shell("$CLI popcount f.bin 2>&-");
        Assert.Equal(2, code);
        Assert.Matches("^[0-9]+$", stdout); // the count, on standard output all the same
        var (searchCode, results, _) = Shell("$CLI search --codes f.bin --queries f.bin --bits 64 --k 2 2>&-");
        Assert.Equal(2, searchCode);
        Assert.Equal(512, results.Split('\n').Length); // a line per query
    }

    [SkippableFact]
    public void A_closed_standard_output_is_one_line_and_exit_2()
    {
        WriteRandom("f.bin", 4096, 3);
        foreach (string command in new[] { "$CLI popcount f.bin >&-", "$CLI search --codes f.bin --queries f.bin --bits 64 --k 2 >&-", "$CLI info >&-" })
        {
            var (code, _, stderr) = Shell(command);
            Assert.Equal(2, code);
            AssertOneLineError(stderr, "standard output: is closed");
        }
    }

    [SkippableFact]
    public void Results_into_a_pipe_closed_early_end_with_exit_2_at_once()
    {
        WriteRandom("codes.bin", 8 * 20000, 4);
        WriteRandom("queries.bin", 8 * 20000, 5);
        // 20,000 result lines into a pipe whose reader takes a byte and goes: the README promises exit 2.
        var (rc, _, err) = Shell("mkfifo p; (head -c1 p > /dev/null) & $CLI search --codes codes.bin --queries queries.bin --bits 64 --k 3 > p; echo \"rc=$?\" >&2");
        Assert.Equal(0, rc);
        Assert.Contains("rc=2", err);
        AssertOneLineError(err, "standard output: cannot be written: its reader has closed it (broken pipe)");
    }

    [SkippableFact]
    public void Text_results_go_out_in_few_writes()
    {
        WriteRandom("codes.bin", 8 * 100, 6);
        WriteRandom("queries.bin", 8 * 5000, 7);
        var (code, stdout, stderr) = Shell("command -v strace >/dev/null || { echo no-strace; exit 0; }; "
            + "strace -f -e trace=write -o trace.txt $CLI search --codes codes.bin --queries queries.bin --bits 64 --k 3 > out.txt && grep -c 'write(1,' trace.txt");
        Skip.If(stdout == "no-strace", "strace is not installed");
        Assert.True(code == 0, stderr);
        Assert.Equal(5000, File.ReadAllLines(Path.Combine(_dir, "out.txt")).Length);
        Assert.True(int.Parse(stdout, System.Globalization.CultureInfo.InvariantCulture) < 100, $"{stdout} writes to standard output for 5,000 lines");
    }
}
