using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Velithon.Generators.Diagnostics;

namespace Velithon.CodeFixes;

/// <summary>
/// Fixes VLT0008 (a handler the route table cannot call) by making the handler, and each type around it that is
/// <c>private</c>, <c>protected</c> or <c>file</c>, <c>internal</c>: the least access the same assembly's route table
/// needs. Not offered when a declaration to change lives in another file (a partial type), or when a <c>file</c>
/// type would then clash with another type of its name in the namespace (CS0101).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakeHandlerAccessibleCodeFixProvider))]
[Shared]
public sealed class MakeHandlerAccessibleCodeFixProvider : CodeFixProvider
{
    private const string EquivalenceKey = "MakeInternal";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.HandlerNotAccessible);

    /// <summary>Fix all changes each declaration once, though two handlers of one private class both name it.</summary>
    public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(
        static async (context, document, diagnostics) => await MakeInternalAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            var symbols = Inaccessible(root, model, diagnostic, context.CancellationToken);
            if (symbols.Count == 0 || Declarations(symbols, root, context.CancellationToken) is null)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Make {string.Join(" and ", symbols.Select(static s => $"'{s.Name}'"))} internal",
                    cancellationToken => MakeInternalAsync(context.Document, [diagnostic], cancellationToken),
                    equivalenceKey: EquivalenceKey),
                diagnostic);
        }
    }

    private static async Task<Document> MakeInternalAsync(Document document, IEnumerable<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return document;
        }

        var declarations = new HashSet<MemberDeclarationSyntax>();
        foreach (var diagnostic in diagnostics)
        {
            declarations.UnionWith(Declarations(Inaccessible(root, model, diagnostic, cancellationToken), root, cancellationToken) ?? []);
        }

        return document.WithSyntaxRoot(root.ReplaceNodes(declarations, static (_, rewritten) => ModifierLists.SetAccessibility(rewritten, SyntaxKind.InternalKeyword)));
    }

    /// <summary>The handler and its containing types that the route table cannot reach, innermost first.</summary>
    private static List<ISymbol> Inaccessible(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var declaration = root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<MemberDeclarationSyntax>();
        var symbol = declaration is null ? null : model.GetDeclaredSymbol(declaration, cancellationToken);
        var found = new List<ISymbol>();
        for (var current = symbol; current is IMethodSymbol or INamedTypeSymbol; current = current.ContainingType)
        {
            bool isFile = current is INamedTypeSymbol { IsFileLocal: true };
            if (isFile && current.ContainingNamespace.GetTypeMembers().Count(t => t.Name == current.Name && t.Arity == ((INamedTypeSymbol)current).Arity) > 1)
            {
                return [];
            }

            if (isFile || current.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal))
            {
                found.Add(current);
            }
        }

        return found;
    }

    /// <summary>
    /// The declarations whose modifiers change: of a partial type, the parts that state an accessibility (C# requires
    /// them to agree), or the first part when none does. Null when one of them is in another file.
    /// </summary>
    private static List<MemberDeclarationSyntax>? Declarations(List<ISymbol> symbols, SyntaxNode root, CancellationToken cancellationToken)
    {
        var declarations = new List<MemberDeclarationSyntax>();
        foreach (var symbol in symbols)
        {
            var parts = symbol.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<MemberDeclarationSyntax>().ToList();
            var stated = parts.Where(static p => p.Modifiers.Any(static m => m.Kind() is SyntaxKind.PublicKeyword or SyntaxKind.PrivateKeyword
                or SyntaxKind.ProtectedKeyword or SyntaxKind.InternalKeyword or SyntaxKind.FileKeyword)).ToList();
            var changed = stated.Count > 0 ? stated : parts.Take(1).ToList();
            if (changed.Count == 0 || changed.Any(d => d.SyntaxTree != root.SyntaxTree))
            {
                return null;
            }

            declarations.AddRange(changed);
        }

        return declarations;
    }
}
