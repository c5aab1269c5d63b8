using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Velithon.Generators.Parsing;

/// <summary>Collects diagnostics when asked to, and remembers whether any error was found.</summary>
internal sealed class ParseContext(ISymbol target, AttributeData attribute, List<Diagnostic>? diagnostics, CancellationToken cancellationToken)
{
    public CancellationToken CancellationToken => cancellationToken;

    public bool HasErrors { get; private set; }

    public void Report(DiagnosticDescriptor descriptor, Location? location, params object[] arguments)
    {
        HasErrors = true;
        diagnostics?.Add(Diagnostic.Create(descriptor, location ?? target.Locations.FirstOrDefault(), arguments));
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
