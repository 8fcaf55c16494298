using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace AsmKernels.Cli;

/// <summary>
/// <c>asmkernels popcount &lt;file&gt;</c> and <c>asmkernels hamming &lt;fileA&gt; &lt;fileB&gt; [--pad]</c>:
/// set bits, or differing bits, of files of any size, read in 4 MiB blocks into one reused buffer
/// (constant memory). The result goes to stdout (<c>--json</c>: one JSON object); a progress bar
/// (when stderr is a terminal, or with <c>--progress</c>), the throughput and the implementation
/// go to stderr. Exit codes: 0 ok, 1 bad usage, 2 I/O error.
/// </summary>
internal static class FileCommands
{
    public const int BlockBytes = 4 << 20;
    public const int Ok = 0, BadUsage = 1, IoError = 2;

    private sealed record Options(List<string> Files, bool Json, bool Pad, bool Progress);

    public static int PopCount(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (Parse(args, 1, "popcount <file> [--json] [--progress]", stderr, allowPad: false) is not { } o)
            return BadUsage;
        string path = o.Files[0];
        try
        {
            using SafeFileHandle file = Open(path);
            long length = RandomAccess.GetLength(file);
            byte[] buffer = GC.AllocateUninitializedArray<byte>(BlockBytes, pinned: true);
            var progress = new Progress(stderr, length, o.Progress);
            ulong bits = CountBits(file, path, buffer, 0, length, progress);
            string implementation = ImplementationName(KernelOperation.PopCount);
            progress.Finish(implementation);
            Write(stdout, o.Json, bits, new() { ["operation"] = "popcount", ["file"] = path, ["bytes"] = length, ["setBits"] = bits }, progress, implementation);
            return Ok;
        }
        catch (FileFailure e)
        {
            stderr.WriteLine($"asmkernels: {e.Message}");
            return IoError;
        }
    }

    public static int Hamming(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (Parse(args, 2, "hamming <fileA> <fileB> [--pad] [--json] [--progress]", stderr, allowPad: true) is not { } o)
            return BadUsage;
        string pathA = o.Files[0], pathB = o.Files[1];
        try
        {
            using SafeFileHandle a = Open(pathA), b = Open(pathB);
            long lengthA = RandomAccess.GetLength(a), lengthB = RandomAccess.GetLength(b);
            if (lengthA != lengthB && !o.Pad)
            {
                stderr.WriteLine($"asmkernels: {pathA} is {lengthA:N0} bytes and {pathB} is {lengthB:N0} bytes; "
                    + "the distance needs equal sizes (--pad counts the longer file's extra bytes against zeros)");
                return BadUsage;
            }
            long common = Math.Min(lengthA, lengthB), total = Math.Max(lengthA, lengthB);
            byte[] bufferA = GC.AllocateUninitializedArray<byte>(BlockBytes, pinned: true);
            byte[] bufferB = GC.AllocateUninitializedArray<byte>(BlockBytes, pinned: true);
            var progress = new Progress(stderr, total, o.Progress);
            ulong bits = 0;
            long offset = 0;
            while (offset < common)
            {
                int want = (int)Math.Min(BlockBytes, common - offset);
                int n = ReadBlock(a, pathA, bufferA.AsSpan(0, want), offset);
                ReadExactly(b, pathB, bufferB.AsSpan(0, n), offset);
                bits += BitOps.HammingDistance(bufferA.AsSpan(0, n), bufferB.AsSpan(0, n));
                offset += n;
                progress.Report(offset);
            }
            (SafeFileHandle longer, string longerPath) = lengthA > lengthB ? (a, pathA) : (b, pathB);
            // --pad: the longer file's tail against zeros is its popcount
            bits += CountBits(longer, longerPath, bufferA, offset, total, progress);
            string implementation = ImplementationName(KernelOperation.HammingDistance);
            progress.Finish(implementation);
            Write(stdout, o.Json, bits, new()
            {
                ["operation"] = "hamming", ["fileA"] = pathA, ["fileB"] = pathB, ["bytesA"] = lengthA, ["bytesB"] = lengthB,
                ["padded"] = lengthA != lengthB, ["differingBits"] = bits,
            }, progress, implementation);
            return Ok;
        }
        catch (FileFailure e)
        {
            stderr.WriteLine($"asmkernels: {e.Message}");
            return IoError;
        }
    }

    private static Options? Parse(string[] args, int fileCount, string usage, TextWriter stderr, bool allowPad)
    {
        var files = new List<string>();
        bool json = false, pad = false, progress = false;
        foreach (string arg in args)
        {
            switch (arg)
            {
                case "--json": json = true; break;
                case "--progress": progress = true; break;
                case "--pad" when allowPad: pad = true; break;
                default:
                    if (arg.StartsWith("--", StringComparison.Ordinal))
                        return Fail($"unknown option '{arg}'");
                    files.Add(arg);
                    break;
            }
        }
        if (files.Count != fileCount)
            return Fail(fileCount == 1 ? "name one file" : $"name {fileCount} files");
        return new Options(files, json, pad, progress);

        Options? Fail(string message)
        {
            stderr.WriteLine($"asmkernels: {message}");
            stderr.WriteLine($"usage: asmkernels {usage}");
            return null;
        }
    }

