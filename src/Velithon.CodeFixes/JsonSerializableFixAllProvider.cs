using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace Velithon.CodeFixes;

/// <summary>
/// Fix all for VLT0018: every missing type of the scope added to its context in one edit. The batch fixer cannot
/// do it: the fixes insert at the same place of one document, often another document than the diagnostics', and
/// it drops all but one of changes that meet.
/// </summary>
internal sealed class JsonSerializableFixAllProvider : FixAllProvider
{
    public static readonly JsonSerializableFixAllProvider Instance = new();

    /// <inheritdoc />
    public override IEnumerable<FixAllScope> GetSupportedFixAllScopes() => [FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution];

    /// <inheritdoc />
    public override async Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
    {
        var found = new List<(Project Project, Diagnostic Diagnostic)>();
        switch (fixAllContext.Scope)
        {
            case FixAllScope.Document when fixAllContext.Document is { } document:
                found.AddRange((await fixAllContext.GetDocumentDiagnosticsAsync(document).ConfigureAwait(false)).Select(d => (document.Project, d)));
                break;
            case FixAllScope.Project:
                found.AddRange((await fixAllContext.GetAllDiagnosticsAsync(fixAllContext.Project).ConfigureAwait(false)).Select(d => (fixAllContext.Project, d)));
                break;
            case FixAllScope.Solution:
                foreach (var project in fixAllContext.Solution.Projects)
                {
                    found.AddRange((await fixAllContext.GetAllDiagnosticsAsync(project).ConfigureAwait(false)).Select(d => (project, d)));
                }

                break;
            default:
                return null;
        }

        return CodeAction.Create(
            "Add [JsonSerializable] for every message type",
            async cancellationToken =>
            {
                var targets = new List<JsonSerializableEdit.Target>();
                foreach (var (project, diagnostic) in found)
                {
                    if (await JsonSerializableEdit.FindAsync(project, diagnostic, cancellationToken).ConfigureAwait(false) is { } target)
                    {
                        targets.Add(target);
                    }
                }

                return await JsonSerializableEdit.AddAsync(fixAllContext.Solution, targets, cancellationToken).ConfigureAwait(false);
            },
            fixAllContext.CodeActionEquivalenceKey);
    }
}
