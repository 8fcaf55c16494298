using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AsmKernels.Build.Generator;

/// <summary>How a C# parameter of a bound method reaches the kernel.</summary>
internal enum ParameterKind { Span, ReadOnlySpan, Pointer, Scalar, Other }

/// <summary>A parameter of an [AsmKernel] method, as the generator needs it.</summary>
internal sealed class ParameterModel
{
    public ParameterModel(string name, string type, string display, ParameterKind kind, SpecialType special, string? element, int elementSize, bool byReference)
    {
        Name = name;
        Type = type;
        Display = display;
        Kind = kind;
        Special = special;
        Element = element;
        ElementSize = elementSize;
        ByReference = byReference;
    }

    public string Name { get; }

    /// <summary>The type, fully qualified.</summary>
    public string Type { get; }

    /// <summary>The type as a message shows it.</summary>
    public string Display { get; }
    public ParameterKind Kind { get; }

    /// <summary>The scalar's type, or a span's or pointer's element type.</summary>
    public SpecialType Special { get; }

    /// <summary>The C# keyword of <see cref="Special"/>, or null for a type the mapping has no C type for.</summary>
    public string? Keyword => MethodModel.KeywordOf(Special);

    /// <summary>A span's or pointer's element type, fully qualified.</summary>
    public string? Element { get; }
    public int ElementSize { get; }
    public bool ByReference { get; }
}

/// <summary>An [AsmKernel] method: where it is declared, its shape and its attribute's arguments.</summary>
internal sealed class MethodModel
{
    public string Namespace { get; set; } = "";

    /// <summary>The containing types, outermost first: "partial class Name" etc.</summary>
    public List<string> Types { get; } = new();

    /// <summary>The innermost containing type's name and arity, for the file name.</summary>
    public string TypeKey { get; set; } = "";
    public string Name { get; set; } = "";
    public string Modifiers { get; set; } = "";
    public string ReturnType { get; set; } = "";
    public SpecialType ReturnSpecial { get; set; }

    /// <summary>The C# keyword of the return type (void included), or null.</summary>
    public string? ReturnKeyword => ReturnSpecial == SpecialType.System_Void ? "void" : KeywordOf(ReturnSpecial);
    public List<ParameterModel> Parameters { get; } = new();
    public string Op { get; set; } = "";
    public string Fallback { get; set; } = "";
    public bool FallbackFound { get; set; }
    public int MaxTransitionFreeBytes { get; set; } = 8192;

    /// <summary>Why the declaration cannot be bound at all (not static partial, generic, ...), or null.</summary>
    public string? ShapeProblem { get; set; }
    public Location Location { get; set; } = Location.None;

    /// <summary>
    /// Declared with [AsmKernelCall]: the first parameter (<see cref="EntryName"/>, an nint) is the
    /// kernel's address, chosen by the caller; no selection, no fallback. <see cref="Parameters"/>
    /// are the others.
    /// </summary>
    public bool TakesEntry { get; set; }
    public string EntryName { get; set; } = "";

    public const string AttributeName = "AsmKernels.Build.AsmKernelAttribute";
    public const string CallAttributeName = "AsmKernels.Build.AsmKernelCallAttribute";

