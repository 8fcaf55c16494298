using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace AsmKernels.Cli;

/// <summary>
/// <c>asmkernels popcount &lt;file&gt;</c>, <c>asmkernels hamming &lt;fileA&gt; &lt;fileB&gt; [--pad]</c> and
/// <c>asmkernels crc32c &lt;file&gt;</c>: set bits, differing bits, or the CRC-32C of files of any
/// size, read in blocks into one reused buffer (constant memory): 4 MiB, or for CRC-32C
/// <see cref="Crc32CHasher.StreamBlockBytes"/> (the copy stays in cache for the checksum). A name of <c>-</c> is standard input; pipes, FIFOs and devices stream the
/// same way, their size known when they end (<see cref="FileInput"/>). The result goes to stdout (<c>--json</c>: one JSON object); a progress bar
/// (when stderr is a terminal, or with <c>--progress</c>), the throughput and the implementation
/// go to stderr. Exit codes: 0 ok, 1 bad usage, 2 I/O error.
/// </summary>
internal static class FileCommands
{
    public const int BlockBytes = 4 << 20;
    public const int Ok = 0, BadUsage = 1, IoError = 2;

    /// <summary>A file command's arguments, bound from the parse result (<see cref="CommandLine"/>).</summary>
    internal sealed record Options(IReadOnlyList<string> Files, bool Json, bool Pad, bool Progress);

    /// <summary><c>popcount</c> with these arguments, through the command-line grammar.</summary>
    public static int PopCount(string[] args, TextWriter stdout, TextWriter stderr) => CommandLine.Run(["popcount", .. args], stdout, stderr);

    /// <summary><c>hamming</c> with these arguments, through the command-line grammar.</summary>
    public static int Hamming(string[] args, TextWriter stdout, TextWriter stderr) => CommandLine.Run(["hamming", .. args], stdout, stderr);

    /// <summary><c>crc32c</c> with these arguments, through the command-line grammar.</summary>
    public static int Crc32C(string[] args, TextWriter stdout, TextWriter stderr) => CommandLine.Run(["crc32c", .. args], stdout, stderr);

