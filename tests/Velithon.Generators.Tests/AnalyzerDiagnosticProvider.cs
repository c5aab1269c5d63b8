using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Velithon.Generators.Tests;

/// <summary>
/// What a fix-all asks for, as an editor computes it: the diagnostics <paramref name="analyzer"/> reports in a project, by
/// document, with the project's MSBuild <paramref name="buildProperties"/> (see ProtocolMarkup).
/// </summary>
internal sealed class AnalyzerDiagnosticProvider(DiagnosticAnalyzer analyzer, IReadOnlyDictionary<string, string>? buildProperties = null) : FixAllContext.DiagnosticProvider
{
    public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
    {
        var tree = await document.GetSyntaxTreeAsync(cancellationToken);
        return (await GetAllDiagnosticsAsync(document.Project, cancellationToken)).Where(d => d.Location.SourceTree == tree);
    }

    public override async Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
        (await GetAllDiagnosticsAsync(project, cancellationToken)).Where(d => !d.Location.IsInSource);

    public override async Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken)
    {
        var compilation = (await project.GetCompilationAsync(cancellationToken))!;
        return await ProtocolMarkup.AnalyzeAsync(compilation, analyzer, buildProperties);
    }
}
