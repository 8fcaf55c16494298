using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace AsmKernels.Lab;

/// <summary>Which of the JIT's code to show.</summary>
internal enum JitMode
{
    /// <summary>The steady state: the code that runs after the loop has run long enough, with tiered PGO on.</summary>
    Tier1,

    /// <summary>Fully optimized code on the first call (<c>DOTNET_TieredCompilation=0</c>).</summary>
    FullOpts,
}

/// <summary>
/// Gets the JIT's code for managed loops: a child process (this CLI's hidden <c>jit-run</c>
/// command) runs them with <c>DOTNET_JitDisasm</c> naming them and <c>DOTNET_JitStdOutFile</c>
/// collecting the listings, then the listing of the wanted tier is normalized like a native one.
/// </summary>
internal static class JitDisassembler
{
    /// <summary>The JIT's listing of every managed loop of <paramref name="op"/>, in order.</summary>
    /// <exception cref="InvalidOperationException">No JIT here, the child process failed, or a listing is missing.</exception>
    public static IReadOnlyList<Listing> Disassemble(DisasmOperation op, JitMode mode)
    {
        if (!RuntimeFeature.IsDynamicCodeCompiled)
            throw new InvalidOperationException("this process was compiled ahead of time; there is no JIT whose code could be shown");
        IReadOnlyList<ManagedLoop> loops = op.ManagedLoops(1);
        using var temp = new TempDirectory("asmkernels-jit-");
        string output = temp.File($"{op.Name}-{mode}.txt");
        RunChild(op, mode, loops, output);
        string text = File.Exists(output) ? File.ReadAllText(output) : "";
        string tier = mode == JitMode.Tier1 ? "Tier1" : "FullOpts";
        // An AggressiveOptimization method is compiled once, fully optimized, and never tiers:
        // that listing is its final code in tier-1 mode too.
        return loops.Select(loop => JitListing.Find(text, loop.Name, tier)
            ?? (mode == JitMode.Tier1 ? JitListing.Find(text, loop.Name, "FullOpts") : null)
            ?? throw new InvalidOperationException($"the JIT printed no {tier} code for {loop.Name}")).ToList();
    }

    /// <summary>Runs the loops of <paramref name="op"/> so that the JIT compiles them at <paramref name="mode"/> (the child's side).</summary>
    public static void RunLoops(DisasmOperation op, JitMode mode)
    {
        IReadOnlyList<ManagedLoop> loops = op.ManagedLoops(256);
        ulong sink = 0;
        // Tier-1 needs a loop to be called 30 times, then a quiet 100 ms, once for the instrumented
        // tier and once more for the final one; a dozen rounds leave ample margin.
        int rounds = mode == JitMode.Tier1 ? 12 : 1;
        for (int round = 0; round < rounds; round++)
        {
            foreach (ManagedLoop loop in loops)
                sink += loop.Body(mode == JitMode.Tier1 ? 50 : 1);
            if (mode == JitMode.Tier1)
                Thread.Sleep(150);
        }
        GC.KeepAlive(sink);
    }

    private static void RunChild(DisasmOperation op, JitMode mode, IReadOnlyList<ManagedLoop> loops, string output)
    {
        var start = SelfProcess.StartInfo(typeof(JitDisassembler).Assembly, "jit-run", op.Name, mode.ToString().ToLowerInvariant());
        start.Environment["DOTNET_JitDisasm"] = string.Join(' ', loops.Select(l => l.Name));
        start.Environment["DOTNET_JitStdOutFile"] = output;
        start.Environment["DOTNET_JitDisasmDiffable"] = "1";
        start.Environment["DOTNET_TieredCompilation"] = mode == JitMode.FullOpts ? "0" : "1";
        start.Environment["DOTNET_TieredPGO"] = "1";

        using Process child = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
        Task<string> stderr = child.StandardError.ReadToEndAsync();
        child.StandardOutput.ReadToEnd();
        if (!child.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            child.Kill(entireProcessTree: true);
            throw new InvalidOperationException("the JIT child process did not finish in 2 minutes");
        }
        if (child.ExitCode != 0)
            throw new InvalidOperationException($"the JIT child process failed (exit {child.ExitCode}): {stderr.Result.Trim()}");
    }
}
