using System.Collections.Generic;
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
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Simplification;
using Velithon.Generators.Diagnostics;

namespace Velithon.CodeFixes;

/// <summary>
/// Fixes VLT0003 (a route parameter no method parameter takes) by adding the parameter to the handler method, or
/// to the constructor the route table calls for an endpoint class: <c>string roomId</c> for <c>&lt;roomId&gt;</c>,
/// the converter's type for <c>&lt;int:page&gt;</c> (<c>int page</c>). It goes at the end, before the optional
/// parameters (a required parameter cannot follow them, CS1737) and a <c>CancellationToken</c>. Not offered when the
/// name is taken in the method already, or when the class has no written constructor (a new constructor would
/// take the value only to drop it; a primary constructor's unread parameter is warning CS9113).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddRouteParameterCodeFixProvider))]
[Shared]
public sealed class AddRouteParameterCodeFixProvider : CodeFixProvider
{
    private const string EquivalenceKey = "AddRouteParameter";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.RouteParameterWithoutMethodParameter);

    /// <summary>
    /// Fix all adds every missing parameter of a document at once: two fixes for one handler insert at the same
    /// place, which the batch fixer would take for a conflict and drop one of.
    /// </summary>
    public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(
        static async (context, document, diagnostics) => await AddAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

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
            if (Find(root, model, diagnostic, context.CancellationToken) is not { } target)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Add the parameter '{target.DisplayType} {target.Name}'",
                    cancellationToken => AddAsync(context.Document, [diagnostic], cancellationToken),
                    equivalenceKey: EquivalenceKey),
                diagnostic);
        }
    }

    private static async Task<Document> AddAsync(Document document, IEnumerable<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var root = editor.OriginalRoot;
        var model = editor.SemanticModel;

        // In template order, so two parameters added to one handler keep the template's order.
        foreach (var diagnostic in diagnostics.OrderBy(static d => d.Location.SourceSpan.Start))
        {
            if (Find(root, model, diagnostic, cancellationToken) is not { } target)
            {
                continue;
            }

            editor.ReplaceNode(target.List, (current, _) =>
            {
                var list = (ParameterListSyntax)current;
                if (list.Parameters.Any(p => p.Identifier.ValueText == target.Name))
                {
                    return list;
                }

                // Before the first optional, params or CancellationToken parameter; recognised by name in the edited
                // list, which has no semantic model.
                int index = list.Parameters.Count;
                for (int i = 0; i < list.Parameters.Count; i++)
                {
                    var p = list.Parameters[i];
                    if (p.Default is not null || p.Modifiers.Any(SyntaxKind.ParamsKeyword) || target.TrailingNames.Contains(p.Identifier.ValueText))
                    {
                        index = i;
                        break;
                    }
                }

                var parameter = SyntaxFactory.Parameter(Identifier(target.Name))
                    .WithType(SyntaxFactory.ParseTypeName(target.Type).WithAdditionalAnnotations(Simplifier.Annotation).WithTrailingTrivia(SyntaxFactory.Space));
                return ParameterLists.Insert(list, index, parameter);
            });
        }

        return editor.GetChangedDocument();
    }

    private static Target? Find(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.RouteParameterName, out var name) || name is null
            || !diagnostic.Properties.TryGetValue(DiagnosticProperties.ParameterType, out var type) || type is null
            || root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<AttributeListSyntax>()?.Parent is not { } declaration)
        {
            return null;
        }

        BaseMethodDeclarationSyntax? method = declaration switch
        {
            MethodDeclarationSyntax handler => handler,
            ClassDeclarationSyntax endpoint => Constructor(endpoint, model, cancellationToken),
            _ => null,
        };
        if (method is null || model.GetDeclaredSymbol(method, cancellationToken) is not { } symbol || LocalNames.IsTaken(method, name))
        {
            return null;
        }

        var trailing = symbol.Parameters
            .Where(static p => p.Type.ToDisplayString() == "System.Threading.CancellationToken")
            .Select(static p => p.Name)
            .ToImmutableHashSet();
        string displayType = type.StartsWith("global::System.", System.StringComparison.Ordinal) ? type.Substring("global::System.".Length) : type;
        return new Target(method.ParameterList, name, type, displayType, trailing);
    }

    /// <summary>The written constructor the route table calls: the only visible one, or the one marked [ActivatorUtilitiesConstructor].</summary>
    private static ConstructorDeclarationSyntax? Constructor(ClassDeclarationSyntax declaration, SemanticModel model, CancellationToken cancellationToken)
    {
        if (model.GetDeclaredSymbol(declaration, cancellationToken) is not { } type)
        {
            return null;
        }

        var usable = type.InstanceConstructors
            .Where(static c => c.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal)
            .ToList();
        if (usable.Count > 1)
        {
            usable = usable.Where(static c => c.GetAttributes().Any(static a => a.AttributeClass?.Name == "ActivatorUtilitiesConstructorAttribute")).ToList();
        }

        return usable.Count == 1
            && usable[0].DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is ConstructorDeclarationSyntax constructor
            && constructor.SyntaxTree == declaration.SyntaxTree
            ? constructor
            : null;
    }

    /// <summary><c>roomId</c>, or <c>@class</c> for a route parameter named like a keyword.</summary>
    private static SyntaxToken Identifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None
            ? SyntaxFactory.Identifier(default, SyntaxKind.IdentifierToken, "@" + name, name, default)
            : SyntaxFactory.Identifier(name);

    private sealed class Target(ParameterListSyntax list, string name, string type, string displayType, ImmutableHashSet<string> trailingNames)
    {
        public ParameterListSyntax List => list;

        public string Name => name;

        /// <summary>As written in the new parameter: <c>int</c>, <c>global::System.Guid</c> (simplified where a using allows).</summary>
        public string Type => type;

        /// <summary>As the action's title shows it: <c>int</c>, <c>Guid</c>.</summary>
        public string DisplayType => displayType;

        /// <summary>The parameters the new one goes before: the CancellationToken ones.</summary>
        public ImmutableHashSet<string> TrailingNames => trailingNames;
    }
}
