using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Velithon.Generators.Diagnostics;

namespace Velithon.CodeFixes;

/// <summary>
/// Fixes VLT0022 when the key read from <c>ws.PathParameters</c> is taken for a typo of a route parameter (the
/// message asks "did you mean 'room_id'?"): the key becomes that name. Only for a string literal key: a
/// <c>const</c> may be used elsewhere, and <c>nameof</c> names a symbol, so those are the user's to change. A
/// key that resembles no parameter gets no fix: which parameter, or which new segment, is meant is a guess.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ReadMeantKeyCodeFixProvider))]
[Shared]
public sealed class ReadMeantKeyCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.PathParameterNotInTemplate);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.MeantKey, out var meant) || meant is null
                || root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not LiteralExpressionSyntax key
                || !key.IsKind(SyntaxKind.StringLiteralExpression))
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Read '{meant}'",
                    _ =>
                    {
                        var replacement = SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(meant)).WithTriviaFrom(key);
                        return Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(key, replacement)));
                    },
                    equivalenceKey: "ReadMeantKey"),
                diagnostic);
        }
    }
}