    public static int PopCount(Options o, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            using FileInput input = FileInput.Open(o.Files[0]);
            byte[] buffer = GC.AllocateUninitializedArray<byte>(BlockBytes, pinned: true);
            var progress = new Progress(stderr, input.Length, o.Progress);
            ulong bits = CountBits(input, buffer, progress);
            string implementation = ImplementationName(KernelOperation.PopCount);
            progress.Finish(implementation);
            Write(stdout, o.Json, Decimal(bits), new() { ["operation"] = "popcount", ["file"] = o.Files[0], ["bytes"] = input.Position, ["setBits"] = bits }, progress, implementation);
            return Ok;
        }
        catch (FileFailure e)
        {
            stderr.WriteLine($"asmkernels: {e.Message}");
            return IoError;
        }
    }

    public static int Hamming(Options o, TextWriter stdout, TextWriter stderr)
    {
        string pathA = o.Files[0], pathB = o.Files[1];
        try
        {
            using FileInput a = FileInput.Open(pathA), b = FileInput.Open(pathB);
            if (a.Length is { } knownA && b.Length is { } knownB && knownA != knownB && !o.Pad)
                return SizesDiffer(stderr, a, b, $"{knownA:N0}", $"{knownB:N0}");
            long? total = a.Length is { } la && b.Length is { } lb ? Math.Max(la, lb) : null;
            byte[] bufferA = GC.AllocateUninitializedArray<byte>(BlockBytes, pinned: true);
            byte[] bufferB = GC.AllocateUninitializedArray<byte>(BlockBytes, pinned: true);
            var progress = new Progress(stderr, total, o.Progress);
            ulong bits = 0;
            while (true)
            {
                int na = a.Read(bufferA), nb = b.Read(bufferB);
                int common = Math.Min(na, nb);
                bits += BitOps.HammingDistance(bufferA.AsSpan(0, common), bufferB.AsSpan(0, common));
                progress.Report(Math.Max(a.Position, b.Position));
                if (na == nb && na == BlockBytes)
                    continue;
                if (na == nb)
                    break; // both ended together
                // One input ended: the rest of the other counts against zeros, with --pad.
                (FileInput longer, byte[] buffer, int n) = na > nb ? (a, bufferA, na) : (b, bufferB, nb);
                if (!o.Pad)
                {
                    while (longer.Read(buffer) > 0) { } // to name the longer one's size
                    return SizesDiffer(stderr, a, b, $"{a.Position:N0}", $"{b.Position:N0}");
                }
                bits += BitOps.PopCount(buffer.AsSpan(common, n - common));
                if (n == BlockBytes)
                    bits += CountBits(longer, buffer, progress);
                break;
            }
            string implementation = ImplementationName(KernelOperation.HammingDistance);
            progress.Finish(implementation);
            Write(stdout, o.Json, Decimal(bits), new()
            {
                ["operation"] = "hamming", ["fileA"] = pathA, ["fileB"] = pathB, ["bytesA"] = a.Position, ["bytesB"] = b.Position,
                ["padded"] = a.Position != b.Position, ["differingBits"] = bits,
            }, progress, implementation);
            return Ok;
        }
        catch (FileFailure e)
        {
            stderr.WriteLine($"asmkernels: {e.Message}");
            return IoError;
        }
    }

    public static int Crc32C(Options o, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            using FileInput input = FileInput.Open(o.Files[0]);
            byte[] buffer = GC.AllocateUninitializedArray<byte>(Crc32CHasher.StreamBlockBytes, pinned: true);
            var progress = new Progress(stderr, input.Length, o.Progress);
            var hasher = new Crc32CHasher();
            int n;
            do
            {
                n = input.Read(buffer);
                hasher.Append(buffer.AsSpan(0, n));
                progress.Report(input.Position);
            }
            while (n == buffer.Length);
            string implementation = ImplementationName(KernelOperation.Crc32C);
            progress.Finish(implementation);
            string hex = hasher.GetCurrentHash().ToString("x8", CultureInfo.InvariantCulture);
            Write(stdout, o.Json, hex, new() { ["operation"] = "crc32c", ["file"] = o.Files[0], ["bytes"] = input.Position, ["crc32c"] = hex }, progress, implementation);
            return Ok;
        }
        catch (FileFailure e)
        {
            stderr.WriteLine($"asmkernels: {e.Message}");
            return IoError;
        }
    }

    private static string Decimal(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    private static int SizesDiffer(TextWriter stderr, FileInput a, FileInput b, string sizeA, string sizeB)
    {
        stderr.WriteLine($"asmkernels: {a.Name} is {sizeA} bytes and {b.Name} is {sizeB} bytes; "
            + "the distance needs equal sizes (--pad counts the longer file's extra bytes against zeros)");
        return BadUsage;
    }

    /// <summary>The set bits of the rest of <paramref name="input"/>, a block at a time.</summary>
    private static ulong CountBits(FileInput input, byte[] buffer, Progress progress)
    {
        ulong bits = 0;
        int n;
        do
        {
            n = input.Read(buffer);
            bits += BitOps.PopCount(buffer.AsSpan(0, n));
            progress.Report(input.Position);
        }
        while (n == buffer.Length);
        return bits;
    }

    private static string ImplementationName(KernelOperation op) =>
        Kernels.GetSelectedKernel(op)?.Name ?? "managed";

    private static void Write(TextWriter stdout, bool json, string result, Dictionary<string, object> fields, Progress progress, string implementation)
    {
        if (!json)
        {
            stdout.WriteLine(result);
            return;
        }
        fields["seconds"] = Math.Round(progress.Seconds, 6);
        fields["gigabytesPerSecond"] = Math.Round(progress.GigabytesPerSecond, 3);
        fields["implementation"] = implementation;
        stdout.WriteLine(JsonSerializer.Serialize(fields, JsonContext.Default.DictionaryStringObject));
    }

    /// <summary>A progress bar on stderr, drawn only after the first half second and only where someone watches.</summary>
    private sealed class Progress(TextWriter stderr, long? total, bool forced)
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
            if (total is not { } size)
            {
                stderr.Write($"\r{bytes / 1e9:F2} GB so far  {GigabytesPerSecond:F2} GB/s ");
                return;
            }
            double fraction = size == 0 ? 1 : (double)bytes / size;
            int filled = (int)(fraction * 30);
            stderr.Write($"\r[{new string('#', filled)}{new string('.', 30 - filled)}] {fraction,6:P1}  {bytes / 1e9:F2}/{size / 1e9:F2} GB  {GigabytesPerSecond:F2} GB/s ");
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
