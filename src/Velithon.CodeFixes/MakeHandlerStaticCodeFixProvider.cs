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
using Microsoft.CodeAnalysis.Operations;
using Velithon.Generators.Diagnostics;

namespace Velithon.CodeFixes;

/// <summary>
/// Fixes VLT0007 (an instance <c>[WebSocket]</c> method) by making it <c>static</c>, where that compiles as it is: not
/// offered when the method uses the instance (<c>this</c>, <c>base</c>, an instance member by its bare name, in
/// lambdas and local functions too), is virtual, an override or partial, implements an interface member, or is
/// called on an instance anywhere in the solution. Those need the logic moved, which the message suggests: an
/// endpoint class, or services as parameters.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakeHandlerStaticCodeFixProvider))]
[Shared]
public sealed class MakeHandlerStaticCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.HandlerMustBeStatic);

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
            if (root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<MethodDeclarationSyntax>() is not { } method
                || model.GetDeclaredSymbol(method, context.CancellationToken) is not { IsStatic: false } symbol
                || !await CanBeStaticAsync(context.Document.Project.Solution, method, symbol, model, context.CancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Make '{symbol.Name}' static",
                    _ =>
                    {
                        // A static method cannot be readonly (a struct's readonly instance method): the modifier goes.
                        var updated = ModifierLists.Add(ModifierLists.Remove(method, SyntaxKind.ReadOnlyKeyword), SyntaxKind.StaticKeyword);
                        return Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(method, updated)));
                    },
                    equivalenceKey: "MakeStatic"),
                diagnostic);
        }
    }

    private static async Task<bool> CanBeStaticAsync(Solution solution, MethodDeclarationSyntax method, IMethodSymbol symbol, SemanticModel model, CancellationToken cancellationToken)
    {
        if (symbol.IsVirtual || symbol.IsOverride || symbol.IsAbstract || symbol.IsExtern || method.Modifiers.Any(SyntaxKind.PartialKeyword) || ImplementsInterface(symbol))
        {
            return false;
        }

        // this, base and bare instance members, anywhere in the body (lambdas and local functions included).
        var body = model.GetOperation(method, cancellationToken);
        if (body is null || body.Descendants().OfType<IInstanceReferenceOperation>().Any(static r => r.ReferenceKind == InstanceReferenceKind.ContainingTypeInstance))
        {
            return false;
        }

        // x.Handle(ws), x?.Handle(ws) and this.Handle would no longer compile (CS0176); Handle(ws) from another instance method would.
        foreach (var reference in await SymbolFinder.FindReferencesAsync(symbol, solution, cancellationToken).ConfigureAwait(false))
        {
            foreach (var location in reference.Locations)
            {
                var node = (await location.Location.SourceTree!.GetRootAsync(cancellationToken).ConfigureAwait(false)).FindNode(location.Location.SourceSpan, getInnermostNodeForTie: true);
                if (node.Parent is MemberBindingExpressionSyntax)
                {
                    return false;
                }

                if (node.Parent is MemberAccessExpressionSyntax access && access.Name == node)
                {
                    var referenceModel = await location.Document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
                    if (referenceModel?.GetSymbolInfo(access.Expression, cancellationToken).Symbol is not INamedTypeSymbol)
                    {
                        return false;
                    }
                }
            }
        }

        return true;
    }

    private static bool ImplementsInterface(IMethodSymbol method) =>
        method.ContainingType.AllInterfaces
            .SelectMany(static i => i.GetMembers())
            .Any(member => SymbolEqualityComparer.Default.Equals(method.ContainingType.FindImplementationForInterfaceMember(member), method));
}
