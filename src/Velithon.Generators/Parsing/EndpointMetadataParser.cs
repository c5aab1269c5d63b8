using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Velithon.Generators.Helpers;

namespace Velithon.Generators.Parsing;

/// <summary>
/// Turns a handler's attributes into C# expressions that recreate them as endpoint metadata, as minimal
/// APIs do with a route handler's attributes: so <c>[Authorize]</c>, <c>[AllowAnonymous]</c>,
/// <c>[EnableRateLimiting]</c>, <c>[EnableCors]</c> or <c>[WebSocketCompression]</c> on a handler reach the
/// middleware that reads them, without reflection at run time.
/// </summary>
internal static class EndpointMetadataParser
{
    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat;

    // Attributes that tell the compiler or the generator something, not the request pipeline.
    private static readonly string[] SkippedNamespaces =
    [
        "System.Runtime.CompilerServices",
        "System.Diagnostics",
        "System.Diagnostics.CodeAnalysis",
        "System.CodeDom.Compiler",
        "System.Runtime.InteropServices",
    ];

    private static readonly HashSet<string> SkippedVelithonAttributes =
    [
        KnownTypeNames.WebSocketAttribute,
        KnownTypeNames.JsonMessagesAttribute,
        KnownTypeNames.OnMessageAttribute,
    ];

    /// <summary>The expressions, in declaration order; attributes that cannot be recreated from constants are left out.</summary>
    public static EquatableArray<string> Parse(ISymbol handler, CancellationToken cancellationToken)
    {
        var expressions = new List<string>();
        foreach (var attribute in handler.GetAttributes())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (attribute.AttributeClass is { TypeKind: not TypeKind.Error } type
                && !IsSkipped(type)
                && HandlerParser.IsAccessible(type)
                && attribute.AttributeConstructor is not null
                && TryWrite(attribute, type, out var expression))
            {
                expressions.Add(expression);
            }
        }

        return new EquatableArray<string>(expressions.ToArray());
    }

    private static bool IsSkipped(INamedTypeSymbol type)
    {
        string fullName = type.ToDisplayString();
        if (SkippedVelithonAttributes.Contains(fullName))
        {
            return true;
        }

        string ns = type.ContainingNamespace?.ToDisplayString() ?? "";
        return SkippedNamespaces.Contains(ns) || fullName.StartsWith("Microsoft.CodeAnalysis.", System.StringComparison.Ordinal);
    }

    // new global::Ns.NameAttribute(arg, ...) { Property = value, ... }
    private static bool TryWrite(AttributeData attribute, INamedTypeSymbol type, out string expression)
    {
        var text = new StringBuilder("new ").Append(type.ToDisplayString(TypeFormat)).Append('(');
        for (int i = 0; i < attribute.ConstructorArguments.Length; i++)
        {
            if (!TryWriteConstant(attribute.ConstructorArguments[i], text.Append(i == 0 ? "" : ", ")))
            {
                expression = "";
                return false;
            }
        }

        text.Append(')');
        if (attribute.NamedArguments.Length > 0)
        {
            text.Append(" { ");
            for (int i = 0; i < attribute.NamedArguments.Length; i++)
            {
                var (name, value) = (attribute.NamedArguments[i].Key, attribute.NamedArguments[i].Value);
                text.Append(i == 0 ? "" : ", ").Append(name).Append(" = ");
                if (!TryWriteConstant(value, text))
                {
                    expression = "";
                    return false;
                }
            }

            text.Append(" }");
        }

        expression = text.ToString();
        return true;
    }

    private static bool TryWriteConstant(TypedConstant constant, StringBuilder text)
    {
        switch (constant.Kind)
        {
            case TypedConstantKind.Primitive:
                text.Append(Primitive(constant.Value));
                return true;
            case TypedConstantKind.Enum when constant.Type is not null:
                text.Append('(').Append(constant.Type.ToDisplayString(TypeFormat)).Append(")(")
                    .Append(System.Convert.ToString(constant.Value, CultureInfo.InvariantCulture)).Append(')');
                return true;
            case TypedConstantKind.Type when constant.Value is ITypeSymbol typeValue:
                text.Append("typeof(").Append(typeValue.ToDisplayString(TypeFormat)).Append(')');
                return true;
            case TypedConstantKind.Array when constant.Type is IArrayTypeSymbol arrayType:
                if (constant.IsNull)
                {
                    text.Append("null");
                    return true;
                }

                text.Append("new ").Append(arrayType.ElementType.ToDisplayString(TypeFormat)).Append("[] { ");
                for (int i = 0; i < constant.Values.Length; i++)
                {
                    if (!TryWriteConstant(constant.Values[i], text.Append(i == 0 ? "" : ", ")))
                    {
                        return false;
                    }
                }

                text.Append(" }");
                return true;
            default:
                return false;
        }
    }

    private static string Primitive(object? value) => value switch
    {
        null => "null",
        string s => SymbolDisplay.FormatLiteral(s, quote: true),
        char c => SymbolDisplay.FormatLiteral(c, quote: true),
        bool b => b ? "true" : "false",
        float f => f.ToString("R", CultureInfo.InvariantCulture) + "F",
        double d => d.ToString("R", CultureInfo.InvariantCulture) + "D",
        long l => l.ToString(CultureInfo.InvariantCulture) + "L",
        ulong ul => ul.ToString(CultureInfo.InvariantCulture) + "UL",
        uint ui => ui.ToString(CultureInfo.InvariantCulture) + "U",
        int i => i.ToString(CultureInfo.InvariantCulture),
        _ => "(global::" + value.GetType().FullName + ")" + System.Convert.ToString(value, CultureInfo.InvariantCulture),
    };
}