    public static MethodModel From(GeneratorAttributeSyntaxContext context)
    {
        var method = (IMethodSymbol)context.TargetSymbol;
        var syntax = (MethodDeclarationSyntax)context.TargetNode;
        var model = new MethodModel { Name = method.Name, Location = syntax.Identifier.GetLocation() };
        AttributeData attribute = context.Attributes[0];
        if (attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string op)
            model.Op = op;
        model.Fallback = method.Name + "Fallback";
        foreach (var named in attribute.NamedArguments)
        {
            if (named.Key == "Fallback" && named.Value.Value is string fallback)
                model.Fallback = fallback;
            if (named.Key == "MaxTransitionFreeBytes" && named.Value.Value is int bytes)
                model.MaxTransitionFreeBytes = bytes;
        }
        model.Namespace = method.ContainingNamespace.IsGlobalNamespace ? "" : method.ContainingNamespace.ToDisplayString();
        for (INamedTypeSymbol? t = method.ContainingType; t is not null; t = t.ContainingType)
        {
            string kind = t.IsRecord ? (t.TypeKind == TypeKind.Struct ? "record struct" : "record") : t.TypeKind == TypeKind.Struct ? "struct" : "class";
            string arity = t.TypeParameters.Length == 0 ? "" : "<" + string.Join(", ", t.TypeParameters.Select(p => p.Name)) + ">";
            model.Types.Insert(0, (t.IsStatic ? "static " : "") + "partial " + kind + " " + t.Name + arity);
            bool partialType = t.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is TypeDeclarationSyntax d && d.Modifiers.Any(SyntaxKind.PartialKeyword));
            if (!partialType)
                model.ShapeProblem ??= $"its type {t.Name} is not partial";
        }
        model.TypeKey = string.Join(".", model.Types.Select(t => t.Split(' ').Last()));
        if (!method.IsStatic || !method.IsPartialDefinition)
            model.ShapeProblem ??= "it is not a static partial method without a body";
        if (method.IsGenericMethod)
            model.ShapeProblem ??= "it is generic";
        model.Modifiers = string.Join(" ", syntax.Modifiers.Select(m => m.Text));
        model.ReturnType = method.ReturnType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        model.ReturnSpecial = method.ReturnsByRef || method.ReturnsByRefReadonly ? SpecialType.None : method.ReturnType.SpecialType;
        model.TakesEntry = attribute.AttributeClass?.ToDisplayString() == CallAttributeName;
        var parameters = method.Parameters.AsEnumerable();
        if (model.TakesEntry)
        {
            IParameterSymbol? entry = method.Parameters.FirstOrDefault();
            if (entry is null || entry.Type.SpecialType != SpecialType.System_IntPtr || entry.RefKind != RefKind.None)
                model.ShapeProblem ??= "its first parameter must be the kernel's address: nint";
            else
                model.EntryName = entry.Name;
            parameters = parameters.Skip(1);
        }
        foreach (IParameterSymbol p in parameters)
            model.Parameters.Add(ParameterOf(p));
        model.FallbackFound = method.ContainingType.GetMembers(model.Fallback).OfType<IMethodSymbol>().Any(f =>
            f.IsStatic && SymbolEqualityComparer.Default.Equals(f.ReturnType, method.ReturnType) && f.Parameters.Length == method.Parameters.Length
            && f.Parameters.Zip(method.Parameters, (a, b) => SymbolEqualityComparer.Default.Equals(a.Type, b.Type) && a.RefKind == b.RefKind).All(x => x));
        return model;
    }

    private static ParameterModel ParameterOf(IParameterSymbol p)
    {
        string type = p.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        string display = p.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
        bool byRef = p.RefKind != RefKind.None;
        if (p.Type is INamedTypeSymbol { IsGenericType: true } named && named.TypeArguments.Length == 1)
        {
            string definition = named.OriginalDefinition.ToDisplayString();
            ITypeSymbol element = named.TypeArguments[0];
            int size = SizeOf(element.SpecialType);
            if (definition == "System.Span<T>")
                return new ParameterModel(p.Name, type, display, ParameterKind.Span, element.SpecialType, element.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), size, byRef);
            if (definition == "System.ReadOnlySpan<T>")
                return new ParameterModel(p.Name, type, display, ParameterKind.ReadOnlySpan, element.SpecialType, element.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), size, byRef);
        }
        if (p.Type is IPointerTypeSymbol pointer)
            return new ParameterModel(p.Name, type, display, ParameterKind.Pointer, pointer.PointedAtType.SpecialType,
                pointer.PointedAtType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), SizeOf(pointer.PointedAtType.SpecialType), byRef);
        ParameterKind kind = SizeOf(p.Type.SpecialType) > 0 ? ParameterKind.Scalar : ParameterKind.Other;
        return new ParameterModel(p.Name, type, display, kind, p.Type.SpecialType, null, 0, byRef);
    }

    /// <summary>The keyword of a scalar the generator maps, null for any other type.</summary>
    public static string? KeywordOf(SpecialType type) => type switch
    {
        SpecialType.System_Byte => "byte",
        SpecialType.System_SByte => "sbyte",
        SpecialType.System_UInt16 => "ushort",
        SpecialType.System_Int16 => "short",
        SpecialType.System_UInt32 => "uint",
        SpecialType.System_Int32 => "int",
        SpecialType.System_UInt64 => "ulong",
        SpecialType.System_Int64 => "long",
        SpecialType.System_UIntPtr => "nuint",
        SpecialType.System_Single => "float",
        SpecialType.System_Double => "double",
        _ => null,
    };

    /// <summary>The size of a scalar the generator maps, 0 for any other type.</summary>
    public static int SizeOf(SpecialType type) => type switch
    {
        SpecialType.System_Byte or SpecialType.System_SByte => 1,
        SpecialType.System_UInt16 or SpecialType.System_Int16 => 2,
        SpecialType.System_UInt32 or SpecialType.System_Int32 or SpecialType.System_Single => 4,
        SpecialType.System_UInt64 or SpecialType.System_Int64 or SpecialType.System_Double or SpecialType.System_UIntPtr => 8,
        _ => 0,
    };
}
