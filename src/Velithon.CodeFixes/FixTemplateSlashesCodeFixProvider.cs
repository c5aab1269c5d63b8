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
/// Fixes VLT0001 when only the template's slashes are wrong (no leading <c>/</c>, an empty segment <c>//</c>, a
/// trailing <c>/</c>) by writing the template the diagnostic's <c>FixedTemplate</c> property holds: the parser's own
/// repair, offered only when the result parses. Only for a template written as one string literal; the other
/// template mistakes (a bad character, an unknown converter, a repeated parameter) have no single right answer.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(FixTemplateSlashesCodeFixProvider))]
[Shared]
public sealed class FixTemplateSlashesCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.InvalidRouteTemplate);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.FixedTemplate, out var template) || template is null
                || root?.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<AttributeArgumentSyntax>() is not { Expression: LiteralExpressionSyntax literal }
                || !literal.IsKind(SyntaxKind.StringLiteralExpression))
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Use the template '{template}'",
                    _ =>
                    {
                        var replacement = SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(template)).WithTriviaFrom(literal);
                        return Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(literal, replacement)));
                    },
                    equivalenceKey: "FixTemplateSlashes"),
                diagnostic);
        }
    }
}
