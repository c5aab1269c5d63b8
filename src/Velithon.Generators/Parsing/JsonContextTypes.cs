using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Velithon.Generators.Parsing;

/// <summary>What a <c>JsonSerializerContext</c> declares with <c>[JsonSerializable]</c>, for VLT0018.</summary>
internal static class JsonContextTypes
{
    /// <summary>The property of VLT0018 naming the context, as its code fix finds the class to add to.</summary>
    public const string ContextProperty = "Context";

    /// <summary>The property of VLT0018 naming the type that needs metadata.</summary>
    public const string MessageTypeProperty = "MessageType";

    /// <summary>The types <paramref name="context"/> lists, without nullable annotations.</summary>
    public static HashSet<ITypeSymbol> Serializable(INamedTypeSymbol context, KnownTypes knownTypes) =>
        new(context.GetAttributes()
                .Where(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, knownTypes.JsonSerializableAttribute))
                .Select(static a => a.ConstructorArguments.FirstOrDefault().Value as ITypeSymbol)
                .Where(static t => t is not null)
                .Select(static t => t!.WithNullableAnnotation(NullableAnnotation.NotAnnotated)),
            SymbolEqualityComparer.Default);

    /// <summary>VLT0018's properties: the context and the type, as display strings, for the fix that adds <c>[JsonSerializable]</c>.</summary>
    public static ImmutableDictionary<string, string?> MissingMetadataProperties(INamedTypeSymbol context, ITypeSymbol type) =>
        ImmutableDictionary<string, string?>.Empty
            .Add(ContextProperty, context.ToDisplayString())
            .Add(MessageTypeProperty, type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString());
}
