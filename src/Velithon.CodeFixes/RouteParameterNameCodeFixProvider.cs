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
using Microsoft.CodeAnalysis.Text;
using Velithon.Generators.Diagnostics;

namespace Velithon.CodeFixes;

/// <summary>
/// Fixes VLT0023 (a route parameter and a method parameter spelled two ways, <c>{room_id}</c> and
/// <c>roomId</c>) by renaming the route parameter to the method parameter's name, or by marking the method
/// parameter <c>[FromRoute(Name = "room_id")]</c>. The diagnostic's location is the route parameter in the
/// template; its additional location is the method parameter's name.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RouteParameterNameCodeFixProvider))]
[Shared]
public sealed class RouteParameterNameCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.RouteParameterNameMismatch);

    /// <inheritdoc />
    public override FixAllProvider? GetFixAllProvider() => null;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var diagnostic = context.Diagnostics[0];
        if (diagnostic.AdditionalLocations.Count != 1)
        {
            return;
        }

        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var text = await context.Document.GetTextAsync(context.CancellationToken).ConfigureAwait(false);
        if (root?.FindNode(diagnostic.AdditionalLocations[0].SourceSpan) is not { } parameterNode
            || parameterNode.FirstAncestorOrSelf<ParameterSyntax>() is not { } parameter)
        {
            return;
        }

        string parameterName = parameter.Identifier.ValueText;
        var routeSpan = diagnostic.Location.SourceSpan;
        if (RouteParameterName.Find(text.ToString(routeSpan)) is not { } route)
        {
            return;
        }

        // {room_id} -> {roomId}, <int:room_id> -> <int:roomId>: only the name changes, inside the literal.
        var nameSpan = new TextSpan(routeSpan.Start + route.Offset, route.Name.Length);
        context.RegisterCodeFix(
            CodeAction.Create(
                $"Rename the route parameter '{route.Name}' to '{parameterName}'",
                _ => Task.FromResult(context.Document.WithText(text.WithChanges(new TextChange(nameSpan, parameterName)))),
                equivalenceKey: "RenameRouteParameter"),
            diagnostic);

        context.RegisterCodeFix(
            CodeAction.Create(
                $"Mark '{parameterName}' [FromRoute(Name = \"{route.Name}\")]",
                cancellationToken => AddFromRouteAsync(context.Document, parameter, route.Name, cancellationToken),
                equivalenceKey: "AddFromRoute"),
            diagnostic);
    }

    private static async Task<Document> AddFromRouteAsync(Document document, ParameterSyntax parameter, string routeName, CancellationToken cancellationToken)
    {
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (model?.Compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Mvc.FromRouteAttribute") is not { } fromRoute)
        {
            return document;
        }

        // [FromRoute(Name = "room_id")]
        var arguments = SyntaxFactory.AttributeArgumentList(SyntaxFactory.SingletonSeparatedList(
            SyntaxFactory.AttributeArgument(
                SyntaxFactory.NameEquals("Name"),
                nameColon: null,
                SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(routeName)))));
        return await ParameterAttributes.AddAsync(document, parameter, fromRoute, arguments, cancellationToken).ConfigureAwait(false);
    }
}
