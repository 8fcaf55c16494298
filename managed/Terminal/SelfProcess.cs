using System.Diagnostics;

namespace AsmKernels.Terminal;

/// <summary>Starts this program again as a child process, with none of the parent's JIT and tiering settings.</summary>
internal static class SelfProcess
{
    /// <summary>A child process of <paramref name="program"/> (an exe assembly) with <paramref name="args"/>.</summary>
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("SingleFile", "IL3000",
        Justification = "A single-file or Native AOT program is its own app host: its location is not used.")]
    public static ProcessStartInfo StartInfo(System.Reflection.Assembly program, params ReadOnlySpan<string> args)
    {
        // Run the program directly when this process is its app host (under any name), else through
        // the dotnet host (from a test host, or `dotnet program.dll`).
        string? self = Environment.ProcessPath;
        bool apphost = self is not null && System.Reflection.Assembly.GetEntryAssembly() == program
            && !Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
        string host = apphost ? self! : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (!apphost)
            start.ArgumentList.Add(program.Location);
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
