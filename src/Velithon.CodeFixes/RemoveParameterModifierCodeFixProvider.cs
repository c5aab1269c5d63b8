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
using Microsoft.CodeAnalysis.FindSymbols;
using Velithon.Generators.Diagnostics;

namespace Velithon.CodeFixes;

/// <summary>
/// Fixes VLT0012 for a <c>ref</c>, <c>out</c>, <c>in</c> or <c>ref readonly</c> parameter, which cannot be bound, by
/// removing the modifier: the body's reads and writes of the parameter stay valid. Not offered when code of the
/// solution calls the handler (its <c>ref</c>/<c>out</c> arguments would no longer compile), nor for <c>params</c>: the
/// array left behind cannot bind from text either (VLT0005). VLT0012's other cases (a body type, <c>[FromBody]</c>, a <c>[FromRoute]</c> name the template
/// lacks, a non-constant service key) need another source for the value, which is the user's choice.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveParameterModifierCodeFixProvider))]
[Shared]
public sealed class RemoveParameterModifierCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.UnsupportedParameter);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

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
            if (root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<ParameterSyntax>() is not { } parameter
                || model.GetDeclaredSymbol(parameter, context.CancellationToken) is not { } symbol
                || symbol.RefKind == RefKind.None
                || symbol.ContainingSymbol is not IMethodSymbol method
                || await IsCalledAsync(context.Document.Project.Solution, method, context.CancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            string written = string.Join(" ", parameter.Modifiers.Where(IsRemoved).Select(static m => m.Text));
            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Remove '{written}' from '{symbol.Name}'",
                    _ =>
                    {
                        var kept = parameter.Modifiers.Where(static m => !IsRemoved(m)).ToList();
                        var leading = parameter.Modifiers.Count > 0 ? parameter.Modifiers[0].LeadingTrivia : default;
                        var updated = parameter.WithModifiers(SyntaxFactory.TokenList(kept));
                        if (kept.Count == 0 && updated.AttributeLists.Count == 0 && updated.Type is not null)
                        {
                            // "ref int x" -> "int x": the type takes over the removed modifier's leading trivia.
                            updated = updated.WithType(updated.Type.WithLeadingTrivia(leading));
                        }

                        return Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(parameter, updated)));
                    },
                    equivalenceKey: "RemoveParameterModifier"),
                diagnostic);
        }
    }

    private static bool IsRemoved(SyntaxToken modifier) =>
        modifier.Kind() is SyntaxKind.RefKeyword or SyntaxKind.OutKeyword or SyntaxKind.InKeyword or SyntaxKind.ReadOnlyKeyword or SyntaxKind.ScopedKeyword;

    private static async Task<bool> IsCalledAsync(Solution solution, IMethodSymbol method, CancellationToken cancellationToken)
    {
        foreach (var reference in await SymbolFinder.FindReferencesAsync(method, solution, cancellationToken).ConfigureAwait(false))
        {
            if (reference.Locations.Any())
            {
                return true;
            }
        }

        return false;
    }
}
