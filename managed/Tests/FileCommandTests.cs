using System.Text.Json;
using AsmKernels.Cli;

namespace AsmKernels.Tests;

/// <summary><c>asmkernels popcount</c> and <c>hamming</c> on real files, against a bit-by-bit reference.</summary>
public sealed class FileCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("asmk-files-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, byte[] content)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static (int Code, string Out, string Err) Run(Func<string[], TextWriter, TextWriter, int> command, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = command(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    public static TheoryData<int> Lengths => new() { 0, 1, 7, 8, 9, 3 << 20, 2 * FileCommands.BlockBytes + 13 };

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Popcount_of_a_file_matches_the_reference(int length)
    {
        byte[] content = Random(length, length);
        var (code, stdout, stderr) = Run(FileCommands.PopCount, Write("f.bin", content));
        Assert.Equal(0, code);
        Assert.Equal($"{Reference.PopCount(content)}\n", stdout.ReplaceLineEndings("\n"));
        Assert.Contains($"{length:N0} bytes in", stderr);
        Assert.Contains("GB/s", stderr);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Hamming_of_two_files_matches_the_reference(int length)
    {
        byte[] a = Random(length, 1), b = Random(length, 2);
        var (code, stdout, _) = Run(FileCommands.Hamming, Write("a.bin", a), Write("b.bin", b));
        Assert.Equal(0, code);
        ulong expected = 0;
        for (int i = 0; i < length; i++)
            expected += Reference.Bits((ulong)(a[i] ^ b[i]));
        Assert.Equal($"{expected}\n", stdout.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Files_of_different_sizes_are_an_error_naming_both_sizes_unless_padded()
    {
        byte[] a = Random(FileCommands.BlockBytes + 5, 3), b = Random(1001, 4);
        string pathA = Write("a.bin", a), pathB = Write("b.bin", b);
        var (code, stdout, stderr) = Run(FileCommands.Hamming, pathA, pathB);
        Assert.Equal(1, code);
        Assert.Empty(stdout);
        Assert.Contains($"{a.Length:N0} bytes", stderr);
        Assert.Contains("1,001 bytes", stderr);
        Assert.Contains("--pad", stderr);

        ulong expected = Reference.PopCount(a.AsSpan(b.Length));
        for (int i = 0; i < b.Length; i++)
            expected += Reference.Bits((ulong)(a[i] ^ b[i]));
        foreach (string[] args in new[] { new[] { pathA, pathB, "--pad" }, new[] { "--pad", pathB, pathA } })
        {
            (code, stdout, _) = Run(FileCommands.Hamming, args);
            Assert.Equal(0, code);
            Assert.Equal($"{expected}\n", stdout.ReplaceLineEndings("\n"));
        }
    }

    public static TheoryData<int> CrcLengths => new() { 0, 1, 9, 4096, Crc32CHasher.StreamBlockBytes, 3 * Crc32CHasher.StreamBlockBytes + 77 };

    [Theory]
    [MemberData(nameof(CrcLengths))]
    public void Crc32c_of_a_file_is_the_one_shot_crc_in_hex(int length)
    {
        byte[] content = Random(length, length + 1);
        var (code, stdout, stderr) = Run(FileCommands.Crc32C, Write("f.bin", content));
        Assert.Equal(0, code);
        Assert.Equal($"{Checksums.Crc32C(content):x8}\n", stdout.ReplaceLineEndings("\n"));
        Assert.Contains($"{length:N0} bytes in", stderr);
        Assert.Contains(Kernels.GetImplementationName(KernelOperation.Crc32C, Kernels.GetSelectedIsa(KernelOperation.Crc32C)) ?? "managed", stderr);
    }

    [Fact]
    public void Crc32c_json_holds_the_check_value()
    {
        string path = Write("check.txt", "123456789"u8.ToArray());
        var (code, stdout, _) = Run(FileCommands.Crc32C, path, "--json");
        Assert.Equal(0, code);
        using JsonDocument doc = JsonDocument.Parse(stdout);
        Assert.Equal("crc32c", doc.RootElement.GetProperty("operation").GetString());
        Assert.Equal("e3069283", doc.RootElement.GetProperty("crc32c").GetString());
        Assert.Equal(9, doc.RootElement.GetProperty("bytes").GetInt64());
        Assert.True(doc.RootElement.GetProperty("gigabytesPerSecond").GetDouble() >= 0);
        Assert.Equal(1, Run(FileCommands.Crc32C, path, path).Code);
        Assert.Equal(2, Run(FileCommands.Crc32C, Path.Combine(_dir, "missing")).Code);
    }

    [Fact]
    public void Json_output_holds_the_result_and_the_implementation()
    {
        byte[] content = Random(100_003, 5);
        string path = Write("f.bin", content);
        var (code, stdout, _) = Run(FileCommands.PopCount, path, "--json");
        Assert.Equal(0, code);
        using JsonDocument doc = JsonDocument.Parse(stdout);
        Assert.Equal("popcount", doc.RootElement.GetProperty("operation").GetString());
        Assert.Equal(path, doc.RootElement.GetProperty("file").GetString());
        Assert.Equal(100_003, doc.RootElement.GetProperty("bytes").GetInt64());
        Assert.Equal(Reference.PopCount(content), doc.RootElement.GetProperty("setBits").GetUInt64());
        Assert.Equal(Kernels.GetSelectedKernel(KernelOperation.PopCount)?.Name ?? "managed",
            doc.RootElement.GetProperty("implementation").GetString());
        Assert.True(doc.RootElement.GetProperty("gigabytesPerSecond").GetDouble() >= 0);

        (code, stdout, _) = Run(FileCommands.Hamming, path, path, "--json");
        Assert.Equal(0, code);
        using JsonDocument hamming = JsonDocument.Parse(stdout);
        Assert.Equal(0UL, hamming.RootElement.GetProperty("differingBits").GetUInt64());
        Assert.False(hamming.RootElement.GetProperty("padded").GetBoolean());
    }

    [Fact]
    public void A_missing_file_is_an_io_error_that_names_it()
    {
        string missing = Path.Combine(_dir, "no-such-file");
        var (code, stdout, stderr) = Run(FileCommands.PopCount, missing);
        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Contains($"{missing}: no such file", stderr);
        (code, _, stderr) = Run(FileCommands.Hamming, Write("a.bin", [1]), missing);
        Assert.Equal(2, code);
        Assert.Contains($"{missing}: no such file", stderr);
    }

    [Fact]
    public void A_directory_is_an_io_error_that_says_so()
    {
        var (code, _, stderr) = Run(FileCommands.PopCount, _dir);
        Assert.Equal(2, code);
        Assert.Contains($"{_dir}: is a directory", stderr);
    }

    [SkippableFact]
    public void An_unreadable_file_is_an_io_error_that_says_permission_denied()
    {
        Skip.If(OperatingSystem.IsWindows(), "file modes are a Unix notion");
        string path = Write("secret.bin", [0xFF]);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.None);
        bool readable;
        try
        {
            File.ReadAllBytes(path);
            readable = true;
        }
        catch (UnauthorizedAccessException)
        {
            readable = false;
        }
        Skip.If(readable, "this process reads files whatever their mode (it runs as root)");
        var (code, stdout, stderr) = Run(FileCommands.PopCount, path);
        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Contains($"{path}: permission denied", stderr);
    }

    [Fact]
    public void Bad_usage_exits_1_with_the_usage()
    {
        foreach (string[] args in new[] { Array.Empty<string>(), ["a", "b"], ["--frobnicate", "a"] })
        {
            var (code, _, stderr) = Run(FileCommands.PopCount, args);
            Assert.Equal(1, code);
            Assert.Contains("usage: asmkernels popcount", stderr);
        }
        Assert.Equal(1, Run(FileCommands.Hamming, "only-one").Code);
        Assert.Equal(1, Run(FileCommands.PopCount, "--pad", "x").Code); // --pad is hamming's
    }

    private static readonly string[] SysfsFiles = ["/sys/devices/system/cpu/online", "/sys/kernel/mm/transparent_hugepage/enabled", "/sys/power/state"];

    [SkippableFact]
    public void A_sysfs_file_whose_size_is_a_hint_is_read_to_its_end()
    {
        // sysfs reports 4,096 bytes for files that hold a few: the size is a hint, not the length.
        string path = SysfsFiles.FirstOrDefault(p => File.Exists(p) && new FileInfo(p).Length != ReadToEnd(p).Length) ?? "";
        Skip.If(path.Length == 0, "no sysfs file here whose size differs from its contents");
        byte[] content = ReadToEnd(path);
        var (code, stdout, stderr) = Run(FileCommands.PopCount, path);
        Assert.True(code == 0, stderr);
        Assert.Equal($"{Reference.PopCount(content)}\n", stdout.ReplaceLineEndings("\n"));
        Assert.Contains($"{content.Length:N0} bytes in", stderr);
        (code, stdout, stderr) = Run(FileCommands.Crc32C, path);
        Assert.True(code == 0, stderr);
    }

    private static byte[] ReadToEnd(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None);
        var all = new MemoryStream();
        file.CopyTo(all);
        return all.ToArray();
    }

    [Fact]
    public void A_sparse_file_of_one_gibibyte_is_counted()
    {
        string path = Path.Combine(_dir, "sparse.bin");
        using (var stream = new FileStream(path, FileMode.CreateNew))
        {
            stream.SetLength(1L << 30); // a hole, except the bytes written below
            stream.Position = 12345;
            stream.WriteByte(0x0F);
            stream.Position = (1L << 30) - 1;
            stream.WriteByte(0xFF);
        }
        var (code, stdout, stderr) = Run(FileCommands.PopCount, path);
        Assert.Equal(0, code);
        Assert.Equal("12\n", stdout.ReplaceLineEndings("\n"));
        Assert.Contains("1,073,741,824 bytes in", stderr);
    }
}
