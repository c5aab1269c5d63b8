using System.Collections.Immutable;
using System.Composition;
using System.Linq;
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
/// Fixes VLT0036 (a blocking wait in per-connection code) by awaiting the task: <c>task.Result</c> and
/// <c>task.GetAwaiter().GetResult()</c> become <c>await task</c> (parenthesized where the expression goes on),
/// <c>task.Wait();</c> becomes <c>await task;</c>. Only offered inside an <c>async</c> method, local function or
/// lambda, and not where C# forbids <c>await</c> (a <c>lock</c> body, CS1996; a catch filter, CS7094; an unsafe
/// context, CS4004; a query clause). Not offered for <c>Wait</c> with a timeout or token (its result or
/// cancellation means something else) nor for <c>Task.WaitAll</c>/<c>WaitAny</c> (their await forms,
/// <c>Task.WhenAll</c>/<c>WhenAny</c>, return different things): those are the user's rewrite.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AwaitInsteadOfBlockingCodeFixProvider))]
[Shared]
public sealed class AwaitInsteadOfBlockingCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.BlockingWaitInHandler);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (Awaited(node) is not { } task || !CanAwaitAt(node))
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Await '{task.WithoutTrivia()}'",
                    _ =>
                    {
                        // (await task), its parentheses removed by the simplifier where the context allows.
                        ExpressionSyntax awaited = SyntaxFactory.AwaitExpression(task.WithoutTrivia());
                        if (node.Parent is not ExpressionStatementSyntax)
                        {
                            awaited = SyntaxFactory.ParenthesizedExpression(awaited).WithAdditionalAnnotations(Simplifier.Annotation);
                        }

                        return Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(node, awaited.WithTriviaFrom(node))));
                    },
                    equivalenceKey: "AwaitTask"),
                diagnostic);
        }
    }

    /// <summary>The task that <paramref name="node"/> blocks on: the <c>t</c> of <c>t.Result</c>, <c>t.Wait()</c>, <c>t.GetAwaiter().GetResult()</c>.</summary>
    private static ExpressionSyntax? Awaited(SyntaxNode node) => node switch
    {
        MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Result" } result => result.Expression,
        InvocationExpressionSyntax
        {
            ArgumentList.Arguments.Count: 0,
            Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Wait" } wait,
            Parent: ExpressionStatementSyntax,
        } => wait.Expression,
        InvocationExpressionSyntax
        {
            ArgumentList.Arguments.Count: 0,
            Expression: MemberAccessExpressionSyntax
            {
                Name.Identifier.ValueText: "GetResult",
                Expression: InvocationExpressionSyntax
                {
                    ArgumentList.Arguments.Count: 0,
                    Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "GetAwaiter" } getAwaiter,
                },
            },
        } => getAwaiter.Expression,
        _ => null,
    };

    /// <summary>True when the function around <paramref name="node"/> is async and nothing between forbids await.</summary>
    private static bool CanAwaitAt(SyntaxNode node)
    {
        foreach (var ancestor in node.Ancestors())
        {
            switch (ancestor)
            {
                case LockStatementSyntax or CatchFilterClauseSyntax or QueryExpressionSyntax or UnsafeStatementSyntax:
                    return false;
                case AnonymousFunctionExpressionSyntax lambda:
                    return lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword) && !IsUnsafe(lambda);
                case LocalFunctionStatementSyntax local:
                    return local.Modifiers.Any(SyntaxKind.AsyncKeyword) && !local.Modifiers.Any(SyntaxKind.UnsafeKeyword) && !IsUnsafe(local);
                case BaseMethodDeclarationSyntax method:
                    return method.Modifiers.Any(SyntaxKind.AsyncKeyword) && !IsUnsafe(method);
                case AccessorDeclarationSyntax or PropertyDeclarationSyntax or FieldDeclarationSyntax:
                    return false;
            }
        }

        return false;
    }

    /// <summary>True inside an <c>unsafe</c> member or type, where C# forbids await (CS4004).</summary>
    private static bool IsUnsafe(SyntaxNode node) =>
        node.AncestorsAndSelf().OfType<MemberDeclarationSyntax>().Any(static m => m.Modifiers.Any(SyntaxKind.UnsafeKeyword));
}
