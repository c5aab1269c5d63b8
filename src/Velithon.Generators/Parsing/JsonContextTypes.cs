using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Velithon.Generators.Diagnostics;

namespace Velithon.Generators.Parsing;

/// <summary>What a <c>JsonSerializerContext</c> declares with <c>[JsonSerializable]</c>, for VLT0018.</summary>
internal static class JsonContextTypes
{
    /// <summary>The types <paramref name="context"/> lists, without nullable annotations.</summary>
    public static HashSet<ITypeSymbol> Serializable(INamedTypeSymbol context, KnownTypes knownTypes) =>
        new(context.GetAttributes()
                .Where(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, knownTypes.JsonSerializableAttribute))
                .Select(static a => a.ConstructorArguments.FirstOrDefault().Value as ITypeSymbol)
                .Where(static t => t is not null)
                .Select(static t => t!.WithNullableAnnotation(NullableAnnotation.NotAnnotated)),
            SymbolEqualityComparer.Default);

    /// <summary>
    /// VLT0018's properties for the fix that adds <c>[JsonSerializable]</c>: the context's metadata name and the type as
    /// <c>typeof</c> takes it (see <see cref="DiagnosticProperties"/>).
    /// </summary>
    public static ImmutableDictionary<string, string?> MissingMetadataProperties(INamedTypeSymbol context, ITypeSymbol type) =>
        ImmutableDictionary<string, string?>.Empty
            .Add(DiagnosticProperties.JsonContextMetadataName, MetadataName(context))
            .Add(DiagnosticProperties.MessageType, type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat));

    /// <summary>The name <c>Compilation.GetTypeByMetadataName</c> finds <paramref name="type"/> by: <c>Demo.Outer+Context</c>.</summary>
    private static string MetadataName(INamedTypeSymbol type)
    {
        string name = type.MetadataName;
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            name = outer.MetadataName + "+" + name;
            type = outer;
        }

        return type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() + "." + name : name;
    }
}