    /// <summary>An I/O failure, with a message that names the file and the cause.</summary>
    private sealed class FileFailure(string message) : Exception(message);

    private static SafeFileHandle Open(string path)
    {
        if (Directory.Exists(path))
            throw new FileFailure($"{path}: is a directory, not a file");
        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FileFailure($"{path}: no such file");
        }
        catch (UnauthorizedAccessException)
        {
            throw new FileFailure($"{path}: permission denied");
        }
        catch (IOException e)
        {
            throw new FileFailure($"{path}: cannot be opened: {e.Message}");
        }
    }

    /// <summary>Reads up to one buffer at <paramref name="offset"/>: a full buffer unless the file ends first.</summary>
    /// <summary>The set bits of bytes [<paramref name="offset"/>, <paramref name="end"/>) of the file, a block at a time.</summary>
    private static ulong CountBits(SafeFileHandle file, string path, byte[] buffer, long offset, long end, Progress progress)
    {
        ulong bits = 0;
        while (offset < end)
        {
            int n = ReadBlock(file, path, buffer, offset);
            bits += BitOps.PopCount(buffer.AsSpan(0, n));
            offset += n;
            progress.Report(offset);
        }
        return bits;
    }

    private static int ReadBlock(SafeFileHandle file, string path, Span<byte> buffer, long offset)
    {
        int total = 0;
        try
        {
            while (total < buffer.Length)
            {
                int n = RandomAccess.Read(file, buffer[total..], offset + total);
                if (n == 0)
                    break;
                total += n;
            }
        }
        catch (IOException e)
        {
            throw new FileFailure($"{path}: read failed at byte {offset + total:N0}: {e.Message}");
        }
        if (total == 0)
            throw new FileFailure($"{path}: ended at byte {offset:N0}, before its reported size (did it shrink while being read?)");
        return total;
    }

    private static void ReadExactly(SafeFileHandle file, string path, Span<byte> buffer, long offset)
    {
        if (ReadBlock(file, path, buffer, offset) != buffer.Length)
            throw new FileFailure($"{path}: ended before its reported size (did it shrink while being read?)");
    }

    private static string ImplementationName(KernelOperation op) =>
        Kernels.GetImplementationName(op, Kernels.GetSelectedIsa(op)) ?? "managed";

    private static void Write(TextWriter stdout, bool json, ulong bits, Dictionary<string, object> fields, Progress progress, string implementation)
    {
        if (!json)
        {
            stdout.WriteLine(bits.ToString(CultureInfo.InvariantCulture));
            return;
        }
        fields["seconds"] = Math.Round(progress.Seconds, 6);
        fields["gigabytesPerSecond"] = Math.Round(progress.GigabytesPerSecond, 3);
        fields["implementation"] = implementation;
        stdout.WriteLine(JsonSerializer.Serialize(fields, JsonContext.Default.DictionaryStringObject));
    }

    /// <summary>A progress bar on stderr, drawn only after the first half second and only where someone watches.</summary>
    private sealed class Progress(TextWriter stderr, long total, bool forced)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly bool _draw = forced || !Console.IsErrorRedirected;
        private long _bytes;
        private TimeSpan _lastDrawn = TimeSpan.FromSeconds(0.5);
        private bool _drawn;

        public double Seconds => _clock.Elapsed.TotalSeconds;
        public double GigabytesPerSecond => _bytes / 1e9 / Math.Max(Seconds, 1e-9);

        public void Report(long bytes)
        {
            _bytes = bytes;
            if (!_draw || _clock.Elapsed - _lastDrawn < TimeSpan.FromMilliseconds(100))
                return;
            _lastDrawn = _clock.Elapsed;
            _drawn = true;
            double fraction = total == 0 ? 1 : (double)bytes / total;
            int filled = (int)(fraction * 30);
            stderr.Write($"\r[{new string('#', filled)}{new string('.', 30 - filled)}] {fraction,6:P1}  {bytes / 1e9:F2}/{total / 1e9:F2} GB  {GigabytesPerSecond:F2} GB/s ");
        }

        public void Finish(string implementation)
        {
            _clock.Stop();
            if (_drawn)
                stderr.WriteLine();
            stderr.WriteLine($"{_bytes:N0} bytes in {Seconds:F3} s: {GigabytesPerSecond:F2} GB/s, {implementation}");
        }
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, object>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
[System.Text.Json.Serialization.JsonSerializable(typeof(long))]
[System.Text.Json.Serialization.JsonSerializable(typeof(ulong))]
[System.Text.Json.Serialization.JsonSerializable(typeof(double))]
[System.Text.Json.Serialization.JsonSerializable(typeof(bool))]
internal sealed partial class JsonContext : System.Text.Json.Serialization.JsonSerializerContext;
