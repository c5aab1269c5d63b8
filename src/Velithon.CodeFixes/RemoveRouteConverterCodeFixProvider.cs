using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;
using Velithon.Generators.Diagnostics;

namespace Velithon.CodeFixes;

/// <summary>
/// Fixes VLT0006 (a route converter that asks for another type than the parameter has) by removing the converter
/// from the template, <c>&lt;int:id&gt;</c> to <c>&lt;id&gt;</c>, <c>{id:int}</c> to <c>{id}</c>: a bare parameter lets
/// the method parameter's type decide how the value parses, and a converter adds no route constraint, so the
/// paths the route matches stay the same. The diagnostic's additional location is the route parameter in the
/// template. Not offered for <c>path</c> or a catch-all, which take the rest of the path (removing it would
/// match one segment only), nor for the other remedy, changing the parameter's type, which could break the
/// code that uses it.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveRouteConverterCodeFixProvider))]
[Shared]
public sealed class RemoveRouteConverterCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.RouteConverterTypeMismatch);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var text = await context.Document.GetTextAsync(context.CancellationToken).ConfigureAwait(false);
        var tree = await context.Document.GetSyntaxTreeAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (diagnostic.AdditionalLocations.Count != 1 || diagnostic.AdditionalLocations[0].SourceTree != tree)
            {
                continue;
            }

            var span = diagnostic.AdditionalLocations[0].SourceSpan;
            string written = text.ToString(span);
            if (RouteParameterName.Find(written) is not { } route || IsRestOfPath(written))
            {
                continue;
            }

            string bare = written[0] == '<' ? "<" + route.Name + ">" : "{" + route.Name + "}";
            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Remove the converter: {bare}",
                    _ => Task.FromResult(context.Document.WithText(text.WithChanges(new TextChange(span, bare)))),
                    equivalenceKey: "RemoveRouteConverter"),
                diagnostic);
        }
    }

    /// <summary><c>&lt;path:rest&gt;</c>, <c>{rest:path}</c>, <c>{*rest}</c>, <c>{**rest}</c>.</summary>
    private static bool IsRestOfPath(string written) =>
        written.StartsWith("<path:", System.StringComparison.Ordinal)
        || written.StartsWith("{*", System.StringComparison.Ordinal)
        || written.EndsWith(":path}", System.StringComparison.Ordinal);
}
