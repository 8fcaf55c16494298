using System.Runtime.Intrinsics;
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
        to.WriteLine($"CPU:            {(cpu.Brand.Length > 0 ? cpu.Brand : "(unknown)")}{(cpu.Vendor.Length > 0 ? $" [{cpu.Vendor}]" : "")}");
        to.WriteLine($"process:        {RuntimeInformation.ProcessArchitecture}, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        to.WriteLine($"features:       {cpu}");
        to.WriteLine($"JIT vectors:    {(Vector512.IsHardwareAccelerated ? "512" : Vector256.IsHardwareAccelerated ? "256" : Vector128.IsHardwareAccelerated ? "128" : "none")}-bit (the managed vector loop)");
        to.WriteLine($"native library: {(Kernels.NativeLibraryLoaded ? Kernels.NativeLibraryPath : $"not loaded: {Kernels.NativeLibraryError}")}");
        if (Kernels.MaxIsaSetting is { } max)
            to.WriteLine($"ASMKERNELS_MAX_ISA: {max}");
        to.WriteLine();

        var table = new TextTable("operation", "ISA level", "implementation");
        var reasons = new List<string>();
        foreach (KernelOperation op in IsaLevels.Operations)
        {
            IsaLevel isa = Kernels.GetSelectedIsa(op);
            string impl = Kernels.GetImplementationName(op, isa) ?? "-";
            if (isa != IsaLevel.Scalar)
                impl += $" ({string.Join(", ", Kernels.GetKernels(op).First(k => k.Level == isa).Needs)})";
            table.Add(op.ToString(), IsaLevels.Name(isa), impl);
            if (Kernels.GetFallbackReason(op) is { } reason && !reasons.Contains(reason))
                reasons.Add(reason);
        }
        table.Write(to);
        foreach (string reason in reasons)
            to.WriteLine($"managed fallback because {reason}");
    }
}
