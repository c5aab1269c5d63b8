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
/// Fixes VLT0011 when a handler has no <c>WebSocket</c> parameter by adding <c>WebSocket ws</c> first (or
/// <c>webSocket</c>, <c>socket</c> when <c>ws</c> is taken). A handler with two or more gets no fix: which one
/// to keep is the user's choice.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddWebSocketParameterCodeFixProvider))]
[Shared]
public sealed class AddWebSocketParameterCodeFixProvider : CodeFixProvider
{
    private static readonly string[] Names = ["ws", "webSocket", "socket"];

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.HandlerMissingWebSocketParameter);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        var webSocket = model?.Compilation.GetTypeByMetadataName("Velithon.WebSocket");
        if (root is null || model is null || webSocket is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<MethodDeclarationSyntax>() is not { } method
                || model.GetDeclaredSymbol(method, context.CancellationToken) is not { } symbol
                || symbol.Parameters.Any(p => SymbolEqualityComparer.Default.Equals(p.Type, webSocket))
                || Names.FirstOrDefault(name => !LocalNames.IsTaken(method, name)) is not { } name)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Add the parameter 'WebSocket {name}'",
                    cancellationToken => AddAsync(context.Document, (CompilationUnitSyntax)root, model, method, webSocket, name, cancellationToken),
                    equivalenceKey: "AddWebSocketParameter"),
                diagnostic);
        }
    }

    private static Task<Document> AddAsync(
        Document document,
        CompilationUnitSyntax root,
        SemanticModel model,
        MethodDeclarationSyntax method,
        INamedTypeSymbol webSocket,
        string name,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var (type, import) = TypeNames.Write(model, method.SpanStart, webSocket, "WebSocket");
        var parameter = SyntaxFactory.Parameter(SyntaxFactory.Identifier(name)).WithType(type.WithTrailingTrivia(SyntaxFactory.Space));
        var updated = method.WithParameterList(ParameterLists.Insert(method.ParameterList, 0, parameter));
        return Task.FromResult(document.WithSyntaxRoot(TypeNames.AddUsing(root.ReplaceNode(method, updated), import)));
    }
}
