using System.Diagnostics;

namespace AsmKernels.Benchmarks;

/// <summary>Draws GB/s against size (log x), one line per implementation, with gnuplot from BenchmarkDotNet's CSV export.</summary>
internal static class Plot
{
    public static void Draw(string resultsDir, string svgPath)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "benchmarks.gp");
        var start = new ProcessStartInfo("gnuplot") { RedirectStandardError = true };
        start.ArgumentList.Add("-e");
        start.ArgumentList.Add($"results='{resultsDir}/'; out='{svgPath}'");
        start.ArgumentList.Add(script);
        try
        {
            using var process = Process.Start(start)!;
            string errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Console.WriteLine(process.ExitCode == 0 ? $"plot: {svgPath}" : $"plot: gnuplot failed: {errors}");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Console.WriteLine("plot: gnuplot is not installed; no plot drawn");
        }
    }
}
