using AsmKernels.Cli;

return args.FirstOrDefault() switch
{
    "info" => InfoCommand.Run(),
    "demo" => DemoCommand.Run(),
    "selftest" => SelfTestCommand.Run(),
    "crossover" => CrossoverCommand.Run(),
    null or "help" or "-h" or "--help" => Usage(Console.Out, 0),
    _ => Usage(Console.Error, 1, $"unknown command '{args[0]}'"),
};

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

        environment: ASMKERNELS_MAX_ISA=scalar|popcnt|avx2|avx512, ASMKERNELS_NATIVE_PATH=<file or dir>
        """);
    return exitCode;
}
