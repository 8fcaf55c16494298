using AsmKernels.Cli;
using AsmKernels.Cli.Disasm;

if (OperatingSystem.IsWindows())
    Console.OutputEncoding = System.Text.Encoding.UTF8; // the tables print µs

try
{
    return Run(args);
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException or FileFailure)
{
    // Output closed early (a pipe's reader went away), a file vanished: one line, never a trace.
    return Fail(2, e);
}
catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
{
    return Fail(1, e);
}
catch (Exception e)
{
    return Fail(2, e);
}

static int Fail(int exitCode, Exception e)
{
    try
    {
        Console.Error.WriteLine($"asmkernels: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
    }
    catch (IOException)
    {
        // stderr is gone too: the exit code is all that is left
    }
    return exitCode;
}

static int Run(string[] args) => CommandLine.Invoke(args, _ => Usage(Console.Error, 1, "name a command"), () => Usage(Console.Out, 0));

static int Usage(TextWriter to, int exitCode, string? error = null)
{
    if (error is not null)
        to.WriteLine($"asmkernels: {error}");
    to.WriteLine("""
        usage: asmkernels <command>

          info       CPU, features, the implementation chosen per operation, the native library
          demo       each kernel on a small example, then native vs the JIT's loop at a few sizes
          selftest   every API at every supported ISA level against a reference; exit 1 on mismatch
          crossover  time managed vs native code at each length (how the thresholds are set)
          cold       first calls in fresh processes, public API vs a naive loop: cold [--processes N] [--out FILE]
          disasm     a kernel's instructions beside the JIT's code for the same loop, with a summary
                     and timings: disasm <op> [--isa L] [--jit tier1|fullopts] [--format text|markdown]
                     [--size N] [--library FILE]; disasm --all --out DIR
          popcount   set bits in a file: popcount <file|-> [--json] [--progress]
          hamming    differing bits of two files: hamming <fileA|-> <fileB|-> [--pad] [--json] [--progress]
          crc32c     the CRC-32C of a file, in hex: crc32c <file|-> [--json] [--progress]
          abicheck   checkasm for any routine: abicheck LIBRARY --symbol NAME --signature SIG
                     [--reference LIBRARY:NAME] (e.g. SIG 'u64 (in u64[n], size n)')
          search     nearest codes by Hamming distance: search --codes FILE --queries FILE --bits B
                     [--k K | --radius R] [--threads T] [--json] [--progress] (FILE: raw B-bit codes)
                     (- is standard input; pipes, FIFOs and devices stream in blocks)
                     (exit codes: 0 ok, 1 bad usage, 2 I/O error)

        asmkernels <command> --help: the command's arguments and options

        environment: ASMKERNELS_MAX_ISA=scalar|sse2|sse4.2|avx2|avx512, ASMKERNELS_NATIVE_PATH=<file or dir>
        """);
    return exitCode;
}
