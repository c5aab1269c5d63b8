using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;

namespace Velithon.CodeFixes;

/// <summary>
/// Writes a type's name the way the user would, <c>Task</c> or <c>[FromQuery]</c>, adding the <c>using</c> the file
/// lacks. Roslyn's import adder is not public in the form code actions would need (symbol annotations), so the
/// rule is written out here: the short name when nothing else of that name is in scope, else the full name.
/// </summary>
internal static class TypeNames
{
    /// <summary>
    /// The name to write for <paramref name="type"/> at <paramref name="position"/>, and the namespace to import
    /// (null when none is needed). <paramref name="shortName"/> is the name to write when it binds (<c>FromQuery</c>
    /// for <c>FromQueryAttribute</c> in an attribute).
    /// </summary>
    public static (NameSyntax Name, string? Import) Write(SemanticModel model, int position, INamedTypeSymbol type, string shortName)
    {
        // Everything the short name could bind to there: for an attribute, [FromQuery] binds FromQuery as well as
        // FromQueryAttribute (CS1614 when both exist).
        var visible = model.LookupNamespacesAndTypes(position, name: type.Name);
        if (shortName != type.Name)
        {
            visible = visible.AddRange(model.LookupNamespacesAndTypes(position, name: shortName));
        }

        if (visible.Length > 0 && visible.All(s => SymbolEqualityComparer.Default.Equals(s, type)))
        {
            return (SyntaxFactory.IdentifierName(shortName), null);
        }

        if (visible.Length > 0 || type.ContainingType is not null || type.ContainingNamespace is not { IsGlobalNamespace: false } ns)
        {
            // Another type of that name is in scope, or the type is nested: a using would not make the short name
            // mean this type, so write it in full (reduced by the simplifier where an alias or a parent namespace allows).
            var full = SyntaxFactory.ParseName("global::" + type.ContainingSymbol.ToDisplayString() + "." + shortName);
            return (full.WithAdditionalAnnotations(Simplifier.Annotation), null);
        }

        return (SyntaxFactory.IdentifierName(shortName), ns.ToDisplayString());
    }

    /// <summary>
    /// <paramref name="root"/> with <c>using <paramref name="import"/>;</c> among its usings, in order (System
    /// first, then by name) when they are ordered, else last; at the top before the first member when it has none.
    /// </summary>
    public static CompilationUnitSyntax AddUsing(CompilationUnitSyntax root, string? import)
    {
        if (import is null || root.Usings.Any(u => u.Alias is null && u.StaticKeyword.IsKind(SyntaxKind.None) && u.Name?.ToString() == import))
        {
            return root;
        }

        var directive = SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(import))
            .WithUsingKeyword(SyntaxFactory.Token(SyntaxKind.UsingKeyword).WithTrailingTrivia(SyntaxFactory.Space))
            .WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed);
        var usings = root.Usings;
        if (usings.Count == 0)
        {
            // using X; then a blank line, above what the file starts with (its header comment stays first).
            var first = root.GetFirstToken(includeZeroWidth: true);
            var lineEnding = EndOfLine(root);
            directive = directive.WithLeadingTrivia(first.LeadingTrivia).WithTrailingTrivia(lineEnding, lineEnding);
            root = root.ReplaceToken(first, first.WithLeadingTrivia());
            return root.WithUsings(root.Usings.Add(directive));
        }

        directive = directive.WithTrailingTrivia(usings[usings.Count - 1].GetTrailingTrivia());
        int index = usings.Count;
        for (int i = 0; i < usings.Count; i++)
        {
            var existing = usings[i];
            if (existing.GlobalKeyword.IsKind(SyntaxKind.None) && existing.Alias is null && existing.StaticKeyword.IsKind(SyntaxKind.None)
                && existing.Name is { } name && Compare(import, name.ToString()) < 0)
            {
                index = i;
                break;
            }
        }

        if (index == 0)
        {
            // The first using carries the file's header: the new first one takes it over.
            directive = directive.WithLeadingTrivia(usings[0].GetLeadingTrivia());
            usings = usings.Replace(usings[0], usings[0].WithLeadingTrivia());
        }

        return root.WithUsings(usings.Insert(index, directive));
    }

    /// <summary>System and System.* first, then ordinal by name: the .NET default (dotnet_sort_system_directives_first).</summary>
    private static int Compare(string left, string right)
    {
        bool leftSystem = left == "System" || left.StartsWith("System.", StringComparison.Ordinal);
        bool rightSystem = right == "System" || right.StartsWith("System.", StringComparison.Ordinal);
        return leftSystem != rightSystem ? (leftSystem ? -1 : 1) : string.Compare(left, right, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The line ending <paramref name="root"/> uses, CRLF when it has none.</summary>
    public static SyntaxTrivia EndOfLine(SyntaxNode root) =>
        root.DescendantTrivia().FirstOrDefault(static t => t.IsKind(SyntaxKind.EndOfLineTrivia)) is { RawKind: not 0 } found
            ? found
            : SyntaxFactory.CarriageReturnLineFeed;
}
