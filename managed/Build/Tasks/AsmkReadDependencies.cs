using System;
using System.IO;
using System.Linq;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace AsmKernels.Build.Tasks;

/// <summary>Each source's includes from NASM's depfile of the last build, as its Dependencies metadata.</summary>
public sealed class AsmkReadDependencies : Task
{
    private static readonly char[] Blanks = { ' ', '\t' };

    [Required] public ITaskItem[] Sources { get; set; } = Array.Empty<ITaskItem>();
    [Output] public ITaskItem[] Result { get; set; } = Array.Empty<ITaskItem>();

    public override bool Execute()
    {
        // Each source's includes from NASM's depfile of the last build ("object: source inc ... \"):
        // the inputs that decide whether it is assembled again. No depfile yet: it will be.
        Result = Sources.Select(s =>
        {
            var item = new Microsoft.Build.Utilities.TaskItem(s);
            string dep = s.GetMetadata("DepFile");
            string deps = "";
            if (File.Exists(dep))
            {
                string text = File.ReadAllText(dep).Replace("\\\r\n", " ").Replace("\\\n", " ");
                var files = text.Split('\n')
                    .Where(l => l.Contains(':'))
                    .SelectMany(l => l.Substring(l.IndexOf(": ", StringComparison.Ordinal) < 0 ? l.IndexOf(':') + 1 : l.IndexOf(": ", StringComparison.Ordinal) + 2).Split(Blanks, StringSplitOptions.RemoveEmptyEntries))
                    .Distinct();
                deps = string.Join(";", files);
            }
            item.SetMetadata("Dependencies", deps);
            return (Microsoft.Build.Framework.ITaskItem)item;
        }).ToArray();

        return true;
    }
}
