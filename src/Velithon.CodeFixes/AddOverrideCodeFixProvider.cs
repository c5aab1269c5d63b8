using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Velithon.Generators.Diagnostics;

namespace Velithon.CodeFixes;

/// <summary>
/// Fixes VLT0016 (a method named like a lifecycle method that overrides nothing) by declaring it <c>override</c>,
/// only where that compiles as it stands: a base class has an overridable method of that name with the same
/// parameter types and ref kinds, the same return type and the same accessibility. A <c>new</c> or
/// <c>virtual</c> modifier gives way to <c>override</c>. A look-alike with another signature
/// (<c>OnReceiveAsync(WebSocket ws, int data)</c>) or a Python name (<c>OnConnect</c>) gets no fix: changing the
/// parameters or the name changes what the method is, which is for the user to decide (docs/diagnostics/VLT0016.md).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddOverrideCodeFixProvider))]
[Shared]
public sealed class AddOverrideCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.LifecycleMethodNotOverride);

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
                || model.GetDeclaredSymbol(method, context.CancellationToken) is not { } symbol
                || Overridden(symbol) is not { } overridden)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Override '{overridden.ContainingType.Name}.{overridden.Name}'",
                    _ =>
                    {
                        var updated = ModifierLists.Remove(ModifierLists.Remove(method, SyntaxKind.NewKeyword), SyntaxKind.VirtualKeyword);
                        updated = ModifierLists.Add(updated, SyntaxKind.OverrideKeyword);
                        return Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(method, updated)));
                    },
                    equivalenceKey: "AddOverride"),
                diagnostic);
        }
    }

    /// <summary>The base method that <paramref name="method"/> overrides once declared <c>override</c>; null when it would not compile.</summary>
    private static IMethodSymbol? Overridden(IMethodSymbol method)
    {
        if (method.IsStatic || method.IsOverride || method.IsAbstract || method.IsGenericMethod || method.MethodKind != MethodKind.Ordinary)
        {
            return null;
        }

        for (var type = method.ContainingType.BaseType; type is not null; type = type.BaseType)
        {
            foreach (var candidate in type.GetMembers(method.Name).OfType<IMethodSymbol>())
            {
                if (Matches(candidate, method))
                {
                    return candidate.IsVirtual || candidate.IsAbstract || candidate.IsOverride && !candidate.IsSealed ? candidate : null;
                }
            }
        }

        return null;
    }

    // Same parameters, ref kinds and return type; the same accessibility (an override may not change it, CS0507).
    // A parameter may accept null where the base's does not, but not the reverse (warning CS8765).
    private static bool Matches(IMethodSymbol candidate, IMethodSymbol method) =>
        !candidate.IsStatic
        && !candidate.IsGenericMethod
        && candidate.Parameters.Length == method.Parameters.Length
        && candidate.Parameters.Zip(method.Parameters, static (b, d) => b.RefKind == d.RefKind
            && SymbolEqualityComparer.Default.Equals(b.Type, d.Type)
            && !(b.Type.NullableAnnotation == NullableAnnotation.Annotated && d.Type.NullableAnnotation == NullableAnnotation.NotAnnotated)).All(static same => same)
        && SymbolEqualityComparer.Default.Equals(candidate.ReturnType, method.ReturnType)
        && candidate.RefKind == method.RefKind
        && candidate.DeclaredAccessibility == method.DeclaredAccessibility;
}
