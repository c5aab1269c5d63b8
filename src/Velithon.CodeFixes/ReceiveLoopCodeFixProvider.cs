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
/// Fixes VLT0035 for its simple shape,
/// <c>while (true) { var m = await ws.ReceiveTextAsync(args); rest }</c> (or <c>for (;;)</c>), by writing
/// <c>await foreach (var m in ws.ReceiveTextMessagesAsync(args)) { rest }</c>, which ends quietly when the client
/// closes. <c>break</c> and <c>continue</c> mean the same in both loops. Not offered when <c>rest</c> assigns
/// <c>m</c> (a foreach variable is read-only) or when the receive is written another way.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ReceiveLoopCodeFixProvider))]
[Shared]
public sealed class ReceiveLoopCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.ReceiveLoopWithoutDisconnect);

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
            var loop = root.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.FirstAncestorOrSelf<StatementSyntax>();
            if (SimpleShape.Match(loop, model, context.CancellationToken) is not { } shape)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Use 'await foreach (var {shape.Variable.Identifier.ValueText} in {shape.Socket}.ReceiveTextMessagesAsync())'",
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(loop!, shape.Rewrite()))),
                    equivalenceKey: "UseReceiveTextMessages"),
                diagnostic);
        }
    }

    private sealed class SimpleShape(StatementSyntax loop, BlockSyntax body, LocalDeclarationStatementSyntax declaration, ExpressionSyntax socket, ArgumentListSyntax arguments, SyntaxToken closeParen)
    {
        public VariableDeclaratorSyntax Variable => declaration.Declaration.Variables[0];

        public ExpressionSyntax Socket => socket;

        public static SimpleShape? Match(StatementSyntax? loop, SemanticModel model, CancellationToken cancellationToken)
        {
            (StatementSyntax? statement, SyntaxToken closeParen) = loop switch
            {
                WhileStatementSyntax w => (w.Statement, w.CloseParenToken),
                ForStatementSyntax { Declaration: null, Initializers.Count: 0, Condition: null, Incrementors.Count: 0 } f => (f.Statement, f.CloseParenToken),
                _ => (null, default),
            };
            if (statement is not BlockSyntax { Statements.Count: > 0 } body
                || body.Statements[0] is not LocalDeclarationStatementSyntax { Declaration.Variables.Count: 1, AwaitKeyword.RawKind: 0, UsingKeyword.RawKind: 0 } declaration
                || declaration.Modifiers.Count != 0
                || declaration.Declaration.Variables[0].Initializer?.Value is not AwaitExpressionSyntax
                {
                    Expression: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ReceiveTextAsync" } access } invocation,
                }
                || model.GetSymbolInfo(invocation, cancellationToken).Symbol is not IMethodSymbol { ContainingType: { } type }
                || !IsVelithonWebSocket(type))
            {
                return null;
            }

            // A foreach variable is read-only: the rest of the body must not assign the message.
            var local = model.GetDeclaredSymbol(declaration.Declaration.Variables[0], cancellationToken);
            if (local is null)
            {
                return null;
            }

            if (body.Statements.Count > 1)
            {
                var flow = model.AnalyzeDataFlow(body.Statements[1], body.Statements[body.Statements.Count - 1]);
                if (flow is null || !flow.Succeeded || flow.WrittenInside.Contains(local, SymbolEqualityComparer.Default))
                {
                    return null;
                }
            }

            return new SimpleShape(loop!, body, declaration, access.Expression, invocation.ArgumentList, closeParen);
        }

        public ForEachStatementSyntax Rewrite()
        {
            // await foreach (var message in ws.ReceiveTextMessagesAsync(args)), over the rest of the old body.
            var header = (ForEachStatementSyntax)SyntaxFactory.ParseStatement(
                $"await foreach ({declaration.Declaration.Type.WithoutTrivia()} {Variable.Identifier.ValueText} in {socket.WithoutTrivia()}.ReceiveTextMessagesAsync{arguments.WithoutTrivia()}) {{ }}");
            return header
                .WithCloseParenToken(header.CloseParenToken.WithTrailingTrivia(closeParen.TrailingTrivia))
                .WithStatement(body.WithStatements(body.Statements.RemoveAt(0)))
                .WithLeadingTrivia(loop.GetLeadingTrivia())
                .WithTrailingTrivia(loop.GetTrailingTrivia());
        }

        private static bool IsVelithonWebSocket(INamedTypeSymbol? type)
        {
            for (var current = type; current is not null; current = current.BaseType)
            {
                if (current.Name == "WebSocket" && current.ContainingNamespace?.ToDisplayString() == "Velithon")
                {
                    return true;
                }
            }

            return false;
        }
    }
}
