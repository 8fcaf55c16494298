using System.Runtime.InteropServices;

namespace AsmKernels.Cli;

internal static class InfoCommand
{
    public static int Run()
    {
        Write(Console.Out);
        return 0;
    }

    public static void Write(TextWriter to)
    {
        CpuFeatures cpu = Kernels.Cpu;
        if (Kernels.MaxIsaProblem is { } problem)
            to.WriteLine($"warning: {problem}");
        to.WriteLine($"CPU:            {(cpu.Brand.Length > 0 ? cpu.Brand : "(unknown)")}{(cpu.Vendor.Length > 0 ? $" [{cpu.Vendor}, family {cpu.Family} model {cpu.Model}]" : "")}");
        to.WriteLine($"process:        {RuntimeInformation.ProcessArchitecture}, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        to.WriteLine($"features:       {cpu} (CPUID; OS state: {cpu.OsStateSource})");
        int width = CpuFeatures.ManagedVectorWidth;
        to.WriteLine($"managed SIMD:   {(width == 0 ? "none" : $"{width}-bit")} vectors (the managed loops follow the runtime's compile target; the native kernels do not)");
        to.WriteLine($"native library: {(Kernels.NativeLibraryLoaded ? Kernels.NativeLibraryPath : $"not loaded: {Kernels.NativeLibraryError}")}");
        if (Kernels.MaxIsaSetting is { } max)
            to.WriteLine($"ASMKERNELS_MAX_ISA: {max}");
        if (Kernels.ScanPrefetchProblem is { } prefetchProblem)
            to.WriteLine($"warning: {prefetchProblem}");
        to.WriteLine($"scan prefetch:  {Kernels.ScanPrefetch}");
        if (Kernels.TuningProblem is { } tuneProblem)
            to.WriteLine($"warning: {tuneProblem}");
        to.WriteLine($"tuned kernels:  {Kernels.Tuning}");
        to.WriteLine();

        var table = new TextTable("operation", "ISA level", "implementation", "entry");
        var reasons = new List<string>();
        foreach (KernelOperation op in IsaLevels.Operations)
        {
            KernelInfo? kernel = Kernels.GetSelectedKernel(op);
            if (kernel is null)
                table.Add(op.ToString(), IsaLevels.Name(IsaLevel.Scalar), "managed", "-");
            else
                table.Add(op.ToString(), IsaLevels.Name(kernel.Level), $"{kernel.Name} ({string.Join(", ", kernel.Needs)})",
                    Kernels.IsEnteredThroughVzeroupper(kernel.Name) ? "vzeroupper first (legacy SSE)" : "direct");
            if (Kernels.GetFallbackReason(op) is { } reason && !reasons.Contains(reason))
                reasons.Add(reason);
        }
        table.Write(to);
        foreach (string reason in reasons)
            to.WriteLine($"managed fallback because {reason}");
    }
}
