using System.Diagnostics;

namespace AsmKernels.Cli;

/// <summary>Starts this CLI again as a child process, with none of the parent's JIT and tiering settings.</summary>
internal static class SelfProcess
{
    public static ProcessStartInfo StartInfo(params ReadOnlySpan<string> args)
    {
        // Run this CLI again: directly when this process is its app host, else through the dotnet host.
        string? self = Environment.ProcessPath;
        bool apphost = self is not null && Path.GetFileNameWithoutExtension(self) is "asmkernels" or "AsmKernels.Cli";
        string host = apphost ? self! : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (!apphost)
            start.ArgumentList.Add(typeof(SelfProcess).Assembly.Location);
        foreach (string arg in args)
            start.ArgumentList.Add(arg);
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("DOTNET_", StringComparison.Ordinal)
                     && (k.Contains("Jit", StringComparison.Ordinal) || k.StartsWith("DOTNET_Tiered", StringComparison.Ordinal)
                         || k.StartsWith("DOTNET_TC_", StringComparison.Ordinal) || k.StartsWith("DOTNET_OSR", StringComparison.Ordinal)
                         || k.StartsWith("DOTNET_ReadyToRun", StringComparison.Ordinal))).ToList())
            start.Environment.Remove(name);
        return start;
    }
}
