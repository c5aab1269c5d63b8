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
using Microsoft.CodeAnalysis.Formatting;
using Velithon.Generators.Diagnostics;

namespace Velithon.CodeFixes;

/// <summary>
/// Fixes VLT0010 for a handler that returns <c>void</c>: <c>async void</c> becomes <c>async Task</c>; a method that is
/// not async returns <c>Task</c>, each <c>return;</c> of its own becomes <c>return Task.CompletedTask;</c>, and so does
/// its end when reachable (an expression body becomes a block for it; a <c>throw</c> expression body stays). Making it
/// <c>async</c> instead would warn CS1998 (no await). Other return types get no fix: a <c>Task&lt;T&gt;</c>,
/// <c>ValueTask&lt;T&gt;</c> or plain value is a result the runtime would drop, and removing it means rewriting each
/// <c>return</c>, which is the user's decision.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ReturnTaskCodeFixProvider))]
[Shared]
public sealed class ReturnTaskCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.HandlerMustReturnTask);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        var task = model?.Compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        if (root is null || model is null || task is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<MethodDeclarationSyntax>() is not
                {
                    ReturnType: PredefinedTypeSyntax { Keyword.RawKind: (int)SyntaxKind.VoidKeyword },
                } method
                || method.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                // A partial method's other part would disagree on the return type.
                continue;
            }

            bool isAsync = method.Modifiers.Any(SyntaxKind.AsyncKeyword);
            context.RegisterCodeFix(
                CodeAction.Create(
                    isAsync ? "Return 'async Task'" : "Return 'Task'",
                    cancellationToken => ReturnTaskAsync(context.Document, (CompilationUnitSyntax)root, model, method, task, cancellationToken),
                    equivalenceKey: "ReturnTask"),
                diagnostic);
        }
    }

    private static Task<Document> ReturnTaskAsync(
        Document document,
        CompilationUnitSyntax root,
        SemanticModel model,
        MethodDeclarationSyntax method,
        INamedTypeSymbol task,
        CancellationToken cancellationToken)
    {
        var (name, import) = TypeNames.Write(model, method.SpanStart, task, "Task");
        var updated = method;
        if (!method.Modifiers.Any(SyntaxKind.AsyncKeyword))
        {
            var completed = SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, name, SyntaxFactory.IdentifierName("CompletedTask"));
            updated = ReturnCompletedTask(method, model, completed, cancellationToken);
        }

        updated = updated.WithReturnType(name.WithTriviaFrom(method.ReturnType));
        return Task.FromResult(document.WithSyntaxRoot(TypeNames.AddUsing(root.ReplaceNode(method, updated), import)));
    }

    /// <summary>The method with its own <c>return;</c> and its reachable end returning <paramref name="completed"/>.</summary>
    private static MethodDeclarationSyntax ReturnCompletedTask(MethodDeclarationSyntax method, SemanticModel model, ExpressionSyntax completed, CancellationToken cancellationToken)
    {
        var returnCompleted = SyntaxFactory.ReturnStatement(completed.WithLeadingTrivia(SyntaxFactory.Space));
        if (method.ExpressionBody is { } arrow)
        {
            if (arrow.Expression is ThrowExpressionSyntax)
            {
                return method;
            }

            // M() => Work();  ->  M() { Work(); return Task.CompletedTask; }, laid out by the formatter.
            var body = SyntaxFactory.Block(SyntaxFactory.ExpressionStatement(arrow.Expression.WithoutTrivia()), returnCompleted)
                .WithTrailingTrivia(method.SemicolonToken.TrailingTrivia)
                .WithAdditionalAnnotations(Formatter.Annotation);
            return method
                .WithParameterList(method.ParameterList.WithTrailingTrivia())
                .WithExpressionBody(null)
                .WithSemicolonToken(default)
                .WithBody(body);
        }

        if (method.Body is not { } block)
        {
            return method;
        }

        // Only the method's own returns: a lambda's or local function's return belongs to that function.
        var returns = block.DescendantNodes(static n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
            .OfType<ReturnStatementSyntax>()
            .Where(static r => r.Expression is null)
            .ToList();
        bool endReachable = block.Statements.Count == 0
            || model.AnalyzeControlFlow(block.Statements[0], block.Statements[block.Statements.Count - 1]) is { Succeeded: true, EndPointIsReachable: true };
        var rewritten = block.ReplaceNodes(returns, (_, r) => r.WithExpression(completed.WithLeadingTrivia(SyntaxFactory.Space)));
        if (endReachable)
        {
            rewritten = rewritten.AddStatements(returnCompleted.WithAdditionalAnnotations(Formatter.Annotation));
        }

        return method.WithBody(rewritten);
    }
}
