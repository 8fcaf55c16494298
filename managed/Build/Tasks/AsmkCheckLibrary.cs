using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace AsmKernels.Build.Tasks;

/// <summary>The library's release checks on a linked library: exactly the table's exports; for ELF also no executable stack and no text relocations (ASMK010-013).</summary>
public sealed class AsmkCheckLibrary : Task
{
    private static readonly char[] Blanks = { ' ', '\t' };

    [Required] public string Library { get; set; } = "";
    [Required] public string Table { get; set; } = "";
    [Required] public ITaskItem[] Exports { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string Tool { get; set; } = "";
    public bool Pe { get; set; }

    public override bool Execute()
    {
        // The library's release checks: exactly the table's exports; for ELF also no executable
        // stack and no text relocations.
        Func<string, string> run = args =>
        {
            var start = new ProcessStartInfo(Tool, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using (var p = Process.Start(start))
            {
                string output = p.StandardOutput.ReadToEnd();
                p.StandardError.ReadToEnd();
                p.WaitForExit();
                return output;
            }
        };
        var found = new HashSet<string>();
        string file = System.IO.Path.GetFileName(Library);
        if (Pe)
        {
            bool inTable = false;
            foreach (string line in run("-p \"" + Library + "\"").Split('\n'))
            {
                if (line.Contains("[Ordinal/Name Pointer] Table")) { inTable = true; continue; }
                if (inTable)
                {
                    int close = line.IndexOf(']');
                    if (!line.TrimStart().StartsWith("[", StringComparison.Ordinal) || close < 0) { if (found.Count > 0) inTable = false; continue; }
                    found.Add(line.Substring(close + 1).Trim());
                }
            }
        }
        else
        {
            foreach (string line in run("-W --dyn-syms \"" + Library + "\"").Split('\n'))
            {
                string[] f = line.Split(Blanks, StringSplitOptions.RemoveEmptyEntries);
                if (f.Length >= 8 && f[3] == "FUNC" && f[4] == "GLOBAL" && f[6] != "UND")
                    found.Add(f[7].Split('@')[0]);
            }
            string program = run("-lW \"" + Library + "\"");
            foreach (string line in program.Split('\n'))
                if (line.Contains("GNU_STACK") && line.Contains("RWE"))
                    Log.LogError(null, "ASMK010", null, Library, 0, 0, 0, 0, "{0} has an executable stack (an object lacks .note.GNU-stack)", file);
            if (run("-d \"" + Library + "\"").Contains("TEXTREL"))
                Log.LogError(null, "ASMK011", null, Library, 0, 0, 0, 0, "{0} has text relocations (a routine uses an absolute address: use 'default rel')", file);
        }
        var expected = new HashSet<string>(Exports.Select(e => e.ItemSpec));
        foreach (string name in expected.Where(n => !found.Contains(n)))
            Log.LogError(null, "ASMK012", null, Table, 0, 0, 0, 0, "the kernel table names {0}, which {1} does not export (no FUNC {2} in any source?)", name, file, name.EndsWith("_vzeroupper", StringComparison.Ordinal) ? name.Substring(0, name.Length - 11) : name);
        foreach (string name in found.Where(n => !expected.Contains(n)))
            Log.LogError(null, "ASMK013", null, Table, 0, 0, 0, 0, "{0} exports {1}, which the kernel table does not list", file, name);
        return !Log.HasLoggedErrors;

    }
}
