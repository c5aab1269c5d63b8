using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Velithon.Generators.Diagnostics;
using Velithon.Generators.Model;

namespace Velithon.Generators.Parsing;

/// <summary>
/// The one entry point of the generator and the analyzer for a declaration carrying <c>[WebSocket]</c>.
/// <c>AttributeTargets.Method | AttributeTargets.Class</c> lets the attribute sit on more than the two
/// handler shapes (a static method of a type, an endpoint class): local functions (top-level statements
/// make them easy to write by mistake), lambdas, property and event accessors, operators, finalizers,
/// explicit interface implementations, abstract methods and static virtual interface methods. The route table cannot call those, so each
/// gets VLT0024 at the attribute rather than being left out in silence.
/// </summary>
internal static class DeclarationParser
{
    /// <summary>Parses <paramref name="target"/>; returns <see langword="null"/> when it has any error.</summary>
    public static HandlerSpec? Parse(
        ISymbol target,
        AttributeData attribute,
        KnownTypes knownTypes,
        List<Diagnostic>? diagnostics,
        CancellationToken cancellationToken)
    {
        switch (target)
        {
            case INamedTypeSymbol type:
                return EndpointClassParser.Parse(type, attribute, knownTypes, diagnostics, cancellationToken);
            case IMethodSymbol method when DescribeUnsupported(method) is { } description:
                diagnostics?.Add(Diagnostic.Create(
                    VelithonDiagnostics.UnsupportedHandlerDeclaration,
                    attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? method.Locations.FirstOrDefault(),
                    ParseContext.Intern([description])));
                return null;
            case IMethodSymbol method:
                return HandlerParser.Parse(method, attribute, knownTypes, diagnostics, cancellationToken);
            default:
                return null;
        }
    }

    /// <summary>True for the syntax that can carry a method- or class-targeted attribute.</summary>
    public static bool IsCandidate(SyntaxNode node) =>
        node is BaseMethodDeclarationSyntax or TypeDeclarationSyntax or LocalFunctionStatementSyntax
            or AccessorDeclarationSyntax or AnonymousFunctionExpressionSyntax;

    /// <summary>What the method is, for VLT0024, when the route table cannot call it; null when it is a method it can.</summary>
    internal static string? DescribeUnsupported(IMethodSymbol method) => method.MethodKind switch
    {
        MethodKind.LocalFunction => $"the local function '{method.Name}'",
        MethodKind.AnonymousFunction => "a lambda",
        MethodKind.PropertyGet or MethodKind.PropertySet => $"the property accessor '{method.Name}'",
        MethodKind.EventAdd or MethodKind.EventRemove or MethodKind.EventRaise => $"the event accessor '{method.Name}'",
        MethodKind.UserDefinedOperator or MethodKind.Conversion => $"the operator '{method.Name}'",
        MethodKind.Destructor => "a finalizer",
        MethodKind.ExplicitInterfaceImplementation => $"the explicit interface implementation '{method.Name}'",
        MethodKind.Ordinary when method.IsAbstract => $"the abstract method '{method.Name}'",

        // C# reaches a static virtual interface member only through a type parameter (CS8926).
        MethodKind.Ordinary when method.IsStatic && method.IsVirtual => $"the static virtual method '{method.Name}'",
        MethodKind.Ordinary => null,
        _ => $"the method '{method.Name}'",
    };
}
