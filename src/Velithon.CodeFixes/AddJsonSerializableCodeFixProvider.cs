using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Velithon.Generators.Diagnostics;

namespace Velithon.CodeFixes;

/// <summary>
/// Fixes VLT0018 (an <c>[OnMessage]</c> type that the endpoint's <c>JsonSerializerContext</c> has no metadata for) by
/// adding <c>[JsonSerializable(typeof(T))]</c> to that context, in the document that declares it. The diagnostic
/// names the context and the type in its properties. Not offered when the context is not written in this
/// solution (it comes from a referenced assembly).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddJsonSerializableCodeFixProvider))]
[Shared]
public sealed class AddJsonSerializableCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.MessageTypeWithoutJsonMetadata);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => JsonSerializableFixAllProvider.Instance;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (await JsonSerializableEdit.FindAsync(context.Document.Project, diagnostic, context.CancellationToken).ConfigureAwait(false) is not { } target)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Add [JsonSerializable(typeof({target.ShownType}))] to '{target.ContextName}'",
                    cancellationToken => JsonSerializableEdit.AddAsync(context.Document.Project.Solution, [target], cancellationToken),
                    equivalenceKey: "AddJsonSerializable"),
                diagnostic);
        }
    }
}
