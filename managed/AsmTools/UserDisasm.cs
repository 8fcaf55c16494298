using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace AsmKernels.AsmTools;

/// <summary>
/// <c>asmtools disasm --method ASSEMBLY.dll:Namespace.Type.Method[(Type, ...)]</c> and/or
/// <c>--native FILE:SYMBOL</c>: the JIT's code for any method of any assembly (compiled, not run,
/// fully optimized, in a child process) and the instructions of any routine of a shared library
/// (ELF, PE) or an assembled object (<c>.o</c>, <c>.obj</c>, relocations named), alone or side by
/// side with the summary table. Exit 1 for a missing or ambiguous method (the candidates listed),
/// an open generic method, or a missing symbol (named); 2 for a file that cannot be read.
/// </summary>
internal static class UserDisasm
{
    public static int Run(string? method, string? native, string? format)
    {
        var entries = new List<(string Name, Listing Listing)>();
        try
        {
            if (native is not null)
            {
                if (Native(native, out string? error) is not { } listing)
                    return Fail(1, error!);
                entries.Add((listing.Title, listing));
            }
            if (method is not null)
            {
                if (Managed(method, out string? error) is not { } listing)
                    return Fail(1, error!);
                entries.Add((listing.Title, listing));
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return Fail(2, e.Message);
        }
        Write(entries, format == "markdown", Console.Out);
        return 0;
    }

    private static int Fail(int code, string message)
    {
        Console.Error.WriteLine($"{CommandLine.Program}: disasm: {message}");
        return code;
    }

    /// <summary>FILE:SYMBOL (the last colon splits, so a Windows path keeps its drive).</summary>
    internal static Listing? Native(string spec, out string? error)
    {
        int colon = spec.LastIndexOf(':');
        if (colon <= 0 || colon == spec.Length - 1)
        {
            error = $"--native takes FILE:SYMBOL, not '{spec}'";
            return null;
        }
        string path = spec[..colon], name = spec[(colon + 1)..];
        byte[] file = BinaryFile.Read(path);
        if (ObjectFile.Is(file))
        {
            ObjectFile obj = ObjectFile.Open(path, file);
            if (!obj.Symbols.TryGetValue(name, out ObjectFile.CodeSymbol? symbol))
            {
                error = $"{path} has no code symbol '{name}' (it has: {List(obj.Symbols.Keys)})";
                return null;
            }
            error = null;
            var native = new NativeSymbol(symbol.Name, symbol.Offset, symbol.Size, SizeIsExact: false);
            return NativeDisassembler.Decode(native, obj.Bytes(symbol), $"native, {obj.Format}", obj.RelocationsOf(symbol));
        }
        NativeImage image = NativeImage.Open(path);
        if (!image.Exports.TryGetValue(name, out NativeSymbol? export))
        {
            error = $"{path} exports no '{name}' (it exports: {List(image.Exports.Keys)})";
            return null;
        }
        error = null;
        string bound = export.SizeIsExact ? "symbol size" : "to the last return";
        if (export.Size > NativeImage.MaxRoutineBytes)
            bound = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"its first {NativeImage.MaxRoutineBytes:N0} of {export.Size:N0} bytes");
        return NativeDisassembler.Decode(export, image.ReadBytes(export), $"native {image.Format}, {bound}");
    }

    private static string List(IEnumerable<string> names)
    {
        var sorted = names.Order(StringComparer.Ordinal).ToList();
        return sorted.Count == 0 ? "none" : string.Join(", ", sorted.Take(40)) + (sorted.Count > 40 ? $", ... ({sorted.Count} in all)" : "");
    }

    /// <summary>ASSEMBLY:Namespace.Type.Method[(Type, ...)]: the child compiles it, the JIT prints it.</summary>
    /// <summary>
    /// <c>ASSEMBLY.dll:Namespace.Type.Method[(parameter types)]</c> split into the assembly's full
    /// path and the member; false with the reason when <paramref name="spec"/> is not of that form.
    /// </summary>
    internal static bool TrySplitMethod(string spec, out string assembly, out string member, out string? error)
    {
        int dll = spec.IndexOf(".dll:", StringComparison.OrdinalIgnoreCase);
        if (dll < 0)
        {
            (assembly, member, error) = ("", "", $"--method takes ASSEMBLY.dll:Namespace.Type.Method[(parameter types)], not '{spec}'");
            return false;
        }
        (assembly, member, error) = (Path.GetFullPath(spec[..(dll + 4)]), spec[(dll + 5)..], null);
        return true;
    }

