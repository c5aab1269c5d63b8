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
/// Fixes VLT0015 (an endpoint class without the one constructor the route table calls). With several public or
/// internal constructors and none marked, one action per written constructor marks it
/// <c>[ActivatorUtilitiesConstructor]</c>; with none visible and one written, an action makes it <c>internal</c>.
/// Several marked get no fix (which mark to keep is the user's call), and there is no fix-all: which constructor
/// to choose differs per class.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UsableConstructorCodeFixProvider))]
[Shared]
public sealed class UsableConstructorCodeFixProvider : CodeFixProvider
{
    private const string MarkerName = "Microsoft.Extensions.DependencyInjection.ActivatorUtilitiesConstructorAttribute";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.EndpointConstructorNotUsable);

    /// <inheritdoc />
    public override FixAllProvider? GetFixAllProvider() => null;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        var marker = model?.Compilation.GetTypeByMetadataName(MarkerName);
        if (root is not CompilationUnitSyntax unit || model is null || marker is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<ClassDeclarationSyntax>() is not { } declaration
                || model.GetDeclaredSymbol(declaration, context.CancellationToken) is not { } type)
            {
                continue;
            }

            var written = type.InstanceConstructors
                .Where(static c => !c.IsImplicitlyDeclared)
                .Select(c => (Symbol: c, Syntax: c.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(context.CancellationToken) as ConstructorDeclarationSyntax))
                .Where(c => c.Syntax is not null && c.Syntax.SyntaxTree == root.SyntaxTree)
                .ToList();
            var usable = type.InstanceConstructors.Where(static c => c.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal).ToList();
            if (usable.Count == 0 && type.InstanceConstructors.Length == 1 && written.Count == 1)
            {
                var constructor = written[0].Syntax!;
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Make the constructor '{Describe(written[0].Symbol)}' internal",
                        _ => Task.FromResult(context.Document.WithSyntaxRoot(
                            root.ReplaceNode(constructor, ModifierLists.SetAccessibility(constructor, SyntaxKind.InternalKeyword)))),
                        equivalenceKey: "MakeConstructorInternal"),
                    diagnostic);
                continue;
            }

            if (usable.Count < 2 || usable.Any(c => c.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, marker))))
            {
                continue;
            }

            foreach (var (symbol, syntax) in written.Where(c => usable.Contains(c.Symbol, SymbolEqualityComparer.Default)))
            {
                string shown = Describe(symbol);
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Mark '{shown}' [ActivatorUtilitiesConstructor]",
                        _ =>
                        {
                            var (name, import) = TypeNames.Write(model, syntax!.SpanStart, marker, "ActivatorUtilitiesConstructor");
                            var marked = AttributeLines.Insert(syntax, syntax.AttributeLists.Count, [SyntaxFactory.Attribute(name)]);
                            return Task.FromResult(context.Document.WithSyntaxRoot(TypeNames.AddUsing(unit.ReplaceNode(syntax, marked), import)));
                        },
                        equivalenceKey: "MarkConstructor." + shown),
                    diagnostic);
            }
        }
    }

    /// <summary><c>Chat(string, IRooms)</c>.</summary>
    private static string Describe(IMethodSymbol constructor) =>
        constructor.ContainingType.Name + "(" + string.Join(", ", constructor.Parameters.Select(static p => p.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat))) + ")";
}
