using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Velithon.Generators.Diagnostics;
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
        KnownTypeNames.WebSocketContractAttribute,
    ];

    /// <summary>
    /// The expressions, in declaration order. An attribute the generated code cannot recreate is reported at the
    /// attribute: VLT0028 (an error, so the handler is left out) when it carries metadata the request pipeline
    /// reads, since serving the route without it could serve it to anyone; VLT0029 (a warning) otherwise.
    /// </summary>
    /// <remarks>
    /// A static handler also gets its class's policy attributes (<c>[MaxMessageSize]</c>, ... and
    /// <c>[WebSocketCompression]</c>), which apply to every handler of the class. They come first: the runtime reads
    /// the last of a kind (<c>GetMetadata&lt;T&gt;()</c>), so the handler's own attribute wins.
    /// </remarks>
    public static EquatableArray<string> Parse(ISymbol handler, ParseContext context)
    {
        var expressions = new List<string>();
        if (handler is IMethodSymbol { ContainingType: { } containingType })
        {
            Add(containingType.GetAttributes().Where(static a => a.AttributeClass is { } type && PolicyAttributeChecks.AppliesFromClass(type)), expressions, context);
        }

        Add(handler.GetAttributes(), expressions, context);
        return new EquatableArray<string>(expressions.ToArray());
    }

    private static void Add(IEnumerable<AttributeData> attributes, List<string> expressions, ParseContext context)
    {
        foreach (var attribute in attributes)
        {
            context.CancellationToken.ThrowIfCancellationRequested();

            // An attribute the compiler cannot bind, or with an argument that is not a constant, is a compile error
            // of its own: the build fails without a word from Velithon.
            if (attribute.AttributeClass is not { TypeKind: not TypeKind.Error } type
                || attribute.AttributeConstructor is null
                || IsSkipped(type)
                || HasErrorArgument(attribute))
            {
                continue;
            }

            PolicyAttributeChecks.Check(attribute, type, context);
            var problem = FindProblem(attribute, type);
            if (problem is null)
            {
                expressions.Add(Write(attribute, type));
                continue;
            }

            var location = attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation();
            if (DescribeMetadata(type) is { } carries)
            {
                context.Report(VelithonDiagnostics.EndpointMetadataNotRecreated, location, type.ToDisplayString(), carries, problem);
            }
            else
            {
                context.Report(VelithonDiagnostics.AttributeNotRecreated, location, type.ToDisplayString(), problem);
            }
        }
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

    /// <summary>What the request pipeline would read from the attribute, for VLT0028; null when it reads nothing Velithon knows of.</summary>
    private static string? DescribeMetadata(INamedTypeSymbol type)
    {
        var interfaces = type.AllInterfaces.Select(static i => i.ToDisplayString()).ToList();
        var bases = new List<string>();
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            bases.Add(current.ToDisplayString());
        }

        if (interfaces.Contains("Microsoft.AspNetCore.Authorization.IAuthorizeData")
            || interfaces.Contains("Microsoft.AspNetCore.Authorization.IAuthorizationRequirementData"))
        {
            return "authorization";
        }

        if (interfaces.Contains("Microsoft.AspNetCore.Authorization.IAllowAnonymous"))
        {
            return "anonymous access";
        }

        if (interfaces.Contains("Microsoft.AspNetCore.Cors.Infrastructure.ICorsMetadata"))
        {
            return "a CORS policy";
        }

        if (bases.Concat([type.ToDisplayString()]).Any(static name => name.StartsWith("Microsoft.AspNetCore.RateLimiting.", System.StringComparison.Ordinal)))
        {
            return "a rate-limiting policy";
        }

        // Any other contract of ASP.NET Core or Velithon is metadata some middleware reads (request size limits,
        // compression, antiforgery...): leaving it out changes what the route does.
        return interfaces.Concat(bases).Any(static name =>
            name.StartsWith("Microsoft.AspNetCore.", System.StringComparison.Ordinal) || name.StartsWith("Velithon.", System.StringComparison.Ordinal))
            ? "endpoint metadata"
            : null;
    }

    /// <summary>Why generated code cannot name <paramref name="type"/>, ending with the fix; null when it can.</summary>
    internal static string? WhyUnnameable(ITypeSymbol type) => FindUnnameable(type) is { } hidden ? Unnameable(hidden, prefix: "") : null;

    /// <summary>
    /// As <see cref="WhyUnnameable(ITypeSymbol)"/>, for code generated into <paramref name="compilation"/>: a type of a
    /// referenced assembly that is not public there (internal, without InternalsVisibleTo) cannot be named either.
    /// </summary>
    internal static string? WhyUnnameable(ITypeSymbol type, Compilation compilation) =>
        WhyUnnameable(type) ?? (FindForeign(type, compilation) is { } foreign ? Foreign(foreign, prefix: "") : null);

    /// <summary>As <see cref="FindProblem(AttributeData, INamedTypeSymbol)"/>, for an attribute recreated in <paramref name="compilation"/>.</summary>
    internal static string? FindProblem(AttributeData attribute, INamedTypeSymbol type, Compilation compilation)
    {
        if (FindProblem(attribute, type) is { } problem)
        {
            return problem;
        }

        if (FindForeign(type, compilation) is { } foreign)
        {
            return Foreign(foreign, prefix: "");
        }

        if (!compilation.IsSymbolAccessibleWithin(attribute.AttributeConstructor!, compilation.Assembly))
        {
            return $"its constructor is not public in the referenced assembly '{type.ContainingAssembly?.Name}'; make it public, so the generated code can call it";
        }

        foreach (var argument in attribute.ConstructorArguments.Concat(attribute.NamedArguments.Select(static a => a.Value)))
        {
            if (FindForeign(argument, compilation) is { } inArgument)
            {
                return Foreign(inArgument, prefix: "its argument names ");
            }
        }

        foreach (string name in attribute.NamedArguments.Select(static a => a.Key))
        {
            for (var current = type; current is not null; current = current.BaseType)
            {
                if (current.GetMembers(name).FirstOrDefault(static m => m is IPropertySymbol or IFieldSymbol) is { } member)
                {
                    var setter = member is IPropertySymbol { SetMethod: { } set } ? set : member;
                    if (!compilation.IsSymbolAccessibleWithin(setter, compilation.Assembly))
                    {
                        return $"it sets '{name}', which is not public in the referenced assembly '{type.ContainingAssembly?.Name}'; make it public, so the generated code can set it";
                    }

                    break;
                }
            }
        }

        return null;
    }

    private static string Foreign(ITypeSymbol type, string prefix) =>
        $"{prefix}'{type.ToDisplayString()}'{(prefix.Length == 0 ? " is" : ", which is")} internal to the referenced assembly '{type.ContainingAssembly?.Name}'; make it public, so the generated code can name it";

    /// <summary>A type of another assembly that code compiled into <paramref name="compilation"/> cannot name.</summary>
    private static ITypeSymbol? FindForeign(ITypeSymbol type, Compilation compilation) => type switch
    {
        IArrayTypeSymbol array => FindForeign(array.ElementType, compilation),
        INamedTypeSymbol named when !SymbolEqualityComparer.Default.Equals(named.ContainingAssembly, compilation.Assembly)
            && !compilation.IsSymbolAccessibleWithin(named.OriginalDefinition, compilation.Assembly) => named,
        INamedTypeSymbol named => named.TypeArguments.Select(t => FindForeign(t, compilation)).FirstOrDefault(static t => t is not null),
        _ => null,
    };

    private static ITypeSymbol? FindForeign(TypedConstant constant, Compilation compilation) => constant.Kind switch
    {
        TypedConstantKind.Type when constant.Value is ITypeSymbol value => FindForeign(value, compilation),
        TypedConstantKind.Enum when constant.Type is not null => FindForeign(constant.Type, compilation),
        TypedConstantKind.Array when !constant.IsNull => constant.Values.Select(v => FindForeign(v, compilation)).FirstOrDefault(static t => t is not null),
        _ => null,
    };

    /// <summary>Why the generated code cannot write the attribute, ending with the fix; null when it can.</summary>
    internal static string? FindProblem(AttributeData attribute, INamedTypeSymbol type)
    {
        if (FindUnnameable(type) is { } unnameable)
        {
            return Unnameable(unnameable, prefix: "");
        }

        if (!HandlerParser.IsVisibleInAssembly(attribute.AttributeConstructor!.DeclaredAccessibility))
        {
            return $"its constructor is {Describe(attribute.AttributeConstructor.DeclaredAccessibility)}; make it internal or public, so the generated code can call it";
        }

        foreach (var argument in attribute.ConstructorArguments.Concat(attribute.NamedArguments.Select(static a => a.Value)))
        {
            if (FindUnnameable(argument) is { } inArgument)
            {
                return Unnameable(inArgument, prefix: "its argument names ");
            }
        }

        return null;
    }

    private static string Unnameable(ITypeSymbol type, string prefix) =>
        $"{prefix}'{type.ToDisplayString()}'{(prefix.Length == 0 ? " is" : ", which is")} "
        + (HandlerParser.IsInFileLocalType(type) ? "file-local" : Describe(FirstHidden(type).DeclaredAccessibility))
        + "; make it internal or public, so the generated code can name it";

    /// <summary>The type itself or the containing type that hides it.</summary>
    private static ISymbol FirstHidden(ITypeSymbol type)
    {
        for (ISymbol? current = type; current is not null; current = current.ContainingType)
        {
            if (!HandlerParser.IsVisibleInAssembly(current.DeclaredAccessibility))
            {
                return current;
            }
        }

        return type;
    }

    private static string Describe(Accessibility accessibility) => accessibility switch
    {
        Accessibility.Private => "private",
        Accessibility.Protected => "protected",
        Accessibility.ProtectedAndInternal => "private protected",
        _ => accessibility.ToString().ToLowerInvariant(),
    };

    /// <summary>A type the constant's C# would name that code outside its declaring type cannot.</summary>
    private static ITypeSymbol? FindUnnameable(TypedConstant constant) => constant.Kind switch
    {
        TypedConstantKind.Type when constant.Value is ITypeSymbol value => FindUnnameable(value),
        TypedConstantKind.Enum when constant.Type is not null => FindUnnameable(constant.Type),
        TypedConstantKind.Array when !constant.IsNull => constant.Values.Select(FindUnnameable).FirstOrDefault(static t => t is not null)
            ?? (constant.Type is IArrayTypeSymbol array ? FindUnnameable(array.ElementType) : null),
        _ => null,
    };

    private static ITypeSymbol? FindUnnameable(ITypeSymbol type) => type switch
    {
        IArrayTypeSymbol array => FindUnnameable(array.ElementType),
        IPointerTypeSymbol pointer => FindUnnameable(pointer.PointedAtType),
        INamedTypeSymbol named when !HandlerParser.IsAccessible(named) => named,
        INamedTypeSymbol named => named.TypeArguments.Select(FindUnnameable).FirstOrDefault(static t => t is not null),
        _ => null,
    };

    internal static bool HasErrorArgument(AttributeData attribute) =>
        attribute.ConstructorArguments.Concat(attribute.NamedArguments.Select(static a => a.Value)).Any(IsError);

    private static bool IsError(TypedConstant constant) =>
        constant.Kind == TypedConstantKind.Error || constant.Kind == TypedConstantKind.Array && !constant.IsNull && constant.Values.Any(IsError);

    // new global::Ns.NameAttribute(arg, ...) { Property = value, ... }
    internal static string Write(AttributeData attribute, INamedTypeSymbol type)
    {
        var text = new StringBuilder("new ").Append(type.ToDisplayString(TypeFormat)).Append('(');
        for (int i = 0; i < attribute.ConstructorArguments.Length; i++)
        {
            WriteConstant(attribute.ConstructorArguments[i], text.Append(i == 0 ? "" : ", "));
        }

        text.Append(')');
        if (attribute.NamedArguments.Length > 0)
        {
            text.Append(" { ");
            for (int i = 0; i < attribute.NamedArguments.Length; i++)
            {
                var (name, value) = (attribute.NamedArguments[i].Key, attribute.NamedArguments[i].Value);
                text.Append(i == 0 ? "" : ", ").Append(SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name).Append(" = ");
                WriteConstant(value, text);
            }

            text.Append(" }");
        }

        return text.ToString();
    }

    private static void WriteConstant(TypedConstant constant, StringBuilder text)
    {
        switch (constant.Kind)
        {
            case TypedConstantKind.Type when constant.Value is ITypeSymbol typeValue:
                text.Append("typeof(").Append(typeValue.ToDisplayString(TypeFormat)).Append(')');
                return;
            case TypedConstantKind.Array when constant.IsNull:
                text.Append("null!");
                return;
            case TypedConstantKind.Array when constant.Type is IArrayTypeSymbol arrayType:
                text.Append("new ").Append(arrayType.ElementType.ToDisplayString(TypeFormat)).Append("[] { ");
                for (int i = 0; i < constant.Values.Length; i++)
                {
                    WriteConstant(constant.Values[i], text.Append(i == 0 ? "" : ", "));
                }

                text.Append(" }");
                return;
            case not TypedConstantKind.Array when constant.Value is null && constant.Type is not { IsValueType: true }:
                // A null of type object, string or Type. The generated file is #nullable enable, and metadata does not say
                // whether the parameter (or an array's element, as in params object?[]) is annotated: '!' keeps the
                // null the user wrote from warning (CS8625).
                text.Append("null!");
                return;
            default:
                // A primitive, or an enum value.
                text.Append(constant.Type is null ? "null!" : CSharpConstants.Format(constant.Value, constant.Type));
                return;
        }
    }
}