    /// <summary>The JIT's full-opts listing of the method <paramref name="spec"/> names (compiled in a child process), or null with the reason.</summary>
    internal static Listing? ManagedListing(string spec, out string? error) => Managed(spec, out error);

    private static Listing? Managed(string spec, out string? error)
    {
        if (!RuntimeFeature.IsDynamicCodeCompiled)
            throw new InvalidOperationException("this process was compiled ahead of time; there is no JIT whose code could be shown");
        if (!TrySplitMethod(spec, out string assembly, out string member, out error))
            return null;
        if (!File.Exists(assembly))
            throw new IOException($"{assembly}: no such file");
        using var temp = new TempDirectory("asmtools-method-");
        string output = temp.File("jit.txt");
        var start = SelfProcess.StartInfo(typeof(UserDisasm).Assembly, "jit-method", Path.GetFullPath(assembly), member);
        // Compiling runs what a first call would run before the method: the module's initializer
        // and the static constructors the JIT needs. They run in this child only, whose working
        // directory is the private, empty directory removed when the listing is read.
        start.WorkingDirectory = temp.Path;
        int paren = member.IndexOf('(');
        string path = paren < 0 ? member : member[..paren];
        string methodName = path[(path.LastIndexOf('.') + 1)..];
        start.Environment["DOTNET_JitDisasm"] = methodName;
        start.Environment["DOTNET_JitStdOutFile"] = output;
        start.Environment["DOTNET_JitDisasmDiffable"] = "1";
        start.Environment["DOTNET_TieredCompilation"] = "0";
        start.Environment["DOTNET_ReadyToRun"] = "0";
        using Process child = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
        Task<string> stderr = child.StandardError.ReadToEndAsync();
        string stdout = child.StandardOutput.ReadToEnd();
        if (!child.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            child.Kill(entireProcessTree: true);
            throw new InvalidOperationException("the JIT child process did not finish in 2 minutes");
        }
        if (child.ExitCode == 1)
        {
            error = (stderr.Result + stdout).Trim();
            return null;
        }
        if (child.ExitCode != 0)
            throw new InvalidOperationException($"the JIT child process failed (exit {child.ExitCode}): {stderr.Result.Trim()}");
        string compiled = stdout.Trim(); // Namespace.Type:Method, as the JIT names it
        string text = File.Exists(output) ? File.ReadAllText(output) : "";
        error = null;
        return JitListing.Find(text, compiled, "FullOpts")
            ?? throw new InvalidOperationException($"the JIT printed no code for {compiled}");
    }

    /// <summary>
    /// The child's side (<c>jit-method ASSEMBLY MEMBER</c>): find the one method MEMBER names,
    /// compile it without calling it (the runtime first runs the module's initializer and the
    /// static constructors compiling needs, as before a first call), print its name as the JIT
    /// writes it. Exit 1 with the
    /// candidates when there is no such method, several, or an open generic one.
    /// </summary>
    public static int ChildCompile(string assemblyPath, string member)
    {
        int paren = member.IndexOf('(');
        string path = paren < 0 ? member : member[..paren];
        string[]? parameters = paren < 0 ? null : SplitParameters(member[(paren + 1)..].TrimEnd(')'));
        int dot = path.LastIndexOf('.');
        if (dot <= 0)
            return ChildFail($"'{member}' names no type: write Namespace.Type.Method");
        string typeName = path[..dot], methodName = path[(dot + 1)..];
        Assembly assembly = Assembly.LoadFrom(assemblyPath);
        Type? type = assembly.GetType(typeName) ?? assembly.GetType(NestedName(typeName));
        if (type is null)
            return ChildFail($"{Path.GetFileName(assemblyPath)} has no type {typeName}");
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        var named = type.GetMethods(All).Where(m => m.Name == methodName).ToList();
        var matching = parameters is null ? named : named.Where(m => m.GetParameters().Select(p => TypeName(p.ParameterType)).SequenceEqual(parameters)).ToList();
        string candidates = named.Count == 0
            ? string.Join(", ", type.GetMethods(All).Select(m => m.Name).Distinct().Order(StringComparer.Ordinal))
            : string.Join("; ", named.Select(Signature));
        if (matching.Count == 0)
            return ChildFail($"{typeName} has no method {methodName}{(parameters is null ? "" : "(" + string.Join(", ", parameters) + ")")} (candidates: {candidates})");
        if (matching.Count > 1)
            return ChildFail($"{typeName}.{methodName} is ambiguous: give the parameter types, one of: {candidates}");
        MethodInfo method = matching[0];
        if (method.ContainsGenericParameters)
            return ChildFail($"{Signature(method)} is an open generic method: there is no one compiled code to show");
        RuntimeHelpers.PrepareMethod(method.MethodHandle);
        Console.WriteLine($"{type.FullName!.Replace('+', ':')}:{method.Name}");
        return 0;
    }

