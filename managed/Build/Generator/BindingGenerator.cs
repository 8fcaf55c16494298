using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace AsmKernels.Build.Generator;

/// <summary>
/// Binds each <c>[AsmKernel("op")] static partial</c> method of a project to the kernels of
/// <c>op</c> in the project's kernel table (<c>$(AsmkTable)</c>, passed as an additional file by
/// the AsmKernels.Build targets), with the project's managed fallback; see
/// <see cref="RuntimeEmitter"/> and <see cref="MethodEmitter"/> for the generated code.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class BindingGenerator : IIncrementalGenerator
{
    private const string Category = "AsmKernels.Build";

    internal static readonly DiagnosticDescriptor UnknownOperation = new("ASMK101", "Unknown operation",
        "[AsmKernel(\"{0}\")] on {1}: the kernel table {2} has no operation '{0}' (its operations: {3})", Category, DiagnosticSeverity.Error, true);
    internal static readonly DiagnosticDescriptor Mismatch = new("ASMK102", "Declaration does not match the kernel table",
        "{0} does not match {1} ({2}, {3} line {4}): {5}", Category, DiagnosticSeverity.Error, true);
    internal static readonly DiagnosticDescriptor NoFallback = new("ASMK103", "No managed fallback",
        "{0} has no fallback: declare 'static {1} {2}(...)' with the same parameters, or name one with Fallback = nameof(...)", Category, DiagnosticSeverity.Error, true);
    internal static readonly DiagnosticDescriptor BadShape = new("ASMK104", "Cannot bind this declaration",
        "[{0}] on {1}: {2}", Category, DiagnosticSeverity.Error, true);
    internal static readonly DiagnosticDescriptor NoTable = new("ASMK105", "No kernel table",
        "[AsmKernel] on {0}: the project has no kernel table (AsmKernels.Build passes $(AsmkTable), '{1}', to the compiler; is the package referenced and the file there?)", Category, DiagnosticSeverity.Error, true);
    internal static readonly DiagnosticDescriptor NoKernels = new("ASMK106", "Operation without kernels",
        "[AsmKernel(\"{0}\")] on {1}: the kernel table {2} lists no kernel of '{0}'", Category, DiagnosticSeverity.Error, true);
    internal static readonly DiagnosticDescriptor BadLibraryTable = new("ASMK107", "Library kernel table unreadable",
        "The library's kernel table {0}: {1}", Category, DiagnosticSeverity.Error, true);

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        context.RegisterPostInitializationOutput(c => c.AddSource("AsmKernelAttribute.g.cs", SourceText.From(RuntimeEmitter.AttributeSource, System.Text.Encoding.UTF8)));

        IncrementalValueProvider<(string Table, string Library)> settings = context.AnalyzerConfigOptionsProvider.Select((o, _) =>
        {
            o.GlobalOptions.TryGetValue("build_property.AsmkTable", out string? table);
            o.GlobalOptions.TryGetValue("build_property.AsmkLibraryName", out string? library);
            return (table ?? "", library ?? "");
        });
        IncrementalValueProvider<(TableFile Table, SourceText Text)?> tableFile = context.AdditionalTextsProvider.Collect().Combine(settings).Select((x, cancel) =>
        {
            (ImmutableArray<AdditionalText> files, (string table, string _)) = x;
            if (table.Length == 0)
                return ((TableFile, SourceText)?)null;
            string want = Normalize(table);
            AdditionalText? file = files.FirstOrDefault(f => Normalize(f.Path) == want);
            SourceText? text = file?.GetText(cancel);
            return text is null ? null : (TableFile.Parse(file!.Path, text.ToString()), text);
        });
        IncrementalValueProvider<ImmutableArray<MethodModel>> methods = context.SyntaxProvider
            .ForAttributeWithMetadataName(MethodModel.AttributeName, (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax,
                (c, _) => MethodModel.From(c))
            .Collect();

        // The library's own table (AsmKernels itself: $(AsmkLibraryTable), native/kernels.txt).
        IncrementalValueProvider<(string Path, string? Text)> libraryTable = context.AdditionalTextsProvider.Collect()
            .Combine(context.AnalyzerConfigOptionsProvider.Select((o, _) => o.GlobalOptions.TryGetValue("build_property.AsmkLibraryTable", out string? t) ? t : ""))
            .Select((x, cancel) =>
            {
                (ImmutableArray<AdditionalText> files, string path) = x;
                if (path.Length == 0)
                    return (path, (string?)null);
                AdditionalText? file = files.FirstOrDefault(f => Normalize(f.Path) == Normalize(path));
                return (path, file?.GetText(cancel)?.ToString() ?? "");
            });
        context.RegisterSourceOutput(libraryTable, (spc, table) =>
        {
            if (table.Text is null)
                return;
            string? problem = "not among the compilation's additional files, or empty";
            string? source = table.Text.Length == 0 ? null : LibraryTableEmitter.Emit(table.Text, out problem);
            if (source is null)
                spc.ReportDiagnostic(Diagnostic.Create(BadLibraryTable, Location.None, table.Path, problem));
            else
                spc.AddSource("KernelTable.g.cs", SourceText.From(source, System.Text.Encoding.UTF8));
        });

        // [AsmKernelCall] methods: the project's table, or in the library itself its own.
        IncrementalValueProvider<ImmutableArray<MethodModel>> calls = context.SyntaxProvider
            .ForAttributeWithMetadataName(MethodModel.CallAttributeName, (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax,
                (c, _) => MethodModel.From(c))
            .Collect();
        context.RegisterSourceOutput(calls.Combine(tableFile).Combine(libraryTable).Combine(settings), (spc, x) =>
        {
            (((ImmutableArray<MethodModel> declared, (TableFile Table, SourceText Text)? file), (string Path, string? Text) library), (string tablePath, string _)) = x;
            if (declared.IsEmpty)
                return;
            if (file is null && !string.IsNullOrEmpty(library.Text))
                file = (TableFile.Parse(library.Path, library.Text!), SourceText.From(library.Text!));
            EmitBound(spc, declared, file, file is null ? tablePath : file.Value.Table.Path, ".AsmKernelCalls.g.cs");
        });

        context.RegisterSourceOutput(methods.Combine(tableFile).Combine(settings), (spc, x) =>
        {
            ((ImmutableArray<MethodModel> declared, (TableFile Table, SourceText Text)? file), (string tablePath, string library)) = x;
            TableFile? table = file?.Table;
            if (table is not null)
                spc.AddSource("NativeImageCheck.g.cs", SourceText.From(RuntimeEmitter.ImageCheckSource(), System.Text.Encoding.UTF8));
            if (table is not null)
                spc.AddSource("NativeKernels.g.cs", SourceText.From(RuntimeEmitter.Emit(table, library.Length > 0 ? library : "kernels"), System.Text.Encoding.UTF8));
            EmitBound(spc, declared, file, tablePath, ".AsmKernels.g.cs");
        });
    }

    /// <summary>The bodies of <paramref name="declared"/>, one file per type (its name + <paramref name="suffix"/>).</summary>
    private static void EmitBound(SourceProductionContext spc, ImmutableArray<MethodModel> declared, (TableFile Table, SourceText Text)? file, string tablePath, string suffix)
    {
        // A declaration that cannot be bound still gets a body (one that throws), so that its
        // error is the only one; one that is not a static partial method cannot take one.
        var bound = new List<(MethodModel, List<CallArgument>?)>();
        foreach (MethodModel m in declared)
        {
            List<CallArgument>? call = Bind(spc, m, file, tablePath);
            if (call is not null || m.ShapeProblem is null)
                bound.Add((m, call));
        }
        foreach (var group in bound.GroupBy(b => (b.Item1.Namespace, b.Item1.TypeKey)))
        {
            var first = group.First().Item1;
            string hint = (first.Namespace.Length > 0 ? first.Namespace + "." : "") + first.TypeKey.Replace('<', '{').Replace('>', '}') + suffix;
            spc.AddSource(hint, SourceText.From(MethodEmitter.Emit(first.Namespace, first.Types, group), System.Text.Encoding.UTF8));
        }
    }

    /// <summary>The call of <paramref name="m"/>'s kernels, or null after reporting why there is none.</summary>
    private static List<CallArgument>? Bind(SourceProductionContext spc, MethodModel m, (TableFile Table, SourceText Text)? file, string tablePath)
    {
        TableFile? table = file?.Table;
        string who = m.TypeKey + "." + m.Name;
        if (m.ShapeProblem is not null)
        {
            spc.ReportDiagnostic(Diagnostic.Create(BadShape, m.Location, m.TakesEntry ? "AsmKernelCall" : "AsmKernel", who, m.ShapeProblem));
            return null;
        }
        if (table is null)
        {
            spc.ReportDiagnostic(Diagnostic.Create(NoTable, m.Location, who, tablePath));
            return null;
        }
        string tableName = Path.GetFileName(table.Path);
        if (!table.Ops.Contains(m.Op))
        {
            spc.ReportDiagnostic(Diagnostic.Create(UnknownOperation, m.Location, m.Op, who, tableName, string.Join(", ", table.Ops)));
            return null;
        }
        List<KernelRow> rows = table.Kernels.Where(k => k.Op == m.Op).ToList();
        if (rows.Count == 0)
        {
            spc.ReportDiagnostic(Diagnostic.Create(NoKernels, m.Location, m.Op, who, tableName));
            return null;
        }
        List<CallArgument>? call = null;
        foreach (KernelRow row in rows)
        {
            List<CallArgument>? c = CallShape.Match(m, row.Signature, table.Structs, out string? problem);
            if (c is null)
            {
                TextSpan line = file!.Value.Text.Lines[row.Line - 1].Span;
                Location at = Location.Create(table.Path, line, file.Value.Text.Lines.GetLinePositionSpan(line));
                spc.ReportDiagnostic(Diagnostic.Create(Mismatch, m.Location, new[] { at },
                    who, row.Name, row.Signature, tableName, row.Line, problem));
                return null;
            }
            call ??= c;
        }
        if (!m.TakesEntry && !m.FallbackFound)
        {
            spc.ReportDiagnostic(Diagnostic.Create(NoFallback, m.Location, who, m.ReturnType, m.Fallback));
            return null;
        }
        return call;
    }

    private static string Normalize(string path)
    {
        try
        {
            return Path.GetFullPath(path).Replace('\\', '/');
        }
        catch (ArgumentException)
        {
            return path;
        }
    }
}
