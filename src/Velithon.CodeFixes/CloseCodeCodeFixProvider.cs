using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;
using Velithon.Generators.Diagnostics;

namespace Velithon.CodeFixes;

/// <summary>
/// Fixes VLT0032 (a close code a server may not send) by writing the <c>WebSocketCloseCode</c> constant the
/// analyzer names in the diagnostic's <c>Replacement</c> property: 1005 becomes <c>NormalClosure</c>, 1006 and
/// 1015 <c>InternalError</c>, any other <c>PolicyViolation</c> (the choice is the analyzer's, documented in
/// docs/diagnostics/VLT0032.md).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(CloseCodeCodeFixProvider))]
[Shared]
public sealed class CloseCodeCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.ForbiddenCloseCode);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.Replacement, out var name) || name is null
                || root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax code)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Close with WebSocketCloseCode.{name}",
                    _ =>
                    {
                        // global::Velithon.WebSocketCloseCode.InternalError, simplified to WebSocketCloseCode.InternalError under `using Velithon;`.
                        var replacement = SyntaxFactory.ParseExpression("global::Velithon.WebSocketCloseCode." + name)
                            .WithTriviaFrom(code)
                            .WithAdditionalAnnotations(Simplifier.Annotation);
                        return Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(code, replacement)));
                    },
                    equivalenceKey: "ReplaceCloseCode." + name),
                diagnostic);
        }
    }
}