    private static int ChildFail(string message)
    {
        Console.Error.WriteLine(message);
        return 1;
    }

    private static string NestedName(string typeName) =>
        typeName.LastIndexOf('.') is int i and > 0 ? typeName[..i] + "+" + typeName[(i + 1)..] : typeName;

    private static string Signature(MethodInfo m) =>
        $"{m.Name}({string.Join(", ", m.GetParameters().Select(p => TypeName(p.ParameterType)))})";

    /// <summary>A type as C# writes it with full names: <c>System.ReadOnlySpan&lt;System.UInt64&gt;</c>, <c>System.Int32[]</c>.</summary>
    internal static string TypeName(Type t)
    {
        if (t.IsByRef)
            return TypeName(t.GetElementType()!) + "&";
        if (t.IsArray)
            return TypeName(t.GetElementType()!) + "[" + new string(',', t.GetArrayRank() - 1) + "]";
        if (t.IsPointer)
            return TypeName(t.GetElementType()!) + "*";
        if (!t.IsGenericType)
            return t.FullName ?? t.Name;
        string name = t.GetGenericTypeDefinition().FullName!;
        name = name[..name.IndexOf('`')];
        return $"{name}<{string.Join(", ", t.GetGenericArguments().Select(TypeName))}>";
    }

    private static string[] SplitParameters(string text)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        int depth = 0;
        foreach (char c in text)
        {
            if (c == ',' && depth == 0)
            {
                parts.Add(current.ToString().Trim());
                current.Clear();
                continue;
            }
            depth += c == '<' ? 1 : c == '>' ? -1 : 0;
            current.Append(c);
        }
        if (current.ToString().Trim().Length > 0)
            parts.Add(current.ToString().Trim());
        return [.. parts.Select(p => p.Replace(" ", "", StringComparison.Ordinal).Replace(",", ", ", StringComparison.Ordinal))];
    }

    /// <summary>Each listing, then (with both) the summary table; side by side in text, in turn in markdown.</summary>
    private static void Write(List<(string Name, Listing Listing)> entries, bool markdown, TextWriter to)
    {
        // Bytes, not elements: a listing alone does not say how wide its elements are (a byte loop
        // counted in 8-byte elements would show 0).
        string[] headers = ["listing", "code", "instructions", "bytes", "hot-loop instructions", "bytes read/iteration", "widest register"];
        var rows = entries.Select(e =>
        {
            ListingSummary s = ListingSummary.Of(e.Listing, 1);
            return new[] { e.Name, e.Listing.Origin, $"{s.Instructions}", $"{e.Listing.CodeBytes}", ListingSummary.LoopText(s), ListingSummary.ElementsText(s), s.WidestRegister };
        }).ToList();
        if (markdown)
        {
            to.WriteLine("| " + string.Join(" | ", headers) + " |");
            to.WriteLine("|" + string.Concat(headers.Select((_, i) => i < 2 || i == 6 ? "---|" : "--:|")));
            foreach (string[] row in rows)
                to.WriteLine("| " + string.Join(" | ", row.Select((c, i) => i == 0 ? $"`{c}`" : c)) + " |");
            to.WriteLine();
            foreach ((string name, Listing listing) in entries)
            {
                to.WriteLine($"## {name}");
                to.WriteLine();
                to.WriteLine($"{listing.Origin}.");
                to.WriteLine();
                to.WriteLine("```nasm");
                foreach (string line in listing.TextLines)
                    to.WriteLine(line);
                to.WriteLine("```");
                to.WriteLine();
            }
            return;
        }
        var table = new TextTable(headers);
        foreach (string[] row in rows)
            table.Add(row);
        table.Write(to);
        to.WriteLine();
        var columns = entries.Select(e => new[] { $"{e.Name} ({e.Listing.Origin})", "" }.Concat(e.Listing.TextLines).ToList()).ToList();
        if (columns.Count == 1)
        {
            foreach (string line in columns[0])
                to.WriteLine(line);
            return;
        }
        int width = columns[0].Max(l => l.Length) + 2;
        for (int i = 0; i < Math.Max(columns[0].Count, columns[1].Count); i++)
            to.WriteLine(((i < columns[0].Count ? columns[0][i] : "").PadRight(width) + "| " + (i < columns[1].Count ? columns[1][i] : "")).TrimEnd());
    }
}
