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
/// Fixes VLT0004 (a parameter of a simple type that binds from nothing) by naming its source: <c>[FromQuery]</c> or
/// <c>[FromHeader]</c>, each its own action, and <c>[FromServices]</c> too when the type is a class or interface
/// (a string, number, enum or other value type is never a service). The diagnostic's other remedy, adding
/// <c>&lt;name&gt;</c> to the template, changes the URL clients connect to, so it is left to the user.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(BindingSourceCodeFixProvider))]
[Shared]
public sealed class BindingSourceCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.ParameterBindsFromNothing);

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
            if (root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<ParameterSyntax>() is not { } parameter
                || model.GetDeclaredSymbol(parameter, context.CancellationToken) is not { } symbol)
            {
                continue;
            }

            string name = parameter.Identifier.ValueText;
            Register("FromQuery", $"Bind '{name}' from the query string: [FromQuery]");
            Register("FromHeader", $"Bind '{name}' from the request headers: [FromHeader]");
            if (symbol.Type.TypeKind is TypeKind.Class or TypeKind.Interface && symbol.Type.SpecialType != SpecialType.System_String)
            {
                Register("FromServices", $"Bind '{name}' from the services: [FromServices]");
            }

            void Register(string attribute, string title)
            {
                if (model.Compilation.GetTypeByMetadataName($"Microsoft.AspNetCore.Mvc.{attribute}Attribute") is not { } type)
                {
                    return;
                }

                context.RegisterCodeFix(
                    CodeAction.Create(title, cancellationToken => ParameterAttributes.AddAsync(context.Document, parameter, type, null, cancellationToken), equivalenceKey: "Add" + attribute),
                    diagnostic);
            }
        }
    }
}
