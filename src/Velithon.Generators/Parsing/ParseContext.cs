using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Velithon.Generators.Parsing;

/// <summary>
/// Collects diagnostics when asked to, and remembers whether any error was found. Only errors keep a handler out
/// of the route table: a warning comes from a rule that guesses, and a guess never stops generation.
/// </summary>
internal sealed class ParseContext(ISymbol target, AttributeData attribute, List<Diagnostic>? diagnostics, CancellationToken cancellationToken)
{
    public CancellationToken CancellationToken => cancellationToken;

    public bool HasErrors { get; private set; }

    /// <summary>The template as written in the attribute, or null when it is not a constant string.</summary>
    public string? Template => attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as string : null;

    /// <summary>A diagnostic at <paramref name="location"/> that also points at <paramref name="additionalLocations"/>.</summary>
    public void Report(DiagnosticDescriptor descriptor, Location? location, IEnumerable<Location?> additionalLocations, params object[] arguments)
    {
        HasErrors |= descriptor.DefaultSeverity == DiagnosticSeverity.Error;
        diagnostics?.Add(Diagnostic.Create(
            descriptor,
            location ?? target.Locations.FirstOrDefault(),
            additionalLocations.Where(static l => l is not null).Select(static l => l!),
            Intern(arguments)));
    }

    public void Report(DiagnosticDescriptor descriptor, Location? location, params object[] arguments)
    {
        HasErrors |= descriptor.DefaultSeverity == DiagnosticSeverity.Error;
        diagnostics?.Add(Diagnostic.Create(descriptor, location ?? target.Locations.FirstOrDefault(), Intern(arguments)));
    }

    /// <summary>A diagnostic carrying <paramref name="properties"/> for its code fix (see DiagnosticProperties).</summary>
    public void ReportWithProperties(DiagnosticDescriptor descriptor, Location? location, ImmutableDictionary<string, string?> properties, params object[] arguments)
    {
        HasErrors |= descriptor.DefaultSeverity == DiagnosticSeverity.Error;
        diagnostics?.Add(Diagnostic.Create(descriptor, location ?? target.Locations.FirstOrDefault(), properties, Intern(arguments)));
    }

    /// <summary>Marks the declaration as not served, for an error another declaration reports (its contract's).</summary>
    public void Fail() => HasErrors = true;

    /// <summary>
    /// The generator and the analyzer both report a handler's diagnostics (see VelithonGenerator). The compiler
    /// keeps one of two equal diagnostics, and a diagnostic compares its arguments by reference: interned
    /// strings make the two reports of one mistake equal, so a build shows it once.
    /// </summary>
    internal static object[] Intern(object[] arguments)
    {
        var interned = new object[arguments.Length];
        for (int i = 0; i < arguments.Length; i++)
        {
            interned[i] = arguments[i] is string text ? string.Intern(text) : arguments[i];
        }

        return interned;
    }

    /// <summary>
    /// The location of characters <paramref name="offset"/> to <paramref name="offset"/> + <paramref name="length"/>
    /// of the template, inside its string literal when the literal has no escapes; else the whole argument.
    /// </summary>
    public Location? TemplateLocation(int offset, int length)
    {
        if (diagnostics is null)
        {
            return null;
        }

        if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax syntax
            || syntax.ArgumentList is not { Arguments.Count: > 0 } arguments)
        {
            return target.Locations.FirstOrDefault();
        }

        var expression = arguments.Arguments[0].Expression;
        if (expression is LiteralExpressionSyntax literal
            && literal.Token.IsKind(SyntaxKind.StringLiteralToken)
            && literal.Token.Text.Length == literal.Token.ValueText.Length + 2
            && literal.Token.Text[0] == '"'
            && length > 0)
        {
            return Location.Create(syntax.SyntaxTree, new TextSpan(literal.Token.SpanStart + 1 + offset, length));
        }

        return expression.GetLocation();
    }
}
